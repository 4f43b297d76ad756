// Iterative resolution from the root hints, like `dig +trace`, kept as hops: for each step the
// zone, the server asked (name and address), its time, and the referral it gave with where each
// next server's address came from (glue, or resolved separately — those lookups run in
// parallel). CNAMEs are followed across zones. Lame servers, missing glue, loops and an NS set
// that the zone itself contradicts become findings. Never throws; bounded in queries and time.
import { deadline, ms } from '../abort';
import { finding } from '../findings';
import type { CnameLink, ErrorInfo, Finding } from '../model/common';
import type { DnsQueryResult, DnsRecord, TraceHop, TraceServer } from '../model/dns';
import type { DnsServer } from '../options';
import { inZone, normalName } from './codec';
import { queryServers } from './query';
import { delegationOf } from './recursion';
import { formatDnsServer } from './servers';

export interface TraceOptions {
  signal?: AbortSignal;
  /** Each query. */
  timeoutMs: number;
  now: () => number;
  /** Where to start; IANA_ROOT_HINTS by default (the caller passes them). */
  roots: readonly TraceServer[];
  /** The port of every server (root hints and glue carry none): 53, or the test hierarchy's. */
  port: number;
  /** The most queries one trace may send, NS address lookups included (default 100). */
  maxQueries?: number;
  /** The whole trace, NS address lookups included (default 20 × timeoutMs). */
  budgetMs?: number;
}

export interface TraceResult {
  hops: TraceHop[];
  /** The final records of the asked type (after following CNAMEs), empty when none. */
  answer: DnsRecord[];
  rcode: string | null;
  cnameChain: CnameLink[];
  /** The zone that answered and its servers, for asking each of them directly (compare.ts). */
  zone: string | null;
  zoneServers: TraceServer[];
  /** The NS set the parent gave for `zone`. */
  parentNs: string[];
  findings: Finding[];
  error?: ErrorInfo;
}

interface Context {
  opts: TraceOptions;
  queries: number;
  findings: Finding[];
  /** NS address lookups already made (or running), shared so each name is resolved once. */
  addressCache: Map<string, Promise<string | null>>;
  /** Queries on the wire now, and the queries waiting for one of them to end. */
  inFlight: number;
  waiting: (() => void)[];
  /** Zones whose referral had more glue-less servers than are looked up (said once each). */
  limited: Set<string>;
}

const MAX_CNAMES = 8;
/** NS address lookups may themselves need NS address lookups; this bounds the recursion. */
const MAX_DEPTH = 4;
/**
 * Glue-less name servers of one referral whose addresses are looked up. Resolvers bound this
 * against NXNSAttack-style amplification (a referral naming hundreds of servers without glue):
 * BIND 9.16.3+ looks up at most 5 per referral (CVE-2020-8616).
 */
const MAX_NS_LOOKUPS = 5;
/** Queries of one trace on the wire at once: parallel NS lookups wait for a free one. */
const MAX_IN_FLIGHT = 4;

export async function traceName(name: string, type: string, opts: TraceOptions): Promise<TraceResult> {
  const budget = deadline(opts.signal, opts.budgetMs ?? opts.timeoutMs * 20, `Trace of ${name} ${type}`);
  try {
    return await traceWithin(name, type, { ...opts, signal: budget.signal });
  } finally {
    budget.dispose();
  }
}

async function traceWithin(name: string, type: string, opts: TraceOptions): Promise<TraceResult> {
  const ctx: Context = { opts, queries: 0, findings: [], addressCache: new Map(), inFlight: 0, waiting: [], limited: new Set() };
  const hops: TraceHop[] = [];
  const chain: CnameLink[] = [];
  const seen = new Set<string>([normalName(name)]);
  let current = normalName(name);
  for (let i = 0; i <= MAX_CNAMES; i++) {
    const step = await iterate(current, type, ctx, [], hops);
    if (step.kind !== 'cname') {
      const end = chain.at(-1);
      if (step.rcode === 'NXDOMAIN' && end !== undefined) {
        ctx.findings.push(finding('DNS_DANGLING_CNAME', `${name} is an alias (CNAME) of ${end.target}, which does not exist (NXDOMAIN from its authoritative server).`, end.target));
      }
      return { hops, answer: step.records, rcode: step.rcode, cnameChain: chain, zone: step.zone, zoneServers: step.servers, parentNs: step.parentNs, findings: ctx.findings, ...(step.error ? { error: step.error } : {}) };
    }
    chain.push(...step.links);
    const target = normalName(step.target);
    if (seen.has(target)) {
      ctx.findings.push(finding('DNS_CNAME_LOOP', `The CNAME chain of ${name} comes back to ${step.target}: ${[name, ...chain.map((l) => l.target)].join(' → ')}.`, name));
      return { hops, answer: [], rcode: step.rcode, cnameChain: chain, zone: step.zone, zoneServers: step.servers, parentNs: step.parentNs, findings: ctx.findings, error: { code: 'DNS_CNAME_LOOP', message: 'CNAME loop' } };
    }
    seen.add(target);
    current = target;
  }
  return { hops, answer: [], rcode: null, cnameChain: chain, zone: null, zoneServers: [], parentNs: [], findings: ctx.findings, error: { code: 'DNS_CNAME_LOOP', message: `More than ${MAX_CNAMES} CNAMEs.` } };
}

