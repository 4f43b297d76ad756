// DNS as the public JSON carries it: the queries with their full sections, the iterative trace,
// the system resolver explained and the side-by-side comparison of a DNS lookup (`netdiag dns`,
// Look Up DNS Records), and the DNS part of a diagnosis (`Report.dns`). Statuses and hops are
// decided by the engine. Public contract (docs/report.md): fields are added, never renamed.
import type { CnameLink, ErrorInfo, Family, Finding, Hop, Verdict } from './common';

/** The record types netdiag asks for and decodes (HTTPS/SVCB per RFC 9460). */
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'NS', 'SOA', 'MX', 'TXT', 'SRV', 'CAA', 'PTR', 'HTTPS', 'SVCB', 'DS', 'DNSKEY'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** SVCB/HTTPS RDATA decoded (RFC 9460 §2.2, §7). */
export interface SvcbData {
  priority: number;
  /** `.` means the owner name itself (§2.5). */
  target: string;
  alpn: string[];
  noDefaultAlpn: boolean;
  port: number | null;
  ipv4hint: string[];
  ipv6hint: string[];
  /** An Encrypted ClientHello config list is published. */
  ech: boolean;
  mandatory: string[];
  /** Keys netdiag does not interpret, as `keyNNNNN` → hex. */
  other: Record<string, string>;
}

export interface DnsRecord {
  name: string;
  /** A, MX… or TYPEnnn (RFC 3597) for types without a name. */
  type: string;
  ttl: number;
  /** Presentation text (RFC 1035 §5.1 style); TXT strings are JSON-quoted. */
  data: string;
  /** HTTPS and SVCB only. */
  svcb?: SvcbData;
}

export interface DnsEdns {
  /** The UDP payload size the responder advertises (RFC 6891 §6.2.3). */
  udpPayloadSize: number;
  /** The DNSSEC OK bit (RFC 3225). */
  do: boolean;
  version: number;
}

/**
 * One try of a query against one server, kept so retries across servers are visible. A
 * truncated UDP answer and its TCP retry are two attempts (the first with `TC` in `flags`).
 */
export interface DnsAttempt {
  server: string;
  transport: 'udp' | 'tcp';
  durationMs: number;
  rcode: string | null;
  /** The header flags of this attempt's answer (AA, TC, RD, RA, AD, CD); empty without one. */
  flags: string[];
  error?: ErrorInfo;
}

export interface DnsQueryResult {
  question: { name: string; type: string };
  /** The server whose answer is shown (the last one tried): `ADDR` or `ADDR:PORT`. */
  server: string;
  transport: 'udp' | 'tcp';
  /** The UDP answer had TC set; `transport` then says whether TCP gave the full answer. */
  truncated: boolean;
  /** NOERROR, NXDOMAIN… or null when no valid answer arrived. */
  rcode: string | null;
  /** `ok` for a NOERROR answer (with or without records), `fail` for any other rcode or no answer. */
  status: 'ok' | 'fail';
  /** Header flags that were set: AA, TC, RD, RA, AD, CD (RFC 1035 §4.1.1, RFC 4035 §3.2). */
  flags: string[];
  /** The responder's OPT record, or null when it sent none. */
  edns: DnsEdns | null;
  answers: DnsRecord[];
  authority: DnsRecord[];
  /** Without the OPT pseudo-record (that is `edns`). */
  additional: DnsRecord[];
  /** From the first send to the accepted answer, over every attempt. */
  durationMs: number;
  attempts: DnsAttempt[];
  error?: ErrorInfo;
}

export interface TraceServer {
  name: string;
  address: string | null;
  /** Where the address came from: the root hints, glue in the referral, or a separate lookup. */
  source: 'hints' | 'glue' | 'resolved' | 'none';
}

export interface TraceHop {
  /** The zone whose server was asked (`.` for the root). */
  zone: string;
  /** The name asked at this step (changes when a CNAME is followed). */
  name: string;
  type: string;
  /** The address asked: `ADDR` or `ADDR:PORT`. */
  server: string;
  serverName: string;
  durationMs: number;
  rcode: string | null;
  /** What the step gave: a referral to `referralZone`, the answer, a CNAME to follow, or nothing usable. */
  outcome: 'referral' | 'answer' | 'cname' | 'nxdomain' | 'nodata' | 'lame' | 'error';
  /** `ok` when the step led on (a referral, the answer, a CNAME), `fail` when it gave nothing usable. */
  status: 'ok' | 'fail';
  /** The NS names of the referral (empty unless outcome is referral). */
  referral: string[];
  referralZone?: string;
  /** Every server of the referral with its address and where it came from. */
  referralServers: TraceServer[];
  answers: DnsRecord[];
  aa: boolean;
  error?: ErrorInfo;
}

