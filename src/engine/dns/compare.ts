// Side by side: the system resolver, each configured resolver (and public ones when enabled),
// and every authoritative server of the zone asked directly, with their SOA serials and NS sets.
// Differences become findings: split horizon or stale cache, serial mismatch, inconsistent NS,
// lame servers. All queries run in parallel. Never throws.
import { finding } from '../findings';
import type { Finding } from '../model/common';
import type { ComparisonRow, DnsQueryResult, TraceServer } from '../model/dns';
import type { DnsServer } from '../options';
import { normalName, soaSerial } from './codec';
import { queryServers } from './query';
import { referralInstead } from './recursion';
import { formatDnsServer } from './servers';

export interface CompareOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  now: () => number;
  /** Port of the authoritative servers (53 outside tests). */
  port: number;
}

export interface ResolverSource {
  server: DnsServer;
  kind: 'resolver' | 'public';
}

function base(opts: CompareOptions): { timeoutMs: number; now: () => number; budgetMs: number; signal?: AbortSignal } {
  return { timeoutMs: opts.timeoutMs, now: opts.now, budgetMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) };
}

/** The record data of `type` for the end of the CNAME chain, sorted (the comparable answer). */
export function answerSet(q: Pick<DnsQueryResult, 'answers'>, type: string): string[] {
  return [...new Set(q.answers.filter((a) => a.type === type).map((a) => a.data.toLowerCase()))].sort();
}

/** Each resolver asked the same question; rows for the system and every resolver. */
export async function compareResolvers(name: string, type: string, sources: readonly ResolverSource[], system: string[] | null, opts: CompareOptions): Promise<ComparisonRow[]> {
  const rows = await Promise.all(
    sources.map(async (s): Promise<ComparisonRow> => {
      const r = await queryServers([s.server], { name, type, rd: true }, base(opts));
      const row: ComparisonRow = { source: formatDnsServer(s.server), kind: s.kind, address: s.server.address, rcode: r.rcode, answers: answerSet(r, type), durationMs: r.durationMs, differs: false };
      const referral = r.error === undefined ? referralInstead(r, name) : null;
      if (r.error) row.error = r.error;
      // A referral is where to ask next, not an answer: the row takes no part in the majority.
      else if (referral !== null) row.error = { code: 'DNS_NO_RECURSION', message: `a referral to ${referral.zone} (${referral.ns.join(', ')}), not an answer: the server does not recurse` };
      return row;
    }),
  );
  if (system !== null && (type === 'A' || type === 'AAAA')) {
    const family = type === 'A' ? /^\d+\.\d+\.\d+\.\d+$/ : /:/;
    rows.unshift({ source: 'system', kind: 'system', address: null, rcode: null, answers: [...new Set(system.filter((a) => family.test(a)))].sort(), durationMs: 0, differs: false });
  }
  return rows;
}

/** Each authoritative server asked for the zone's SOA and NS and for the name, directly. */
export async function compareAuthoritative(zone: string, name: string, type: string, servers: readonly TraceServer[], opts: CompareOptions): Promise<ComparisonRow[]> {
  return Promise.all(
    servers.map(async (s): Promise<ComparisonRow> => {
      if (s.address === null) return { source: s.name, kind: 'authoritative', address: null, rcode: null, answers: [], durationMs: 0, differs: false, error: { code: 'ENOADDRESS', message: `No address for ${s.name}.` } };
      const server: DnsServer = { address: s.address, port: opts.port };
      const ask = (qname: string, qtype: string): Promise<DnsQueryResult> => queryServers([server], { name: qname, type: qtype, rd: false }, base(opts));
      const [soa, ns, answer] = await Promise.all([ask(zone, 'SOA'), ask(zone, 'NS'), ask(name, type)]);
      const soaRecord = soa.answers.find((a) => a.type === 'SOA' && normalName(a.name) === normalName(zone));
      const row: ComparisonRow = {
        source: s.name,
        kind: 'authoritative',
        address: formatDnsServer(server),
        rcode: answer.rcode,
        answers: answerSet(answer, type),
        serial: soaRecord ? soaSerial(soaRecord) : null,
        nsSet: [...new Set(ns.answers.filter((a) => a.type === 'NS').map((a) => normalName(a.data)))].sort(),
        aa: soa.flags.includes('AA'),
        durationMs: Math.max(soa.durationMs, ns.durationMs, answer.durationMs),
        differs: false,
      };
      const error = soa.error ?? answer.error;
      if (error) row.error = error;
      return row;
    }),
  );
}