type Step =
  | { kind: 'done'; records: DnsRecord[]; rcode: string | null; zone: string | null; servers: TraceServer[]; parentNs: string[]; error?: ErrorInfo }
  | { kind: 'cname'; target: string; links: CnameLink[]; rcode: string | null; zone: string; servers: TraceServer[]; parentNs: string[] };

interface Usable {
  result: DnsQueryResult;
  server: TraceServer;
  hop: TraceHop;
}

/**
 * Asks `zone`'s servers in turn for `name`/`type` until one answers usably; a lame one is a hop
 * and a finding. The step that ends the trace instead: cancelled, the query limit, or no usable
 * server.
 */
async function askZone(name: string, type: string, zone: string, servers: TraceServer[], ctx: Context, path: readonly string[], hops: TraceHop[] | null, fail: (error: ErrorInfo, rcode?: string | null) => Step): Promise<Usable | Step> {
  for (const server of await withAddresses(servers, zone, ctx, path)) {
    const max = ctx.opts.maxQueries ?? 100;
    if (ctx.queries >= max) {
      if (!ctx.limited.has('')) {
        ctx.limited.add('');
        ctx.findings.push(finding('DNS_TRACE_LIMIT', `The trace of ${name} ${type} stopped after ${max} queries (its limit), at ${zone === '.' ? 'the root' : zone}.`, zone));
      }
      return fail({ code: 'DNS_TRACE_LIMIT', message: `The trace stopped after ${ctx.queries} queries.` });
    }
    if (server.address === null) continue;
    ctx.queries += 1;
    const address: DnsServer = { address: server.address, port: ctx.opts.port };
    const result = await inTurn(ctx, () => queryServers([address], { name, type, rd: false }, { timeoutMs: ctx.opts.timeoutMs, now: ctx.opts.now, budgetMs: ctx.opts.timeoutMs, ...(ctx.opts.signal ? { signal: ctx.opts.signal } : {}) }));
    const hop = hopOf(zone, name, type, server, formatDnsServer(address), result);
    const lame = lameReason(result, name, zone);
    if (lame === null) return { result, server, hop };
    settle(hop, result.error ? 'error' : 'lame');
    hops?.push(hop);
    if (result.error?.code === 'CANCELLED') return fail(result.error);
    ctx.findings.push(finding('DNS_LAME_DELEGATION', `${server.name} (${formatDnsServer(address)}) is listed for ${zone} but ${lame}.`, server.name));
  }
  return fail({ code: 'DNS_SERVFAIL', message: `No server of ${zone} gave a usable answer for ${name} ${type}.` }, 'SERVFAIL');
}

/**
 * Walks from the root to the zone that answers `name`/`type`; hops are recorded when `hops` is
 * given. `path` holds the NS names whose address lookups led here, so a server whose address
 * needs itself (in-zone without glue) fails instead of waiting on its own lookup.
 */
