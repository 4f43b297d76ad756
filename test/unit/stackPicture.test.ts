// The stack as the engine words it for every view: the DNS exchange ahead of the connection
// (stack/dnsExchange.ts) and the picture's rows (stack/picture.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DnsProbe } from '../../src/engine/dns/hops';
import { finding } from '../../src/engine/findings';
import type { Report } from '../../src/engine/model/report';
import { dnsExchange, type DnsExchangeInput } from '../../src/engine/stack/dnsExchange';
import { stackRows } from '../../src/engine/stack/picture';
import { parseTarget } from '../../src/engine/target';

const target = parseTarget('https://www.netdiag.test:8443/').target;
const probe = (patch: Partial<DnsProbe> = {}): DnsProbe => ({ system: { addresses: [{ address: '10.77.2.2', family: 4 }], durationMs: 0.6 }, wire: [], cnameChain: [], ...patch });
const input = (patch: Partial<DnsExchangeInput> = {}): DnsExchangeInput => ({ target, dns: probe(), findings: [], addressesKnown: true, finished: true, cancelled: false, ...patch });
const files = (hosts: string, resolv = 'nameserver 10.77.2.2\n', nsswitch = 'hosts: files dns\n') => ({
  resolvConf: { path: '/etc/resolv.conf', text: resolv },
  hosts: { path: '/etc/hosts', text: hosts },
  nsswitch: { path: '/etc/nsswitch.conf', text: nsswitch },
});

describe('the DNS exchange', () => {
  it('none for an IP literal or through a proxy (no lookup of the name here)', () => {
    assert.equal(dnsExchange(input({ target: parseTarget('http://10.77.2.2/').target })), null);
    assert.equal(dnsExchange(input({ dns: null })), null);
  });
  it('a hosts-file line answered: no packet left the machine', () => {
    const x = dnsExchange(input({ resolver: files('127.0.0.1 localhost\n10.77.2.2 www.netdiag.test\n') }));
    assert.equal(x?.source, 'hosts');
    assert.deepEqual(x?.hostsEntry, { path: '/etc/hosts', line: 2, text: '10.77.2.2 www.netdiag.test', address: '10.77.2.2' });
    assert.equal(x?.summary, 'www.netdiag.test → 10.77.2.2 (from /etc/hosts line 2, 0.6 ms)');
    assert.deepEqual(x?.cells.map((c) => c.layer), ['application', 'transport']);
    assert.match(x?.cells[1]?.text ?? '', /no packet/);
  });
  it('the resolvers of resolv.conf answered, over UDP, or TCP with use-vc; DNS first in nsswitch passes over the hosts file', () => {
    const x = dnsExchange(input({ resolver: files('127.0.0.1 localhost\n') }));
    assert.equal(x?.source, 'dns');
    assert.deepEqual(x?.resolvers, [{ server: '10.77.2.2', transport: 'udp' }]);
    assert.deepEqual(x?.cells, [
      { layer: 'application', text: 'DNS A/AAAA www.netdiag.test → 10.77.2.2' },
      { layer: 'transport', text: 'UDP to port 53 of 10.77.2.2' },
      { layer: 'internet', text: 'IPv4 to 10.77.2.2' },
    ]);
    assert.equal(dnsExchange(input({ resolver: files('', 'nameserver 10.77.2.2\noptions use-vc\n') }))?.resolvers[0]?.transport, 'tcp');
    assert.equal(dnsExchange(input({ resolver: files('10.77.2.2 www.netdiag.test\n', 'nameserver 10.77.2.2\n', 'hosts: dns files\n') }))?.source, 'dns');
  });
  it('before the files are read, the system resolver answered; pinned addresses were given', () => {
    assert.equal(dnsExchange(input())?.source, 'system');
    const pinned = dnsExchange(input({ dns: probe({ pinned: [{ address: '10.77.2.9', family: 4 }], system: { addresses: [], durationMs: 0, skipped: 'pinned' } }) }));
    assert.equal(pinned?.source, 'pinned');
    assert.equal(pinned?.summary, 'www.netdiag.test → 10.77.2.9 (pinned with --resolve, no lookup)');
  });
  it('its status is the DNS findings\': a name that does not resolve fails here', () => {
    const failed = input({ dns: probe({ system: { addresses: [], durationMs: 2, error: { code: 'ENOTFOUND', message: 'not found' } } }), findings: [finding('DNS_LOOKUP_FAILED', 'no')] });
    const x = dnsExchange(failed);
    assert.deepEqual([x?.status, x?.source, x?.summary], ['fail', 'none', 'www.netdiag.test did not resolve (ENOTFOUND)']);
    assert.equal(dnsExchange(input({ findings: [finding('DNS_SYSTEM_WIRE_MISMATCH', 'm')] }))?.status, 'warn');
    assert.equal(dnsExchange(input({ findings: [finding('TCP_REFUSED', 'not mine')] }))?.status, 'ok');
    assert.equal(dnsExchange(input({ addressesKnown: false, finished: false }))?.status, 'pending');
  });
  it('Netdiag\'s own wire queries, one line each', () => {
    const wire = [
      { type: 'A' as const, authoritative: true, question: { name: 'www.netdiag.test', type: 'A' }, server: '10.77.2.2:5353', transport: 'udp' as const, truncated: false, rcode: 'NOERROR', status: 'ok' as const, flags: ['AA'], edns: null, answers: [{ name: 'www.netdiag.test', type: 'A', ttl: 60, data: '10.77.2.2' }], authority: [], additional: [], durationMs: 0.4, attempts: [] },
      { type: 'AAAA' as const, authoritative: true, question: { name: 'www.netdiag.test', type: 'AAAA' }, server: '10.77.2.2:5353', transport: 'udp' as const, truncated: false, rcode: 'NOERROR', status: 'ok' as const, flags: ['AA'], edns: null, answers: [], authority: [], additional: [], durationMs: 0.3, attempts: [] },
    ];
    const x = dnsExchange(input({ dns: probe({ wire }) }));
    assert.deepEqual(x?.queries, ['A www.netdiag.test @10.77.2.2:5353 over UDP → NOERROR, 10.77.2.2, 0.4 ms', 'AAAA www.netdiag.test @10.77.2.2:5353 over UDP → NOERROR, no records, 0.3 ms']);
    assert.match(x?.summary ?? '', /; 2 of 2 wire queries answered$/);
  });
});