/** Marks rows whose answers differ from the most common answer of their group, and says why. */
export function comparisonFindings(name: string, type: string, zone: string | null, rows: ComparisonRow[], parentNs: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const answered = rows.filter((r) => r.error === undefined && (r.kind === 'system' || r.rcode === 'NOERROR' || r.rcode === 'NXDOMAIN'));
  const key = (r: ComparisonRow): string => (r.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : r.answers.join(' '));
  const majority = mostCommon(answered.filter((r) => r.kind !== 'system').map(key)) ?? mostCommon(answered.map(key));
  for (const r of answered) r.differs = majority !== null && key(r) !== majority;
  // Authoritative servers that disagree are a zone problem (serials below) unless their serials agree.
  const serialsDiffer = new Set(rows.filter((r) => r.kind === 'authoritative' && typeof r.serial === 'number').map((r) => r.serial)).size > 1;
  const odd = answered.filter((r) => r.differs && r.kind !== 'system' && !(r.kind === 'authoritative' && serialsDiffer));
  if (odd.length > 0) {
    const auth = answered.filter((r) => r.kind === 'authoritative');
    const authKey = mostCommon(auth.map(key));
    const describe = (r: ComparisonRow): string => `${r.source} answers ${key(r) === '' ? 'nothing' : key(r)}`;
    const stale = authKey !== null ? odd.filter((r) => r.kind !== 'authoritative' && key(r) !== authKey) : [];
    const why = stale.length > 0 ? ` The authoritative servers answer ${authKey === '' ? 'nothing' : authKey}, so ${stale.map((r) => r.source).join(', ')} give a different view (split horizon) or a stale cache.` : '';
    findings.push(finding('DNS_SPLIT_HORIZON', `For ${name} ${type}, most sources answer ${majority === '' ? 'nothing' : majority}, but ${odd.map(describe).join('; ')}.${why}`, name));
  }
  const sys = answered.find((r) => r.kind === 'system');
  if (sys?.differs) {
    findings.push(finding('DNS_SYSTEM_WIRE_MISMATCH', `The system resolver gives ${sys.answers.join(', ') || 'nothing'} for ${name} ${type}; the DNS servers answer ${majority === '' ? 'nothing' : majority}.`, name));
  }

  const auth = rows.filter((r) => r.kind === 'authoritative');
  for (const r of auth) {
    if (r.error !== undefined || r.aa === false) {
      const why = r.error ? `does not answer (${r.error.code}: ${r.error.message})` : 'answers without the AA bit';
      findings.push(finding('DNS_LAME_DELEGATION', `${r.source} (${r.address ?? 'no address'}) is an authoritative server of ${zone ?? 'the zone'} but ${why}.`, r.source));
    }
  }
  const serials = auth.filter((r) => typeof r.serial === 'number');
  if (new Set(serials.map((r) => r.serial)).size > 1) {
    const answers = serials.map((r) => `${r.source} ${r.answers.join(', ') || 'nothing'}`).join('; ');
    findings.push(finding('DNS_SOA_SERIAL_MISMATCH', `The authoritative servers of ${zone ?? 'the zone'} serve different SOA serials: ${serials.map((r) => `${r.source} ${r.serial}`).join(', ')}. For ${name} ${type} they answer: ${answers}.`, zone ?? name));
  }
  const nsSets = auth.filter((r) => r.nsSet !== undefined && r.nsSet.length > 0);
  const distinct = new Set(nsSets.map((r) => (r.nsSet ?? []).join(' ')));
  const parent = [...parentNs].map(normalName).sort().join(' ');
  if (distinct.size > 1 || (parent !== '' && distinct.size === 1 && !distinct.has(parent))) {
    const parts = nsSets.map((r) => `${r.source}: ${(r.nsSet ?? []).join(', ')}`);
    if (parent !== '') parts.unshift(`parent: ${parent.split(' ').join(', ')}`);
    findings.push(finding('DNS_INCONSISTENT_NS', `The NS sets of ${zone ?? 'the zone'} differ — ${parts.join('; ')}.`, zone ?? name));
  }
  return findings;
}

function mostCommon(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * The zone of `name` and its servers, found through a recursive resolver (for comparisons
 * without a trace): the SOA owner from the answer or authority section, its NS set, and each
 * server's address.
 */
export async function findZoneServers(name: string, resolvers: readonly DnsServer[], opts: CompareOptions): Promise<{ zone: string; servers: TraceServer[] } | null> {
  const q = (qname: string, type: string): Promise<DnsQueryResult> => queryServers(resolvers, { name: qname, type, rd: true }, { timeoutMs: opts.timeoutMs, now: opts.now, ...(opts.signal ? { signal: opts.signal } : {}) });
  const soa = await q(name, 'SOA');
  const owner = [...soa.answers, ...soa.authority].find((r) => r.type === 'SOA')?.name;
  if (owner === undefined) return null;
  const zone = normalName(owner);
  const ns = await q(zone, 'NS');
  const names = [...new Set(ns.answers.filter((r) => r.type === 'NS').map((r) => normalName(r.data)))];
  const servers = await Promise.all(
    names.map(async (n): Promise<TraceServer> => {
      const glue = ns.additional.find((r) => r.type === 'A' && normalName(r.name) === n);
      if (glue) return { name: n, address: glue.data, source: 'glue' };
      const a = await q(n, 'A');
      const address = a.answers.find((r) => r.type === 'A')?.data ?? null;
      return { name: n, address, source: address === null ? 'none' : 'resolved' };
    }),
  );
  return { zone, servers };
}
