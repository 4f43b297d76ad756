// Redirects, hop by hop: each Location is followed with the same hop pipeline as the first request
// (its own proxy choice, lookup, connect and handshake, or the same origin's kept-alive
// connection), with the request rules of browsers and curl -L. Loops and the limit are findings.
import { ms } from './abort';
import { finding } from './findings';
import type { KeepAlive } from './hop/keepAlive';
import type { HopContext, HopPart } from './hop/model';
import { runHop } from './hop/pipeline';
import { redirectedRequest, redirectTarget, type HopRequest } from './httpRequest';
import type { Finding } from './model/common';
import type { HttpExchange } from './model/report';
import type { DiagnoseOptions } from './options';
import { chooseProxy, routeOf, type Route } from './proxy';
import { parseTarget, TargetError, type ParsedTarget } from './target';

/** One request of the chain: the hop and its exchange (a failed one when the hop ended early). */
export interface ChainStep {
  part: HopPart;
  exchange: HttpExchange;
}

export interface RedirectContext {
  ctx: HopContext;
  options: Pick<DiagnoseOptions, 'followRedirects' | 'maxRedirects' | 'proxy'>;
  pool: KeepAlive;
  /** Called with each hop as it ends, in order. */
  add(step: ChainStep): void;
  /** Work that ends after the hop (the connects to its other addresses), and the hop it belongs to. */
  beside(work: Promise<void>, part: HopPart): void;
}

/** Follows the redirects `first` answered with, from `request`; verdicts on a redirect go to the hop that answered it. */
export async function followRedirects(first: ChainStep, request: HopRequest, rc: RedirectContext): Promise<void> {
  const seen = new Set<string>([first.exchange.url]);
  let current = first;
  let count = 1;
  let next = request;
  while (rc.options.followRedirects && rc.ctx.signal?.aborted !== true) {
    const { url, status, headers } = current.exchange;
    const location = headers['location'];
    const to = status === null ? null : redirectTarget(url, status, typeof location === 'string' ? location : undefined);
    if (to === null) return;
    const said = current.part.findings;
    if (url.startsWith('https:') && to.startsWith('http:')) said.push(finding('HTTP_INSECURE_REDIRECT', `${url} redirects to ${to}, leaving TLS.`, to));
    if (seen.has(to)) {
      said.push(finding('HTTP_REDIRECT_LOOP', `${url} redirects to ${to}, which was already visited (after ${count} request(s)).`, to));
      return;
    }
    if (count > rc.options.maxRedirects) {
      said.push(finding('HTTP_TOO_MANY_REDIRECTS', `Stopped after ${rc.options.maxRedirects} redirects; the next one goes to ${to}.`, to));
      return;
    }
    seen.add(to);
    next = redirectedRequest(next, status ?? 0, new URL(url).origin === new URL(to).origin);
    const step = await redirectHop(to, next, said, rc);
    if (step === null) return;
    rc.add(step);
    count++;
    current = step;
  }
}

const HTTP_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ws', 'wss']);
/** Schemes that name something on the client itself: following a server's redirect to one would be unsafe. */
const LOCAL_SCHEMES: ReadonlySet<string> = new Set(['file', 'data', 'javascript', 'blob', 'about']);

/** Why a client cannot follow a redirect to `url`, or the target when it can. */
function followable(url: string): { parsed: ParsedTarget } | { problem: string } {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
  if (LOCAL_SCHEMES.has(scheme)) return { problem: `a ${scheme}: URL is read or run by the client itself; browsers and curl refuse to follow a redirect to one` };
  if (!HTTP_SCHEMES.has(scheme)) return { problem: `${scheme}: is not HTTP; clients follow redirects to http(s) (and, for a WebSocket, ws(s)) URLs only` };
  try {
    return { parsed: parseTarget(url) };
  } catch (err) {
    if (err instanceof TargetError) return { problem: err.message.replace(/\.$/, '') };
    throw err;
  }
}

/** One redirect: the same origin's open connection, or a hop of its own. Null when the URL cannot be followed. */
async function redirectHop(url: string, request: HopRequest, said: Finding[], rc: RedirectContext): Promise<ChainStep | null> {
  const checked = followable(url);
  if ('problem' in checked) {
    said.push(finding('HTTP_REDIRECT_UNFOLLOWABLE', `The redirect to ${url} cannot be followed: ${checked.problem}.`, url));
    return null;
  }
  const { parsed } = checked;
  const t = parsed.target;
  const reuse = rc.pool.take(t.url);
  let route: Route;
  let chosen: Finding[] = [];
  if (reuse) route = reuse.route;
  else {
    const choice = chooseProxy(t, rc.options.proxy);
    route = routeOf(choice);
    chosen = choice.findings.map((f) => ({ ...f, subject: `${t.url} (${f.subject ?? ''})` }));
  }
  const hop = await runHop({ target: t, auth: parsed.auth, route, request, redirect: true, ...(reuse ? { reuse } : {}) }, rc.ctx);
  rc.beside(Promise.all([hop.beside, hop.described]).then(() => undefined), hop.part);
  if (hop.connection) rc.pool.keep(hop.connection);
  const { part } = hop;
  part.findings.unshift(...chosen);
  if (part.stopped?.stage === 'resolve' && route.kind === 'direct') {
    part.findings.push(finding('DNS_LOOKUP_FAILED', `The redirect target ${t.host} does not resolve: ${part.resolution?.lookup?.error?.message ?? 'no address'}.`, t.host));
  }
  return { part, exchange: part.exchange ?? failedExchange(part, request.method) };
}

/** The request of a hop that ended before it was sent: the error where it stopped, the times it took. */
function failedExchange(part: HopPart, method: string): HttpExchange {
  const { dnsMs, connectMs, tlsMs } = part.timings;
  return {
    url: part.target.url,
    method,
    status: null,
    statusText: '',
    outcome: 'fail',
    httpVersion: null,
    headers: {},
    bodyBytes: 0,
    bodyTruncated: false,
    remoteAddress: null,
    reusedConnection: false,
    timings: { dnsMs, connectMs, tlsMs, ttfbMs: 0, downloadMs: 0, totalMs: ms(dnsMs + connectMs + tlsMs) },
    error: part.stopped?.error ?? { code: 'UNKNOWN', message: 'the request was not sent' },
  };
}
