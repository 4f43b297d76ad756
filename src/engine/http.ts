// One HTTP exchange over a socket the caller already connected (and, for https, already wrapped
// in TLS), so the request adds no second connect or handshake. The request is shaped and the
// answer judged above this, in httpRequest.ts; redirects are followed hop by hop (redirects.ts).
//
// API:
//   httpExchange(socket, opts) → { exchange, findings, reusable }
//   - exchange: HttpExchange without `timings` (the orchestrator adds dnsMs/connectMs/tlsMs),
//     plus ttfbMs (request written → the first byte of the response), downloadMs (that byte →
//     end of body or the cap) and totalMs (request written → end). The first byte is the
//     socket's first 'data' event over HTTP/1.1, read before Node's parser sees it; HTTP/2 reads
//     the socket natively (nghttp2), so there it is the response's HEADERS frame, announced from
//     the native callback ('response');
//   - findings: HTTP_TIMEOUT, HTTP_BAD_RESPONSE, HTTP_CLIENT_ERROR, HTTP_SERVER_ERROR,
//     HTTP_BODY_TRUNCATED (subject: the URL); a cancelled exchange gives error CANCELLED and no
//     finding (the orchestrator reports CANCELLED once);
//   - reusable: the response ended cleanly and the connection may carry the next request (a
//     redirect to the same origin): HTTP/1.1 with keep-alive on the socket, HTTP/2 on the same
//     session, which is then in `session` (pass it back as `opts.session`; RFC 9113 §9.1.1,
//     as curl -L does), with a listener that keeps a late session error from crashing the
//     process. A session that is not reusable is closed here;
//   - body: with `keepBody`, the bytes of the body up to the cap (for the capped fetch).
//   Never throws. The caller owns and closes the socket (it may already be destroyed: a capped
//   body, a timeout or a parse error ends the connection, because that is the only way to stop
//   a response in HTTP/1.1).
//
// HTTP/1.1 goes through `new http.ClientRequest` with `createConnection` and *no* `agent`: with
// `agent: false` Node builds a fresh Agent that ignores createConnection and opens a new
// connection of its own (lib/_http_client.js). The constructor, not `http.request`: VS Code's
// extension host replaces `http.request` (proxy support, `http.proxySupport`) and gives requests
// without an agent a proxy agent that dials its own connection, so the request would no longer
// travel on the diagnosed socket (over TLS it even sent plain HTTP to the TLS port).
// `http.request` is itself only `new ClientRequest(…)`. HTTP/2 goes through http2.connect with
// createConnection when ALPN chose "h2".
import http from 'node:http';
import http2 from 'node:http2';
import type net from 'node:net';
import { deadline, ms, ProbeTimeoutError, reasonOf } from './abort';
import { unbracket } from './address';
import { finding } from './findings';
import type { ErrorInfo, Finding } from './model/common';
import type { HttpExchange, HttpTimings } from './model/report';
import { describeBytes } from './peek';
import { isSecretHeader, REDACTED } from './redact';

export interface HttpExchangeOptions {
  /** The URL of this hop; a zone id (`[fe80::1%25eth0]`) is allowed and never sent. */
  url: string;
  method: string;
  /** Request headers; names are case-insensitive. Host comes from the URL unless given. */
  headers: Record<string, string>;
  /** The ALPN protocol TLS negotiated: "h2" selects HTTP/2, anything else HTTP/1.1. */
  alpn: string | null;
  /** Request body; Content-Length is set from it. */
  body?: string | Buffer;
  /**
   * Written before closing a connection the server switched to another protocol (101, or a
   * tunnel after CONNECT): a WebSocket close frame says goodbye politely. Without it the
   * connection is just closed.
   */
  upgradeGoodbye?: Buffer;
  /** Keep the body (up to maxBodyBytes) in the outcome instead of only counting it. */
  keepBody?: boolean;
  /** The HTTP/2 session an earlier exchange on this socket left open (`session` of its outcome). */
  session?: http2.ClientHttp2Session;
  /**
   * Send the request line in absolute form (`GET http://host/path HTTP/1.1`), as a forward proxy
   * expects it (RFC 9112 §3.2.2); the socket is then connected to the proxy.
   */
  absoluteForm?: boolean;
  maxBodyBytes: number;
  /** Covers the whole exchange: request sent to the end of the (capped) body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Monotonic milliseconds. */
  now: () => number;
  /**
   * An HTTP/2 session that ended well closes (GOAWAY, then its socket) only once this settles, so
   * the caller can read the connection's TCP_INFO first; the outcome does not wait for it.
   */
  closeAfter?: Promise<void>;
}

