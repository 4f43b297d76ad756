import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cnameChain, dnsFindings } from '../../src/engine/dns/probe';
import type { DnsProbe } from '../../src/engine/dns/hops';
import type { DnsRecord, SystemLookup, WireQuery } from '../../src/engine/model/dns';

function wire(server: string, type: 'A' | 'AAAA', rcode: string | null, answers: DnsRecord[] = [], error?: WireQuery['error']): WireQuery {
  const q: WireQuery = { question: { name: 'www.example.test', type }, server, transport: 'udp', truncated: false, rcode, status: rcode === 'NOERROR' && !error ? 'ok' : 'fail', flags: ['RD', 'RA'], edns: null, answers, authority: [], additional: [], durationMs: 1, attempts: [], type, authoritative: false };
  if (error) q.error = error;
  return q;
}
const a = (name: string, data: string, ttl = 60): DnsRecord => ({ name, type: 'A', ttl, data });
const aaaa = (name: string, data: string, ttl = 60): DnsRecord => ({ name, type: 'AAAA', ttl, data });
const cname = (name: string, data: string, ttl = 300): DnsRecord => ({ name, type: 'CNAME', ttl, data });
const system = (addresses: string[], error?: SystemLookup['error']): SystemLookup => {
  const s: SystemLookup = { addresses: addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })), durationMs: 1 };
  if (error) s.error = error;
  return s;
};
function result(sys: SystemLookup, queries: WireQuery[], pinned?: string[]): DnsProbe {
  const r: DnsProbe = { system: sys, wire: queries, cnameChain: cnameChain('www.example.test', queries) };
  if (pinned) r.pinned = pinned.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  return r;
}
const codes = (host: string, dns: DnsProbe): string[] => dnsFindings(host, dns).map((f) => f.code);

describe('cnameChain', () => {
  it('follows CNAMEs across queries, case-insensitively, keeping TTLs', () => {
    const queries = [
      wire('10.0.0.2', 'A', 'NOERROR', [cname('www.example.test', 'Edge.Example.Test.', 30), cname('edge.example.test', 'web.cdn.test', 40), a('web.cdn.test', '192.0.2.1')]),
      wire('10.0.0.2', 'AAAA', 'NOERROR', [cname('www.example.test', 'other.test', 99)]),
    ];
    assert.deepEqual(cnameChain('WWW.example.test.', queries), [
      { name: 'www.example.test', target: 'Edge.Example.Test.', ttl: 30 },
      { name: 'edge.example.test', target: 'web.cdn.test', ttl: 40 },
    ]);
  });

  it('is empty when the name is not an alias', () => {
    assert.deepEqual(cnameChain('www.example.test', [wire('10.0.0.2', 'A', 'NOERROR', [a('www.example.test', '192.0.2.1')])]), []);
  });

  it('stops on a loop', () => {
    const loop = [wire('10.0.0.2', 'A', 'NOERROR', [cname('www.example.test', 'b.test'), cname('b.test', 'WWW.example.test')])];
    assert.deepEqual(
      cnameChain('www.example.test', loop).map((l) => `${l.name}>${l.target}`),
      ['www.example.test>b.test', 'b.test>WWW.example.test'],
    );
  });
});

