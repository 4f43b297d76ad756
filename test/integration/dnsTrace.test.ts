// lookupDns and the trace against a loopback hierarchy (root → test → zones on 127.53.0.x, one
// random port): referrals with glue, CNAMEs across zones, a lame server, missing glue, a
// delegation loop, a zone whose servers disagree, truncation to TCP, SRV/CAA/HTTPS/DS/DNSKEY.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lookupDns } from '../../src/engine/dns/lookup';
import type { DnsLookupOptions } from '../../src/engine/dns/lookup';
import { traceName } from '../../src/engine/dns/trace';
import { HIERARCHY, startDnsHierarchy } from '../helpers/dnsHierarchy';
import type { DnsHierarchy } from '../helpers/dnsHierarchy';
import { startDnsServer } from '../helpers/dnsServer';
import type { TestDnsServer } from '../helpers/dnsServer';

let h: DnsHierarchy;
let recursive: TestDnsServer;

before(async () => {
  h = await startDnsHierarchy();
  // A recursive resolver with a different (stale or split) view of host.example.test.
  recursive = await startDnsServer({
    zone: {
      'host.example.test': [{ type: 'A', data: '10.9.9.9' }],
      'web.other.test': [{ type: 'A', data: '192.0.2.10' }],
      'www.example.test': [{ type: 'CNAME', data: 'web.other.test' }],
    },
    authoritative: false,
  });
});
after(async () => {
  await h.close();
  await recursive.close();
});

const opts = (extra: Partial<DnsLookupOptions> = {}): DnsLookupOptions => ({ timeoutMs: 500, servers: [], trace: { roots: h.roots, port: h.port }, ...extra });
const codes = (r: { findings: { code: string }[] }): string[] => r.findings.map((f) => f.code).sort();

describe('trace', () => {
  it('walks root → TLD → zone with glue, follows a CNAME into another zone, and records every hop', async () => {
    const r = await lookupDns('www.example.test', opts({ types: ['A'], servers: [recursive.server] }));
    const hops = r.trace ?? [];
    assert.deepEqual(hops.map((x) => [x.zone, x.serverName, x.outcome]), [
      ['.', 'a.root-servers.test', 'referral'],
      ['test', 'ns1.nic.test', 'referral'],
      ['example.test', 'ns1.example.test', 'cname'],
      ['.', 'a.root-servers.test', 'referral'],
      ['test', 'ns1.nic.test', 'referral'],
      ['other.test', 'ns.other.test', 'answer'],
    ]);
    assert.deepEqual(hops[1]?.referral, ['ns1.example.test', 'ns2.example.test']);
    assert.deepEqual(hops[1]?.referralServers.map((s) => [s.address, s.source]), [[HIERARCHY.example1, 'glue'], [HIERARCHY.example2, 'glue']]);
    assert.equal(hops[0]?.server, `${HIERARCHY.root}:${h.port}`);
    assert.ok(hops.every((x) => x.durationMs >= 0));
    assert.ok(hops.every((x) => x.status === 'ok'), 'each step led on');
    assert.deepEqual(r.traceAnswer?.map((a) => a.data), ['192.0.2.10']);
    assert.deepEqual(r.cnameChain.map((l) => l.target), ['web.other.test']);
    assert.deepEqual(codes(r), [], 'the recursive answer agrees with the trace');
    assert.ok(r.hops.some((x) => x.label.startsWith('Root')) && r.hops.some((x) => x.label.startsWith('Recursive resolver')));
  });

  it('compares the trace with the recursive answer: a different view is DNS_SPLIT_HORIZON', async () => {
    const r = await lookupDns('host.example.test', opts({ types: ['A'], servers: [recursive.server] }));
    assert.ok(codes(r).includes('DNS_SPLIT_HORIZON'), JSON.stringify(r.findings));
    assert.match(r.findings.find((f) => f.code === 'DNS_SPLIT_HORIZON')?.message ?? '', /192\.0\.2\.1.*10\.9\.9\.9/);
  });

  it('moves past a lame server and names it', async () => {
    const r = await lookupDns('www.lame.test', opts({ types: ['A'] }));
    const lameHop = r.trace?.find((x) => x.serverName === 'ns1.lame.test');
    assert.equal(lameHop?.outcome, 'lame');
    assert.equal(lameHop?.status, 'fail');
    assert.equal(r.hops.find((x) => x.label.endsWith('ns1.lame.test'))?.status, 'fail');
    assert.deepEqual(r.traceAnswer?.map((a) => a.data), ['192.0.2.60']);
    assert.ok(codes(r).includes('DNS_LAME_DELEGATION'));
    assert.equal(r.findings.find((f) => f.code === 'DNS_LAME_DELEGATION')?.subject, 'ns1.lame.test');
  });

  it('reports missing glue and resolves the out-of-zone server separately', async () => {
    const r = await lookupDns('www.noglue.test', opts({ types: ['A'] }));
    assert.ok(codes(r).includes('DNS_MISSING_GLUE'));
    const referral = r.trace?.find((x) => x.referralZone === 'noglue.test');
    assert.deepEqual(referral?.referralServers.find((s) => s.name === 'ns2.other.test'), { name: 'ns2.other.test', address: HIERARCHY.other, source: 'resolved' });
    assert.deepEqual(r.traceAnswer?.map((a) => a.data), ['192.0.2.70']);
  });

  it('stops at a delegation loop', async () => {
    const r = await lookupDns('www.loop.test', opts({ types: ['A'] }));
    assert.ok(codes(r).includes('DNS_DELEGATION_LOOP'));
    assert.ok((r.trace?.length ?? 0) <= 4);
  });

  it('asks both servers of a zone that disagree: serials, NS sets and answers', async () => {
    const r = await lookupDns('www.split.test', opts({ types: ['A'] }));
    assert.deepEqual(codes(r), ['DNS_INCONSISTENT_NS', 'DNS_SOA_SERIAL_MISMATCH']);
    const rows = r.comparison?.rows ?? [];
    assert.deepEqual(rows.map((x) => [x.source, x.serial, x.answers]), [['ns1.split.test', 1, ['192.0.2.50']], ['ns2.split.test', 2, ['192.0.2.51']]]);
  });

  it('finds a dangling CNAME and a CNAME loop', async () => {
    const dangling = await lookupDns('dangling.example.test', opts({ types: ['A'] }));
    assert.ok(codes(dangling).includes('DNS_DANGLING_CNAME'), JSON.stringify(dangling.findings));
    const loop = await traceName('loop1.example.test', 'A', { timeoutMs: 500, now: () => performance.now(), roots: h.roots, port: h.port });
    assert.deepEqual(loop.findings.map((f) => f.code), ['DNS_CNAME_LOOP']);
  });
});

