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
import { findInterface } from './link';
import type { DiagnoseOptions } from './options';
import type { ConnectionResult, DnsAddress, DnsResult, Finding, HttpExchange, Report, TargetInfo, WaterfallEntry } from './report';
import { buildHops, buildLayers, type ProbeState } from './summary';
import { parseTarget, TargetError, type ParsedTarget } from './target';
import { tlsHandshake } from './tls/handshake';
import { startConnects, transportFindings } from './transport';
import { VERSION } from './version';

export async function diagnose(parsed: ParsedTarget, options: DiagnoseOptions): Promise<Report> {
  return new Run(parsed, options).run();
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
  ) {
    this.now = options.now ?? (() => performance.now());
    this.t0 = this.now();
    this.target = parsed.target;
    this.state = {
      target: this.target,
      dns: null,
      addressesKnown: false,
      connections: [],
      connectsDone: false,
      link: null,
      tls: null,
      tlsDone: false,
      http: null,
      httpDone: false,
      findings: [],
      finished: false,
      cancelled: false,
    };
  }

  async run(): Promise<Report> {
    this.emit();
    const addresses = await this.resolve();
    if (addresses.length > 0 && !this.cancelled()) await this.connectAndTalk(addresses);
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
    this.state.dns.wire.sort((a, b) => a.server.localeCompare(b.server) || a.type.localeCompare(b.type));
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

  /**
   * Connects to every address at once (bounded). The first address in the OS order that
   * accepts carries TLS and HTTP as soon as it and every address before it have answered;
   * the other connects finish beside it.
   */
  private async connectAndTalk(addresses: DnsAddress[]): Promise<void> {
    const { port, zoneId } = this.target;
    const run = startConnects(addresses, port, {
      signal: this.options.signal,
      timeoutMs: this.options.timeouts.connectMs,
      now: this.now,
      concurrency: this.options.connectConcurrency,
      ...(zoneId ? { zoneId } : {}),
      onResult: (r) => {
        this.step('connect', `TCP ${r.address}`, this.now() - r.durationMs, r.durationMs, false);
        this.log(`tcp: ${r.address}:${port} → ${r.ok ? `connected from ${r.localAddress}:${r.localPort}` : r.error?.code} in ${r.durationMs} ms`);
        this.state.connections.push(r);
        this.emit();
      },
    });
    this.beside.push(
      run.done.then((results) => {
        // The same objects as streamed, now in the OS order; `used` is already set on one.
        this.state.connections = results;
        this.state.connectsDone = true;
        this.state.findings.push(...transportFindings(this.target.host, results));
        this.emit();
      }),
    );

    const primary = await run.primary;
    if (!primary) return;
    const used = primary.result;
    used.used = true;
    this.markCritical('connect', `TCP ${used.address}`);
    this.state.link = findInterface(used.localAddress ?? '');
    this.internet.local = used.localAddress ? classifyAddress(used.localAddress) : null;
    this.emit();
    try {
      await this.talk(primary.socket, used);
    } finally {
      primary.socket.destroy();
    }
  }

  private markCritical(phase: WaterfallEntry['phase'], label: string): void {
    const entry = this.waterfall.find((w) => w.phase === phase && w.label === label);
    if (entry) entry.critical = true;
  }

  /** TLS (when the scheme has it) then HTTP (when it speaks HTTP) on the connected socket. */
  private async talk(tcp: Socket, used: ConnectionResult): Promise<void> {
    let socket: Socket = tcp;
    let tlsMs = 0;
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
      if (!hs.socket || this.cancelled()) return;
      socket = hs.socket;
    }
    if (this.target.application !== 'http') return;
    const dnsMs = this.state.dns?.system.durationMs ?? 0;
    const first = await this.exchange(socket, this.target.url, this.state.tls?.alpn ?? null, { dnsMs, connectMs: used.durationMs, tlsMs }, this.parsed.auth);
    this.state.http = { requests: [first] };
    this.emit();
    await this.followRedirects(first);
    this.state.httpDone = true;
    this.emit();
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
    };
  }

  /** One HTTP exchange on a socket; `before` carries the DNS, connect and TLS times of its hop. */
  private async exchange(socket: Socket, url: string, alpn: string | null, before: { dnsMs: number; connectMs: number; tlsMs: number }, auth?: ParsedTarget['auth']): Promise<HttpExchange> {
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: '*/*' };
    if (auth) headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    const start = this.now();
    const requestUrl = url.replace(/\/\/[^/@]*@/, '//');
    const { exchange, findings } = await httpExchange(socket, {
      url: requestUrl,
      method: 'GET',
      headers,
      alpn,
      maxBodyBytes: this.options.maxBodyBytes,
      timeoutMs: this.options.timeouts.httpMs,
      signal: this.options.signal,
      now: this.now,
    });
    this.state.findings.push(...findings.map((f) => (f.subject === undefined ? { ...f, subject: url } : f)));
    const { ttfbMs, downloadMs, totalMs: exchangeMs, ...rest } = exchange;
    this.step('ttfb', `Wait ${url}`, start, ttfbMs, true);
    this.step('download', `Download ${url}`, start + ttfbMs, downloadMs, true);
    this.log(`http: ${exchange.method} ${url} → ${exchange.status ?? exchange.error?.code} in ${exchange.totalMs} ms`);
    const totalMs = ms(before.dnsMs + before.connectMs + before.tlsMs + exchangeMs);
    return { ...rest, url, timings: { ...before, ttfbMs, downloadMs, totalMs } };
  }

  /** Follows redirects, each hop with its own lookup, connect and handshake; loops are detected. */
  private async followRedirects(first: HttpExchange): Promise<void> {
    const requests = this.state.http!.requests;
    const seen = new Set<string>([first.url]);
    let current = first;
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
      const hop = await this.redirectHop(next);
      if (hop === null) return;
      requests.push(hop);
      this.emit();
      current = hop;
    }
  }

  /** One redirect hop: lookup, connect to the first address that accepts, TLS, request. */
  private async redirectHop(url: string): Promise<HttpExchange | null> {
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
      method: 'GET',
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

    let addresses: DnsAddress[];
    let dnsMs = 0;
    if (t.ipFamily !== null) addresses = [{ address: t.host, family: t.ipFamily }];
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

    const start = this.now();
    const run = startConnects(addresses, t.port, { signal: this.options.signal, timeoutMs: this.options.timeouts.connectMs, now: this.now, concurrency: this.options.connectConcurrency });
    const primary = await run.primary;
    const connectMs = primary ? primary.result.durationMs : ms(this.now() - start);
    this.step('connect', `TCP ${primary?.result.address ?? t.host} (redirect)`, start, connectMs, true);
    this.beside.push(
      run.done.then((results) => {
        this.state.findings.push(...transportFindings(t.host, results).map((f) => ({ ...f, subject: `${t.url} (${f.subject ?? t.host})` })));
      }),
    );
    if (!primary) return failed('ECONNREFUSED', `No address of ${t.host} accepted a connection`, { dnsMs, connectMs, totalMs: ms(dnsMs + connectMs) });
    const socket = primary.socket;

    try {
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
      return await this.exchange(talkSocket, t.url, alpn, { dnsMs, connectMs, tlsMs }, parsed.auth);
    } finally {
      socket.destroy();
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
    } satisfies Report);
  }
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;
