// The DNS section, for a diagnosis (Report.dns: the DNS hop diagram, every wire query with its
// flags, EDNS, sections and attempts, the CNAME chain and the system lookup) and for a lookup
// (DnsLookupResult: every query, the CNAME chain, the trace from the root, the system resolver
// explained and the side-by-side comparison). It lays out what the engine decided — statuses,
// hops — and judges nothing. Network text only ever becomes text nodes.
import type { CnameLink, Hop } from '../../src/engine/model/common';
import type { DnsAddress, DnsComparison, DnsLookupResult, DnsQueryResult, DnsRecord, DnsResult, SystemLookup, SystemResolverInfo, TraceHop } from '../../src/engine/model/dns';
import type { Child } from './dom';
import { facts, h, icon, result, section, srOnly, table, toneIcon } from './dom';
import { formatMs, statusLook } from './format';

function mono(text: string): HTMLElement {
  return h('span', { class: 'mono' }, text);
}

function records(title: string, list: readonly DnsRecord[]): Child {
  if (list.length === 0) return null;
  return h(
    'div',
    { class: 'dns-section' },
    h('h4', null, title),
    table(`${title} records`, ['Name', 'TTL', 'Type', 'Data'], list.map((r) => [mono(r.name), String(r.ttl), r.type, mono(r.data)]), [0, 1, 2]),
  );
}

function hopDiagram(hops: readonly Hop[]): HTMLElement {
  const list = h('ol', { class: 'hops', attrs: { 'aria-label': 'DNS hops, in order', 'data-testid': 'dns-hops' } });
  hops.forEach((hop, i) => {
    const look = statusLook(hop.status);
    const item = h(
      'li',
      { class: `hop status-${hop.status}`, attrs: { 'data-kind': hop.kind, 'data-status': hop.status } },
      h(
        'div',
        { class: 'hop-card' },
        h('div', { class: 'hop-label' }, toneIcon(look.icon, hop.status, 'hop-status'), srOnly(`${look.label}: `), ` ${hop.label}`),
        hop.detail !== undefined ? h('div', { class: 'hop-detail' }, hop.detail) : null,
        hop.durationMs !== undefined ? h('div', { class: 'hop-time' }, icon('clock'), ` ${formatMs(hop.durationMs)}`) : null,
      ),
    );
    if (i < hops.length - 1) item.append(icon('arrow-right', 'hop-arrow'));
    list.append(item);
  });
  return list;
}

function queryDetails(q: DnsQueryResult, i: number): HTMLElement {
  const summary = `${q.question.type} ${q.question.name} — ${q.rcode ?? q.error?.code ?? 'no answer'} from ${q.server}`;
  return h(
    'details',
    { class: 'dns-query', attrs: { 'data-key': `dns-query-${i}`, 'data-testid': `dns-query-${i}` } },
    h('summary', null, summary),
    facts([
      ['Server', mono(q.server)],
      ['Transport', `${q.transport.toUpperCase()}${q.truncated ? ' (the UDP answer was truncated)' : ''}`],
      ['Flags', q.flags.join(' ') || 'none'],
      ['EDNS', q.edns ? `buffer ${q.edns.udpPayloadSize} bytes, DO ${q.edns.do ? 'set' : 'clear'}, version ${q.edns.version}` : 'none in the answer'],
      ['Tried', q.attempts.length > 1 ? q.attempts.map((a) => `${a.server} ${a.transport.toUpperCase()}: ${a.error ? a.error.code : `${a.rcode ?? ''}${a.flags.includes('TC') ? ' TC' : ''}`} (${formatMs(a.durationMs)})`).join(' → ') : null],
      ['Error', q.error ? `${q.error.code}: ${q.error.message}` : null],
    ]),
    records('Answer', q.answers),
    records('Authority', q.authority),
    records('Additional', q.additional),
  );
}

/** Every query in a table, then each one's details (flags, EDNS, attempts, all sections). */
function queries(list: readonly DnsQueryResult[], none: string): Child[] {
  const rows: Child[][] = list.map((q) => [
    q.question.type,
    result(q.status === 'ok', q.error ? q.error.code : (q.rcode ?? '')),
    q.answers.length > 0 ? h('ul', { class: 'answers' }, ...q.answers.map((a) => h('li', { class: 'mono' }, `${a.name} ${a.ttl} ${a.type} ${a.data}`))) : h('span', { class: 'muted' }, 'none'),
    mono(q.server),
    `${q.transport.toUpperCase()}${q.truncated ? ' (truncated UDP, retried)' : ''}`,
    q.flags.join(' '),
    formatMs(q.durationMs),
  ]);
  return [
    h('h3', null, 'Queries'),
    rows.length > 0 ? table('Every query and its answer', ['Type', 'Result', 'Answers', 'Server', 'Transport', 'Flags', 'Time'], rows, [0, 3, 6]) : h('p', { class: 'muted' }, none),
    ...list.map(queryDetails),
  ];
}

function cnameChain(name: string, chain: readonly CnameLink[]): Child[] {
  if (chain.length === 0) return [];
  return [
    h('h3', null, 'CNAME chain'),
    h('ol', { class: 'cname-chain', attrs: { 'aria-label': 'CNAME chain' } }, h('li', { class: 'mono' }, name), ...chain.map((c) => h('li', { class: 'mono' }, icon('arrow-right', 'chain-arrow'), ` ${c.target} `, h('span', { class: 'muted' }, `(TTL ${c.ttl} s)`)))),
  ];
}