export interface HttpExchangeOutcome {
  exchange: Omit<HttpExchange, 'timings' | 'outcome'> & Pick<HttpTimings, 'ttfbMs' | 'downloadMs' | 'totalMs'>;
  findings: Finding[];
  reusable: boolean;
  /** When the request was written, on `now`'s clock: where ttfbMs starts. */
  startedAt: number;
  /** HTTP/2: the session, open for the next request, when `reusable`. */
  session?: http2.ClientHttp2Session;
  /**
   * The connection was closed or reset before the server sent a single byte: on a kept-alive
   * connection, the server had closed it as the request went out (RFC 9112 §9.3.1).
   */
  closedUnanswered: boolean;
  body?: Buffer;
}

/** Connection-specific headers are forbidden in HTTP/2 (RFC 9113 §8.2.2); Node throws on them. */
const H2_FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);
const PEEK_BYTES = 64;

/** Mutable state of one exchange, turned into the outcome once. */
interface State extends Pick<HttpExchange, 'status' | 'statusText' | 'httpVersion' | 'headers' | 'bodyBytes' | 'bodyTruncated'> {
  contentLength: number | null;
  start: number;
  /** HTTP/1.1: when the socket's first 'data' of the answer came (HTTP/2 has only headersAt). */
  firstByteAt: number | null;
  headersAt: number | null;
  /** The first bytes the server sent, to say what came back when it is not HTTP. */
  peek: Buffer;
  /** Bytes received on the socket during this exchange (HTTP/1.1 only). */
  received: number;
  /** The body's chunks, with `keepBody`. */
  chunks: Buffer[] | null;
}

interface Ending {
  error?: ErrorInfo;
  findings: Finding[];
  reusable: boolean;
  /** HTTP/2: the session left open for the next request. */
  session?: http2.ClientHttp2Session;
}

export async function httpExchange(socket: net.Socket, opts: HttpExchangeOptions): Promise<HttpExchangeOutcome> {
  const d = deadline(opts.signal, opts.timeoutMs, 'HTTP exchange');
  // Read now: a destroyed socket no longer knows its peer.
  const remoteAddress = socket.remoteAddress ?? null;
  const state: State = { status: null, statusText: '', httpVersion: null, headers: {}, bodyBytes: 0, bodyTruncated: false, contentLength: null, start: opts.now(), firstByteAt: null, headersAt: null, peek: Buffer.alloc(0), received: 0, chunks: opts.keepBody ? [] : null };
  const onPeek = (chunk: Buffer): void => {
    state.firstByteAt ??= opts.now();
    state.received += chunk.length;
    if (state.peek.length < PEEK_BYTES) state.peek = Buffer.concat([state.peek, chunk]).subarray(0, PEEK_BYTES);
  };
  // HTTP/2 reads the socket's handle directly, so only HTTP/1.1 sees 'data' events here.
  socket.on('data', onPeek);
  let ending: Ending;
  try {
    const target = requestTarget(opts.url);
    ending = target === null
      ? { error: { code: 'ERR_INVALID_URL', message: `"${opts.url}" is not a valid URL` }, findings: [], reusable: false }
      : opts.alpn === 'h2'
        ? await exchangeH2(socket, target, opts, state, d.signal)
        : await exchangeH1(socket, target, opts, state, d.signal);
  } finally {
    socket.removeListener('data', onPeek);
    d.dispose();
  }
  const end = opts.now();
  // Bytes that were not an answer (nothing parsed) leave the times at 0, as before any answer.
  const firstByte = state.headersAt === null ? null : Math.min(state.firstByteAt ?? state.headersAt, state.headersAt);
  const exchange: HttpExchangeOutcome['exchange'] = {
    url: opts.url,
    method: opts.method,
    status: state.status,
    statusText: state.statusText,
    httpVersion: state.httpVersion,
    headers: state.headers,
    bodyBytes: state.bodyBytes,
    bodyTruncated: state.bodyTruncated,
    remoteAddress,
    reusedConnection: false,
    ttfbMs: firstByte === null ? 0 : ms(firstByte - state.start),
    downloadMs: firstByte === null ? 0 : ms(end - firstByte),
    totalMs: ms(end - state.start),
  };
  if (ending.error) exchange.error = ending.error;
  const findings = [...ending.findings, ...statusFindings(opts.url, state)];
  const closedUnanswered = state.status === null && state.received === 0 && (ending.error?.code === 'ECONNRESET' || ending.error?.code === 'EPIPE');
  return { exchange, findings, reusable: ending.reusable, closedUnanswered, startedAt: state.start, ...(ending.session ? { session: ending.session } : {}), ...(state.chunks ? { body: Buffer.concat(state.chunks).subarray(0, state.bodyBytes) } : {}) };
}

