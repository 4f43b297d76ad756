// One target from several vantages, for a terminal: who ran where, each layer with every
// vantage's status and summary under it (≠ where they disagree), what differs in plain words,
// then each vantage's hops. Lines of plain text; terminal.ts escapes them when printing.
import type { FindingLayer, LayerStatus } from '../engine/model/common';
import type { VantageComparison } from '../engine/model/comparison';
import type { VantageInfo } from '../engine/model/vantage';
import type { Style, Terminal } from './terminal';

const ICON: Record<LayerStatus, string> = { ok: '✔', warn: '▲', fail: '✖', skipped: '·', pending: '…' };
const COLOUR: Record<LayerStatus, Style> = { ok: 'green', warn: 'yellow', fail: 'red', skipped: 'dim', pending: 'dim' };
const LAYER_TITLE: Readonly<Record<FindingLayer, string>> = { link: 'link', dns: 'DNS', internet: 'IP', transport: 'TCP', tls: 'TLS', application: 'HTTP' };

/** "from Compose service web · resolvers 10.89.0.1 · eth0 10.89.0.4/24": where a report ran. */
export function vantageLines(v: VantageInfo, term: Terminal): string[] {
  const interfaces = v.interfaces.filter((i) => i.name !== 'lo').map((i) => `${i.name} ${i.addresses.join(' ')}`);
  const out = [`from ${term.paint('bold', v.label)}${v.resolvers.length > 0 ? ` · resolvers ${v.resolvers.join(', ')}` : ''}${v.search.length > 0 ? ` · search ${v.search.join(' ')}` : ''}`];
  if (interfaces.length > 0) out.push(term.paint('dim', `  interfaces ${interfaces.join(' · ')}`));
  for (const h of v.hosts) out.push(term.paint('dim', `  hosts ${h.path}:${h.line}: ${h.text}`));
  if (v.how) out.push(term.paint('dim', `  how ${v.how}`));
  return out;
}

export function renderComparisonText(c: VantageComparison, term: Terminal): string[] {
  const { paint } = term;
  const width = Math.max(...c.vantages.map((v) => v.vantage.label.length)) + 2;
  const out: string[] = [`${paint('bold', c.target)} from ${c.vantages.length} vantages: ${paint(COLOUR[c.verdict.status], c.verdict.text)}  ${c.durationMs} ms`, ''];
  for (const run of c.vantages) {
    out.push(...vantageLines(run.vantage, term));
    if (run.error) out.push(`  ${paint('red', `✖ ${run.error.code}`)}: ${run.error.message}`);
  }
  out.push('');
  for (const layer of c.layers) {
    out.push(`${layer.differs ? paint('yellow', '≠') : ' '} ${paint('bold', LAYER_TITLE[layer.name])}${layer.differs ? paint('yellow', '  differs') : ''}`);
    c.vantages.forEach((run, i) => {
      const status = layer.statuses[i] ?? 'skipped';
      out.push(`    ${run.vantage.label.padEnd(width)}${paint(COLOUR[status], `${ICON[status]} ${status.padEnd(8)}`)}${layer.summaries[i] ?? ''}`);
    });
  }
  if (c.differences.length > 0) {
    out.push('', paint('bold', 'What differs'));
    for (const f of c.differences) out.push(...term.finding(f));
  } else {
    out.push('', 'Nothing differs between the vantages.');
  }
  out.push('', paint('bold', 'Hops'));
  for (const h of c.hops) {
    const label = c.vantages.find((v) => v.vantage.name === h.vantage)?.vantage.label ?? h.vantage;
    const path = h.hops.map((hop) => `${hop.label}${hop.address && !hop.label.includes(hop.address) ? ` (${hop.address})` : ''}`).join(' → ');
    out.push(`  ${label.padEnd(width)}${path || paint('dim', 'did not run')}`);
  }
  return out;
}
