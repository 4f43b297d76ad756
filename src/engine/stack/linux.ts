// The system facts on Linux, from iproute2's JSON output and /sys/class/net:
//   route        ip -j route get ADDR [from SRC] [oif ZONE]
//   default      ip -j [-6] route show default
//   link         ip -j -d link show dev IF, /sys/class/net/IF/{speed,uevent}
//   neighbour    ip -j neigh show to ADDR dev IF
//   tcp          ss -tinH sport = :P and dport = :Q   (TCP_INFO, matched by the socket's ends)
// A read asks for the routes and the whole tables in one `ip -batch` (tables()), and a run can
// start that and ss ahead, to be asked later on their stdin (standby()).
//   resolver     /etc/resolv.conf, /etc/hosts, /etc/nsswitch.conf
// The parsers are pure and exported for the tests; the runner and the file reader are injected.
import { isIP } from 'node:net';
import type { CommandOutcome, CommandRunner } from '../command';
import type { Family } from '../model/common';
import type { InterfaceKind, NeighbourState, TcpFacts } from '../model/stack';
import { normaliseMac, toolFailure, unavailable, type Fact, type FactControl, type InterfaceFacts, type ResolverFiles, type KernelRoute, type SocketEnds, type SystemFacts } from './facts';
import { parseSsTcpInfo } from './ssTcpInfo';

export interface LinuxDeps {
  run: CommandRunner;
  /** A file's text, or null when it cannot be read. */
  readFile: (path: string) => Promise<string | null>;
}

const IPROUTE = 'apt install iproute2';

/** iproute2's link kinds (`linkinfo.info_kind`) and link types that carry packets through a tunnel. */
const TUNNEL_KINDS = new Set(['tun', 'wireguard', 'gre', 'gretap', 'ip6gre', 'ip6gretap', 'ipip', 'sit', 'ip6tnl', 'vti', 'vti6', 'xfrm', 'vxlan', 'geneve', 'erspan', 'bareudp', 'gtp']);
const TUNNEL_TYPES = new Set(['none', 'ipip', 'gre', 'ip6gre', 'sit', 'tunnel6', 'void']);

interface RouteJson {
  type?: string;
  dst?: string;
  gateway?: string;
  via?: { family?: string; host?: string };
  dev?: string;
  prefsrc?: string;
  from?: string;
  metric?: number;
  metrics?: { mtu?: number }[];
  mtu?: number;
}

function parseJson<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** `ip -j route get` → the route, its source being `source` when given (the connection's own). */
export function parseRouteGet(stdout: string, source: string | null): KernelRoute | null {
  const r = parseJson<RouteJson[]>(stdout)?.[0];
  if (!r?.dev) return null;
  const from = source ?? r.prefsrc ?? r.from;
  if (from === undefined) return null;
  const route: KernelRoute = { interface: r.dev, source: from };
  const gateway = r.gateway ?? r.via?.host;
  if (gateway !== undefined) route.gateway = gateway;
  if (r.type === 'local') route.local = true;
  // A learnt path MTU shows as a cached route's metric (`cache expires 435sec mtu 1300`).
  const mtu = r.metrics?.find((m) => m.mtu !== undefined)?.mtu ?? r.mtu;
  if (mtu !== undefined && mtu > 0) route.pmtu = mtu;
  return route;
}

/** `ip -j route show default` → the interface of the default route with the lowest metric. */
export function parseDefaultRoutes(stdout: string): string | null {
  const routes = (parseJson<RouteJson[]>(stdout) ?? []).filter((r) => r.dev !== undefined);
  routes.sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0));
  return routes[0]?.dev ?? null;
}

interface LinkJson {
  ifname?: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  link_type?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string };
}

/** What kind of interface, from iproute2's words and the uevent's DEVTYPE (`wlan` for Wi-Fi). */
export function interfaceKind(linkType: string | undefined, infoKind: string | undefined, devType: string | undefined): InterfaceKind {
  if (linkType === 'loopback') return 'loopback';
  if (devType === 'wlan') return 'wifi';
  if ((infoKind !== undefined && TUNNEL_KINDS.has(infoKind)) || (linkType !== undefined && TUNNEL_TYPES.has(linkType))) return 'tunnel';
  if (linkType === 'ppp') return 'ppp';
  switch (infoKind) {
    case 'bridge':
      return 'bridge';
    case 'veth':
      return 'veth';
    case 'vlan':
      return 'vlan';
    case 'bond':
    case 'team':
      return 'bond';
    case undefined:
      return linkType === 'ether' ? 'ethernet' : 'other';
    default:
      return 'other';
  }
}

