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
import { cnameChain, dnsFindings, dnsOnlyAddresses, dnsOnlyFindings } from './dns/probe';
import { formatDnsServer } from './dns/servers';
import { hostsSource } from './dns/systemResolver';
import { wireQuery } from './dns/wire';
import { finding } from './findings';
import { KeepAlive } from './hop/keepAlive';
import { hopContext, type HopContext, type HopEvent, type HopPart } from './hop/model';
import { runHop } from './hop/pipeline';
import { firstRequest, requestInfo } from './httpRequest';
import { checkInterception } from './interception';
import { readIntermediaries } from './intermediaries';
import { redactSecrets, redactText } from './redact';
import { findInterface } from './link';
import type { Finding } from './model/common';
import type { ConnectionResult, LinkInfo, ProxyInfo, Report, TargetInfo, WaterfallEntry } from './model/report';
import type { StackReport } from './model/stack';
import { DEFAULTS, type DiagnoseOptions } from './options';
import { prepareRun } from './prepare';
import { chooseProxy, proxyOf, routeOf, type ProxyChoice } from './proxy';
import { pendingTasksFirst, Quiet } from './quiet';
import { followRedirects, type ChainStep } from './redirects';
import { afterCriticalMs, BesideWork, finalBound, runBudgetMs, settleWithin } from './runBounds';
import { dnsExchange } from './stack/dnsExchange';
import { exchangeStalled, stackFindings } from './stack/judge';
import { stackRows } from './stack/picture';
import type { StandbyFacts } from './stack/facts';
import { readStackFacts, type StackFacts } from './stack/read';
import { endpoint } from './stack/words';
import { buildHops, buildLayers, type ProbeState } from './summary';
import type { ParsedTarget } from './target';
import { connectTcp } from './transport';
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
  /** What runs beside the critical path, and what of it is still running. */
  private readonly work = new BesideWork();
  /** Wire queries still out: the DNS findings need every answer. */
  private wirePending = 0;
  /** Connects to addresses only DNS gives (probeDnsOnly), every such address met, and those still out. */
  private readonly dnsOnly: ConnectionResult[] = [];
  private readonly dnsOnlyTried = new Set<string>();
  private dnsOnlyPending = 0;
  /**
   * Every probe's signal: aborted by the caller's (cancellation) or by the final bound. After the
   * report, the caller's signal still stops the late probes.
   */
  private readonly controller = new AbortController();
  private readonly onCancel = (): void => this.controller.abort();
  private readonly log: ((message: string) => void) | undefined;
  /** What the OS said of the connections, once read after the exchange. */
  private facts: StackFacts | null = null;
  /** The OS's tools the facts will ask, started ahead in quiet moments (standbyFacts). */
  private standby: StandbyFacts | null = null;
  private systemFacts: StackReport['systemFacts'];
  /** How long reading the OS's facts took, after the exchange: local, like set-up, not in `durationMs`. */
  private factsMs: number | undefined;
  /**
   * The network's end: the critical path's, each timed step beside it (the waterfall: wire
   * queries, other addresses) and the checks that are no step (DNS-only connects, the
   * interception check). `durationMs` ends there: not when the quiet let their bookkeeping run,
   * nor when the OS's facts were read.
   */
  private criticalEndAt: number | null = null;
  private besideEndAt = 0;
  private besideRunning = 0;
  private httpDone = false;
  private finished = false;
  private cancelled = false;
  /** The final bound ran out before the critical path ended (a step that never settled). */
  private overran = false;
  /** A partial report waits for the quiet (emit). */
  private updateQueued = false;
  /** The complete report named work still running: its results update it later. */
  private lateResults = false;

  constructor(
    private readonly parsed: ParsedTarget,
    private readonly options: DiagnoseOptions,
    private readonly setupMs: number,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.t0 = this.now();
    this.target = parsed.target;
    if (options.signal?.aborted) this.controller.abort();
    else options.signal?.addEventListener('abort', this.onCancel, { once: true });
    // Logs leave the engine (an output channel, stderr): secrets never reach them, revealed or not.
    const log = options.log;
    this.log = log ? (message: string) => log(redactText(message)) : undefined;
    this.quiet = new Quiet(this.now);
    this.ctx = hopContext({ ...options, signal: this.controller.signal, ...(this.log ? { log: this.log } : {}) }, this.now, this.t0, this.quiet);
    this.choice = chooseProxy(this.target, options.proxy);
    this.systemFacts = options.systemFacts ? 'pending' : 'not-asked';
  }

  /**
   * The critical path under the final bound; then beside work for at most afterCriticalMs; then
   * the report, complete. Work still running ends later and updates the report once more.
   */
  async run(): Promise<Report> {
    this.emit();
    const bound = finalBound(runBudgetMs(this.options), () => {
      this.overran = true;
      this.controller.abort();
    });
    try {
      await Promise.race([this.criticalPath(), bound.expired]);
      if (!this.overran) this.criticalEndAt = this.now();
      if (!this.overran) await Promise.race([settleWithin(this.work.settled(), afterCriticalMs(this.options)), bound.expired]);
    } finally {
      bound.dispose();
    }
    this.finished = true;
    this.cancelled = this.options.signal?.aborted === true;
    const report = this.report();
    this.lateResults = report.unfinished !== undefined;
    this.options.onUpdate?.(report);
    void this.work.settled().then(() => {
      // Until now the caller's signal still stops the late probes (the CLI's once it has printed).
      this.options.signal?.removeEventListener('abort', this.onCancel);
      if (report.unfinished) this.emit();
    });
    return report;
  }

  /** The first hop, then each redirect: one DNS answer, one connect, one handshake, one exchange per request. */
  private async criticalPath(): Promise<void> {
    if (this.options.proxy) {
      this.opening.push(...this.choice.findings);
      this.log?.(`proxy: ${this.choice.info.reason}`);
    }
    const route = routeOf(this.choice);
    if (route.kind === 'direct' && this.target.ipFamily === null) {
      this.dns = { system: { addresses: [], durationMs: 0 }, wire: [], cnameChain: [] };
    }
    // The wire queries wait for the quiet like the rest of the work beside: sending them is a
    // millisecond or two of socket set-up on the thread that times the critical path, which would
    // otherwise hold back its first step (curl sends nothing before its connect). They leave in
    // the first window old enough for them (the handshake, over a network), or once the critical
    // path's windows have all closed (on loopback, where each lasts about a millisecond).
    const wire = this.dns !== null && !isLocalhostName(this.target.host) ? this.dns : null;
    // Without it, a collection V8 made due ran inside the connect's reading (0.3–1.5 ms).
    await pendingTasksFirst();
    const pool = new KeepAlive();
    // Their answers, read and recorded: the OS's facts wait for them (readFacts).
    let wireRecorded: Promise<unknown> = Promise.resolve();
    // The diagnosed connection stays open until the OS's facts of it are read (after the exchange).
    let release = (): void => undefined;
    const holdOpen = new Promise<void>((resolve) => (release = resolve));
    try {
      const request = firstRequest(this.options.request, this.target);
      const first = runHop({ target: this.target, auth: this.parsed.auth, route, request, holdOpen }, this.ctx, (event, part) => this.onFirstHop(event, part));
      // Queued once the hop's first window is open, so they wait for the quiet behind it.
      if (wire) {
        const { host } = this.target;
        // Until the quiet sends them; then each query names itself (startWireQueries).
        let queued = true;
        wireRecorded = this.quiet.after(() => {
          queued = false;
          return this.startWireQueries(host, wire);
        }, 'reading');
        this.besideNetwork(wireRecorded, () => (queued ? [`DNS queries for ${host}, not yet sent`] : []));
      }
      const hop = await first;
      this.besideNetwork(hop.beside, () => stillConnecting(hop.part));
      this.work.add(hop.described, () => ['the certificate chain, being described']);
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
          beside: (work, part) => this.besideNetwork(work, () => stillConnecting(part)),
        });
        this.httpDone = true;
        this.emit();
      }
    } finally {
      // Every timed step has ended: now what the OS knows, then the connections may close. Not
      // before the wire queries have their answers: starting the OS's tools blocks the thread a
      // few milliseconds, which an answer arriving meanwhile would read as the server's time.
      const facts = wireRecorded.then(() => this.readFacts()).then(() => {
        release();
        pool.closeAll();
      });
      this.work.add(facts, () => (this.systemFacts === 'pending' ? ['the route, the interface and TCP_INFO'] : []));
    }
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
        this.work.add(this.quiet.after(() => this.resolved(part), 'small'), () => []);
        break;
      case 'connected': {
        const local = part.used?.localAddress;
        const classify = this.quiet.after(() => {
          this.link = findInterface(local ?? '');
          this.internet.local = local ? classifyAddress(local) : null;
        }, 'small');
        this.work.add(classify, () => []);
        this.standbyFacts();
        break;
      }
      case 'tls': {
        const proxy = proxyOf(part.route);
        if (proxy && part.tls && part.tls.chain.length > 0) {
          const check = checkInterception(this.target, part.tls, proxy, this.ctx).then((found) => {
            this.networkEnded();
            this.beside.push(...found);
            this.emit();
          });
          this.besideNetwork(check, () => [`TLS interception check (a direct connection to ${this.target.host}:${this.target.port})`]);
        }
        break;
      }
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
    } else if (this.dns && r.lookup) {
      const hostsFile = this.options.hostsFile;
      const entries = hostsFile && r.lookup.error === undefined ? hostsSource(r.lookup.addresses.map((a) => a.address), this.target.host, hostsFile) : null;
      this.dns.system = entries ? { ...r.lookup, hostsEntries: entries } : r.lookup;
    }
    this.opening.push(...addressFindings(this.target.ipFamily === null ? this.target.host : null, remote));
    this.probeDnsOnly();
  }

  /**
   * Connects to the addresses DNS gives that this machine's answer lacks (dns/probe.ts), each
   * once and at most MAX_DNS_ONLY of them, as soon as both answers are in: what other clients get.
   */
  private probeDnsOnly(): void {
    const dns = this.dns;
    if (!dns || this.first?.resolution == null || this.first.route.kind !== 'direct' || this.controller.signal.aborted) return;
    for (const a of dnsOnlyAddresses(dns)) {
      if (this.dnsOnlyTried.has(a.address)) continue;
      this.dnsOnlyTried.add(a.address);
      if (this.dnsOnlyTried.size > MAX_DNS_ONLY) continue;
      const port = this.target.port;
      this.dnsOnlyPending++;
      const connect = connectTcp(a.address, a.family, port, { signal: this.controller.signal, timeoutMs: this.options.timeouts.connectMs, now: this.now }).then(({ result, socket }) => {
        this.networkEnded();
        this.dnsOnlyPending--;
        socket?.destroy();
        this.log?.(`tcp: ${endpoint(a.address, port)} (DNS only) → ${result.ok ? 'connected' : result.error?.code} in ${result.durationMs} ms`);
        this.dnsOnly.push({ ...result, dnsOnly: true });
        this.emit();
      });
      this.besideNetwork(connect, () => [`TCP ${endpoint(a.address, port)} (DNS only)`]);
    }
  }

  /** Network work beside the critical path: while any runs, the run's clock (`durationMs`) runs. */
  private besideNetwork(work: Promise<unknown>, describe: () => string[]): void {
    this.besideRunning++;
    this.work.add(
      work.finally(() => this.besideRunning--),
      describe,
    );
  }

  /** A network check that is no waterfall step has its answer: the run's clock may end here. */
  private networkEnded(): void {
    this.besideEndAt = Math.max(this.besideEndAt, this.now());
  }

  /** Sends the A and AAAA questions to each server; settles when their answers (or ends) are in `dns`. */
  private startWireQueries(host: string, dns: DnsProbe): Promise<void> {
    const recorded: Promise<void>[] = [];
    for (const server of this.options.dnsServers) {
      for (const type of ['A', 'AAAA'] as const) {
        const start = this.now();
        const label = `DNS ${type} @${formatDnsServer(server)}`;
        this.wirePending++;
        // A timed window of its own, to the answer's arrival (or the query's end); opened before
        // its socket is set up, so the work queued behind it does not run between that and the send.
        const close = this.quiet.window();
        const defer = (read: () => void): void => {
          close();
          this.quiet.later(read, 'small');
        };
        const asked = wireQuery(server, host, type, { signal: this.controller.signal, timeoutMs: this.options.timeouts.dnsMs, now: this.now, defer });
        void asked.finally(() => close());
        const query = asked.then((q) =>
          this.quiet.after(() => {
            this.wirePending--;
            dns.wire.push(q);
            // Ordinal, not localeCompare: the order must not depend on the user's locale, and the first
            // localeCompare of a process loads ICU's collator (5–40 ms here) inside the run's clock.
            dns.wire.sort((a, b) => ordinal(a.server, b.server) || ordinal(a.type, b.type));
            this.steps.push({ phase: 'wire-dns', label, startMs: ms(start - this.t0), durationMs: q.durationMs, critical: false });
            this.log?.(`dns: ${type} ${host} @${q.server} over ${q.transport} → ${q.rcode ?? q.error?.code} (${q.answers.length} answers) in ${q.durationMs} ms`);
            dns.cnameChain = cnameChain(host, dns.wire);
            this.probeDnsOnly();
            this.emit();
          }, 'small'),
        );
        this.besideNetwork(query, () => [label]);
        recorded.push(query);
      }
    }
    return Promise.all(recorded).then(() => undefined);
  }

  /**
   * The OS's tools the facts will ask, where the OS lets them wait for their questions
   * (SystemFacts.standby): each started as a piece of work in the quiet, in a window old
   * enough for it (the handshake, over a network) or once the exchange has ended, rather than
   * all at once when the facts are read.
   */
  private standbyFacts(): void {
    const facts = this.options.systemFacts;
    if (!facts?.standby || this.standby !== null || this.controller.signal.aborted) return;
    this.standby = facts.standby({ signal: this.controller.signal, timeoutMs: DEFAULTS.systemFactsMs });
    for (const start of this.standby.starts) this.quiet.later(start, 'tool');
  }

  /**
   * The route, interface, next hop and TCP_INFO of the first hop's connections, and the system
   * resolver's files: read once the critical path has ended, never in front of it, within one
   * budget. Cancelled runs do not read them.
   */
  private async readFacts(): Promise<void> {
    const facts = this.options.systemFacts;
    if (!facts) return;
    if (this.controller.signal.aborted) {
      this.systemFacts = 'not-asked';
      return;
    }
    const start = this.now();
    const connections = this.first?.connections ?? [];
    const lookedUp = this.dns !== null && this.dns.pinned === undefined && this.first?.resolution?.source === 'system';
    const { standby } = this;
    try {
      const os = standby ? { ...facts, tables: standby.tables, tcp: standby.tcp } : facts;
      this.facts = await readStackFacts(os, { connections, ...(this.target.zoneId ? { zoneId: this.target.zoneId } : {}), resolver: lookedUp }, { signal: this.controller.signal, timeoutMs: DEFAULTS.systemFactsMs });
    } finally {
      standby?.release();
    }
    this.systemFacts = 'read';
    this.factsMs = ms(this.now() - start);
    this.options.log?.(`stack: ${Object.keys(this.facts.byAddress).length} route(s)${this.facts.tcp ? `, TCP_INFO rtt ${this.facts.tcp.rttMs} ms, ${this.facts.tcp.retransmits} retransmits` : ''}${this.facts.unavailable.map((u) => `; no ${u.fact}: ${u.reason}`).join('')}`);
    this.emit();
  }

  /**
   * Now while the network is still at work; once it has all ended, when the last of it did: the
   * last step's end, as curl's `time_total` ends with the transfer (the critical path itself ends
   * a little later, once its results are recorded).
   */
  private networkEnd(steps: readonly WaterfallEntry[]): number {
    if (this.criticalEndAt === null || this.besideRunning > 0) return this.now();
    if (steps.length === 0) return Math.max(this.criticalEndAt, this.besideEndAt);
    return Math.max(this.besideEndAt, ...steps.map((w) => this.t0 + w.startMs + w.durationMs));
  }

  /** The first hop's connections with what the OS said of each. */
  private connections(): ConnectionResult[] {
    const list = this.first?.connections ?? [];
    const facts = this.facts;
    if (!facts) return list;
    return list.map((c) => {
      const known = facts.byAddress[c.address];
      const merged: ConnectionResult = { ...c, ...(known?.route ? { route: known.route } : {}), ...(known?.link ? { link: known.link } : {}) };
      if (c.used && facts.tcp) merged.tcp = facts.tcp;
      return merged;
    });
  }

  /** The diagnosed connection's exchange stopped on a timeout (TLS or HTTP): with a smaller path MTU, a black hole. */
  private stalled(): boolean {
    const first = this.first;
    return first?.used != null && exchangeStalled(first.tls?.error?.code, first.exchange?.error?.code);
  }

  /**
   * Made once the critical path has ended: DNS (once every answer is in: a verdict on some of
   * them could be wrong), cancellation, and a run the final bound had to end.
   */
  private closing(): Finding[] {
    if (!this.finished) return [];
    const out: Finding[] = [];
    if (this.dns && this.wirePending === 0) {
      out.push(...dnsFindings(this.target.host, this.dns));
      if (this.dnsOnlyPending === 0) out.push(...dnsOnlyFindings(this.target.host, this.dns, this.dnsOnly, Math.max(0, this.dnsOnlyTried.size - MAX_DNS_ONLY)));
    }
    if (this.cancelled) out.push(finding('CANCELLED', 'Cancelled: the results shown are what had finished by then.'));
    if (this.overran) out.push(finding('DIAGNOSIS_INCOMPLETE', `The diagnosis did not end within ${Math.round(runBudgetMs(this.options) / 1000)} s, every step's timeout added up; the results shown are what had finished by then.`));
    return out;
  }

  // ── the report ───────────────────────────────────────────────────────────────────────────

  /**
   * A partial report while the critical path runs; once it has ended, the complete report again
   * with the late results. Built and sent once the critical path is quiet, several changes making
   * one report; none follows the complete report unless it named work still running.
   */
  private emit(): void {
    const onUpdate = this.options.onUpdate;
    if (!onUpdate || this.updateQueued) return;
    this.updateQueued = true;
    this.quiet.later(() => {
      this.updateQueued = false;
      if (!this.finished || this.lateResults) onUpdate(this.report());
    });
  }

  private report(): Report {
    const complete = this.finished;
    const unfinished = complete ? this.work.unfinished() : [];
    const state = this.state();
    const layers = buildLayers(state);
    const findings: Finding[] = [...state.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    const waterfall = [...this.steps, ...this.chain.flatMap((s) => s.part.waterfall)];
    if (this.first && this.chain[0]?.part !== this.first) waterfall.push(...this.first.waterfall);
    const extras = this.extras(state.proxy);
    const picture = { target: this.target, connections: state.connections, link: this.link, internet: this.internet, tls: state.tls, http: state.http, ...extras };
    const dnsLane = dnsExchange({
      target: this.target,
      dns: this.dns,
      ...(this.facts?.resolver ? { resolver: this.facts.resolver } : {}),
      findings,
      addressesKnown: state.addressesKnown,
      finished: this.finished,
      cancelled: this.cancelled,
    });
    const stack: StackReport = { dns: dnsLane, rows: stackRows(picture), systemFacts: this.systemFacts, unavailable: this.facts?.unavailable ?? [] };
    // A plain-JSON deep copy (a streamed partial report must not change after it was sent), with
    // every secret redacted unless the caller asked to reveal them (redact.ts).
    const report: Report = {
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
      durationMs: ms(this.networkEnd(waterfall) - this.t0),
      setupMs: this.setupMs,
      ...(this.factsMs !== undefined ? { factsMs: this.factsMs } : {}),
      ...extras,
      ...(this.first && this.first.notProbed.length > 0 ? { addressesNotProbed: this.first.notProbed.map((a) => a.address) } : {}),
      ...(unfinished.length > 0 ? { unfinished } : {}),
      stack,
    };
    return this.options.revealSecrets ? structuredClone(report) : redactSecrets(report);
  }

  /** What the layers and hops are derived from (summary.ts), as of now. */
  private state(): ProbeState {
    const first = this.first;
    const proxy = this.proxyInfo();
    return {
      target: this.target,
      dns: this.dns,
      addressesKnown: first?.resolution != null,
      connections: [...this.connections(), ...this.dnsOnly],
      connectsDone: first?.connectsDone ?? false,
      link: this.link,
      tls: first?.tls ?? null,
      tlsDone: first?.tls != null,
      http: this.chain.length > 0 ? { requests: this.chain.map((s) => s.exchange) } : null,
      httpDone: this.httpDone,
      findings: this.findings(),
      finished: this.finished,
      cancelled: this.cancelled,
      internet: this.internet,
      systemFacts: this.systemFacts,
      ...(proxy ? { proxy } : {}),
    };
  }

  /** In the order they were made; HTTP/3 is said once, for the first answer that advertises it. */
  private findings(): Finding[] {
    const hops = this.chain.length > 0 ? this.chain.map((s) => s.part) : this.first ? [this.first] : [];
    const facts = this.facts ? stackFindings(this.connections(), { stalled: this.stalled() }) : [];
    const all = [...this.opening, ...hops.flatMap((p) => p.findings), ...this.beside, ...facts, ...this.closing()];
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
      if (info.error || auth?.code !== 'PROXY_AUTH_REQUIRED' || proxyOf(part.route)?.url !== info.url) continue;
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
/** The most DNS-only addresses a diagnosis connects to; the others are counted in the finding. */
const MAX_DNS_ONLY = 4;

/** The addresses a hop is still connecting to, as `TCP ADDRESS:PORT`. */
function stillConnecting(part: HopPart): string[] {
  if (part.connectsDone || !part.resolution) return [];
  const ended = new Set(part.connections.map((c) => c.address));
  const port = proxyOf(part.route)?.port ?? part.target.port;
  return part.probed.filter((a) => !ended.has(a.address)).map((a) => `TCP ${endpoint(a.address, port)}`);
}

function ordinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
