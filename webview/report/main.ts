// The report webview: renders exactly the document it is sent — a diagnosis (Report) or a DNS
// lookup (DnsLookupResult), told apart by `kind` — keeps it with setState so it redraws at once
// when the panel is shown again, and turns the action buttons into messages.
import type { DnsLookupResult } from '../../src/engine/model/dns';
import type { Report } from '../../src/engine/model/report';
import { isViewState } from '../../src/protocol/reportView';
import type { HostToWebview, ReportDocument, ReportViewState, RunStatus, WebviewToHost } from '../../src/protocol/reportView';
import { registerToolkit, toolkitButton, toolkitProgressRing } from '../toolkit';
import { renderDiagnosisDns, renderLookupDns } from './dnsView';
import { h, toneIcon } from './dom';
import { renderHops } from './hops';
import { renderHttp } from './httpView';
import { renderConnections } from './network';
import { renderFindings, renderHeader, renderLayers, renderLookupHeader, runName } from './overview';
import { renderIntermediaries, renderProxy, renderRequest, renderRequestWaterfall, renderRoute } from './pathView';
import { renderStack } from './stackView';
import { renderTls } from './tlsView';
import { restoreState, vscodeHost } from './vscodeApi';
import { renderWaterfall } from './waterfall';

registerToolkit();

const host = vscodeHost<WebviewToHost, ReportViewState>();
let state: ReportViewState = restoreState(host, isViewState, { report: null, status: 'done' });
/** Which <details> the user opened or closed, by data-key, so redraws keep them. */
const openState = new Map<string, boolean>();

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

function button(label: string, codicon: string, kind: 'primary' | 'secondary', testId: string, onClick: () => void): HTMLElement {
  const el = toolkitButton(label, codicon, kind, onClick);
  el.setAttribute('data-testid', testId);
  return el;
}

/** Run again or Cancel, then what the document offers: copies, exports, another run's shape. */
function renderActions(status: RunStatus, doc: ReportDocument | null): HTMLElement {
  const running = status === 'running';
  const bar = h('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Report actions' } });
  if (running) {
    bar.append(
      h('span', { class: 'running', attrs: { 'data-testid': 'running' } }, toolkitProgressRing(`The ${runName(doc)} is running`), h('span', null, 'Running…')),
      button('Cancel', 'debug-stop', 'secondary', 'action-cancel', () => host.postMessage({ type: 'cancel' })),
    );
  } else {
    bar.append(button('Run again', 'refresh', 'primary', 'action-rerun', () => host.postMessage({ type: 'rerun' })));
  }
  if (!doc) return bar;
  bar.append(button('Copy as JSON', 'json', 'secondary', 'action-copy-json', () => host.postMessage({ type: 'copyJson' })));
  if (doc.kind === 'dns-lookup') {
    bar.append(button('Copy dig command', 'terminal', 'secondary', 'action-copy-dig', () => host.postMessage({ type: 'copyDig' })));
    return bar;
  }
  bar.append(
    button('Copy curl command', 'terminal', 'secondary', 'action-copy-curl', () => host.postMessage({ type: 'copyCurl' })),
    button('Export…', 'export', 'secondary', 'action-export', () => host.postMessage({ type: 'export' })),
  );
  if (!running) {
    if (doc.target.application === 'http') bar.append(button('Edit request…', 'edit', 'secondary', 'action-edit-request', () => host.postMessage({ type: 'editRequest' })));
    bar.append(button('Trace route', 'type-hierarchy-sub', 'secondary', 'action-trace-route', () => host.postMessage({ type: 'traceRoute' })));
  }
  return bar;
}

/** A diagnosis: header, layers, path, findings, timing, then each layer's details. */
function renderDiagnosis(root: HTMLElement, report: Report, status: RunStatus, isOpen: (key: string) => boolean | undefined): void {
  root.append(renderHeader(report, status), renderActions(status, report));
  const stack = renderStack(report);
  if (stack) root.append(stack);
  root.append(
    renderLayers(report, isOpen),
    renderHops(report.hops),
    renderFindings(report.findings, report.complete),
    renderWaterfall(report.waterfall, report.complete),
  );
  for (const part of [renderRequestWaterfall(report.http), renderProxy(report), renderRequest(report), renderIntermediaries(report), renderRoute(report)]) {
    if (part) root.append(part);
  }
  for (const part of [renderConnections(report.connections, report.internet, report.link, report.target), renderDiagnosisDns(report.dns, report.target.host), renderTls(report.tls), renderHttp(report.http, isOpen)]) {
    if (part) root.append(part);
  }
}

/** A DNS lookup: header, its DNS hops as the path, findings, then every query, trace and comparison. */
function renderLookup(root: HTMLElement, lookup: DnsLookupResult, status: RunStatus): void {
  root.append(renderLookupHeader(lookup, status), renderActions(status, lookup), renderHops(lookup.hops), renderFindings(lookup.findings, true), renderLookupDns(lookup));
}

function render(): void {
  const { report, status, error } = state;
  const isOpen = (key: string): boolean | undefined => openState.get(key);
  // A lookup is shown only once it has ended; a diagnosis streams in.
  const complete = report === null ? false : report.kind === 'dns-lookup' || report.complete;
  const root = h('main', { class: 'report', attrs: { 'data-testid': 'report', 'data-complete': String(complete), 'data-run-status': status } });
  if (error !== undefined) root.append(h('div', { class: 'banner status-fail', attrs: { role: 'alert', 'data-testid': 'run-error' } }, toneIcon('error', 'fail'), ` The ${runName(report)} could not run: ${error}`));
  if (!report) {
    root.append(renderActions(status, null), h('p', { class: 'muted' }, 'No report yet.'));
  } else if (report.kind === 'dns-lookup') {
    renderLookup(root, report, status);
  } else {
    renderDiagnosis(root, report, status, isOpen);
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
