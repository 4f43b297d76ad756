// `netdiag bind-scan --check` for a terminal: one row per reference and vantage (reference,
// source, from, DNS, TCP, TLS, HTTP, verdict, time), then each failure as `file:line:column`.
import type { LayerStatus } from '../engine/model/common';
import type { EndpointCheck } from '../engine/model/endpointCheck';
import type { Style, Terminal } from './terminal';

const MARK: Record<LayerStatus, string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skipped: '-', pending: '…' };
const COLOUR: Record<LayerStatus, Style> = { ok: 'green', warn: 'yellow', fail: 'red', skipped: 'dim', pending: 'dim' };

export function renderCheckText(checks: readonly EndpointCheck[], term: Terminal): string[] {
  const { paint } = term;
  const rows = checks.map((c) => [c.reference, `${c.source.file}:${c.source.line + 1}`, c.fromLabel, c.dns, c.tcp, c.tls, c.http, c.skipped ? `skipped: ${c.skipped}` : c.verdict.text, c.status === 'skipped' ? '' : `${Math.round(c.durationMs)} ms`] as const);
  const header = ['reference', 'source', 'from', 'DNS', 'TCP', 'TLS', 'HTTP', 'verdict', 'time'];
  const width = (i: number): number => Math.max(header[i]!.length, ...rows.map((r) => (i >= 3 && i <= 6 ? MARK[r[i] as LayerStatus] : String(r[i])).length));
  const widths = header.map((_, i) => width(i));
  const cell = (text: string, i: number): string => text.padEnd(widths[i]!);
  const out = [paint('bold', header.map(cell).join('  ').trimEnd())];
  checks.forEach((c, n) => {
    const r = rows[n]!;
    const status = (s: LayerStatus, i: number): string => paint(COLOUR[s], cell(MARK[s], i));
    out.push([cell(r[0], 0), cell(r[1], 1), cell(r[2], 2), status(c.dns, 3), status(c.tcp, 4), status(c.tls, 5), status(c.http, 6), paint(COLOUR[c.status], cell(r[7], 7)), r[8]].join('  ').trimEnd());
  });
  const count = (s: LayerStatus): number => checks.filter((c) => c.status === s).length;
  out.push('', `${checks.length} check(s): ${count('ok')} ok, ${count('warn')} with warnings, ${count('fail')} failed, ${count('skipped')} skipped.`);
  return out;
}