function traceOutcome(t: TraceHop): Child {
  if (t.status === 'fail') return result(false, t.error ? `${t.outcome}: ${t.error.code}` : `${t.outcome}${t.rcode ? ` (${t.rcode})` : ''}`);
  if (t.outcome === 'referral') return h('span', null, `→ ${t.referralZone ?? ''}: `, ...t.referralServers.map((s, i) => h('span', { class: 'mono' }, `${i > 0 ? ', ' : ''}${s.name} ${s.address ?? '(no address)'} (${s.source})`)));
  return h('span', { class: 'mono' }, t.answers.map((a) => `${a.type} ${a.data}`).join(', '));
}

function trace(hops: readonly TraceHop[], answer: readonly DnsRecord[] | undefined): Child[] {
  const rows: Child[][] = hops.map((t) => [mono(t.zone), h('span', null, mono(t.serverName), h('br', null), h('span', { class: 'muted mono' }, t.server)), traceOutcome(t), t.aa ? 'yes' : 'no', formatMs(t.durationMs)]);
  return [
    h('h3', null, 'Trace from the root'),
    table('Iterative resolution, hop by hop', ['Zone', 'Server', 'Outcome', 'AA', 'Time'], rows, [0, 4]),
    answer ? facts([['Trace answer', mono(answer.map((a) => `${a.type} ${a.data}`).join(', ') || 'no records')]]) : null,
  ];
}

/** The system resolver of a lookup, explained: its files, the names it tried, who answered. */
function systemResolver(s: SystemResolverInfo): Child[] {
  return [
    h('h3', null, 'System resolver'),
    facts([
      ['Answer', s.error ? result(false, `${s.error.code}: ${s.error.message}`) : mono(s.addresses.join(', ') || 'no addresses')],
      ['Answered by', s.answeredFrom === 'hosts' ? `hosts file (${s.hostsEntries[0]?.path ?? ''} line ${s.hostsEntries[0]?.line ?? ''})` : s.answeredBy],
      ['Lookup time', formatMs(s.durationMs)],
      ['Nameservers', s.resolvConf ? mono(s.resolvConf.nameservers.join(', ') || 'none') : null],
      ['Search list', s.resolvConf && s.resolvConf.search.length > 0 ? mono(s.resolvConf.search.join(' ')) : null],
      ['ndots', s.resolvConf ? String(s.resolvConf.ndots) : null],
      ['Options', s.resolvConf && s.resolvConf.options.length > 0 ? mono(s.resolvConf.options.join(' ')) : null],
      ['nsswitch hosts', s.nsswitch ? mono(s.nsswitch.hosts.join(' ')) : null],
      ['Names tried', s.candidates.length > 1 ? mono(s.candidates.join(', ')) : null],
      ['Hosts file', s.hostsEntries.length > 0 ? h('ul', null, ...s.hostsEntries.map((e) => h('li', { class: 'mono' }, `${e.path}:${e.line}: ${e.text}`))) : null],
    ]),
  ];
}

/** The system lookup of a diagnosis: its answer and time, or the pinned addresses it gave way to. */
function systemLookup(s: SystemLookup, pinned: readonly DnsAddress[] | undefined): Child[] {
  const addresses = (list: readonly DnsAddress[]): string => list.map((a) => a.address).join(', ');
  if (s.skipped === 'pinned' && pinned) return [h('h3', null, 'System resolver'), facts([['Pinned', h('span', null, mono(addresses(pinned)), h('span', { class: 'muted' }, ' (not asked: the name is pinned)'))]])];
  if (s.skipped) return [];
  return [
    h('h3', null, 'System resolver'),
    facts([
      ['Answer', s.error ? result(false, `${s.error.code}: ${s.error.message}`) : mono(addresses(s.addresses) || 'no addresses')],
      ['Lookup time', formatMs(s.durationMs)],
    ]),
  ];
}

function comparison(cmp: DnsComparison): Child[] {
  if (cmp.rows.length === 0) return [];
  const rows: Child[][] = cmp.rows.map((r) => [
    `${r.kind}`,
    mono(r.address && r.address !== r.source ? `${r.source} (${r.address})` : r.source),
    r.error ? result(false, `${r.error.code}`) : mono(r.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : r.answers.join(', ') || 'none'),
    r.serial === undefined ? '' : String(r.serial ?? '?'),
    r.nsSet ? mono(r.nsSet.join(' ')) : '',
    r.differs ? h('span', { class: 'result status-warn' }, toneIcon('warning', 'warn'), ' differs') : '',
  ]);
  return [h('h3', null, `Side by side (${cmp.type}${cmp.zone ? `, zone ${cmp.zone}` : ''})`), table('Each source asked the same question', ['Kind', 'Source', 'Answer', 'SOA serial', 'NS set', ''], rows, [0, 3])];
}

/** The DNS section of a diagnosis: its hops, the wire queries, the CNAME chain, the system lookup. */
export function renderDiagnosisDns(dns: DnsResult | null, host: string): HTMLElement | null {
  if (!dns) return null;
  const local = host === 'localhost' || host.endsWith('.localhost');
  return section(
    'dns',
    'DNS',
    h('h3', null, 'DNS hops'),
    hopDiagram(dns.hops),
    ...queries(dns.wire, local ? 'None: names under localhost are never sent to DNS servers (RFC 6761).' : 'No DNS server asked directly.'),
    ...cnameChain(host, dns.cnameChain),
    ...systemLookup(dns.system, dns.pinned),
  );
}

/** The DNS section of a lookup; its hop diagram is the panel's Path. */
export function renderLookupDns(lookup: DnsLookupResult): HTMLElement {
  return section(
    'dns',
    'DNS',
    ...queries(lookup.queries, 'No DNS server asked directly.'),
    ...cnameChain(lookup.name, lookup.cnameChain),
    ...(lookup.trace ? trace(lookup.trace, lookup.traceAnswer) : []),
    ...(lookup.system ? systemResolver(lookup.system) : []),
    ...(lookup.comparison ? comparison(lookup.comparison) : []),
  );
}
