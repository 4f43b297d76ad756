// One question answered by a list of servers, the way a stub resolver does it (resolv.conf(5)
// `attempts`/`timeout`): the first server, then the next when one fails, times out or answers
// SERVFAIL/REFUSED, within a bounded number of attempts and a total time budget. Never throws.
import { CancelledError, ProbeTimeoutError, deadline, errorInfo, ms } from '../abort';
import type { ErrorInfo } from '../model/common';
import type { DnsAttempt, DnsQueryResult } from '../model/dns';
import type { DnsServer } from '../options';
import { DnsExchangeError, TruncatedError, exchange } from './exchange';
import type { Question, TruncatedUdp } from './exchange';
import { formatDnsServer } from './servers';

export interface QueryOptions {
  signal?: AbortSignal;
  /** Each attempt (UDP with its resends plus a TCP retry). */
  timeoutMs: number;
  /** At most this many servers are tried (default 3, like glibc's MAXNS). */
  maxAttempts?: number;
  /** All attempts together (default 2 × timeoutMs). */
  budgetMs?: number;
  tcp?: boolean;
  now: () => number;
  /** Where received datagrams are read (exchange.ts). */
  defer?: (read: () => void) => void;
}

/** Rcodes that say "this server could not help", so the next one is asked (RFC 1034 §5.3.3). */
const TRY_NEXT = new Set(['SERVFAIL', 'REFUSED', 'NOTIMP', 'FORMERR']);

/** A query that got no answer (yet): `fail`, every section empty. */
export function unanswered(question: { name: string; type: string }, server: string, transport: 'udp' | 'tcp', error?: ErrorInfo): DnsQueryResult {
  const result: DnsQueryResult = { question: { name: question.name, type: question.type }, server, transport, truncated: false, rcode: null, status: 'fail', flags: [], edns: null, answers: [], authority: [], additional: [], durationMs: 0, attempts: [] };
  if (error) result.error = error;
  return result;
}

export async function queryServers(servers: readonly DnsServer[], question: Question, opts: QueryOptions): Promise<DnsQueryResult> {
  const start = opts.now();
  const result = unanswered(question, servers[0] === undefined ? '' : formatDnsServer(servers[0]), opts.tcp ? 'tcp' : 'udp');
  if (servers.length === 0) {
    result.error = { code: 'EINVAL', message: 'No DNS server to ask.' };
    return result;
  }
  const budget = deadline(opts.signal, opts.budgetMs ?? opts.timeoutMs * 2, `DNS query for ${question.name} ${question.type}`);
  // The query's time runs from its first datagram to the answer it ends with, both read at the
  // socket events (exchange.ts); a query that ends without an answer waited until now.
  let firstSent: number | null = null;
  let answered: number | null = null;
  try {
    const attempts = Math.min(opts.maxAttempts ?? 3, servers.length);
    for (let i = 0; i < attempts && !budget.signal.aborted; i++) {
      const server = servers[i];
      if (server === undefined) break;
      const attempt = await queryOne(server, question, opts, budget.signal);
      firstSent ??= attempt.sentAt;
      answered = attempt.answeredAt;
      result.attempts.push(...attempt.summaries);
      Object.assign(result, attempt.fields);
      const last = attempt.summaries.at(-1);
      if (last?.error === undefined) delete result.error;
      if (last?.error?.code === 'CANCELLED') break;
      if (last?.error === undefined && !TRY_NEXT.has(last?.rcode ?? '')) break;
    }
  } finally {
    budget.dispose();
  }
  if (result.attempts.length === 0) result.error = { code: 'CANCELLED', message: 'Cancelled before the query was sent.' };
  result.durationMs = ms((answered ?? opts.now()) - (firstSent ?? start));
  result.status = result.error === undefined && result.rcode === 'NOERROR' ? 'ok' : 'fail';
  return result;
}

interface AttemptOutcome {
  /** One per message exchanged: a truncated UDP answer, then its TCP retry. */
  summaries: DnsAttempt[];
  fields: Partial<DnsQueryResult>;
  /** When its first datagram left, and its answer arrived; null when it had none. */
  sentAt: number | null;
  answeredAt: number | null;
}

async function queryOne(server: DnsServer, question: Question, opts: QueryOptions, budget: AbortSignal): Promise<AttemptOutcome> {
  const name = formatDnsServer(server);
  const start = opts.now();
  const d = deadline(budget, opts.timeoutMs, `DNS query to ${name}`);
  const base = { server: name, truncated: false, rcode: null, flags: [], edns: null, answers: [], authority: [], additional: [] };
  const udpAttempt = (udp: TruncatedUdp): DnsAttempt => ({ server: name, transport: 'udp', durationMs: ms(udp.durationMs), rcode: udp.message.rcode, flags: udp.message.flags });
  try {
    const r = await exchange(server, question, { signal: d.signal, timeoutMs: opts.timeoutMs, now: opts.now, ...(opts.tcp ? { tcp: true } : {}), ...(opts.defer ? { defer: opts.defer } : {}) });
    const m = r.message;
    // A TCP retry is timed from the truncated UDP answer's arrival to its own answer.
    const tcpStart = r.udp === undefined ? 0 : r.udp.durationMs;
    const summary: DnsAttempt = { server: name, transport: r.transport, durationMs: ms(r.answeredAt - r.sentAt - tcpStart), rcode: m.rcode, flags: m.flags };
    const summaries = r.udp === undefined ? [summary] : [udpAttempt(r.udp), summary];
    return { summaries, fields: { ...base, transport: r.transport, truncated: r.truncated, rcode: m.rcode, flags: m.flags, edns: m.edns, answers: m.answers, authority: m.authority, additional: m.additional }, sentAt: r.sentAt, answeredAt: r.answeredAt };
  } catch (err) {
    const error = errorFor(err, name, question, opts.timeoutMs, budget);
    const truncated = err instanceof TruncatedError;
    const transport: 'udp' | 'tcp' = truncated || opts.tcp ? 'tcp' : 'udp';
    const fields: Partial<DnsQueryResult> = { ...base, transport, truncated, error };
    const failed: DnsAttempt = { server: name, transport, durationMs: ms(opts.now() - start), rcode: null, flags: [], error };
    if (err instanceof TruncatedError) {
      // The truncated UDP answer is still shown: its header and whatever records fit.
      const udp = err.udp.message;
      Object.assign(fields, { flags: udp.flags, edns: udp.edns, answers: udp.answers, authority: udp.authority, additional: udp.additional });
      return { summaries: [udpAttempt(err.udp), { ...failed, durationMs: ms(opts.now() - start - err.udp.durationMs) }], fields, sentAt: start, answeredAt: null };
    }
    return { summaries: [failed], fields, sentAt: start, answeredAt: null };
  } finally {
    d.dispose();
  }
}

function errorFor(err: unknown, server: string, q: Question, timeoutMs: number, budget: AbortSignal): ErrorInfo {
  if (err instanceof CancelledError && budget.aborted && budget.reason instanceof ProbeTimeoutError) {
    return { code: 'DNS_TIMEOUT', message: `The time budget for ${q.name} ${q.type} ran out while waiting for ${server}.` };
  }
  if (err instanceof ProbeTimeoutError) return { code: 'DNS_TIMEOUT', message: `No answer from ${server} for ${q.name} ${q.type} within ${timeoutMs} ms.` };
  if (err instanceof TruncatedError) return { code: err.code === 'DNS_TIMEOUT' ? 'DNS_TIMEOUT' : err.code, message: `${server}: ${err.message}` };
  if (err instanceof DnsExchangeError) return { code: err.code, message: err.message };
  return errorInfo(err);
}
