// Derives the views' summaries from the probe results: the five layers with a status and a
// one-line summary, the hops of the connection, and the report shown before any probe ran. Pure:
// the same results always give the same layers and hops, so partial reports (streamed while
// probes run) and the final one agree.
import { ms } from './abort';
import type { DnsProbe } from './dns/hops';
import { readIntermediaries, ROLE_TITLES } from './intermediaries';
import type { Finding, Hop, LayerName, LayerStatus } from './model/common';
import type { ConnectionResult, HttpExchange, HttpResult, InternetInfo, LayerResult, LinkInfo, ProxyInfo, Report, TargetInfo, TlsResult } from './model/report';
import { addressList, internetLayer, linkLayer, notRun, ownConnections, transportLayer, type BaseLayer } from './stack/layers';
import { endpoint } from './stack/words';
import { commonName } from './tls/distinguishedName';
import { redactSecrets } from './redact';
import { diagnosisVerdict } from './verdict';

export interface ProbeState {
  target: TargetInfo;
  dns: DnsProbe | null;
  /** True once the address list is known (system lookup ended, pinned, or an IP literal). */
  addressesKnown: boolean;
  connections: ConnectionResult[];
  /** True once every connect has ended. */
  connectsDone: boolean;
  link: LinkInfo | null;
  tls: TlsResult | null;
  tlsDone: boolean;
  http: HttpResult | null;
  httpDone: boolean;
  findings: Finding[];
  /** The run is over (complete or cancelled): anything not started is skipped, not pending. */
  finished: boolean;
  cancelled: boolean;
  /** The proxy decision; with a proxy, DNS and connects are the proxy's, not the target's. */
  proxy?: ProxyInfo;
  /** The address classes of both ends. */
  internet?: InternetInfo;
  /** Whether the OS's facts (route, link, TCP_INFO, merged into `connections`) are in, still coming, or not asked for. */
  systemFacts: 'pending' | 'read' | 'not-asked';
}

/** The state before any probe has run. */
export function initialState(target: TargetInfo): ProbeState {
  return { target, dns: null, addressesKnown: false, connections: [], connectsDone: false, link: null, tls: null, tlsDone: false, http: null, httpDone: false, findings: [], finished: false, cancelled: false, systemFacts: 'not-asked' };
}

/**
 * The Report of a diagnosis about to start: the target and its layers before any probe ran. The
 * extension shows it as the panel opens, before it loads the engine bundle (this module is small).
 */
export function pendingReport(target: TargetInfo, version: string, startedAt: Date): Report {
  const layers = buildLayers(initialState(target));
  // Its target still holds the real query (the request needs it): masked as in every report.
  return redactSecrets({
    kind: 'diagnosis',
    schemaVersion: 1,
    tool: { name: 'netdiag', version },
    startedAt: startedAt.toISOString(),
    complete: false,
    cancelled: false,
    target,
    dns: null,
    connections: [],
    link: null,
    internet: { local: null, remote: [] },
    tls: null,
    http: null,
    layers,
    hops: [],
    waterfall: [],
    findings: [],
    verdict: diagnosisVerdict(layers, [], false, false),
    durationMs: 0,
  } satisfies Report);
}

const LAYERS: LayerName[] = ['link', 'internet', 'transport', 'tls', 'application'];

export function buildLayers(s: ProbeState): LayerResult[] {
  return LAYERS.map((name) => {
    const base = baseLayer(name, s);
    const status = worst(base.status, findingStatus(name, s.findings));
    // The layer's own facts, then its findings: a layer that a finding fails says why right there.
    const own = s.findings.filter((f) => f.layer === name && f.code !== 'CANCELLED').map((f) => `${f.code}: ${f.message}`);
    return { name, status, summary: base.summary, details: [...base.details, ...own] };
  });
}

