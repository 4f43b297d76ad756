// The report webview: renders exactly the Report it is sent, keeps it with setState so it redraws
// at once when the panel is shown again, and turns the action buttons into messages.
import type { Report } from '../../src/engine/model/report';
import type { HostToWebview, ReportViewState, RunStatus } from '../../src/protocol/reportView';
import { registerToolkit, toolkitButton, toolkitProgressRing } from '../toolkit';
import { renderDiagnosisDns, renderLookupDns } from './dnsView';
import { h, toneIcon } from './dom';
import { renderHops } from './hops';
import { renderHttp } from './httpView';
import { renderConnections } from './network';
import { renderFindings, renderHeader, renderLayers } from './overview';
import { renderIntermediaries, renderProxy, renderRequest, renderRequestWaterfall, renderRoute } from './pathView';
import { renderTls } from './tlsView';
import { host } from './vscodeApi';
import { renderWaterfall } from './waterfall';

registerToolkit();

let state: ReportViewState = restoreState();
/** Which <details> the user opened or closed, by data-key, so redraws keep them. */
const openState = new Map<string, boolean>();

function restoreState(): ReportViewState {
  const saved = host.getState();
  if (isViewState(saved)) return saved;
  const initial = document.body.dataset['state'];
  if (initial !== undefined) {
    try {
      const parsed: unknown = JSON.parse(initial);
      if (isViewState(parsed)) return parsed;
    } catch {
      // A malformed attribute only means starting empty; the host resends on `ready`.
    }
  }
  return { report: null, status: 'done' };
}

function isViewState(value: unknown): value is ReportViewState {
  return typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'string' && 'report' in value;
}

function setState(next: ReportViewState): void {
  state = next;
  host.setState(state);
  render();
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'report':
      setState({ ...state, report: message.report });
      return;
    case 'status':
      setState(message.error === undefined ? { report: state.report, status: message.status } : { report: state.report, status: message.status, error: message.error });
      return;
    default: {
      const unreachable: never = message;
      console.warn('Netdiag report view: unknown message', unreachable);
    }
  }
});

function renderActions(status: RunStatus, report: Report | null): HTMLElement {
  const running = status === 'running';
  const bar = h('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Report actions' } });
  if (running) {
    bar.append(
      h('span', { class: 'running', attrs: { 'data-testid': 'running' } }, toolkitProgressRing('Diagnosis running'), h('span', null, 'Running…')),
      withTestId(toolkitButton('Cancel', 'debug-stop', 'secondary', () => host.postMessage({ type: 'cancel' })), 'action-cancel'),
    );
  } else {
    bar.append(withTestId(toolkitButton('Run again', 'refresh', 'primary', () => host.postMessage({ type: 'rerun' })), 'action-rerun'));
  }
  if (report) {
    bar.append(
      withTestId(toolkitButton('Copy as JSON', 'json', 'secondary', () => host.postMessage({ type: 'copyJson' })), 'action-copy-json'),
      withTestId(toolkitButton('Copy curl command', 'terminal', 'secondary', () => host.postMessage({ type: 'copyCurl' })), 'action-copy-curl'),
      withTestId(toolkitButton('Export…', 'export', 'secondary', () => host.postMessage({ type: 'export' })), 'action-export'),
    );
    if (!running) {
      if (report.target.application === 'http') bar.append(withTestId(toolkitButton('Edit request…', 'edit', 'secondary', () => host.postMessage({ type: 'editRequest' })), 'action-edit-request'));
      bar.append(withTestId(toolkitButton('Trace route', 'type-hierarchy-sub', 'secondary', () => host.postMessage({ type: 'traceRoute' })), 'action-trace-route'));
    }
  }
  return bar;
}

function withTestId(el: HTMLElement, id: string): HTMLElement {
  el.setAttribute('data-testid', id);
  return el;
}

function render(): void {
  const { report, status, error } = state;
  const isOpen = (key: string): boolean | undefined => openState.get(key);
  const root = h('main', { class: 'report', attrs: { 'data-testid': 'report', 'data-complete': String(report?.complete ?? false), 'data-run-status': status } });
  if (error !== undefined) root.append(h('div', { class: 'banner status-fail', attrs: { role: 'alert', 'data-testid': 'run-error' } }, toneIcon('error', 'fail'), ` The diagnosis could not run: ${error}`));
  if (!report) {
    root.append(renderActions(status, null), h('p', { class: 'muted' }, 'No report yet.'));
  } else {
    root.append(
      renderHeader(report, status),
      renderActions(status, report),
      renderLayers(report, isOpen),
      renderHops(report.hops),
      renderFindings(report.findings, report.complete),
      renderWaterfall(report.waterfall, report.complete),
    );
    for (const part of [renderRequestWaterfall(report.http), renderProxy(report), renderRequest(report), renderIntermediaries(report), renderRoute(report)]) {
      if (part) root.append(part);
    }
    for (const part of [renderConnections(report.connections, report.internet, report.link, report.target), report.dnsLookup ? renderLookupDns(report.dnsLookup) : renderDiagnosisDns(report.dns, report.target.host), renderTls(report.tls), renderHttp(report.http, isOpen)]) {
      if (part) root.append(part);
    }
  }
  // Keep keyboard focus on the same control across a redraw (reports stream in while running).
  const focused = document.activeElement?.closest('[data-testid], [data-key]');
  const focusKey = focused?.getAttribute('data-testid') ?? focused?.getAttribute('data-key') ?? null;
  document.body.replaceChildren(root);
  root.querySelectorAll('details[data-key]').forEach((d) => {
    d.addEventListener('toggle', () => openState.set(d.getAttribute('data-key') ?? '', (d as HTMLDetailsElement).open));
  });
  if (focusKey !== null) {
    const target = root.querySelector(`[data-testid="${CSS.escape(focusKey)}"], [data-key="${CSS.escape(focusKey)}"]`);
    const focusable = target instanceof HTMLDetailsElement ? target.querySelector('summary') : target;
    if (focusable instanceof HTMLElement) focusable.focus();
  }
}

render();
host.postMessage({ type: 'ready' });