interface RequestTarget {
  /** Host header / :authority: host, brackets for IPv6, no zone id, port only when not default. */
  authority: string;
  hostname: string;
  port: number;
  /** Path and query, as sent on the request line. */
  path: string;
  scheme: string;
  /** The absolute form for a forward proxy: scheme, authority, path and query. */
  absolute: string;
}

function requestTarget(url: string): RequestTarget | null {
  // WHATWG URL rejects zone ids; RFC 9844 says a zone id is never sent, so drop it before parsing.
  const withoutZone = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*\[[^\]%]+)%[^\]]*\]/i, '$1]');
  let u: URL;
  try {
    u = new URL(withoutZone);
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  const secure = scheme === 'https' || scheme === 'wss';
  return {
    authority: u.host,
    hostname: unbracket(u.hostname),
    port: u.port === '' ? (secure ? 443 : 80) : Number(u.port),
    path: `${u.pathname}${u.search}`,
    scheme: secure ? 'https' : 'http',
    absolute: `${secure ? 'https' : 'http'}://${u.host}${u.pathname}${u.search}`,
  };
}

/** Resolves when the exchange ends one way or another; never rejects. */
function exchangeH1(socket: net.Socket, target: RequestTarget, opts: HttpExchangeOptions, state: State, signal: AbortSignal): Promise<Ending> {
  return new Promise<Ending>((resolve) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const settle = (ending: Ending, destroy: boolean): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (destroy) req?.destroy();
      resolve(ending);
    };
    const onAbort = (): void => settle(abortEnding(signal, opts, state), true);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = { host: target.authority, connection: 'keep-alive' };
    for (const [name, value] of Object.entries(opts.headers)) headers[name.toLowerCase()] = value;
    try {
      req = new http.ClientRequest({
        method: opts.method,
        host: target.hostname,
        port: target.port,
        path: opts.absoluteForm ? target.absolute : target.path,
        headers,
        setHost: false,
        createConnection: () => socket,
      });
    } catch (err) {
      // Invalid method or header values throw synchronously (ERR_INVALID_CHAR…).
      const e = err as NodeJS.ErrnoException;
      settle({ error: { code: e.code ?? 'ERR_INVALID_ARG_VALUE', message: e.message }, findings: [], reusable: false }, false);
      return;
    }
    let answer: http.IncomingMessage | undefined;
    const record = (res: http.IncomingMessage): void => {
      answer = res;
      state.headersAt = opts.now();
      state.status = res.statusCode ?? null;
      state.statusText = res.statusMessage ?? '';
      state.httpVersion = res.httpVersion;
      state.headers = headersFromRaw(res.rawHeaders);
      state.contentLength = contentLength(res.headers['content-length']);
    };
    // 101 Switching Protocols (asked for or not) and a CONNECT tunnel end the HTTP exchange: Node
    // hands the socket over instead of a 'response', and without these listeners it destroys the
    // socket and settles nothing, so the run used to end without a report.
    const switched = (res: http.IncomingMessage, upgraded: net.Socket): void => {
      record(res);
      upgraded.on('error', () => undefined);
      if (opts.upgradeGoodbye) upgraded.end(opts.upgradeGoodbye);
      else upgraded.destroy();
      settle({ findings: [], reusable: false }, false);
    };
    req.on('upgrade', switched);
    req.on('connect', switched);
    req.on('error', (err: NodeJS.ErrnoException) => settle(errorEnding(err, opts, state), true));
    // The last word: a request that closes without any of the events above still ends the
    // exchange (after the response's own 'end', which may come on a later tick).
    req.on('close', () => setImmediate(() => settle(answer?.complete === true ? { findings: [], reusable: false } : errorEnding(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), opts, state), true)));
    req.on('response', (res) => {
      record(res);
      res.on('data', (chunk: Buffer) => {
        // Destroying the request also destroys the response and the socket: in HTTP/1.1 that is
        // the only way to stop a body.
        if (!settled && takeChunk(state, chunk, opts)) settle({ findings: [truncatedFinding(opts)], reusable: false }, true);
      });
      res.on('end', () => {
        // Node keeps the socket open for reuse only when both sides agreed on keep-alive.
        settle({ findings: [], reusable: req?.shouldKeepAlive === true && !socket.destroyed }, false);
      });
      res.on('error', (err: NodeJS.ErrnoException) => settle(errorEnding(err, opts, state), true));
      res.on('aborted', () => settle(errorEnding(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), opts, state), true));
    });
    // The request goes out on the next tick (ClientRequest hands itself the socket then and
    // flushes): the wait starts after end() has shaped it, as close to that write as JavaScript
    // gets, so formatting the headers the first time is not read as the server's time.
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
    state.start = opts.now();
  });
}

