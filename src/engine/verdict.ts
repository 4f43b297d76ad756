// The headline of each report kind, decided here so that every view says the same: where a
// diagnosis breaks (or that it works), and how a DNS lookup went. Pure.
import type { Finding, LayerName, Verdict } from './model/common';
import type { DnsLookupResult } from './model/dns';
import type { LayerResult } from './model/report';

const LAYER_TITLES: Readonly<Record<LayerName, string>> = { link: 'Link', internet: 'Internet', transport: 'Transport', tls: 'TLS', application: 'Application' };

/** The words for a partial report: a run that was stopped keeps what had finished. */
export const CANCELLED_VERDICT: Verdict = { status: 'skipped', text: 'Cancelled: results are partial' };

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function severities(findings: readonly Finding[]): { errors: number; warnings: number } {
  return { errors: findings.filter((f) => f.severity === 'error').length, warnings: findings.filter((f) => f.severity === 'warning').length };
}

/**
 * Running, cancelled, breaks at the first thing that fails — the name lookup (an exchange of its
 * own, before the connection), then the layers from the bottom up — errors, warnings, or works.
 */
export function diagnosisVerdict(layers: readonly LayerResult[], findings: readonly Finding[], complete: boolean, cancelled: boolean): Verdict {
  if (cancelled) return CANCELLED_VERDICT;
  if (!complete) return { status: 'pending', text: 'Diagnosing…' };
  const { errors, warnings } = severities(findings);
  const errorCount = errors > 0 ? ` (${count(errors, 'error')})` : '';
  if (findings.some((f) => f.layer === 'dns' && f.severity === 'error')) return { status: 'fail', text: `Breaks at DNS${errorCount}` };
  const failing = layers.find((l) => l.status === 'fail');
  if (failing) return { status: 'fail', text: `Breaks at ${LAYER_TITLES[failing.name]}${errorCount}` };
  if (errors > 0) return { status: 'fail', text: count(errors, 'error') };
  if (warnings > 0) return { status: 'warn', text: `Works, with ${count(warnings, 'warning')}` };
  return { status: 'ok', text: 'Works' };
}

/** How many queries brought records, and the errors or warnings found. */
export function lookupVerdict(lookup: Pick<DnsLookupResult, 'queries' | 'findings' | 'cancelled' | 'trace'>): Verdict {
  if (lookup.cancelled) return CANCELLED_VERDICT;
  const { errors, warnings } = severities(lookup.findings);
  const answered = lookup.queries.filter((q) => q.status === 'ok' && q.answers.length > 0).length;
  const asked = lookup.queries.length > 0 ? `${answered} of ${count(lookup.queries.length, 'query', 'queries')} answered` : lookup.trace ? 'Traced from the root' : 'No DNS server asked';
  if (errors > 0) return { status: 'fail', text: `${asked}, ${count(errors, 'error')}` };
  if (warnings > 0) return { status: 'warn', text: `${asked}, ${count(warnings, 'warning')}` };
  return { status: 'ok', text: asked };
}
