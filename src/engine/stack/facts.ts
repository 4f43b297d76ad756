// What the operating system knows about a connection, behind one injected interface: the route
// the kernel chose, the default route, an interface, a neighbour-table entry, the kernel's
// TCP_INFO for a socket, and the system resolver's files. One implementation per OS (linux.ts,
// darwin.ts, windows.ts) runs the OS's own tools; the engine reads no environment itself, so the
// front ends pass `systemFacts(process.platform)` in and tests pass a runner that works inside a
// network namespace. A fact the OS cannot give is `unavailable` with the reason, never a throw.
import type { Family } from '../model/common';
import type { LinkFacts, NeighbourState, RouteFacts, TcpFacts } from '../model/stack';

/** A fact, or why the OS could not give it. */
export type Fact<T> = { value: T } | { unavailable: string };

/** Each read's bounds: the run's signal and the time left for the facts. */
export interface FactControl {
  signal: AbortSignal;
  timeoutMs: number;
}

export interface SocketEnds {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/** An interface as the OS describes it (the next hop is looked up separately). */
export type InterfaceFacts = Omit<LinkFacts, 'nextHop'>;

/** A route as the OS's tool gives it; the marks that need other facts (tunnel, default route) are added after. */
export type KernelRoute = Omit<RouteFacts, 'viaTunnel' | 'defaultInterface' | 'pmtuSource'>;

/** The system resolver's configuration files, as text (null when absent on this OS). */
export interface ResolverFiles {
  resolvConf: { path: string; text: string } | null;
  hosts: { path: string; text: string } | null;
  nsswitch: { path: string; text: string } | null;
}

export interface SystemFacts {
  /** The OS's name for messages ("Linux", "macOS", "Windows"). */
  readonly os: string;
  /** The route to `destination` (an IP, with a zone id for link-local IPv6), from `source` when the connection had one. */
  route(destination: string, source: string | null, ctl: FactControl): Promise<Fact<KernelRoute>>;
  /** The interface the default route of `family` leaves through; null when there is no default route. */
  defaultInterface(family: Family, ctl: FactControl): Promise<Fact<string | null>>;
  link(name: string, ctl: FactControl): Promise<Fact<InterfaceFacts>>;
  /** The neighbour-table entry for `address` on `interfaceName`; state `none` when there is none. */
  neighbour(address: string, interfaceName: string, ctl: FactControl): Promise<Fact<{ mac?: string; state: NeighbourState }>>;
  /** TCP_INFO of the socket with these ends; unavailable when the OS does not show it. */
  tcp(ends: SocketEnds, ctl: FactControl): Promise<Fact<TcpFacts>>;
  resolverFiles(ctl: FactControl): Promise<Fact<ResolverFiles>>;
  /**
   * For one read, when the OS can answer many questions at once: `routes` (as `route` will ask
   * them) and its whole tables asked now, in one go, and these questions answered from them, so
   * that the interfaces and neighbours need no second and third round of tools.
   */
  tables?(routes: readonly { destination: string; source: string | null }[], ctl: FactControl): Pick<SystemFacts, 'route' | 'defaultInterface' | 'link' | 'neighbour'>;
  /**
   * For an OS whose tools read their questions from stdin: the tools a read runs, to be started
   * ahead of it (each of `starts` starts one: a process start blocks the thread for its fork, a
   * millisecond or two, which a run spends in a quiet moment rather than after its exchange) and
   * asked through `tables` and `tcp` (once each; a tool not started yet starts then). `release`
   * stops the tools never asked; `ctl.signal` stops them all.
   */
  standby?(ctl: FactControl): StandbyFacts;
}

export interface StandbyFacts extends Required<Pick<SystemFacts, 'tables' | 'tcp'>> {
  readonly starts: readonly (() => void)[];
  release(): void;
}

export function unavailable(reason: string): { unavailable: string } {
  return { unavailable: reason };
}

/** A MAC address as six lower-case two-digit groups (macOS prints `0:1a:…`); null for anything else or all zeros. */
export function normaliseMac(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const groups = raw.trim().toLowerCase().split(/[:-]/);
  if (groups.length !== 6 || !groups.every((g) => /^[0-9a-f]{1,2}$/.test(g))) return null;
  const mac = groups.map((g) => g.padStart(2, '0')).join(':');
  return mac === '00:00:00:00:00:00' ? null : mac;
}

/** Why a tool's run gave nothing: not installed, cancelled, too slow, or its own words. */
export function toolFailure(tool: string, errorCode: string | undefined, stderr: string, install?: string): string {
  if (errorCode === 'ENOENT') return `${tool} is not installed${install ? ` (${install})` : ''}`;
  if (errorCode === 'ABORT_ERR') return `${tool} was cancelled`;
  if (errorCode === 'ETIMEDOUT') return `${tool} did not answer in time`;
  const said = stderr.trim().split('\n')[0]?.trim();
  return `${tool} failed${said ? `: ${said}` : errorCode ? ` (exit ${errorCode})` : ''}`;
}