function baseLayer(name: LayerName, s: ProbeState): BaseLayer {
  const used = s.connections.find((c) => c.used);
  const unusable = s.proxy?.error?.code === 'PROXY_INVALID' ? s.proxy : null;
  if (unusable && (name === 'internet' || name === 'transport')) {
    return name === 'transport' ? { status: 'fail', summary: `Nothing was sent: ${unusable.reason}`, details: [] } : { status: 'skipped', summary: 'No name was resolved: the proxy that applies cannot be used', details: [] };
  }
  switch (name) {
    case 'link':
      return linkLayer(s);
    case 'internet':
      return internetLayer(s);
    case 'transport':
      return transportLayer(s);
    case 'tls': {
      if (!s.target.tls) return { status: 'skipped', summary: `${s.target.scheme}:// does not use TLS from the first byte`, details: [] };
      if (!s.tls) return s.connectsDone && !used ? { status: 'skipped', summary: 'No connection to run TLS on', details: [] } : notRun(s, 'No connection to run TLS on');
      const t = s.tls;
      if (t.error) return { status: 'fail', summary: `Handshake failed: ${t.error.message}`, details: [] };
      const leaf = t.chain[0];
      const trust = t.verification.trusted ? `trusted (${t.verification.store ?? 'store'} roots)` : 'NOT trusted';
      return {
        status: 'ok',
        summary: [t.protocol, t.cipher, t.alpn ? `ALPN ${t.alpn}` : null, trust].filter(Boolean).join(', '),
        details: leaf ? [`Certificate: ${leaf.subject}, issued by ${leaf.issuer}, ${leaf.daysLeft} days left`] : [],
      };
    }
    case 'application': {
      if (s.target.application === 'none') return { status: 'skipped', summary: `${s.target.scheme}: connect and handshake only; Netdiag does not speak this protocol`, details: [] };
      const reqs = s.http?.requests ?? [];
      const last = reqs[reqs.length - 1];
      if (!last) {
        const blocked = (s.connectsDone && !used) || (s.tlsDone && s.tls?.error !== undefined);
        return blocked ? { status: 'skipped', summary: 'No connection to send the request on', details: [] } : notRun(s, 'The request was not sent');
      }
      if (!s.httpDone) return { status: 'pending', summary: `${reqs.length} request(s) so far…`, details: [] };
      const redirects = reqs.length > 1 ? `, after ${reqs.length - 1} redirect(s)` : '';
      if (last.status === null && last.error?.code === 'CANCELLED') return { status: 'skipped', summary: `Cancelled before ${last.url} answered${redirects}`, details: [] };
      if (last.status === null) return { status: 'fail', summary: `No HTTP response from ${last.url}: ${last.error?.message ?? 'unknown error'}${redirects}`, details: [] };
      const opened = last.websocket?.accepted === true ? 'WebSocket opened: ' : '';
      return {
        status: 'ok',
        summary: `${opened}${last.status} ${last.statusText} over HTTP/${last.httpVersion ?? '?'}, ${formatBytes(last.bodyBytes)} in ${last.timings.totalMs} ms${redirects}`,
        details: reqs.map((r) => `${r.method} ${r.url} → ${r.status ?? 'no response'} (${r.timings.totalMs} ms)`),
      };
    }
  }
}

function findingStatus(layer: LayerName, findings: readonly Finding[]): LayerStatus {
  const inLayer = findings.filter((f) => f.layer === layer && f.code !== 'CANCELLED');
  if (inLayer.some((f) => f.severity === 'error')) return 'fail';
  if (inLayer.some((f) => f.severity === 'warning')) return 'warn';
  return 'ok';
}

const RANK: Record<LayerStatus, number> = { skipped: 0, ok: 1, pending: 2, warn: 3, fail: 4 };

/** Findings can only make a layer worse; a pending or skipped layer keeps its state unless a finding fails it. */
function worst(base: LayerStatus, fromFindings: LayerStatus): LayerStatus {
  if ((base === 'pending' || base === 'skipped') && fromFindings !== 'fail') return base;
  return RANK[fromFindings] > RANK[base] ? fromFindings : base;
}

/**
 * How an HTTP exchange is marked: failed without a response, with a 5xx status, with a switch of
 * protocols that did not open the WebSocket asked for (or that nobody asked for); a warning with
 * a 4xx.
 */
