// The macOS and Windows system facts, on their tools' documented output formats (route(8),
// ifconfig(8), arp(8), ndp(8), networksetup; PowerShell's NetTCPIP cmdlets shaped by Netdiag's own
// scripts, and `route print`): the argument building and the parsing. These tools do not exist on
// the Linux machines the suites run on, so their output is replayed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandRunner } from '../../src/engine/command';
import { darwinFacts, parseArp, parseIfconfig, parseNdp, parseRouteGetDarwin, parseWifiDevices } from '../../src/engine/stack/darwin';
import { osFacts } from '../../src/engine/stack/osFacts';
import { findNetRouteScript, linkScript, neighbourScript, parseFindNetRoute, parseRoutePrint, parseWindowsLink, parseWindowsNeighbour, powershellArgs, psQuote, windowsFacts } from '../../src/engine/stack/windows';

const ctl = { signal: new AbortController().signal, timeoutMs: 1000 };

function replay(outputs: Record<string, { stdout?: string; stderr?: string; errorCode?: string }>, seen: string[] = []): CommandRunner {
  return async (file, args) => {
    const line = [file, ...args].join(' ');
    seen.push(line);
    const out = outputs[line];
    return out === undefined ? { stdout: '', stderr: '', errorCode: 'ENOENT' } : { stdout: out.stdout ?? '', stderr: out.stderr ?? '', ...(out.errorCode ? { errorCode: out.errorCode } : {}) };
  };
}

const ROUTE_DEFAULT_GW = `   route to: 93.184.216.34
destination: default
       mask: default
    gateway: 192.168.1.1
  interface: en0
      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>
 recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount      mtu     expire
       0         0         0         0         0         0      1500         0
`;
const ROUTE_LOCAL = `   route to: 127.0.0.1
destination: 127.0.0.1
  interface: lo0
      flags: <UP,HOST,DONE,LOCAL>
 recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount      mtu     expire
   49152     49152         0         0         0         0     16384         0
`;
const ROUTE_VPN = `   route to: 10.20.1.5
destination: 10.20.0.0
       mask: 255.255.0.0
  interface: utun4
      flags: <UP,DONE,STATIC,PRCLONING>
 recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount      mtu     expire
       0         0         0         0         0         0      1380         0
`;
const IFCONFIG_EN0 = `en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
\toptions=6463<RXCSUM,TXCSUM,TSO4,TSO6,CHANNEL_IO,PARTIAL_CSUM,ZEROINVERT_CSUM>
\tether a4:83:e7:0a:1b:2c
\tinet6 fe80::1c5a:4a4c:d1e:2b3a%en0 prefixlen 64 secured scopeid 0xe
\tinet 192.168.1.23 netmask 0xffffff00 broadcast 192.168.1.255
\tnd6 options=201<PERFORMNUD,DAD>
\tmedia: autoselect
\tstatus: active
`;
const IFCONFIG_EN7 = `en7: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
\tether 0:e0:4c:68:1:2
\tinet 10.0.0.12 netmask 0xffffff00 broadcast 10.0.0.255
\tmedia: autoselect (1000baseT <full-duplex>)
\tstatus: active
`;
const IFCONFIG_UTUN = `utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380
\tinet 10.20.0.7 --> 10.20.0.7 netmask 0xffff0000
`;
const PORTS = `
Hardware Port: Ethernet Adapter (en7)
Device: en7
Ethernet Address: 00:e0:4c:68:01:02

Hardware Port: Wi-Fi
Device: en0
Ethernet Address: a4:83:e7:0a:1b:2c

Hardware Port: Thunderbolt Bridge
Device: bridge0
Ethernet Address: 82:10:a5:7c:d4:00

VLAN Configurations
===================
`;

