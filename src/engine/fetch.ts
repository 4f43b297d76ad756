// One capped HTTP fetch, for what a certificate check downloads when the user asks: the issuer
// certificate from an AIA caIssuers URL (RFC 5280 §4.2.2.1) and an OCSP answer (RFC 6960
// Appendix A.1). It is one hop of the pipeline: the same lookup (injectable, --resolve), the same
// connects and the same proxy choice as a diagnosis, and the same exchange with its body cap.
//
// Bounded on every side: one deadline for the whole fetch, the caller's AbortSignal, a size cap
// (the body is read up to it, then the connection is closed), no redirect followed (a 3xx is an
// answer like any other non-200), and plain http:// only — these URLs are http by the RFCs, and
// https would need the very chain being checked. Never throws.
import { deadline, ProbeTimeoutError, reasonOf } from './abort';
import { standaloneContext } from './hop/model';
import { runHop } from './hop/pipeline';
import type { LookupFn, ProxyConfig } from './options';
import { chooseProxy, routeOf } from './proxy';
import type { DnsAddress, ErrorInfo } from './report';
import { parseTarget, TargetError, type ParsedTarget } from './target';

export interface FetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
  /** For the whole fetch: lookup, connect, request and body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The largest body accepted; a larger one is FETCH_TOO_LARGE. */
  maxBytes: number;
  /** What is fetched, for messages: "the OCSP response". */
  what: string;
  lookup?: LookupFn;
  pinned?: Readonly<Record<string, readonly DnsAddress[]>>;
  /** Proxy sources, chosen from as for a diagnosis; absent: direct. */
  proxy?: ProxyConfig;
}

/**
 * The body of a 200 answer, or an error: FETCH_BAD_URL (not an http:// URL), FETCH_TOO_LARGE,
 * FETCH_HTTP_STATUS (any other status, redirects included), ETIMEDOUT, CANCELLED, or the step's
 * own (ENOTFOUND, ECONNREFUSED, PROXY_CONNECT_FAILED, ECONNRESET…).
 */
export type FetchResult = { body: Buffer } | { error: ErrorInfo };

export async function fetchCapped(url: string, opts: FetchOptions): Promise<FetchResult> {
  let parsed: ParsedTarget;
  try {
    parsed = parseTarget(url);
  } catch (err) {
    return { error: { code: 'FETCH_BAD_URL', message: `${url} is not a URL that can be fetched: ${err instanceof TargetError ? err.message : String(err)}` } };
  }
  const { target } = parsed;
  if (target.scheme !== 'http') return { error: { code: 'FETCH_BAD_URL', message: `${url}: only http:// URLs are fetched for ${opts.what}` } };
  const whole = deadline(opts.signal, opts.timeoutMs, `Fetching ${opts.what} from ${url}`);
  try {
    const request = { method: opts.method ?? 'GET', headers: { ...opts.headers }, ...(opts.body ? { body: opts.body } : {}) };
    // Each step may take the whole time; `whole` bounds them together. One byte over the cap
    // tells a body of exactly maxBytes from a larger one.
    const ctx = standaloneContext({ timeoutMs: opts.timeoutMs, signal: whole.signal, maxBodyBytes: opts.maxBytes + 1, ...(opts.lookup ? { lookup: opts.lookup } : {}), ...(opts.pinned ? { pinned: opts.pinned } : {}) });
    const hop = await runHop({ target, auth: parsed.auth, route: routeOf(chooseProxy(target, opts.proxy)), request, probeOthers: false, keepBody: true }, ctx);
    hop.connection?.close();
    await hop.beside;
    if (whole.signal.aborted) {
      const timedOut = reasonOf(whole.signal) instanceof ProbeTimeoutError;
      return { error: timedOut ? { code: 'ETIMEDOUT', message: `Fetching ${opts.what} from ${url} timed out after ${opts.timeoutMs} ms` } : { code: 'CANCELLED', message: 'Cancelled' } };
    }
    const answer = hop.part.exchange;
    if (!answer) return { error: hop.part.stopped?.error ?? { code: 'UNKNOWN', message: `${url} was not fetched` } };
    if (answer.bodyTruncated) return { error: { code: 'FETCH_TOO_LARGE', message: `${opts.what} from ${url} is larger than ${opts.maxBytes} bytes` } };
    if (answer.error) return { error: answer.error };
    if (answer.status !== 200) {
      const redirect = answer.status !== null && answer.status >= 300 && answer.status <= 399 ? ' (redirects are not followed)' : '';
      return { error: { code: 'FETCH_HTTP_STATUS', message: `${url} answered HTTP ${answer.status ?? '?'}${redirect}` } };
    }
    return { body: hop.body ?? Buffer.alloc(0) };
  } finally {
    whole.dispose();
  }
}
