// The kernel's TCP_INFO as iproute2's `ss -tinH` prints it, for one socket: what TCP did on the
// connection (round-trip time, retransmissions, MSS, congestion window, path MTU). Pure.
//
//   ESTAB 0      0      10.77.1.2:45452 10.77.2.2:8080
//   	 cubic wscale:10,10 rto:204 rtt:0.08/0.038 ato:40 mss:1248 pmtu:1400 rcvmss:1248
//   	 advmss:1348 cwnd:11 bytes_sent:27 … retrans:0/24 … rcv_ooopack:17 snd_wnd:65536
import { isIP } from 'node:net';
import type { TcpFacts } from '../model/stack';
import type { SocketEnds } from './facts';

/** The flags ss prints before the congestion algorithm's name (misc/ss.c, tcp_show_info). */
const FLAGS = new Set(['ts', 'sack', 'ecn', 'ecnseen', 'fastopen']);

/** `10.0.0.1:80`, `[::1]:80`, `[::ffff:10.0.0.1]:80`, `[fe80::1%eth0]:80` → address and port. */
export function splitSsEndpoint(text: string): { address: string; port: number } | null {
  const m = /^\[?(.*?)\]?:(\d+|\*)$/.exec(text.trim());
  if (!m || m[2] === '*') return null;
  let address = m[1]!.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  return isIP(address) === 0 ? null : { address: address.toLowerCase(), port: Number(m[2]) };
}

function sameAddress(a: string, b: string): boolean {
  const norm = (x: string): string => {
    const bare = x.replace(/%.*$/, '').toLowerCase();
    return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1] ?? bare;
  };
  return norm(a) === norm(b);
}

/** The socket whose ends match, read from `ss -tinH` output; null when it is not listed. */
export function parseSsTcpInfo(stdout: string, ends: SocketEnds): TcpFacts | null {
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || /^\s/.test(line)) continue;
    const cols = line.trim().split(/\s+/);
    // State, Recv-Q, Send-Q, Local, Peer (ss -t with one state filter omits the state column).
    const peerText = cols[cols.length - 1] ?? '';
    const localText = cols[cols.length - 2] ?? '';
    const local = splitSsEndpoint(localText);
    const peer = splitSsEndpoint(peerText);
    if (!local || !peer || local.port !== ends.localPort || peer.port !== ends.remotePort) continue;
    if (!sameAddress(local.address, ends.localAddress) || !sameAddress(peer.address, ends.remoteAddress)) continue;
    const info: string[] = [];
    for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]!); j++) info.push(lines[j]!.trim());
    return readInfo(cols.length >= 5 ? cols[0]! : 'ESTAB', info.join(' '), peer.address);
  }
  return null;
}

function readInfo(state: string, text: string, peer: string): TcpFacts | null {
  const values = new Map<string, string>();
  let congestion: string | undefined;
  let timestamps = false;
  let seenValue = false;
  // `key:value` tokens; bbr:(…) and `send 1.2Mbps`-style pairs are skipped.
  for (const token of text.replace(/\([^)]*\)/g, '').split(/\s+/)) {
    const colon = token.indexOf(':');
    if (colon > 0) {
      values.set(token.slice(0, colon), token.slice(colon + 1));
      seenValue = true;
    } else if (token === 'ts') timestamps = true;
    else if (!seenValue && token !== '' && !FLAGS.has(token)) congestion = token;
  }
  const num = (key: string): number | undefined => {
    const raw = values.get(key);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const [rtt, rttVar] = (values.get('rtt') ?? '').split('/').map(Number);
  const mss = num('mss');
  const pmtu = num('pmtu');
  if (rtt === undefined || !Number.isFinite(rtt) || mss === undefined || pmtu === undefined) return null;
  // retrans:CURRENT/TOTAL — the total is tcpi_total_retrans.
  const retrans = (values.get('retrans') ?? '0/0').split('/');
  const advmss = num('advmss');
  const facts: TcpFacts = {
    state,
    rttMs: rtt,
    rttVarMs: rttVar !== undefined && Number.isFinite(rttVar) ? rttVar : 0,
    retransmits: Number(retrans[1] ?? retrans[0] ?? 0) || 0,
    outOfOrder: num('rcv_ooopack') ?? 0,
    mss,
    cwnd: num('cwnd') ?? 0,
    pmtu,
    // IP and TCP headers, and the timestamp option (RFC 7323) when the two ends agreed on it.
    pathMtu: connectionPathMtu(mss, pmtu, advmss, num('snd_wnd'), (isIP(peer) === 6 ? 60 : 40) + (timestamps ? 12 : 0)),
  };
  if (congestion !== undefined) facts.congestion = congestion;
  const dsack = num('dsack_dups');
  if (dsack !== undefined && dsack > 0) facts.spuriousRetransmits = Math.min(dsack, facts.retransmits);
  const minRtt = num('minrtt');
  if (minRtt !== undefined) facts.minRttMs = minRtt;
  if (advmss !== undefined) facts.advmss = advmss;
  const sent = num('bytes_sent');
  if (sent !== undefined) facts.bytesSent = sent;
  const received = num('bytes_received');
  if (received !== undefined) facts.bytesReceived = received;
  return facts;
}

/**
 * The largest IP packet the connection carries. The MSS is the payload of a full segment: add
 * the headers (the gap between the kernel's path MTU and the MSS it announced from it, else
 * `headerGuess`) and a smaller MSS than the path MTU allows shows a smaller MTU on the way — the
 * server's link, a tunnel, MSS clamping (RFC 879, RFC 1191). Linux caps the MSS at half the
 * largest window the peer offered (tcp_bound_to_half_wnd), as on loopback: then it says nothing
 * about the path, and the kernel's path MTU stands.
 */
export function connectionPathMtu(mss: number, pmtu: number, advmss: number | undefined, sendWindow: number | undefined, headerGuess: number): number {
  const headers = advmss !== undefined && pmtu - advmss > 0 && pmtu - advmss < 200 ? pmtu - advmss : headerGuess;
  if (sendWindow !== undefined && mss * 2 >= sendWindow) return pmtu;
  return Math.min(pmtu, mss + headers);
}
