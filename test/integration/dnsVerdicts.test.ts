// What a DNS answer means, against real servers that answer in ways a resolver must not trust:
// the loopback hierarchy's root and authoritative servers (RA unset, referrals, REFUSED), a
// hostile server (a 3-byte A record, QR unset, TC over TCP, replies that never match), and a
// referral naming 1000 name servers without glue. Each verdict is the one dig/kdig would give.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import { lookupDns } from '../../src/engine/dns/lookup';
import { traceName } from '../../src/engine/dns/trace';
import type { Finding } from '../../src/engine/model/common';
import { parseTarget } from '../../src/engine/target';
import { defaultHierarchy, HIERARCHY, startDnsHierarchy } from '../helpers/dnsHierarchy';
import type { DnsHierarchy } from '../helpers/dnsHierarchy';
import { startDnsServer } from '../helpers/dnsServer';
import type { TestDnsServer } from '../helpers/dnsServer';
import { testOptions } from '../helpers/options';
import { startHttpServer } from '../helpers/servers';
import type { HttpTestServer } from '../helpers/servers';

let h: DnsHierarchy;
let wide: DnsHierarchy;
let hostile: TestDnsServer;
let web: HttpTestServer;

const A = (data: string) => ({ type: 'A' as const, data });
const now = (): number => performance.now();
const codes = (findings: readonly Finding[]): string[] => findings.map((f) => f.code);

before(async () => {
  h = await startDnsHierarchy();
  // The TLD delegates wide.test to 1000 name servers, none with glue (an NXNSAttack-style referral).
  const servers = defaultHierarchy();
  const tld = servers.find((s) => s.address === HIERARCHY.tld)?.zones[0];
  assert.ok(tld);
  tld.records['wide.test'] = Array.from({ length: 1000 }, (_, i) => ({ type: 'NS' as const, data: `ns${i}.nowhere.other.test` }));
  wide = await startDnsHierarchy({ servers });
  hostile = await startDnsServer({
    zone: { 'short.test': [A('127.0.1.1')], 'qr.test': [A('192.0.2.1')], 'wrongid.test': [A('192.0.2.1')], 'wrongq.test': [A('192.0.2.1')], 'garbage.test': [A('192.0.2.1')], 'tct.test': [A('192.0.2.1'), A('192.0.2.2')], 'big.test': [A('192.0.2.1'), A('192.0.2.2')] },
    behaviours: {
      'short.test': { shortA: true },
      'qr.test': { qrZero: true },
      'wrongid.test': { wrongId: true },
      'wrongq.test': { wrongQuestion: true },
      'garbage.test': { garbage: true },
      'tct.test': { tcpTruncated: true },
      'big.test': { truncate: true, tcpTruncated: true },
    },
  });
  web = await startHttpServer();
});
after(async () => {
  await Promise.all([h.close(), wide.close(), hostile.close(), web.close()]);
});

const root = () => ({ address: HIERARCHY.root, port: h.port });
const example1 = () => ({ address: HIERARCHY.example1, port: h.port });

describe('a server that does not recurse', () => {
  it('a referral from the root (RA unset) is DNS_NO_RECURSION, not a split horizon against the trace', async () => {
    const r = await lookupDns('host.example.test', { timeoutMs: 1000, servers: [root()], types: ['A'], trace: { roots: h.roots, port: h.port } });
    assert.deepEqual(codes(r.findings), ['DNS_NO_RECURSION']);
    assert.match(r.findings[0]?.message ?? '', /does not offer recursion \(RA is not set\).*referral to test \(ns1\.nic\.test\)/);
    assert.deepEqual(r.traceAnswer?.map((a) => a.data), ['192.0.2.1'], 'the trace still finds the answer');
  });

  it('a referral is no row of the majority: an authoritative answer beside it is no split horizon', async () => {
    const r = await lookupDns('host.example.test', { timeoutMs: 1000, servers: [example1()], publicResolvers: [root()], types: ['A'] });
    assert.ok(!codes(r.findings).includes('DNS_SPLIT_HORIZON'), JSON.stringify(r.findings));
    const row = r.comparison?.rows.find((x) => x.address === HIERARCHY.root);
    assert.equal(row?.error?.code, 'DNS_NO_RECURSION');
    assert.equal(row?.differs, false);
  });

  it('is called a recursive resolver only when it sets RA', async () => {
    const referral = await lookupDns('host.example.test', { timeoutMs: 1000, servers: [root()], types: ['A'] });
    assert.deepEqual(referral.hops.slice(1).map((x) => x.label), [`DNS server (no recursion) ${HIERARCHY.root}:${h.port}`]);
    const authoritative = await lookupDns('host.example.test', { timeoutMs: 1000, servers: [example1()], types: ['A'] });
    assert.deepEqual(authoritative.hops.slice(1).map((x) => x.label), [`Authoritative server ${HIERARCHY.example1}:${h.port}`]);
    assert.deepEqual(codes(authoritative.findings), [], 'an authoritative answer without RA is an answer');
    const recursive = await lookupDns('tct.test', { timeoutMs: 1000, servers: [hostile.server], types: ['A'] });
    assert.deepEqual(recursive.hops.slice(1).map((x) => x.label), [`Recursive resolver 127.0.0.1:${hostile.port}`]);
  });

  it('a REFUSED without RA says the server does not recurse', async () => {
    const lame = { address: HIERARCHY.lame, port: h.port };
    const r = await lookupDns('host.example.test', { timeoutMs: 1000, servers: [lame], types: ['A'] });
    assert.deepEqual(codes(r.findings), ['DNS_REFUSED']);
    assert.match(r.findings[0]?.message ?? '', /does not offer recursion \(RA is not set\)/);
  });

  it('a diagnosis whose DNS server only refers says so, and compares no referral with the system answer', async () => {
    const report = await diagnose(
      parseTarget(`http://host.example.test:${web.port}/`),
      testOptions({ timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 2000 }, dnsServers: [root()], lookup: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]) }),
    );
    assert.deepEqual(codes(report.findings).filter((c) => c.startsWith('DNS_')), ['DNS_NO_RECURSION']);
    assert.match(report.findings.find((f) => f.code === 'DNS_NO_RECURSION')?.message ?? '', /host\.example\.test \(A and AAAA\)/);
  });
});