async function iterate(name: string, type: string, ctx: Context, path: readonly string[], hops: TraceHop[] | null): Promise<Step> {
  const depth = path.length;
  let zone = '.';
  let servers: TraceServer[] = [...ctx.opts.roots];
  let parentNs: string[] = [];
  const visited = new Set<string>(['.']);
  const fail = (error: ErrorInfo, rcode: string | null = null): Step => ({ kind: 'done', records: [], rcode, zone, servers, parentNs, error });

  for (;;) {
    if (ctx.opts.signal?.aborted) return fail({ code: 'CANCELLED', message: 'Cancelled' });
    const usable = await askZone(name, type, zone, servers, ctx, path, hops, fail);
    if ('kind' in usable) return usable;
    const { result, hop } = usable;
    hops?.push(hop);

    const owned = result.answers.filter((r) => normalName(r.name) === name);
    const direct = owned.filter((r) => r.type === type);
    if (direct.length > 0 || (type === 'CNAME' && owned.some((r) => r.type === 'CNAME'))) {
      settle(hop, 'answer');
      checkZoneNs(result, zone, parentNs, ctx);
      return { kind: 'done', records: direct, rcode: result.rcode, zone, servers, parentNs };
    }
    const cname = followCnames(name, type, result.answers);
    if (cname !== null) {
      if (cname.records.length > 0) {
        settle(hop, 'answer');
        return { kind: 'done', records: cname.records, rcode: result.rcode, zone, servers, parentNs };
      }
      settle(hop, 'cname');
      return { kind: 'cname', target: cname.target, links: cname.links, rcode: result.rcode, zone, servers, parentNs };
    }
    if (result.rcode === 'NXDOMAIN') {
      settle(hop, 'nxdomain');
      return { kind: 'done', records: [], rcode: 'NXDOMAIN', zone, servers, parentNs };
    }
    const referral = delegationOf(result, name);
    if (referral === null) {
      settle(hop, 'nodata');
      checkZoneNs(result, zone, parentNs, ctx);
      return { kind: 'done', records: [], rcode: result.rcode, zone, servers, parentNs };
    }
    settle(hop, 'referral');
    hop.referralZone = referral.zone;
    hop.referral = referral.ns;
    if (visited.has(referral.zone) || !isBelow(referral.zone, zone)) {
      ctx.findings.push(finding('DNS_DELEGATION_LOOP', `${usable.server.name} (for ${zone}) refers ${name} to ${referral.zone}, which is ${visited.has(referral.zone) ? 'already visited' : 'not below it'}.`, referral.zone));
      return fail({ code: 'DNS_DELEGATION_LOOP', message: `Referral loop at ${referral.zone}.` });
    }
    const next = referral.ns.map((ns): TraceServer => {
      const glue = result.additional.find((r) => r.type === 'A' && normalName(r.name) === ns);
      return { name: ns, address: glue?.data ?? null, source: glue ? 'glue' : 'none' };
    });
    const missing = next.filter((s) => s.address === null && inZone(s.name, referral.zone));
    if (missing.length > 0) {
      ctx.findings.push(finding('DNS_MISSING_GLUE', `The referral for ${referral.zone} from ${usable.server.name} names ${missing.map((s) => s.name).join(', ')} inside the zone without glue addresses.`, referral.zone));
    }
    hop.referralServers = next;
    visited.add(referral.zone);
    zone = referral.zone;
    parentNs = referral.ns;
    servers = next;
    if (depth === 0) {
      // Resolve the glue-less servers now (in parallel) so the hop shows their addresses.
      servers = await withAddresses(next, zone, ctx, path, true);
      hop.referralServers = servers;
    }
  }
}

/**
 * The servers of `zone` with an address: glue first, and the glue-less names resolved in
 * parallel (each from the root, at most MAX_NS_LOOKUPS of them) — only when no server has
 * glue, unless `all` asks to resolve them whatever the glue.
 */
async function withAddresses(servers: readonly TraceServer[], zone: string, ctx: Context, path: readonly string[], all = false): Promise<TraceServer[]> {
  const withGlue = servers.filter((s) => s.address !== null);
  if ((!all && withGlue.length > 0) || path.length >= MAX_DEPTH) return all ? [...servers] : withGlue;
  const glueless = servers.filter((s) => s.address === null);
  const lookedUp = new Set(glueless.slice(0, MAX_NS_LOOKUPS));
  if (glueless.length > MAX_NS_LOOKUPS && !ctx.limited.has(zone)) {
    ctx.limited.add(zone);
    ctx.findings.push(
      finding('DNS_TRACE_LIMIT', `The referral for ${zone} names ${glueless.length} name servers without glue; the trace looked up the addresses of the first ${MAX_NS_LOOKUPS} only (${[...lookedUp].map((s) => s.name).join(', ')}), as resolvers do.`, zone),
    );
  }
  const resolved = await Promise.all(
    servers.map(async (s): Promise<TraceServer> => {
      if (s.address !== null || !lookedUp.has(s)) return s;
      const address = await resolveAddress(s.name, ctx, path);
      return address === null ? s : { name: s.name, address, source: 'resolved' };
    }),
  );
  return all ? resolved : resolved.filter((s) => s.address !== null);
}

