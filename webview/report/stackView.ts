// The stack, drawn as the textbook figure of the internet protocol suite: one row per layer from
// application down to link; the client's protocol data (read from the top down), what the
// connection passes across the path, and the server's (read from the bottom up); and ahead of the
// connection, the DNS lookup's own lane in the rows of the layers it uses. Every line is the
// engine's (Report.stack); each layer says what it does and links to docs/layers.md.
import type { FindingLayer, LayerName, LayerStatus } from '../../src/engine/model/common';
import type { Report } from '../../src/engine/model/report';
import type { DnsExchange, PathElement, StackRow } from '../../src/engine/model/stack';
import type { ReportViewState, WebviewToHost } from '../../src/protocol/reportView';
import { h, icon, section, srOnly, toneIcon } from './dom';
import type { Child } from './dom';
import { LAYER_TITLES, statusLook } from './format';
import { vscodeHost } from './vscodeApi';

const PATH_ICONS: Record<PathElement['kind'], string> = {
  router: 'type-hierarchy-sub',
  nat: 'git-compare',
  neighbour: 'plug',
  tunnel: 'lock',
  proxy: 'server-process',
  cdn: 'cloud',
  cache: 'database',
  'load-balancer': 'split-horizontal',
  'reverse-proxy': 'server-process',
};

/** Opens docs/layers.md at the layer's section (the host checks the layer). */
function docsLink(layer: FindingLayer, title: string): HTMLElement {
  const link = h('button', { class: 'doc-link', attrs: { type: 'button', 'data-testid': `layer-docs-${layer}`, title: `Open docs/layers.md at ${title}` } }, icon('book'), ' More', srOnly(` about ${title}`));
  link.addEventListener('click', () => vscodeHost<WebviewToHost, ReportViewState>().postMessage({ type: 'openLayerDocs', layer }));
  return link;
}

/** A cell's one line, or a dash (with words for screen readers) when nothing is known. */
function line(text: string | null, pending: boolean): Child {
  if (text !== null) return h('span', { class: 'cell-text' }, text);
  return pending ? h('span', { class: 'muted' }, toneIcon('loading', 'pending'), srOnly('not known yet')) : h('span', { class: 'muted', attrs: { 'aria-label': 'nothing here' } }, '—');
}

function pathCell(row: StackRow): Child {
  if (row.path.length === 0) return srOnly('nothing in between at this layer');
  return h(
    'ul',
    { class: 'path-elements' },
    ...row.path.map((p) =>
      h(
        'li',
        { class: `path-element status-${p.status}`, attrs: { 'data-kind': p.kind, 'data-status': p.status, ...(p.detail !== undefined ? { title: p.detail } : {}) } },
        icon(PATH_ICONS[p.kind]),
        ' ',
        h('span', { class: 'path-label' }, p.label),
        p.status !== 'ok' ? srOnly(` (${statusLook(p.status).label})`) : null,
        p.detail !== undefined ? h('span', { class: 'path-detail' }, p.detail) : null,
      ),
    ),
  );
}

function dnsCell(dns: DnsExchange, layer: LayerName): Child {
  const cell = dns.cells.find((c) => c.layer === layer);
  return cell ? h('span', { class: 'cell-text' }, cell.text) : h('span', { class: 'muted', attrs: { 'aria-label': 'not used by the lookup' } }, '—');
}

/** The lookup's headline, its docs link and Netdiag's own wire queries beside it. */
function dnsLane(dns: DnsExchange): HTMLElement {
  const look = statusLook(dns.status);
  return h(
    'div',
    { class: `stack-dns status-${dns.status}`, attrs: { 'data-testid': 'stack-dns', 'data-status': dns.status, 'data-source': dns.source } },
    h('p', { class: 'stack-dns-head' }, toneIcon(look.icon, dns.status), srOnly(`${look.label}: `), h('strong', null, ' DNS lookup, before the connection: '), h('span', null, dns.summary), ' ', docsLink('dns', 'DNS')),
    dns.queries.length > 0 ? h('ul', { class: 'stack-queries', attrs: { 'aria-label': 'Wire queries Netdiag made beside the lookup' } }, ...dns.queries.map((q) => h('li', { class: 'mono' }, q))) : null,
  );
}