function exchangeH2(socket: net.Socket, target: RequestTarget, opts: HttpExchangeOptions, state: State, signal: AbortSignal): Promise<Ending> {
  return new Promise<Ending>((resolve) => {
    let settled = false;
    let session: http2.ClientHttp2Session | undefined;
    const settle = (ending: Ending, graceful: boolean): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      session?.off('error', onError);
      if (graceful && session && ending.reusable && !session.closed && !session.destroyed) {
        if (!session.listeners('error').includes(ignoreSessionError)) session.on('error', ignoreSessionError);
        resolve({ ...ending, session });
        return;
      }
      const close = (): void => void session?.close();
      if (graceful && opts.closeAfter) void opts.closeAfter.then(close, close);
      else if (graceful) close();
      else session?.destroy();
      resolve({ ...ending, reusable: false });
    };
    const onAbort = (): void => settle(abortEnding(signal, opts, state), false);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const onError = (err: NodeJS.ErrnoException): void => settle(errorEnding(err, opts, state), false);

    const headers: http2.OutgoingHttpHeaders = { ':method': opts.method, ':path': target.path, ':authority': target.authority, ':scheme': target.scheme };
    for (const [name, value] of Object.entries(opts.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'host') headers[':authority'] = value;
      else if (!H2_FORBIDDEN.has(lower) && !(lower === 'te' && value !== 'trailers')) headers[lower] = value;
    }
    try {
      session = opts.session ?? http2.connect(`${target.scheme}://${target.authority}`, { createConnection: () => socket });
      session.on('error', onError);
      state.start = opts.now();
      if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
      const stream = session.request(headers, { endStream: opts.body === undefined });
      if (opts.body !== undefined) stream.end(opts.body);
      stream.on('error', onError);
      stream.on('response', (h) => {
        state.headersAt = opts.now();
        const status = Number(h[':status']);
        state.status = Number.isInteger(status) ? status : null;
        // HTTP/2 has no reason phrase (RFC 9113 §8.3.2); the standard one stands in for it.
        state.statusText = http.STATUS_CODES[status] ?? '';
        state.httpVersion = '2.0';
        state.headers = headersFromObject(h);
        state.contentLength = contentLength(h['content-length']);
      });
      stream.on('data', (chunk: Buffer) => {
        if (settled || !takeChunk(state, chunk, opts)) return;
        settle({ findings: [truncatedFinding(opts)], reusable: false }, false);
        stream.close(http2.constants.NGHTTP2_CANCEL);
      });
      stream.on('end', () => settle({ findings: [], reusable: true }, true));
      stream.on('close', () => {
        // A stream reset by the server closes without 'end' or 'error' when the code is NO_ERROR.
        if (state.status === null) settle(errorEnding(Object.assign(new Error(`stream closed with code ${stream.rstCode ?? 'unknown'}`), { code: 'ERR_HTTP2_STREAM_ERROR' }), opts, state), false);
        else settle({ findings: [], reusable: stream.rstCode === http2.constants.NGHTTP2_NO_ERROR }, true);
      });
    } catch (err) {
      onError(err as NodeJS.ErrnoException);
    }
  });
}

/** Kept on a session left open between exchanges: an error then must not crash the process; the next exchange sees the session closed. */
const ignoreSessionError = (): void => undefined;

