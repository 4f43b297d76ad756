// A Report as a compact layered summary for a terminal: lines of plain text, which the terminal
// module escapes whole when it prints them (network text is data, never terminal control). It
// renders what the engine decided — the verdict, each layer's and the DNS exchange's status, each
// certificate's problems, each exchange's outcome — and judges nothing itself.
import { endpoint } from '../engine/stack/words';
import type { Report } from '../engine/model/report';
import { vantageLines } from './comparisonText';
import { renderStackText, STATUS_ICON, STATUS_STYLE } from './stackText';
import type { Terminal } from './terminal';


const OUTCOME_STYLE = { ok: 'green', warn: 'yellow', fail: 'red' } as const;

export function renderText(report: Report, term: Terminal): string[] {
  const { paint } = term;
  const out: string[] = [];
  const t = report.target;
  const idn = t.hostUnicode ? ` (${t.hostUnicode})` : '';
  // Set-up (trust stores, TLS context, warm-up) ran before the clock: said apart, never added in.
  const local = [report.setupMs === undefined ? null : `set-up ${report.setupMs} ms before it`, report.factsMs === undefined ? null : `OS facts ${report.factsMs} ms after`].filter((x) => x !== null);
  const setup = local.length === 0 ? '' : paint('dim', `  (${local.join(', ')})`);
  out.push(`${paint('bold', t.url)}${idn}  ${report.durationMs} ms${setup}${report.cancelled ? paint('yellow', '  (cancelled)') : ''}`);
  out.push(paint(STATUS_STYLE[report.verdict.status], `${STATUS_ICON[report.verdict.status]} ${report.verdict.text}`));
  if (report.vantage) out.push(...vantageLines(report.vantage, term));

  out.push('');
  const dns = report.stack?.dns;
  if (dns) out.push(`${paint(STATUS_STYLE[dns.status], `${STATUS_ICON[dns.status]} ${'dns'.padEnd(12)}`)}${dns.summary}`);
  for (const layer of report.layers) {
    out.push(`${paint(STATUS_STYLE[layer.status], `${STATUS_ICON[layer.status]} ${layer.name.padEnd(12)}`)}${layer.summary}`);
  }
  out.push(...renderStackText(report, term));

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
      const key = `${c.publicKey.type}${c.publicKey.bits ? ` ${c.publicKey.bits}` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}`;
      out.push(`  ${i}. ${c.subject}`);
      out.push(`     issuer ${c.issuer} · until ${c.notAfter.slice(0, 10)} · ${key} · ${c.signatureAlgorithm}`);
      for (const p of c.problems) out.push(`     ${paint(p.severity === 'error' ? 'red' : 'yellow', `${p.severity === 'error' ? '✖' : '▲'} ${p.text}`)}`);
    });
  }

  const reqs = report.http?.requests ?? [];
  if (reqs.length > 0) {
    out.push('', paint('bold', 'HTTP'));
    for (const r of reqs) {
      const status = r.status === null ? (r.error?.message ?? 'no response') : `${r.status} ${r.statusText}`;
      out.push(`  ${r.method} ${r.url} → ${r.outcome === 'ok' ? status : paint(OUTCOME_STYLE[r.outcome], status)}`);
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
