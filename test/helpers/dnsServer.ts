// A real DNS server on loopback for tests and benchmarks: UDP and TCP on the same port, answers
// from a small zone table, and per-name misbehaviour (NXDOMAIN, silence, truncation, garbage…)
// so every branch of a DNS client can be driven over real sockets.
//
//   const dns = await startDnsServer({
//     zone: { 'www.example.test': [{ type: 'CNAME', data: 'web.example.test' }],
//             'web.example.test': [{ type: 'A', data: '192.0.2.10', ttl: 60 }] },
//     behaviours: { 'slow.example.test': { delayMs: 200 } },
//   });
//   await wireQuery(dns.server, 'www.example.test', 'A', …);
//   diagnose(…, { lookup: lookupThrough(dns) })     // the system lookup answered by it too
//   await dns.close();
//
// It answers like a recursive resolver: it follows CNAMEs inside its zone and returns the chain
// plus the records of the asked type. Names are matched case-insensitively, without the root dot.
// `zone` and `behaviours` are read on every query, so a test may change them while it runs.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import type { DnsServer, LookupFn } from '../../src/engine/options';

type DataOf<T extends Answer['type']> = Extract<Answer, { type: T }> extends { data: infer D } ? D : never;

export type ZoneRecord =
  | { type: 'A' | 'AAAA' | 'CNAME'; data: string; ttl?: number }
  | { type: 'TXT'; data: string | string[]; ttl?: number }
  | { type: 'NS' | 'PTR'; data: string; ttl?: number }
  | { type: 'MX'; data: DataOf<'MX'>; ttl?: number }
  | { type: 'SOA'; data: DataOf<'SOA'>; ttl?: number }
  | { type: 'SRV'; data: DataOf<'SRV'>; ttl?: number }
  | { type: 'CAA'; data: DataOf<'CAA'>; ttl?: number }
  | { type: 'DS'; data: DataOf<'DS'>; ttl?: number }
  | { type: 'DNSKEY'; data: DataOf<'DNSKEY'>; ttl?: number }
  /** RDATA as bytes (RFC 9460 types dns-packet does not know; see encodeSvcb). */
  | { type: 'HTTPS' | 'SVCB'; data: Buffer; ttl?: number };

/** What a custom responder (DnsServerOptions.respond) answers; the server adds ID, question and flags. */
export interface Responder {
  rcode: number;
  answers: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
  /** The AA flag; default: the server's `authoritative` option. */
  aa?: boolean;
}

/** How the server treats queries for one name. Unset flags mean: answer normally. */
export interface Behaviour {
  /** Answer NXDOMAIN, whatever the zone holds. */
  nxdomain?: boolean;
  servfail?: boolean;
  refused?: boolean;
  /** Never answer (UDP or TCP); TCP connections stay open until close(). */
  silent?: boolean;
  /** Wait this long before answering (both transports). */
  delayMs?: number;
  /** Over UDP answer with TC set and no records (RFC 2181 §9); TCP gives the full answer. */
  truncate?: boolean;
  /** Over UDP, send a packet with the query's ID followed by random bytes instead of the answer. */
  garbage?: boolean;
  /** Over UDP, send the answer with another ID instead of the answer. */
  wrongId?: boolean;
  /** Over UDP, send the answer to another name (`wrong.<name>`) instead of the answer. */
  wrongQuestion?: boolean;
  /** Over UDP, send the answer with QR unset (a query, not a response) instead of the answer. */
  qrZero?: boolean;
  /** With garbage / wrongId / wrongQuestion / qrZero: send the real answer after the bad packet. */
  thenAnswer?: boolean;
  /** Over TCP, reset the connection (RST) once the query for this name arrives. */
  tcpRefused?: boolean;
  /** Over TCP, write the answer in several segments a few milliseconds apart. */
  tcpSplit?: boolean;
  /** Over TCP, write the length and half the answer, then close. */
  tcpCloseEarly?: boolean;
  /** Over TCP, write a length prefix and that many random bytes, then close. */
  tcpGarbage?: boolean;
  /** Over UDP, send a response whose question name is a compression pointer to itself. */
  pointerLoop?: boolean;
  /** Over UDP, send this address as the answer from another port of the same host first. */
  spoofFromOtherPort?: string;
  /**
   * Over UDP and TCP, answer with one A record whose RDATA is 3 bytes (RDLENGTH 3), the last
   * record of the message: malformed RDATA (RFC 1035 §3.4.1 says 4) that kdig calls a malformed reply.
   */
  shortA?: boolean;
  /** Over TCP, set TC in the answer and drop all but its first record (TC over TCP, RFC 7766 §8). */
  tcpTruncated?: boolean;
}

