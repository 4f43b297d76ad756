// What the OS's facts reveal, as findings (stack/judge.ts), and how they are read together within
// one budget (stack/read.ts) from a SystemFacts the test scripts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionResult } from '../../src/engine/model/report';
import type { LinkFacts, TcpFacts } from '../../src/engine/model/stack';
import type { Fact, InterfaceFacts, SystemFacts } from '../../src/engine/stack/facts';
import { stackFindings } from '../../src/engine/stack/judge';
import { readStackFacts } from '../../src/engine/stack/read';

const tcp = (patch: Partial<TcpFacts> = {}): TcpFacts => ({ state: 'ESTAB', rttMs: 0.4, rttVarMs: 0.1, retransmits: 0, outOfOrder: 0, mss: 1448, cwnd: 10, pmtu: 1500, pathMtu: 1500, ...patch });
const veth = (patch: Partial<LinkFacts> = {}): LinkFacts => ({ interface: 'a0', kind: 'veth', mtu: 1400, state: 'up', mac: '46:91:ec:dd:a8:9d', nextHop: { address: '10.77.1.1', mac: '3a:b2:57:7a:3b:97', state: 'reachable', role: 'gateway' }, ...patch });
const conn = (patch: Partial<ConnectionResult> = {}): ConnectionResult => ({ address: '10.77.2.2', family: 4, port: 8080, ok: true, durationMs: 0.5, localAddress: '10.77.1.2', localPort: 45452, used: true, ...patch });
const codes = (c: ConnectionResult[], stalled = false): string[] => stackFindings(c, { stalled }).map((f) => f.code);