/** `ip -j -d link show [dev IF]` and two /sys/class/net files → the interface (`name`'s, else the first). */
export function parseLink(stdout: string, speed: string | null, uevent: string | null, name?: string): InterfaceFacts | null {
  const all = parseJson<LinkJson[]>(stdout) ?? [];
  const l = name === undefined ? all[0] : all.find((e) => e.ifname === name);
  if (!l?.ifname || l.mtu === undefined) return null;
  const devType = /^DEVTYPE=(.*)$/m.exec(uevent ?? '')?.[1]?.trim();
  const infoKind = l.linkinfo?.info_kind;
  const facts: InterfaceFacts = {
    interface: l.ifname,
    kind: interfaceKind(l.link_type, infoKind, devType),
    mtu: l.mtu,
    state: (l.operstate ?? 'unknown').toLowerCase().replace(/_/g, ''),
  };
  const driver = infoKind ?? devType;
  if (driver !== undefined) facts.driver = driver;
  const mac = normaliseMac(l.address);
  if (mac !== null && l.link_type !== 'loopback') facts.mac = mac;
  // /sys/class/net/IF/speed: Mb/s; -1 or EINVAL when the driver does not know (virtual links).
  const mbps = Number(speed?.trim());
  if (speed !== null && Number.isInteger(mbps) && mbps > 0) facts.speedMbps = mbps;
  return facts;
}

const STATES: Readonly<Record<string, NeighbourState>> = {
  REACHABLE: 'reachable',
  STALE: 'stale',
  DELAY: 'delay',
  PROBE: 'probe',
  INCOMPLETE: 'incomplete',
  FAILED: 'failed',
  PERMANENT: 'permanent',
  NOARP: 'noarp',
};

/** `ip -j neigh show [to ADDR dev IF]` → the entry's MAC and state (`of` ADDR on IF's, else the first); `none` for no entry. */
export function parseNeighbour(stdout: string, of?: { address: string; interfaceName: string }): { mac?: string; state: NeighbourState } {
  const all = parseJson<{ dst?: string; dev?: string; lladdr?: string; state?: string[] }[]>(stdout) ?? [];
  const entry = of === undefined ? all[0] : all.find((e) => e.dst === of.address && e.dev === of.interfaceName);
  if (!entry) return { state: 'none' };
  const state = (entry.state ?? []).map((s) => STATES[s]).find((s) => s !== undefined) ?? 'none';
  const mac = normaliseMac(entry.lladdr);
  return mac === null ? { state } : { mac, state };
}

/** The tables tables() asks `ip -j -d -batch -` for after the routes, one JSON array a line, in this order. */
const TABLES = ['route show default', 'link show', 'neigh show'];

interface BatchTables {
  /** `ip route get`'s answer for each route asked, in the order asked. */
  routes: string[];
  defaults: string;
  links: string;
  neighbours: string;
}

/** The batch's output, a line per command; null unless every command printed its JSON array. */
function splitBatch(out: Fact<string>, routes: number): BatchTables | null {
  if ('unavailable' in out) return null;
  const lines = out.value.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== routes + TABLES.length || !lines.every((l) => l.trimStart().startsWith('['))) return null;
  const [defaults, links, neighbours] = lines.slice(routes) as [string, string, string];
  return { routes: lines.slice(0, routes), defaults, links, neighbours };
}

/** `ip` reading commands from stdin, JSON with details, going on past a command that fails. */
const BATCH = ['-j', '-d', '-force', '-batch', '-'];

/** The batch's commands: a `route get` per route, then TABLES, a line each. */
function batchInput(routes: readonly { destination: string; source: string | null }[]): string {
  return `${[...routes.map((r) => routeGet(r.destination, r.source).join(' ')), ...TABLES].join('\n')}\n`;
}

/** ss's filter for one socket: its two ports (RFC 793's four-tuple, the addresses checked in parseSsTcpInfo). */
function ssFilter(ends: SocketEnds): string {
  return `sport = :${ends.localPort} and dport = :${ends.remotePort}`;
}

