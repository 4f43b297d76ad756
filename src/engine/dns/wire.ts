// Wire-level DNS for Diagnose Endpoint: one A or AAAA question to one server, recursion desired,
// the way dig asks it, so the answer can be compared with the system resolver's. The transport
// (UDP with resends, TCP on truncation, source/ID/question checks) is the DNS module's own
// (exchange.ts through query.ts); this keeps its whole result as the Report's WireQuery.
import type { WireQuery } from '../model/dns';
import type { DnsServer } from '../options';
import { dnsNameProblem } from './names';
import { queryServers, unanswered } from './query';
import { formatDnsServer } from './servers';

export interface WireQueryOptions {
  signal?: AbortSignal;
  /** For the whole query: UDP, its retransmissions and a TCP retry. */
  timeoutMs: number;
  now: () => number;
  /** Where the answer is read once it has arrived (exchange.ts). */
  defer?: (read: () => void) => void;
}

/**
 * Asks `server` for `name`/`type` with recursion desired. Never throws: failures are in `error`
 * (DNS_TIMEOUT, DNS_BAD_RESPONSE, CANCELLED, ECONNREFUSED, EINVAL…) with `rcode: null`.
 */
export async function wireQuery(server: DnsServer, name: string, type: 'A' | 'AAAA', opts: WireQueryOptions): Promise<WireQuery> {
  const qname = name.replace(/\.$/, '').toLowerCase();
  if (dnsNameProblem(qname) !== null) {
    return { ...unanswered({ name: qname, type }, formatDnsServer(server), 'udp', { code: 'EINVAL', message: `"${name}" is not a valid DNS name.` }), type, authoritative: false };
  }
  const r = await queryServers([server], { name: qname, type, rd: true }, { ...(opts.signal ? { signal: opts.signal } : {}), timeoutMs: opts.timeoutMs, maxAttempts: 1, now: opts.now, ...(opts.defer ? { defer: opts.defer } : {}) });
  // Records of an answer that did not arrive whole (a truncated UDP answer whose TCP retry failed)
  // are not the answer: the diagnosis compares and connects only to what a valid answer holds.
  return { ...r, answers: r.rcode === null ? [] : r.answers, type, authoritative: r.flags.includes('AA') };
}
