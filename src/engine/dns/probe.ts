// What the DNS results mean: the CNAME chain behind the name, and findings that say, with the
// facts of this run, which server answered what and why the OS may see something else. Pure.
import { finding } from '../findings';
import type { FindingCode } from '../findings';
import type { CnameLink, Family, Finding } from '../model/common';
import type { ConnectionResult } from '../model/report';
import type { DnsAddress, DnsRecord, WireQuery } from '../model/dns';
import { normalName } from './codec';
import type { DnsProbe } from './hops';
import { isLocalhost } from './systemResolver';
import { referralFinding, referralInstead, refusedRecursionHint, truncatedFinding } from './recursion';
import { canonicalIp } from './servers';

/**
 * The CNAMEs from `name` onwards, as found in the answers of `queries` (first answer wins when
 * servers disagree). Stops at the first name already visited, so a CNAME loop ends.
 */
export function cnameChain(name: string, queries: readonly { readonly answers: readonly DnsRecord[] }[]): CnameLink[] {
  const links = new Map<string, CnameLink>();
  for (const q of queries) {
    for (const a of q.answers) {
      const owner = normalName(a.name);
      if (a.type === 'CNAME' && !links.has(owner)) links.set(owner, { name: a.name, target: a.data, ttl: a.ttl });
    }
  }
  const chain: CnameLink[] = [];
  const seen = new Set<string>();
  let current = normalName(name);
  for (let link = links.get(current); link !== undefined && !seen.has(current); link = links.get(current)) {
    seen.add(current);
    chain.push(link);
    current = normalName(link.target);
  }
  return chain;
}

const KNOWN_RCODES = new Set(['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED']);
/** Errors that say the query never got a valid answer for a reason of its own. */
const OWN_ERRORS = new Set(['DNS_TIMEOUT', 'DNS_BAD_RESPONSE', 'CANCELLED']);

/** Findings about the DNS layer of `host`: one per server and problem, then system-wide ones. */
export function dnsFindings(host: string, dns: DnsProbe): Finding[] {
  const findings: Finding[] = [];
  const chainEnd = dns.cnameChain.at(-1)?.target;
  const systemNotFound = dns.system.error !== undefined && ['ENOTFOUND', 'ENODATA'].includes(dns.system.error.code);
  const systemToo = systemNotFound ? ` The system resolver finds nothing either (${dns.system.error?.code}).` : nxdomainButLocal(dns);

  for (const [server, queries] of groupByServer(dns.wire)) {
    const add = (code: FindingCode, matching: WireQuery[], message: (types: string) => string): void => {
      if (matching.length > 0) findings.push(finding(code, message(typesOf(matching)), server));
    };
    add('DNS_NXDOMAIN', queries.filter((q) => q.rcode === 'NXDOMAIN'), (types) =>
      chainEnd === undefined
        ? `${server} answers NXDOMAIN for ${host} (${types}): the name does not exist.${systemToo}`
        : `${server} answers NXDOMAIN for ${host} (${types}): it is an alias (CNAME) of ${chainEnd}, and that name does not exist.${systemToo}`,
    );
    add('DNS_SERVFAIL', queries.filter((q) => q.rcode === 'SERVFAIL'), (types) =>
      `${server} answers SERVFAIL for ${host} (${types}): it could not get an answer from the authoritative servers of the name.`,
    );
    const refused = queries.filter((q) => q.rcode === 'REFUSED');
    add('DNS_REFUSED', refused, (types) => `${server} refuses to answer queries for ${host} (${types}).${refused[0] === undefined ? '' : refusedRecursionHint(refused[0])}`);
    const referred = queries.flatMap((q) => {
      const referral = q.error === undefined ? referralInstead(q, q.question.name) : null;
      return referral === null ? [] : [{ q, referral }];
    });
    const firstReferral = referred[0];
    if (firstReferral !== undefined) findings.push(referralFinding(server, `${host} (${typesOf(referred.map((r) => r.q))})`, firstReferral.q, firstReferral.referral));
    for (const q of queries) {
      const truncated = q.error === undefined ? truncatedFinding(server, `${host} ${q.type}`, q) : null;
      if (truncated) findings.push(truncated);
    }

    const timedOut = queries.filter((q) => q.error?.code === 'DNS_TIMEOUT');
    const unreachable = queries.filter((q) => q.error !== undefined && !OWN_ERRORS.has(q.error.code));
    add('DNS_TIMEOUT', [...timedOut, ...unreachable], (types) =>
      unreachable[0]?.error === undefined
        ? `No answer from ${server} for ${host} (${types}) within the timeout.`
        : `${server} could not be reached for ${host} (${types}): ${unreachable[0].error.code}, ${unreachable[0].error.message}`,
    );

    const malformed = queries.filter((q) => q.error?.code === 'DNS_BAD_RESPONSE');
    const oddRcode = queries.filter((q) => q.rcode !== null && !KNOWN_RCODES.has(q.rcode));
    add('DNS_BAD_RESPONSE', [...malformed, ...oddRcode], (types) => {
      const bad = malformed[0]?.error;
      if (bad !== undefined) return `No usable answer from ${server} for ${host} (${types}): ${bad.message}`;
      const rcode = oddRcode[0]?.rcode ?? '';
      const why = rcode === 'FORMERR' || rcode === 'NOTIMP' ? ' (it did not understand the query; some old servers reject EDNS)' : '';
      return `${server} answers ${rcode} for ${host} (${types})${why}.`;
    });
  }

  // A referral (recursion.ts) is no answer: it is neither NODATA nor compared with the system's.
  const succeeded = answered(dns);
  const wireAddresses = addressesIn(succeeded);
  const pinned = dns.pinned !== undefined && dns.pinned.length > 0;
  if (succeeded.length > 0 && wireAddresses.length === 0 && !pinned && dns.system.addresses.length === 0) {
    const via = chainEnd === undefined ? '' : ` (it is an alias of ${chainEnd}, which has none)`;
    findings.push(
      finding('DNS_NODATA', `${serversOf(succeeded)} answer NOERROR for ${host} but with no A or AAAA record${via}, and the system resolver finds no address either.`, host),
    );
  }

  const lookupError = dns.system.error;
  const explained = findings.some((f) => f.code === 'DNS_NXDOMAIN' || f.code === 'DNS_NODATA');
  if (lookupError !== undefined && lookupError.code !== 'CANCELLED' && !(systemNotFound && explained)) {
    findings.push(finding('DNS_LOOKUP_FAILED', lookupMessage(host, lookupError.code, lookupError.message), host));
  }

  const hosts = hostsFinding(host, dns, succeeded, wireAddresses);
  if (hosts) findings.push(hosts);
  const mismatch = mismatchFinding(host, dns, succeeded, wireAddresses);
  if (mismatch) findings.push(mismatch);
  return findings;
}

