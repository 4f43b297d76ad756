// What an answer says about the server that gave it: whether it recursed (RA, RFC 1035 §4.1.1),
// whether its NOERROR without records is a referral (RFC 1034 §4.3.1: a server that does not
// recurse answers a name below a zone it delegated with that zone's NS records) and whether it
// arrived whole (TC). A referral is not an answer: its empty answer section says nothing about
// the name, so it is never compared with other answers, and a server is called a recursive
// resolver only when it sets RA. Pure; used by the lookup, the diagnosis and the trace.
import { finding } from '../findings';
import type { Finding } from '../model/common';
import type { DnsAttempt, DnsQueryResult } from '../model/dns';
import { inZone, normalName } from './codec';

type Answered = Pick<DnsQueryResult, 'rcode' | 'flags' | 'answers' | 'authority'>;

export interface Referral {
  /** The zone the server refers to. */
  zone: string;
  /** Its name servers, as the referral lists them. */
  ns: string[];
}

/** The server set RA: it offers recursion. */
export function offersRecursion(q: Pick<DnsQueryResult, 'flags'>): boolean {
  return q.flags.includes('RA');
}

/** NS records in the authority section for a zone that holds `name`: where to ask next. */
export function delegationOf(q: Pick<DnsQueryResult, 'authority'>, name: string): Referral | null {
  const ns = q.authority.filter((a) => a.type === 'NS' && inZone(name, a.name));
  const first = ns[0];
  if (first === undefined) return null;
  const zone = normalName(first.name);
  return { zone, ns: [...new Set(ns.filter((a) => normalName(a.name) === zone).map((a) => normalName(a.data)))] };
}

/**
 * The referral `q` is instead of an answer for `name`: NOERROR, not authoritative, no records,
 * and a delegation in the authority section. Null for an answer (records, NXDOMAIN, NODATA).
 */
export function referralInstead(q: Answered, name: string): Referral | null {
  if (q.rcode !== 'NOERROR' || q.flags.includes('AA') || q.answers.length > 0) return null;
  return delegationOf(q, name);
}

/** `server` sent a referral for `what`: it does not resolve names for its clients (DNS_NO_RECURSION). */
export function referralFinding(server: string, what: string, q: Answered, referral: Referral): Finding {
  const to = `${referral.zone === '.' ? 'the root' : referral.zone} (${referral.ns.join(', ')})`;
  const why = offersRecursion(q)
    ? `${server} sets RA (recursion available) but answers ${what} with a referral to ${to}, not with an answer`
    : `${server} does not offer recursion (RA is not set): it answers ${what} with a referral to ${to}, which is where to ask next, not the answer`;
  return finding('DNS_NO_RECURSION', `${why}. It is an authoritative or root server, not a recursive resolver, so its empty answer is not compared with other answers.`, server);
}

/** For a REFUSED answer without RA: the server is not a recursive resolver (for this client). */
export function refusedRecursionHint(q: Pick<DnsQueryResult, 'flags'>): string {
  return offersRecursion(q) ? '' : ' It does not offer recursion (RA is not set): it is an authoritative server for other zones, or a resolver that does not recurse for this client.';
}

/** The answer still had TC set when it was used (over TCP, or a UDP answer kept as it was). */
export function truncatedFinding(server: string, what: string, q: Pick<DnsQueryResult, 'flags' | 'transport' | 'answers'>): Finding | null {
  if (!q.flags.includes('TC')) return null;
  return finding('DNS_TRUNCATED', `${server} set TC (truncated) on its ${q.transport.toUpperCase()} answer for ${what}: the ${q.answers.length} record(s) shown may be only part of the answer.`, server);
}

/** How a hop names a server from the attempts it answered: a recursive resolver only with RA. */
export function serverRole(attempts: readonly DnsAttempt[]): string {
  const answered = attempts.filter((a) => a.error === undefined);
  if (answered.length === 0) return 'DNS server';
  if (answered.some((a) => a.flags.includes('RA'))) return 'Recursive resolver';
  return answered.some((a) => a.flags.includes('AA')) ? 'Authoritative server' : 'DNS server (no recursion)';
}
