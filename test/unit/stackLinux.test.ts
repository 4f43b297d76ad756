// The Linux system facts' parsers, on output recorded from iproute2 6.1 on this kind of machine:
// a client namespace behind a router (veth, MTU 1400, a path MTU of 1300 learnt), loopback, a tun
// device, a podman bridge, a virtio NIC; and ss -tinH for a connection with and without loss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandRunner } from '../../src/engine/command';
import { interfaceKind, linuxFacts, parseDefaultRoutes, parseLink, parseNeighbour, parseRouteGet } from '../../src/engine/stack/linux';
import { connectionPathMtu, parseSsTcpInfo, splitSsEndpoint } from '../../src/engine/stack/ssTcpInfo';

const ROUTE_VIA_GATEWAY = '[{"dst":"10.77.2.2","gateway":"10.77.1.1","dev":"ndx5253a0","prefsrc":"10.77.1.2","flags":[],"uid":0,"cache":[]}]';
const ROUTE_FROM = '[{"dst":"10.77.2.2","from":"10.77.1.2","gateway":"10.77.1.1","dev":"ndx5253a0","flags":[],"uid":0,"cache":[]}]';
const ROUTE_PMTU = '[{"dst":"10.77.2.2","gateway":"10.77.1.1","dev":"ndx5253a0","prefsrc":"10.77.1.2","flags":[],"uid":0,"cache":[],"expires":435,"metrics":[{"mtu":1300}]}]';
const ROUTE_LOCAL = '[{"type":"local","dst":"127.0.0.1","dev":"lo","prefsrc":"127.0.0.1","flags":[],"uid":0,"cache":["local"]}]';
const ROUTE_LOCAL6 = '[{"type":"local","dst":"::1","from":"::","dev":"lo","table":"local","protocol":"kernel","prefsrc":"::1","metric":0,"flags":[],"pref":"medium"}]';
const ROUTE_TUN = '[{"dst":"10.50.1.1","dev":"tun0","prefsrc":"10.9.0.1","flags":[],"uid":0,"cache":[]}]';

const LINK_VETH =
  '[{"ifindex":34,"link_index":33,"ifname":"ndx5253a0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1400,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"46:91:ec:dd:a8:9d","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":1,"promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"veth"},"inet6_addr_gen_mode":"eui64","num_tx_queues":2,"num_rx_queues":2}]';
const LINK_LO = '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","promiscuity":0}]';
const LINK_VIRTIO =
  '[{"ifindex":4,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1400,"qdisc":"pfifo_fast","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"02:fc:00:00:00:01","broadcast":"ff:ff:ff:ff:ff:ff","promiscuity":0,"parentbus":"virtio","parentdev":"virtio2"}]';
const LINK_BRIDGE = '[{"ifindex":37,"ifname":"podman1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","link_type":"ether","address":"12:60:80:09:cc:a0","linkinfo":{"info_kind":"bridge","info_data":{"forward_delay":1500,"stp_state":0}}}]';
const LINK_TUN =
  '[{"ifindex":2,"ifname":"tun0","flags":["NO-CARRIER","POINTOPOINT","MULTICAST","NOARP","UP"],"mtu":1380,"qdisc":"pfifo_fast","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":500,"link_type":"none","promiscuity":0,"linkinfo":{"info_kind":"tun","info_data":{"type":"tun","pi":false,"vnet_hdr":false,"multi_queue":false,"persist":true}}}]';

