// The comparison of one target diagnosed from several vantages: each layer's status side by
// side, each vantage's hops, and what differs, layer by layer, in plain words (findings with
// stable codes). Views only lay this out.
import { finding } from '../findings';
import type { Finding, FindingLayer, LayerName, LayerStatus, Verdict } from '../model/common';
import type { LayerComparison, VantageComparison, VantageRun } from '../model/comparison';
import type { Report } from '../model/report';

/** Bottom to top, with the name lookup where it happens: before the connection's IP. */
const LAYERS: readonly FindingLayer[] = ['link', 'dns', 'internet', 'transport', 'tls', 'application'];
const LAYER_WORDS: Readonly<Record<FindingLayer, string>> = { link: 'the vantage', dns: 'DNS', internet: 'IP', transport: 'TCP', tls: 'TLS', application: 'HTTP' };

interface Side {
  run: VantageRun;
  report: Report;
}

export function compareVantages(target: string, runs: readonly VantageRun[], durationMs: number): VantageComparison {
  const sides: Side[] = runs.flatMap((run) => (run.report ? [{ run, report: run.report }] : []));
  const layers: LayerComparison[] = LAYERS.map((name) => {
    const entries = runs.map((r) => (r.report ? layerEntry(r.report, name) : undefined));
    const statuses = entries.map((l): LayerStatus => l?.status ?? 'skipped');
    // A layer a side never reached (skipped after a failure below it) is not a difference of its own.
    const reachedStatuses = sides.map((s) => layerEntry(s.report, name)?.status ?? 'skipped').filter((st) => st !== 'skipped' && st !== 'pending');
    return { name, statuses, summaries: entries.map((l, i) => l?.summary ?? runs[i]?.error?.message ?? ''), differs: new Set(reachedStatuses).size > 1 };
  });
  const differences: Finding[] = runs.flatMap((r) => (r.error ? [finding('VANTAGE_UNAVAILABLE', r.error.message, r.vantage.name)] : []));
  if (sides.length >= 2) differences.push(...dnsDifference(sides), ...reachDifference(sides), ...tlsDifference(sides), ...httpDifference(sides));
  return {
    kind: 'vantage-comparison',
    schemaVersion: 1,
    target,
    vantages: [...runs],
    layers,
    hops: runs.map((r) => ({ vantage: r.vantage.name, hops: r.report?.hops ?? [] })),
    differences,
    verdict: verdict(runs, differences),
    durationMs,
  };
}

function verdict(runs: readonly VantageRun[], differences: readonly Finding[]): Verdict {
  const unavailable = runs.filter((r) => r.error).length;
  if (unavailable > 0) return { status: 'fail', text: `${unavailable} of ${runs.length} vantages could not run` };
  const layers = [...new Set(differences.map((d) => LAYER_WORDS[d.layer]))];
  if (layers.length === 0) return { status: 'ok', text: `The same from ${runs.length} vantages` };
  return { status: 'warn', text: `Differs at ${layers.join(' and ')}` };
}

// ── DNS ──────────────────────────────────────────────────────────────────────────────────────

interface DnsView {
  addresses: string[];
  /** "does not exist (NXDOMAIN)", "the lookup failed (EAI_AGAIN)"; null when it resolved. */
  failure: string | null;
}

function dnsView(report: Report): DnsView | null {
  const dns = report.dns;
  if (!dns || report.target.ipFamily !== null) return null;
  const addresses = [...new Set([...(dns.pinned ?? []), ...dns.system.addresses].map((a) => a.address))].sort();
  if (addresses.length > 0) return { addresses, failure: null };
  const nxdomain = dns.wire.some((q) => q.rcode === 'NXDOMAIN') || dns.system.error?.code === 'ENOTFOUND';
  const code = dns.system.error?.code ?? dns.wire.find((q) => q.error)?.error?.code ?? dns.wire.find((q) => q.rcode !== null && q.rcode !== 'NOERROR')?.rcode ?? 'no address';
  return { addresses, failure: nxdomain ? 'it does not exist (NXDOMAIN)' : `it does not resolve (${code})` };
}

function resolverOf(side: Side): string {
  const r = side.run.vantage.resolvers;
  const hosts = side.run.vantage.hosts;
  if (hosts.length > 0) return ` (its hosts file: ${hosts[0]!.text})`;
  return r.length > 0 ? ` (its resolver ${r.join(', ')})` : '';
}