function resolveAddress(ns: string, ctx: Context, path: readonly string[]): Promise<string | null> {
  const key = normalName(ns);
  if (path.includes(key)) return Promise.resolve(null);
  // Shared only between lookups with the same ancestry: two lookups that each need the other's
  // answer would otherwise wait on each other forever.
  const cacheKey = [...path, key].join(' > ');
  let pending = ctx.addressCache.get(cacheKey);
  if (pending === undefined) {
    pending = iterate(key, 'A', ctx, [...path, key], null).then((step) => (step.kind === 'done' ? (step.records.find((r) => r.type === 'A')?.data ?? null) : null));
    ctx.addressCache.set(cacheKey, pending);
  }
  return pending;
}

/** Why an answer from a server of `zone` cannot be used, or null when it can. */
function lameReason(r: DnsQueryResult, name: string, zone: string): string | null {
  if (r.error) return `did not answer (${r.error.code}: ${r.error.message})`;
  if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') return `answers ${r.rcode}`;
  const aa = r.flags.includes('AA');
  if (aa) return null;
  if (delegationOf(r, name) !== null) return null;
  // RFC 1034 §4.3.2: a server that is neither authoritative nor refers further does not serve the zone.
  return r.answers.length > 0 ? `answers ${zone === '.' ? 'the root' : zone} without the AA bit (a cached, not authoritative, answer)` : 'gives neither an authoritative answer nor a referral';
}

/** Runs `ask` when fewer than MAX_IN_FLIGHT queries of the trace are on the wire. */
async function inTurn<T>(ctx: Context, ask: () => Promise<T>): Promise<T> {
  while (ctx.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => ctx.waiting.push(resolve));
  ctx.inFlight += 1;
  try {
    return await ask();
  } finally {
    ctx.inFlight -= 1;
    ctx.waiting.shift()?.();
  }
}

function isBelow(child: string, parent: string): boolean {
  return normalName(child) !== normalName(parent) && inZone(child, parent);
}

/** Follows CNAMEs inside one answer; the records of `type` at the end, or the name still to ask. */
function followCnames(name: string, type: string, answers: readonly DnsRecord[]): { target: string; links: CnameLink[]; records: DnsRecord[] } | null {
  const links: CnameLink[] = [];
  let current = name;
  for (let i = 0; i < MAX_CNAMES; i++) {
    const c = answers.find((r) => r.type === 'CNAME' && normalName(r.name) === current);
    if (c === undefined) break;
    links.push({ name: c.name, target: c.data, ttl: c.ttl });
    current = normalName(c.data);
    if (links.some((l) => normalName(l.name) === current)) break;
  }
  if (links.length === 0) return null;
  return { target: current, links, records: answers.filter((r) => r.type === type && normalName(r.name) === current) };
}

/** RFC 1034 §4.2.2: the NS set in the zone should match the parent's delegation. */
function checkZoneNs(r: DnsQueryResult, zone: string, parentNs: readonly string[], ctx: Context): void {
  const own = [...new Set(r.authority.filter((a) => a.type === 'NS' && normalName(a.name) === zone).map((a) => normalName(a.data)))].sort();
  if (own.length === 0 || parentNs.length === 0) return;
  const parent = [...parentNs].sort();
  if (own.join(' ') !== parent.join(' ')) {
    ctx.findings.push(finding('DNS_INCONSISTENT_NS', `The parent delegates ${zone} to ${parent.join(', ')}, but the zone's own servers list ${own.join(', ')}.`, zone));
  }
}

/** What a step gave, and whether that led on (a referral, the answer, a CNAME) or not. */
function settle(hop: TraceHop, outcome: TraceHop['outcome']): void {
  hop.outcome = outcome;
  hop.status = outcome === 'referral' || outcome === 'answer' || outcome === 'cname' ? 'ok' : 'fail';
}

function hopOf(zone: string, name: string, type: string, server: TraceServer, address: string, r: DnsQueryResult): TraceHop {
  const hop: TraceHop = {
    zone,
    name,
    type,
    server: address,
    serverName: server.name,
    durationMs: ms(r.durationMs),
    rcode: r.rcode,
    outcome: 'error',
    status: 'fail',
    referral: [],
    referralServers: [],
    answers: r.answers,
    aa: r.flags.includes('AA'),
  };
  if (r.error) hop.error = r.error;
  return hop;
}
