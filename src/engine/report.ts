// The Report: the one contract between the engine and every view (webview, hover, CLI).
// Plain JSON only: no Buffer, Date, class instances or functions. Public API, documented in
// docs/report.md; add fields, never rename them.

export type LayerName = 'link' | 'internet' | 'transport' | 'tls' | 'application';
/** `pending` appears only in partial reports streamed while probes still run. */
export type LayerStatus = 'ok' | 'warn' | 'fail' | 'skipped' | 'pending';
export type Severity = 'error' | 'warning' | 'info';
export type Family = 4 | 6;

export interface ErrorInfo {
  /** Node's or our own stable code: ECONNREFUSED, ETIMEDOUT, DNS_TIMEOUT… */
  code: string;
  message: string;
}

export interface TargetInfo {
  /** What the user typed, trimmed, with any password replaced by `***`. */
  input: string;
  /** Normalised URL (punycode host, default port omitted), password redacted. */
  url: string;
  scheme: string;
  /** ASCII host (punycode for international names), without IPv6 brackets. */
  host: string;
  /** The host as the user wrote it when it differs from `host` (international names). */
  hostUnicode?: string;
  port: number;
  /** True when the port came from the scheme's default. */
  defaultPort: boolean;
  path: string;
  /** 4 or 6 when the host is an IP literal, else null. */
  ipFamily: Family | null;
  /** IPv6 zone id (`fe80::1%eth0`). */
  zoneId?: string;
  /** TLS from the first byte (https, wss, ldaps, smtps…). */
  tls: boolean;
  /** What speaks after TLS: an HTTP request, or nothing (just connect and handshake). */
  application: 'http' | 'none';
}

export interface DnsAddress {
  address: string;
  family: Family;
}

export interface DnsAnswer {
  name: string;
  type: string;
  ttl: number;
  /** Text form: an address, a name, or the record's presentation form. */
  data: string;
}

export interface SystemLookup {
  addresses: DnsAddress[];
  durationMs: number;
  /** Set when the lookup was not made: `pinned` (--resolve), `ip-literal`. */
  skipped?: 'pinned' | 'ip-literal';
  error?: ErrorInfo;
}

export interface WireQuery {
  /** `ADDR` or `ADDR:PORT` / `[ADDR]:PORT` when not 53. */
  server: string;
  type: 'A' | 'AAAA';
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED… or null when no valid answer arrived. */
  rcode: string | null;
  transport: 'udp' | 'tcp';
  /** True when the UDP answer had TC set (the TCP retry then gives `transport: 'tcp'`). */
  truncated: boolean;
  /** Authoritative answer flag. */
  authoritative: boolean;
  answers: DnsAnswer[];
  durationMs: number;
  error?: ErrorInfo;
}

export interface CnameLink {
  name: string;
  target: string;
  ttl: number;
}

export interface DnsResult {
  system: SystemLookup;
  /** Addresses given with --resolve / pinned by the caller, when any. */
  pinned?: DnsAddress[];
  wire: WireQuery[];
  cnameChain: CnameLink[];
}

export interface ConnectionResult {
  address: string;
  family: Family;
  port: number;
  ok: boolean;
  durationMs: number;
  localAddress?: string;
  localPort?: number;
  /** True for the connection that carried TLS and HTTP. */
  used?: boolean;
  error?: ErrorInfo;
}

export type AddressClass =
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'unique-local'
  | 'documentation'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'public';

export interface ClassifiedAddress {
  address: string;
  family: Family;
  class: AddressClass;
  /** Plain words: "private (RFC 1918): reachable only inside this network". */
  description: string;
}

export interface InterfaceInfo {
  name: string;
  addresses: { address: string; family: Family; cidr: string | null }[];
  mac?: string;
  internal: boolean;
}

export interface LinkInfo {
  localAddress: string;
  /** The interface that owns the local address, or null when none does (e.g. NAT64, VPN tun gone). */
  interface: InterfaceInfo | null;
}

export interface InternetInfo {
  local: ClassifiedAddress | null;
  remote: ClassifiedAddress[];
}

