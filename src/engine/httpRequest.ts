// HTTP above the wire, for one hop: the request as it is shaped (Netdiag's defaults, the caller's
// headers, Basic credentials from the URL, Proxy-Authorization for a forward proxy), the request
// after a redirect, and the HTTP-level verdicts on the answer (407 from a forward proxy, HTTP/3 in
// Alt-Svc). The exchange itself is http.ts; the hop (hop/pipeline.ts) sends it. Pure but for
// sendRequest, which runs httpExchange.
//
// API:
//   firstRequest(spec, target)                the request of the first hop: the caller's, or GET
//                                             (the WebSocket opening handshake for ws:// and wss://)
//   redirectedRequest(previous, status, same) the request after a 3xx (RFC 9110 §15.4)
//   redirectTarget(url, status, location)     where a response redirects to, or null
//   sendRequest(socket, opts)                 shape, send on the socket, judge: a recorded exchange
//   requestInfo(spec, reveal)                 the shaped request for Report.request, secrets redacted
import type { ClientHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { finding } from './findings';
import { httpExchange, type HttpExchangeOutcome } from './http';
import { altSvcProtocols } from './intermediaries';
import type { ErrorInfo, Finding } from './model/common';
import type { HttpExchange, RequestInfo, TargetInfo } from './model/report';
import type { RequestSpec } from './options';
import type { ParsedProxy } from './proxy';
import { isSecretHeader, redactHeaders } from './redact';
import type { ParsedTarget } from './target';
import { closeFrame, judgeHandshake, upgradeHeaders, websocketKey } from './websocket';

/** One request as a hop sends it. */
export interface HopRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The protocol to switch to: the WebSocket opening handshake (RFC 6455 §4), kept across redirects. */
  upgrade?: 'websocket';
}

/** The request of the first hop: the caller's, or GET without a body; for ws:// and wss://, the WebSocket opening handshake. */
export function firstRequest(spec: RequestSpec | undefined, target: Pick<TargetInfo, 'scheme'>): HopRequest {
  const websocket = target.scheme === 'ws' || target.scheme === 'wss';
  return { method: spec?.method.toUpperCase() ?? 'GET', headers: { ...(spec?.headers ?? {}) }, ...(spec?.body !== undefined ? { body: spec.body } : {}), ...(websocket ? { upgrade: 'websocket' as const } : {}) };
}

/** The request as the user shaped it, for Report.request; secret header values redacted unless `reveal`. */
export function requestInfo(spec: RequestSpec, reveal: boolean): RequestInfo {
  return { method: spec.method.toUpperCase(), headers: redactHeaders(spec.headers, reveal), bodyBytes: spec.body === undefined ? 0 : Buffer.byteLength(spec.body) };
}

/**
 * The request after a redirect, as browsers and curl -L do it: 303 turns any method but HEAD
 * into GET without a body, and so do 301/302 for POST (RFC 9110 §15.4.2–4); 307/308 repeat the
 * request. Authorization and Cookie headers the user set are not sent to another origin.
 */
export function redirectedRequest(previous: HopRequest, status: number, sameOrigin: boolean): HopRequest {
  const toGet = (status === 303 && previous.method !== 'HEAD') || ((status === 301 || status === 302) && previous.method === 'POST');
  const headers = Object.fromEntries(Object.entries(previous.headers).filter(([n]) => sameOrigin || !isSecretHeader(n)));
  if (toGet) {
    for (const n of Object.keys(headers)) if (n.toLowerCase() === 'content-type' || n.toLowerCase() === 'content-length') delete headers[n];
    return { method: 'GET', headers, ...(previous.upgrade ? { upgrade: previous.upgrade } : {}) };
  }
  return { ...previous, headers };
}

/**
 * The URL a response redirects to, resolved against the current URL (RFC 9110 §10.2.2), or null
 * when it is not a redirect: not 3xx, 304 Not Modified (a cache answer), 305/306 (deprecated,
 * RFC 9110 §15.4.6–7), no Location, or a Location that is not a valid URL reference.
 */
export function redirectTarget(currentUrl: string, status: number, location: string | undefined): string | null {
  if (status < 300 || status > 399 || status === 304 || status === 305 || status === 306) return null;
  if (location === undefined || location.trim() === '') return null;
  const zone = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\[[^\]%]+(%[^\]]*)\]/i.exec(currentUrl)?.[1];
  const base = zone === undefined ? currentUrl : currentUrl.replace(zone, '');
  let next: URL;
  try {
    next = new URL(location.trim(), base);
  } catch {
    return null;
  }
  // A relative Location stays on the same link-local host: put its zone id back.
  if (zone !== undefined && next.host === new URL(base).host) return next.href.replace(/^([^[]*\[[^\]]+)\]/, `$1${zone}]`);
  return next.href;
}

export interface SendOptions {
  /** The URL of this hop (credentials in it become Basic authorization and are never sent in the URL). */
  url: string;
  auth: ParsedTarget['auth'];
  request: HopRequest;
  /** The ALPN protocol TLS negotiated ("h2" selects HTTP/2). */
  alpn: string | null;
  /** The proxy the request is sent to in absolute form, or null. */
  forward: ParsedProxy | null;
  userAgent: string;
  maxBodyBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  now: () => number;
  /** Keep secret header values in the recorded request headers. */
  revealSecrets: boolean;
  /** Keep the body bytes (capped at maxBodyBytes) in `body`. */
  keepBody?: boolean;
  /** HTTP/2: the session an earlier request on this connection left open. */
  session?: ClientHttp2Session;
  /** An HTTP/2 session closes only once this settles (HttpExchangeOptions.closeAfter). */
  closeAfter?: Promise<void>;
}