describe('macOS', () => {
  it('route -n get: the gateway only with the GATEWAY flag, the interface, the MTU column', () => {
    assert.deepEqual(parseRouteGetDarwin(ROUTE_DEFAULT_GW), { interface: 'en0', flags: ['UP', 'GATEWAY', 'DONE', 'STATIC', 'PRCLONING'], gateway: '192.168.1.1', mtu: 1500 });
    assert.deepEqual(parseRouteGetDarwin(ROUTE_LOCAL), { interface: 'lo0', flags: ['UP', 'HOST', 'DONE', 'LOCAL'], mtu: 16384 });
    assert.equal(parseRouteGetDarwin(ROUTE_VPN)?.gateway, undefined);
    assert.equal(parseRouteGetDarwin('route: writing to routing socket: not in table'), null);
  });
  it('ifconfig: MTU, MAC (two digits a group), status, addresses, the media speed', () => {
    assert.deepEqual(parseIfconfig(IFCONFIG_EN0), { name: 'en0', mtu: 1500, flags: ['UP', 'BROADCAST', 'SMART', 'RUNNING', 'SIMPLEX', 'MULTICAST'], mac: 'a4:83:e7:0a:1b:2c', status: 'active', inet: '192.168.1.23', inet6: 'fe80::1c5a:4a4c:d1e:2b3a' });
    assert.equal(parseIfconfig(IFCONFIG_EN7)?.mac, '00:e0:4c:68:01:02');
    assert.equal(parseIfconfig(IFCONFIG_EN7)?.speedMbps, 1000);
    assert.equal(parseIfconfig(IFCONFIG_UTUN)?.mac, undefined);
    assert.equal(parseIfconfig(''), null);
  });
  it('networksetup names the Wi-Fi device', () => {
    assert.deepEqual(parseWifiDevices(PORTS), ['en0']);
  });
  it('arp -n and ndp -n: resolved, incomplete, no entry', () => {
    assert.deepEqual(parseArp('? (192.168.1.1) at 20:c0:47:c2:a8:a3 on en0 ifscope [ethernet]\n'), { mac: '20:c0:47:c2:a8:a3', state: 'resolved' });
    assert.deepEqual(parseArp('? (192.168.1.99) at (incomplete) on en0 ifscope [ethernet]\n'), { state: 'incomplete' });
    assert.deepEqual(parseArp('192.168.1.98 (192.168.1.98) -- no entry\n'), { state: 'none' });
    const header = 'Neighbor                        Linklayer Address  Netif Expire    St Flgs Prbs\n';
    assert.deepEqual(parseNdp(`${header}fe80::1%en0                     20:c0:47:c2:a8:a3  en0   23h59m58s S  R\n`), { mac: '20:c0:47:c2:a8:a3', state: 'stale' });
    assert.deepEqual(parseNdp(`${header}2001:db8::1                     (incomplete)       en0   expired   I     3\n`), { state: 'incomplete' });
    assert.deepEqual(parseNdp(header), { state: 'none' });
  });
  it('darwinFacts: the route\'s source from ifconfig when no connection gave one; Wi-Fi, tunnels and loopback told apart', async () => {
    const seen: string[] = [];
    const facts = darwinFacts({
      run: replay(
        {
          'route -n get 93.184.216.34': { stdout: ROUTE_DEFAULT_GW },
          'route -n get 10.20.1.5': { stdout: ROUTE_VPN },
          'ifconfig en0': { stdout: IFCONFIG_EN0 },
          'ifconfig utun4': { stdout: IFCONFIG_UTUN },
          'networksetup -listallhardwareports': { stdout: PORTS },
          'route -n get -inet6 default': { stderr: 'route: writing to routing socket: not in table\n', errorCode: '1' },
          'arp -n 192.168.1.1': { stdout: '? (192.168.1.1) at 20:c0:47:c2:a8:a3 on en0 ifscope [ethernet]\n' },
          'arp -n 192.168.1.98': { stdout: '192.168.1.98 (192.168.1.98) -- no entry\n', errorCode: '1' },
        },
        seen,
      ),
      readFile: async () => null,
    });
    assert.deepEqual(await facts.route('93.184.216.34', null, ctl), { value: { interface: 'en0', source: '192.168.1.23', gateway: '192.168.1.1', pmtu: 1500 } });
    assert.deepEqual(await facts.route('10.20.1.5', '10.20.0.7', ctl), { value: { interface: 'utun4', source: '10.20.0.7', pmtu: 1380 } });
    assert.deepEqual(await facts.link('en0', ctl), { value: { interface: 'en0', kind: 'wifi', mtu: 1500, state: 'up', mac: 'a4:83:e7:0a:1b:2c' } });
    assert.equal(((await facts.link('utun4', ctl)) as { value: { kind: string } }).value.kind, 'tunnel');
    assert.deepEqual(await facts.defaultInterface(6, ctl), { value: null });
    assert.deepEqual(await facts.neighbour('192.168.1.1', 'en0', ctl), { value: { mac: '20:c0:47:c2:a8:a3', state: 'resolved' } });
    assert.deepEqual(await facts.neighbour('192.168.1.98', 'en0', ctl), { value: { state: 'none' } });
    const tcp = await facts.tcp({ localAddress: '192.168.1.23', localPort: 50000, remoteAddress: '93.184.216.34', remotePort: 443 }, ctl);
    assert.ok('unavailable' in tcp && /macOS/.test(tcp.unavailable));
  });
});