describe('dnsFindings', () => {
  const host = 'www.example.test';

  it('finds nothing when system and wire agree', () => {
    const dns = result(system(['192.0.2.1', '2001:db8::1']), [
      wire('10.0.0.2', 'A', 'NOERROR', [a(host, '192.0.2.1')]),
      wire('10.0.0.2', 'AAAA', 'NOERROR', [aaaa(host, '2001:db8:0::1')]),
    ]);
    assert.deepEqual(dnsFindings(host, dns), []);
  });

  it('reports NXDOMAIN once per server, naming it and both types, folding in the system ENOTFOUND', () => {
    const dns = result(system([], { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND www.example.test' }), [
      wire('10.0.0.2', 'A', 'NXDOMAIN'),
      wire('10.0.0.2', 'AAAA', 'NXDOMAIN'),
      wire('[::1]:5353', 'A', 'NXDOMAIN'),
    ]);
    const findings = dnsFindings(host, dns);
    assert.deepEqual(findings.map((f) => [f.code, f.subject]), [
      ['DNS_NXDOMAIN', '10.0.0.2'],
      ['DNS_NXDOMAIN', '[::1]:5353'],
    ]);
    assert.match(findings[0]!.message, /10\.0\.0\.2 answers NXDOMAIN for www\.example\.test \(A and AAAA\).*ENOTFOUND/);
  });

  it('names the end of the CNAME chain in NXDOMAIN', () => {
    const dns = result(system(['192.0.2.9']), [wire('10.0.0.2', 'A', 'NXDOMAIN', [cname(host, 'gone.cdn.test')])]);
    const message = dnsFindings(host, dns)[0]!.message;
    assert.match(message, /alias \(CNAME\) of gone\.cdn\.test/);
    assert.match(message, /system resolver still gives 192\.0\.2\.9 .*this machine connects/);
  });

  it('says a pin works around NXDOMAIN', () => {
    const skipped: SystemLookup = { addresses: [], durationMs: 0, skipped: 'pinned' };
    const findings = dnsFindings(host, result(skipped, [wire('10.0.0.2', 'A', 'NXDOMAIN')], ['127.0.0.1']));
    assert.deepEqual(findings.map((f) => f.code), ['DNS_NXDOMAIN']);
    assert.match(findings[0]!.message, /uses the pinned 127\.0\.0\.1/);
  });

  it('reports SERVFAIL and REFUSED per server', () => {
    const dns = result(system(['192.0.2.1']), [wire('10.0.0.2', 'A', 'SERVFAIL'), wire('10.0.0.3', 'A', 'REFUSED'), wire('10.0.0.3', 'AAAA', 'REFUSED')]);
    const findings = dnsFindings(host, dns);
    assert.deepEqual(findings.map((f) => [f.code, f.subject]), [
      ['DNS_SERVFAIL', '10.0.0.2'],
      ['DNS_REFUSED', '10.0.0.3'],
    ]);
    assert.match(findings[1]!.message, /10\.0\.0\.3 refuses.*\(A and AAAA\)/);
  });

  it('merges the timeouts of one server into one finding', () => {
    const timeout = { code: 'DNS_TIMEOUT', message: 'No answer' };
    const dns = result(system(['192.0.2.1']), [wire('10.0.0.2', 'A', null, [], timeout), wire('10.0.0.2', 'AAAA', null, [], timeout), wire('10.0.0.3', 'A', null, [], timeout)]);
    const findings = dnsFindings(host, dns);
    assert.deepEqual(findings.map((f) => [f.code, f.subject]), [
      ['DNS_TIMEOUT', '10.0.0.2'],
      ['DNS_TIMEOUT', '10.0.0.3'],
    ]);
    assert.match(findings[0]!.message, /No answer from 10\.0\.0\.2 for www\.example\.test \(A and AAAA\)/);
  });

  it('explains an unreachable server with its system error', () => {
    const dns = result(system(['192.0.2.1']), [wire('10.0.0.2', 'A', null, [], { code: 'ECONNREFUSED', message: 'recvmsg ECONNREFUSED' })]);
    const [f] = dnsFindings(host, dns);
    assert.equal(f?.code, 'DNS_TIMEOUT');
    assert.match(f?.message ?? '', /10\.0\.0\.2 could not be reached .*ECONNREFUSED/);
  });

  it('reports bad responses and odd rcodes as DNS_BAD_RESPONSE, and nothing for cancelled queries', () => {
    const dns = result(system(['192.0.2.1']), [
      wire('10.0.0.2', 'A', null, [], { code: 'DNS_BAD_RESPONSE', message: '3 responses did not match' }),
      wire('10.0.0.3', 'A', 'FORMERR'),
      wire('10.0.0.4', 'A', null, [], { code: 'CANCELLED', message: 'Cancelled' }),
    ]);
    const findings = dnsFindings(host, dns);
    assert.deepEqual(findings.map((f) => [f.code, f.subject]), [
      ['DNS_BAD_RESPONSE', '10.0.0.2'],
      ['DNS_BAD_RESPONSE', '10.0.0.3'],
    ]);
    assert.match(findings[0]!.message, /3 responses did not match/);
    assert.match(findings[1]!.message, /FORMERR.*EDNS/);
  });

  it('reports NODATA when NOERROR answers hold no address and the system has none', () => {
    const dns = result(system([], { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }), [
      wire('10.0.0.2', 'A', 'NOERROR', [cname(host, 'mail.example.test')]),
      wire('10.0.0.2', 'AAAA', 'NOERROR'),
    ]);
    const findings = dnsFindings(host, dns);
    assert.deepEqual(findings.map((f) => f.code), ['DNS_NODATA']);
    assert.match(findings[0]!.message, /10\.0\.0\.2 answer NOERROR .* no A or AAAA record \(it is an alias of mail\.example\.test/);
  });

  it('is not NODATA when one family has addresses', () => {
    const dns = result(system(['192.0.2.1']), [wire('10.0.0.2', 'A', 'NOERROR', [a(host, '192.0.2.1')]), wire('10.0.0.2', 'AAAA', 'NOERROR')]);
    assert.deepEqual(codes(host, dns), []);
  });

  it('explains ENOTFOUND and EAI_AGAIN from the system lookup', () => {
    const notFound = dnsFindings(host, result(system([], { code: 'ENOTFOUND', message: 'x' }), []));
    assert.deepEqual(notFound.map((f) => f.code), ['DNS_LOOKUP_FAILED']);
    assert.match(notFound[0]!.message, /ENOTFOUND.*definite answer/);
    const again = dnsFindings(host, result(system([], { code: 'EAI_AGAIN', message: 'x' }), []));
    assert.match(again[0]!.message, /EAI_AGAIN.*temporary failure/);
    assert.deepEqual(codes(host, result(system([], { code: 'CANCELLED', message: 'Cancelled' }), [])), []);
  });

  it('keeps DNS_LOOKUP_FAILED when DNS itself answers with addresses', () => {
    const dns = result(system([], { code: 'EAI_AGAIN', message: 'x' }), [wire('10.0.0.2', 'A', 'NOERROR', [a(host, '192.0.2.1')])]);
    assert.deepEqual(codes(host, dns), ['DNS_LOOKUP_FAILED']);
  });

  it('reports a mismatch that says the system answer is used, and why they may differ', () => {
    const dns = result(system(['10.1.2.3']), [
      wire('10.0.0.2', 'A', 'NOERROR', [cname(host, 'edge.cdn.test'), a('edge.cdn.test', '192.0.2.1'), a('edge.cdn.test', '192.0.2.2')]),
      wire('10.0.0.3', 'A', 'SERVFAIL'),
    ]);
    const findings = dnsFindings(host, dns).filter((f) => f.code === 'DNS_SYSTEM_WIRE_MISMATCH');
    assert.equal(findings.length, 1);
    const message = findings[0]!.message;
    assert.match(message, /system resolver gives 10\.1\.2\.3/);
    assert.match(message, /DNS \(10\.0\.0\.2\) answers 192\.0\.2\.1, 192\.0\.2\.2/);
    assert.match(message, /use the system answer/);
    assert.match(message, /hosts.*split-horizon or VPN.*search domain.*stale cache/);
  });

  it('reports a mismatch when DNS has no address of a family the system returns', () => {
    const dns = result(system(['2001:db8::5']), [wire('10.0.0.2', 'AAAA', 'NOERROR')]);
    assert.match(dnsFindings(host, dns)[0]?.message ?? '', /gives 2001:db8::5 .* answers no address/);
  });

  it('compares only families both sides have (a system without IPv6 drops AAAA)', () => {
    const dns = result(system(['192.0.2.1']), [
      wire('10.0.0.2', 'A', 'NOERROR', [a(host, '192.0.2.1')]),
      wire('10.0.0.2', 'AAAA', 'NOERROR', [aaaa(host, '2001:db8::1')]),
    ]);
    assert.deepEqual(codes(host, dns), []);
  });

  it('makes no mismatch finding when no wire query succeeded', () => {
    const timeout = { code: 'DNS_TIMEOUT', message: 'No answer' };
    const dns = result(system(['10.1.2.3']), [wire('10.0.0.2', 'A', null, [], timeout), wire('10.0.0.3', 'A', 'NXDOMAIN')]);
    assert.deepEqual(codes(host, dns), ['DNS_TIMEOUT', 'DNS_NXDOMAIN']);
  });

  it('compares a pinned address with DNS and says the pin is used', () => {
    const skipped: SystemLookup = { addresses: [], durationMs: 0, skipped: 'pinned' };
    const dns = result(skipped, [wire('10.0.0.2', 'A', 'NOERROR', [a(host, '192.0.2.1')])], ['127.0.0.1']);
    const findings = dnsFindings(host, dns);
    assert.deepEqual(findings.map((f) => f.code), ['DNS_SYSTEM_WIRE_MISMATCH']);
    assert.match(findings[0]!.message, /pinned to 127\.0\.0\.1 .*connects to the pin; DNS \(10\.0\.0\.2\) answers 192\.0\.2\.1/);
  });

  it('is quiet when the pin matches DNS', () => {
    const skipped: SystemLookup = { addresses: [], durationMs: 0, skipped: 'pinned' };
    const dns = result(skipped, [wire('10.0.0.2', 'A', 'NOERROR', [a(host, '192.0.2.1')])], ['192.0.2.1']);
    assert.deepEqual(codes(host, dns), []);
  });
});