export interface DnsServerOptions {
  /** Loopback address to listen on: 127.0.0.1 (default), another 127.x address, or ::1. */
  host?: string;
  /** 0 (default) picks a port free for both UDP and TCP. */
  port?: number;
  /** Name → records. */
  zone?: Record<string, ZoneRecord[]>;
  /** Name → behaviour. */
  behaviours?: Record<string, Behaviour>;
  /** Sets the AA flag on answers; default true. */
  authoritative?: boolean;
  /**
   * Sets the RA flag (recursion available) on answers; default true, like a recursive resolver.
   * False makes it an authoritative or root server (RFC 1035 §4.1.1): referrals, RA unset.
   */
  recursionAvailable?: boolean;
  /** Listen on TCP too (default true); false makes a TCP retry get ECONNREFUSED. */
  tcp?: boolean;
  /** TTL of records that give none; default 300. */
  defaultTtl?: number;
  /**
   * Answers instead of the zone table (an authoritative server with referrals: see
   * test/helpers/dnsHierarchy.ts); behaviours still apply. Null: no answer at all.
   */
  respond?: (question: Question) => Responder | null;
  /**
   * Over UDP, answer with TC and no records when the response is larger than the query's EDNS
   * payload size (512 without EDNS), like a real server (RFC 6891 §7).
   */
  truncateBySize?: boolean;
  /** Wait this long before every answer (both transports): a far-away server for benchmarks. */
  delayAllMs?: number;
}

export interface LoggedQuery {
  /** As asked, case preserved. */
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  id: number;
}