describe('replies that are no answer', () => {
  it('rejects an A record of 3 bytes as malformed, never as 127.0.1.undefined', async () => {
    const r = await lookupDns('short.test', { timeoutMs: 400, servers: [hostile.server], types: ['A'] });
    assert.equal(r.queries[0]?.rcode, null);
    assert.deepEqual(r.queries[0]?.answers, []);
    assert.match(r.queries[0]?.error?.message ?? '', /malformed \(the A record of short\.test in the answer section has 3 bytes of data instead of 4\)/);
    assert.doesNotMatch(JSON.stringify(r), /undefined/);
    assert.deepEqual(r.findings.map((f) => `${f.code} ${f.severity}`), ['DNS_BAD_RESPONSE error']);
  });

  for (const [name, why] of [
    ['qr.test', /a query, not a response/],
    ['wrongid.test', /ID \d+ instead of \d+/],
    ['wrongq.test', /question "wrong\.wrongq\.test/],
    ['garbage.test', /undecodable|malformed/],
  ] as const) {
    it(`every reply unusable (${name}) is an error, not a warning`, async () => {
      const r = await lookupDns(name, { timeoutMs: 400, servers: [hostile.server], types: ['A'] });
      assert.deepEqual(r.findings.map((f) => `${f.code} ${f.severity}`), ['DNS_BAD_RESPONSE error']);
      assert.match(r.findings[0]?.message ?? '', why);
      assert.equal(r.verdict.status, 'fail');
    });
  }
});

describe('truncation', () => {
  it('TC on a TCP answer is a finding (--tcp)', async () => {
    const r = await lookupDns('tct.test', { timeoutMs: 1000, servers: [hostile.server], types: ['A'], tcp: true });
    assert.deepEqual(codes(r.findings), ['DNS_TRUNCATED']);
    assert.match(r.findings[0]?.message ?? '', /set TC \(truncated\) on its TCP answer for tct\.test A/);
  });

  it('TC on UDP and again on the TCP retry is a finding, and the attempts show both', async () => {
    const r = await lookupDns('big.test', { timeoutMs: 1000, servers: [hostile.server], types: ['A'] });
    assert.deepEqual(codes(r.findings), ['DNS_TRUNCATED']);
    assert.deepEqual(r.queries[0]?.attempts.map((a) => [a.transport, a.rcode, a.flags.includes('TC')]), [['udp', 'NOERROR', true], ['tcp', 'NOERROR', true]]);
  });

  it('the attempts of a truncated query include the UDP attempt before the TCP retry', async () => {
    const r = await lookupDns('big.example.test', { timeoutMs: 1000, servers: [example1()], types: ['TXT'] });
    const q = r.queries[0];
    assert.equal(q?.truncated, true);
    assert.equal(q?.transport, 'tcp');
    assert.deepEqual(q?.attempts.map((a) => [a.server, a.transport, a.flags.includes('TC')]), [[`${HIERARCHY.example1}:${h.port}`, 'udp', true], [`${HIERARCHY.example1}:${h.port}`, 'tcp', false]]);
    assert.deepEqual(codes(r.findings), [], 'a truncated UDP answer with a whole TCP answer is normal');
  });
});

describe('a referral to 1000 name servers without glue', () => {
  it('ends the trace with DNS_TRACE_LIMIT, a bounded number of queries and no listener warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const r = await traceName('www.wide.test', 'A', { timeoutMs: 1000, now, roots: wide.roots, port: wide.port });
      assert.ok(codes(r.findings).includes('DNS_TRACE_LIMIT'), JSON.stringify(r.findings));
      assert.match(r.findings.find((f) => f.code === 'DNS_TRACE_LIMIT')?.message ?? '', /names 1000 name servers without glue; the trace looked up the addresses of the first 5 only/);
      const sent = [...wide.servers.values()].reduce((n, s) => n + s.queries.length, 0);
      assert.ok(sent <= 40, `${sent} queries`);
      // A warning is emitted on the next tick: give it one before looking.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.map((w) => w.name), []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