const SS_NAMESPACE = `ESTAB 0      0      10.77.1.2:45452 10.77.2.2:8080
\t bbr wscale:10,10 rto:204 rtt:0.08/0.038 ato:40 mss:1248 pmtu:1400 rcvmss:1248 advmss:1348 cwnd:11 bytes_sent:27 bytes_acked:28 bytes_received:200127 segs_out:11 segs_in:163 data_segs_out:1 data_segs_in:161 bbr:(bw:172137720bps,mrtt:0.058,pacing_gain:2.88672,cwnd_gain:2.88672) send 1372800000bps lastsnd:8 lastrcv:8 lastack:8 pacing_rate 3396759656bps delivery_rate 172137928bps delivered:2 app_limited rcv_rtt:0.183 rcv_space:53696 rcv_ssthresh:338033 minrtt:0.058 snd_wnd:65536
`;
const SS_LOSSY = `ESTAB 0      0      10.77.1.2:39046 10.77.2.2:8080
\t bbr wscale:10,10 rto:204 rtt:0.466/0.564 ato:40 mss:1248 pmtu:1300 rcvmss:1248 advmss:1248 cwnd:89 bytes_sent:177612 bytes_retrans:27560 bytes_acked:150053 bytes_received:200127 segs_out:161 segs_in:175 data_segs_out:146 data_segs_in:162 bbr:(bw:6574828944bps,mrtt:0.007,pacing_gain:2.88672,cwnd_gain:2.88672) send 1906815451bps lastsnd:220 lastrcv:4 lastack:4 pacing_rate 18789885184bps delivery_rate 147853464bps delivered:123 busy:4ms rwnd_limited:4ms(100.0%) retrans:0/24 rcv_rtt:1 rcv_space:24960 rcv_ssthresh:133617 minrtt:0.007 rcv_ooopack:17 snd_wnd:98304
`;
const SS_LOOPBACK = `ESTAB 0      0      127.0.0.1:50360 127.0.0.1:35851
\t bbr wscale:10,10 rto:204 rtt:0.049/0.027 ato:40 mss:32768 pmtu:65535 rcvmss:47616 advmss:65483 cwnd:11 bytes_sent:27 bytes_acked:28 bytes_received:300127 segs_out:10 segs_in:11 data_segs_out:1 data_segs_in:9 minrtt:0.021 snd_wnd:65536
ESTAB 0      0      127.0.0.1:35851 127.0.0.1:50360
\t cubic wscale:10,10 rto:201 rtt:0.02/0.01 mss:32768 pmtu:65535 advmss:65483 cwnd:10 snd_wnd:65536
`;

describe('ip route get', () => {
  it('reads the gateway, the interface and the source the kernel chose', () => {
    assert.deepEqual(parseRouteGet(ROUTE_VIA_GATEWAY, null), { interface: 'ndx5253a0', source: '10.77.1.2', gateway: '10.77.1.1' });
    assert.deepEqual(parseRouteGet(ROUTE_FROM, '10.77.1.2'), { interface: 'ndx5253a0', source: '10.77.1.2', gateway: '10.77.1.1' });
  });
  it('reads a learnt path MTU from the cached route', () => {
    assert.equal(parseRouteGet(ROUTE_PMTU, null)?.pmtu, 1300);
  });
  it('marks local routes, IPv4 and IPv6, and a directly attached tunnel route has no gateway', () => {
    assert.deepEqual(parseRouteGet(ROUTE_LOCAL, '127.0.0.1'), { interface: 'lo', source: '127.0.0.1', local: true });
    assert.deepEqual(parseRouteGet(ROUTE_LOCAL6, null), { interface: 'lo', source: '::1', local: true });
    assert.deepEqual(parseRouteGet(ROUTE_TUN, null), { interface: 'tun0', source: '10.9.0.1' });
  });
  it('gives nothing for output it does not understand', () => {
    assert.equal(parseRouteGet('', null), null);
    assert.equal(parseRouteGet('[]', null), null);
    assert.equal(parseRouteGet('{"dev": 1', null), null);
  });
  it('takes the default route with the lowest metric, or none', () => {
    assert.equal(parseDefaultRoutes('[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]}]'), 'eth0');
    assert.equal(parseDefaultRoutes('[{"dst":"default","gateway":"10.0.0.1","dev":"wlan0","metric":600,"flags":[]},{"dst":"default","gateway":"192.0.2.1","dev":"eth0","metric":100,"flags":[]}]'), 'eth0');
    assert.equal(parseDefaultRoutes('[]'), null);
  });
});

