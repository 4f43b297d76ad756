// The stack of a Report for a terminal, as the engine drew it (Report.stack): the DNS exchange
// ahead of the connection, then each layer from the top with the client's line, what is across
// the path and the server's line. Lines of plain text; the terminal module escapes each whole.
import type { LayerStatus } from '../engine/model/common';
import type { Report } from '../engine/model/report';
import type { Style, Terminal } from './terminal';

export const STATUS_ICON: Readonly<Record<LayerStatus, string>> = { ok: '✔', warn: '▲', fail: '✖', skipped: '·', pending: '…' };
export const STATUS_STYLE: Readonly<Record<LayerStatus, Style>> = { ok: 'green', warn: 'yellow', fail: 'red', skipped: 'dim', pending: 'dim' };

const PAD = 13;

export function renderStackText(report: Report, term: Terminal): string[] {
  const stack = report.stack;
  if (!stack) return [];
  const { paint } = term;
  const out = ['', `${paint('bold', 'Stack')}${paint('dim', '  client · across the path · server — what each layer does: docs/layers.md')}`];
  const dns = stack.dns;
  if (dns) {
    out.push(`  ${paint(STATUS_STYLE[dns.status], `${STATUS_ICON[dns.status]} ${'DNS'.padEnd(PAD)}`)}${paint('dim', 'the name lookup, before the connection')}`);
    for (const cell of dns.cells) out.push(`    ${cell.layer.padEnd(PAD)}${cell.text}`);
    for (const q of dns.queries) out.push(`    ${'wire'.padEnd(PAD)}${q}`);
  }
  for (const row of stack.rows) {
    const status = report.layers.find((l) => l.name === row.layer)?.status ?? 'pending';
    out.push(`  ${paint(STATUS_STYLE[status], `${STATUS_ICON[status]} ${row.layer.padEnd(PAD)}`)}${paint('dim', row.about)}`);
    if (row.client !== null) out.push(`    ${'client'.padEnd(PAD)}${row.client}`);
    for (const p of row.path) out.push(`    ${'across'.padEnd(PAD)}${p.status === 'ok' ? p.label : paint(STATUS_STYLE[p.status], p.label)}${p.detail ? paint('dim', ` — ${p.detail}`) : ''}`);
    if (row.server !== null) out.push(`    ${'server'.padEnd(PAD)}${row.server}`);
  }
  if (stack.systemFacts === 'pending') out.push(paint('dim', '  (still reading the route, the interface and TCP_INFO)'));
  for (const u of stack.unavailable) out.push(paint('dim', `  no ${u.fact}${u.subject ? ` for ${u.subject}` : ''}: ${u.reason}`));
  return out;
}