export function exchangeOutcome(exchange: Pick<HttpExchange, 'status' | 'websocket'>): HttpExchange['outcome'] {
  const { status, websocket } = exchange;
  if (status === null || status >= 500) return 'fail';
  if (websocket ? !websocket.accepted && (status < 300 || status > 399) : status === 101) return 'fail';
  return status >= 400 ? 'warn' : 'ok';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The hops of the connection, left to right; the first failing hop is marked `fail`. */
export function buildHops(s: ProbeState, layers: LayerResult[]): Hop[] {
  const layer = (n: LayerName): LayerStatus => layers.find((l) => l.name === n)?.status ?? 'pending';
  const used = s.connections.find((c) => c.used);
  const hops: Hop[] = [];

  const client: Hop = { kind: 'client', label: s.link?.interface?.name ?? 'This machine', status: s.link ? 'ok' : layer('link') === 'pending' ? 'pending' : 'skipped' };
  if (s.link) client.address = s.link.localAddress;
  if (used?.localPort !== undefined) client.detail = `local port ${used.localPort}`;
  hops.push(client);

  if (s.proxy?.url) {
    const p = s.proxy;
    const proxyHop: Hop = {
      kind: 'proxy',
      label: p.url ?? 'proxy',
      detail: p.error ? p.error.message : p.mode === 'tunnel' ? (p.tunnelStatus !== null ? `CONNECT ${p.tunnelStatus}${p.tunnelMs !== null ? ` in ${p.tunnelMs} ms` : ''}` : 'CONNECT tunnel') : 'forwards HTTP (absolute form)',
      status: p.error || (s.connectsDone && !used) ? 'fail' : used && (p.mode === 'forward' || p.tunnelStatus !== null) ? 'ok' : s.finished ? 'skipped' : 'pending',
    };
    if (p.address !== null) proxyHop.address = p.address;
    if (p.connectMs !== null) proxyHop.durationMs = ms(p.connectMs + (p.tunnelMs ?? 0));
    hops.push(proxyHop);
  } else if (s.target.ipFamily === null) {
    const dnsStatus = s.addressesKnown ? (addressList(s).length > 0 ? 'ok' : 'fail') : layer('internet') === 'pending' ? 'pending' : 'skipped';
    const dnsHop: Hop = {
      kind: 'dns',
      label: s.target.host,
      detail: s.dns?.pinned ? 'pinned (--resolve)' : 'system resolver',
      status: dnsStatus,
    };
    if (s.dns && !s.dns.pinned) dnsHop.durationMs = s.dns.system.durationMs;
    hops.push(dnsHop);
    for (const link of s.dns?.cnameChain ?? []) {
      hops.push({ kind: 'dns', label: link.target, detail: `CNAME of ${link.name}, TTL ${link.ttl} s`, status: 'ok' });
    }
  }

  const own = ownConnections(s);
  const failedAll = s.connectsDone && !used && own.length > 0;
  const shown = s.proxy?.url ? undefined : (used ?? (failedAll ? own[0] : undefined));
  const addressHop: Hop = {
    kind: 'address',
    label: shown ? endpoint(shown.address, shown.port) : `port ${s.target.port}`,
    status: used ? 'ok' : failedAll ? 'fail' : s.finished ? 'skipped' : 'pending',
  };
  if (shown) {
    addressHop.address = shown.address;
    addressHop.durationMs = shown.durationMs;
    addressHop.detail = used ? `TCP connect${own.length > 1 ? `, 1 of ${own.length} addresses` : ''}` : (shown.error?.message ?? 'connect failed');
  }
  if (!s.proxy?.url) hops.push(addressHop);

  if (s.target.tls) {
    const leaf = s.tls?.chain[0];
    const tlsHop: Hop = { kind: 'tls', label: leaf ? (commonName(leaf.subject) ?? leaf.subject) : 'TLS', status: layer('tls') };
    if (s.tls) {
      tlsHop.detail = s.tls.error ? s.tls.error.message : [s.tls.protocol, s.tls.verification.trusted ? 'trusted' : 'untrusted'].filter(Boolean).join(', ');
      tlsHop.durationMs = s.tls.durationMs;
    }
    hops.push(tlsHop);
  }

  const reqs = s.http?.requests ?? [];
  reqs.slice(0, -1).forEach((r) => {
    hops.push({ kind: 'redirect', label: r.url, detail: `${r.status ?? ''} → ${String(r.headers['location'] ?? '')}`, durationMs: r.timings.totalMs, status: 'ok' });
  });
  const last = reqs[reqs.length - 1];
  for (const i of last ? readIntermediaries(last.headers) : []) {
    hops.push({ kind: 'proxy', role: i.role, label: i.name, detail: `${ROLE_TITLES[i.role]} · ${i.evidence.join('; ')}`, status: 'ok' });
  }
  const server: Hop = {
    kind: 'server',
    label: last ? `${last.status ?? 'no response'} ${last.statusText}`.trim() : s.target.application === 'http' ? 'HTTP server' : `${s.target.scheme} server`,
    status: s.target.application === 'none' ? (used ? (s.target.tls ? layer('tls') : 'ok') : failedAll ? 'skipped' : s.finished ? 'skipped' : 'pending') : layer('application'),
  };
  if (last) {
    server.detail = [last.url, typeof last.headers['server'] === 'string' ? last.headers['server'] : null].filter(Boolean).join(' · ');
    server.durationMs = last.timings.totalMs;
    if (last.remoteAddress) server.address = last.remoteAddress;
  }
  hops.push(server);

  // Each hop keeps its own status: a certificate that fails verification still leads to a server
  // that answered, so the server hop stays ok; hops never reached are already `skipped`.
  return hops;
}