export interface TestDnsServer {
  address: string;
  port: number;
  /** Ready for wireQuery / DiagnoseOptions.dnsServers. */
  server: DnsServer;
  /** Every query received, in order. */
  queries: LoggedQuery[];
  /** How many queries arrived, optionally only for a name and/or a transport. */
  count(name?: string, transport?: 'udp' | 'tcp'): number;
  /** Stops listening, drops TCP connections and pending delayed answers. */
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
/** The QR bit of the header flags (RFC 1035 §4.1.1); dns-packet sets it from `type: 'response'`. */
const QR = 1 << 15;
const MAX_CHAIN = 16;

function normal(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

export async function startDnsServer(options: DnsServerOptions = {}): Promise<TestDnsServer> {
  const host = options.host ?? '127.0.0.1';
  const zone = options.zone ?? {};
  const behaviours = options.behaviours ?? {};
  const authoritative = options.authoritative ?? true;
  const recursionAvailable = options.recursionAvailable ?? true;
  const defaultTtl = options.defaultTtl ?? 300;
  const queries: LoggedQuery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const connections = new Set<net.Socket>();
  let closed = false;

  const behaviourOf = (name: string): Behaviour => {
    const key = Object.keys(behaviours).find((k) => normal(k) === normal(name));
    return key === undefined ? {} : (behaviours[key] ?? {});
  };
  const recordsOf = (name: string): ZoneRecord[] | undefined => {
    const key = Object.keys(zone).find((k) => normal(k) === normal(name));
    return key === undefined ? undefined : zone[key];
  };
  const later = (delayMs: number | undefined, fn: () => void): void => {
    const wait = (delayMs ?? 0) + (options.delayAllMs ?? 0);
    if (!wait) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, wait);
    timers.add(t);
  };

  /** The full (untruncated) answer to `query`, or null when the query has no question. */
  const answerTo = (query: DecodedPacket): Packet | null => {
    const q = query.questions?.[0];
    if (q === undefined) return null;
    const b = behaviourOf(q.name);
    const resolved: Responder | null = b.nxdomain
      ? { rcode: RCODE.NXDOMAIN, answers: [] }
      : b.servfail
        ? { rcode: RCODE.SERVFAIL, answers: [] }
        : b.refused
          ? { rcode: RCODE.REFUSED, answers: [] }
          : options.respond
            ? options.respond(q)
            : resolve(q);
    if (resolved === null) return null;
    const aa = resolved.aa ?? authoritative;
    const flags =
      resolved.rcode |
      (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
      (recursionAvailable ? dnsPacket.RECURSION_AVAILABLE : 0) |
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED);
    return { type: 'response', id: query.id ?? 0, flags, questions: [q], answers: resolved.answers, authorities: resolved.authorities ?? [], additionals: resolved.additionals ?? [] };
  };

  /** Follows CNAMEs inside the zone; RFC 6604: the rcode is that of the last name in the chain. */
  const resolve = (q: Question): { rcode: number; answers: Answer[] } => {
    const answers: Answer[] = [];
    const seen = new Set<string>();
    let current = q.name;
    while (seen.size < MAX_CHAIN) {
      const records = recordsOf(current);
      if (records === undefined) return { rcode: RCODE.NXDOMAIN, answers };
      const cname = records.find((r) => r.type === 'CNAME');
      if (cname !== undefined && q.type !== 'CNAME') {
        answers.push(toAnswer(current, cname));
        if (seen.has(normal(current))) return { rcode: RCODE.SERVFAIL, answers };
        seen.add(normal(current));
        current = cname.data as string;
        continue;
      }
      answers.push(...records.filter((r) => r.type === q.type).map((r) => toAnswer(current, r)));
      return { rcode: RCODE.NOERROR, answers };
    }
    return { rcode: RCODE.SERVFAIL, answers };
  };
  const toAnswer = (name: string, r: ZoneRecord): Answer => zoneAnswer(name, r, defaultTtl);

  const decodeQuery = (buf: Buffer): DecodedPacket | null => {
    try {
      const packet = dnsPacket.decode(buf);
      return packet.flag_qr ? null : packet;
    } catch {
      return null;
    }
  };

  const { udp, tcp, port } = await bindBoth(host, options.port ?? 0, options.tcp ?? true);

  // A client that went away can make a send fail; a test server must not crash the test for it.
  udp.on('error', () => undefined);
  udp.on('message', (msg, rinfo) => {
    const query = decodeQuery(msg);
    const response = query && answerTo(query);
    const q = query?.questions?.[0];
    if (!query || !response || !q) return;
    queries.push({ name: q.name, type: q.type, transport: 'udp', id: query.id ?? 0 });
    const b = behaviourOf(q.name);
    if (b.silent) return;
    later(b.delayMs, () => {
      const reply = (buf: Buffer): void => {
        if (!closed) udp.send(buf, rinfo.port, rinfo.address);
      };
      if (b.spoofFromOtherPort !== undefined) {
        const spoof = dnsPacket.encode({ ...response, answers: [{ type: 'A', name: q.name, ttl: 60, data: b.spoofFromOtherPort }] });
        const other = dgram.createSocket(net.isIP(host) === 6 ? 'udp6' : 'udp4');
        other.bind(0, host, () => other.send(spoof, rinfo.port, rinfo.address, () => other.close()));
      }
      if (b.pointerLoop) {
        // Header (ID, QR, QDCOUNT 1), then a name that is a pointer to its own offset 12 (RFC 1035 §4.1.4).
        const loop = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
        msg.copy(loop, 0, 0, 2);
        reply(loop);
        return;
      }
      if (b.shortA) {
        reply(shortARecord(response, q.name));
        return;
      }
      if (b.garbage) reply(Buffer.concat([msg.subarray(0, 2), randomBytes(30)]));
      if (b.wrongId) reply(dnsPacket.encode({ ...response, id: ((query.id ?? 0) + 1) & 0xffff }));
      if (b.wrongQuestion) reply(dnsPacket.encode({ ...response, questions: [{ ...q, name: `wrong.${q.name}` }] }));
      if (b.qrZero) reply(dnsPacket.encode({ ...response, type: 'query', flags: (response.flags ?? 0) & ~QR }));
      if ((b.garbage || b.wrongId || b.wrongQuestion || b.qrZero) && !b.thenAnswer) return;
      const truncated: Packet = { ...response, flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: [] };
      const full = dnsPacket.encode(response);
      const opt = query.additionals?.find((a) => a.type === 'OPT');
      const limit = opt !== undefined && opt.type === 'OPT' ? Math.max(512, opt.udpPayloadSize ?? 512) : 512;
      reply(b.truncate || (options.truncateBySize && full.length > limit) ? dnsPacket.encode(truncated) : full);
    });
  });

  tcp?.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2 / RFC 7766 §6.2.1: queries may arrive pipelined on one connection.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        const query = decodeQuery(pending.subarray(2, 2 + length));
        pending = pending.subarray(2 + length);
        const response = query && answerTo(query);
        const q = query?.questions?.[0];
        if (!query || !response || !q) continue;
        queries.push({ name: q.name, type: q.type, transport: 'tcp', id: query.id ?? 0 });
        const b = behaviourOf(q.name);
        const sent: Packet = b.tcpTruncated ? { ...response, flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: (response.answers ?? []).slice(0, 1), authorities: [], additionals: [] } : response;
        answerTcp(socket, b, b.shortA ? frame(shortARecord(response, q.name)) : dnsPacket.streamEncode(sent));
      }
    });
  });

  const answerTcp = (socket: net.Socket, b: Behaviour, framed: Buffer): void => {
    if (b.tcpRefused) {
      socket.resetAndDestroy();
      return;
    }
    if (b.silent) return;
    later(b.delayMs, () => {
      if (socket.destroyed) return;
      if (b.tcpGarbage) {
        const junk = randomBytes(24);
        socket.end(Buffer.concat([Buffer.from([0, junk.length]), junk]));
      } else if (b.tcpCloseEarly) {
        socket.end(framed.subarray(0, Math.ceil(framed.length / 2)));
      } else if (b.tcpSplit) {
        socket.write(framed.subarray(0, 1));
        later(10, () => socket.destroyed || socket.write(framed.subarray(1, 7)));
        later(20, () => socket.destroyed || socket.write(framed.subarray(7)));
      } else {
        socket.write(framed);
      }
    });
  };

  return {
    address: host,
    port,
    server: { address: host, port },
    queries,
    count(name, transport) {
      return queries.filter((q) => (name === undefined || normal(q.name) === normal(name)) && (transport === undefined || q.transport === transport)).length;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of connections) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : Promise.resolve(),
      ]);
    },
  };
}

