// Wire-level DNS: one question (A or AAAA) to one server, the way dig asks it, so the answer can
// be compared with the system resolver's. UDP first, TCP when the answer is truncated.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import { ProbeTimeoutError, deadline, errorInfo, ms, reasonOf } from '../abort';
import type { DnsServer } from '../options';
import type { DnsAnswer, WireQuery } from '../report';
import { canonicalIp, formatDnsServer } from './servers';

export interface WireQueryOptions {
  signal?: AbortSignal;
  /** For the whole query: UDP, its retransmissions and a TCP retry. */
  timeoutMs: number;
  now: () => number;
}

/** dns-packet's decoder sets `rcode` (its header.decode) but its type declarations omit it. */
interface DecodedResponse extends DecodedPacket {
  rcode?: unknown;
}

/** An error with one of our stable codes (DNS_BAD_RESPONSE…), read by errorInfo. */
class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** RFC 8020-era default: a payload that avoids IP fragmentation (DNS Flag Day 2020). */
const EDNS_UDP_PAYLOAD = 1232;
/** Resend the same UDP query after 1/3 and 2/3 of the timeout: loss, not silence, is common. */
const UDP_SENDS = 3;
/** A TCP DNS message is at most 65535 bytes after its 2-byte length (RFC 1035 §4.2.2). */
const MAX_TCP_BYTES = 65535 + 2;
/** RFC 1035 §2.3.4. */
const MAX_NAME = 253;
const MAX_LABEL = 63;

interface Question {
  id: number;
  name: string;
  type: 'A' | 'AAAA';
}

/**
 * Asks `server` for `name`/`type` with recursion desired. Never throws: failures are in `error`
 * (DNS_TIMEOUT, DNS_BAD_RESPONSE, CANCELLED, ECONNREFUSED…) with `rcode: null`.
 */
export async function wireQuery(server: DnsServer, name: string, type: 'A' | 'AAAA', opts: WireQueryOptions): Promise<WireQuery> {
  const start = opts.now();
  const result: WireQuery = {
    server: formatDnsServer(server),
    type,
    rcode: null,
    transport: 'udp',
    truncated: false,
    authoritative: false,
    answers: [],
    durationMs: 0,
  };
  const d = deadline(opts.signal, opts.timeoutMs, `DNS query to ${result.server}`);
  try {
    const family = net.isIP(server.address);
    if (family === 0) throw new WireError('EINVAL', `DNS server "${server.address}" is not an IP address.`);
    if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
      throw new WireError('EINVAL', `DNS server port ${server.port} is not a number from 1 to 65535.`);
    }
    const qname = checkName(name);
    // A random ID is one of the two secrets (with the source port) against spoofed answers (RFC 5452 §4.3).
    const question: Question = { id: randomInt(0, 0x10000), name: qname, type };
    let response = await udpExchange(server, family === 6 ? 'udp6' : 'udp4', question, d.signal, opts.timeoutMs);
    if (response.flag_tc) {
      // RFC 1035 §4.2.1 / RFC 7766 §5: a truncated answer is retried over TCP.
      result.truncated = true;
      result.transport = 'tcp';
      response = await tcpExchange(server, question, d.signal);
    }
    result.rcode = typeof response.rcode === 'string' ? response.rcode : 'UNKNOWN';
    result.authoritative = response.flag_aa;
    result.answers = (response.answers ?? []).filter((a) => a.type !== 'OPT').map(toDnsAnswer);
  } catch (err) {
    result.error = errorOf(err, result, name, opts.timeoutMs);
  } finally {
    d.dispose();
  }
  result.durationMs = ms(opts.now() - start);
  return result;
}

function errorOf(err: unknown, query: WireQuery, name: string, timeoutMs: number): WireQuery['error'] {
  if (err instanceof ProbeTimeoutError) {
    const how = query.truncated ? ' (over TCP, after a truncated UDP answer)' : '';
    return { code: 'DNS_TIMEOUT', message: `No answer from ${query.server} for ${name} ${query.type}${how} within ${timeoutMs} ms.` };
  }
  return errorInfo(err);
}

/** Lower-case, without the root dot, checked against RFC 1035 limits so encoding cannot overflow. */
function checkName(name: string): string {
  const n = name.replace(/\.$/, '').toLowerCase();
  const bad =
    n === '' ||
    Buffer.byteLength(n) > MAX_NAME ||
    n.split('.').some((label) => label === '' || Buffer.byteLength(label) > MAX_LABEL);
  if (bad) throw new WireError('EINVAL', `"${name}" is not a valid DNS name.`);
  return n;
}

function encodeQuery(q: Question): Buffer {
  const packet: Packet = {
    type: 'query',
    id: q.id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: q.type, name: q.name, class: 'IN' }],
    // EDNS(0) (RFC 6891 §6.1.2): advertise our UDP payload size so large answers need no TCP.
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  };
  return dnsPacket.encode(packet);
}

/**
 * Why `packet` is not the answer to `q`, or null when it is: a response with the same ID and the
 * same question (RFC 5452 §9.1), names compared case-insensitively (RFC 4343).
 */
function mismatch(packet: DecodedPacket, q: Question): string | null {
  if (!packet.flag_qr) return 'a query, not a response';
  if (packet.id !== q.id) return `ID ${packet.id} instead of ${q.id}`;
  const asked = packet.questions?.[0];
  if (packet.questions?.length !== 1 || asked === undefined) return `${packet.questions?.length ?? 0} questions instead of 1`;
  const askedName = asked.name.replace(/\.$/, '').toLowerCase();
  if (askedName !== q.name || asked.type !== q.type || (asked.class ?? 'IN') !== 'IN') {
    return `question "${asked.name} ${asked.class ?? ''} ${asked.type}" instead of "${q.name} IN ${q.type}"`;
  }
  return null;
}