describe('stackFindings', () => {
  it('nothing to say about a clean connection', () => {
    assert.deepEqual(codes([conn({ route: { interface: 'a0', source: '10.77.1.2', gateway: '10.77.1.1' }, link: veth(), tcp: tcp({ mss: 1348, pmtu: 1400, pathMtu: 1400 }) })]), []);
  });
  it('retransmissions this side made, or segments from the server out of order: TCP_RETRANSMISSIONS', () => {
    const [f] = stackFindings([conn({ tcp: tcp({ retransmits: 24, outOfOrder: 17 }) })], { stalled: false });
    assert.equal(f?.code, 'TCP_RETRANSMISSIONS');
    assert.match(f?.message ?? '', /resent 24 segment.*17 of the server's arrived out of order/);
    assert.match(stackFindings([conn({ tcp: tcp({ outOfOrder: 3 }) })], { stalled: false })[0]?.message ?? '', /3 segment\(s\) from 10\.77\.2\.2:8080 arrived out of order/);
  });
  it('retransmissions the server already had (DSACK) lost nothing: no finding for them alone', () => {
    assert.deepEqual(codes([conn({ tcp: tcp({ retransmits: 1, spuriousRetransmits: 1 }) })]), []);
    const [f] = stackFindings([conn({ tcp: tcp({ retransmits: 3, spuriousRetransmits: 1 }) })], { stalled: false });
    assert.match(f?.message ?? '', /resent 2 segment\(s\) to 10\.77\.2\.2:8080 on this connection \(3 in all; the server already had 1\)/);
  });
  it('a path MTU below the interface\'s: PATH_MTU_REDUCED, naming a black hole when the exchange stalled', () => {
    const c = conn({ link: veth(), tcp: tcp({ mss: 1248, pmtu: 1400, pathMtu: 1300 }) });
    const [f] = stackFindings([c], { stalled: false });
    assert.equal(f?.code, 'PATH_MTU_REDUCED');
    assert.match(f?.message ?? '', /at most 1300 bytes \(TCP's MSS is 1248\), less than the 1400 of a0/);
    assert.match(stackFindings([c], { stalled: true })[0]?.message ?? '', /MTU black hole/);
    const traced = conn({ link: veth(), route: { interface: 'a0', source: '10.77.1.2', pmtu: 1280, pmtuSource: 'trace' } });
    assert.match(stackFindings([traced], { stalled: false })[0]?.message ?? '', /at most 1280 bytes \(the route trace measured it\)/);
  });
  it('loopback never leaves the machine: no path MTU finding for its 65535 against 65536', () => {
    const lo = conn({ address: '127.0.0.1', route: { interface: 'lo', source: '127.0.0.1', local: true }, link: { interface: 'lo', kind: 'loopback', mtu: 65536, state: 'unknown', nextHop: null }, tcp: tcp({ mss: 32768, pmtu: 65535, pathMtu: 65535 }) });
    assert.deepEqual(codes([lo]), []);
  });
  it('a route through a gateway or a tunnel on another interface than the default route: ROUTE_UNEXPECTED_INTERFACE; a neighbour on another link is expected', () => {
    const viaOther = conn({ route: { interface: 'b0', source: '10.77.3.2', gateway: '10.77.3.1', defaultInterface: 'a0' } });
    assert.deepEqual(codes([viaOther]), ['ROUTE_UNEXPECTED_INTERFACE']);
    assert.match(stackFindings([viaOther], { stalled: false })[0]?.message ?? '', /leaves through b0 \(gateway 10\.77\.3\.1\), not through a0/);
    const vpn = conn({ route: { interface: 'wg0', source: '10.9.0.2', viaTunnel: true, defaultInterface: 'eth0' } });
    assert.match(stackFindings([vpn], { stalled: false })[0]?.message ?? '', /the tunnel wg0/);
    const bridge = conn({ address: '10.89.0.2', route: { interface: 'podman1', source: '10.89.0.1', defaultInterface: 'eth0' } });
    assert.deepEqual(codes([bridge]), []);
  });
  it('a next hop that never answered ARP: LINK_NEIGHBOUR_UNRESOLVED, once per neighbour', () => {
    const dead = { address: '10.77.1.99', state: 'failed' as const, role: 'gateway' as const };
    const a = conn({ ok: false, used: false, address: '10.77.9.9', link: veth({ nextHop: dead }), error: { code: 'EHOSTUNREACH', message: 'no route' } });
    const b = conn({ ok: false, used: false, address: '10.77.9.10', link: veth({ nextHop: dead }), error: { code: 'EHOSTUNREACH', message: 'no route' } });
    const found = stackFindings([a, b], { stalled: false });
    assert.deepEqual(found.map((f) => f.code), ['LINK_NEIGHBOUR_UNRESOLVED']);
    assert.match(found[0]?.message ?? '', /10\.77\.1\.99, the gateway on a0, did not answer ARP/);
    assert.match(stackFindings([conn({ address: 'fd00::2', family: 6, link: veth({ nextHop: { address: 'fd00::1', state: 'incomplete', role: 'gateway' } }) })], { stalled: false })[0]?.message ?? '', /neighbour discovery/);
  });
});

/** A SystemFacts that answers from tables, and records what it was asked. */
function scripted(t: { routes?: Record<string, Fact<{ interface: string; source: string; gateway?: string; local?: boolean; pmtu?: number }>>; links?: Record<string, Fact<InterfaceFacts>>; defaults?: Fact<string | null>; never?: boolean }, asked: string[] = []): SystemFacts {
  const wait = <T>(value: T): Promise<T> => (t.never ? new Promise<T>(() => undefined) : Promise.resolve(value));
  return {
    os: 'test',
    route: async (destination, source) => (asked.push(`route ${destination} from ${source}`), wait(t.routes?.[destination] ?? { unavailable: 'no route' })),
    defaultInterface: async (family) => (asked.push(`default ${family}`), t.defaults ?? { value: 'a0' }),
    link: async (name) => (asked.push(`link ${name}`), t.links?.[name] ?? { unavailable: 'no such link' }),
    neighbour: async (address, itf) => (asked.push(`neighbour ${address} ${itf}`), { value: { mac: '3a:b2:57:7a:3b:97', state: 'reachable' } }),
    tcp: async (ends) => (asked.push(`tcp ${ends.localPort}->${ends.remotePort}`), { value: tcp() }),
    resolverFiles: async () => (asked.push('resolver'), { value: { resolvConf: null, hosts: null, nsswitch: null } }),
  };
}

const A0: InterfaceFacts = { interface: 'a0', kind: 'veth', mtu: 1400, state: 'up', mac: '46:91:ec:dd:a8:9d' };
const WG: InterfaceFacts = { interface: 'wg0', kind: 'tunnel', mtu: 1420, state: 'unknown' };

describe('readStackFacts', () => {
  it('routes from each connection\'s source, each interface once, the next hop, TCP_INFO for the used one', async () => {
    const asked: string[] = [];
    const facts = scripted(
      {
        routes: { '10.77.2.2': { value: { interface: 'a0', source: '10.77.1.2', gateway: '10.77.1.1' } }, '10.77.2.3': { value: { interface: 'a0', source: '10.77.1.2', gateway: '10.77.1.1' } } },
        links: { a0: { value: A0 } },
      },
      asked,
    );
    const read = await readStackFacts(facts, { connections: [conn(), conn({ address: '10.77.2.3', used: false, localPort: 45460 })], resolver: false }, { timeoutMs: 1000 });
    assert.deepEqual(read.byAddress['10.77.2.2'], { route: { interface: 'a0', source: '10.77.1.2', gateway: '10.77.1.1' }, link: { ...A0, nextHop: { address: '10.77.1.1', mac: '3a:b2:57:7a:3b:97', state: 'reachable', role: 'gateway' } } });
    assert.equal(read.tcp?.rttMs, 0.4);
    assert.deepEqual(read.unavailable, []);
    assert.deepEqual(asked.filter((a) => a.startsWith('link')), ['link a0']);
    assert.ok(asked.includes('route 10.77.2.2 from 10.77.1.2') && asked.includes('tcp 45452->8080') && !asked.includes('resolver'));
  });
  it('marks a tunnel and another interface than the default route; a tunnel has no link-layer neighbour', async () => {
    const facts = scripted({ routes: { '10.50.1.1': { value: { interface: 'wg0', source: '10.9.0.2' } } }, links: { wg0: { value: WG } }, defaults: { value: 'eth0' } });
    const read = await readStackFacts(facts, { connections: [conn({ address: '10.50.1.1' })], resolver: true }, { timeoutMs: 1000 });
    assert.deepEqual(read.byAddress['10.50.1.1']?.route, { interface: 'wg0', source: '10.9.0.2', viaTunnel: true, defaultInterface: 'eth0' });
    assert.equal(read.byAddress['10.50.1.1']?.link?.nextHop, null);
    assert.ok(read.resolver);
  });
  it('says what the OS could not give, once per reason', async () => {
    const facts = scripted({ routes: {}, defaults: { unavailable: 'ip route show is not installed' } });
    const read = await readStackFacts(facts, { connections: [conn(), conn({ address: '10.77.2.3', used: false })], resolver: false }, { timeoutMs: 1000 });
    assert.deepEqual(read.byAddress, {});
    assert.deepEqual(read.unavailable.map((u) => [u.fact, u.reason, u.subject]), [
      ['route', 'ip route show is not installed', 'default route (IPv4)'],
      ['route', 'no route', '10.77.2.2'],
    ]);
  });
  it('ends within its budget when a tool never answers, and says so', async () => {
    const facts = scripted({ never: true });
    const started = Date.now();
    const read = await readStackFacts(facts, { connections: [conn()], resolver: false }, { timeoutMs: 150 });
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(read.unavailable.find((u) => u.subject === '10.77.2.2')?.reason, 'not read within 150 ms');
  });
});
