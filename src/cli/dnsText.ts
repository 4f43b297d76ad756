// A DnsLookupResult for a terminal: dig's sections, but with the answer's provenance, the trace as
// hops, the system resolver explained and the comparison. Network text (TXT, names) is data:
// control characters are escaped so a hostile record cannot drive the terminal.
import type { Finding } from '../engine/model/common';
import type { ComparisonRow, DnsLookupResult, DnsQueryResult, DnsRecord } from '../engine/model/dns';

type Paint = (code: string, text: string) => string;

const SEVERITY: Record<Finding['severity'], [string, string]> = { error: ['✖ error', '31'], warning: ['▲ warning', '33'], info: ['ℹ info', '36'] };

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function recordLine(r: DnsRecord): string {
  return `    ${clean(fqdn(r.name)).padEnd(32)} ${String(r.ttl).padStart(6)}  ${r.type.padEnd(6)} ${clean(r.data)}`;
}

function queryBlock(q: DnsQueryResult, paint: Paint): string[] {
  const out: string[] = [];
  const head = `${q.question.type} ${clean(q.question.name)}`;
  const via = `${q.server} over ${q.transport.toUpperCase()}${q.truncated ? ' (UDP truncated)' : ''}`;
  if (q.error) {
    out.push(`${paint('1', head)}  ${paint('31', `${q.error.code}: ${clean(q.error.message)}`)}  ${q.durationMs} ms`);
  } else {
    const rcode = q.rcode === 'NOERROR' ? paint('32', q.rcode) : paint('31', q.rcode ?? '');
    const edns = q.edns ? `EDNS ${q.edns.udpPayloadSize}${q.edns.do ? ' DO' : ''}` : 'no EDNS';
    out.push(`${paint('1', head)}  ${rcode}  from ${via}  flags ${q.flags.join(' ') || '-'}  ${edns}  ${q.durationMs} ms`);
  }
  if (q.attempts.length > 1) out.push(`  tried: ${q.attempts.map((a) => `${a.server} ${a.error ? a.error.code : (a.rcode ?? '')} ${a.durationMs} ms`).join(' → ')}`);
  for (const [title, records] of [['ANSWER', q.answers], ['AUTHORITY', q.authority], ['ADDITIONAL', q.additional]] as const) {
    if (records.length === 0) continue;
    out.push(`  ${title}`);
    out.push(...records.map(recordLine));
  }
  return out;
}

function comparisonLine(r: ComparisonRow, paint: Paint): string {
  const answers = r.error ? paint('31', `${r.error.code}`) : r.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : r.answers.map(clean).join(', ') || '(none)';
  const extra = r.kind === 'authoritative' ? `  serial ${r.serial ?? '?'}  NS ${r.nsSet?.join(' ') ?? '?'}${r.aa === false ? '  not AA' : ''}` : '';
  const mark = r.differs ? paint('33', '  ≠ differs') : '';
  return `  ${`${r.kind} ${clean(r.source)}${r.address && r.address !== r.source ? ` (${r.address})` : ''}`.padEnd(44)} ${answers}${extra}${mark}`;
}

export function renderDnsText(r: DnsLookupResult, color: boolean): string {
  const paint: Paint = color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
  const out: string[] = [];
  out.push(`${paint('1', clean(r.name))}  ${r.types.join(' ')}  ${r.durationMs} ms${r.cancelled ? paint('33', '  (cancelled)') : ''}`);
  for (const q of r.queries) out.push('', ...queryBlock(q, paint));
  if (r.cnameChain.length > 0) out.push('', `${paint('1', 'CNAME chain')}  ${[r.name, ...r.cnameChain.map((l) => clean(l.target))].join(' → ')}`);

  if (r.trace) {
    out.push('', paint('1', 'Trace from the root'));
    for (const h of r.trace) {
      const outcome =
        h.outcome === 'referral'
          ? `→ ${h.referralZone ?? ''}: ${h.referralServers.map((s) => `${s.name}${s.address ? ` ${s.address} (${s.source})` : ' (no address)'}`).join(', ')}`
          : h.outcome === 'answer'
            ? `answer: ${h.answers.map((a) => `${a.type} ${clean(a.data)}`).join(', ')}`
            : h.outcome === 'cname'
              ? `CNAME: ${h.answers.filter((a) => a.type === 'CNAME').map((a) => clean(a.data)).join(' → ')}`
              : h.error
                ? paint('31', `${h.outcome}: ${h.error.code}`)
                : paint(h.outcome === 'lame' ? '31' : '33', `${h.outcome}${h.rcode ? ` (${h.rcode})` : ''}`);
      out.push(`  ${clean(h.zone).padEnd(16)} ${`${clean(h.serverName)} ${h.server}`.padEnd(40)} ${String(h.durationMs).padStart(7)} ms  ${outcome}`);
    }
    if (r.traceAnswer) out.push(`  final: ${r.traceAnswer.map((a) => `${a.type} ${clean(a.data)}`).join(', ') || '(no records)'}`);
  }

  if (r.system) {
    const s = r.system;
    out.push('', paint('1', 'System resolver'));
    if (s.resolvConf) {
      out.push(`  ${s.resolvConf.path}: nameservers ${s.resolvConf.nameservers.join(' ') || '(none)'}; search ${s.resolvConf.search.join(' ') || '(none)'}; ndots ${s.resolvConf.ndots}${s.resolvConf.options.length > 0 ? `; options ${s.resolvConf.options.join(' ')}` : ''}`);
    }
    if (s.nsswitch) out.push(`  ${s.nsswitch.path}: hosts: ${s.nsswitch.hosts.join(' ')}`);
    for (const e of s.hostsEntries) out.push(`  ${e.path}:${e.line}: ${clean(e.text)}`);
    if (s.candidates.length > 1) out.push(`  tries: ${s.candidates.map(clean).join(', ')}`);
    const answered = s.answeredFrom === 'hosts' ? 'the hosts file' : s.answeredBy ? clean(s.answeredBy) : 'nothing';
    out.push(s.error ? `  ${paint('31', `${s.error.code}: ${clean(s.error.message)}`)}` : `  answer: ${s.addresses.join(', ') || '(none)'} (from ${answered})  ${s.durationMs} ms`);
  }

  if (r.comparison && r.comparison.rows.length > 0) {
    out.push('', paint('1', `Side by side (${r.comparison.type}${r.comparison.zone ? `, zone ${r.comparison.zone}` : ''})`));
    out.push(...r.comparison.rows.map((row) => comparisonLine(row, paint)));
  }

  if (r.findings.length > 0) {
    out.push('', paint('1', 'Findings'));
    for (const f of r.findings) {
      const [label, code] = SEVERITY[f.severity];
      out.push(`  ${paint(code, label)} ${f.code}: ${clean(f.message)}`, `    ${paint('2', f.hint)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
