// The HTTP-path parts of a Report for a terminal: the proxy decision, intermediaries and the
// route. Printed after the layered summary; network text escaped like the rest of the output.
import type { Report, RouteResult } from '../engine/model/report';

type Paint = (code: string, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
}

/** Escapes C0/C1 control characters that came from the network. */
export function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function renderPathText(report: Report, color: boolean): string {
  const paint = painter(color);
  const out: string[] = [];
  if (report.proxy) {
    out.push('', paint('1', 'Proxy'));
    out.push(`  ${clean(report.proxy.reason)}`);
    const p = report.proxy;
    if (p.url) {
      const parts = [p.mode === 'tunnel' ? `CONNECT ${p.tunnelStatus ?? '—'}` : 'forward', p.connectMs !== null ? `connect ${p.connectMs} ms` : null, p.tunnelMs !== null ? `tunnel ${p.tunnelMs} ms` : null];
      out.push(paint('2', `     ${clean(p.url)} · ${parts.filter(Boolean).join(' · ')}${p.error ? ` · ${clean(p.error.message)}` : ''}`));
    }
  }
  if (report.intermediaries?.length) {
    out.push('', paint('1', 'Intermediaries'));
    for (const i of report.intermediaries) out.push(`  ${i.role.padEnd(14)}${clean(i.name)}`, paint('2', `     ${clean(i.evidence.join('; '))}`));
  }
  if (report.route) out.push(...routeLines(report.route, paint));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

export function renderRouteText(route: RouteResult, color: boolean): string {
  return `${routeLines(route, painter(color)).join('\n').replace(/^\n/, '')}\n`;
}

function routeLines(route: RouteResult, paint: Paint): string[] {
  const out = ['', paint('1', `Route to ${clean(route.host)}${route.tool ? ` (${route.tool})` : ''}`)];
  if (route.hops.length === 0) out.push(`  ${clean(route.error?.message ?? 'no hops')}`);
  for (const h of route.hops) {
    const who = h.address === null ? (h.name === null ? paint('2', '*') : clean(h.name)) : clean(h.name ? `${h.name} (${h.address})` : h.address);
    const rtt = h.rttMs.length > 0 ? `  ${h.rttMs.map((r) => `${r} ms`).join('  ')}` : '';
    out.push(`  ${String(h.ttl).padStart(2)}  ${who}${rtt}${h.note ? paint('2', `  ${clean(h.note)}`) : ''}`);
  }
  if (route.hops.length > 0) out.push(route.reached ? paint('32', `  reached in ${route.hops.length} hop(s)`) : paint('33', `  did not reach ${clean(route.host)}${route.error ? `: ${clean(route.error.message)}` : ''}`));
  return out;
}