function tcpFrom(out: CommandOutcome, ends: SocketEnds): Fact<TcpFacts> {
  if (out.errorCode !== undefined) return unavailable(toolFailure('ss', out.errorCode, out.stderr, IPROUTE));
  const facts = parseSsTcpInfo(out.stdout, ends);
  // TCP_INFO lives as long as the socket: one the exchange closed (Connection: close, a failure) is gone.
  return facts ? { value: facts } : unavailable('the connection was closed before ss could read its TCP_INFO (Connection: close, or the exchange failed)');
}

/** A tool that reads its question from stdin: started ahead, asked once. */
interface WaitingTool<T> {
  start(): void;
  /** The tool's output for `question` (started now if it was not); null when it was asked already. */
  ask(question: string): Promise<T> | null;
  /** Stops it unless it was asked. */
  release(): void;
}

function waitingTool<T>(parent: AbortSignal, run: (signal: AbortSignal, input: Promise<string>) => Promise<T>): WaitingTool<T> {
  // Linked by hand, and unlinked once the tool has ended (AbortSignal.any keeps its listener on the parent: abort.ts).
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  let write!: (question: string) => void;
  const input = new Promise<string>((resolve) => (write = resolve));
  let output: Promise<T> | null = null;
  let asked = false;
  const start = (): Promise<T> => {
    if (output) return output;
    if (parent.aborted) stop.abort();
    else parent.addEventListener('abort', onAbort, { once: true });
    output = run(stop.signal, input);
    void output.finally(() => parent.removeEventListener('abort', onAbort));
    return output;
  };
  return {
    start() {
      start();
    },
    ask(question) {
      if (asked) return null;
      asked = true;
      const out = start();
      write(question);
      return out;
    },
    release() {
      if (!asked) stop.abort();
    },
  };
}

/** `route get` for a destination (with a zone id: through that interface), from `source` when given. */
function routeGet(destination: string, source: string | null): string[] {
  const [address, zone] = destination.split('%') as [string, string | undefined];
  return ['route', 'get', address, ...(zone ? ['oif', zone] : []), ...(source !== null ? ['from', source] : [])];
}

/** An interface name that can be part of a /sys path (the kernel refuses slashes; checked anyway). */
function sysPath(name: string): string | null {
  return /^[^/\0]+$/.test(name) && name !== '.' && name !== '..' ? `/sys/class/net/${name}` : null;
}

