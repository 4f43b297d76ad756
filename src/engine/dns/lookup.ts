// `netdiag dns` / "Look Up DNS Records": every asked type from the configured resolvers (with
// retries across them), the system resolver explained, the iterative trace from the root, and
// the side-by-side comparison, all started at once; then findings and the hop diagram. Never
// throws for network reasons: only a name that cannot be a DNS name is a DnsInputError.
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { ms } from '../abort';
import { finding } from '../findings';
import type { CnameLink, Finding } from '../model/common';
import { RECORD_TYPES } from '../model/dns';
import type { DnsComparison, DnsLookupResult, DnsQueryResult, SystemResolverInfo, TraceServer } from '../model/dns';
import type { DnsServer, LookupFn } from '../options';
import { pendingTasksFirst } from '../quiet';
import { lookupVerdict } from '../verdict';
import { normalName, reverseName } from './codec';
import { dnsNameProblem } from './names';
import { answerSet, compareAuthoritative, compareResolvers, comparisonFindings, findZoneServers } from './compare';
import { lookupHops } from './hops';
import { cnameChain } from './probe';
import { queryServers } from './query';
import { referralFinding, referralInstead, refusedRecursionHint, truncatedFinding } from './recursion';
import { formatDnsServer } from './servers';
import { explainSystemResolver } from './systemResolver';
import { traceName } from './trace';
import { warmUpDns } from './warmUp';
import type { TraceResult } from './trace';

export class DnsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsInputError';
  }
}

export interface DnsLookupOptions {
  signal?: AbortSignal;
  /** Each query. */
  timeoutMs: number;
  now?: () => number;
  /** Default: A and AAAA, or PTR for an IP address. */
  types?: readonly string[];
  /** Recursive resolvers, asked in order (retries across them). Empty: no recursive queries. */
  servers: readonly DnsServer[];
  tcp?: boolean;
  /** Set the DNSSEC OK bit (RFC 3225). */
  dnssecOk?: boolean;
  maxAttempts?: number;
  /** Iterative trace from these roots on this port (`IANA_ROOT_HINTS`, 53 outside tests). */
  trace?: { roots: readonly TraceServer[]; port: number } | null;
  /** Explain the system resolver (reads files, calls the lookup); null to skip. */
  system?: { lookup: LookupFn; readFile: (path: string) => string; platform: NodeJS.Platform; paths?: { resolvConf?: string; hosts?: string; nsswitch?: string } } | null;
  /** Public resolvers to compare with (only when the user enabled them). */
  publicResolvers?: readonly DnsServer[];
  /** Ask every authoritative server of the zone directly (always with a trace). */
  authoritative?: boolean;
  /** Port of authoritative servers when no trace gives one (53 outside tests). */
  authoritativePort?: number;
}

/** The name to ask and the default types for what the user typed. */
export function dnsQuestionOf(input: string, types: readonly string[] | undefined): { name: string; types: string[] } {
  const text = input.trim();
  const ptr = isIP(text) !== 0 ? reverseName(text) : null;
  const wanted = (types ?? []).map((t) => t.toUpperCase());
  for (const t of wanted) {
    if (!(RECORD_TYPES as readonly string[]).includes(t)) throw new DnsInputError(`Unknown record type "${t}": use one of ${RECORD_TYPES.join(', ')}.`);
  }
  if (ptr !== null) return { name: ptr, types: wanted.length > 0 ? wanted : ['PTR'] };
  const ascii = text === '.' ? '.' : domainToASCII(text.replace(/\.$/, ''));
  const name = normalName(ascii);
  const bad = ascii === '' || (name !== '.' && dnsNameProblem(name) !== null);
  if (bad) throw new DnsInputError(`"${input}" is not a valid DNS name.`);
  return { name, types: wanted.length > 0 ? [...new Set(wanted)] : ['A', 'AAAA'] };
}

