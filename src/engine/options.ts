// Everything the engine needs, passed in explicitly. The engine reads no settings and no
// environment on its own: src/vscode/config.ts and the CLI flags both build this object.
import type { DnsAddress } from './model/dns';
import type { Report } from './model/report';
import type { SystemFacts } from './stack/facts';

/** The system resolver: `dns.lookup(host, {all: true, order: 'verbatim'})` by default. */
export type LookupFn = (hostname: string, signal: AbortSignal) => Promise<DnsAddress[]>;

export interface Timeouts {
  /** Each DNS query (system lookup and each wire query). */
  dnsMs: number;
  /** Each TCP connect. */
  connectMs: number;
  /** The TLS handshake. */
  tlsMs: number;
  /** An HTTP exchange: request sent to the end of the (capped) body. */
  httpMs: number;
}

export interface DnsServer {
  address: string;
  port: number;
}

export interface TrustStores {
  /** Node's bundled Mozilla roots (PEM). */
  node: readonly string[];
  /** The OS store (PEM): the Linux bundle, or tls.getCACertificates('system') where it exists. */
  os: readonly string[];
  /** The user's extra CAs (PEM), from files named in settings or --ca. */
  extra: readonly string[];
}

/** Where a proxy may come from; the caller passes what it read (the engine reads no env). */
export interface ProxyConfig {
  /** `--proxy URL` (wins over everything) or `false` for `--no-proxy`. */
  override?: string | false;
  /** VS Code's `http.proxy`, `http.proxyStrictSSL` and `http.noProxy`. */
  setting?: { url: string; strictSSL: boolean; noProxy: readonly string[] };
  /** The caller's HTTP_PROXY/HTTPS_PROXY/NO_PROXY (any case), as read from its environment. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The request to send instead of `GET` with no body. */
export interface RequestSpec {
  method: string;
  /** Extra request headers (they replace Netdiag's defaults of the same name). */
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface DiagnoseOptions {
  signal?: AbortSignal;
  timeouts: Timeouts;
  /** Resolvers for wire-level queries; empty means none are made. */
  dnsServers: readonly DnsServer[];
  /** Names pinned to addresses (curl --resolve); the system lookup is then skipped. Keys lower-case. */
  pinned: Readonly<Record<string, readonly DnsAddress[]>>;
  trust: TrustStores;
  followRedirects: boolean;
  maxRedirects: number;
  maxBodyBytes: number;
  /** How many TCP connects run at once. */
  connectConcurrency: number;
  /** Days before expiry that make CERT_EXPIRES_SOON. */
  certExpiryWarningDays: number;
  userAgent: string;
  /** Injected for tests; defaults to the OS resolver. */
  lookup?: LookupFn;
  /**
   * The hosts file the system resolver reads (its path and text), so the report can say which
   * line answered. The caller reads it (setup.ts); absent: the answer's source is not named.
   */
  hostsFile?: { path: string; text: string };
  /** Monotonic milliseconds; defaults to performance.now. */
  now?: () => number;
  /** Called with a partial report each time a probe ends, and with the final one. */
  onUpdate?: (report: Report) => void;
  /** Debug log of each probe (the extension's LogOutputChannel, the CLI's --verbose). */
  log?: (message: string) => void;
  /** Proxy sources; absent means a direct connection. */
  proxy?: ProxyConfig;
  /** Method, headers and body of the request; absent means `GET` without a body. */
  request?: RequestSpec;
  /** Keep the request's credentials (headers, query parameters) in the report (off: redact.ts masks them). */
  revealSecrets?: boolean;
  /** Sent when a server asks for one (mutual TLS): a PEM pair or PKCS#12, with its passphrase. */
  clientCertificate?: { cert: string; key: string; passphrase?: string } | { pfx: Buffer; passphrase?: string };
  /** What the OS knows of the connections (route, interface, neighbour, TCP_INFO), read after the exchange; absent: not read. */
  systemFacts?: SystemFacts;
}

// The defaults of every front end, held once: the CLI's flags and the extension's settings start
// from these (package.json repeats them for the Settings UI; a unit test keeps the two equal).

/** Per step; a DNS lookup uses dnsMs per query, a certificate check tlsMs per handshake and request. */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = { dnsMs: 5000, connectMs: 5000, tlsMs: 10000, httpMs: 15000 };

export const DEFAULTS = {
  followRedirects: true,
  maxRedirects: 10,
  maxBodyBytes: 1024 * 1024,
  /**
   * The addresses of a name that are probed (in the resolver's order); the rest are named in the
   * report, not connected to, so a run does not grow with a name of a hundred addresses.
   */
  maxAddresses: 16,
  /** All probed addresses at once: every connect then ends within one connect timeout. */
  connectConcurrency: 16,
  certExpiryWarningDays: 21,
  /** A route trace: its whole time and the most hops it follows. */
  traceTimeoutMs: 60_000,
  traceMaxHops: 30,
  /** Vantage points (docs/vantage.md): the helper image with Node, and the whole run there. */
  vantageImage: 'docker.io/library/node:22-slim',
  vantageTimeoutMs: 60_000,
  vantageMethod: 'auto',
  /** Checking every workspace reference: diagnoses at once, and the most one may take. */
  checkConcurrency: 4,
  checkTimeoutMs: 30_000,
  /** The OS's facts of a diagnosis' connections, all together (PowerShell alone takes a second to start). */
  systemFactsMs: 5000,
} as const;

/** A whole-number range a setting or flag must lie in, both ends included. */
export interface Range {
  min: number;
  max: number;
  /** What the number counts, for messages: `ms`, `bytes`, or nothing. */
  unit?: string;
}

/**
 * The ranges of every numeric option, held once: the CLI's option validator and the engine's
 * setup (which the VS Code settings go through) check the same ranges, and package.json's
 * settings carry them as minimum and maximum (test/unit/settingDefaults.test.ts). A timer longer
 * than 2^31 - 1 ms would fire after 1 ms (Node clamps it), and a DNS query or trace runs
 * a multiple of its timeout (up to 20 times), so timeouts stop at ten minutes.
 */
export const LIMITS = {
  timeoutMs: { min: 1, max: 600_000, unit: 'ms' },
  maxRedirects: { min: 0, max: 50 },
  maxBodyBytes: { min: 0, max: 1024 * 1024 * 1024, unit: 'bytes' },
  traceMaxHops: { min: 1, max: 255 },
  scanConcurrency: { min: 1, max: 64 },
  checkConcurrency: { min: 1, max: 64 },
} as const satisfies Record<string, Range>;

/** Why `value` is not a whole number in `range` (`a whole number of ms from 1 to 600000`), or null when it is. */
export function rangeProblem(value: number, range: Range): string | null {
  if (Number.isSafeInteger(value) && value >= range.min && value <= range.max) return null;
  return `takes a whole number${range.unit ? ` of ${range.unit}` : ''} from ${range.min} to ${range.max}`;
}

/** The hosts file the system resolver reads: /etc/hosts, or %SystemRoot%\System32\drivers\etc\hosts on Windows. */
export function defaultHostsPath(platform: NodeJS.Platform, systemRoot = 'C:\\Windows'): string {
  return platform === 'win32' ? `${systemRoot}\\System32\\drivers\\etc\\hosts` : '/etc/hosts';
}
