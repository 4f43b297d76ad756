// The orchestrator: runs the probes for one target as early as their inputs exist and builds
// the Report. The critical path is one DNS answer, one TCP connect, one TLS handshake and one
// HTTP exchange on that same socket; wire-level DNS queries and the connects to the other
// addresses run beside it and never delay it. Each probe's end streams a partial report.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ms } from './abort';
import { classifyAddress, isPublicLookingName } from './address';
import { osLookup, systemLookup } from './dns/system';
import { cnameChain, dnsFindings } from './dns/probe';
import { formatDnsServer } from './dns/servers';
import { wireQuery } from './dns/wire';
import { finding } from './findings';
import { httpExchange, redirectTarget } from './http';
import { altSvcProtocols, readIntermediaries } from './intermediaries';
import { chooseProxy, openTunnel, type ParsedProxy, type ProxyChoice } from './proxy';
import { isSecretHeader, redactHeaders, redactUrl } from './redact';
import { findInterface } from './link';
import type { DiagnoseOptions } from './options';
import type { ConnectionResult, DnsAddress, DnsResult, ErrorInfo, Finding, HttpExchange, ProxyInfo, Report, TargetInfo, TlsResult, WaterfallEntry } from './report';
import { buildHops, buildLayers, initialState, type ProbeState } from './summary';
import { prepareRun } from './prepare';
import { parseTarget, TargetError, type ParsedTarget } from './target';
import { tlsHandshake } from './tls/handshake';
import { startConnects, transportFindings } from './transport';
import { VERSION } from './version';

export async function diagnose(parsed: ParsedTarget, options: DiagnoseOptions): Promise<Report> {
  const setupMs = await prepareRun(options);
  return new Run(parsed, options, setupMs).run();
}

/** RFC 6761 §6.3: names under localhost are answered locally, never sent to DNS servers. */
function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

class Run {
  private readonly now: () => number;
  private readonly t0: number;
  private readonly startedAt = new Date().toISOString();
  private readonly target: TargetInfo;
  private readonly state: ProbeState;
  private readonly waterfall: WaterfallEntry[] = [];
  /** Work running beside the critical path; awaited before the final report. */
  private readonly beside: Promise<void>[] = [];

  constructor(
    private readonly parsed: ParsedTarget,
    private readonly options: DiagnoseOptions,
    private readonly setupMs: number,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.t0 = this.now();
    this.target = parsed.target;
    this.state = initialState(this.target);
  }

  async run(): Promise<Report> {
    this.emit();
    const choice = this.proxyFor(this.target);
    if (this.options.proxy) {
      this.state.proxy = choice.info;
      this.state.findings.push(...choice.findings);
      this.log(`proxy: ${choice.info.reason}`);
    }
    if (choice.proxy) await this.throughProxy(choice.proxy);
    else {
      const addresses = await this.resolve();
      if (addresses.length > 0 && !this.cancelled()) await this.connectAndTalk(addresses);
    }
    await Promise.all(this.beside);
    this.finishDns();
    this.state.finished = true;
    this.state.cancelled = this.cancelled();
    if (this.state.cancelled) this.state.findings.push(finding('CANCELLED', 'Cancelled: the results shown are what had finished by then.'));
    const report = this.report(true);
    this.options.onUpdate?.(report);
    return report;
  }