/** The answers a diagnosis compares: valid, NOERROR, and not a referral (recursion.ts). */
function answered(dns: DnsProbe): WireQuery[] {
  return dns.wire.filter((q) => q.rcode === 'NOERROR' && q.error === undefined && referralInstead(q, q.question.name) === null);
}

/**
 * The addresses DNS gives that this machine's answer (the hosts file, a pin) lacks: other
 * clients get them, so a diagnosis connects to them too. Empty until that answer is known.
 */
export function dnsOnlyAddresses(dns: DnsProbe): DnsAddress[] {
  const local = dns.pinned !== undefined && dns.pinned.length > 0 ? dns.pinned : dns.system.error === undefined && dns.system.skipped === undefined ? dns.system.addresses : [];
  if (local.length === 0) return [];
  const known = new Set(local.map((a) => canonicalIp(a.address)));
  const seen = new Set<string>();
  return addressesIn(answered(dns)).filter((a) => {
    const key = canonicalIp(a.address);
    if (known.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Errors that say this machine cannot reach the family at all: nothing about other clients. */
const NO_ROUTE_HERE = new Set(['ENETUNREACH', 'EADDRNOTAVAIL', 'CANCELLED']);

/** What the connects to DNS-only addresses mean for clients that get them (TCP_SOME_ADDRESSES_FAILED). */
export function dnsOnlyFindings(host: string, dns: DnsProbe, results: readonly ConnectionResult[], leftOut: number): Finding[] {
  const failed = results.filter((c) => !c.ok && !NO_ROUTE_HERE.has(c.error?.code ?? ''));
  if (failed.length === 0) return [];
  const entry = dns.system.hostsEntries?.[0];
  const whose = dns.pinned !== undefined && dns.pinned.length > 0 ? 'the pinned addresses (--resolve)' : entry !== undefined ? `${entry.path} line ${entry.line}` : "this machine's system resolver";
  const list = failed.map((c) => `${c.family === 6 ? `[${c.address}]` : c.address}:${c.port} ${c.error?.message ?? 'failed'}`).join('; ');
  const more = leftOut > 0 ? ` (${leftOut} more DNS-only address(es) were not tried)` : '';
  return [
    finding(
      'TCP_SOME_ADDRESSES_FAILED',
      `${host}: DNS also gives ${failed.map((c) => c.address).join(', ')}, which ${whose} hides from this machine, and it fails: ${list}${more}. Other clients, which ask DNS, get that address and may try it first.`,
      host,
    ),
  ];
}

/** Where this machine's answer came from when a hosts-file line gave it (DNS_HOSTS_OVERRIDE). */
function hostsFinding(host: string, dns: DnsProbe, succeeded: WireQuery[], wireAddresses: DnsAddress[]): Finding | null {
  const entries = dns.system.hostsEntries;
  const first = entries?.[0];
  if (entries === undefined || first === undefined || isLocalhost(host)) return null;
  const dnsSays =
    succeeded.length === 0
      ? 'This machine does not ask DNS for it.'
      : `DNS (${serversOf(succeeded)}) answers ${[...new Set(wireAddresses.map((a) => a.address))].join(', ') || 'no address'}: other clients (containers, other machines, programs that ask DNS themselves) get that.`;
  return finding(
    'DNS_HOSTS_OVERRIDE',
    `${first.path} line ${first.line} ("${first.text}") gives ${host} ${entries.map((e) => e.address).join(', ')}: this machine's answer comes from the hosts file, not from DNS. ${dnsSays}`,
    `${first.path}:${first.line}`,
  );
}

/** An NXDOMAIN the OS or a pin works around: this machine connects, clients relying on DNS do not. */
function nxdomainButLocal(dns: DnsProbe): string {
  if (dns.pinned !== undefined && dns.pinned.length > 0) {
    return ` netdiag uses the pinned ${dns.pinned.map((a) => a.address).join(', ')}; clients without the pin cannot resolve the name.`;
  }
  if (dns.system.addresses.length > 0) {
    const addresses = dns.system.addresses.map((a) => a.address).join(', ');
    return ` The system resolver still gives ${addresses} (an /etc/hosts entry, another resolver or a search domain), so this machine connects, but clients that rely on this DNS do not.`;
  }
  return '';
}

function lookupMessage(host: string, code: string, message: string): string {
  switch (code) {
    case 'ENOTFOUND':
      return `The system resolver finds no address for ${host} (getaddrinfo ENOTFOUND): a definite answer that the name does not exist or has no address, not a network problem.`;
    case 'EAI_AGAIN':
      return `The system resolver could not get an answer for ${host} (getaddrinfo EAI_AGAIN): a temporary failure, its DNS servers did not answer or failed. The name may well exist; retrying may work.`;
    case 'ENODATA':
      return `The system resolver finds the name ${host} but no address for it (ENODATA).`;
    case 'ETIMEDOUT':
      return `The system lookup of ${host} did not finish in time: ${message}`;
    default:
      return `The system lookup of ${host} failed: ${code}, ${message}`;
  }
}

/**
 * The system (or pinned) answer against the union of wire answers, per address family, only
 * for families both sides have: a system without IPv6 routes may drop AAAA (AI_ADDRCONFIG), and
 * a family no server answered cannot be compared.
 */
function mismatchFinding(host: string, dns: DnsProbe, succeeded: WireQuery[], wireAddresses: DnsAddress[]): Finding | null {
  const pinned = dns.pinned !== undefined && dns.pinned.length > 0 ? dns.pinned : null;
  if (pinned === null && (dns.system.error !== undefined || dns.system.skipped !== undefined)) return null;
  const local = pinned ?? dns.system.addresses;
  const answered = new Set<Family>(succeeded.map((q) => (q.type === 'AAAA' ? 6 : 4)));
  const families = new Set(local.map((a) => a.family).filter((f) => answered.has(f)));
  if (families.size === 0) return null;

  const localSet = addressSet(local, families);
  const wireSet = addressSet(wireAddresses, families);
  if (localSet.length === wireSet.length && localSet.every((a, i) => a === wireSet[i])) return null;

  const wireText = wireSet.length === 0 ? 'no address' : wireSet.join(', ');
  const dnsSays = `DNS (${serversOf(succeeded)}) answers ${wireText}`;
  const entry = dns.system.hostsEntries?.[0];
  const message = pinned
    ? `${host} is pinned to ${localSet.join(', ')} (like curl --resolve) and netdiag connects to the pin; ${dnsSays}. Clients without the pin get the DNS answer.`
    : entry !== undefined
      ? `The system resolver gives ${localSet.join(', ')} for ${host}, from ${entry.path} line ${entry.line}; ${dnsSays}. Applications on this machine, and netdiag's connections, use the hosts-file answer; other clients get the DNS answer.`
      : `The system resolver gives ${localSet.join(', ')} for ${host}; ${dnsSays}. Applications, and netdiag's connections, use the system answer. They can differ because of an /etc/hosts entry, a split-horizon or VPN resolver, a search domain appended to the name, or a stale cache.`;
  return finding('DNS_SYSTEM_WIRE_MISMATCH', message, host);
}

function addressesIn(queries: WireQuery[]): DnsAddress[] {
  return queries.flatMap((q) =>
    q.answers.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a): DnsAddress => ({ address: a.data, family: a.type === 'AAAA' ? 6 : 4 })),
  );
}

/** Sorted, deduplicated, IPv6 in its canonical form. */
function addressSet(addresses: readonly DnsAddress[], families: Set<Family>): string[] {
  const set = new Set<string>();
  for (const a of addresses) {
    if (families.has(a.family)) set.add(canonicalIp(a.address));
  }
  return [...set].sort();
}

function groupByServer(queries: readonly WireQuery[]): Map<string, WireQuery[]> {
  const groups = new Map<string, WireQuery[]>();
  for (const q of queries) groups.set(q.server, [...(groups.get(q.server) ?? []), q]);
  return groups;
}

function typesOf(queries: readonly WireQuery[]): string {
  return [...new Set(queries.map((q) => q.type))].join(' and ');
}

function serversOf(queries: readonly WireQuery[]): string {
  return [...new Set(queries.map((q) => q.server))].join(', ');
}