export async function lookupDns(input: string, opts: DnsLookupOptions): Promise<DnsLookupResult> {
  // The first query of a process would pay for code run the first time inside its timing, and
  // for garbage collection the warm-up (or loading the engine) made due.
  warmUpDns();
  await pendingTasksFirst();
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const startedAt = new Date().toISOString();
  const { name, types } = dnsQuestionOf(input, opts.types);
  const signal = opts.signal ? { signal: opts.signal } : {};
  const first = types[0] ?? 'A';

  const queriesP = Promise.all(
    types.map((type) =>
      queryServers(opts.servers, { name, type, rd: true, ...(opts.dnssecOk ? { dnssecOk: true } : {}) }, { timeoutMs: opts.timeoutMs, now, ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}), ...(opts.tcp ? { tcp: true } : {}), ...signal }),
    ),
  );
  const systemP = opts.system && (first === 'A' || first === 'AAAA' || first === 'PTR')
    ? explainSystemResolver(first === 'PTR' ? input.trim() : name, { timeoutMs: opts.timeoutMs, now, ...opts.system, ...signal })
    : Promise.resolve(null);
  const traceP = opts.trace ? traceName(name, first, { timeoutMs: opts.timeoutMs, now, roots: opts.trace.roots, port: opts.trace.port, ...signal }) : Promise.resolve(null);
  const [queries, system, trace] = await Promise.all([opts.servers.length > 0 ? queriesP : Promise.resolve([]), systemP, traceP]);

  const findings: Finding[] = [];
  const chain = cnameChain(name, queries);
  findings.push(...queryFindings(name, queries, chain));
  if (system) findings.push(...system.findings);
  if (trace) findings.push(...trace.findings, ...traceVsRecursive(name, first, trace, queries));

  const comparison = await compare(name, first, opts, now, system?.info ?? null, trace);
  if (comparison) findings.push(...comparisonFindings(name, first, comparison.zone, comparison.rows, trace?.parentNs ?? []));

  const cancelled = opts.signal?.aborted === true;
  const all = dedupe(findings);
  if (cancelled) all.push(finding('CANCELLED', 'The lookup was cancelled; results are partial.'));
  const result: DnsLookupResult = {
    kind: 'dns-lookup',
    schemaVersion: 1,
    input,
    name,
    types,
    startedAt,
    servers: opts.servers.map(formatDnsServer),
    queries,
    cnameChain: chain,
    hops: lookupHops(system?.info ?? null, queries, trace?.hops ?? []),
    findings: all,
    verdict: lookupVerdict({ queries, findings: all, cancelled, ...(trace ? { trace: trace.hops } : {}) }),
    cancelled,
    durationMs: 0,
  };
  if (trace) {
    result.trace = trace.hops;
    result.traceAnswer = trace.answer;
  }
  if (system) result.system = system.info;
  if (comparison) result.comparison = comparison;
  result.durationMs = ms(now() - start);
  return result;
}

async function compare(name: string, type: string, opts: DnsLookupOptions, now: () => number, system: SystemResolverInfo | null, trace: TraceResult | null): Promise<DnsComparison | null> {
  const copts = { timeoutMs: opts.timeoutMs, now, port: opts.trace?.port ?? opts.authoritativePort ?? 53, ...(opts.signal ? { signal: opts.signal } : {}) };
  const resolvers = opts.servers.length > 1 || (opts.publicResolvers?.length ?? 0) > 0 || system !== null
    ? [...opts.servers.map((server) => ({ server, kind: 'resolver' as const })), ...(opts.publicResolvers ?? []).map((server) => ({ server, kind: 'public' as const }))]
    : [];
  let zone: { zone: string; servers: TraceServer[] } | null = null;
  if (trace?.zone && trace.zoneServers.length > 0) zone = { zone: trace.zone, servers: trace.zoneServers };
  else if (opts.authoritative && opts.servers.length > 0 && !opts.signal?.aborted) zone = await findZoneServers(name, opts.servers, copts);
  if (resolvers.length === 0 && zone === null) return null;
  const systemAnswers = system && system.error === undefined && type !== 'PTR' ? system.addresses : null;
  const [resolverRows, authRows] = await Promise.all([
    resolvers.length > 0 ? compareResolvers(name, type, resolvers, systemAnswers, copts) : Promise.resolve([]),
    zone ? compareAuthoritative(zone.zone, name, type, zone.servers.filter((s) => s.address !== null), copts) : Promise.resolve([]),
  ]);
  return { type, zone: zone?.zone ?? null, rows: [...resolverRows, ...authRows] };
}