describe('the picture', () => {
  const base = JSON.parse(readFileSync(join(__dirname, '../fixtures/reports/ok.json'), 'utf8')) as Report;

  it('one row per layer, top to bottom, each with its sentence', () => {
    const rows = stackRows(base);
    assert.deepEqual(rows.map((r) => r.layer), ['application', 'tls', 'transport', 'internet', 'link']);
    assert.ok(rows.every((r) => r.about.length > 40));
  });
  it('each end\'s protocol data in one line, from the report alone', () => {
    const rows = Object.fromEntries(stackRows(base).map((r) => [r.layer, r]));
    assert.equal(rows['application']?.client, 'GET /v1/health (HTTP/1.1)');
    assert.equal(rows['application']?.server, 'HTTP/1.1 200 OK · nginx/1.26.2');
    assert.equal(rows['tls']?.client, 'TLS 1.3 TLS_AES_128_GCM_SHA256, SNI www.example.com, ALPN http/1.1');
    assert.equal(rows['transport']?.client, 'TCP 53122 → 443');
    assert.equal(rows['internet']?.client, 'IPv4 192.168.1.23 → 93.184.215.14');
    assert.equal(rows['internet']?.server, 'IPv4 93.184.215.14 (public)');
  });
  it('with the OS\'s facts: the route, the next hop on the link, TCP_INFO; a private source meeting a public address adds an inferred NAT', () => {
    const report: Report = structuredClone(base);
    const used = report.connections.find((c) => c.used)!;
    used.route = { interface: 'wlan0', source: '192.168.1.23', gateway: '192.168.1.1' };
    used.link = { interface: 'wlan0', kind: 'wifi', mtu: 1500, mac: 'a4:83:e7:0a:1b:2c', state: 'up', nextHop: { address: '192.168.1.1', mac: '20:c0:47:c2:a8:a3', state: 'reachable', role: 'gateway' } };
    used.tcp = { state: 'ESTAB', rttMs: 24.1, rttVarMs: 3.2, retransmits: 0, outOfOrder: 0, mss: 1448, cwnd: 10, pmtu: 1500, pathMtu: 1500 };
    const rows = Object.fromEntries(stackRows(report).map((r) => [r.layer, r]));
    assert.equal(rows['transport']?.client, 'TCP 53122 → 443, rtt 24.1 ms ± 3.2, 0 retransmits, MSS 1448, path MTU 1500');
    assert.equal(rows['internet']?.client, 'IPv4 192.168.1.23 → 93.184.215.14 via 192.168.1.1 (wlan0)');
    assert.deepEqual(rows['internet']?.path.map((p) => [p.kind, p.label]), [
      ['router', 'gateway 192.168.1.1'],
      ['nat', 'NAT (inferred)'],
    ]);
    assert.equal(rows['link']?.client, 'Wi-Fi wlan0, MTU 1500, a4:83:e7:0a:1b:2c, up');
    assert.deepEqual(rows['link']?.path.map((p) => [p.kind, p.label, p.status]), [['neighbour', '192.168.1.1 (gateway) at 20:c0:47:c2:a8:a3, reachable', 'ok']]);
  });
  it('a route trace puts its routers at the internet layer; intermediaries and the proxy at the application layer', () => {
    const report: Report = structuredClone(base);
    report.route = { tool: 'tracepath', host: '93.184.215.14', command: 'tracepath -n 93.184.215.14', reached: true, durationMs: 900, hops: [
      { ttl: 1, address: '192.168.1.1', name: null, rttMs: [1.2], note: 'pmtu 1500' },
      { ttl: 2, address: null, name: null, rttMs: [] },
      { ttl: 3, address: '93.184.215.14', name: null, rttMs: [24], note: 'reached' },
    ] };
    report.intermediaries = [{ role: 'cdn', name: 'Cloudflare', evidence: ['cf-ray: 1'] }];
    const rows = Object.fromEntries(stackRows(report).map((r) => [r.layer, r]));
    assert.deepEqual(rows['internet']?.path.map((p) => [p.kind, p.label, p.status]), [
      ['router', 'hop 1: 192.168.1.1', 'ok'],
      ['router', 'hop 2: no reply', 'warn'],
      ['nat', 'NAT (inferred)', 'ok'],
    ]);
    assert.deepEqual(rows['application']?.path.map((p) => [p.kind, p.label]), [['cdn', 'Cloudflare']]);
  });
});
