// Proxies: which one applies to a target and why (--proxy/--no-proxy, VS Code's http.proxy and
// http.noProxy, then HTTPS_PROXY/HTTP_PROXY/NO_PROXY as the caller read them), and the CONNECT
// tunnel (RFC 9110 §9.3.6) that carries TLS or any other protocol through an HTTP proxy. Plain
// HTTP goes to the proxy in absolute form (RFC 9112 §3.2.2) through httpExchange instead.
//
// API:
//   chooseProxy(target, config) → { proxy, info, findings }: never throws; a bad URL gives
//     PROXY_INVALID (and no connection at all: routeOf makes it an unusable route).
//   routeOf(choice) → Route: the choice as the value a hop takes (direct, forward, tunnel or unusable).
//   openTunnel(socket, authority, opts) → TunnelOutcome: never throws; the socket carries the
//     tunnel when `ok`, with any bytes that came after the proxy's answer put back.
import type net from 'node:net';
import { isIP } from 'node:net';
import { deadline, ms, ProbeTimeoutError, reasonOf } from './abort';
import { unbracket } from './address';
import { finding } from './findings';
import type { ErrorInfo, Finding } from './model/common';
import type { ProxyInfo, TargetInfo } from './model/report';
import type { ProxyConfig } from './options';
import { describeBytes } from './peek';
import { redactUrl } from './redact';

export interface ParsedProxy {
  /** `http://host:port`, credentials removed. */
  url: string;
  host: string;
  port: number;
  /** IPv4/IPv6 literal family, or null for a name. */
  ipFamily: 4 | 6 | null;
  /** `Basic …` for Proxy-Authorization when the URL carries credentials. */
  authorization: string | null;
}

export interface ProxyChoice {
  proxy: ParsedProxy | null;
  info: ProxyInfo;
  findings: Finding[];
}

/**
 * How a hop reaches its target: directly, through a forward proxy (plain HTTP in absolute form),
 * through a CONNECT tunnel, or not at all: the proxy that applies is unusable (PROXY_INVALID),
 * and falling back to a direct connection would test a path the user's applications do not take.
 * Passed to each hop as a value.
 */
export type Route = { kind: 'direct' } | { kind: 'forward' | 'tunnel'; proxy: ParsedProxy } | { kind: 'unusable'; error: ErrorInfo };

export const DIRECT: Route = { kind: 'direct' };

export function routeOf(choice: ProxyChoice): Route {
  if (choice.info.error?.code === 'PROXY_INVALID') return { kind: 'unusable', error: choice.info.error };
  if (!choice.proxy) return DIRECT;
  return { kind: choice.info.mode === 'forward' ? 'forward' : 'tunnel', proxy: choice.proxy };
}

/** The proxy a route goes through, or null (direct, or no route at all). */
export function proxyOf(route: Route): ParsedProxy | null {
  return route.kind === 'forward' || route.kind === 'tunnel' ? route.proxy : null;
}

function info(patch: Pick<ProxyInfo, 'source' | 'name' | 'reason'> & Partial<ProxyInfo>): ProxyInfo {
  return { url: null, strictSSL: true, mode: null, address: null, connectMs: null, tunnelStatus: null, tunnelMs: null, ...patch };
}

/** Scheme families proxies apply to without being asked: the ones proxy variables are for. */
function isWebScheme(scheme: string): boolean {
  return scheme === 'http' || scheme === 'https' || scheme === 'ws' || scheme === 'wss';
}

/**
 * The proxy for `target`. Order (VS Code's, then curl's): --no-proxy / --proxy; `http.proxy`
 * (with `http.noProxy`); `https_proxy`/`HTTPS_PROXY` for TLS schemes or `http_proxy`/`HTTP_PROXY`
 * for plain ones, unless `no_proxy`/`NO_PROXY` names the host. Lower-case variables win, as in
 * curl. Non-web schemes (postgres://…) go through a proxy only when --proxy names one.
 */