export interface PublicKeyInfo {
  /** rsa, ec, ed25519, ed448, dsa, rsa-pss… (Node's asymmetricKeyType). */
  type: string;
  bits?: number;
  curve?: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter, negative once expired (at report time). */
  daysLeft: number;
  serialNumber: string;
  fingerprint256: string;
  fingerprint1: string;
  publicKey: PublicKeyInfo;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA384, ED25519. */
  signatureAlgorithm: string;
  isCA: boolean;
  pathLength?: number;
  selfSigned: boolean;
  keyUsage: string[];
  extendedKeyUsage: string[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  pem: string;
}

export interface TlsVerification {
  /** Trusted by at least one store and the name matches. */
  trusted: boolean;
  /** The first store that anchors the chain: node (bundled roots), os, extra (user CA files). */
  store: 'node' | 'os' | 'extra' | null;
  hostnameMatches: boolean;
  /** Problems found from the chain itself, as finding codes (CERT_EXPIRED…). */
  errors: string[];
}

export interface TlsResult {
  servername: string | null;
  protocol: string | null;
  cipher: string | null;
  /** Key-exchange group: X25519, P-256, … */
  keyExchange: string | null;
  alpn: string | null;
  durationMs: number;
  /** Node's own verdict (its bundled/OS roots plus extra CAs), before our explanation. */
  authorized: boolean;
  authorizationError?: string;
  /** In the order the server sent it, leaf first. */
  chain: CertificateInfo[];
  verification: TlsVerification;
  error?: ErrorInfo;
}

export interface HttpTimings {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  /** From sending the request to the first byte of the response. */
  ttfbMs: number;
  downloadMs: number;
  totalMs: number;
}

export interface HttpExchange {
  url: string;
  method: string;
  status: number | null;
  statusText: string;
  httpVersion: string | null;
  /** Lower-case names; repeated headers keep every value. Cookies are redacted. */
  headers: Record<string, string | string[]>;
  bodyBytes: number;
  /** True when the body was larger than the cap and reading stopped there. */
  bodyTruncated: boolean;
  remoteAddress: string | null;
  /** True when this request reused the socket of the previous hop. */
  reusedConnection: boolean;
  timings: HttpTimings;
  error?: ErrorInfo;
}

export interface HttpResult {
  /** One per redirect hop; the last is the final answer. */
  requests: HttpExchange[];
}

export interface LayerResult {
  name: LayerName;
  status: LayerStatus;
  summary: string;
  details: string[];
}

export type HopKind = 'client' | 'proxy' | 'dns' | 'address' | 'tls' | 'redirect' | 'server' | 'route';

export interface Hop {
  kind: HopKind;
  label: string;
  detail?: string;
  address?: string;
  durationMs?: number;
  status: LayerStatus;
}

export type WaterfallPhase = 'dns' | 'connect' | 'tls' | 'request' | 'ttfb' | 'download' | 'wire-dns';

export interface WaterfallEntry {
  phase: WaterfallPhase;
  label: string;
  /** Milliseconds since the start of the diagnosis. */
  startMs: number;
  durationMs: number;
  /** True for steps on the critical path (DNS → connect → TLS → HTTP). */
  critical: boolean;
}

export interface Finding {
  code: string;
  severity: Severity;
  layer: LayerName;
  message: string;
  hint: string;
  /** What the finding is about when there are several: an address, a URL, a server. */
  subject?: string;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'netdiag'; version: string };
  /** ISO 8601. */
  startedAt: string;
  /** False while probes still run (streamed updates); true in the final report. */
  complete: boolean;
  cancelled: boolean;
  target: TargetInfo;
  dns: DnsResult | null;
  connections: ConnectionResult[];
  link: LinkInfo | null;
  internet: InternetInfo;
  tls: TlsResult | null;
  http: HttpResult | null;
  layers: LayerResult[];
  hops: Hop[];
  waterfall: WaterfallEntry[];
  findings: Finding[];
  durationMs: number;
}
