// A Report as a compact layered summary for a terminal. Network text is printed as data: control
// characters are escaped so a hostile header or certificate field cannot drive the terminal.
import type { Finding, LayerStatus, Report } from '../engine/report';
import { endpoint } from '../engine/summary';

interface Paint {
  (code: string, text: string): string;
}

const ICON: Record<LayerStatus, string> = { ok: '✔', warn: '▲', fail: '✖', skipped: '·', pending: '…' };
const COLOUR: Record<LayerStatus, string> = { ok: '32', warn: '33', fail: '31', skipped: '2', pending: '2' };
const SEVERITY: Record<Finding['severity'], [string, string]> = { error: ['✖ error', '31'], warning: ['▲ warning', '33'], info: ['ℹ info', '36'] };

export function renderText(report: Report, color: boolean): string {
  const paint: Paint = color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
  const out: string[] = [];
  const t = report.target;
  const idn = t.hostUnicode ? ` (${clean(t.hostUnicode)})` : '';
  // Set-up (trust stores, TLS context, warm-up) ran before the clock: said apart, never added in.
  const setup = report.setupMs === undefined ? '' : paint('2', `  (set-up ${report.setupMs} ms before it)`);
  out.push(`${paint('1', clean(t.url))}${idn}  ${report.durationMs} ms${setup}${report.cancelled ? paint('33', '  (cancelled)') : ''}`);
  out.push('');
  for (const layer of report.layers) {
    const name = layer.name.padEnd(12);
    out.push(`${paint(COLOUR[layer.status], `${ICON[layer.status]} ${name}`)}${clean(layer.summary)}`);
  }

  const conns = report.connections;
  if (conns.length > 1 || conns.some((c) => !c.ok)) {
    out.push('', paint('1', 'Addresses'));
    for (const c of conns) {
      const state = c.ok ? paint('32', `connected in ${c.durationMs} ms`) : paint('31', clean(c.error?.message ?? 'failed'));
      out.push(`  ${endpoint(c.address, c.port).padEnd(28)} ${state}${c.used ? '  ← used' : ''}`);
    }
  }

  if (report.tls && report.tls.chain.length > 0) {
    out.push('', paint('1', 'Certificate chain (as sent)'));
    report.tls.chain.forEach((c, i) => {
      const days = c.daysLeft < 0 ? paint('31', `expired ${-c.daysLeft} days ago`) : `${c.daysLeft} days left`;
      const key = `${c.publicKey.type}${c.publicKey.bits ? ` ${c.publicKey.bits}` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}`;
      out.push(`  ${i}. ${clean(c.subject)}`);
      out.push(`     issuer ${clean(c.issuer)} · ${days} · ${key} · ${clean(c.signatureAlgorithm)}`);
    });
  }

  const reqs = report.http?.requests ?? [];
  if (reqs.length > 0) {
    out.push('', paint('1', 'HTTP'));
    for (const r of reqs) {
      const status = r.status === null ? paint('31', clean(r.error?.message ?? 'no response')) : `${r.status} ${clean(r.statusText)}`;
      out.push(`  ${r.method} ${clean(r.url)} → ${status}`);
      const tm = r.timings;
      out.push(paint('2', `     dns ${tm.dnsMs} · connect ${tm.connectMs} · tls ${tm.tlsMs} · ttfb ${tm.ttfbMs} · download ${tm.downloadMs} · total ${tm.totalMs} ms`));
    }
  }

  if (report.findings.length > 0) {
    out.push('', paint('1', 'Findings'));
    for (const f of report.findings) {
      const [label, code] = SEVERITY[f.severity];
      out.push(`  ${paint(code, label)} ${paint('1', f.code)} ${clean(f.message)}`);
      out.push(paint('2', `     ${clean(f.hint)}`));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Escapes C0/C1 control characters (ESC, BEL, CR…) that came from the network. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
