// The HTTP-path parts of a Report for a terminal: the proxy decision, intermediaries and the
// route. Printed after the layered summary, as lines the terminal module escapes whole.
import type { Report, RouteResult } from '../engine/model/report';
import type { Terminal } from './terminal';

export function renderPathText(report: Report, term: Terminal): string[] {
  const { paint } = term;
  const out: string[] = [];
  if (report.proxy) {
    out.push('', paint('bold', 'Proxy'));
    out.push(`  ${report.proxy.reason}`);
    const p = report.proxy;
    if (p.url) {
      const parts = [p.mode === 'tunnel' ? `CONNECT ${p.tunnelStatus ?? '—'}` : 'forward', p.connectMs !== null ? `connect ${p.connectMs} ms` : null, p.tunnelMs !== null ? `tunnel ${p.tunnelMs} ms` : null];
      out.push(paint('dim', `     ${p.url} · ${parts.filter(Boolean).join(' · ')}${p.error ? ` · ${p.error.message}` : ''}`));
    }
  }
  if (report.intermediaries?.length) {
    out.push('', paint('bold', 'Intermediaries'));
    for (const i of report.intermediaries) out.push(`  ${i.role.padEnd(14)}${i.name}`, paint('dim', `     ${i.evidence.join('; ')}`));
  }
  if (report.route) out.push('', ...renderRouteText(report.route, term));
  return out;
}

export function renderRouteText(route: RouteResult, term: Terminal): string[] {
  const { paint } = term;
  const out = [paint('bold', `Route to ${route.host}${route.tool ? ` (${route.tool})` : ''}`)];
  if (route.hops.length === 0) out.push(`  ${route.error?.message ?? 'no hops'}`);
  for (const h of route.hops) {
    const who = h.address === null ? (h.name === null ? paint('dim', '*') : h.name) : h.name ? `${h.name} (${h.address})` : h.address;
    const rtt = h.rttMs.length > 0 ? `  ${h.rttMs.map((r) => `${r} ms`).join('  ')}` : '';
    out.push(`  ${String(h.ttl).padStart(2)}  ${who}${rtt}${h.note ? paint('dim', `  ${h.note}`) : ''}`);
  }
  if (route.hops.length > 0) out.push(route.reached ? paint('green', `  reached in ${route.hops.length} hop(s)`) : paint('yellow', `  did not reach ${route.host}${route.error ? `: ${route.error.message}` : ''}`));
  if (route.pmtu !== undefined) out.push(`  path MTU ${route.pmtu} bytes`);
  return out;
}
