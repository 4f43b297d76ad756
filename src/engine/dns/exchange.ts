// One DNS message exchange with one server: UDP (resent on silence, TCP when truncated) or TCP
// only. A response is accepted only from the server's address and port, with our ID and our
// question (RFC 5452 §9.1); anything else is counted and ignored, and reported when no valid
// answer follows. Throws only DnsExchangeError, ProbeTimeoutError/CancelledError or socket errors;
// callers (query.ts) turn them into data.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { ProbeTimeoutError, reasonOf } from '../abort';
import type { DnsServer } from '../options';
import { decodeMessage, encodeQuery, normalName } from './codec';
import type { DecodedMessage, QuerySpec } from './codec';
import { canonicalIp, formatDnsServer } from './servers';

export class DnsExchangeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DnsExchangeError';
  }
}

/** The truncated UDP answer that sent the query to TCP, and when it came (ms after its datagram left). */
export interface TruncatedUdp {
  message: DecodedMessage;
  durationMs: number;
}

export interface ExchangeResult {
  message: DecodedMessage;
  transport: 'udp' | 'tcp';
  truncated: boolean;
  /** Set when the UDP answer was truncated and `message` is the TCP retry's. */
  udp?: TruncatedUdp;
  /**
   * On `now`'s clock: the first datagram sent (for a TCP-only query the connect attempt) and the
   * answer received, read at the socket events ('message', or the 'data' that completed it)
   * rather than after the promise chain above, like dig's and kdig's query times.
   */
  sentAt: number;
  answeredAt: number;
}

export interface ExchangeOptions {
  /** Aborts on cancellation or the caller's deadline. */
  signal: AbortSignal;
  /** Used only to space UDP resends over the deadline. */
  timeoutMs: number;
  /** TCP from the start (like dig +tcp). */
  tcp?: boolean;
  /** Monotonic milliseconds, for sentAt and answeredAt. */
  now: () => number;
  /**
   * Where a received datagram is read: the 'message' handler only notes when it came and hands
   * the decoding and matching to `defer`, so a diagnosis can keep it out of the critical path's
   * timed windows. By default it is read at once.
   */
  defer?: (read: () => void) => void;
}

/** A decoded answer and when it arrived. */
interface Answer {
  message: DecodedMessage;
  sentAt: number;
  answeredAt: number;
}

/** Resend the same UDP query after 1/3 and 2/3 of the timeout: loss, not silence, is common. */
const UDP_SENDS = 3;
/** A TCP DNS message is at most 65535 bytes after its 2-byte length (RFC 1035 §4.2.2). */
const MAX_TCP_BYTES = 65535 + 2;

export type Question = Omit<QuerySpec, 'id'>;

/** Sends `question` to `server`, retrying over TCP on truncation (RFC 7766 §5). */
export async function exchange(server: DnsServer, question: Question, opts: ExchangeOptions): Promise<ExchangeResult> {
  const family = net.isIP(server.address);
  if (family === 0) throw new DnsExchangeError('EINVAL', `DNS server "${server.address}" is not an IP address.`);
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    throw new DnsExchangeError('EINVAL', `DNS server port ${server.port} is not a number from 1 to 65535.`);
  }
  // A random ID is one of the two secrets (with the source port) against spoofed answers (RFC 5452 §4.3).
  const spec: QuerySpec = { ...question, id: randomInt(0, 0x10000) };
  if (opts.tcp) return { ...(await tcpExchange(server, spec, opts)), transport: 'tcp', truncated: false };
  const answer = await udpExchange(server, family === 6 ? 'udp6' : 'udp4', spec, opts);
  if (!answer.message.tc) return { ...answer, transport: 'udp', truncated: false };
  const udp: TruncatedUdp = { message: answer.message, durationMs: answer.answeredAt - answer.sentAt };
  try {
    const tcp = await tcpExchange(server, { ...spec, id: randomInt(0, 0x10000) }, opts);
    return { ...tcp, sentAt: answer.sentAt, transport: 'tcp', truncated: true, udp };
  } catch (err) {
    throw new TruncatedError(err, udp);
  }
}

/** The UDP answer was truncated and the TCP retry failed: keeps both so findings can say so. */
export class TruncatedError extends Error {
  readonly code: string;
  readonly udpMessage: DecodedMessage;
  constructor(
    readonly tcpError: unknown,
    readonly udp: TruncatedUdp,
  ) {
    const inner = tcpError instanceof Error ? tcpError : new Error(String(tcpError));
    super(`the UDP answer was truncated and the TCP retry failed: ${inner.message}`);
    this.name = 'TruncatedError';
    this.udpMessage = udp.message;
    const code = (inner as NodeJS.ErrnoException).code;
    this.code = tcpError instanceof ProbeTimeoutError ? 'DNS_TIMEOUT' : typeof code === 'string' ? code : inner.name;
  }
}