/** Decodes inside a try: dns-packet throws on malformed input, and network bytes are untrusted. */
function decode(buf: Buffer): DecodedResponse | string {
  try {
    return dnsPacket.decode(buf);
  } catch (err) {
    return `undecodable (${errorInfo(err).message})`;
  }
}

function udpExchange(server: DnsServer, socketType: 'udp4' | 'udp6', q: Question, signal: AbortSignal, timeoutMs: number): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const socket = dgram.createSocket(socketType);
    const query = encodeQuery(q);
    const timers: NodeJS.Timeout[] = [];
    let ignored = 0;
    let lastProblem = '';
    let done = false;

    const finish = (err: Error | null, packet?: DecodedResponse): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else if (packet) resolve(packet);
    };
    const onAbort = (): void => {
      const reason = reasonOf(signal);
      if (reason instanceof ProbeTimeoutError && ignored > 0) {
        finish(new WireError('DNS_BAD_RESPONSE', `${formatDnsServer(server)} sent ${ignored} response(s) that did not match the query for ${q.name} ${q.type} (last: ${lastProblem}), and no valid answer in time.`));
      } else finish(reason);
    };
    const send = (): void => {
      if (!done) socket.send(query, (err) => err && finish(err));
    };

    signal.addEventListener('abort', onAbort, { once: true });
    // Connected, so the kernel drops datagrams from other peers and reports ICMP port-unreachable
    // as ECONNREFUSED instead of leaving us to time out.
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg, rinfo) => {
      const packet = decode(msg);
      const problem =
        rinfo.port !== server.port || canonicalIp(rinfo.address) !== canonicalIp(server.address)
          ? `from ${rinfo.address}:${rinfo.port}`
          : typeof packet === 'string'
            ? packet
            : mismatch(packet, q);
      if (problem === null && typeof packet !== 'string') finish(null, packet);
      else {
        ignored += 1;
        lastProblem = problem ?? '';
      }
    });
    // Node passes a failed connect (EINVAL for a link-local address without a zone…) to this
    // callback instead of emitting 'error'.
    socket.connect(server.port, server.address, (err?: Error) => {
      if (err) return finish(err);
      if (done) return;
      send();
      for (let i = 1; i < UDP_SENDS; i++) {
        const t = setTimeout(send, (timeoutMs * i) / UDP_SENDS);
        t.unref();
        timers.push(t);
      }
    });
  });
}

function tcpExchange(server: DnsServer, q: Question, signal: AbortSignal): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const socket = net.connect({ host: server.address, port: server.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;

    const finish = (err: Error | null, packet?: DecodedResponse): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else if (packet) resolve(packet);
    };
    const onAbort = (): void => finish(reasonOf(signal));
    const bad = (why: string): void =>
      finish(new WireError('DNS_BAD_RESPONSE', `${formatDnsServer(server)} over TCP, for ${q.name} ${q.type}: ${why}.`));

    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => {
      // RFC 1035 §4.2.2: over TCP each message is preceded by its length in two bytes.
      const query = encodeQuery(q);
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on('data', (chunk: Buffer) => {
      // The answer may arrive in any number of segments: collect until the length prefix is met.
      chunks.push(chunk.subarray(0, MAX_TCP_BYTES - received));
      received = Math.min(received + chunk.length, MAX_TCP_BYTES);
      if (received < 2) return;
      const buf = Buffer.concat(chunks);
      const length = buf.readUInt16BE(0);
      if (received < length + 2) return;
      const packet = decode(buf.subarray(2, length + 2));
      if (typeof packet === 'string') return bad(packet);
      const problem = mismatch(packet, q);
      if (problem !== null) return bad(problem);
      finish(null, packet);
    });
    socket.on('end', () => bad(`the server closed the connection after ${received} byte(s) of the answer`));
    socket.on('close', () => bad('the connection closed before an answer arrived'));
  });
}

/** The record's data in presentation-like text; unknown types as RFC 3597 `\# len hex`. */
function toDnsAnswer(a: Answer): DnsAnswer {
  const ttl = 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0;
  return { name: a.name, type: a.type, ttl, data: dataText(a) };
}

function dataText(a: Answer): string {
  switch (a.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return a.data;
    case 'TXT':
      return (Array.isArray(a.data) ? a.data : [a.data]).map((s) => JSON.stringify(s.toString())).join(' ');
    case 'MX':
      return `${a.data.preference ?? 0} ${a.data.exchange}`;
    case 'SRV':
      return `${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}`;
    case 'SOA':
      return [a.data.mname, a.data.rname, a.data.serial, a.data.refresh, a.data.retry, a.data.expire, a.data.minimum].join(' ');
    case 'CAA':
      return `${a.data.flags ?? 0} ${a.data.tag} ${JSON.stringify(a.data.value)}`;
    case 'OPT':
      return `udp payload ${a.udpPayloadSize}`;
    default:
      return Buffer.isBuffer(a.data) ? `\\# ${a.data.length} ${a.data.toString('hex')}` : JSON.stringify(a.data, bufferAsHex);
  }
}

function bufferAsHex(_key: string, value: unknown): unknown {
  const v = value as { type?: unknown; data?: unknown };
  return v !== null && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data as number[]).toString('hex') : value;
}