describe('ip -d link and /sys/class/net', () => {
  it('a veth with its MTU, MAC and state', () => {
    assert.deepEqual(parseLink(LINK_VETH, '10000\n', 'INTERFACE=ndx5253a0\nIFINDEX=34\n'), { interface: 'ndx5253a0', kind: 'veth', driver: 'veth', mtu: 1400, state: 'up', mac: '46:91:ec:dd:a8:9d', speedMbps: 10000 });
  });
  it('loopback has no MAC; an unknown speed (-1, EINVAL) is left out', () => {
    assert.deepEqual(parseLink(LINK_LO, null, null), { interface: 'lo', kind: 'loopback', mtu: 65536, state: 'unknown' });
    assert.deepEqual(parseLink(LINK_VIRTIO, '-1\n', 'INTERFACE=eth0\nIFINDEX=4\n'), { interface: 'eth0', kind: 'ethernet', mtu: 1400, state: 'up', mac: '02:fc:00:00:00:01' });
  });
  it('a bridge, a tun device, and Wi-Fi from the uevent', () => {
    assert.equal(parseLink(LINK_BRIDGE, null, null)?.kind, 'bridge');
    assert.deepEqual(parseLink(LINK_TUN, null, 'INTERFACE=tun0\nIFINDEX=2\n'), { interface: 'tun0', kind: 'tunnel', driver: 'tun', mtu: 1380, state: 'down' });
    assert.equal(interfaceKind('ether', undefined, 'wlan'), 'wifi');
    assert.equal(interfaceKind('none', 'wireguard', undefined), 'tunnel');
    assert.equal(interfaceKind('ppp', undefined, undefined), 'ppp');
    assert.equal(interfaceKind('ether', 'macvlan', undefined), 'other');
  });
});

describe('ip neigh', () => {
  it('the MAC and the state; an empty table means not resolved', () => {
    assert.deepEqual(parseNeighbour('[{"dst":"10.77.1.1","dev":"ndx5253a0","lladdr":"3a:b2:57:7a:3b:97","state":["REACHABLE"]}]'), { mac: '3a:b2:57:7a:3b:97', state: 'reachable' });
    assert.deepEqual(parseNeighbour('[{"dst":"192.0.2.1","lladdr":"02:fc:00:00:00:05","state":["STALE"]}]'), { mac: '02:fc:00:00:00:05', state: 'stale' });
    assert.deepEqual(parseNeighbour('[{"dst":"fd00::1","dev":"eth0","state":["FAILED"]}]'), { state: 'failed' });
    assert.deepEqual(parseNeighbour('[]'), { state: 'none' });
  });
});