const FIND_NET_ROUTE = '{"source":"192.168.1.23","interface":"Wi-Fi","nextHop":"192.168.1.1","prefix":"0.0.0.0/0"}';
const FIND_NET_ROUTE_ONLINK = '{"source":"192.168.1.23","interface":"Ethernet","nextHop":"0.0.0.0","prefix":"192.168.1.0/24"}';
const FIND_NET_ROUTE_LOOPBACK = '{"source":"127.0.0.1","interface":"Loopback Pseudo-Interface 1","nextHop":"0.0.0.0","prefix":"127.0.0.0/8"}';
const ROUTE_PRINT = `===========================================================================
Interface List
 12...a4 83 e7 0a 1b 2c ......Intel(R) Wi-Fi 6 AX201 160MHz
  1...........................Software Loopback Interface 1
===========================================================================

IPv4 Route Table
===========================================================================
Active Routes:
Network Destination        Netmask          Gateway       Interface  Metric
          0.0.0.0          0.0.0.0      192.168.1.1     192.168.1.23     35
         10.0.0.0        255.0.0.0         10.8.0.1         10.8.0.6      5
        127.0.0.0        255.0.0.0         On-link         127.0.0.1    331
        127.0.0.1  255.255.255.255         On-link         127.0.0.1    331
      192.168.1.0    255.255.255.0         On-link      192.168.1.23    291
     192.168.1.23  255.255.255.255         On-link      192.168.1.23    291
===========================================================================
Persistent Routes:
  None
`;