export function linuxFacts(deps: LinuxDeps): SystemFacts {
  const ip = async (args: readonly string[], ctl: FactControl, input?: string | Promise<string>): Promise<Fact<string>> => {
    const out = await deps.run('ip', args, input === undefined ? ctl : { ...ctl, input });
    return out.errorCode === undefined ? { value: out.stdout } : unavailable(toolFailure(`ip ${args.filter((a) => a !== '-j' && a !== '-d').slice(0, 2).join(' ')}`, out.errorCode, out.stderr, IPROUTE));
  };
  /** The interface `name` from `ip link`'s output and its two /sys/class/net files. */
  const link = async (name: string, stdout: string): Promise<Fact<InterfaceFacts>> => {
    const sys = sysPath(name);
    const [speed, uevent] = await Promise.all([sys ? deps.readFile(`${sys}/speed`) : null, sys ? deps.readFile(`${sys}/uevent`) : null]);
    const facts = parseLink(stdout, speed, uevent, name);
    return facts ? { value: facts } : unavailable(`ip link printed nothing for ${name}`);
  };
  const facts: SystemFacts = {
    os: 'Linux',
    async route(destination, source, ctl) {
      const [address = ''] = destination.split('%');
      const v6 = isIP(address) === 6 ? ['-6'] : [];
      // From the connection's own source address; without it when the kernel refuses that (the address went away).
      let out = source !== null ? await ip(['-j', ...v6, ...routeGet(destination, source)], ctl) : null;
      if (out === null || 'unavailable' in out) out = await ip(['-j', ...v6, ...routeGet(destination, null)], ctl);
      if ('unavailable' in out) return out;
      const route = parseRouteGet(out.value, source);
      return route ? { value: route } : unavailable(`ip route get printed no route for ${address}`);
    },
    async defaultInterface(family: Family, ctl) {
      const out = await ip(['-j', ...(family === 6 ? ['-6'] : []), 'route', 'show', 'default'], ctl);
      return 'unavailable' in out ? out : { value: parseDefaultRoutes(out.value) };
    },
    async link(name, ctl) {
      const out = await ip(['-j', '-d', 'link', 'show', 'dev', name], ctl);
      return 'unavailable' in out ? out : link(name, out.value);
    },
    async neighbour(address, interfaceName, ctl) {
      const out = await ip(['-j', 'neigh', 'show', 'to', address.replace(/%.*$/, ''), 'dev', interfaceName], ctl);
      return 'unavailable' in out ? out : { value: parseNeighbour(out.value) };
    },
    async tcp(ends, ctl) {
      return tcpFrom(await deps.run('ss', ['-tinH', ...ssFilter(ends).split(' ')], ctl), ends);
    },
    async resolverFiles() {
      const read = async (path: string): Promise<{ path: string; text: string } | null> => {
        const text = await deps.readFile(path);
        return text === null ? null : { path, text };
      };
      const [resolvConf, hosts, nsswitch] = await Promise.all([read('/etc/resolv.conf'), read('/etc/hosts'), read('/etc/nsswitch.conf')]);
      return { value: { resolvConf, hosts, nsswitch } satisfies ResolverFiles };
    },
    // The routes, the default route, every interface and the whole neighbour table in one `ip
    // -batch`, beside ss: each spawn blocks the thread a millisecond or two and takes two or
    // three, so two tools in one round instead of five in three. A batch that did not answer whole
    // (a route the kernel refuses from that source; a host with thousands of interfaces overflows
    // the output cap) gives way to asking for each fact alone.
    tables(routes, ctl) {
      return tablesFrom(routes, ip(BATCH, ctl, batchInput(routes)));
    },
    // ip and ss both read their questions from stdin: started here, in a quiet moment of the run,
    // they wait for them, so the read after the exchange starts no process (each start blocks
    // the thread for a fork, a millisecond or two).
    standby(ctl) {
      const batch = waitingTool(ctl.signal, (signal, input) => ip(BATCH, { signal, timeoutMs: ctl.timeoutMs }, input));
      const ss = waitingTool(ctl.signal, (signal, input) => deps.run('ss', ['-tinH', '-F', '-'], { signal, timeoutMs: ctl.timeoutMs, input }));
      return {
        starts: [batch.start, ss.start],
        tables(routes, c) {
          const output = batch.ask(batchInput(routes));
          return output === null ? facts.tables!(routes, c) : tablesFrom(routes, output);
        },
        async tcp(ends, c) {
          const output = ss.ask(`${ssFilter(ends)}\n`);
          return output === null ? facts.tcp(ends, c) : tcpFrom(await output, ends);
        },
        release() {
          batch.release();
          ss.release();
        },
      };
    },
  };
  /** The answers to route(), defaultInterface(), link() and neighbour() from one batch's output, each asked alone when the batch did not answer it. */
  const tablesFrom = (routes: readonly { destination: string; source: string | null }[], output: Promise<Fact<string>>): ReturnType<NonNullable<SystemFacts['tables']>> => {
    const tables = output.then((out) => splitBatch(out, routes.length));
    const table = async (name: Exclude<keyof BatchTables, 'routes'>): Promise<string | null> => {
      const t = await tables;
      return t === null ? null : t[name];
    };
    return {
      async route(destination, source, c) {
        const i = routes.findIndex((r) => r.destination === destination && r.source === source);
        const out = i < 0 ? undefined : (await tables)?.routes[i];
        const route = out === undefined ? null : parseRouteGet(out, source);
        return route ? { value: route } : facts.route(destination, source, c);
      },
      async defaultInterface(family, c) {
        const out = family === 4 ? await table('defaults') : null;
        return out === null ? facts.defaultInterface(family, c) : { value: parseDefaultRoutes(out) };
      },
      async link(name, c) {
        const out = await table('links');
        const found = out === null ? null : await link(name, out);
        return found !== null && 'value' in found ? found : facts.link(name, c);
      },
      async neighbour(address, interfaceName, c) {
        const out = await table('neighbours');
        if (out === null) return facts.neighbour(address, interfaceName, c);
        return { value: parseNeighbour(out, { address: address.replace(/%.*$/, ''), interfaceName }) };
      },
    };
  };
  return facts;
}
