// The DNS view: the same for "Look Up DNS Records" (report.dnsLookup) and for Diagnose Endpoint
// (its report.dns, adapted): the DNS hop diagram, every query with flags, EDNS, transport and
// time, the records of each section, the CNAME chain, the trace as hops, the system resolver
// explained and the side-by-side comparison. Network text only ever becomes text nodes.
import type { Hop } from '../../src/engine/model/common';
import type { DnsLookupResult, DnsQueryResult, DnsRecord } from '../../src/engine/model/dns';
import type { Report } from '../../src/engine/model/report';
import { facts, h, icon, section, srOnly, table, toneIcon } from './dom';
import type { Child } from './dom';
import { formatMs, statusLook } from './format';

/** The report's DNS in the lookup's shape: the lookup itself, or Diagnose Endpoint's DNS results. */
export function dnsViewOf(report: Report): DnsLookupResult | null {
  if (report.dnsLookup) return report.dnsLookup;
  const dns = report.dns;
  if (!dns) return null;
  const queries: DnsQueryResult[] = dns.wire.map((q) => ({
    question: { name: report.target.host, type: q.type },
    server: q.server,
    transport: q.transport,
    truncated: q.truncated,
    rcode: q.rcode,
    flags: q.authoritative ? ['AA'] : [],
    edns: null,
    answers: q.answers,
    authority: [],
    additional: [],
    durationMs: q.durationMs,
    attempts: [],
    ...(q.error ? { error: q.error } : {}),
  }));
  const sys = dns.system;
  const hops: Hop[] = [{ kind: 'client', label: 'This machine', status: 'ok' }];
  if (!sys.skipped) hops.push({ kind: 'dns', label: 'Stub resolver (getaddrinfo)', durationMs: sys.durationMs, status: sys.error ? 'fail' : 'ok' });
  for (const q of dns.wire) hops.push({ kind: 'dns', label: `Resolver ${q.server} (${q.type})`, durationMs: q.durationMs, status: q.rcode === 'NOERROR' ? 'ok' : 'fail' });
  return {
    schemaVersion: 1,
    input: report.target.host,
    name: report.target.host,
    types: [...new Set(dns.wire.map((q) => q.type))],
    startedAt: report.startedAt,
    servers: [...new Set(dns.wire.map((q) => q.server))],
    queries,
    cnameChain: dns.cnameChain,
    ...(sys.skipped
      ? {}
      : {
          system: {
            resolvConf: null,
            nsswitch: null,
            hostsEntries: [],
            candidates: [],
            answeredBy: null,
            answeredFrom: null,
            addresses: sys.addresses.map((a) => a.address),
            durationMs: sys.durationMs,
            ...(sys.error ? { error: sys.error } : {}),
          },
        }),
    hops,
    findings: report.findings.filter((f) => f.code.startsWith('DNS_')),
    cancelled: report.cancelled,
    durationMs: Math.max(0, ...dns.wire.map((q) => q.durationMs), sys.durationMs),
  };
}

function result(ok: boolean, text: string): HTMLElement {
  return h('span', { class: `result status-${ok ? 'ok' : 'fail'}` }, toneIcon(ok ? 'pass-filled' : 'error', ok ? 'ok' : 'fail'), srOnly(ok ? 'OK: ' : 'Failed: '), ` ${text}`);
}

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
      ['Tried', q.attempts.length > 1 ? q.attempts.map((a) => `${a.server}: ${a.error ? a.error.code : (a.rcode ?? '')} (${formatMs(a.durationMs)})`).join(' → ') : null],
      ['Error', q.error ? `${q.error.code}: ${q.error.message}` : null],
    ]),
    records('Answer', q.answers),
    records('Authority', q.authority),
    records('Additional', q.additional),
  );
}