function queryFindings(name: string, queries: readonly DnsQueryResult[], chain: readonly CnameLink[]): Finding[] {
  const findings: Finding[] = [];
  const end = chain.at(-1);
  if (end !== undefined && chain.some((l) => normalName(l.name) === normalName(end.target))) {
    findings.push(finding('DNS_CNAME_LOOP', `The CNAME chain of ${name} loops: ${[name, ...chain.map((l) => l.target)].join(' → ')}.`, name));
  }
  for (const q of queries) {
    const what = `${q.question.name} ${q.question.type}`;
    if (q.truncated && q.error !== undefined) {
      findings.push(finding('DNS_TRUNCATED_NO_TCP', `${q.server} truncated the UDP answer for ${what}, and the TCP retry failed: ${q.error.message}`, q.server));
      continue;
    }
    if (q.error !== undefined) {
      const code = q.error.code === 'DNS_BAD_RESPONSE' ? 'DNS_BAD_RESPONSE' : q.error.code === 'CANCELLED' ? null : 'DNS_TIMEOUT';
      if (code === 'DNS_TIMEOUT') findings.push(finding(code, `No usable answer for ${what} from ${tried(q)}: ${q.error.message}`, q.server));
      else if (code !== null) findings.push(finding(code, `No usable answer from ${q.server} for ${what}: ${q.error.message}`, q.server));
      continue;
    }
    const truncated = truncatedFinding(q.server, what, q);
    if (truncated) findings.push(truncated);
    const referral = referralInstead(q, q.question.name);
    if (referral !== null) {
      findings.push(referralFinding(q.server, what, q, referral));
      continue;
    }
    if (q.rcode === 'NXDOMAIN') {
      if (end !== undefined) findings.push(finding('DNS_DANGLING_CNAME', `${name} is an alias (CNAME) of ${end.target}, which does not exist (NXDOMAIN from ${q.server}).`, end.target));
      else findings.push(finding('DNS_NXDOMAIN', `${q.server} answers NXDOMAIN for ${what}: the name does not exist.`, q.server));
    } else if (q.rcode === 'SERVFAIL') {
      findings.push(finding('DNS_SERVFAIL', `${tried(q)} answer SERVFAIL for ${what}.`, q.server));
    } else if (q.rcode === 'REFUSED') {
      findings.push(finding('DNS_REFUSED', `${tried(q)} refuse to answer ${what}.${refusedRecursionHint(q)}`, q.server));
    } else if (q.rcode !== 'NOERROR' && q.rcode !== null) {
      findings.push(finding('DNS_BAD_RESPONSE', `${q.server} answers ${q.rcode} for ${what}.`, q.server));
    }
  }
  return findings;
}

/** The servers a query asked, in order, each once (a truncated answer and its retry are one server). */
function tried(q: DnsQueryResult): string {
  return [...new Set(q.attempts.map((a) => a.server))].join(', ');
}

/** RFC 1034 §5.3.3: the recursive answer should be what the authoritative servers say. */
function traceVsRecursive(name: string, type: string, trace: TraceResult, queries: readonly DnsQueryResult[]): Finding[] {
  // A referral is no answer to compare (recursion.ts): only a resolver's answer can differ.
  const recursive = queries.find((q) => q.question.type === type && q.error === undefined && q.rcode === 'NOERROR' && referralInstead(q, q.question.name) === null);
  if (recursive === undefined || trace.error !== undefined || trace.rcode !== 'NOERROR') return [];
  const fromRoot = answerSet({ answers: trace.answer }, type);
  const fromResolver = answerSet(recursive, type);
  if (fromRoot.join(' ') === fromResolver.join(' ')) return [];
  return [
    finding(
      'DNS_SPLIT_HORIZON',
      `The trace from the root gives ${fromRoot.join(', ') || 'nothing'} for ${name} ${type}, but ${recursive.server} answers ${fromResolver.join(', ') || 'nothing'}: the resolver has another view (split horizon) or a stale cache.`,
      recursive.server,
    ),
  ];
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    // The same problem found twice (by the trace and by the comparison) is said once.
    const key = `${f.code}\n${f.subject ?? f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