export interface SentRequest {
  /** The exchange as recorded, without `timings` (the hop adds them) and without `viaProxy`. */
  exchange: Omit<HttpExchange, 'timings' | 'outcome'>;
  /** Of the exchange, from the request written to the end of the body (http.ts). */
  times: Pick<HttpExchangeOutcome['exchange'], 'ttfbMs' | 'downloadMs' | 'totalMs'>;
  /** When the request was written (the hop's clock). */
  startedAt: number;
  findings: Finding[];
  /** A forward proxy answered 407: the proxy's failure, with the schemes it offers. */
  proxyAuth: { error: ErrorInfo; offers: string[] } | null;
  reusable: boolean;
  /** HTTP/2: the session, open for the next request, when `reusable`. */
  session?: ClientHttp2Session;
  /** Closed or reset before a byte of the answer (see HttpExchangeOutcome). */
  closedUnanswered: boolean;
  body?: Buffer;
}

/** Shapes the request, sends it on `socket` and judges the answer. Never throws. */
export async function sendRequest(socket: Socket, opts: SendOptions): Promise<SentRequest> {
  const headers = shapeHeaders(opts);
  const websocket = opts.request.upgrade === 'websocket';
  const sent = await httpExchange(socket, {
    url: opts.url.replace(/\/\/[^/@]*@/, '//'),
    method: opts.request.method,
    headers,
    alpn: opts.alpn,
    ...(opts.request.body !== undefined ? { body: opts.request.body } : {}),
    ...(websocket ? { upgradeGoodbye: closeFrame() } : {}),
    ...(opts.forward ? { absoluteForm: true } : {}),
    ...(opts.keepBody ? { keepBody: true } : {}),
    ...(opts.session ? { session: opts.session } : {}),
    maxBodyBytes: opts.maxBodyBytes,
    timeoutMs: opts.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    now: opts.now,
    ...(opts.closeAfter ? { closeAfter: opts.closeAfter } : {}),
  });
  const { ttfbMs, downloadMs, totalMs, ...rest } = sent.exchange;
  const proxyAuth = opts.forward !== null && rest.status === 407 ? proxyAuthOf(opts.forward, rest) : null;
  const findings = sent.findings.filter((f) => !(proxyAuth && f.code === 'HTTP_CLIENT_ERROR')).map((f) => (f.subject === undefined ? { ...f, subject: opts.url } : f));
  if (proxyAuth && opts.forward) findings.push(finding('PROXY_AUTH_REQUIRED', proxyAuth.error.message, opts.forward.url));
  const altSvc = altSvcProtocols(rest.headers);
  const h3 = altSvc.filter((p) => p === 'h3' || p.startsWith('h3-'));
  if (h3.length > 0) findings.push(finding('HTTP3_ADVERTISED', `${opts.url} advertises HTTP/3 (${h3.join(', ')}) in Alt-Svc; this diagnosis used ${rest.httpVersion ? `HTTP/${rest.httpVersion}` : 'TCP'}.`, opts.url));
  const exchange: Omit<HttpExchange, 'timings' | 'outcome'> = { ...rest, url: opts.url, requestHeaders: redactHeaders(headers, opts.revealSecrets) };
  if (opts.request.body !== undefined) exchange.requestBodyBytes = Buffer.byteLength(opts.request.body);
  if (altSvc.length > 0) exchange.altSvc = altSvc;
  if (websocket) {
    const handshake = judgeHandshake(opts.url, headers['sec-websocket-key'] ?? '', rest.status, rest.headers);
    exchange.websocket = { accepted: handshake.accepted };
    findings.push(...handshake.findings);
  } else if (rest.status === 101) {
    findings.push(finding('HTTP_UNREQUESTED_UPGRADE', `${opts.url} answered 101 Switching Protocols${typeof rest.headers['upgrade'] === 'string' ? ` to ${rest.headers['upgrade']}` : ''} although the request asked for no upgrade; no HTTP answer follows.`, opts.url));
  }
  return { exchange, times: { ttfbMs, downloadMs, totalMs }, startedAt: sent.startedAt, findings, proxyAuth, reusable: sent.reusable, closedUnanswered: sent.closedUnanswered, ...(sent.session ? { session: sent.session } : {}), ...(sent.body ? { body: sent.body } : {}) };
}

/**
 * Netdiag's defaults (with the WebSocket handshake's, under a fresh key), then the caller's headers
 * (names lower case), then the credentials.
 */
function shapeHeaders(opts: SendOptions): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': opts.userAgent, accept: '*/*', ...(opts.request.upgrade === 'websocket' ? upgradeHeaders(websocketKey()) : {}) };
  if (opts.auth) headers['authorization'] = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;
  for (const [name, value] of Object.entries(opts.request.headers)) headers[name.toLowerCase()] = value;
  if (opts.forward?.authorization) headers['proxy-authorization'] = opts.forward.authorization;
  return headers;
}

/** RFC 9110 §15.5.8: a 407 is the proxy asking for credentials; say whether any were sent and what it offers. */
function proxyAuthOf(proxy: ParsedProxy, answer: Pick<HttpExchange, 'statusText' | 'headers'>): { error: ErrorInfo; offers: string[] } {
  const offered = answer.headers['proxy-authenticate'];
  const offers = (Array.isArray(offered) ? offered : offered === undefined ? [] : [offered]).map((v) => v.split(/\s+/)[0] ?? v);
  const message = `The proxy ${proxy.url} answered 407 ${answer.statusText}: ${proxy.authorization ? 'the credentials in the proxy URL were refused' : 'it needs credentials and the proxy URL has none'}${offers.length ? ` (it offers ${offers.join(', ')})` : ''}`;
  return { error: { code: 'PROXY_AUTH_REQUIRED', message }, offers };
}