/** The DNS section of a report; for a lookup, the report's Path already is the DNS hop diagram. */
export function renderDnsView(report: Report): HTMLElement | null {
  const view = dnsViewOf(report);
  if (!view) return null;
  const parts: Child[] = report.dnsLookup ? [] : [h('h3', null, 'DNS hops'), hopDiagram(view.hops)];

  const rows: Child[][] = view.queries.map((q) => [
    q.question.type,
    q.error ? result(false, `${q.error.code}`) : result(q.rcode === 'NOERROR', q.rcode ?? ''),
    q.answers.length > 0 ? h('ul', { class: 'answers' }, ...q.answers.map((a) => h('li', { class: 'mono' }, `${a.name} ${a.ttl} ${a.type} ${a.data}`))) : h('span', { class: 'muted' }, 'none'),
    mono(q.server),
    `${q.transport.toUpperCase()}${q.truncated ? ' (truncated UDP, retried)' : ''}`,
    q.flags.join(' '),
    formatMs(q.durationMs),
  ]);
  parts.push(
    h('h3', null, 'Queries'),
    rows.length > 0 ? table('Every query and its answer', ['Type', 'Result', 'Answers', 'Server', 'Transport', 'Flags', 'Time'], rows, [0, 3, 6]) : h('p', { class: 'muted' }, 'No DNS server asked directly.'),
    ...view.queries.map(queryDetails),
  );

  if (view.cnameChain.length > 0) {
    parts.push(h('h3', null, 'CNAME chain'), h('ol', { class: 'cname-chain', attrs: { 'aria-label': 'CNAME chain' } }, h('li', { class: 'mono' }, view.name), ...view.cnameChain.map((c) => h('li', { class: 'mono' }, icon('arrow-right', 'chain-arrow'), ` ${c.target} `, h('span', { class: 'muted' }, `(TTL ${c.ttl} s)`)))));
  }

  if (view.trace) {
    const traceRows: Child[][] = view.trace.map((t) => [
      mono(t.zone),
      h('span', null, mono(t.serverName), h('br', null), h('span', { class: 'muted mono' }, t.server)),
      t.outcome === 'referral'
        ? h('span', null, `→ ${t.referralZone ?? ''}: `, ...t.referralServers.map((s, i) => h('span', { class: 'mono' }, `${i > 0 ? ', ' : ''}${s.name} ${s.address ?? '(no address)'} (${s.source})`)))
        : t.outcome === 'answer' || t.outcome === 'cname'
          ? h('span', { class: 'mono' }, t.answers.map((a) => `${a.type} ${a.data}`).join(', '))
          : result(false, t.error ? `${t.outcome}: ${t.error.code}` : `${t.outcome}${t.rcode ? ` (${t.rcode})` : ''}`),
      t.aa ? 'yes' : 'no',
      formatMs(t.durationMs),
    ]);
    parts.push(h('h3', null, 'Trace from the root'), table('Iterative resolution, hop by hop', ['Zone', 'Server', 'Outcome', 'AA', 'Time'], traceRows, [0, 4]));
    if (view.traceAnswer) parts.push(facts([['Trace answer', mono(view.traceAnswer.map((a) => `${a.type} ${a.data}`).join(', ') || 'no records')]]));
  }

  const s = view.system;
  if (s) {
    parts.push(
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
    );
  }

  const cmp = view.comparison;
  if (cmp && cmp.rows.length > 0) {
    const cmpRows: Child[][] = cmp.rows.map((r) => [
      `${r.kind}`,
      mono(r.address && r.address !== r.source ? `${r.source} (${r.address})` : r.source),
      r.error ? result(false, `${r.error.code}`) : mono(r.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : r.answers.join(', ') || 'none'),
      r.serial === undefined ? '' : String(r.serial ?? '?'),
      r.nsSet ? mono(r.nsSet.join(' ')) : '',
      r.differs ? h('span', { class: 'result status-warn' }, toneIcon('warning', 'warn'), ' differs') : '',
    ]);
    parts.push(h('h3', null, `Side by side (${cmp.type}${cmp.zone ? `, zone ${cmp.zone}` : ''})`), table('Each source asked the same question', ['Kind', 'Source', 'Answer', 'SOA serial', 'NS set', ''], cmpRows, [0, 3]));
  }

  return section('dns', 'DNS', ...parts);
}
