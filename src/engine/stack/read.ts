// Reads what the OS knows of a diagnosis' connections, after the exchange (never on the critical
// path): the route to each address and the default route, then each interface those routes leave
// through and the next hop on its link, the TCP_INFO of the connection that carried the exchange,
// and the system resolver's files. Everything runs within one budget and stops with the run's
// signal; what the OS cannot give is listed as unavailable, with the reason.
import { isIP } from 'node:net';
import type { Family } from '../model/common';
import type { ConnectionResult } from '../model/report';
import type { LinkFacts, NextHop, RouteFacts, TcpFacts, UnavailableFact } from '../model/stack';
import type { Fact, FactControl, InterfaceFacts, KernelRoute, ResolverFiles, SystemFacts } from './facts';

export interface StackFacts {
  /** By address connected to (or tried): the route, and the link it leaves through. */
  byAddress: Record<string, { route?: RouteFacts; link?: LinkFacts }>;
  /** Of the connection that carried the exchange. */
  tcp?: TcpFacts;
  resolver?: ResolverFiles;
  unavailable: UnavailableFact[];
}

export interface ReadInput {
  connections: readonly ConnectionResult[];
  /** The target's IPv6 zone (fe80::1%eth0): the route to a link-local address needs it. */
  zoneId?: string;
  /** Read the system resolver's files too (the name went through getaddrinfo). */
  resolver: boolean;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** For all the facts together. */
  timeoutMs: number;
}

export async function readStackFacts(os: SystemFacts, input: ReadInput, opts: ReadOptions): Promise<StackFacts> {
  const out: StackFacts = { byAddress: {}, unavailable: [] };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (opts.signal?.aborted) controller.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const deadline = Date.now() + opts.timeoutMs;
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  const ctl = (): FactControl => ({ signal: controller.signal, timeoutMs: Math.max(1, deadline - Date.now()) });
  // Each read ends with the budget even when a SystemFacts does not honour its signal.
  const aborted = new Promise<{ unavailable: string }>((resolve) => controller.signal.addEventListener('abort', () => resolve({ unavailable: opts.signal?.aborted ? 'cancelled' : 'stopped' }), { once: true }));
  const within = <T>(read: Promise<Fact<T>>): Promise<Fact<T>> => Promise.race([read, aborted]);
  const note = (fact: UnavailableFact['fact'], result: { unavailable: string }, subject?: string): void => {
    const reason = controller.signal.aborted && opts.signal?.aborted !== true ? `not read within ${opts.timeoutMs} ms` : result.unavailable;
    if (!out.unavailable.some((u) => u.fact === fact && u.reason === reason)) out.unavailable.push(subject === undefined ? { fact, reason } : { fact, reason, subject });
  };
  try {
    // Each address once, from the local address its connection used.
    const targets = new Map<string, string | null>();
    for (const c of input.connections) if (!targets.has(c.address) || c.localAddress) targets.set(c.address, c.localAddress ?? null);
    const families = [...new Set([...targets.keys()].map((a) => (isIP(a) === 6 ? 6 : 4) as Family))];
    const facts: SystemFacts = { ...os, ...os.tables?.([...targets].map(([address, source]) => ({ destination: withZone(address, input.zoneId), source })), ctl()) };
    const used = input.connections.find((c) => c.used && c.localAddress !== undefined && c.localPort !== undefined);

    const [routes, defaults, tcp, resolver] = await Promise.all([
      Promise.all([...targets].map(async ([address, source]) => [address, await within(facts.route(withZone(address, input.zoneId), source, ctl()))] as const)),
      Promise.all(families.map(async (f) => [f, await within(facts.defaultInterface(f, ctl()))] as const)),
      used ? within(facts.tcp({ localAddress: used.localAddress!, localPort: used.localPort!, remoteAddress: used.address, remotePort: used.port }, ctl())) : null,
      input.resolver ? within(facts.resolverFiles(ctl())) : null,
    ]);
    if (tcp && 'value' in tcp) out.tcp = tcp.value;
    else if (tcp) note('tcp', tcp);
    if (resolver && 'value' in resolver) out.resolver = resolver.value;
    else if (resolver) note('resolver', resolver);
    const defaultOf = new Map<Family, string | null>();
    for (const [family, d] of defaults) {
      if ('value' in d) defaultOf.set(family, d.value);
      else note('route', d, `default route (IPv${family})`);
    }

    const found = new Map<string, KernelRoute>();
    for (const [address, r] of routes) {
      if ('value' in r) found.set(address, r.value);
      else note('route', r, address);
    }
    const names = [...new Set([...found.values()].map((r) => r.interface))];
    const links = new Map<string, Fact<InterfaceFacts>>(await Promise.all(names.map(async (n) => [n, await within(facts.link(n, ctl()))] as const)));

    await Promise.all(
      [...found].map(async ([address, r]) => {
        const link = links.get(r.interface);
        const itf = link && 'value' in link ? link.value : null;
        if (link && 'unavailable' in link) note('link', link, r.interface);
        const route: RouteFacts = { ...r };
        if (r.pmtu !== undefined) route.pmtuSource = 'kernel';
        if (itf?.kind === 'tunnel') route.viaTunnel = true;
        const def = defaultOf.get(isIP(address) === 6 ? 6 : 4);
        if (!r.local && def && def !== r.interface) route.defaultInterface = def;
        const entry: { route?: RouteFacts; link?: LinkFacts } = { route };
        if (itf) entry.link = { ...itf, nextHop: await nextHop(facts, address, r, itf, ctl, within, note) };
        out.byAddress[address] = entry;
      }),
    );
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return out;
}

function withZone(address: string, zoneId: string | undefined): string {
  return zoneId && isIP(address) === 6 && address.toLowerCase().startsWith('fe80:') ? `${address}%${zoneId}` : address;
}

/** The gateway, or the destination on the same link; none on loopback and links without link-layer addresses (tunnels, PPP). */
async function nextHop(
  facts: SystemFacts,
  address: string,
  r: KernelRoute,
  itf: InterfaceFacts,
  ctl: () => FactControl,
  within: <T>(read: Promise<Fact<T>>) => Promise<Fact<T>>,
  note: (fact: UnavailableFact['fact'], result: { unavailable: string }, subject?: string) => void,
): Promise<NextHop | null> {
  if (r.local || itf.kind === 'loopback' || itf.kind === 'tunnel' || itf.kind === 'ppp' || itf.mac === undefined) return null;
  const hop = r.gateway ?? address;
  const entry = await within(facts.neighbour(hop, r.interface, ctl()));
  const role = r.gateway !== undefined ? 'gateway' : 'destination';
  if ('unavailable' in entry) {
    note('neighbour', entry, hop);
    return { address: hop, state: 'unknown', role };
  }
  return { address: hop, ...entry.value, role };
}
