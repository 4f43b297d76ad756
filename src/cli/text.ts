// A Report as a compact layered summary for a terminal: lines of plain text, which the terminal
// module escapes whole when it prints them (network text is data, never terminal control).
import type { LayerStatus } from '../engine/model/common';
import type { Report } from '../engine/model/report';
import { endpoint } from '../engine/summary';
import type { Style, Terminal } from './terminal';

const ICON: Record<LayerStatus, string> = { ok: '✔', warn: '▲', fail: '✖', skipped: '·', pending: '…' };
const COLOUR: Record<LayerStatus, Style> = { ok: 'green', warn: 'yellow', fail: 'red', skipped: 'dim', pending: 'dim' };

export function renderText(report: Report, term: Terminal): string[] {
  const { paint } = term;
  const out: string[] = [];
  const t = report.target;
  const idn = t.hostUnicode ? ` (${t.hostUnicode})` : '';
  // Set-up (trust stores, TLS context, warm-up) ran before the clock: said apart, never added in.
  const setup = report.setupMs === undefined ? '' : paint('dim', `  (set-up ${report.setupMs} ms before it)`);
  out.push(`${paint('bold', t.url)}${idn}  ${report.durationMs} ms${setup}${report.cancelled ? paint('yellow', '  (cancelled)') : ''}`);
  out.push('');
  for (const layer of report.layers) {
    const name = layer.name.padEnd(12);
    out.push(`${paint(COLOUR[layer.status], `${ICON[layer.status]} ${name}`)}${layer.summary}`);
  }

  const conns = report.connections;
  if (conns.length > 1 || conns.some((c) => !c.ok)) {
    out.push('', paint('bold', 'Addresses'));
    for (const c of conns) {
      const state = c.ok ? paint('green', `connected in ${c.durationMs} ms`) : paint('red', c.error?.message ?? 'failed');
      out.push(`  ${endpoint(c.address, c.port).padEnd(28)} ${state}${c.used ? '  ← used' : ''}${c.dnsOnly ? '  (only DNS gives it: what other clients get)' : ''}`);
    }
  }
  const left = report.addressesNotProbed ?? [];
  if (left.length > 0) out.push(paint('dim', `  not probed (${left.length}): ${left.join(', ')}`));

  if (report.tls && report.tls.chain.length > 0) {
    out.push('', paint('bold', 'Certificate chain (as sent)'));
    report.tls.chain.forEach((c, i) => {
      const days = c.daysLeft < 0 ? paint('red', `expired ${-c.daysLeft} days ago`) : `${c.daysLeft} days left`;
      const key = `${c.publicKey.type}${c.publicKey.bits ? ` ${c.publicKey.bits}` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}`;
      out.push(`  ${i}. ${c.subject}`);
      out.push(`     issuer ${c.issuer} · ${days} · ${key} · ${c.signatureAlgorithm}`);
    });
  }

  const reqs = report.http?.requests ?? [];
  if (reqs.length > 0) {
    out.push('', paint('bold', 'HTTP'));
    for (const r of reqs) {
      const status = r.status === null ? paint('red', r.error?.message ?? 'no response') : `${r.status} ${r.statusText}`;
      out.push(`  ${r.method} ${r.url} → ${status}`);
      if (r.retriedAfter) out.push(paint('dim', `     sent again on a fresh connection: the server had closed the kept-alive one (${r.retriedAfter.code})`));
      const tm = r.timings;
      out.push(paint('dim', `     dns ${tm.dnsMs} · connect ${tm.connectMs} · tls ${tm.tlsMs} · ttfb ${tm.ttfbMs} · download ${tm.downloadMs} · total ${tm.totalMs} ms`));
    }
  }

  if (report.unfinished) {
    out.push('', paint('bold', 'Still running when the report was made'));
    out.push(`  ${report.unfinished.join(', ')}`);
  }

  if (report.findings.length > 0) {
    out.push('', paint('bold', 'Findings'));
    for (const f of report.findings) out.push(...term.finding(f));
  }
  return out;
}
