// A DnsLookupResult for a terminal: dig's sections, but with the answer's provenance, the trace as
// hops, the system resolver explained and the comparison. Lines of plain text: the terminal module
// escapes them whole, so a hostile record or name cannot drive the terminal.
import type { ComparisonRow, DnsLookupResult, DnsQueryResult, DnsRecord } from '../engine/model/dns';
import type { Terminal } from './terminal';

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function recordLine(r: DnsRecord): string {
  return `    ${fqdn(r.name).padEnd(32)} ${String(r.ttl).padStart(6)}  ${r.type.padEnd(6)} ${r.data}`;
}

function queryBlock(q: DnsQueryResult, term: Terminal): string[] {
  const { paint } = term;
  const out: string[] = [];
  const head = `${q.question.type} ${q.question.name}`;
  const via = `${q.server} over ${q.transport.toUpperCase()}${q.truncated ? ' (UDP truncated)' : ''}`;
  if (q.error) {
    out.push(`${paint('bold', head)}  ${paint('red', `${q.error.code}: ${q.error.message}`)}  ${q.durationMs} ms`);
  } else {
    const rcode = q.rcode === 'NOERROR' ? paint('green', q.rcode) : paint('red', q.rcode ?? '');
    const edns = q.edns ? `EDNS ${q.edns.udpPayloadSize}${q.edns.do ? ' DO' : ''}` : 'no EDNS';
    out.push(`${paint('bold', head)}  ${rcode}  from ${via}  flags ${q.flags.join(' ') || '-'}  ${edns}  ${q.durationMs} ms`);
  }
  if (q.attempts.length > 1) out.push(`  tried: ${q.attempts.map((a) => `${a.server} ${a.transport.toUpperCase()} ${a.error ? a.error.code : `${a.rcode ?? ''}${a.flags.includes('TC') ? ' TC' : ''}`} ${a.durationMs} ms`).join(' → ')}`);
  for (const [title, records] of [['ANSWER', q.answers], ['AUTHORITY', q.authority], ['ADDITIONAL', q.additional]] as const) {
    if (records.length === 0) continue;
    out.push(`  ${title}`);
    out.push(...records.map(recordLine));
  }
  return out;
}

function comparisonLine(r: ComparisonRow, term: Terminal): string {
  const { paint } = term;
  const answers = r.error ? paint('red', `${r.error.code}`) : r.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : r.answers.join(', ') || '(none)';
  const extra = r.kind === 'authoritative' ? `  serial ${r.serial ?? '?'}  NS ${r.nsSet?.join(' ') ?? '?'}${r.aa === false ? '  not AA' : ''}` : '';
  const mark = r.differs ? paint('yellow', '  ≠ differs') : '';
  return `  ${`${r.kind} ${r.source}${r.address && r.address !== r.source ? ` (${r.address})` : ''}`.padEnd(44)} ${answers}${extra}${mark}`;
}

export function renderDnsText(r: DnsLookupResult, term: Terminal): string[] {
  const { paint } = term;
  const out: string[] = [];
  out.push(`${paint('bold', r.name)}  ${r.types.join(' ')}  ${r.durationMs} ms${r.cancelled ? paint('yellow', '  (cancelled)') : ''}`);
  for (const q of r.queries) out.push('', ...queryBlock(q, term));
  if (r.cnameChain.length > 0) out.push('', `${paint('bold', 'CNAME chain')}  ${[r.name, ...r.cnameChain.map((l) => l.target)].join(' → ')}`);

  if (r.trace) {
    out.push('', paint('bold', 'Trace from the root'));
    for (const h of r.trace) {
      const outcome =
        h.outcome === 'referral'
          ? `→ ${h.referralZone ?? ''}: ${h.referralServers.map((s) => `${s.name}${s.address ? ` ${s.address} (${s.source})` : ' (no address)'}`).join(', ')}`
          : h.outcome === 'answer'
            ? `answer: ${h.answers.map((a) => `${a.type} ${a.data}`).join(', ')}`
            : h.outcome === 'cname'
              ? `CNAME: ${h.answers.filter((a) => a.type === 'CNAME').map((a) => a.data).join(' → ')}`
              : h.error
                ? paint('red', `${h.outcome}: ${h.error.code}`)
                : paint(h.outcome === 'lame' ? 'red' : 'yellow', `${h.outcome}${h.rcode ? ` (${h.rcode})` : ''}`);
      out.push(`  ${h.zone.padEnd(16)} ${`${h.serverName} ${h.server}`.padEnd(40)} ${String(h.durationMs).padStart(7)} ms  ${outcome}`);
    }
    if (r.traceAnswer) out.push(`  final: ${r.traceAnswer.map((a) => `${a.type} ${a.data}`).join(', ') || '(no records)'}`);
  }

  if (r.system) {
    const s = r.system;
    out.push('', paint('bold', 'System resolver'));
    if (s.resolvConf) {
      out.push(`  ${s.resolvConf.path}: nameservers ${s.resolvConf.nameservers.join(' ') || '(none)'}; search ${s.resolvConf.search.join(' ') || '(none)'}; ndots ${s.resolvConf.ndots}${s.resolvConf.options.length > 0 ? `; options ${s.resolvConf.options.join(' ')}` : ''}`);
    }
    if (s.nsswitch) out.push(`  ${s.nsswitch.path}: hosts: ${s.nsswitch.hosts.join(' ')}`);
    for (const e of s.hostsEntries) out.push(`  ${e.path}:${e.line}: ${e.text}`);
    if (s.candidates.length > 1) out.push(`  tries: ${s.candidates.join(', ')}`);
    const answered = s.answeredFrom === 'hosts' ? 'the hosts file' : (s.answeredBy ?? 'nothing');
    out.push(s.error ? `  ${paint('red', `${s.error.code}: ${s.error.message}`)}` : `  answer: ${s.addresses.join(', ') || '(none)'} (from ${answered})  ${s.durationMs} ms`);
  }

  if (r.comparison && r.comparison.rows.length > 0) {
    out.push('', paint('bold', `Side by side (${r.comparison.type}${r.comparison.zone ? `, zone ${r.comparison.zone}` : ''})`));
    out.push(...r.comparison.rows.map((row) => comparisonLine(row, term)));
  }

  if (r.findings.length > 0) {
    out.push('', paint('bold', 'Findings'));
    for (const f of r.findings) out.push(...term.finding(f));
  }
  return out;
}
