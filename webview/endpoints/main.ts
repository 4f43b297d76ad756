// The workspace endpoints table (Check Workspace Endpoints): one row per client reference and
// vantage — reference, source, from, DNS, TCP, TLS, HTTP, verdict, time — filled in as each
// diagnosis ends, with progress and Cancel. Each row opens its full report or its source line.
// It renders the engine's checks and judges nothing.
import type { LayerStatus } from '../../src/engine/model/common';
import type { EndpointCheck } from '../../src/engine/model/endpointCheck';
import { isEndpointsState } from '../../src/protocol/endpointsView';
import type { EndpointsToHost, EndpointsViewState, HostToEndpoints } from '../../src/protocol/endpointsView';
import { registerToolkit, toolkitButton, toolkitProgressRing } from '../toolkit';
import { h, srOnly, toneIcon } from '../report/dom';
import { formatMs, statusLook } from '../report/format';
import { restoreState, vscodeHost } from '../report/vscodeApi';

const host = vscodeHost<EndpointsToHost, EndpointsViewState>();

registerToolkit();

let state: EndpointsViewState = restoreState(host, isEndpointsState, { checks: [], total: 0, status: 'done' });

window.addEventListener('message', (event: MessageEvent<HostToEndpoints>) => {
  const m = event.data;
  switch (m.type) {
    case 'checks':
      state = { ...state, checks: m.checks, total: m.total };
      break;
    case 'status':
      state = m.error === undefined ? { checks: state.checks, total: state.total, status: m.status } : { checks: state.checks, total: state.total, status: m.status, error: m.error };
      break;
    default: {
      const unreachable: never = m;
      console.warn('Netdiag endpoints view: unknown message', unreachable);
      return;
    }
  }
  host.setState(state);
  render();
});

function button(label: string, codicon: string, kind: 'primary' | 'secondary' | 'icon', testId: string, onClick: () => void): HTMLElement {
  const el = toolkitButton(label, codicon, kind, onClick);
  el.setAttribute('data-testid', testId);
  return el;
}

const WORD: Record<LayerStatus, string> = { ok: 'ok', warn: 'warning', fail: 'failed', skipped: '—', pending: '…' };

function statusCell(status: LayerStatus, layer: string): HTMLElement {
  const look = statusLook(status);
  return h('td', { class: `status-${status} nowrap`, attrs: { 'data-status': status, 'data-layer': layer } }, status === 'skipped' ? srOnly('not checked') : toneIcon(look.icon, status), status === 'skipped' ? '—' : ` ${WORD[status]}`);
}

/** The reference's place, a link that opens the file there. */
function sourceLink(where: string, i: number): HTMLElement {
  const a = h('a', { class: 'source', attrs: { href: '#', 'data-testid': `source-${i}`, title: `Open ${where}` } }, where);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    host.postMessage({ type: 'openSource', index: i });
  });
  return a;
}

function row(c: EndpointCheck, i: number): HTMLElement {
  const where = `${c.source.file}:${c.source.line + 1}`;
  return h(
    'tr',
    { class: `status-${c.status}`, attrs: { 'data-testid': `row-${i}`, 'data-status': c.status, 'data-reference': c.reference, 'data-from': c.from } },
    h('td', null, h('code', null, c.reference)),
    h('td', { class: 'nowrap' }, sourceLink(where, i)),
    h('td', null, c.fromLabel),
    statusCell(c.dns, 'dns'),
    statusCell(c.tcp, 'tcp'),
    statusCell(c.tls, 'tls'),
    statusCell(c.http, 'http'),
    h('td', { attrs: { 'data-testid': `verdict-${i}` } }, toneIcon(statusLook(c.status).icon, c.status), ` ${c.skipped ? `Not checked: ${c.skipped}` : c.error ? c.error.message : c.verdict.text}`),
    h('td', { class: 'nowrap' }, c.status === 'skipped' ? '' : formatMs(c.durationMs)),
    h('td', { class: 'nowrap' }, c.report ? button('Report', 'pulse', 'secondary', `open-report-${i}`, () => host.postMessage({ type: 'openReport', index: i })) : null),
  );
}

function summary(): string {
  const count = (s: LayerStatus): number => state.checks.filter((c) => c.status === s).length;
  const head = state.status === 'running' ? `Checking: ${state.checks.length} of ${state.total} done` : `${state.checks.length} of ${state.total} checked`;
  return `${head} — ${count('ok')} ok, ${count('warn')} with warnings, ${count('fail')} failed, ${count('skipped')} not checked`;
}

function render(): void {
  const running = state.status === 'running';
  const root = h('main', { class: 'report endpoints', attrs: { 'data-testid': 'endpoints', 'data-run-status': state.status } });
  if (state.error !== undefined) root.append(h('div', { class: 'banner status-fail', attrs: { role: 'alert', 'data-testid': 'run-error' } }, toneIcon('error', 'fail'), ` The check could not run: ${state.error}`));
  const bar = h('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Check actions' } });
  if (running) bar.append(h('span', { class: 'running', attrs: { 'data-testid': 'running' } }, toolkitProgressRing('The check is running'), h('span', null, 'Running…')), button('Cancel', 'debug-stop', 'secondary', 'action-cancel', () => host.postMessage({ type: 'cancel' })));
  else bar.append(button('Check again', 'refresh', 'primary', 'action-rerun', () => host.postMessage({ type: 'rerun' })));
  const progress = h('progress', { attrs: { max: String(Math.max(1, state.total)), value: String(state.checks.length), 'aria-label': 'Checked so far' } });
  root.append(h('header', { class: 'report-header' }, h('div', { class: 'title-row' }, h('h1', null, 'Workspace endpoints'), h('span', { class: 'verdict', attrs: { role: 'status', 'data-testid': 'summary' } }, summary()))), bar);
  if (running) root.append(progress);
  const headers = ['Reference', 'Source', 'From', 'DNS', 'TCP', 'TLS', 'HTTP', 'Verdict', 'Time', ''];
  root.append(
    state.checks.length === 0
      ? h('p', { class: 'muted' }, running ? 'The first results appear as each diagnosis ends.' : 'No client references were found in the workspace configs.')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'grid endpoints-table' }, h('caption', { class: 'sr-only' }, 'Each client reference, diagnosed'), h('thead', null, h('tr', null, ...headers.map((t) => h('th', { attrs: { scope: 'col' } }, t)))), h('tbody', null, ...state.checks.map(row)))),
  );
  document.body.replaceChildren(root);
}

render();
host.postMessage({ type: 'ready' });