function dnsDifference(sides: readonly Side[]): Finding[] {
  const views = sides.map((s) => ({ side: s, view: dnsView(s.report) }));
  const known = views.filter((v): v is { side: Side; view: DnsView } => v.view !== null);
  if (known.length < 2) return [];
  const keys = new Set(known.map((v) => v.view.failure ?? v.view.addresses.join(',')));
  if (keys.size < 2) return [];
  const host = sides[0]!.report.target.host;
  const parts = known.map(({ side, view }) => {
    const from = `from ${side.run.vantage.label}`;
    return view.failure === null ? `\`${host}\` resolves to ${view.addresses.join(', ')} ${from}${resolverOf(side)}` : `${from} ${view.failure}`;
  });
  let message = `${parts.join('; ')}.`;
  const resolvedInside = known.some(({ side, view }) => view.failure === null && ['compose', 'container', 'pod'].includes(side.run.vantage.kind));
  const failedOutside = known.some(({ side, view }) => view.failure !== null && !['compose', 'container', 'pod'].includes(side.run.vantage.kind));
  if (resolvedInside && failedOutside && !host.includes('.')) {
    message += ' Compose service names (and pod or container names) resolve only inside their network, through its own resolver.';
  }
  return [finding('VANTAGE_DNS_DIFFERS', message, host)];
}

// ── TCP, TLS, HTTP ───────────────────────────────────────────────────────────────────────────

/** A layer's status and summary in one report; DNS is the stack's own exchange (none for an IP literal). */
function layerEntry(report: Report, name: FindingLayer): { status: LayerStatus; summary: string } | undefined {
  if (name !== 'dns') return report.layers.find((l) => l.name === name);
  const dns = report.stack?.dns;
  if (dns) return { status: dns.status, summary: dns.summary };
  return { status: 'skipped', summary: report.target.ipFamily !== null ? 'An IP address: nothing to look up' : 'No name lookup' };
}

function layerStatus(report: Report, name: LayerName): LayerStatus {
  return report.layers.find((l) => l.name === name)?.status ?? 'skipped';
}

/** Sides that got as far as `name`'s layer: the layers under it did not stop them. */
function reached(sides: readonly Side[], name: LayerName): Side[] {
  return sides.filter((s) => !['skipped', 'pending'].includes(layerStatus(s.report, name)));
}

function reachDifference(sides: readonly Side[]): Finding[] {
  const tried = reached(sides, 'transport');
  const ok = tried.filter((s) => s.report.connections.some((c) => c.ok));
  const failed = tried.filter((s) => !s.report.connections.some((c) => c.ok));
  if (ok.length === 0 || failed.length === 0) return [];
  const { host, port } = sides[0]!.report.target;
  const said = ok.map((s) => {
    const c = s.report.connections.find((x) => x.used) ?? s.report.connections.find((x) => x.ok)!;
    return `from ${s.run.vantage.label} TCP to ${host}:${port} connects (${c.address} in ${c.durationMs} ms)`;
  });
  const not = failed.map((s) => {
    const errors = [...new Set(s.report.connections.map((c) => `${c.address}: ${c.error?.code ?? 'failed'}`))];
    return `from ${s.run.vantage.label} it does not (${errors.join(', ') || 'no address to connect to'})`;
  });
  return [finding('VANTAGE_REACH_DIFFERS', `${[...said, ...not].join('; ')}.`, `${host}:${port}`)];
}

function tlsDifference(sides: readonly Side[]): Finding[] {
  const tried = reached(sides, 'tls').filter((s) => s.report.tls !== null);
  if (tried.length < 2) return [];
  const describe = (s: Side): string => {
    const tls = s.report.tls!;
    const leaf = tls.chain[0];
    if (tls.error) return `the handshake fails (${tls.error.code})`;
    return `${tls.protocol ?? 'TLS'}, ${leaf ? `certificate ${leaf.fingerprint256.slice(0, 23)}…` : 'no certificate'}, ${tls.verification.trusted ? 'trusted' : 'not trusted'}`;
  };
  const seen = tried.map((s) => ({ s, text: describe(s) }));
  if (new Set(seen.map((x) => x.text)).size < 2) return [];
  return [finding('VANTAGE_TLS_DIFFERS', `${seen.map((x) => `from ${x.s.run.vantage.label}: ${x.text}`).join('; ')}.`)];
}

function httpDifference(sides: readonly Side[]): Finding[] {
  const tried = sides.filter((s) => s.report.http && s.report.http.requests.length > 0);
  if (tried.length < 2) return [];
  const final = (s: Side): string => {
    const last = s.report.http!.requests[s.report.http!.requests.length - 1]!;
    return last.status !== null ? `HTTP ${last.status}${last.statusText ? ` ${last.statusText}` : ''}` : `no answer (${last.error?.code ?? 'failed'})`;
  };
  const seen = tried.map((s) => ({ s, text: final(s) }));
  if (new Set(seen.map((x) => x.text)).size < 2) return [];
  return [finding('VANTAGE_HTTP_DIFFERS', `${seen.map((x) => `from ${x.s.run.vantage.label}: ${x.text}`).join('; ')}.`)];
}
