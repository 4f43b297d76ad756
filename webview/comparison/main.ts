// The comparison view: one target from two or more vantages, side by side — who ran where, each
// layer with every vantage's status (marked where they differ), what differs in plain words, and
// each vantage's path. It renders the comparison the engine made and judges nothing.
import type { Finding } from '../../src/engine/model/common';
import type { VantageComparison, VantageRun } from '../../src/engine/model/comparison';
import { isComparisonState } from '../../src/protocol/comparisonView';
import type { ComparisonToHost, ComparisonViewState, HostToComparison } from '../../src/protocol/comparisonView';
import { registerToolkit, toolkitButton, toolkitProgressRing } from '../toolkit';
import { facts, h, icon, section, srOnly, toneIcon } from '../report/dom';
import { formatMs, LAYER_SUBTITLES, LAYER_TITLES, SEVERITY_TONE, severityLook, statusLook } from '../report/format';
import { hopList } from '../report/hops';
import { restoreState, vscodeHost } from '../report/vscodeApi';

const host = vscodeHost<ComparisonToHost, ComparisonViewState>();

registerToolkit();

let state: ComparisonViewState = restoreState(host, isComparisonState, { comparison: null, pending: [], status: 'done' });

window.addEventListener('message', (event: MessageEvent<HostToComparison>) => {
  const m = event.data;
  switch (m.type) {
    case 'comparison':
      state = { ...state, comparison: m.comparison };
      break;
    case 'status':
      state = m.error === undefined ? { comparison: state.comparison, pending: state.pending, status: m.status } : { comparison: state.comparison, pending: state.pending, status: m.status, error: m.error };
      break;
    default: {
      const unreachable: never = m;
      console.warn('Netdiag comparison view: unknown message', unreachable);
      return;
    }
  }
  host.setState(state);
  render();
});

function button(label: string, codicon: string, kind: 'primary' | 'secondary', testId: string, onClick: () => void): HTMLElement {
  const el = toolkitButton(label, codicon, kind, onClick);
  el.setAttribute('data-testid', testId);
  return el;
}

function actions(): HTMLElement {
  const bar = h('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Comparison actions' } });
  if (state.status === 'running') {
    bar.append(h('span', { class: 'running', attrs: { 'data-testid': 'running' } }, toolkitProgressRing('The comparison is running'), h('span', null, 'Running…')), button('Cancel', 'debug-stop', 'secondary', 'action-cancel', () => host.postMessage({ type: 'cancel' })));
  } else {
    bar.append(button('Run again', 'refresh', 'primary', 'action-rerun', () => host.postMessage({ type: 'rerun' })));
  }
  if (state.comparison) bar.append(button('Copy as JSON', 'json', 'secondary', 'action-copy-json', () => host.postMessage({ type: 'copyJson' })));
  return bar;
}

function header(c: VantageComparison): HTMLElement {
  const v = state.status === 'failed' ? { status: 'fail' as const, text: 'The comparison could not run' } : c.verdict;
  return h(
    'header',
    { class: 'report-header' },
    h('div', { class: 'title-row' }, h('h1', { attrs: { 'data-testid': 'target-url' } }, c.target), h('span', { class: `verdict status-${v.status}`, attrs: { 'data-testid': 'verdict', 'data-status': v.status, role: 'status' } }, toneIcon(statusLook(v.status).icon, v.status), ` ${v.text}`)),
    facts([
      ['Compared', c.vantages.map((r) => r.vantage.label).join(' · ')],
      ['Total time', formatMs(c.durationMs)],
    ]),
  );
}

function vantageCard(run: VantageRun, index: number): HTMLElement {
  const v = run.vantage;
  // The first address of each interface that has an IPv4 one (the rest are in the JSON).
  const interfaces = v.interfaces.filter((i) => i.name !== 'lo' && i.addresses.some((a) => !a.includes(':'))).map((i) => `${i.name} ${i.addresses[0] ?? ''}`);
  return h(
    'article',
    { class: `vantage-card${run.error ? ' status-fail' : ''}`, attrs: { 'data-testid': `vantage-${index}`, 'data-vantage': v.name } },
    h('h3', null, icon(v.kind === 'local' ? 'vm' : v.kind === 'ssh' ? 'remote' : 'package'), ` ${v.label}`),
    facts([
      ['Resolvers', v.resolvers.join(', ') || null],
      ['Search', v.search.join(' ') || null],
      ['Hosts file', v.hosts.map((e) => e.text).join('; ') || null],
      ['Interfaces', interfaces.join(' · ') || null],
      ['How', v.how ? h('code', { class: 'how' }, v.how) : run.error ? null : 'in this window'],
    ]),
    run.error ? h('p', { class: 'banner status-fail', attrs: { role: 'alert' } }, toneIcon('error', 'fail'), ` ${run.error.message}`) : null,
    run.report ? button('Open full report', 'go-to-file', 'secondary', `open-report-${index}`, () => host.postMessage({ type: 'openReport', index })) : null,
  );
}

