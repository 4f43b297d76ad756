// HTTP: each request of the redirect chain with its status, timings and headers (collapsed).
import type { HttpResult } from '../../src/engine/model/report';
import { facts, h, section, srOnly, table, toneIcon } from './dom';
import { formatBytes, formatMs } from './format';

export function renderHttp(http: HttpResult | null, isOpen: (key: string) => boolean | undefined): HTMLElement | null {
  if (!http || http.requests.length === 0) return null;
  const list = h('ol', { class: 'requests', attrs: { 'aria-label': 'Requests, in redirect order' } });
  http.requests.forEach((x, i) => {
    const cls = x.outcome;
    const t = x.timings;
    const headerRows = Object.entries(x.headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => [h('span', { class: 'mono header-name' }, name), h('span', { class: 'mono' }, v)]));
    const key = `headers-${i}`;
    const headers = h('details', { class: 'headers', attrs: { 'data-key': key } }, h('summary', null, `Response headers (${headerRows.length})`), table(`Response headers of request ${i + 1}`, ['Name', 'Value'], headerRows));
    headers.open = isOpen(key) ?? false;
    list.append(
      h(
        'li',
        { class: `request status-${cls}`, attrs: { 'data-testid': `request-${i}`, 'data-status': cls } },
        h(
          'div',
          { class: 'request-head' },
          toneIcon(cls === 'ok' ? (x.status !== null && x.status >= 300 && x.status < 400 ? 'arrow-swap' : 'pass-filled') : cls === 'warn' ? 'warning' : 'error', cls),
          srOnly(cls === 'ok' ? 'OK: ' : cls === 'warn' ? 'Warning: ' : 'Failed: '),
          h('span', { class: 'request-status' }, x.status === null ? 'No response' : `${x.status} ${x.statusText}`),
          h('span', { class: 'request-url mono' }, `${x.method} ${x.url}`),
        ),
        x.error ? h('p', { class: 'result status-fail' }, toneIcon('error', 'fail'), ` ${x.error.code}: ${x.error.message}`) : null,
        facts([
          ['Version', x.httpVersion !== null ? `HTTP/${x.httpVersion}` : null],
          ['Server address', x.remoteAddress !== null ? h('span', { class: 'mono' }, `${x.remoteAddress}${x.reusedConnection ? ' (reused connection)' : ''}`) : null],
          ['Connection', x.retriedAfter ? `sent again on a fresh connection: the server had closed the kept-alive one (${x.retriedAfter.code})` : null],
          ['WebSocket', x.websocket ? (x.websocket.accepted ? 'opened (101, Sec-WebSocket-Accept correct), then closed' : 'not opened') : null],
          ['Location', typeof x.headers['location'] === 'string' ? h('span', { class: 'mono' }, x.headers['location']) : null],
          ['Body', `${formatBytes(x.bodyBytes)}${x.bodyTruncated ? ' (truncated at the limit)' : ''}`],
          ['Timings', `DNS ${formatMs(t.dnsMs)} · connect ${formatMs(t.connectMs)} · TLS ${formatMs(t.tlsMs)} · first byte ${formatMs(t.ttfbMs)} · download ${formatMs(t.downloadMs)} · total ${formatMs(t.totalMs)}`],
        ]),
        headerRows.length > 0 ? headers : null,
      ),
    );
  });
  return section('http', http.requests.length > 1 ? `HTTP (${http.requests.length} requests)` : 'HTTP', list);
}