describe('ss -tinH', () => {
  const ends = (local: string, lport: number, remote: string, rport: number) => ({ localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport });

  it('reads RTT, MSS, window and path MTU for the socket with these ends; a smaller MSS shows the smaller MTU on the way', () => {
    const t = parseSsTcpInfo(SS_NAMESPACE, ends('10.77.1.2', 45452, '10.77.2.2', 8080));
    assert.ok(t);
    assert.deepEqual(
      { rtt: t.rttMs, var: t.rttVarMs, mss: t.mss, advmss: t.advmss, pmtu: t.pmtu, pathMtu: t.pathMtu, cwnd: t.cwnd, retrans: t.retransmits, ooo: t.outOfOrder, cc: t.congestion, state: t.state },
      { rtt: 0.08, var: 0.038, mss: 1248, advmss: 1348, pmtu: 1400, pathMtu: 1300, cwnd: 11, retrans: 0, ooo: 0, cc: 'bbr', state: 'ESTAB' },
    );
  });
  it('reads the retransmissions and the segments that arrived out of order', () => {
    const t = parseSsTcpInfo(SS_LOSSY, ends('10.77.1.2', 39046, '10.77.2.2', 8080));
    assert.deepEqual([t?.retransmits, t?.outOfOrder, t?.pmtu, t?.pathMtu, t?.bytesSent], [24, 17, 1300, 1300, 177612]);
  });
  it('reads the retransmissions the server reported it already had (dsack_dups)', () => {
    const spurious = SS_NAMESPACE.replace('snd_wnd:65536', 'retrans:0/1 dsack_dups:1 snd_wnd:65536');
    const t = parseSsTcpInfo(spurious, ends('10.77.1.2', 45452, '10.77.2.2', 8080));
    assert.deepEqual([t?.retransmits, t?.spuriousRetransmits], [1, 1]);
  });
  it('on loopback the MSS is capped by the window, not the path: the path MTU stays the kernel\'s', () => {
    const t = parseSsTcpInfo(SS_LOOPBACK, ends('127.0.0.1', 50360, '127.0.0.1', 35851));
    assert.deepEqual([t?.mss, t?.pathMtu, t?.congestion], [32768, 65535, 'bbr']);
  });
  it('picks the socket by both ends, not the first line (the server\'s side of a loopback pair is listed too)', () => {
    assert.equal(parseSsTcpInfo(SS_LOOPBACK, ends('127.0.0.1', 35851, '127.0.0.1', 50360))?.congestion, 'cubic');
    assert.equal(parseSsTcpInfo(SS_LOOPBACK, ends('127.0.0.2', 50360, '127.0.0.1', 35851)), null);
    assert.equal(parseSsTcpInfo('', ends('127.0.0.1', 1, '127.0.0.1', 2)), null);
  });
  it('reads IPv6, IPv4-mapped and zoned endpoints', () => {
    assert.deepEqual(splitSsEndpoint('[::1]:443'), { address: '::1', port: 443 });
    assert.deepEqual(splitSsEndpoint('[::ffff:10.0.0.1]:80'), { address: '10.0.0.1', port: 80 });
    assert.deepEqual(splitSsEndpoint('[fe80::1%eth0]:22'), { address: 'fe80::1', port: 22 });
    assert.equal(splitSsEndpoint('*:*'), null);
    const v6 = `ESTAB 0 0 [::1]:41000 [::1]:8443\n\t cubic rtt:0.1/0.05 mss:32768 pmtu:65536 advmss:65464 cwnd:10 snd_wnd:65536\n`;
    assert.equal(parseSsTcpInfo(v6, ends('::1', 41000, '::1', 8443))?.rttMs, 0.1);
  });
  it('the path MTU from an MSS: the headers the kernel subtracted, or IP and TCP headers', () => {
    assert.equal(connectionPathMtu(1248, 1400, 1348, 65536, 52), 1300);
    assert.equal(connectionPathMtu(1448, 1500, undefined, 65536, 52), 1500);
    assert.equal(connectionPathMtu(1380, 1500, undefined, 131072, 40), 1420);
    assert.equal(connectionPathMtu(32768, 65535, 65483, 65536, 52), 65535, 'bounded by half the window');
  });
});

