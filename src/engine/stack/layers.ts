// The lower three layers of a diagnosis, from the probes and the OS's facts: link (the interface
// and the next hop on it), internet (IP: which addresses, which route, the path MTU, a NAT on the
// way) and transport (TCP: the connects, and what TCP did on the one that carried the exchange).
// The name lookup is not here: it is an exchange of its own (dnsExchange.ts). Pure.
import type { LayerStatus } from '../model/common';
import type { ClassifiedAddress, ConnectionResult } from '../model/report';
import type { ProbeState } from '../summary';
import { endpoint, ipLine, kindWord, linkLine, nextHopLine, tcpDetails, tcpWords } from './words';

export interface BaseLayer {
  status: LayerStatus;
  summary: string;
  details: string[];
}

export function notRun(s: ProbeState, why: string): BaseLayer {
  return s.finished ? { status: 'skipped', summary: s.cancelled ? 'Cancelled before this step' : why, details: [] } : { status: 'pending', summary: 'Waiting…', details: [] };
}

/** The addresses the connection goes to: the literal, the pinned ones, or the system resolver's. */
export function addressList(s: ProbeState): string[] {
  if (s.target.ipFamily !== null) return [s.target.host];
  const list = s.dns?.pinned ?? s.dns?.system.addresses ?? [];
  return list.map((a) => a.address);
}

/** The connection the lower layers describe: the one that carried the exchange, else the first the OS told about. */
function shownConnection(s: ProbeState, has: (c: ConnectionResult) => boolean): ConnectionResult | undefined {
  const used = s.connections.find((c) => c.used);
  return used && has(used) ? used : (s.connections.find(has) ?? used);
}

export function linkLayer(s: ProbeState): BaseLayer {
  const used = s.connections.find((c) => c.used);
  const shown = shownConnection(s, (c) => c.link !== undefined);
  const l = shown?.link;
  if (l) {
    const summary = l.kind === 'loopback' ? `${linkLine(l)}: the packets never leave this machine` : l.nextHop ? `${linkLine(l)}; next hop ${nextHopLine(l.nextHop)}` : `${linkLine(l)}; a ${kindWord(l.kind)} has no link-layer neighbour`;
    const details = [`Kind: ${kindWord(l.kind)}${l.driver !== undefined && l.driver !== l.kind ? ` (${l.driver})` : ''}`];
    const owned = s.link?.interface;
    if (owned?.name === l.interface) details.push(`Addresses: ${owned.addresses.map((a) => a.cidr ?? a.address).join(', ')}`);
    for (const c of s.connections) {
      if (c !== shown && c.link && c.link.interface !== l.interface) details.push(`${c.address}: ${linkLine(c.link)}${c.link.nextHop ? `; next hop ${nextHopLine(c.link.nextHop)}` : ''}`);
    }
    return { status: 'ok', summary, details };
  }
  if (!s.link) return used || s.connectsDone ? { status: 'skipped', summary: 'No connection was made, so no local interface was used', details: [] } : notRun(s, 'No connection was made');
  const itf = s.link.interface;
  if (!itf) return { status: 'warn', summary: `Local address ${s.link.localAddress} belongs to no listed interface`, details: [] };
  const addrs = itf.addresses.map((a) => a.cidr ?? a.address);
  return {
    status: 'ok',
    summary: `Leaves through ${itf.name} (${s.link.localAddress})${itf.internal ? ', a loopback interface' : ''}${s.systemFacts === 'pending' ? '; reading the interface…' : ''}`,
    details: [`Interface ${itf.name}: ${addrs.join(', ')}`, ...(itf.mac ? [`MAC ${itf.mac}`] : [])],
  };
}

/** A private (or shared, CGNAT) source meeting a public destination: something on the way translates it. */
export function natHint(local: ClassifiedAddress | null, remote: ClassifiedAddress | undefined): string | null {
  if (!local || !remote || remote.class !== 'public' || local.family !== remote.family) return null;
  if (local.class !== 'private' && local.class !== 'cgnat' && local.class !== 'unique-local') return null;
  return `NAT on the way: the source ${local.address} is ${local.class === 'cgnat' ? 'a carrier-grade NAT (shared) address' : 'private'} and ${remote.address} is public, so a router translates it; the server sees another address`;
}

