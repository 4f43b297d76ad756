// Against a real authoritative server: Knot DNS (Debian `knot`), started by the test on
// 127.53.1.1 and the loopback hierarchy's port with its own config and zone in a temp dir.
// Proves the codec reads a real server's encoding (HTTPS, CAA, SRV, SOA, EDNS) and that the
// trace reaches it through a delegation. Skipped (with the reason) when knotd is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lookupDns } from '../../src/engine/dns/lookup';
import { startDnsHierarchy } from '../helpers/dnsHierarchy';
import { haveKnot, startKnot, type KnotServer } from '../helpers/knot';
import type { DnsHierarchy, HierarchyServer } from '../helpers/dnsHierarchy';

const KNOT_ADDRESS = '127.53.1.1';

let knot: KnotServer | undefined;
let h: DnsHierarchy;

const ZONE = `$ORIGIN knot.test.
$TTL 300
@ IN SOA ns1 hostmaster 2026112105 3600 600 86400 60
@ IN NS ns1
ns1 IN A ${KNOT_ADDRESS}
www IN A 192.0.2.80
alias IN CNAME www
@ IN HTTPS 1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.80 ipv6hint=2001:db8::80
@ IN CAA 0 issue "ca.test"
@ IN MX 10 mail
_xmpp._tcp IN SRV 5 0 5269 xmpp.knot.test.
sub IN NS ns.sub
ns.sub IN A 192.0.2.99
`;

function hierarchy(): HierarchyServer[] {
  const ns = (data: string) => ({ type: 'NS' as const, data });
  const a = (data: string) => ({ type: 'A' as const, data });
  return [
    { name: 'a.root-servers.test', address: '127.53.1.2', zones: [{ zone: '.', records: { '.': [ns('a.root-servers.test')], 'a.root-servers.test': [a('127.53.1.2')], test: [ns('ns1.nic.test')], 'ns1.nic.test': [a('127.53.1.3')] } }] },
    { name: 'ns1.nic.test', address: '127.53.1.3', zones: [{ zone: 'test', records: { test: [ns('ns1.nic.test')], 'knot.test': [ns('ns1.knot.test')], 'ns1.knot.test': [a(KNOT_ADDRESS)] } }] },
  ];
}

describe('Knot DNS (real authoritative server)', { skip: haveKnot ? false : 'knotd is not installed (Debian package knot)' }, () => {
  before(async () => {
    h = await startDnsHierarchy({ servers: hierarchy() });
    knot = await startKnot(KNOT_ADDRESS, h.port, { 'knot.test': ZONE });
  });
  after(async () => {
    await knot?.stop();
    await h?.close();
  });

  const server = () => ({ address: KNOT_ADDRESS, port: h.port });

  it('reads its HTTPS, CAA, MX and SRV records, flags and EDNS', async () => {
    const r = await lookupDns('knot.test', { timeoutMs: 1000, servers: [server()], types: ['HTTPS', 'CAA', 'MX'] });
    const by = (t: string) => r.queries.find((q) => q.question.type === t);
    assert.equal(by('HTTPS')?.answers[0]?.data, '1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.80 ipv6hint=2001:db8::80');
    assert.equal(by('CAA')?.answers[0]?.data, '0 issue "ca.test"');
    assert.equal(by('MX')?.answers[0]?.data, '10 mail.knot.test');
    assert.ok(by('MX')?.flags.includes('AA'));
    assert.ok(by('MX')?.edns !== null && (by('MX')?.edns?.udpPayloadSize ?? 0) > 512, 'Knot answers with an OPT record');
    const srv = await lookupDns('_xmpp._tcp.knot.test', { timeoutMs: 1000, servers: [server()], types: ['SRV'] });
    assert.equal(srv.queries[0]?.answers[0]?.data, '5 0 5269 xmpp.knot.test');
  });

  it('gives NXDOMAIN with the SOA in the authority section', async () => {
    const r = await lookupDns('nothing.knot.test', { timeoutMs: 1000, servers: [server()], types: ['A'] });
    assert.equal(r.queries[0]?.rcode, 'NXDOMAIN');
    assert.match(r.queries[0]?.authority[0]?.data ?? '', / 2026112105 /);
    assert.deepEqual(r.findings.map((f) => f.code), ['DNS_NXDOMAIN']);
  });

  it('is reached by the trace through a delegation, and its SOA serial is compared', async () => {
    const r = await lookupDns('alias.knot.test', { timeoutMs: 1000, servers: [], types: ['A'], trace: { roots: h.roots, port: h.port } });
    assert.deepEqual(r.trace?.map((x) => x.zone), ['.', 'test', 'knot.test']);
    assert.deepEqual(r.traceAnswer?.map((a) => a.data), ['192.0.2.80']);
    const auth = r.comparison?.rows.find((x) => x.kind === 'authoritative');
    assert.equal(auth?.serial, 2026112105);
    assert.deepEqual(auth?.nsSet, ['ns1.knot.test']);
    assert.deepEqual(r.findings, []);
  });

  it('refers a name it delegated without RA: DNS_NO_RECURSION, as dig warns', async () => {
    const r = await lookupDns('www.sub.knot.test', { timeoutMs: 1000, servers: [server()], types: ['A'] });
    const q = r.queries[0];
    assert.equal(q?.rcode, 'NOERROR');
    assert.ok(!q?.flags.includes('RA') && !q?.flags.includes('AA'), `flags ${q?.flags.join(' ')}`);
    assert.deepEqual(r.findings.map((f) => f.code), ['DNS_NO_RECURSION']);
    assert.match(r.findings[0]?.message ?? '', /referral to sub\.knot\.test \(ns\.sub\.knot\.test\)/);
  });

  it('refuses a name outside its zones without RA, and the finding says it does not recurse', async () => {
    const r = await lookupDns('www.example.org', { timeoutMs: 1000, servers: [server()], types: ['A'] });
    assert.equal(r.queries[0]?.rcode, 'REFUSED');
    assert.deepEqual(r.findings.map((f) => f.code), ['DNS_REFUSED']);
    assert.match(r.findings[0]?.message ?? '', /does not offer recursion \(RA is not set\)/);
  });

  it('answers over TCP too', async () => {
    const r = await lookupDns('www.knot.test', { timeoutMs: 1000, servers: [server()], types: ['A'], tcp: true });
    assert.equal(r.queries[0]?.transport, 'tcp');
    assert.deepEqual(r.queries[0]?.answers.map((a) => a.data), ['192.0.2.80']);
  });
});