describe('linuxFacts', () => {
  /** Replays recorded output by command line; anything else is "not installed". */
  const replay =
    (outputs: Record<string, string>, seen: string[] = []): CommandRunner =>
    async (file, args) => {
      const line = [file, ...args].join(' ');
      seen.push(line);
      const out = outputs[line];
      return out === undefined ? { stdout: '', stderr: '', errorCode: 'ENOENT' } : { stdout: out, stderr: '' };
    };
  const ctl = { signal: new AbortController().signal, timeoutMs: 1000 };

  it('asks ip for the route from the connection\'s source, and ss for the socket by its ports', async () => {
    const seen: string[] = [];
    const facts = linuxFacts({
      run: replay({ 'ip -j route get 10.77.2.2 from 10.77.1.2': ROUTE_FROM, 'ss -tinH sport = :45452 and dport = :8080': SS_NAMESPACE }, seen),
      readFile: async () => null,
    });
    assert.deepEqual(await facts.route('10.77.2.2', '10.77.1.2', ctl), { value: { interface: 'ndx5253a0', source: '10.77.1.2', gateway: '10.77.1.1' } });
    const tcp = await facts.tcp({ localAddress: '10.77.1.2', localPort: 45452, remoteAddress: '10.77.2.2', remotePort: 8080 }, ctl);
    assert.ok('value' in tcp && tcp.value.mss === 1248);
    assert.deepEqual(seen, ['ip -j route get 10.77.2.2 from 10.77.1.2', 'ss -tinH sport = :45452 and dport = :8080']);
  });
  it('asks for a link-local route through the zone\'s interface, and reads /sys for the speed', async () => {
    const seen: string[] = [];
    const files: string[] = [];
    const facts = linuxFacts({ run: replay({ 'ip -j -d link show dev eth0': LINK_VIRTIO }, seen), readFile: async (p) => (files.push(p), null) });
    await facts.route('fe80::1%eth0', null, ctl);
    await facts.link('eth0', ctl);
    assert.deepEqual(seen, ['ip -j -6 route get fe80::1 oif eth0', 'ip -j -d link show dev eth0']);
    assert.deepEqual(files.sort(), ['/sys/class/net/eth0/speed', '/sys/class/net/eth0/uevent']);
  });
  it('without iproute2, each fact is unavailable with the reason, never a throw', async () => {
    const facts = linuxFacts({ run: replay({}), readFile: async () => null });
    const route = await facts.route('10.0.0.1', '10.0.0.2', ctl);
    assert.deepEqual(route, { unavailable: 'ip route get is not installed (apt install iproute2)' });
    const tcp = await facts.tcp({ localAddress: '10.0.0.2', localPort: 1, remoteAddress: '10.0.0.1', remotePort: 2 }, ctl);
    assert.deepEqual(tcp, { unavailable: 'ss is not installed (apt install iproute2)' });
  });
  it('tables(): the routes, the default route, every interface and the neighbours from one ip -batch, on its stdin', async () => {
    const seen: string[] = [];
    const inputs: (string | Promise<string> | undefined)[] = [];
    const links = `[${[LINK_LO, LINK_VIRTIO].map((l) => l.slice(1, -1)).join(',')}]`;
    const neighbours = '[{"dst":"10.0.0.9","dev":"eth1","lladdr":"02:00:00:00:00:09","state":["STALE"]},{"dst":"192.0.2.1","dev":"eth0","lladdr":"02:fc:00:00:00:05","state":["REACHABLE"]}]';
    const batch = `${ROUTE_FROM}\n${ROUTE_LOCAL6}\n[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]}]\n${links}\n${neighbours}\n`;
    const run: CommandRunner = async (file, args, opts) => {
      inputs.push(opts.input);
      return replay({ 'ip -j -d -force -batch -': batch }, seen)(file, args, opts);
    };
    const routes = [
      { destination: '10.77.2.2', source: '10.77.1.2' },
      { destination: '::1', source: null },
    ];
    const tables = linuxFacts({ run, readFile: async () => null }).tables!(routes, ctl);
    assert.deepEqual(await tables.route('10.77.2.2', '10.77.1.2', ctl), { value: { interface: 'ndx5253a0', source: '10.77.1.2', gateway: '10.77.1.1' } });
    assert.deepEqual(await tables.route('::1', null, ctl), { value: { interface: 'lo', source: '::1', local: true } });
    assert.deepEqual(await tables.defaultInterface(4, ctl), { value: 'eth0' });
    assert.deepEqual(await tables.link('eth0', ctl), { value: { interface: 'eth0', kind: 'ethernet', mtu: 1400, state: 'up', mac: '02:fc:00:00:00:01' } });
    assert.deepEqual(await tables.neighbour('192.0.2.1', 'eth0', ctl), { value: { mac: '02:fc:00:00:00:05', state: 'reachable' } });
    assert.deepEqual(await tables.neighbour('192.0.2.1', 'eth1', ctl), { value: { state: 'none' } }, 'the entry of another interface is not this one');
    assert.deepEqual(seen, ['ip -j -d -force -batch -']);
    assert.deepEqual(inputs, ['route get 10.77.2.2 from 10.77.1.2\nroute get ::1\nroute show default\nlink show\nneigh show\n']);
  });
  it('tables(): a batch that did not answer every command (a route refused from its source) gives way to asking for each fact alone', async () => {
    const seen: string[] = [];
    const replies = { 'ip -j -d -force -batch -': `[]\n${LINK_LO}\n`, 'ip -j route get 10.77.2.2 from 10.77.1.2': ROUTE_FROM, 'ip -j -d link show dev eth0': LINK_VIRTIO };
    const tables = linuxFacts({ run: replay(replies, seen), readFile: async () => null }).tables!([{ destination: '10.77.2.2', source: '10.77.1.2' }], ctl);
    assert.deepEqual(await tables.route('10.77.2.2', '10.77.1.2', ctl), { value: { interface: 'ndx5253a0', source: '10.77.1.2', gateway: '10.77.1.1' } });
    assert.deepEqual(await tables.link('eth0', ctl), { value: { interface: 'eth0', kind: 'ethernet', mtu: 1400, state: 'up', mac: '02:fc:00:00:00:01' } });
    assert.deepEqual(seen, ['ip -j -d -force -batch -', 'ip -j route get 10.77.2.2 from 10.77.1.2', 'ip -j -d link show dev eth0']);
  });
  it('standby(): ip and ss started ahead, each waiting for its questions on stdin, asked once the connection is known', async () => {
    const started: string[] = [];
    const asked: Record<string, string> = {};
    const stopped: string[] = [];
    const batch = `${ROUTE_FROM}\n[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]}]\n${LINK_VIRTIO}\n[]\n`;
    const outputs: Record<string, string> = { 'ip -j -d -force -batch -': batch, 'ss -tinH -F -': SS_NAMESPACE };
    const run: CommandRunner = async (file, args, opts) => {
      const line = [file, ...args].join(' ');
      started.push(line);
      opts.signal.addEventListener('abort', () => stopped.push(line));
      assert.ok(typeof opts.input === 'object', `${line} is started before its input is known`);
      asked[line] = await opts.input;
      return { stdout: outputs[line] ?? '', stderr: '' };
    };
    const standby = linuxFacts({ run, readFile: async () => null }).standby!(ctl);
    for (const start of standby.starts) start();
    assert.deepEqual(started, ['ip -j -d -force -batch -', 'ss -tinH -F -']);
    assert.deepEqual(asked, {}, 'nothing asked yet');
    const tables = standby.tables([{ destination: '10.77.2.2', source: '10.77.1.2' }], ctl);
    const tcp = await standby.tcp({ localAddress: '10.77.1.2', localPort: 45452, remoteAddress: '10.77.2.2', remotePort: 8080 }, ctl);
    assert.deepEqual(await tables.route('10.77.2.2', '10.77.1.2', ctl), { value: { interface: 'ndx5253a0', source: '10.77.1.2', gateway: '10.77.1.1' } });
    assert.deepEqual(await tables.defaultInterface(4, ctl), { value: 'eth0' });
    assert.ok('value' in tcp && tcp.value.mss === 1248 && tcp.value.pmtu === 1400);
    assert.deepEqual(asked, {
      'ip -j -d -force -batch -': 'route get 10.77.2.2 from 10.77.1.2\nroute show default\nlink show\nneigh show\n',
      'ss -tinH -F -': 'sport = :45452 and dport = :8080\n',
    });
    assert.equal(started.length, 2, 'no tool started again');
    standby.release();
    assert.deepEqual(stopped, [], 'release leaves the tools that were asked alone');
  });
  it('standby(): a tool asked before it was started starts then; one never asked is stopped by release; a second question runs the tool afresh', async () => {
    const started: string[] = [];
    const stopped: string[] = [];
    const run: CommandRunner = async (file, args, opts) => {
      const line = [file, ...args].join(' ');
      started.push(line);
      opts.signal.addEventListener('abort', () => stopped.push(line));
      if (typeof opts.input === 'object') {
        const stop = new Promise<string>((resolve) => opts.signal.addEventListener('abort', () => resolve('')));
        await Promise.race([opts.input, stop]);
      }
      return { stdout: line.startsWith('ss') ? SS_NAMESPACE : '', stderr: '' };
    };
    const ends = { localAddress: '10.77.1.2', localPort: 45452, remoteAddress: '10.77.2.2', remotePort: 8080 };
    const standby = linuxFacts({ run, readFile: async () => null }).standby!(ctl);
    assert.ok('value' in (await standby.tcp(ends, ctl)));
    assert.ok('value' in (await standby.tcp(ends, ctl)));
    assert.deepEqual(started, ['ss -tinH -F -', 'ss -tinH sport = :45452 and dport = :8080']);
    standby.starts[0]?.();
    standby.release();
    assert.deepEqual(stopped, ['ip -j -d -force -batch -']);
  });
  it('a socket ss does not list (closed before it looked) is said so', async () => {
    const facts = linuxFacts({ run: replay({ 'ss -tinH sport = :1 and dport = :2': '' }), readFile: async () => null });
    const tcp = await facts.tcp({ localAddress: '10.0.0.2', localPort: 1, remoteAddress: '10.0.0.1', remotePort: 2 }, ctl);
    assert.ok('unavailable' in tcp && /closed/.test(tcp.unavailable));
  });
});