function rowHeader(row: StackRow, status: LayerStatus): HTMLElement {
  const look = statusLook(status);
  return h(
    'th',
    { class: 'stack-layer', attrs: { scope: 'row' } },
    h('span', { class: 'stack-layer-name' }, toneIcon(look.icon, status), srOnly(`${look.label}: `), ` ${LAYER_TITLES[row.layer]}`),
    h('span', { class: 'stack-about' }, row.about, ' ', docsLink(row.layer, LAYER_TITLES[row.layer])),
  );
}

export function renderStack(report: Report): HTMLElement | null {
  const stack = report.stack;
  if (!stack) return null;
  const pending = !report.complete;
  const dns = stack.dns;
  const status = (layer: LayerName): LayerStatus => report.layers.find((l) => l.name === layer)?.status ?? 'pending';
  const head = h(
    'tr',
    null,
    h('th', { attrs: { scope: 'col' } }, srOnly('Layer')),
    dns ? h('th', { class: 'col-dns', attrs: { scope: 'col' } }, icon('globe'), ' DNS lookup') : null,
    h('th', { class: 'col-client', attrs: { scope: 'col' } }, 'Client ', icon('arrow-down'), srOnly(', from the top down')),
    h('th', { class: 'col-path', attrs: { scope: 'col' } }, 'Across the path ', icon('arrow-right')),
    h('th', { class: 'col-server', attrs: { scope: 'col' } }, 'Server ', icon('arrow-up'), srOnly(', from the bottom up')),
  );
  const rows = stack.rows.map((row) =>
    h(
      'tr',
      { class: `stack-row status-${status(row.layer)}`, attrs: { 'data-testid': `stack-row-${row.layer}`, 'data-status': status(row.layer) } },
      rowHeader(row, status(row.layer)),
      dns ? h('td', { class: `col-dns${dns.cells.some((c) => c.layer === row.layer) ? '' : ' empty'}`, attrs: { 'data-label': 'DNS lookup' } }, dnsCell(dns, row.layer)) : null,
      h('td', { class: 'col-client', attrs: { 'data-label': 'Client', 'data-testid': `stack-client-${row.layer}` } }, line(row.client, pending)),
      h('td', { class: `col-path${row.path.length === 0 ? ' empty' : ''}`, attrs: { 'data-label': 'Across the path', 'data-testid': `stack-path-${row.layer}` } }, pathCell(row)),
      h('td', { class: 'col-server', attrs: { 'data-label': 'Server', 'data-testid': `stack-server-${row.layer}` } }, line(row.server, pending)),
    ),
  );
  const notes: HTMLElement[] = [];
  if (stack.systemFacts === 'pending' && pending) notes.push(h('li', null, toneIcon('loading', 'pending'), ' Reading the route, the interface and TCP_INFO once the exchange has ended…'));
  for (const u of stack.unavailable) notes.push(h('li', { attrs: { 'data-testid': `stack-unavailable-${u.fact}` } }, icon('info'), ` No ${u.fact}${u.subject ? ` for ${u.subject}` : ''}: ${u.reason}`));
  return section(
    'stack',
    'Stack',
    dns ? dnsLane(dns) : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: `stack-figure${dns ? ' with-dns' : ''}` },
        h('caption', { class: 'sr-only' }, 'The connection layer by layer: the client from the top down, what is across the path, the server from the bottom up'),
        h('thead', null, head),
        h('tbody', null, ...rows),
      ),
    ),
    notes.length > 0 ? h('ul', { class: 'stack-notes muted', attrs: { 'data-testid': 'stack-notes' } }, ...notes) : null,
  );
}
