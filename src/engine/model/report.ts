// The Report: what a diagnosis of one target found, the contract between the engine and every
// view (webview, hover, CLI). Plain JSON only: no Buffer, Date, class instances or functions.
// Public API, documented in docs/report.md; add fields, never rename them.
import type { CertificateInfo, TlsVerification } from './certificate';
import type { ErrorInfo, Family, Finding, Hop, IntermediaryRole, LayerName, LayerStatus, Verdict } from './common';
import type { DnsResult } from './dns';
import type { VantageInfo } from './vantage';
import type { LinkFacts, RouteFacts, StackReport, TcpFacts } from './stack';

export interface TargetInfo {
  /** What the user typed, trimmed, with its secrets (userinfo, credential query parameters) replaced by `***`. */
  input: string;
  /** Normalised URL (punycode host, default port omitted); in a report, its secrets are redacted. */
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
  /**
   * An address only DNS gives: this machine's answer (a hosts-file line, a pin) lacks it, so the
   * connection shows what other clients get. It never carries TLS or HTTP.
   */
  dnsOnly?: boolean;
  error?: ErrorInfo;
  /** The route the kernel chose to this address, read after the exchange (absent when the OS could not say). */
  route?: RouteFacts;
  /** The interface that route leaves through, and the next hop on its link. */
  link?: LinkFacts;
  /** What TCP did: the kernel's TCP_INFO, for the connection that carried the exchange. */
  tcp?: TcpFacts;
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

export interface TlsResult {
  servername: string | null;
  protocol: string | null;
  cipher: string | null;
  /** Key-exchange group: X25519, P-256, … */
  keyExchange: string | null;
  alpn: string | null;
  durationMs: number;
  /**
   * Node's own verdict (its bundled/OS roots plus extra CAs), before our explanation. When the
   * node store is Node's bundled list, Node's default store stands in for it: on Node 20 started
   * with --use-openssl-ca through NODE_OPTIONS (or built to use OpenSSL's store), that is OpenSSL's
   * default store instead of the bundled roots.
   */
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
  /**
   * How the exchange went: `fail` without a response, with a 5xx status, with a 101 the request did
   * not ask for, or with a WebSocket handshake that did not open one; `warn` with a 4xx; else `ok`.
   */
  outcome: 'ok' | 'warn' | 'fail';
  httpVersion: string | null;
  /** Lower-case names; repeated headers keep every value. Credential headers (redact.ts) read `<redacted>`. */
  headers: Record<string, string | string[]>;
  bodyBytes: number;
  /** True when the body was larger than the cap and reading stopped there. */
  bodyTruncated: boolean;
  remoteAddress: string | null;
  /** True when this request reused the socket of the previous hop. */
  reusedConnection: boolean;
  /**
   * Set when the request was first sent on the previous hop's kept-alive connection and the server
   * had closed it (the error, before a byte of answer): it was then sent once more on a fresh
   * connection, as curl does, and this exchange is that second one.
   */
  retriedAfter?: ErrorInfo;
  timings: HttpTimings;
  error?: ErrorInfo;
  /** The request headers sent (credential headers redacted unless asked). */
  requestHeaders?: Record<string, string>;
  /** Bytes of request body sent. */
  requestBodyBytes?: number;
  /** True when this request went through a proxy (absolute-form or inside a CONNECT tunnel). */
  viaProxy?: boolean;
  /** Protocols the response advertised in Alt-Svc (RFC 7838), e.g. `h3`, `h3-29`. */
  altSvc?: string[];
  /**
   * Set when the request was a WebSocket opening handshake (a `ws://` or `wss://` target, RFC 6455
   * §4): `accepted` when the server switched (101) with `Upgrade: websocket` and the right
   * `Sec-WebSocket-Accept`. The connection is then closed with a Close frame.
   */
  websocket?: { accepted: boolean };
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

/** How the proxy for a target was chosen (docs/http.md). */
export interface ProxyInfo {
  /** The proxy URL with any password replaced by `***`; null when the connection is direct. */
  url: string | null;
  /** What decided: --proxy/--no-proxy, VS Code's `http.proxy`, an environment variable, or nothing. */
  source: 'cli' | 'setting' | 'env' | 'none';
  /** The setting or variable that decided (`http.proxy`, `HTTPS_PROXY`, `NO_PROXY`…), or null. */
  name: string | null;
  /** Plain words: why this proxy, or no proxy, applies to this target. */
  reason: string;
  /** VS Code's `http.proxyStrictSSL` (true unless turned off). */
  strictSSL: boolean;
  /** `forward`: plain HTTP in absolute form; `tunnel`: CONNECT, then TLS or the protocol inside. */
  mode: 'forward' | 'tunnel' | null;
  /** The proxy's address that was connected, when one was. */
  address: string | null;
  /** TCP connect to the proxy. */
  connectMs: number | null;
  /** Status of the answer to CONNECT, when a tunnel was asked. */
  tunnelStatus: number | null;
  /** From sending CONNECT to the end of the proxy's answer. */
  tunnelMs: number | null;
  /** Proxy-Authenticate challenges of a 407 (schemes and realms only). */
  authenticate?: string[];
  error?: ErrorInfo;
}

/** Something between the client and the origin, read from response headers. */
export interface Intermediary {
  role: IntermediaryRole;
  /** Cloudflare, CloudFront, Fastly, Varnish, nginx, a Via entry… */
  name: string;
  /** The headers that show it, as `name: value`. */
  evidence: string[];
}

export interface RouteHop {
  /** The TTL (hop number) the probe was sent with. */
  ttl: number;
  /** The router that answered, or null when none did (`*`). */
  address: string | null;
  /** Its name when the tool resolved one. */
  name: string | null;
  /** Round-trip times of the answers, in ms. */
  rttMs: number[];
  /** What the tool added: `reached`, `pmtu 1500`, `!H` (host unreachable)… */
  note?: string;
}

export interface RouteResult {
  tool: 'tracepath' | 'traceroute' | 'tracert' | null;
  host: string;
  /** The exact command line that ran. */
  command: string | null;
  hops: RouteHop[];
  /** True when the last hop is the destination. */
  reached: boolean;
  /** The path MTU in bytes, when the tool measures it (tracepath's `Resume: pmtu N`). */
  pmtu?: number;
  durationMs: number;
  error?: ErrorInfo;
}

/** The request as the user shaped it (panel or --method/--header/--data), secrets redacted. */
export interface RequestInfo {
  method: string;
  headers: Record<string, string>;
  bodyBytes: number;
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

/** A diagnosis of one target (`netdiag diagnose --json`, the report panel). */
export interface Report {
  /** What this document is, beside a DNS lookup (`DnsLookupResult`, kind `dns-lookup`). */
  kind: 'diagnosis';
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
  /** Where the connection breaks, or that it works, in a few words. */
  verdict: Verdict;
  /**
   * The run from its clock's start (t = 0 of the waterfall) to the end of its last network step:
   * the critical path and everything beside it (wire queries, other addresses). While a run is
   * under way, until now.
   */
  durationMs: number;
  /**
   * What the engine did before its clock started (trust-store index, TLS contexts, first-use
   * warm-up; src/engine/prepare.ts): set-up, not network, so not part of `durationMs` or any
   * phase. Absent in partial placeholders made before a run starts.
   */
  setupMs?: number;
  /**
   * How long reading the OS's facts of the connections took (route, interface, neighbour,
   * TCP_INFO; `stack`), after the exchange: local, not network, so not part of `durationMs`.
   * Absent until they are read, and when they are not.
   */
  factsMs?: number;
  /** Which proxy applied and how the tunnel went; absent in reports made before proxies existed. */
  proxy?: ProxyInfo;
  /** Intermediaries (CDN, cache, load balancer, reverse proxy) read from the last response. */
  intermediaries?: Intermediary[];
  /** The route to the host, when a trace ran (Trace Route, `netdiag trace`, `--trace`). */
  route?: RouteResult;
  /** The request when it is not a plain GET. */
  request?: RequestInfo;
  /** Where the diagnosis ran, when it ran at a vantage (`--from`, Diagnose from this service). */
  vantage?: VantageInfo;
  /**
   * Addresses the name resolved to that were not connected to: beyond the first
   * `DEFAULTS.maxAddresses` (16) in the resolver's order (finding `TCP_ADDRESSES_NOT_PROBED`).
   */
  addressesNotProbed?: string[];
  /**
   * Probes beside the critical path still running when the report was completed (one connect or
   * DNS timeout after the last request ended), by name: `TCP 10.0.0.2:443`, `DNS A @192.0.2.53`.
   * A later update (the panel) brings their results; the CLI prints without them.
   */
  unfinished?: string[];
  /** The stack as the picture draws it: the DNS exchange, then each layer at the client, across the path, at the server. */
  stack?: StackReport;
}