export function chooseProxy(target: TargetInfo, config: ProxyConfig | undefined): ProxyChoice {
  const strictSSL = config?.setting?.strictSSL ?? true;
  const direct = (source: ProxyInfo['source'], name: string | null, reason: string): ProxyChoice => ({ proxy: null, info: info({ source, name, reason, strictSSL }), findings: [] });
  const use = (raw: string, source: ProxyInfo['source'], name: string, why: string): ProxyChoice => {
    const parsed = parseProxyUrl(raw);
    if (typeof parsed === 'string') {
      const reason = `${name} is "${redactUrl(raw)}": ${parsed}; Netdiag does not fall back to a direct connection, which your applications would not make either`;
      return { proxy: null, info: info({ source, name, reason, strictSSL, error: { code: 'PROXY_INVALID', message: parsed } }), findings: [finding('PROXY_INVALID', `${name}: ${parsed}.`, redactUrl(raw))] };
    }
    // ws:// too goes through CONNECT, as browsers send it: an Upgrade in absolute form is not
    // something forward proxies pass on.
    const mode = target.tls || target.application !== 'http' || target.scheme === 'ws' ? 'tunnel' : 'forward';
    return { proxy: parsed, info: info({ source, name, reason: `${why}; ${mode === 'tunnel' ? 'a CONNECT tunnel carries the connection' : 'HTTP is sent to the proxy in absolute form'}`, strictSSL, url: parsed.url, mode }), findings: [] };
  };

  if (config?.override === false) return direct('cli', '--no-proxy', '--no-proxy: the connection is direct');
  if (typeof config?.override === 'string') return use(config.override, 'cli', '--proxy', `--proxy names ${redactUrl(config.override)}`);
  if (!isWebScheme(target.scheme)) return direct('none', null, `proxy settings apply to HTTP(S) and WebSocket URLs, not ${target.scheme}://; the connection is direct`);

  const setting = config?.setting;
  if (setting && setting.url.trim() !== '') {
    const match = noProxyMatch(target, setting.noProxy);
    if (match !== null) return direct('setting', 'http.noProxy', `http.noProxy entry "${match}" matches ${target.host}; the connection is direct`);
    return use(setting.url.trim(), 'setting', 'http.proxy', `VS Code's http.proxy is set (it wins over the environment)`);
  }

  const env = config?.env ?? {};
  const names = target.tls ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const found = names.find((n) => (env[n] ?? '').trim() !== '');
  if (found === undefined) return direct('none', null, `no proxy is configured (http.proxy and ${names.join('/')} are unset); the connection is direct`);
  const noProxyName = ['no_proxy', 'NO_PROXY'].find((n) => (env[n] ?? '').trim() !== '');
  if (noProxyName !== undefined) {
    const match = noProxyMatch(target, (env[noProxyName] ?? '').split(','));
    if (match !== null) return direct('env', noProxyName, `${noProxyName} entry "${match}" matches ${target.host}; ${found} is not used and the connection is direct`);
  }
  return use(env[found]!.trim(), 'env', found, `${found} is set and ${noProxyName ?? 'NO_PROXY'} does not name ${target.host}`);
}

/** A proxy URL as written in settings and variables (`host:port` means http://host:port). */
export function parseProxyUrl(raw: string): ParsedProxy | string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim()) ? raw.trim() : `http://${raw.trim()}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'http:') {
    return u.protocol === 'https:' ? 'https:// proxies (TLS to the proxy itself) are not supported; use http://' : `${u.protocol}// proxies are not supported (only http://)`;
  }
  if (u.hostname === '') return 'no host';
  const host = unbracket(u.hostname);
  const family = isIP(host);
  const user = decodeURIComponent(u.username);
  const authorization = user === '' && u.password === '' ? null : `Basic ${Buffer.from(`${user}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  return { url: `http://${u.host}`, host, port: u.port === '' ? 80 : Number(u.port), ipFamily: family === 0 ? null : (family as 4 | 6), authorization };
}

/**
 * The NO_PROXY entry that matches, or null. Entries as curl reads them: `*` matches all; a
 * name matches itself and its subdomains (a leading dot is optional); an IP or CIDR matches
 * literal addresses; `host:port` only that port.
 */
export function noProxyMatch(target: Pick<TargetInfo, 'host' | 'port'>, entries: readonly string[]): string | null {
  const host = target.host.toLowerCase();
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return raw.trim();
    let pattern = entry;
    const portMatch = /^(.*[^:\]]):(\d+)$/.exec(entry);
    if (portMatch && !isIP(entry)) {
      if (Number(portMatch[2]) !== target.port) continue;
      pattern = portMatch[1]!;
    }
    pattern = unbracket(pattern);
    if (pattern.includes('/') && isIP(host) !== 0) {
      if (inCidr(host, pattern)) return raw.trim();
      continue;
    }
    const bare = pattern.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return raw.trim();
  }
  return null;
}

function inCidr(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits)) return false;
  const a = addressBits(address);
  const b = addressBits(base);
  if (a === null || b === null || a.length !== b.length || bits > a.length) return false;
  return a.slice(0, bits) === b.slice(0, bits);
}

function addressBits(address: string): string | null {
  if (isIP(address) === 4) return address.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  if (isIP(address) !== 6) return null;
  const [head = '', tail = ''] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8 || groups.some((g) => g.includes('.'))) return null;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}

export interface TunnelOptions {
  /** `Basic …` when the proxy URL has credentials. */
  authorization: string | null;
  userAgent: string;
  timeoutMs: number;
  signal?: AbortSignal;
  now: () => number;
  /** The proxy, for messages. */
  proxyLabel: string;
}

export interface TunnelOutcome {
  ok: boolean;
  status: number | null;
  statusText: string;
  durationMs: number;
  /** Proxy-Authenticate values of a 407. */
  authenticate: string[];
  error?: ErrorInfo;
  findings: Finding[];
}