/** Binds UDP, then TCP on the same port; with port 0, retries until a port is free for both. */
async function bindBoth(host: string, port: number, withTcp: boolean): Promise<{ udp: dgram.Socket; tcp: net.Server | null; port: number }> {
  const type = net.isIP(host) === 6 ? 'udp6' : 'udp4';
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket(type);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const bound = udp.address().port;
    if (!withTcp) return { udp, tcp: null, port: bound };
    const tcp = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(bound, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp, port: bound };
    } catch (err) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (port !== 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error(`No port on ${host} was free for both UDP and TCP after 20 attempts.`);
}

/** `response` with its records replaced by one A record of `name` whose RDATA is 3 bytes. */
function shortARecord(response: Packet, name: string): Buffer {
  const whole = dnsPacket.encode({ ...response, answers: [{ type: 'A', name, ttl: 60, data: '127.0.1.1' }], authorities: [], additionals: [] });
  // The A record is last: drop its fourth byte and say RDLENGTH 3 (the two bytes before the data).
  const short = Buffer.from(whole.subarray(0, whole.length - 1));
  short.writeUInt16BE(3, short.length - 5);
  return short;
}

/** RFC 1035 §4.2.2: a TCP message is preceded by its length in two bytes. */
function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(message.length);
  return Buffer.concat([prefix, message]);
}

/** A zone-table record as a dns-packet answer; SVCB/HTTPS go out as their type codes 64/65. */
function zoneAnswer(name: string, r: ZoneRecord, defaultTtl: number): Answer {
  const ttl = r.ttl ?? defaultTtl;
  switch (r.type) {
    case 'HTTPS':
    case 'SVCB':
      // dns-packet encodes UNKNOWN_<n> as type n with raw RDATA; its declarations list only names.
      return { type: `UNKNOWN_${r.type === 'HTTPS' ? 65 : 64}`, name, ttl, data: r.data } as unknown as Answer;
    default:
      return { ...r, name, ttl } as Answer;
  }
}

/**
 * A system-style lookup (the engine's LookupFn) answered by `server` through Node's own stub
 * resolver (c-ares, with its TCP retry on truncation), instead of the OS's configuration: for
 * tests where getaddrinfo would have to ask a server the test started. A and AAAA, in that order.
 */
export function lookupThrough(server: Pick<TestDnsServer, 'address' | 'port'>): LookupFn {
  return async (hostname, signal) => {
    const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([net.isIP(server.address) === 6 ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`]);
    const cancel = (): void => resolver.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const [v4, v6] = await Promise.all([resolver.resolve4(hostname).catch(() => []), resolver.resolve6(hostname).catch(() => [])]);
      const found = [...v4.map((address) => ({ address, family: 4 as const })), ...v6.map((address) => ({ address, family: 6 as const }))];
      if (found.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return found;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  };
}
