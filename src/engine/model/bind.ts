// The bind model: what each service listens on (BindSite), how it is published (PublishedPort) and
// who connects to it (ClientRef), each with the exact place in the file it came from. Extractors
// make it, rules read it; it is plain JSON so the CLI can print it (`netdiag bind-scan --json`,
// BindScanJson) and the extension can cache it. Public contract (docs/report.md): fields are
// added, never renamed.
import type { Finding, Severity } from './common';

/** Where a value sits in a file: 0-based offsets into the text, and 0-based line/column. */
export interface SourceRange {
  /** The file's path relative to the analysed folder, with `/` separators. */
  file: string;
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * What a bind address means. `all-ipv4` is 0.0.0.0 (every IPv4 interface); `all` is `::`, `*` or
 * `+` (every interface, dual-stack on Linux by default); `loopback` is this machine only
 * (127.0.0.0/8, ::1, `localhost`); `specific` one interface's address; `name` a host name the
 * server resolves at start-up; `url` a URL where an address belongs; `default` no address given.
 */
export type BindAddressKind = 'all-ipv4' | 'all' | 'loopback' | 'specific' | 'name' | 'url' | 'default';

export type Runtime = 'container' | 'host' | 'kubernetes';

export type Protocol = 'tcp' | 'udp';

export interface Service {
  /** Unique in the model: a compose service name, `k8s:<name>`, or a folder for host apps. */
  id: string;
  name: string;
  runtime: Runtime;
  /** Compose `network_mode: host`: the container shares the host's interfaces. */
  hostNetwork: boolean;
  source: SourceRange | null;
  /** Folders (relative, `/`-separated, '' for the root) whose files configure this service. */
  dirs: string[];
  /** Compose `profiles`: the service starts only when one of them is enabled. Absent: always. */
  profiles?: string[];
  /** Compose `extends`: the base service and the file that defines it (relative path). */
  extends?: { service: string; file: string };
}

export interface BindSite {
  service: string;
  /**
   * The address text as written, or null when only a port is configured; `*` for a Kestrel URL
   * whose host is a name other than localhost (Kestrel binds every interface for it).
   */
  address: string | null;
  /** That name, as written (`my-awesome-service` of `http://my-awesome-service:5000`): what clients type, not what is bound. */
  hostName?: string;
  kind: BindAddressKind;
  port: number | null;
  protocol: Protocol;
  /** The setting it came from: `ports`, `HOST`, `server.address`, `listen`, `--bind`… */
  origin: string;
  /** The whole value. */
  source: SourceRange;
  /** Just the address inside the value (for quick fixes), when there is one. */
  addressRange: SourceRange | null;
  /** True for daemons started by root or a service manager (nginx, PostgreSQL…). */
  system: boolean;
}

export interface PublishedPort {
  service: string;
  /** Host address the port is published on; null means every host interface. */
  hostIp: string | null;
  hostPort: number | null;
  containerPort: number;
  protocol: Protocol;
  /** `ports` (compose), `expose`/`EXPOSE` (not published), `nodePort`, `port` (k8s Service). */
  origin: string;
  source: SourceRange;
}

export interface ClientRef {
  service: string;
  host: string;
  port: number | null;
  /** The URL as written, when the reference is a URL, with any credentials in it masked (`user:***@`, `token=***`). */
  url: string | null;
  /** The key it came from: `DATABASE_URL`, `proxy_pass`… */
  origin: string;
  source: SourceRange;
  hostRange: SourceRange;
}

/**
 * An nginx `server_name`: a name the server answers as (the client's Host header or TLS SNI picks
 * the `server` block), not an address it binds.
 */
export interface VirtualHost {
  service: string;
  /** The name as written: `example.com`, `*.example.com`, `~^api\d+\.` (a regex), without quotes. */
  name: string;
  source: SourceRange;
  /** The `listen` values of the same `server` block as written; empty when it has none (nginx then listens on *:80). */
  listens: string[];
}

export interface QuickFix {
  title: string;
  edits: { range: SourceRange; newText: string }[];
}

export interface BindFinding extends Finding {
  range: SourceRange;
  /** Other places the finding is about (the client of a mismatch, the other side of a conflict). */
  related: SourceRange[];
  fix?: QuickFix;
}

/** One listening socket on this machine. */
export interface LiveListener {
  protocol: Protocol;
  address: string;
  port: number;
  pid: number | null;
  process: string | null;
}

export interface BindModel {
  services: Service[];
  binds: BindSite[];
  published: PublishedPort[];
  clients: ClientRef[];
  /** Virtual-host names (nginx `server_name`), linked to services like binds. */
  vhosts?: VirtualHost[];
  findings: BindFinding[];
}

/** `netdiag bind-scan --json`: the model with each finding flattened to its place, and the live listeners. */
export interface BindScanJson {
  services: Service[];
  binds: BindSite[];
  published: PublishedPort[];
  clients: ClientRef[];
  /** nginx server_name values: the Host names a server block answers to. */
  vhosts: VirtualHost[];
  /** `line` and `column` are 1-based here. */
  findings: { code: string; severity: Severity; file: string; line: number; column: number; message: string; hint: string }[];
  /** With --live: every listening socket; null without. */
  live: LiveListener[] | null;
}