/** The most a proxy's answer to CONNECT may be before it is called garbage. */
const MAX_HEAD_BYTES = 16 * 1024;

/** Sends CONNECT for `authority` (host:port) and reads the proxy's answer head. */
export function openTunnel(socket: net.Socket, authority: string, opts: TunnelOptions): Promise<TunnelOutcome> {
  const d = deadline(opts.signal, opts.timeoutMs, 'CONNECT');
  const start = opts.now();
  return new Promise<TunnelOutcome>((resolve) => {
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: Omit<TunnelOutcome, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      d.signal.removeEventListener('abort', onAbort);
      d.dispose();
      resolve({ ...outcome, durationMs: ms(opts.now() - start) });
    };
    const fail = (code: 'PROXY_CONNECT_FAILED' | 'PROXY_TIMEOUT', errCode: string, message: string, status: number | null = null): void => {
      finish({ ok: false, status, statusText: '', authenticate: [], error: { code: errCode, message }, findings: [finding(code, message, opts.proxyLabel)] });
    };
    const onAbort = (): void => {
      if (reasonOf(d.signal) instanceof ProbeTimeoutError) {
        const message = buffered.length === 0
          ? `${opts.proxyLabel} accepted the connection but did not answer CONNECT ${authority} within ${opts.timeoutMs} ms`
          : `${opts.proxyLabel} sent an incomplete answer to CONNECT within ${opts.timeoutMs} ms: ${describeBytes(buffered)}`;
        fail('PROXY_TIMEOUT', 'ETIMEDOUT', message);
      } else {
        finish({ ok: false, status: null, statusText: '', authenticate: [], error: { code: 'CANCELLED', message: 'cancelled during CONNECT' }, findings: [] });
      }
    };
    const onError = (err: NodeJS.ErrnoException): void => fail('PROXY_CONNECT_FAILED', err.code ?? 'ECONNRESET', `the connection to ${opts.proxyLabel} failed during CONNECT: ${err.message}`);
    const onClose = (): void => {
      fail('PROXY_CONNECT_FAILED', 'ECONNRESET', buffered.length === 0 ? `${opts.proxyLabel} closed the connection without answering CONNECT ${authority}` : `${opts.proxyLabel} closed the connection in the middle of its answer: ${describeBytes(buffered)}`);
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buffered.length > MAX_HEAD_BYTES || (buffered.length >= 5 && buffered.subarray(0, 5).toString('latin1') !== 'HTTP/')) {
          fail('PROXY_CONNECT_FAILED', 'EPROTO', `${opts.proxyLabel} is not an HTTP proxy: it answered CONNECT with ${describeBytes(buffered)}`);
        }
        return;
      }
      const head = buffered.subarray(0, end).toString('latin1');
      const rest = buffered.subarray(end + 4);
      const lines = head.split('\r\n');
      const statusLine = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
      if (!statusLine) {
        fail('PROXY_CONNECT_FAILED', 'EPROTO', `${opts.proxyLabel} is not an HTTP proxy: it answered CONNECT with ${describeBytes(buffered)}`);
        return;
      }
      const status = Number(statusLine[1]);
      const statusText = statusLine[2] ?? '';
      const authenticate = lines.slice(1).filter((l) => /^proxy-authenticate:/i.test(l)).map((l) => challengeOf(l.slice(l.indexOf(':') + 1).trim()));
      if (status >= 200 && status <= 299) {
        // RFC 9110 §9.3.6: after a 2xx the connection is the tunnel; bytes already read belong to it.
        socket.pause();
        if (rest.length > 0) socket.unshift(rest);
        finish({ ok: true, status, statusText, authenticate, findings: [] });
        return;
      }
      if (status === 407) {
        const message = `${opts.proxyLabel} answered CONNECT ${authority} with 407 ${statusText}: ${opts.authorization ? 'the credentials in the proxy URL were refused' : 'it needs credentials and the proxy URL has none'}${authenticate.length ? ` (it offers ${authenticate.join(', ')})` : ''}`;
        finish({ ok: false, status, statusText, authenticate, error: { code: 'PROXY_AUTH_REQUIRED', message }, findings: [finding('PROXY_AUTH_REQUIRED', message, opts.proxyLabel)] });
        return;
      }
      fail('PROXY_CONNECT_FAILED', `HTTP_${status}`, `${opts.proxyLabel} refused CONNECT ${authority}: ${status} ${statusText}`.trim(), status);
    };
    if (d.signal.aborted) {
      onAbort();
      return;
    }
    d.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`, `User-Agent: ${opts.userAgent}`];
    if (opts.authorization) lines.push(`Proxy-Authorization: ${opts.authorization}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** `Basic realm="corp"` → `Basic realm="corp"`; only the scheme and realm, never a token. */
function challengeOf(value: string): string {
  const scheme = value.split(/\s+/)[0] ?? value;
  const realm = /realm="([^"]*)"/i.exec(value)?.[1];
  return realm === undefined ? scheme : `${scheme} realm="${realm}"`;
}
