// The one hop pipeline: resolve → connect → tunnel → TLS → exchange, for one target over one
// route. The first request of a diagnosis, each redirect, the TLS-interception check, the
// certificate check and the capped fetch all run here, so each step behaves the same wherever it
// is used: the same lookup (resolveHost), the same connects (every address at once, bounded; the
// first in OS order that works carries the hop: transport.startConnects), the same CONNECT
// (proxy.openTunnel), handshake (tls/handshake) and exchange (httpRequest.sendRequest).
//
// runHop never throws. Each step's result lands in the hop's part (model.ts) as it ends, with its
// findings and waterfall steps, and `observe` hears of it. A step that fails ends the hop with
// `part.stopped`; what the failure means for the run (a finding about DNS, a failed redirect) is
// the caller's to say. The caller owns the connection it gets back.
import type { ClientHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { ms } from '../abort';
import { resolveHost } from '../dns/system';
import { finding } from '../findings';
import { sendRequest, type HopRequest, type SentRequest } from '../httpRequest';
import type { ErrorInfo, Finding } from '../model/common';
import type { DnsAddress } from '../model/dns';
import type { ConnectionResult, WaterfallEntry } from '../model/report';
import { openTunnel, proxyOf, type ParsedProxy } from '../proxy';
import { redactUrl } from '../redact';
import { exchangeOutcome } from '../summary';
import { tlsHandshake } from '../tls/handshake';
import { startConnects, transportFindings } from '../transport';
import { isOpen, originOf, type Connection, type HopContext, type HopObserver, type HopOutcome, type HopPart, type HopSpec, type HopStage } from './model';

export function runHop(spec: HopSpec, ctx: HopContext, observe?: HopObserver): Promise<HopOutcome> {
  return new Hop(spec, ctx, observe).run();
}

class Hop {
  readonly part: HopPart;
  private readonly proxy: ParsedProxy | null;
  private beside: Promise<void> = Promise.resolve();
  private body: Buffer | undefined;
  /** Why the request was sent again on a fresh connection (the kept-alive one had been closed). */
  private retriedAfter: ErrorInfo | undefined;
  /** The sockets this hop opened: closed at its end unless handed to the caller. */
  private readonly sockets: Socket[] = [];
  /** HTTP/2: the session the exchange left open for the next request. */
  private session: ClientHttp2Session | undefined;
  /** The chain's description, when it waits in the quiet behind the request (handshake). */
  private described: Promise<void> = Promise.resolve();

  constructor(
    private readonly spec: HopSpec,
    private readonly ctx: HopContext,
    private readonly observe: HopObserver | undefined,
  ) {
    const { route } = spec;
    this.proxy = proxyOf(route);
    this.part = {
      target: spec.target,
      route,
      resolution: null,
      probed: [],
      notProbed: [],
      connections: [],
      connectsDone: false,
      used: null,
      proxy: this.proxy ? { address: null, connectMs: null, tunnelStatus: null, tunnelMs: null } : null,
      tls: null,
      exchange: null,
      stopped: null,
      timings: { dnsMs: 0, connectMs: 0, tlsMs: 0 },
      findings: [],
      waterfall: [],
    };
  }

  async run(): Promise<HopOutcome> {
    const reuse = this.spec.reuse;
    if (reuse && isOpen(reuse)) return this.onReused(reuse);
    reuse?.close();
    return this.fresh();
  }

  /** The hop on a connection of its own: every step, from the lookup on. */
  private async fresh(): Promise<HopOutcome> {
    let kept: Connection | null = null;
    try {
      kept = await this.walk();
    } finally {
      // A connection handed to the caller closes its sockets itself (Connection.close).
      if (kept === null) this.closeSockets();
    }
    return this.outcome(kept);
  }

  private outcome(connection: Connection | null): HopOutcome {
    return { part: this.part, connection, beside: this.beside, described: this.described, ...(this.body ? { body: this.body } : {}) };
  }

  /** The steps in order; the connection when it stays open for the caller, else null. */
  private async walk(): Promise<Connection | null> {
    const { route } = this.spec;
    if (route.kind === 'unusable') return this.stop('route', route.error.code, `the proxy is unusable (${route.error.message}); nothing was sent`);
    const addresses = await this.resolve();
    if (addresses === null || this.cancelledAt('connect')) return null;
    const tcp = await this.connect(addresses);
    if (tcp === null) return null;
    if (this.part.route.kind === 'tunnel' && !(await this.tunnel(tcp))) return null;
    if (this.cancelledAt('tls')) return null;
    let socket: Socket = tcp;
    let alpn: string | null = null;
    if (this.spec.target.tls) {
      const tls = await this.handshake(tcp);
      if (tls === null) return null;
      ({ socket, alpn } = tls);
      if (this.cancelledAt('exchange')) return null;
    }
    const { request } = this.spec;
    if (request === null) return this.connection(socket, alpn);
    if (this.spec.target.application !== 'http') return this.stop('exchange', 'EPROTO', `${this.spec.target.scheme}:// does not speak HTTP; no request was sent`);
    const reusable = this.record(await this.send(socket, alpn, request), false);
    return reusable ? this.connection(socket, alpn) : null;
  }

  private async onReused(reuse: Connection): Promise<HopOutcome> {
    const { request } = this.spec;
    if (request === null) return this.outcome(reuse);
    // RFC 9112 §9.3: a persistent connection carries the next request to the same origin (RFC
    // 9113 §9.1.1: over HTTP/2, as a new stream on its session).
    this.session = reuse.session;
    const sent = await this.send(reuse.socket, reuse.alpn, request);
    if (sent.closedUnanswered && this.ctx.signal?.aborted !== true) {
      // RFC 9112 §9.3.1: a server may close an idle connection at any time, and a request that
      // crossed its close gets no answer. That is not a bad response: like curl ("Connection died,
      // retrying a fresh connect"), send it once more on a connection of its own.
      reuse.close();
      this.retriedAfter = sent.exchange.error ?? { code: 'ECONNRESET', message: 'the connection closed before the answer' };
      this.step('ttfb', `Wait ${this.spec.target.url} (kept-alive connection, closed by the server)`, sent.startedAt, sent.times.totalMs, true);
      this.log(`http: the server had closed the kept-alive connection (${this.retriedAfter.code}); sending ${request.method} ${redactUrl(this.spec.target.url)} again on a fresh connection`);
      return this.fresh();
    }
    const reusable = this.record(sent, true);
    if (!reusable) reuse.close();
    return this.outcome(reusable ? reuse : null);
  }

  /** Closes this hop's sockets, once the caller has read the kernel's facts of them when it asked to. */
  private closeSockets(): void {
    const sockets = outermostFirst(this.sockets);
    const close = (): void => sockets.forEach((s) => s.destroy());
    if (this.spec.holdOpen) void this.spec.holdOpen.then(close, close);
    else close();
  }

  private connection(socket: Socket, alpn: string | null): Connection {
    const sockets = outermostFirst(this.sockets);
    const connection: Connection = {
      socket,
      origin: originOf(this.spec.target.url),
      alpn,
      route: this.part.route,
      ...(this.session ? { session: this.session } : {}),
      close: () => {
        connection.session?.destroy();
        sockets.forEach((s) => s.destroy());
      },
    };
    return connection;
  }

  // ── the steps ─────────────────────────────────────────────────────────────────────────────

  /** The addresses of the host to connect to: the proxy's when there is one, else the target's. */
  private async resolve(): Promise<DnsAddress[] | null> {
    const { target } = this.spec;
    const host = this.proxy ? this.proxy.host : target.host;
    const start = this.ctx.now();
    const close = this.window();
    const r = await resolveHost(host, this.proxy ? this.proxy.ipFamily : target.ipFamily, {
      ...(this.ctx.lookup ? { lookup: this.ctx.lookup } : {}),
      pinned: this.ctx.pinned,
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
      timeoutMs: this.ctx.timeouts.dnsMs,
      now: this.ctx.now,
    });
    close();
    this.part.resolution = r;
    const as = this.proxy ? ' (proxy)' : '';
    if (r.lookup) {
      this.part.timings.dnsMs = r.lookup.durationMs;
      this.step('dns', `DNS (system) ${host}${as}`, start, r.lookup.durationMs, true);
      this.log(`dns: system lookup of ${host}${as} → ${r.lookup.error ? r.lookup.error.code : r.addresses.map((a) => a.address).join(', ')} in ${r.lookup.durationMs} ms`);
    } else if (r.source === 'pinned') this.log(`dns: ${host}${as} pinned to ${r.addresses.map((a) => a.address).join(', ')}; system lookup skipped`);
    if (r.addresses.length === 0) {
      const error = r.lookup?.error ?? { code: 'ENOTFOUND', message: `${host} has no address` };
      if (this.proxy) {
        this.part.proxy!.error = error;
        this.note([finding('PROXY_UNREACHABLE', `The proxy ${this.proxy.url}${this.forRedirect()} cannot be reached: ${error.message}.`, this.proxy.url)]);
      }
      this.stop('resolve', error.code, this.proxy ? `the proxy ${this.proxy.url} does not resolve` : `${host} does not resolve`);
    }
    this.observe?.('resolved', this.part);
    return r.addresses.length > 0 ? r.addresses : null;
  }

  /**
   * Connects to every address at once (bounded). The first address in the OS order that accepts
   * carries the hop as soon as it and every address before it have answered; the other connects
   * finish beside it (`beside`), or are stopped when the spec has no use for them.
   */
  private async connect(all: DnsAddress[]): Promise<Socket | null> {
    const { target } = this.spec;
    const port = this.proxy ? this.proxy.port : target.port;
    const host = this.proxy ? this.proxy.host : target.host;
    // A name with a hundred addresses must not take a hundred connects: the first ones, in the
    // resolver's order (the order clients try them), are probed and the rest named.
    const addresses = all.slice(0, this.ctx.maxAddresses);
    this.part.probed = addresses;
    this.part.notProbed = all.slice(addresses.length);
    if (this.part.notProbed.length > 0) {
      const left = this.part.notProbed.map((a) => a.address);
      const shown = left.length > 5 ? `${left.slice(0, 5).join(', ')} and ${left.length - 5} more` : left.join(', ');
      this.note([finding('TCP_ADDRESSES_NOT_PROBED', `${host} has ${all.length} addresses; the first ${addresses.length} were probed, the other ${left.length} were not: ${shown}.`, host)], host);
    }
    const as = `${this.proxy ? ' (proxy)' : ''}${this.spec.redirect ? ' (redirect)' : ''}`;
    const others = this.spec.probeOthers === false ? new AbortController() : null;
    const unlink = others ? linkAbort(this.ctx.signal, others) : (): void => undefined;
    const run = startConnects(addresses, port, {
      ...(others ? { signal: others.signal } : this.ctx.signal ? { signal: this.ctx.signal } : {}),
      timeoutMs: this.ctx.timeouts.connectMs,
      now: this.ctx.now,
      concurrency: this.ctx.connectConcurrency,
      ...(target.zoneId && !this.proxy ? { zoneId: target.zoneId } : {}),
      onResult: (r, startedAt) => {
        this.step('connect', `TCP ${r.address}${as}`, startedAt, r.durationMs, false);
        this.log(`tcp: ${r.address}:${port}${this.proxy ? ' (proxy)' : ''} → ${r.ok ? `connected from ${r.localAddress}:${r.localPort}` : r.error?.code} in ${r.durationMs} ms`);
        this.part.connections.push(r);
        this.observe?.('connect', this.part);
      },
    });
    this.beside = run.done.then((results) => {
      unlink();
      this.connectsDone(results, host);
    });
    const close = this.window();
    const primary = await run.primary;
    close();
    if (!primary) {
      await this.beside;
      const first = this.part.connections.find((c) => c.error)?.error;
      return this.stop('connect', first?.code ?? 'ECONNREFUSED', `No address of ${this.proxy ? `the proxy ${this.proxy.url}` : target.host} accepted a connection`);
    }
    others?.abort();
    this.sockets.push(primary.socket);
    const used = primary.result;
    used.used = true;
    this.part.used = used;
    this.part.timings.connectMs = used.durationMs;
    const entry = this.part.waterfall.find((w) => w.phase === 'connect' && w.label === `TCP ${used.address}${as}`);
    if (entry) entry.critical = true;
    if (this.part.proxy) {
      this.part.proxy.address = used.address;
      this.part.proxy.connectMs = used.durationMs;
    }
    this.observe?.('connected', this.part);
    return primary.socket;
  }

  private connectsDone(results: ConnectionResult[], host: string): void {
    // The same objects as streamed, now in the OS order; `used` is already set on one.
    this.part.connections = results;
    this.part.connectsDone = true;
    this.note(transportFindings(host, results), host);
    if (this.proxy && !results.some((r) => r.ok) && this.ctx.signal?.aborted !== true) {
      const message = `No address of the proxy ${this.proxy.url}${this.forRedirect()} accepted a connection (${results.map((r) => `${r.address}: ${r.error?.code ?? 'failed'}`).join(', ')})`;
      this.part.proxy!.error = { code: results[0]?.error?.code ?? 'ECONNREFUSED', message };
      this.note([finding('PROXY_UNREACHABLE', `${message}.`, this.proxy.url)]);
    }
    this.observe?.('connects-done', this.part);
  }

  /** CONNECT through the proxy (RFC 9110 §9.3.6); true when the tunnel is open. */
  private async tunnel(socket: Socket): Promise<boolean> {
    const proxy = this.proxy!;
    const { target } = this.spec;
    const authority = `${target.ipFamily === 6 ? `[${target.host}]` : target.host}:${target.port}`;
    const start = this.ctx.now();
    const close = this.window();
    const t = await openTunnel(socket, authority, {
      authorization: proxy.authorization,
      userAgent: this.ctx.userAgent,
      timeoutMs: this.ctx.timeouts.connectMs,
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
      now: this.ctx.now,
      proxyLabel: `the proxy ${proxy.url}`,
    });
    close();
    this.step('connect', `CONNECT ${authority} (proxy)`, start, t.durationMs, true);
    this.log(`proxy: CONNECT ${authority} via ${proxy.url} → ${t.status ?? t.error?.code} in ${t.durationMs} ms`);
    const leg = this.part.proxy!;
    leg.tunnelStatus = t.status;
    leg.tunnelMs = t.durationMs;
    if (t.authenticate.length > 0) leg.authenticate = t.authenticate;
    if (t.error && t.error.code !== 'CANCELLED') leg.error = t.error;
    this.part.timings.connectMs = ms(this.part.timings.connectMs + t.durationMs);
    this.note(t.findings, proxy.url);
    this.observe?.('tunnel', this.part);
    if (!t.ok) this.stop('tunnel', 'PROXY_CONNECT_FAILED', `the proxy ${proxy.url} did not open a tunnel to ${target.host}:${target.port}`);
    return t.ok;
  }

  /**
   * The handshake, then the chain described. With a request to send, the description waits for
   * the quiet (quiet.ts), so the request goes out as soon as the handshake ends, as curl's does:
   * parsing and verifying the chain is milliseconds of work that would otherwise sit between the
   * handshake and the request, in the diagnosis' time, and fill V8's young generation so that a
   * collection falls inside the wait for the answer.
   */
  private async handshake(socket: Socket): Promise<{ socket: Socket; alpn: string | null } | null> {
    const { target } = this.spec;
    const servername = this.spec.servername !== undefined ? this.spec.servername : target.ipFamily === null ? target.host : null;
    const close = this.window();
    const hs = await tlsHandshake(socket, {
      servername,
      // An upgrade (a WebSocket) is an HTTP/1.1 mechanism: h2 would refuse its headers (RFC 9113 §8.2.2).
      alpn: this.spec.alpn ?? (target.scheme === 'https' && this.spec.request?.upgrade === undefined ? ['h2', 'http/1.1'] : target.application === 'http' ? ['http/1.1'] : []),
      trust: this.ctx.trust,
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
      timeoutMs: this.ctx.timeouts.tlsMs,
      now: this.ctx.now,
      expiryWarningDays: this.ctx.expiryWarningDays,
      host: servername ?? target.host,
      ...(this.ctx.wallClock ? { wallClock: this.ctx.wallClock } : {}),
      ...(this.ctx.clientCertificate ? { clientCertificate: this.ctx.clientCertificate } : {}),
    });
    close();
    this.part.timings.tlsMs = hs.durationMs;
    this.step('tls', `TLS ${target.host}${this.spec.redirect ? ' (redirect)' : ''}`, hs.startedAt, hs.durationMs, true);
    const describe = (): void => {
      const { result: r, findings } = hs.describe();
      this.part.tls = r;
      this.log(`tls: ${r.protocol ?? 'no protocol'} ${r.cipher ?? ''} alpn=${r.alpn ?? '-'} authorized=${r.authorized} in ${r.durationMs} ms`);
      this.note(findings);
      this.observe?.('tls', this.part);
    };
    if (!hs.socket) {
      describe();
      const error = this.part.tls?.error;
      return this.stop('tls', error?.code ?? 'TLS_HANDSHAKE_FAILED', error?.message ?? 'TLS handshake failed');
    }
    this.sockets.push(hs.socket);
    const { quiet } = this.ctx;
    if (this.spec.request === null || !quiet) describe();
    else this.described = quiet.after(describe, 'small');
    return { socket: hs.socket, alpn: hs.alpn };
  }

  /** The request on `socket`, sent and judged, in a timed window; nothing recorded yet but the HTTP/2 session it leaves open. */
  private async send(socket: Socket, alpn: string | null, request: HopRequest): Promise<SentRequest> {
    const { target } = this.spec;
    const forward = this.part.route.kind === 'forward' ? this.proxy : null;
    const close = this.window();
    const sent = await sendRequest(socket, {
      url: target.url,
      auth: this.spec.auth,
      request,
      alpn,
      forward,
      userAgent: this.ctx.userAgent,
      maxBodyBytes: this.ctx.maxBodyBytes,
      timeoutMs: this.ctx.timeouts.httpMs,
      ...(this.ctx.signal ? { signal: this.ctx.signal } : {}),
      now: this.ctx.now,
      revealSecrets: this.ctx.revealSecrets,
      ...(this.spec.keepBody ? { keepBody: true } : {}),
      ...(this.session ? { session: this.session } : {}),
      ...(this.spec.holdOpen ? { closeAfter: this.spec.holdOpen } : {}),
    });
    close();
    this.session = sent.session;
    return sent;
  }

  /** The exchange into the part; true when the connection may carry another request (keep-alive). */
  private record(sent: SentRequest, reused: boolean): boolean {
    const { target } = this.spec;
    const forward = this.part.route.kind === 'forward' ? this.proxy : null;
    const { ttfbMs, downloadMs, totalMs } = sent.times;
    this.step('ttfb', `Wait ${target.url}`, sent.startedAt, ttfbMs, true);
    this.step('download', `Download ${target.url}`, sent.startedAt + ttfbMs, downloadMs, true);
    this.log(`http: ${sent.exchange.method} ${redactUrl(target.url)}${forward ? ` via ${forward.url}` : ''} → ${sent.exchange.status ?? sent.exchange.error?.code} in ${totalMs} ms`);
    const before = this.part.timings;
    this.part.exchange = {
      ...sent.exchange,
      outcome: exchangeOutcome(sent.exchange),
      reusedConnection: reused,
      timings: { ...before, ttfbMs, downloadMs, totalMs: ms(before.dnsMs + before.connectMs + before.tlsMs + totalMs) },
      ...(this.proxy ? { viaProxy: true } : {}),
      ...(this.retriedAfter ? { retriedAfter: this.retriedAfter } : {}),
    };
    if (sent.proxyAuth && this.part.proxy && !this.part.proxy.error) {
      this.part.proxy.error = sent.proxyAuth.error;
      if (sent.proxyAuth.offers.length > 0) this.part.proxy.authenticate = sent.proxyAuth.offers;
    }
    if (sent.body) this.body = sent.body;
    this.part.findings.push(...sent.findings);
    this.observe?.('exchange', this.part);
    return sent.reusable;
  }

  // ── bookkeeping ───────────────────────────────────────────────────────────────────────────

  /** Opens a timed window of the run (quiet.ts); returns its close. */
  private window(): () => void {
    return this.ctx.quiet?.window() ?? ((): void => undefined);
  }

  private step(phase: WaterfallEntry['phase'], label: string, start: number, durationMs: number, critical: boolean): void {
    this.part.waterfall.push({ phase, label, startMs: ms(start - this.ctx.t0), durationMs, critical });
  }

  private log(message: string): void {
    this.ctx.log?.(message);
  }

  /**
   * Adds findings to the part. A redirect's findings name its URL, so they are told apart from
   * the first request's: `URL (what)` for those about an address or the proxy, else the URL.
   */
  private note(findings: readonly Finding[], about?: string): void {
    const url = this.spec.target.url;
    if (!this.spec.redirect) this.part.findings.push(...findings);
    else this.part.findings.push(...findings.map((f) => ({ ...f, subject: about === undefined ? (f.subject ?? url) : `${url} (${f.subject ?? about})` })));
  }

  private forRedirect(): string {
    return this.spec.redirect ? ` for the redirect to ${this.spec.target.url}` : '';
  }

  private stop(stage: HopStage, code: string, message: string): null {
    this.part.stopped = { stage, error: { code, message } satisfies ErrorInfo };
    return null;
  }

  /** True (and the hop stopped) when the run was cancelled before `stage`. */
  private cancelledAt(stage: HopStage): boolean {
    if (this.ctx.signal?.aborted !== true) return false;
    this.stop(stage, 'CANCELLED', `cancelled before the ${stage === 'tls' ? 'TLS handshake' : stage}`);
    return true;
  }
}

/** Aborts `child` when `parent` does; returns the unlink. */
function linkAbort(parent: AbortSignal | undefined, child: AbortController): () => void {
  if (!parent) return () => undefined;
  const onAbort = (): void => child.abort();
  if (parent.aborted) child.abort();
  else parent.addEventListener('abort', onAbort, { once: true });
  return () => parent.removeEventListener('abort', onAbort);
}

/**
 * The TLS socket before the TCP socket it wraps: on Node 20, destroying the TCP socket first,
 * under a TLSSocket that is still open, crashes the process (SIGSEGV).
 */
function outermostFirst(sockets: readonly Socket[]): Socket[] {
  return [...sockets].reverse();
}