function abortEnding(signal: AbortSignal, opts: HttpExchangeOptions, state: State): Ending {
  if (!(reasonOf(signal) instanceof ProbeTimeoutError)) {
    return { error: { code: 'CANCELLED', message: 'cancelled before the exchange finished' }, findings: [], reusable: false };
  }
  let message: string;
  if (state.status === null) {
    message = state.received > 0
      ? `the response headers were still incomplete after ${opts.timeoutMs} ms (${state.received} bytes received: ${describeBytes(state.peek)})`
      : `no response within ${opts.timeoutMs} ms: the request was sent and nothing came back`;
  } else {
    const of = state.contentLength === null ? '' : ` of ${state.contentLength}`;
    const elapsed = state.headersAt === null ? opts.timeoutMs : Math.round(opts.now() - state.headersAt);
    message = `the body was still arriving after ${opts.timeoutMs} ms: ${state.bodyBytes}${of} bytes read in ${elapsed} ms after the headers (status ${state.status})`;
  }
  return { error: { code: 'ETIMEDOUT', message }, findings: [finding('HTTP_TIMEOUT', message, opts.url)], reusable: false };
}

function errorEnding(err: NodeJS.ErrnoException, opts: HttpExchangeOptions, state: State): Ending {
  const code = err.code ?? 'UNKNOWN';
  let message: string;
  if (code === 'HPE_HEADER_OVERFLOW') {
    // An HTTP server, just a talkative one: not "not HTTP".
    message = `the response headers are larger than ${http.maxHeaderSize / 1024} KiB, the most Node's HTTP client reads (${state.received} bytes came, starting with ${describeBytes(state.peek)})`;
    return { error: { code, message }, findings: [finding('HTTP_HEADERS_TOO_LARGE', message, opts.url)], reusable: false };
  }
  if (code.startsWith('HPE_')) {
    const looksHttp = state.peek.subarray(0, 5).toString('latin1') === 'HTTP/';
    message = looksHttp || state.status !== null
      ? `malformed HTTP response (${code}: ${err.message}), starting with ${describeBytes(state.peek)}`
      : `not HTTP: the server answered with ${describeBytes(state.peek)}`;
  } else if (state.status === null && (code === 'ECONNRESET' || code === 'EPIPE')) {
    message = state.received === 0
      ? err.message === 'socket hang up'
        ? 'the server closed the connection without answering (empty reply)'
        : 'the connection was reset before any answer came back'
      : `the connection closed in the middle of the response headers, after ${describeBytes(state.peek)}`;
  } else if (state.status !== null) {
    const of = state.contentLength === null ? '' : ` of ${state.contentLength}`;
    message = `the connection ended after ${state.bodyBytes}${of} body bytes (${code}: ${err.message})`;
  } else {
    message = `${code}: ${err.message}`;
  }
  return { error: { code, message }, findings: [finding('HTTP_BAD_RESPONSE', message, opts.url)], reusable: false };
}

/** Counts a body chunk (and keeps it when asked); true once the body reached maxBodyBytes, where it is cut. */
function takeChunk(state: State, chunk: Buffer, opts: HttpExchangeOptions): boolean {
  state.bodyBytes += chunk.length;
  state.chunks?.push(chunk);
  if (state.bodyBytes < opts.maxBodyBytes) return false;
  state.bodyBytes = opts.maxBodyBytes;
  state.bodyTruncated = true;
  return true;
}

function truncatedFinding(opts: HttpExchangeOptions): Finding {
  return finding('HTTP_BODY_TRUNCATED', `Reading stopped at ${opts.maxBodyBytes} bytes; the body is larger.`, opts.url);
}

function statusFindings(url: string, state: State): Finding[] {
  const s = state.status;
  if (s === null) return [];
  const line = `${s}${state.statusText ? ` ${state.statusText}` : ''}`;
  if (s >= 500 && s <= 599) return [finding('HTTP_SERVER_ERROR', `The server answered ${line}.`, url)];
  if (s >= 400 && s <= 499) return [finding('HTTP_CLIENT_ERROR', `The server answered ${line}.`, url)];
  return [];
}

function contentLength(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return value === undefined || !Number.isSafeInteger(n) ? null : n;
}

function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) add(out, raw[i]!, raw[i + 1]!);
  return out;
}

function headersFromObject(h: http2.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) add(out, name, v);
  }
  return out;
}

function add(out: Record<string, string | string[]>, rawName: string, rawValue: string): void {
  const name = rawName.toLowerCase();
  // Credentials never reach a report, whatever the run reveals: by the name's words (redact.ts).
  const value = isSecretHeader(name) ? REDACTED : rawValue;
  const prev = out[name];
  out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
}