function layersTable(c: VantageComparison): HTMLElement {
  const head = h('tr', null, h('th', { attrs: { scope: 'col' } }, 'Layer'), ...c.vantages.map((r) => h('th', { attrs: { scope: 'col' } }, r.vantage.label)));
  const rows = c.layers.map((layer) =>
    h(
      'tr',
      { class: layer.differs ? 'differs' : '', attrs: { 'data-testid': `compare-${layer.name}`, 'data-differs': String(layer.differs) } },
      h('th', { attrs: { scope: 'row' } }, h('span', { class: 'layer-name' }, LAYER_TITLES[layer.name], h('span', { class: 'layer-sub' }, LAYER_SUBTITLES[layer.name])), layer.differs ? h('span', { class: 'differs-mark' }, icon('diff'), ' differs') : null),
      ...layer.statuses.map((status, i) => {
        const look = statusLook(status);
        return h('td', { class: `status-${status}`, attrs: { 'data-status': status } }, toneIcon(look.icon, status), srOnly(`${look.label}: `), ` ${layer.summaries[i] ?? ''}`);
      }),
    ),
  );
  return section('layers', 'Layers side by side', h('div', { class: 'table-wrap' }, h('table', { class: 'grid compare' }, h('caption', { class: 'sr-only' }, 'Each layer from each vantage'), h('thead', null, head), h('tbody', null, ...rows))));
}

function differences(list: readonly Finding[]): HTMLElement {
  if (list.length === 0) return section('differences', 'What differs', h('p', { class: 'muted', attrs: { 'data-testid': 'no-differences' } }, toneIcon('pass', 'ok'), ' Nothing differs between the vantages.'));
  const items = list.map((f) => {
    const look = severityLook(f.severity);
    return h(
      'li',
      { class: `finding severity-${f.severity}`, attrs: { 'data-testid': `difference-${f.code}`, 'data-severity': f.severity } },
      toneIcon(look.icon, SEVERITY_TONE[f.severity]),
      h('div', { class: 'finding-body' }, h('p', { class: 'finding-title' }, srOnly(`${look.label}: `), h('code', { class: 'finding-code' }, f.code), ' ', h('span', null, f.message)), h('p', { class: 'finding-hint' }, icon('lightbulb'), ' ', f.hint)),
    );
  });
  return section('differences', `What differs (${list.length})`, h('ul', { class: 'findings' }, ...items));
}

function paths(c: VantageComparison): HTMLElement {
  return section(
    'paths',
    'Paths',
    ...c.hops.map((entry, i) => {
      const label = c.vantages[i]?.vantage.label ?? entry.vantage;
      return h('div', { class: 'vantage-path', attrs: { 'data-testid': `path-${i}` } }, h('h3', null, label), entry.hops.length > 0 ? hopList(entry.hops) : h('p', { class: 'muted' }, 'It did not run.'));
    }),
  );
}

function render(): void {
  const root = h('main', { class: 'report comparison', attrs: { 'data-testid': 'comparison', 'data-run-status': state.status, 'data-complete': String(state.comparison !== null && state.status !== 'running') } });
  if (state.error !== undefined) root.append(h('div', { class: 'banner status-fail', attrs: { role: 'alert', 'data-testid': 'run-error' } }, toneIcon('error', 'fail'), ` The comparison could not run: ${state.error}`));
  const c = state.comparison;
  if (!c) {
    root.append(actions(), h('p', { class: 'muted' }, state.pending.length > 0 ? `Diagnosing from ${state.pending.join(' and ')}…` : 'No comparison yet.'));
  } else {
    root.append(header(c), actions(), section('vantages', 'Vantages', h('div', { class: 'vantage-grid' }, ...c.vantages.map(vantageCard))), layersTable(c), differences(c.differences), paths(c));
  }
  document.body.replaceChildren(root);
}

render();
host.postMessage({ type: 'ready' });