describe('Windows', () => {
  it('scripts quote what they are given and refuse what is not an address', () => {
    assert.equal(psQuote("it's"), "'it''s'");
    assert.match(findNetRouteScript('10.0.0.5'), /Find-NetRoute -RemoteIPAddress '10\.0\.0\.5'/);
    assert.throws(() => findNetRouteScript('10.0.0.5; Remove-Item C:\\'), TypeError);
    assert.match(linkScript("Bob's VPN"), /-Name 'Bob''s VPN'/);
    assert.throws(() => neighbourScript('$(evil)', 'Wi-Fi'), TypeError);
    assert.deepEqual(powershellArgs('Get-Date').slice(0, 3), ['-NoProfile', '-NonInteractive', '-Command']);
  });
  it('Find-NetRoute: the next hop, or on the link; loopback is local', () => {
    assert.deepEqual(parseFindNetRoute(FIND_NET_ROUTE, '93.184.216.34'), { interface: 'Wi-Fi', source: '192.168.1.23', gateway: '192.168.1.1' });
    assert.deepEqual(parseFindNetRoute(FIND_NET_ROUTE_ONLINK, '192.168.1.40'), { interface: 'Ethernet', source: '192.168.1.23' });
    assert.deepEqual(parseFindNetRoute(FIND_NET_ROUTE_LOOPBACK, '127.0.0.1'), { interface: 'Loopback Pseudo-Interface 1', source: '127.0.0.1', local: true });
    assert.equal(parseFindNetRoute('', '1.1.1.1'), null);
    assert.equal(parseFindNetRoute('[1,2]', '1.1.1.1'), null);
  });
  it('route print: the longest prefix, then the lowest metric', () => {
    assert.deepEqual(parseRoutePrint(ROUTE_PRINT, '93.184.216.34'), { interface: '192.168.1.23', source: '192.168.1.23', gateway: '192.168.1.1' });
    assert.deepEqual(parseRoutePrint(ROUTE_PRINT, '10.1.2.3'), { interface: '10.8.0.6', source: '10.8.0.6', gateway: '10.8.0.1' });
    assert.deepEqual(parseRoutePrint(ROUTE_PRINT, '192.168.1.40'), { interface: '192.168.1.23', source: '192.168.1.23' });
    assert.deepEqual(parseRoutePrint(ROUTE_PRINT, '127.0.0.1'), { interface: '127.0.0.1', source: '127.0.0.1', local: true });
    assert.equal(parseRoutePrint('nothing here', '10.0.0.1'), null);
  });
  it('Get-NetAdapter: Wi-Fi, Ethernet, a WireGuard tunnel and the loopback pseudo-interface', () => {
    assert.deepEqual(parseWindowsLink('{"name":"Wi-Fi","description":"Intel(R) Wi-Fi 6 AX201 160MHz","mac":"A4-83-E7-0A-1B-2C","status":"Up","linkSpeed":"866.7 Mbps","mediaType":"Native 802.11","physicalMedium":"Native 802.11","mtu":"1500"}'), {
      interface: 'Wi-Fi',
      kind: 'wifi',
      mtu: 1500,
      state: 'up',
      driver: 'Intel(R) Wi-Fi 6 AX201 160MHz',
      mac: 'a4:83:e7:0a:1b:2c',
      speedMbps: 866.7,
    });
    assert.equal(parseWindowsLink('{"name":"Ethernet","description":"Realtek PCIe GbE Family Controller","mac":"00-E0-4C-68-01-02","status":"Up","linkSpeed":"1 Gbps","mediaType":"802.3","physicalMedium":"802.3","mtu":"1500"}')?.speedMbps, 1000);
    assert.equal(parseWindowsLink('{"name":"wg0","description":"WireGuard Tunnel","mac":"","status":"Up","linkSpeed":"100 Gbps","mediaType":"IP","physicalMedium":"Unspecified","mtu":"1420"}')?.kind, 'tunnel');
    assert.deepEqual(parseWindowsLink('{"name":"Loopback Pseudo-Interface 1","description":"","mac":"","status":"","linkSpeed":"","mediaType":"","physicalMedium":"","mtu":"4294967295"}'), { interface: 'Loopback Pseudo-Interface 1', kind: 'loopback', mtu: 65535, state: 'unknown' });
    assert.equal(parseWindowsLink('{"name":"x","mtu":""}'), null);
  });
  it('Get-NetNeighbor: states in Windows\' words', () => {
    assert.deepEqual(parseWindowsNeighbour('{"mac":"20-C0-47-C2-A8-A3","state":"Reachable"}'), { mac: '20:c0:47:c2:a8:a3', state: 'reachable' });
    assert.deepEqual(parseWindowsNeighbour('{"mac":"00-00-00-00-00-00","state":"Unreachable"}'), { state: 'failed' });
    assert.deepEqual(parseWindowsNeighbour('{}'), { state: 'none' });
  });
  it('windowsFacts: runs Windows PowerShell, falls back to route print, and says TCP_INFO is not available', async () => {
    const seen: string[] = [];
    const facts = windowsFacts({
      run: replay({ 'route print -4': { stdout: ROUTE_PRINT } }, seen),
      readFile: async (p) => (p === 'D:\\Win\\System32\\drivers\\etc\\hosts' ? '127.0.0.1 localhost\n' : null),
      systemRoot: 'D:\\Win',
    });
    assert.deepEqual(await facts.route('93.184.216.34', '192.168.1.23', ctl), { value: { interface: '192.168.1.23', source: '192.168.1.23', gateway: '192.168.1.1' } });
    assert.equal(seen[0]?.startsWith('powershell.exe -NoProfile -NonInteractive -Command'), true);
    assert.equal(seen[1], 'route print -4');
    const v6 = await facts.route('2001:db8::1', null, ctl);
    assert.ok('unavailable' in v6 && /not installed/.test(v6.unavailable));
    const tcp = await facts.tcp({ localAddress: '192.168.1.23', localPort: 50000, remoteAddress: '93.184.216.34', remotePort: 443 }, ctl);
    assert.ok('unavailable' in tcp && /ESTATS/.test(tcp.unavailable));
    assert.deepEqual(await facts.resolverFiles(ctl), { value: { resolvConf: null, hosts: { path: 'D:\\Win\\System32\\drivers\\etc\\hosts', text: '127.0.0.1 localhost\n' }, nsswitch: null } });
  });
});

describe('other systems', () => {
  it('every fact is unavailable, saying which systems Netdiag reads', async () => {
    const facts = osFacts('freebsd');
    const route = await facts.route('10.0.0.1', null, ctl);
    assert.ok('unavailable' in route && /Linux, macOS and Windows/.test(route.unavailable));
  });
});
