// The top of the report: what was diagnosed (or looked up) and the verdict, the five layers, and
// the findings.
import type { Finding, Verdict } from '../../src/engine/model/common';
import type { DnsLookupResult } from '../../src/engine/model/dns';
import type { LayerResult, Report } from '../../src/engine/model/report';
import type { VantageInfo } from '../../src/engine/model/vantage';
import type { ReportDocument, RunStatus } from '../../src/protocol/reportView';
import { facts, h, icon, section, srOnly, toneIcon } from './dom';
import { formatDate, formatMs, LAYER_SUBTITLES, LAYER_TITLES, SEVERITY_TONE, severityLook, statusLook } from './format';

/** What a run is called in words: a diagnosis, or a DNS lookup. */
export function runName(doc: ReportDocument | null): string {
  return doc?.kind === 'dns-lookup' ? 'lookup' : 'diagnosis';
}

/**
 * The engine's verdict, unless the run itself says otherwise: it could not run at all, or it
 * stopped (a reload, a cancel) before its final report came.
 */
function shownVerdict(doc: ReportDocument, status: RunStatus): Verdict {
  if (status === 'failed') return { status: 'fail', text: `The ${runName(doc)} could not run` };
  if (doc.verdict.status === 'pending' && status !== 'running') return { status: 'skipped', text: 'Cancelled: results are partial' };
  return doc.verdict;
}

function titleRow(title: string, testId: string, v: Verdict): HTMLElement {
  return h(
    'div',
    { class: 'title-row' },
    h('h1', { attrs: { 'data-testid': testId } }, title),
    h('span', { class: `verdict status-${v.status}`, attrs: { 'data-testid': 'verdict', 'data-status': v.status, role: 'status' } }, toneIcon(statusLook(v.status).icon, v.status), ` ${v.text}`),
  );
}

/** A DNS lookup: the name asked, the verdict, what was asked of whom, and when. */
export function renderLookupHeader(lookup: DnsLookupResult, status: RunStatus): HTMLElement {
  return h(
    'header',
    { class: 'report-header' },
    titleRow(lookup.name, 'lookup-name', shownVerdict(lookup, status)),
    facts([
      ['Input', lookup.input !== lookup.name ? lookup.input : null],
      ['Records', lookup.types.join(', ')],
      ['Servers', lookup.servers.join(', ') || 'none asked directly'],
      ['Trace', lookup.trace ? 'from the root servers' : null],
      ['Started', formatDate(lookup.startedAt)],
      ['Total time', formatMs(lookup.durationMs)],
    ]),
  );
}

export function renderHeader(report: Report, status: RunStatus): HTMLElement {
  const t = report.target;
  const notes: HTMLElement[] = [];
  if (t.hostUnicode !== undefined) {
    notes.push(h('p', { class: 'note', attrs: { 'data-testid': 'punycode-note' } }, icon('info'), ` International name: ${t.hostUnicode} is looked up and sent as ${t.host}.`));
  }
  if (t.zoneId !== undefined) notes.push(h('p', { class: 'note' }, icon('info'), ` IPv6 zone: ${t.zoneId}`));
  const what = [t.tls ? 'TLS' : null, t.application === 'http' ? 'HTTP' : `${t.scheme}: connect${t.tls ? ' and handshake' : ''} only`].filter(Boolean).join(' · ');
  return h(
    'header',
    { class: 'report-header' },
    titleRow(t.url, 'target-url', shownVerdict(report, status)),
    ...notes,
    facts([
      ['From', report.vantage ? vantageText(report.vantage) : null],
      ['Input', t.input !== t.url ? t.input : null],
      ['Port', `${t.port}${t.defaultPort ? ` (${t.scheme} default)` : ''}`],
      ['Checks', what],
      ['Started', formatDate(report.startedAt)],
      ['Total time', report.complete ? formatMs(report.durationMs) : report.durationMs > 0 ? `${formatMs(report.durationMs)} so far` : '…'],
      // Before the clock started (trust stores, TLS context, warm-up): set-up, not network time.
      ['Set-up', report.setupMs === undefined ? null : `${formatMs(report.setupMs)} before the network, not in the total`],
      ['OS facts', report.factsMs === undefined ? null : `${formatMs(report.factsMs)} after the network (route, interface, TCP_INFO), not in the total`],
    ]),
  );
}

/** Where a diagnosis ran: "Compose service web · resolvers 10.89.0.1 · eth0 10.89.0.4/24". */
export function vantageText(v: VantageInfo): string {
  const interfaces = v.interfaces.filter((i) => i.name !== 'lo' && i.addresses.length > 0).map((i) => `${i.name} ${i.addresses[0]}`);
  return [v.label, v.resolvers.length > 0 ? `resolvers ${v.resolvers.join(', ')}` : null, ...interfaces].filter((x): x is string => x !== null).join(' · ');
}

/** One entry per layer; each expands to its details with the keyboard (details/summary). */
export function renderLayers(report: Report, isOpen: (key: string) => boolean | undefined): HTMLElement {
  const list = h('ol', { class: 'layers', attrs: { 'aria-label': 'Layers, from the local link up to the application' } });
  for (const layer of report.layers) list.append(h('li', null, renderLayer(layer, isOpen)));
  return section('layers', 'Layers', list);
}

function renderLayer(layer: LayerResult, isOpen: (key: string) => boolean | undefined): HTMLElement {
  const look = statusLook(layer.status);
  const key = `layer-${layer.name}`;
  const details = h('details', { class: `layer status-${layer.status}`, attrs: { id: key, 'data-testid': key, 'data-status': layer.status, 'data-key': key } });
  details.open = isOpen(key) ?? layer.status === 'fail';
  details.append(
    h(
      'summary',
      null,
      toneIcon(look.icon, layer.status),
      h('span', { class: 'layer-name' }, LAYER_TITLES[layer.name], h('span', { class: 'layer-sub' }, LAYER_SUBTITLES[layer.name])),
      srOnly(`${look.label}: `),
      h('span', { class: 'layer-summary' }, layer.summary),
    ),
    layer.details.length > 0 ? h('ul', { class: 'layer-details' }, ...layer.details.map((d) => h('li', null, d))) : h('p', { class: 'layer-details muted' }, 'No further details.'),
  );
  return details;
}

export function renderFindings(findings: readonly Finding[], complete: boolean): HTMLElement {
  if (findings.length === 0) {
    return section('findings', 'Findings', h('p', { class: 'muted', attrs: { 'data-testid': 'no-findings' } }, complete ? toneIcon('pass', 'ok') : null, complete ? ' No problems found.' : 'None so far.'));
  }
  const list = h('ul', { class: 'findings' });
  for (const f of findings) {
    const look = severityLook(f.severity);
    list.append(
      h(
        'li',
        { class: `finding severity-${f.severity}`, attrs: { 'data-testid': `finding-${f.code}`, 'data-severity': f.severity } },
        toneIcon(look.icon, SEVERITY_TONE[f.severity]),
        h(
          'div',
          { class: 'finding-body' },
          h('p', { class: 'finding-title' }, srOnly(`${look.label}: `), h('code', { class: 'finding-code' }, f.code), ' ', h('span', null, f.message)),
          f.subject !== undefined ? h('p', { class: 'finding-subject muted' }, `About: ${f.subject}`) : null,
          h('p', { class: 'finding-hint' }, icon('lightbulb'), ' ', f.hint),
        ),
      ),
    );
  }
  return section('findings', `Findings (${findings.length})`, list);
}
