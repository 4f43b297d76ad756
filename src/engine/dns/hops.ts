// The DNS hop diagrams, as the views draw them: for a diagnosis, this machine → the stub resolver
// → each DNS server asked directly; for a lookup, the resolvers it asked and, with a trace, each
// server from the root down. The engine decides each hop's status; the views only draw them.
import type { Hop } from '../model/common';
import type { DnsQueryResult, DnsResult, SystemResolverInfo, TraceHop } from '../model/dns';
import { serverRole } from './recursion';

/** What the DNS probes of a diagnosis fill in; its hops are derived from it (diagnosisDnsHops). */
export type DnsProbe = Omit<DnsResult, 'hops'>;

/** The diagnosis' DNS part with its hops. */
export function withDnsHops(dns: DnsProbe): DnsResult {
  return { ...dns, hops: diagnosisDnsHops(dns) };
}

/** This machine, the stub resolver (unless pinned or an IP literal), then each wire query as it ended. */
export function diagnosisDnsHops(dns: DnsProbe): Hop[] {
  const hops: Hop[] = [{ kind: 'client', label: 'This machine', status: 'ok' }];
  const sys = dns.system;
  if (!sys.skipped) hops.push({ kind: 'dns', label: 'Stub resolver (getaddrinfo)', durationMs: sys.durationMs, status: sys.error ? 'fail' : 'ok' });
  for (const q of dns.wire) hops.push({ kind: 'dns', label: `Resolver ${q.server} (${q.type})`, durationMs: q.durationMs, status: q.status });
  return hops;
}

/**
 * client → stub resolver → each server asked (a recursive resolver only when it set RA); for a
 * trace, root → TLD → authoritative.
 */
export function lookupHops(system: SystemResolverInfo | null, queries: readonly DnsQueryResult[], trace: readonly TraceHop[]): Hop[] {
  const hops: Hop[] = [{ kind: 'client', label: 'This machine', status: 'ok' }];
  if (system) {
    const from = system.answeredFrom === 'hosts' ? `hosts file ${system.hostsEntries[0]?.path ?? ''}` : system.answeredBy ?? 'no answer';
    hops.push({ kind: 'dns', label: 'Stub resolver (getaddrinfo)', detail: from, durationMs: system.durationMs, status: system.error ? 'fail' : 'ok' });
  }
  for (const server of [...new Set(queries.flatMap((q) => q.attempts.map((a) => a.server)))]) {
    const attempts = queries.flatMap((q) => q.attempts.filter((a) => a.server === server));
    const ok = attempts.some((a) => a.error === undefined && a.rcode !== 'SERVFAIL' && a.rcode !== 'REFUSED');
    hops.push({ kind: 'dns', label: `${serverRole(attempts)} ${server}`, address: server, durationMs: Math.max(...attempts.map((a) => a.durationMs)), status: ok ? 'ok' : 'fail' });
  }
  // A server that answered, even "no such name", did its part: only lame and failed steps fail here.
  for (const h of trace) {
    const level = h.zone === '.' ? 'Root' : h.outcome === 'referral' ? `TLD/zone ${h.zone}` : `Authoritative for ${h.zone}`;
    hops.push({ kind: 'dns', label: `${level}: ${h.serverName}`, detail: h.outcome === 'referral' ? `refers to ${h.referralZone ?? ''}` : h.outcome, address: h.server, durationMs: h.durationMs, status: h.outcome === 'lame' || h.outcome === 'error' ? 'fail' : 'ok' });
  }
  return hops;
}