  private cancelled(): boolean {
    return this.options.signal?.aborted === true;
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private since(start: number): number {
    return ms(start - this.t0);
  }

  private step(phase: WaterfallEntry['phase'], label: string, start: number, durationMs: number, critical: boolean): void {
    this.waterfall.push({ phase, label, startMs: this.since(start), durationMs, critical });
  }

  // ── DNS ────────────────────────────────────────────────────────────────────────────────

  /** Resolves the target's addresses on the critical path; wire queries start beside it. */
  private async resolve(): Promise<DnsAddress[]> {
    const { host, ipFamily } = this.target;
    if (ipFamily !== null) {
      this.state.addressesKnown = true;
      this.classify([{ address: host, family: ipFamily }]);
      return [{ address: host, family: ipFamily }];
    }
    const dns: DnsResult = { system: { addresses: [], durationMs: 0 }, wire: [], cnameChain: [] };
    this.state.dns = dns;
    if (!isLocalhostName(host)) this.startWireQueries(host, dns);

    const pinned = this.options.pinned[host];
    if (pinned && pinned.length > 0) {
      dns.pinned = [...pinned];
      dns.system = { addresses: [], durationMs: 0, skipped: 'pinned' };
      this.log(`dns: ${host} pinned to ${pinned.map((a) => a.address).join(', ')}; system lookup skipped`);
    } else {
      const start = this.now();
      dns.system = await systemLookup(host, this.options.lookup ?? osLookup, { signal: this.options.signal, timeoutMs: this.options.timeouts.dnsMs, now: this.now });
      this.step('dns', `DNS (system) ${host}`, start, dns.system.durationMs, true);
      this.log(`dns: system lookup of ${host} → ${dns.system.error ? dns.system.error.code : dns.system.addresses.map((a) => a.address).join(', ')} in ${dns.system.durationMs} ms`);
    }
    this.state.addressesKnown = true;
    const addresses = dns.pinned ?? dns.system.addresses;
    this.classify(addresses);
    this.emit();
    return addresses;
  }

  private startWireQueries(host: string, dns: DnsResult): void {
    for (const server of this.options.dnsServers) {
      for (const type of ['A', 'AAAA'] as const) {
        const start = this.now();
        this.beside.push(
          wireQuery(server, host, type, { signal: this.options.signal, timeoutMs: this.options.timeouts.dnsMs, now: this.now }).then((q) => {
            dns.wire.push(q);
            this.step('wire-dns', `DNS ${type} @${formatDnsServer(server)}`, start, q.durationMs, false);
            this.log(`dns: ${type} ${host} @${q.server} over ${q.transport} → ${q.rcode ?? q.error?.code} (${q.answers.length} answers) in ${q.durationMs} ms`);
            dns.cnameChain = cnameChain(host, dns.wire);
            this.emit();
          }),
        );
      }
    }
  }

  private dnsFinished = false;

  /** DNS findings need every answer (system and wire): made once, when both are in. */
  private finishDns(): void {
    if (this.dnsFinished || !this.state.dns) return;
    this.dnsFinished = true;
    // Ordinal, not localeCompare: the order must not depend on the user's locale, and the first
    // localeCompare of a process loads ICU's collator (5–40 ms here) inside the run's clock.
    this.state.dns.wire.sort((a, b) => ordinal(a.server, b.server) || ordinal(a.type, b.type));
    this.state.findings.push(...dnsFindings(this.target.host, this.state.dns));
  }

  private classify(addresses: readonly DnsAddress[]): void {
    const remote = addresses.map((a) => classifyAddress(a.address));
    this.internet.remote = remote;
    for (const r of remote) {
      if (r.class === 'unspecified' || r.class === 'multicast' || r.class === 'broadcast') {
        this.state.findings.push(finding('ADDRESS_NOT_ROUTABLE', `${r.address} is ${r.description}: it cannot be a destination.`, r.address));
      }
    }
    if (this.target.ipFamily === null && isPublicLookingName(this.target.host)) {
      const inner = remote.filter((r) => r.class !== 'public' && r.class !== 'unspecified');
      if (inner.length > 0 && inner.length === remote.length) {
        this.state.findings.push(
          finding('ADDRESS_PRIVATE_FOR_PUBLIC_NAME', `${this.target.host} looks like a public name but resolves to ${inner.map((r) => `${r.address} (${r.class})`).join(', ')}.`, this.target.host),
        );
      }
    }
  }

  private readonly internet: Report['internet'] = { local: null, remote: [] };

  // ── Transport, TLS, HTTP ───────────────────────────────────────────────────────────────

  /** The proxy for a URL of this run (the first target's or a redirect's). */
  private proxyFor(target: TargetInfo): ProxyChoice {
    return chooseProxy(target, this.options.proxy);
  }

  /** The whole run through a proxy: the proxy's name and address stand where the target's would. */
  private async throughProxy(proxy: ParsedProxy): Promise<void> {
    const info = this.state.proxy!;
    const resolved = await this.resolveProxy(proxy, true);
    this.state.addressesKnown = true;
    if ('error' in resolved) {
      info.error = resolved.error;
      this.state.findings.push(finding('PROXY_UNREACHABLE', `The proxy ${proxy.url} cannot be reached: ${resolved.error.message}.`, proxy.url));
      this.emit();
      return;
    }
    this.internet.remote = resolved.addresses.map((a) => classifyAddress(a.address));
    this.emit();
    await this.connectAndTalk(resolved.addresses, proxy.port, proxy);
  }

  /** The proxy's addresses: its IP literal, a pinned name, or the system lookup. */
  private async resolveProxy(proxy: ParsedProxy, critical: boolean): Promise<{ addresses: DnsAddress[]; dnsMs: number } | { error: ErrorInfo; dnsMs: number }> {
    if (proxy.ipFamily !== null) return { addresses: [{ address: proxy.host, family: proxy.ipFamily }], dnsMs: 0 };
    const pinned = this.options.pinned[proxy.host.toLowerCase()];
    if (pinned?.length) return { addresses: [...pinned], dnsMs: 0 };
    const start = this.now();
    const lookup = await systemLookup(proxy.host, this.options.lookup ?? osLookup, { signal: this.options.signal, timeoutMs: this.options.timeouts.dnsMs, now: this.now });
    this.step('dns', `DNS (system) ${proxy.host} (proxy)`, start, lookup.durationMs, critical);
    if (lookup.error || lookup.addresses.length === 0) return { error: lookup.error ?? { code: 'ENOTFOUND', message: `${proxy.host} has no address` }, dnsMs: lookup.durationMs };
    return { addresses: lookup.addresses, dnsMs: lookup.durationMs };
  }

  /**
   * Connects to every address at once (bounded). The first address in the OS order that
   * accepts carries TLS and HTTP as soon as it and every address before it have answered;
   * the other connects finish beside it. With a proxy, the addresses are the proxy's.
   */
  private async connectAndTalk(addresses: DnsAddress[], port = this.target.port, proxy: ParsedProxy | null = null): Promise<void> {
    const { zoneId } = this.target;
    const run = startConnects(addresses, port, {
      signal: this.options.signal,
      timeoutMs: this.options.timeouts.connectMs,
      now: this.now,
      concurrency: this.options.connectConcurrency,
      ...(zoneId && !proxy ? { zoneId } : {}),
      onResult: (r) => {
        this.step('connect', `TCP ${r.address}${proxy ? ' (proxy)' : ''}`, this.now() - r.durationMs, r.durationMs, false);
        this.log(`tcp: ${r.address}:${port}${proxy ? ' (proxy)' : ''} → ${r.ok ? `connected from ${r.localAddress}:${r.localPort}` : r.error?.code} in ${r.durationMs} ms`);
        this.state.connections.push(r);
        this.emit();
      },
    });
    this.beside.push(
      run.done.then((results) => {
        // The same objects as streamed, now in the OS order; `used` is already set on one.
        this.state.connections = results;
        this.state.connectsDone = true;
        this.state.findings.push(...transportFindings(proxy ? proxy.host : this.target.host, results));
        if (proxy && !results.some((r) => r.ok) && !this.cancelled()) {
          const message = `No address of the proxy ${proxy.url} accepted a connection (${results.map((r) => `${r.address}: ${r.error?.code ?? 'failed'}`).join(', ')})`;
          this.state.proxy!.error = { code: results[0]?.error?.code ?? 'ECONNREFUSED', message };
          this.state.findings.push(finding('PROXY_UNREACHABLE', `${message}.`, proxy.url));
        }
        this.emit();
      }),
    );

    const primary = await run.primary;
    if (!primary) return;
    const used = primary.result;
    used.used = true;
    this.markCritical('connect', `TCP ${used.address}${proxy ? ' (proxy)' : ''}`);
    this.state.link = findInterface(used.localAddress ?? '');
    this.internet.local = used.localAddress ? classifyAddress(used.localAddress) : null;
    if (proxy) {
      this.state.proxy!.address = used.address;
      this.state.proxy!.connectMs = used.durationMs;
    }
    this.emit();
    try {
      await this.talk(primary.socket, used, proxy);
    } finally {
      primary.socket.destroy();
      for (const s of this.idle.values()) s.socket.destroy();
      this.idle.clear();
    }
  }

  private markCritical(phase: WaterfallEntry['phase'], label: string): void {
    const entry = this.waterfall.find((w) => w.phase === phase && w.label === label);
    if (entry) entry.critical = true;
  }

  /** CONNECT through the proxy; the tunnel outcome lands in `info` and the findings. */
  private async tunnel(socket: Socket, target: TargetInfo, proxy: ParsedProxy, info: ProxyInfo | null): Promise<boolean> {
    const host = target.ipFamily === 6 ? `[${target.host}]` : target.host;
    const authority = `${host}:${target.port}`;
    const start = this.now();
    const t = await openTunnel(socket, authority, {
      authorization: proxy.authorization,
      userAgent: this.options.userAgent,
      timeoutMs: this.options.timeouts.connectMs,
      signal: this.options.signal,
      now: this.now,
      proxyLabel: `the proxy ${proxy.url}`,
    });
    this.step('connect', `CONNECT ${authority} (proxy)`, start, t.durationMs, true);
    this.log(`proxy: CONNECT ${authority} via ${proxy.url} → ${t.status ?? t.error?.code} in ${t.durationMs} ms`);
    if (info) {
      info.tunnelStatus = t.status;
      info.tunnelMs = t.durationMs;
      if (t.authenticate.length > 0) info.authenticate = t.authenticate;
      if (t.error && t.error.code !== 'CANCELLED') info.error = t.error;
    }
    this.state.findings.push(...t.findings.map((f) => (info ? f : { ...f, subject: `${target.url} (${f.subject ?? proxy.url})` })));
    return t.ok;
  }

  /** TLS (when the scheme has it) then HTTP (when it speaks HTTP) on the connected socket. */
  private async talk(tcp: Socket, used: ConnectionResult, proxy: ParsedProxy | null): Promise<void> {
    let socket: Socket = tcp;
    let tlsMs = 0;
    const mode = this.state.proxy?.mode ?? null;
    if (proxy && mode === 'tunnel') {
      const ok = await this.tunnel(tcp, this.target, proxy, this.state.proxy!);
      this.emit();
      if (!ok || this.cancelled()) return;
    }
    if (this.target.tls) {
      const start = this.now();
      const hs = await tlsHandshake(tcp, this.tlsOptions(this.target));
      this.state.tls = hs.result;
      this.state.tlsDone = true;
      this.state.findings.push(...hs.findings);
      tlsMs = hs.result.durationMs;
      this.step('tls', `TLS ${this.target.host}`, start, tlsMs, true);
      this.log(`tls: ${hs.result.protocol ?? 'no protocol'} ${hs.result.cipher ?? ''} alpn=${hs.result.alpn ?? '-'} authorized=${hs.result.authorized} in ${tlsMs} ms`);
      this.emit();
      if (proxy && hs.result.chain.length > 0) this.beside.push(this.checkInterception(hs.result, proxy));
      if (!hs.socket || this.cancelled()) return;
      socket = hs.socket;
    }
    if (this.target.application !== 'http') return;
    const dnsMs = this.state.dns?.system.durationMs ?? 0;
    this.hopViaProxy = proxy !== null && mode === 'tunnel';
    const first = await this.exchange(socket, this.target.url, this.state.tls?.alpn ?? null, { dnsMs, connectMs: used.durationMs + (this.state.proxy?.tunnelMs ?? 0), tlsMs }, this.parsed.auth, this.request(), proxy && mode === 'forward' ? proxy : null);
    this.hopViaProxy = false;
    this.state.http = { requests: [first.exchange] };
    if (first.reusable) this.idle.set(originKey(this.target.url), { socket, alpn: this.state.tls?.alpn ?? null, forward: proxy && mode === 'forward' ? proxy : null });
    this.emit();
    await this.followRedirects(first.exchange);
    this.state.httpDone = true;
    this.emit();
  }

  /**
   * Through a proxy, compares the chain with the one the server sends directly: another issuer
   * means the proxy re-signs TLS (TLS_INTERCEPTED, naming its CA). When no direct connection is
   * possible, a chain that only the OS store or an extra CA anchors is suspicious.
   */
  private async checkInterception(proxied: TlsResult, proxy: ParsedProxy): Promise<void> {
    const t = this.target;
    const top = proxied.chain[proxied.chain.length - 1]!;
    const proxiedCa = top.selfSigned ? top.subject : top.issuer;
    let directNote: string;
    const addresses = t.ipFamily !== null ? [{ address: t.host, family: t.ipFamily }] : (this.options.pinned[t.host] ?? (await systemLookup(t.host, this.options.lookup ?? osLookup, { signal: this.options.signal, timeoutMs: this.options.timeouts.dnsMs, now: this.now })).addresses);
    if (addresses.length === 0) directNote = `${t.host} does not resolve here`;
    else {
      // Bounded: where only the proxy gets out, direct connects time out, and this runs beside.
      const run = startConnects(addresses, t.port, { signal: this.options.signal, timeoutMs: Math.min(this.options.timeouts.connectMs, 3000), now: this.now, concurrency: this.options.connectConcurrency });
      const primary = await run.primary;
      await run.done;
      if (!primary) directNote = `a direct connection to ${t.host}:${t.port} failed`;
      else {
        try {
          const hs = await tlsHandshake(primary.socket, { ...this.tlsOptions(t), alpn: [] });
          hs.socket?.destroy();
          const direct = hs.result.chain;
          const dTop = direct[direct.length - 1];
          if (!dTop) directNote = `the direct TLS handshake failed (${hs.result.error?.message ?? 'no certificate'})`;
          else {
            const directCa = dTop.selfSigned ? dTop.subject : dTop.issuer;
            if (direct[0]?.fingerprint256 !== proxied.chain[0]?.fingerprint256 && directCa !== proxiedCa) {
              this.state.findings.push(
                finding('TLS_INTERCEPTED', `Through the proxy ${proxy.url}, ${t.host} presents a certificate issued by "${commonNameOf(proxiedCa)}" (${proxiedCa}); directly it presents one issued by "${commonNameOf(directCa)}". ${commonNameOf(proxiedCa)} re-signs TLS on the way.`, t.host),
              );
            }
            return;
          }
        } finally {
          primary.socket.destroy();
        }
      }
    }
    const store = proxied.verification.store;
    if (store === 'os' || store === 'extra') {
      this.state.findings.push(
        finding('TLS_INTERCEPTION_SUSPECTED', `Through the proxy ${proxy.url}, the chain of ${t.host} is anchored in "${commonNameOf(proxiedCa)}", which only the ${store === 'os' ? 'OS store' : 'extra CA files'} trust, not Node's bundled roots; ${directNote}, so it could not be compared.`, t.host),
      );
    }
  }

  private tlsOptions(target: TargetInfo): Parameters<typeof tlsHandshake>[1] {
    const alpn = target.scheme === 'https' ? ['h2', 'http/1.1'] : target.application === 'http' ? ['http/1.1'] : [];
    return {
      servername: target.ipFamily === null ? target.host : null,
      alpn,
      trust: this.options.trust,
      signal: this.options.signal,
      timeoutMs: this.options.timeouts.tlsMs,
      now: this.now,
      expiryWarningDays: this.options.certExpiryWarningDays,
      host: target.host,
      ...(this.options.clientCertificate ? { clientCertificate: this.options.clientCertificate } : {}),
    };
  }

  /** The request of the first hop: the caller's, or GET. */
  private request(): OutgoingRequest {
    const r = this.options.request;
    return { method: r?.method.toUpperCase() ?? 'GET', headers: { ...(r?.headers ?? {}) }, ...(r?.body !== undefined ? { body: r.body } : {}) };
  }

  /** One HTTP exchange on a socket; `before` carries the DNS, connect and TLS times of its hop. */
  private async exchange(
    socket: Socket,
    url: string,
    alpn: string | null,
    before: { dnsMs: number; connectMs: number; tlsMs: number },
    auth: ParsedTarget['auth'],
    request: OutgoingRequest,
    forward: ParsedProxy | null,
  ): Promise<{ exchange: HttpExchange; reusable: boolean }> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: '*/*' };
    if (auth) headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    if (forward?.authorization) headers['proxy-authorization'] = forward.authorization;
    const start = this.now();
    const requestUrl = url.replace(/\/\/[^/@]*@/, '//');
    const { exchange, findings, reusable } = await httpExchange(socket, {
      url: requestUrl,
      method: request.method,
      headers,
      alpn,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(forward ? { absoluteForm: true } : {}),
      maxBodyBytes: this.options.maxBodyBytes,
      timeoutMs: this.options.timeouts.httpMs,
      signal: this.options.signal,
      now: this.now,
    });
    const proxyAuth = forward !== null && exchange.status === 407;
    this.state.findings.push(...findings.filter((f) => !(proxyAuth && f.code === 'HTTP_CLIENT_ERROR')).map((f) => (f.subject === undefined ? { ...f, subject: url } : f)));
    if (proxyAuth) {
      const offered = exchange.headers['proxy-authenticate'];
      const offers = (Array.isArray(offered) ? offered : offered === undefined ? [] : [offered]).map((v) => v.split(/\s+/)[0] ?? v);
      const message = `The proxy ${forward.url} answered 407 ${exchange.statusText}: ${forward.authorization ? 'the credentials in the proxy URL were refused' : 'it needs credentials and the proxy URL has none'}${offers.length ? ` (it offers ${offers.join(', ')})` : ''}`;
      this.state.findings.push(finding('PROXY_AUTH_REQUIRED', message, forward.url));
      if (this.state.proxy && this.state.proxy.url === forward.url && !this.state.proxy.error) {
        this.state.proxy.error = { code: 'PROXY_AUTH_REQUIRED', message };
        if (offers.length) this.state.proxy.authenticate = offers;
      }
    }
    const altSvc = altSvcProtocols(exchange.headers);
    const h3 = altSvc.filter((p) => p === 'h3' || p.startsWith('h3-'));
    if (h3.length > 0 && !this.state.findings.some((f) => f.code === 'HTTP3_ADVERTISED')) {
      this.state.findings.push(finding('HTTP3_ADVERTISED', `${url} advertises HTTP/3 (${h3.join(', ')}) in Alt-Svc; this diagnosis used ${exchange.httpVersion ? `HTTP/${exchange.httpVersion}` : 'TCP'}.`, url));
    }
    const { ttfbMs, downloadMs, totalMs: exchangeMs, ...rest } = exchange;
    this.step('ttfb', `Wait ${url}`, start, ttfbMs, true);
    this.step('download', `Download ${url}`, start + ttfbMs, downloadMs, true);
    this.log(`http: ${exchange.method} ${redactUrl(url)}${forward ? ` via ${forward.url}` : ''} → ${exchange.status ?? exchange.error?.code} in ${exchange.totalMs} ms`);
    const totalMs = ms(before.dnsMs + before.connectMs + before.tlsMs + exchangeMs);
    const result: HttpExchange = { ...rest, url, timings: { ...before, ttfbMs, downloadMs, totalMs }, requestHeaders: redactHeaders(headers, this.options.revealSecrets === true) };
    if (request.body !== undefined) result.requestBodyBytes = Buffer.byteLength(request.body);
    if (forward || this.hopViaProxy) result.viaProxy = true;
    if (altSvc.length > 0) result.altSvc = altSvc;
    return { exchange: result, reusable };
  }

  /** Set while a redirect hop goes through a CONNECT tunnel, for `viaProxy`. */
  private hopViaProxy = false;
  /** Open keep-alive connections by origin, for redirects to the same origin. */
  private readonly idle = new Map<string, { socket: Socket; alpn: string | null; forward: ParsedProxy | null }>();

  /** Follows redirects, each hop with its own lookup, connect and handshake; loops are detected. */
  private async followRedirects(first: HttpExchange): Promise<void> {
    const requests = this.state.http!.requests;
    const seen = new Set<string>([first.url]);
    let current = first;
    let request = this.request();
    while (this.options.followRedirects && !this.cancelled()) {
      const location = current.headers['location'];
      const next = current.status === null ? null : redirectTarget(current.url, current.status, typeof location === 'string' ? location : undefined);
      if (next === null) return;
      if (current.url.startsWith('https:') && next.startsWith('http:')) {
        this.state.findings.push(finding('HTTP_INSECURE_REDIRECT', `${current.url} redirects to ${next}, leaving TLS.`, next));
      }
      if (seen.has(next)) {
        this.state.findings.push(finding('HTTP_REDIRECT_LOOP', `${current.url} redirects to ${next}, which was already visited (after ${requests.length} request(s)).`, next));
        return;
      }
      if (requests.length > this.options.maxRedirects) {
        this.state.findings.push(finding('HTTP_TOO_MANY_REDIRECTS', `Stopped after ${this.options.maxRedirects} redirects; the next one goes to ${next}.`, next));
        return;
      }
      seen.add(next);
      request = redirectedRequest(request, current.status ?? 0, new URL(current.url).origin === new URL(next).origin);
      const hop = await this.redirectHop(next, request);
      if (hop === null) return;
      requests.push(hop);
      this.emit();
      current = hop;
    }
  }

  /** One redirect hop: the same origin's open connection, or lookup, connect (or proxy), TLS; then the request. */
  private async redirectHop(url: string, request: OutgoingRequest): Promise<HttpExchange | null> {
    let parsed: ParsedTarget;
    try {
      parsed = parseTarget(url);
    } catch (err) {
      const message = err instanceof TargetError ? err.message : String(err);
      this.state.findings.push(finding('HTTP_BAD_RESPONSE', `The redirect to ${url} cannot be followed: ${message}`, url));
      return null;
    }
    const t = parsed.target;
    const failed = (code: string, message: string, timings: Partial<HttpExchange['timings']>): HttpExchange => ({
      url: t.url,
      method: request.method,
      status: null,
      statusText: '',
      httpVersion: null,
      headers: {},
      bodyBytes: 0,
      bodyTruncated: false,
      remoteAddress: null,
      reusedConnection: false,
      timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0, downloadMs: 0, totalMs: 0, ...timings },
      error: { code, message },
    });

    // RFC 9112 §9.3: a persistent connection carries the next request to the same origin.
    const key = originKey(t.url);
    const open = this.idle.get(key);
    this.idle.delete(key);
    if (open && !open.socket.destroyed) {
      this.hopViaProxy = open.forward !== null || this.state.proxy?.mode === 'tunnel';
      const out = await this.exchange(open.socket, t.url, open.alpn, { dnsMs: 0, connectMs: 0, tlsMs: 0 }, parsed.auth, request, open.forward);
      this.hopViaProxy = false;
      if (out.reusable) this.idle.set(key, open);
      else open.socket.destroy();
      return { ...out.exchange, reusedConnection: true };
    }
    open?.socket.destroy();

    const choice = this.proxyFor(t);
    this.state.findings.push(...choice.findings.map((f) => ({ ...f, subject: `${t.url} (${f.subject ?? ''})` })));
    const proxy = choice.proxy;
    const connectHost = proxy ? proxy.host : t.host;
    let addresses: DnsAddress[];
    let dnsMs = 0;
    if (proxy) {
      const r = await this.resolveProxy(proxy, true);
      dnsMs = r.dnsMs;
      if ('error' in r) {
        this.state.findings.push(finding('PROXY_UNREACHABLE', `The proxy ${proxy.url} for the redirect to ${t.url} cannot be reached: ${r.error.message}.`, proxy.url));
        return failed(r.error.code, `the proxy ${proxy.url} does not resolve`, { dnsMs, totalMs: dnsMs });
      }
      addresses = r.addresses;
    } else if (t.ipFamily !== null) addresses = [{ address: t.host, family: t.ipFamily }];
    else if (this.options.pinned[t.host]?.length) addresses = [...this.options.pinned[t.host]!];
    else {
      const start = this.now();
      const lookup = await systemLookup(t.host, this.options.lookup ?? osLookup, { signal: this.options.signal, timeoutMs: this.options.timeouts.dnsMs, now: this.now });
      dnsMs = lookup.durationMs;
      this.step('dns', `DNS (system) ${t.host}`, start, dnsMs, true);
      if (lookup.error || lookup.addresses.length === 0) {
        this.state.findings.push(finding('DNS_LOOKUP_FAILED', `The redirect target ${t.host} does not resolve: ${lookup.error?.message ?? 'no address'}.`, t.host));
        return failed(lookup.error?.code ?? 'ENOTFOUND', `${t.host} does not resolve`, { dnsMs, totalMs: dnsMs });
      }
      addresses = lookup.addresses;
    }

    const port = proxy ? proxy.port : t.port;
    const start = this.now();
    const run = startConnects(addresses, port, { signal: this.options.signal, timeoutMs: this.options.timeouts.connectMs, now: this.now, concurrency: this.options.connectConcurrency });
    const primary = await run.primary;
    let connectMs = primary ? primary.result.durationMs : ms(this.now() - start);
    this.step('connect', `TCP ${primary?.result.address ?? connectHost}${proxy ? ' (proxy)' : ''} (redirect)`, start, connectMs, true);
    this.beside.push(
      run.done.then((results) => {
        this.state.findings.push(...transportFindings(connectHost, results).map((f) => ({ ...f, subject: `${t.url} (${f.subject ?? connectHost})` })));
      }),
    );
    if (!primary) return failed('ECONNREFUSED', `No address of ${proxy ? `the proxy ${proxy.url}` : t.host} accepted a connection`, { dnsMs, connectMs, totalMs: ms(dnsMs + connectMs) });
    const socket = primary.socket;

    let keep = false;
    try {
      const tunnelled = proxy !== null && (t.tls || t.application !== 'http');
      if (tunnelled) {
        const ok = await this.tunnel(socket, t, proxy, null);
        const sent = this.waterfall[this.waterfall.length - 1];
        connectMs = ms(connectMs + (sent?.durationMs ?? 0));
        if (!ok) return failed('PROXY_CONNECT_FAILED', `the proxy ${proxy.url} did not open a tunnel to ${t.host}:${t.port}`, { dnsMs, connectMs, totalMs: ms(dnsMs + connectMs) });
      }
      let tlsMs = 0;
      let alpn: string | null = null;
      let talkSocket: Socket = socket;
      if (t.tls) {
        const start = this.now();
        const hs = await tlsHandshake(socket, this.tlsOptions(t));
        tlsMs = hs.result.durationMs;
        this.step('tls', `TLS ${t.host} (redirect)`, start, tlsMs, true);
        this.state.findings.push(...hs.findings.map((f) => ({ ...f, subject: f.subject ?? t.url })));
        if (!hs.socket) return failed(hs.result.error?.code ?? 'TLS_HANDSHAKE_FAILED', hs.result.error?.message ?? 'TLS handshake failed', { dnsMs, connectMs, tlsMs, totalMs: ms(dnsMs + connectMs + tlsMs) });
        talkSocket = hs.socket;
        alpn = hs.result.alpn;
      }
      const forward = proxy !== null && !tunnelled ? proxy : null;
      this.hopViaProxy = tunnelled;
      const out = await this.exchange(talkSocket, t.url, alpn, { dnsMs, connectMs, tlsMs }, parsed.auth, request, forward);
      this.hopViaProxy = false;
      if (out.reusable) {
        keep = true;
        this.idle.set(key, { socket: talkSocket, alpn, forward });
      }
      return out.exchange;
    } finally {
      if (!keep) socket.destroy();
    }
  }

  // ── Report ─────────────────────────────────────────────────────────────────────────────

  private emit(): void {
    if (this.options.onUpdate) this.options.onUpdate(this.report(false));
  }

  private report(complete: boolean): Report {
    const layers = buildLayers(this.state);
    const findings: Finding[] = [...this.state.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    // A plain-JSON deep copy: a streamed partial report must not change after it was sent.
    return structuredClone({
      schemaVersion: 1,
      tool: { name: 'netdiag', version: VERSION },
      startedAt: this.startedAt,
      complete,
      cancelled: this.state.cancelled,
      target: this.target,
      dns: this.state.dns,
      connections: this.state.connections,
      link: this.state.link,
      internet: this.internet,
      tls: this.state.tls,
      http: this.state.http,
      layers,
      hops: buildHops(this.state, layers),
      waterfall: [...this.waterfall].sort((a, b) => a.startMs - b.startMs),
      findings,
      durationMs: ms(this.now() - this.t0),
      setupMs: this.setupMs,
      ...this.extras(),
    } satisfies Report);
  }

  /** The optional parts of the Report: proxy, intermediaries, the shaped request. */
  private extras(): Pick<Report, 'proxy' | 'intermediaries' | 'request'> {
    const out: Pick<Report, 'proxy' | 'intermediaries' | 'request'> = {};
    if (this.state.proxy) out.proxy = this.state.proxy;
    const last = this.state.http?.requests[this.state.http.requests.length - 1];
    if (last) {
      const found = readIntermediaries(last.headers);
      if (found.length > 0) out.intermediaries = found;
    }
    const r = this.options.request;
    if (r) out.request = { method: r.method.toUpperCase(), headers: redactHeaders(r.headers, this.options.revealSecrets === true), bodyBytes: r.body === undefined ? 0 : Buffer.byteLength(r.body) };
    return out;
  }
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

interface OutgoingRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** `scheme://host:port` of a URL: what a kept-alive connection may be reused for. */
function originKey(url: string): string {
  const u = new URL(url.replace(/%[^\]]*\]/, ']'));
  return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80')}`;
}

/**
 * The request after a redirect, as browsers and curl -L do it: 303 turns any method but HEAD
 * into GET without a body, and so do 301/302 for POST (RFC 9110 §15.4.2–4); 307/308 repeat the
 * request. Authorization and Cookie headers the user set are not sent to another origin.
 */
function redirectedRequest(previous: OutgoingRequest, status: number, sameOrigin: boolean): OutgoingRequest {
  const toGet = (status === 303 && previous.method !== 'HEAD') || ((status === 301 || status === 302) && previous.method === 'POST');
  const headers = Object.fromEntries(Object.entries(previous.headers).filter(([n]) => sameOrigin || !isSecretHeader(n)));
  if (toGet) {
    for (const n of Object.keys(headers)) if (n.toLowerCase() === 'content-type' || n.toLowerCase() === 'content-length') delete headers[n];
    return { method: 'GET', headers };
  }
  return { ...previous, headers };
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function commonNameOf(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? /(?:^|,\s*)O=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
}
