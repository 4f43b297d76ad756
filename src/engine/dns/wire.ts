// Wire-level DNS for Diagnose Endpoint: one A or AAAA question to one server, recursion desired,
// the way dig asks it, so the answer can be compared with the system resolver's. The transport
// (UDP with resends, TCP on truncation, source/ID/question checks) is the DNS module's own
// (exchange.ts through query.ts); this only shapes its result into the Report's WireQuery.
import type { DnsServer } from '../options';
import type { WireQuery } from '../report';
import { dnsNameProblem } from './names';
import { formatDnsServer } from './servers';
import { queryServers } from './query';

export interface WireQueryOptions {
  signal?: AbortSignal;
  /** For the whole query: UDP, its retransmissions and a TCP retry. */
  timeoutMs: number;
  now: () => number;
}

/**
 * Asks `server` for `name`/`type` with recursion desired. Never throws: failures are in `error`
 * (DNS_TIMEOUT, DNS_BAD_RESPONSE, CANCELLED, ECONNREFUSED, EINVAL…) with `rcode: null`.
 */
export async function wireQuery(server: DnsServer, name: string, type: 'A' | 'AAAA', opts: WireQueryOptions): Promise<WireQuery> {
  const qname = name.replace(/\.$/, '').toLowerCase();
  if (dnsNameProblem(qname) !== null) {
    return { server: formatDnsServer(server), type, rcode: null, transport: 'udp', truncated: false, authoritative: false, answers: [], durationMs: 0, error: { code: 'EINVAL', message: `"${name}" is not a valid DNS name.` } };
  }
  const r = await queryServers([server], { name: qname, type, rd: true }, { ...(opts.signal ? { signal: opts.signal } : {}), timeoutMs: opts.timeoutMs, maxAttempts: 1, now: opts.now });
  const query: WireQuery = {
    server: r.server,
    type,
    rcode: r.rcode,
    transport: r.transport,
    truncated: r.truncated,
    authoritative: r.flags.includes('AA'),
    answers: r.rcode === null ? [] : r.answers.map(({ name: n, type: t, ttl, data }) => ({ name: n, type: t, ttl, data })),
    durationMs: r.durationMs,
  };
  if (r.error) query.error = r.error;
  return query;
}