describe('lookup against a zone server', () => {
  const server = (): { address: string; port: number } => ({ address: HIERARCHY.example1, port: h.port });

  it('decodes SRV, CAA, MX, HTTPS, DS and DNSKEY with flags and sections', async () => {
    const r = await lookupDns('example.test', { timeoutMs: 500, servers: [server()], types: ['HTTPS', 'CAA', 'MX', 'DNSKEY'] });
    const by = (t: string) => r.queries.find((q) => q.question.type === t);
    assert.equal(by('HTTPS')?.answers[0]?.data, '1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1');
    assert.deepEqual(by('HTTPS')?.answers[0]?.svcb?.alpn, ['h2', 'h3']);
    assert.equal(by('CAA')?.answers[0]?.data, '0 issue "letsencrypt.org"');
    assert.equal(by('MX')?.answers[0]?.data, '10 mail.example.test');
    assert.match(by('DNSKEY')?.answers[0]?.data ?? '', /^257 3 13 /);
    assert.ok(by('MX')?.flags.includes('AA'));
    assert.deepEqual(by('MX')?.authority.map((a) => a.data), ['ns1.example.test', 'ns2.example.test']);
    const srv = await lookupDns('_sip._tcp.example.test', { timeoutMs: 500, servers: [server()], types: ['SRV'] });
    assert.equal(srv.queries[0]?.answers[0]?.data, '10 5 5060 sip.example.test');
    const ds = await lookupDns('example.test', { timeoutMs: 500, servers: [{ address: HIERARCHY.tld, port: h.port }], types: ['DS'] });
    assert.match(ds.queries[0]?.answers[0]?.data ?? '', /^12345 13 2 /);
  });

  it('retries a truncated answer over TCP', async () => {
    const r = await lookupDns('big.example.test', { timeoutMs: 500, servers: [server()], types: ['TXT'] });
    const q = r.queries[0];
    assert.equal(q?.truncated, true);
    assert.equal(q?.transport, 'tcp');
    assert.equal(q?.answers.length, 16);
    assert.deepEqual(codes(r), []);
  });

  it('asks PTR for an IP address', async () => {
    const r = await lookupDns('1.2.3.4', { timeoutMs: 500, servers: [server()] });
    assert.equal(r.name, '4.3.2.1.in-addr.arpa');
    assert.equal(r.queries[0]?.answers[0]?.data, 'host.example.test');
  });

  it('finds every authoritative server through the resolver and compares them', async () => {
    const r = await lookupDns('www.split.test', { timeoutMs: 500, servers: [server()], types: ['A'], authoritative: true, authoritativePort: h.port });
    assert.equal(r.comparison?.zone, 'split.test');
    assert.ok(codes(r).includes('DNS_SOA_SERIAL_MISMATCH'), JSON.stringify(r.findings));
  });
});
