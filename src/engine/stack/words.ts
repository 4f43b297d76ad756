// The stack's facts in the engine's words, once: the layer summaries, the picture's lines and
// the CLI all say "veth a0, MTU 1400" and "rtt 0.1 ms ± 0.04" the same way.
import { ms } from '../abort';
import type { ConnectionResult } from '../model/report';
import type { InterfaceKind, LinkFacts, NextHop, RouteFacts, TcpFacts } from '../model/stack';

/** `address:port`, with an IPv6 address in brackets (`[::1]:443`). */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

const KIND_WORDS: Readonly<Record<InterfaceKind, string>> = {
  ethernet: 'Ethernet',
  wifi: 'Wi-Fi',
  loopback: 'loopback',
  tunnel: 'tunnel',
  bridge: 'bridge',
  veth: 'veth',
  vlan: 'VLAN',
  bond: 'bond',
  ppp: 'PPP',
  other: 'interface',
};

export function kindWord(kind: InterfaceKind): string {
  return KIND_WORDS[kind];
}

/** `veth a0, MTU 1400, 46:91:ec:dd:a8:9d, up, 1000 Mb/s`. */
export function linkLine(l: LinkFacts): string {
  return [`${kindWord(l.kind)} ${l.interface}`, `MTU ${l.mtu}`, l.mac, l.state === 'unknown' ? undefined : l.state, l.speedMbps !== undefined ? `${l.speedMbps} Mb/s` : undefined].filter((p) => p !== undefined).join(', ');
}

const STATE_WORDS: Readonly<Record<NextHop['state'], string>> = {
  reachable: 'reachable',
  stale: 'stale (not confirmed lately)',
  delay: 'being confirmed',
  probe: 'being probed',
  incomplete: 'not resolved: no answer yet',
  failed: 'not resolved: no answer',
  permanent: 'static entry',
  noarp: 'no ARP on this link',
  resolved: 'resolved',
  none: 'not resolved: not in the neighbour table',
  unknown: 'neighbour table unreadable',
};

/** `10.77.1.1 (gateway) at 3a:b2:57:7a:3b:97, reachable`, or `… not resolved: no answer`. */
export function nextHopLine(hop: NextHop): string {
  return `${hop.address} (${hop.role})${hop.mac ? ` at ${hop.mac}` : ''}, ${STATE_WORDS[hop.state]}`;
}

/** ` via 10.77.1.1 (a0)`, ` directly on a0`, ` on lo (this host)`, plus the tunnel and default-route marks. */
export function routeWords(r: RouteFacts): string {
  const base = r.local ? ` on ${r.interface} (this host)` : r.gateway !== undefined ? ` via ${r.gateway} (${r.interface})` : ` directly on ${r.interface}`;
  const marks = [r.viaTunnel ? 'through a tunnel' : null, r.defaultInterface !== undefined ? `not the default route's ${r.defaultInterface}` : null].filter(Boolean);
  return `${base}${marks.length > 0 ? `, ${marks.join(', ')}` : ''}`;
}

/** `IPv4 10.77.1.2 → 10.77.2.2 via 10.77.1.1 (a0)`. */
export function ipLine(c: ConnectionResult): string {
  const from = c.route?.source ?? c.localAddress;
  return `IPv${c.family} ${from !== undefined ? `${from} → ` : '→ '}${c.address}${c.route ? routeWords(c.route) : ''}`;
}

/** A kernel time in ms: loopback round trips are tens of microseconds, so small ones keep three decimals. */
export function kernelMs(value: number): string {
  return value >= 1 ? String(ms(value)) : String(Math.round(value * 1000) / 1000);
}

/** `rtt 0.1 ms ± 0.04, 0 retransmits, MSS 1248, path MTU 1300`. */
export function tcpWords(t: TcpFacts): string {
  const parts = [`rtt ${kernelMs(t.rttMs)} ms ± ${kernelMs(t.rttVarMs)}`, `${t.retransmits} retransmit${t.retransmits === 1 ? '' : 's'}${t.spuriousRetransmits ? ` (${t.spuriousRetransmits} spurious)` : ''}`];
  if (t.outOfOrder > 0) parts.push(`${t.outOfOrder} out of order`);
  parts.push(`MSS ${t.mss}`, `path MTU ${t.pathMtu}`);
  return parts.join(', ');
}

/** `TCP 47958 → 18443, rtt 0.2 ms ± 0.1, 0 retransmits, MSS 65483, path MTU 65535`. */
export function tcpLine(c: ConnectionResult): string {
  const ports = `TCP ${c.localPort ?? '?'} → ${c.port}`;
  return c.tcp ? `${ports}, ${tcpWords(c.tcp)}` : ports;
}

/** The details TCP_INFO adds: window, algorithm, bytes, the kernel's path MTU. */
export function tcpDetails(t: TcpFacts): string[] {
  const out = [`TCP_INFO (${t.state}): rtt ${t.rttMs} ms, rttvar ${t.rttVarMs} ms${t.minRttMs !== undefined ? `, min rtt ${t.minRttMs} ms` : ''}`];
  out.push(`Congestion window ${t.cwnd} segments${t.congestion ? ` (${t.congestion})` : ''}; MSS ${t.mss}${t.advmss !== undefined ? `, announced ${t.advmss}` : ''}; kernel path MTU ${t.pmtu}${t.pathMtu < t.pmtu ? `, ${t.pathMtu} as the MSS shows` : ''}`);
  out.push(`Retransmitted ${t.retransmits} segment(s)${t.spuriousRetransmits ? `, ${t.spuriousRetransmits} of them spurious (the server already had them: DSACK)` : ''}; ${t.outOfOrder} segment(s) from the server arrived out of order`);
  if (t.bytesSent !== undefined || t.bytesReceived !== undefined) out.push(`Bytes sent ${t.bytesSent ?? '?'}, received ${t.bytesReceived ?? '?'}`);
  return out;
}
