// The HTTP path in depth: which proxy applied and why, the request sent, the intermediaries read
// from the response, the route (when traced), and a per-request waterfall across the redirect
// chain (each hop's DNS, connect, TLS, first byte and download on one time axis).
import type { HttpResult, Report } from '../../src/engine/model/report';
import { facts, h, section, srOnly, table, toneIcon } from './dom';
import { formatBytes, formatMs } from './format';

export function renderProxy(report: Report): HTMLElement | null {
  const p = report.proxy;
  if (!p) return null;
  const parts = [
    ['Decision', p.reason],
    ['Proxy', p.url === null ? 'none (direct connection)' : h('span', { class: 'mono' }, p.url)],
    ['How', p.mode === 'tunnel' ? 'CONNECT tunnel' : p.mode === 'forward' ? 'HTTP forwarded (absolute form)' : null],
    ['Proxy address', p.address],
    ['Connect', p.connectMs === null ? null : formatMs(p.connectMs)],
    ['CONNECT answer', p.tunnelStatus === null ? null : `${p.tunnelStatus}${p.tunnelMs === null ? '' : ` in ${formatMs(p.tunnelMs)}`}`],
    ['Proxy asks for', p.authenticate?.join(', ') ?? null],
    ['Strict SSL', p.strictSSL ? null : 'off (http.proxyStrictSSL)'],
  ] as const;
  return section(
    'proxy',
    'Proxy',
    p.error ? h('p', { class: 'result status-fail', attrs: { 'data-testid': 'proxy-error' } }, toneIcon('error', 'fail'), ` ${p.error.message}`) : null,
    facts(parts.map(([k, v]) => [k, v])),
  );
}

export function renderRequest(report: Report): HTMLElement | null {
  const r = report.request;
  if (!r) return null;
  const rows = Object.entries(r.headers).map(([n, v]) => [h('span', { class: 'mono header-name' }, n), h('span', { class: 'mono' }, v)]);
  return section(
    'request',
    'Request',
    facts([
      ['Method', r.method],
      ['Body', r.bodyBytes > 0 ? formatBytes(r.bodyBytes) : 'none'],
    ]),
    rows.length > 0 ? table('Request headers', ['Name', 'Value'], rows) : null,
  );
}

export function renderIntermediaries(report: Report): HTMLElement | null {
  const list = report.intermediaries ?? [];
  if (list.length === 0) return null;
  const rows = list.map((i) => [i.role, h('strong', null, i.name), h('span', { class: 'mono' }, i.evidence.join('; '))]);
  return section('intermediaries', 'Intermediaries', table('Intermediaries read from the response headers', ['Role', 'Name', 'Evidence'], rows, [0]));
}

export function renderRoute(report: Report): HTMLElement | null {
  const route = report.route;
  if (!route) return null;
  const rows = route.hops.map((hop) => [String(hop.ttl), hop.address === null && hop.name === null ? '*' : h('span', { class: 'mono' }, hop.name && hop.address ? `${hop.name} (${hop.address})` : (hop.name ?? hop.address ?? '')), hop.rttMs.map((r) => formatMs(r)).join(' · '), hop.note ?? '']);
  return section(
    'route',
    'Route',
    h('p', { class: route.reached ? 'muted' : 'result status-warn' }, route.command ? `${route.command}: ${route.reached ? `reached in ${route.hops.length} hop(s)` : 'did not reach the host'}${route.pmtu !== undefined ? `, path MTU ${route.pmtu} bytes` : ''}` : (route.error?.message ?? '')),
    rows.length > 0 ? table('Routers on the way, in order', ['Hop', 'Router', 'Round trips', 'Note'], rows, [0, 2]) : null,
  );
}

const SEGMENTS = [
  ['dnsMs', 'dns', 'DNS'],
  ['connectMs', 'connect', 'connect'],
  ['tlsMs', 'tls', 'TLS'],
  ['ttfbMs', 'ttfb', 'first byte'],
  ['downloadMs', 'download', 'download'],
] as const;

/** One row per request of the redirect chain; each row's bars are its own phases, laid end to end. */
export function renderRequestWaterfall(http: HttpResult | null): HTMLElement | null {
  const reqs = http?.requests ?? [];
  if (reqs.length < 2) return null;
  const end = Math.max(reqs.reduce((n, r) => n + r.timings.totalMs, 0), 1);
  const list = h('ol', { class: 'waterfall', attrs: { 'aria-label': `Each request of the redirect chain, ${formatMs(end)} in all` } });
  let offset = 0;
  reqs.forEach((x, i) => {
    const track = h('span', { class: 'wf-track', attrs: { 'aria-hidden': 'true' } });
    let at = offset;
    for (const [key, phase] of SEGMENTS) {
      const d = x.timings[key];
      if (d <= 0) continue;
      const bar = h('span', { class: `wf-bar phase-${phase} critical` });
      bar.style.left = `${(at / end) * 100}%`;
      bar.style.width = `max(2px, ${(d / end) * 100}%)`;
      bar.title = `${phase} ${formatMs(d)}`;
      track.append(bar);
      at += d;
    }
    const spoken = SEGMENTS.map(([key, , label]) => `${label} ${formatMs(x.timings[key])}`).join(', ');
    list.append(
      h(
        'li',
        { class: 'wf-row critical', attrs: { 'data-testid': `timing-request-${i}` } },
        h('span', { class: 'wf-label', attrs: { title: x.url } }, `${i + 1}. ${x.status ?? '—'} ${x.url}${x.reusedConnection ? ' (reused)' : ''}`),
        track,
        h('span', { class: 'wf-ms' }, formatMs(x.timings.totalMs)),
        srOnly(`: ${spoken}`),
      ),
    );
    offset += x.timings.totalMs;
  });
  const legend = h('p', { class: 'legend', attrs: { 'aria-hidden': 'true' } }, 'Each hop: DNS · connect · TLS (purple) · first byte and download (green)');
  return section('redirect-timing', 'Timing per request', legend, list);
}