export interface HostsEntry {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
  address: string;
}

export interface SystemResolverInfo {
  resolvConf: { path: string; nameservers: string[]; search: string[]; ndots: number; options: string[] } | null;
  /** The `hosts:` sources of nsswitch.conf in order (Linux), or null when not read. */
  nsswitch: { path: string; hosts: string[] } | null;
  /** The hosts-file lines that answer the name, in file order. */
  hostsEntries: HostsEntry[];
  /** The names getaddrinfo tries for the input, in order (search list and ndots applied). */
  candidates: string[];
  /** The candidate that answered, or null. */
  answeredBy: string | null;
  /** hosts (a hosts-file line), dns, or null when nothing answered. */
  answeredFrom: 'hosts' | 'dns' | null;
  addresses: string[];
  durationMs: number;
  error?: ErrorInfo;
}

export interface ComparisonRow {
  /** `system`, a server as `ADDR[:PORT]`, or an authoritative server's name. */
  source: string;
  kind: 'system' | 'resolver' | 'public' | 'authoritative';
  address: string | null;
  rcode: string | null;
  /** Sorted record data of the compared type. */
  answers: string[];
  /** SOA serial, for authoritative rows. */
  serial?: number | null;
  /** The NS set the server itself gives for the zone, for authoritative rows. */
  nsSet?: string[];
  aa?: boolean;
  durationMs: number;
  error?: ErrorInfo;
  /** True when the answers differ from the majority of the rows of the same kind group. */
  differs: boolean;
}

export interface DnsComparison {
  type: string;
  zone: string | null;
  rows: ComparisonRow[];
}

/** The result of a DNS lookup (`netdiag dns --json`, the Look Up DNS Records panel). */
export interface DnsLookupResult {
  /** What this document is, beside a diagnosis (`Report`, kind `diagnosis`). */
  kind: 'dns-lookup';
  schemaVersion: 1;
  /** The name as given; for an IP this is the address and `queries` ask its PTR name. */
  input: string;
  /** The name actually asked (ASCII, no root dot). */
  name: string;
  types: string[];
  /** ISO 8601. */
  startedAt: string;
  servers: string[];
  queries: DnsQueryResult[];
  cnameChain: CnameLink[];
  /** Present with --trace. */
  trace?: TraceHop[];
  /** Present with --trace: the trace's final records of the first type. */
  traceAnswer?: DnsRecord[];
  system?: SystemResolverInfo;
  comparison?: DnsComparison;
  /** client → stub resolver → recursive server; for a trace, root → TLD → authoritative. */
  hops: Hop[];
  findings: Finding[];
  /** How the lookup went: its status and a few words ("2 of 2 queries answered"). */
  verdict: Verdict;
  cancelled: boolean;
  durationMs: number;
}

// ---- The DNS part of a diagnosis (Report.dns)

export interface DnsAddress {
  address: string;
  family: Family;
}

export interface SystemLookup {
  addresses: DnsAddress[];
  durationMs: number;
  /**
   * The hosts-file lines that give every address of the answer, when the answer came from the
   * hosts file rather than DNS (the file is an input of the diagnosis: `/etc/hosts` by default).
   */
  hostsEntries?: HostsEntry[];
  /** Set when the lookup was not made: `pinned` (--resolve), `ip-literal`. */
  skipped?: 'pinned' | 'ip-literal';
  error?: ErrorInfo;
}

/** An A or AAAA query of a diagnosis: the whole query result, plus its first fields kept by name. */
export interface WireQuery extends DnsQueryResult {
  /** The question's type (as `question.type`). */
  type: 'A' | 'AAAA';
  /** The AA flag (as `flags` holding `AA`). */
  authoritative: boolean;
}

export interface DnsResult {
  system: SystemLookup;
  /** Addresses given with --resolve / pinned by the caller, when any. */
  pinned?: DnsAddress[];
  wire: WireQuery[];
  cnameChain: CnameLink[];
  /** This machine → the stub resolver → each DNS server asked directly (type by type). */
  hops: Hop[];
}
