// The orchestrator of a diagnosis: what runs beside what, the partial reports streamed as the
// steps end, cancellation, and the final report. The critical path is one hop (hop/pipeline.ts:
// one DNS answer, one TCP connect, one TLS handshake and one HTTP exchange on that same socket),
// then each redirect as a hop of its own (redirects.ts). Beside it, never in front of it: the
// wire-level DNS queries, the connects to the other addresses, and through a proxy the direct
// TLS comparison (interception.ts). What runs beside takes the thread only when no timed window
// of the critical path is open (quiet.ts): the wire queries are sent first and their answers
// read at the socket, but recorded later; partial reports are built and sent the same way.
import { performance } from 'node:perf_hooks';
import { ms } from './abort';
import { addressFindings, classifyAddress } from './address';
import { withDnsHops } from './dns/hops';
import type { DnsProbe } from './dns/hops';
import { cnameChain, dnsFindings } from './dns/probe';
import { formatDnsServer } from './dns/servers';
import { wireQuery } from './dns/wire';
import { finding } from './findings';
import { KeepAlive } from './hop/keepAlive';
import { hopContext, type HopContext, type HopEvent, type HopPart } from './hop/model';
import { runHop } from './hop/pipeline';
import { firstRequest, requestInfo } from './httpRequest';
import { checkInterception } from './interception';
import { readIntermediaries } from './intermediaries';
import { findInterface } from './link';
import type { Finding } from './model/common';
import type { LinkInfo, ProxyInfo, Report, TargetInfo, WaterfallEntry } from './model/report';
import type { DiagnoseOptions } from './options';
import { prepareRun } from './prepare';
import { chooseProxy, routeOf, type ProxyChoice } from './proxy';
import { pendingTasksFirst, Quiet } from './quiet';
import { followRedirects, type ChainStep } from './redirects';
import { buildHops, buildLayers, type ProbeState } from './summary';
import type { ParsedTarget } from './target';
import { diagnosisVerdict } from './verdict';
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
  private readonly ctx: HopContext;
  private readonly quiet: Quiet;
  private readonly choice: ProxyChoice;
  /** The first hop's part, from its first step on. */
  private first: HopPart | null = null;
  /** Every request of the chain, the first included. */
  private readonly chain: ChainStep[] = [];
  private dns: DnsProbe | null = null;
  private link: LinkInfo | null = null;
  private readonly internet: Report['internet'] = { local: null, remote: [] };
  /** Steps of the run itself (wire DNS); each hop keeps its own. */
  private readonly steps: WaterfallEntry[] = [];
  /** Findings of the run itself: the proxy choice and the addresses, then what ran beside. */
  private readonly opening: Finding[] = [];
  private readonly beside: Finding[] = [];
  /** Made once everything has ended: DNS (it needs every answer) and cancellation. */
  private readonly closing: Finding[] = [];
  private readonly work: Promise<void>[] = [];
  private httpDone = false;
  private finished = false;
  private cancelled = false;
  /** A partial report waits for the quiet (emit). */
  private updateQueued = false;

  constructor(
    private readonly parsed: ParsedTarget,
    private readonly options: DiagnoseOptions,
    private readonly setupMs: number,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.t0 = this.now();
    this.target = parsed.target;
    this.quiet = new Quiet(this.now);
    this.ctx = hopContext(options, this.now, this.t0, this.quiet);
    this.choice = chooseProxy(this.target, options.proxy);
  }

  async run(): Promise<Report> {
    this.emit();
    if (this.options.proxy) {
      this.opening.push(...this.choice.findings);
      this.options.log?.(`proxy: ${this.choice.info.reason}`);
    }
    const route = routeOf(this.choice);
    if (route.kind === 'direct' && this.target.ipFamily === null) {
      this.dns = { system: { addresses: [], durationMs: 0 }, wire: [], cnameChain: [] };
      // The wire queries go out first, so that sending them (Node's socket set-up takes a few
      // turns of the event loop) is over before the critical path's first timed window opens.
      if (!isLocalhostName(this.target.host)) await this.startWireQueries(this.target.host, this.dns);
    }
    // Without it, a collection V8 made due ran inside the connect's reading (0.3–1.5 ms).
    await pendingTasksFirst();
    const pool = new KeepAlive();
    try {
      const request = firstRequest(this.options.request);
      const hop = await runHop({ target: this.target, auth: this.parsed.auth, route, request }, this.ctx, (event, part) => this.onFirstHop(event, part));
      this.work.push(hop.beside);
      const exchange = hop.part.exchange;
      if (exchange) {
        if (hop.connection) pool.keep(hop.connection);
        await followRedirects({ part: hop.part, exchange }, request, {
          ctx: this.ctx,
          options: this.options,
          pool,
          add: (step) => {
            this.chain.push(step);
            this.emit();
          },
          beside: (work) => this.work.push(work),
        });
        this.httpDone = true;
        this.emit();
      }
    } finally {
      pool.closeAll();
    }
    await Promise.all(this.work);
    this.finish();
    const report = this.report(true);
    this.options.onUpdate?.(report);
    return report;
  }

  /**
   * The first hop streams: each of its steps lands in the report as it ends. What only the report
   * needs (the address classes, the interface that owns the local address) waits for the quiet,
   * so the next step of the critical path starts at once.
   */
  private onFirstHop(event: HopEvent, part: HopPart): void {
    this.first = part;
    switch (event) {
      case 'resolved':
        this.work.push(this.quiet.after(() => this.resolved(part), 'small'));
        break;
      case 'connected': {
        const local = part.used?.localAddress;
        this.work.push(
          this.quiet.after(() => {
            this.link = findInterface(local ?? '');
            this.internet.local = local ? classifyAddress(local) : null;
          }, 'small'),
        );
        break;
      }
      case 'tls':
        if (part.route.kind !== 'direct' && part.tls && part.tls.chain.length > 0) {
          this.work.push(checkInterception(this.target, part.tls, part.route.proxy, this.ctx).then((found) => void this.beside.push(...found)));
        }
        break;
      case 'exchange':
        if (part.exchange) this.chain.push({ part, exchange: part.exchange });
        break;
      case 'connect':
      case 'connects-done':
      case 'tunnel':
        break;
    }
    this.emit();
  }

  /** The target's addresses (or the proxy's) are known: the DNS section and the internet layer. */
  private resolved(part: HopPart): void {
    const r = part.resolution;
    if (!r) return;
    const remote = r.addresses.map((a) => classifyAddress(a.address));
    this.internet.remote = remote;
    if (part.route.kind !== 'direct') return;
    if (this.dns && r.source === 'pinned') {
      this.dns.pinned = [...r.addresses];
      this.dns.system = { addresses: [], durationMs: 0, skipped: 'pinned' };
    } else if (this.dns && r.lookup) this.dns.system = r.lookup;
    this.opening.push(...addressFindings(this.target.ipFamily === null ? this.target.host : null, remote));
  }

  /** Sends the A and AAAA questions to each server; settles when all are on the wire (or ended). */
  private startWireQueries(host: string, dns: DnsProbe): Promise<void> {
    const sent: Promise<void>[] = [];
    for (const server of this.options.dnsServers) {
      for (const type of ['A', 'AAAA'] as const) {
        const start = this.now();
        let onSent!: () => void;
        const onWire = new Promise<void>((resolve) => (onSent = resolve));
        const query = wireQuery(server, host, type, { ...(this.options.signal ? { signal: this.options.signal } : {}), timeoutMs: this.options.timeouts.dnsMs, now: this.now, onSent, defer: (read) => this.quiet.later(read, 'small') });
        sent.push(Promise.race([onWire, query.then(() => undefined)]));
        this.work.push(
          query.then((q) =>
            this.quiet.after(() => {
              dns.wire.push(q);
              this.steps.push({ phase: 'wire-dns', label: `DNS ${type} @${formatDnsServer(server)}`, startMs: ms(start - this.t0), durationMs: q.durationMs, critical: false });
              this.options.log?.(`dns: ${type} ${host} @${q.server} over ${q.transport} → ${q.rcode ?? q.error?.code} (${q.answers.length} answers) in ${q.durationMs} ms`);
              dns.cnameChain = cnameChain(host, dns.wire);
              this.emit();
            }, 'small'),
          ),
        );
      }
    }
    return Promise.all(sent).then(() => undefined);
  }

  /** DNS findings need every answer (system and wire): made once, when all are in. */
  private finish(): void {
    if (this.dns) {
      // Ordinal, not localeCompare: the order must not depend on the user's locale, and the first
      // localeCompare of a process loads ICU's collator (5–40 ms here) inside the run's clock.
      this.dns.wire.sort((a, b) => ordinal(a.server, b.server) || ordinal(a.type, b.type));
      this.closing.push(...dnsFindings(this.target.host, this.dns));
    }
    this.finished = true;
    this.cancelled = this.options.signal?.aborted === true;
    if (this.cancelled) this.closing.push(finding('CANCELLED', 'Cancelled: the results shown are what had finished by then.'));
  }

  // ── the report ───────────────────────────────────────────────────────────────────────────

  /**
   * Sends a partial report once the critical path is quiet; several changes before then make one
   * report. None follows the final one.
   */
  private emit(): void {
    const onUpdate = this.options.onUpdate;
    if (!onUpdate || this.updateQueued) return;
    this.updateQueued = true;
    this.quiet.later(() => {
      this.updateQueued = false;
      if (!this.finished) onUpdate(this.report(false));
    });
  }

  private report(complete: boolean): Report {
    const state = this.state();
    const layers = buildLayers(state);
    const findings: Finding[] = [...state.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    const waterfall = [...this.steps, ...this.chain.flatMap((s) => s.part.waterfall)];
    if (this.first && this.chain[0]?.part !== this.first) waterfall.push(...this.first.waterfall);
    // A plain-JSON deep copy: a streamed partial report must not change after it was sent.
    return structuredClone({
      kind: 'diagnosis',
      schemaVersion: 1,
      tool: { name: 'netdiag', version: VERSION },
      startedAt: this.startedAt,
      complete,
      cancelled: this.cancelled,
      target: this.target,
      dns: this.dns && withDnsHops(this.dns),
      connections: state.connections,
      link: this.link,
      internet: this.internet,
      tls: state.tls,
      http: state.http,
      layers,
      hops: buildHops(state, layers),
      waterfall: waterfall.sort((a, b) => a.startMs - b.startMs),
      findings,
      verdict: diagnosisVerdict(layers, findings, complete, this.cancelled),
      durationMs: ms(this.now() - this.t0),
      setupMs: this.setupMs,
      ...this.extras(state.proxy),
    } satisfies Report);
  }

  /** What the layers and hops are derived from (summary.ts), as of now. */
  private state(): ProbeState {
    const first = this.first;
    const proxy = this.proxyInfo();
    return {
      target: this.target,
      dns: this.dns,
      addressesKnown: first?.resolution != null,
      connections: first?.connections ?? [],
      connectsDone: first?.connectsDone ?? false,
      link: this.link,
      tls: first?.tls ?? null,
      tlsDone: first?.tls != null,
      http: this.chain.length > 0 ? { requests: this.chain.map((s) => s.exchange) } : null,
      httpDone: this.httpDone,
      findings: this.findings(),
      finished: this.finished,
      cancelled: this.cancelled,
      ...(proxy ? { proxy } : {}),
    };
  }

  /** In the order they were made; HTTP/3 is said once, for the first answer that advertises it. */
  private findings(): Finding[] {
    const hops = this.chain.length > 0 ? this.chain.map((s) => s.part) : this.first ? [this.first] : [];
    const all = [...this.opening, ...hops.flatMap((p) => p.findings), ...this.beside, ...this.closing];
    const h3 = all.find((f) => f.code === 'HTTP3_ADVERTISED');
    return all.filter((f) => f.code !== 'HTTP3_ADVERTISED' || f === h3);
  }

  /**
   * The proxy decision and what the first hop measured of it. A proxy asking a later hop for
   * credentials (407) is the proxy's failure too, when nothing failed before.
   */
  private proxyInfo(): ProxyInfo | null {
    if (!this.options.proxy) return null;
    const info: ProxyInfo = { ...this.choice.info };
    if (this.first?.proxy) Object.assign(info, this.first.proxy);
    for (const { part } of this.chain.slice(1)) {
      const auth = part.proxy?.error;
      if (info.error || auth?.code !== 'PROXY_AUTH_REQUIRED' || part.route.kind === 'direct' || part.route.proxy.url !== info.url) continue;
      info.error = auth;
      if (part.proxy?.authenticate) info.authenticate = part.proxy.authenticate;
    }
    return info;
  }

  /** The optional parts of the Report: proxy, intermediaries, the shaped request. */
  private extras(proxy: ProxyInfo | undefined): Pick<Report, 'proxy' | 'intermediaries' | 'request'> {
    const out: Pick<Report, 'proxy' | 'intermediaries' | 'request'> = {};
    if (proxy) out.proxy = proxy;
    const last = this.chain[this.chain.length - 1];
    if (last) {
      const found = readIntermediaries(last.exchange.headers);
      if (found.length > 0) out.intermediaries = found;
    }
    if (this.options.request) out.request = requestInfo(this.options.request, this.options.revealSecrets === true);
    return out;
  }
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