/** Why `m` is not the answer to `q`, or null when it is (names compared per RFC 4343). */
export function mismatch(m: DecodedMessage, q: QuerySpec): string | null {
  if (!m.response) return 'a query, not a response';
  if (m.id !== q.id) return `ID ${m.id} instead of ${q.id}`;
  if (m.questionCount !== 1 || m.question === null) return `${m.questionCount} questions instead of 1`;
  if (normalName(m.question.name) !== normalName(q.name) || m.question.type !== q.type || m.question.class !== 'IN') {
    return `question "${m.question.name} ${m.question.class} ${m.question.type}" instead of "${q.name} IN ${q.type}"`;
  }
  return null;
}

function udpExchange(server: DnsServer, socketType: 'udp4' | 'udp6', q: QuerySpec, opts: ExchangeOptions): Promise<Answer> {
  const { signal } = opts;
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
    let sentAt: number | null = null;
    /** Datagrams received and not read yet (opts.defer). */
    const unread: (() => void)[] = [];

    const finish = (err: Error | null, answer?: Answer): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else if (answer) resolve(answer);
    };
    const onAbort = (): void => {
      const reason = reasonOf(signal);
      // An answer that arrived in time counts, even when its reading was deferred past the deadline.
      if (reason instanceof ProbeTimeoutError) for (const read of [...unread]) read();
      if (done) return;
      if (reason instanceof ProbeTimeoutError && ignored > 0) {
        finish(new DnsExchangeError('DNS_BAD_RESPONSE', `${formatDnsServer(server)} sent ${ignored} unusable repl${ignored === 1 ? 'y' : 'ies'} to the query for ${q.name} ${q.type} (last: ${lastProblem}), and no valid answer in time.`));
      } else finish(reason);
    };
    const send = (): void => {
      // A datagram waiting to be read is an answer already: no resend for it.
      if (done || unread.length > 0) return;
      sentAt ??= opts.now();
      socket.send(query, (err) => err && finish(err));
    };

    signal.addEventListener('abort', onAbort, { once: true });
    // Connected, so the kernel drops datagrams from other peers and reports ICMP port-unreachable
    // as ECONNREFUSED; the source is still checked below in case the socket sees them anyway.
    socket.on('error', (err) => finish(err));
    const read = (msg: Buffer, rinfo: dgram.RemoteInfo, answeredAt: number): void => {
      if (done) return;
      const message = decodeMessage(msg);
      const problem =
        rinfo.port !== server.port || canonicalIp(rinfo.address) !== canonicalIp(server.address)
          ? `from ${rinfo.address}:${rinfo.port}`
          : typeof message === 'string'
            ? message
            : mismatch(message, q);
      if (problem === null && typeof message !== 'string') finish(null, { message, sentAt: sentAt ?? answeredAt, answeredAt });
      else {
        ignored += 1;
        lastProblem = problem ?? '';
      }
    };
    socket.on('message', (msg, rinfo) => {
      const answeredAt = opts.now();
      if (!opts.defer) return read(msg, rinfo, answeredAt);
      const pending = (): void => {
        const at = unread.indexOf(pending);
        if (at < 0) return;
        unread.splice(at, 1);
        read(msg, rinfo, answeredAt);
      };
      unread.push(pending);
      opts.defer(pending);
    });
    // Node passes a failed connect (EINVAL for a link-local address without a zone…) here.
    socket.connect(server.port, server.address, (err?: Error) => {
      if (err) return finish(err);
      if (done) return;
      send();
      for (let i = 1; i < UDP_SENDS; i++) {
        const t = setTimeout(send, (opts.timeoutMs * i) / UDP_SENDS);
        t.unref();
        timers.push(t);
      }
    });
  });
}

function tcpExchange(server: DnsServer, q: QuerySpec, opts: ExchangeOptions): Promise<Answer> {
  const { signal } = opts;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const socket = net.connect({ host: server.address, port: server.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    let sentAt = opts.now();
    socket.once('connectionAttempt', () => (sentAt = opts.now()));

    const finish = (err: Error | null, answer?: Answer): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else if (answer) resolve(answer);
    };
    const onAbort = (): void => finish(reasonOf(signal));
    const bad = (why: string): void => finish(new DnsExchangeError('DNS_BAD_RESPONSE', `${formatDnsServer(server)} over TCP, for ${q.name} ${q.type}: ${why}.`));

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
      const answeredAt = opts.now();
      chunks.push(chunk.subarray(0, MAX_TCP_BYTES - received));
      received = Math.min(received + chunk.length, MAX_TCP_BYTES);
      if (received < 2) return;
      const buf = Buffer.concat(chunks);
      const length = buf.readUInt16BE(0);
      if (received < length + 2) return;
      const message = decodeMessage(buf.subarray(2, length + 2));
      if (typeof message === 'string') return bad(message);
      const problem = mismatch(message, q);
      if (problem !== null) return bad(problem);
      finish(null, { message, sentAt, answeredAt });
    });
    socket.on('end', () => bad(`the server closed the connection after ${received} byte(s) of the answer`));
    socket.on('close', () => bad('the connection closed before an answer arrived'));
  });
}