export function internetLayer(s: ProbeState): BaseLayer {
  if (!s.addressesKnown) return notRun(s, 'No address to route to');
  if (s.proxy?.url) {
    const proxyAddrs = s.connections.map((c) => c.address);
    if (proxyAddrs.length === 0) {
      if (s.proxy.error) return { status: 'fail', summary: `The proxy ${s.proxy.url} cannot be reached: ${s.proxy.error.message}`, details: [s.proxy.reason] };
      return s.finished ? { status: 'skipped', summary: `The proxy ${s.proxy.url} was not connected`, details: [] } : { status: 'pending', summary: `Connecting to the proxy ${s.proxy.url}…`, details: [] };
    }
    const shown = shownConnection(s, (c) => c.route !== undefined);
    return { status: 'ok', summary: `To the proxy ${s.proxy.url}: ${shown ? ipLine(shown) : proxyAddrs.join(', ')}`, details: [s.proxy.reason] };
  }
  const addrs = addressList(s);
  if (addrs.length === 0) return { status: 'skipped', summary: `No address to route to: ${s.target.host} did not resolve`, details: [] };
  const shown = shownConnection(s, (c) => c.route !== undefined);
  const summary = shown ? ipLine(shown) : `To ${addrs.join(', ')}`;
  const details: string[] = [];
  const internet = s.internet;
  if (internet?.local) details.push(`Source ${internet.local.address}: ${internet.local.description}`);
  for (const r of internet?.remote ?? []) details.push(`Destination ${r.address}: ${r.description}`);
  for (const c of s.connections) if (c !== shown && c.route) details.push(`Route: ${ipLine(c)}`);
  const pmtu = shown?.route?.pmtu;
  if (pmtu !== undefined) details.push(`Path MTU ${pmtu} (${shown?.route?.pmtuSource === 'trace' ? 'measured by the route trace' : 'learnt by the kernel'})`);
  const nat = natHint(internet?.local ?? null, internet?.remote.find((r) => r.address === shown?.address));
  if (nat) details.push(nat);
  if (!shown?.route && s.systemFacts === 'pending' && s.connectsDone) details.push('Reading the route…');
  return { status: 'ok', summary, details };
}

export function transportLayer(s: ProbeState): BaseLayer {
  if (!s.addressesKnown) return notRun(s, 'No address to connect to');
  const own = ownConnections(s);
  if (own.length === 0) return s.finished || addressList(s).length === 0 ? { status: 'skipped', summary: 'No address to connect to', details: [] } : notRun(s, 'No address to connect to');
  const used = s.connections.find((c) => c.used);
  const ok = own.filter((c) => c.ok);
  const details = s.connections.map((c) => `${endpoint(c.address, c.port)}${c.dnsOnly ? ' (only DNS gives it: what other clients get)' : ''}: ${c.ok ? `connected in ${c.durationMs} ms${c.localPort !== undefined ? ` from port ${c.localPort}` : ''}` : (c.error?.message ?? 'failed')}`);
  if (used) {
    if (used.tcp) details.push(...tcpDetails(used.tcp));
    const what = used.tcp ? `; ${tcpWords(used.tcp)}` : s.systemFacts === 'pending' ? '; reading TCP_INFO…' : '';
    const others = s.finished && !s.connectsDone ? '; others still connecting' : '';
    return { status: 'ok', summary: `TCP ${used.localPort ?? '?'} → ${endpoint(used.address, used.port)} connected in ${used.durationMs} ms (${ok.length}/${own.length} addresses accept${others})${what}`, details };
  }
  if (!s.connectsDone) return { status: 'pending', summary: 'Connecting…', details };
  if (ok.length === 0) return { status: 'fail', summary: `No address accepted a TCP connection on port ${s.target.port}`, details };
  return { status: 'ok', summary: `${ok.length}/${own.length} addresses accept TCP on port ${s.target.port}`, details };
}

/** The connects to this machine's own answer, without those to addresses only DNS gives. */
export function ownConnections(s: ProbeState): ConnectionResult[] {
  return s.connections.filter((c) => c.dnsOnly !== true);
}
