// The DNS codec, SVCB/HTTPS RDATA and the pure helpers of `netdiag dns`: round trips, RFC
// presentation forms, and malformed input that must become a reason, never a throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { decodeMessage, encodeQuery, inZone, reverseName, soaSerial, typeName } from '../../src/engine/dns/codec';
import { dnsQuestionOf, DnsInputError } from '../../src/engine/dns/lookup';
import { decodeSvcb, svcbText } from '../../src/engine/dns/svcb';
import { encodeSvcb } from '../helpers/svcb';

describe('SVCB/HTTPS RDATA (RFC 9460)', () => {
  it('round-trips priority, target, alpn, port and both hint lists', () => {
    const rdata = encodeSvcb({ priority: 1, target: 'svc.example.net', alpn: ['h3', 'h2'], port: 8443, ipv4hint: ['192.0.2.1', '192.0.2.2'], ipv6hint: ['2001:db8::1'], ech: Buffer.from([1, 2]) });
    const d = decodeSvcb(rdata);
    assert.ok(typeof d !== 'string', String(d));
    assert.deepEqual([d.priority, d.target, d.alpn, d.port, d.ipv4hint, d.ipv6hint, d.ech], [1, 'svc.example.net', ['h3', 'h2'], 8443, ['192.0.2.1', '192.0.2.2'], ['2001:db8::1'], true]);
    assert.equal(svcbText(d), '1 svc.example.net. alpn=h3,h2 port=8443 ipv4hint=192.0.2.1,192.0.2.2 ech ipv6hint=2001:db8::1');
  });

  it('reads the RFC 9460 appendix D.2 AliasMode and ServiceMode vectors', () => {
    // D.2 figure 2: `1 foo.example.com. port=53`
    const port = Buffer.from('000103666f6f076578616d706c6503636f6d000003000200' + '35', 'hex');
    const d = decodeSvcb(port);
    assert.ok(typeof d !== 'string');
    assert.equal(svcbText(d), '1 foo.example.com. port=53');
    const alias = decodeSvcb(Buffer.from('000003666f6f076578616d706c6503636f6d00', 'hex'));
    assert.ok(typeof alias !== 'string');
    assert.equal(alias.priority, 0);
    assert.equal(alias.target, 'foo.example.com');
  });

  it('says what is wrong with truncated, compressed or inconsistent RDATA', () => {
    assert.match(String(decodeSvcb(Buffer.from([0, 1]))), /shorter/);
    assert.match(String(decodeSvcb(Buffer.from([0, 1, 0xc0, 0x0c]))), /compressed/);
    assert.match(String(decodeSvcb(Buffer.from([0, 1, 0, 0, 3, 0, 5, 0]))), /port|runs past/);
    assert.match(String(decodeSvcb(Buffer.from([0, 1, 0, 0, 4, 0, 3, 1, 2, 3]))), /ipv4hint/);
    assert.match(String(decodeSvcb(Buffer.from([0, 1, 0, 0, 1, 0, 2, 5, 0x68]))), /alpn/);
  });
});

describe('decodeMessage', () => {
  const response = (extra: Partial<dnsPacket.Packet> = {}): Buffer =>
    dnsPacket.encode({
      type: 'response',
      id: 7,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
      questions: [{ type: 'A', name: 'example.test', class: 'IN' }],
      answers: [{ type: 'A', name: 'example.test', ttl: 60, data: '192.0.2.1' }],
      authorities: [{ type: 'NS', name: 'example.test', ttl: 120, data: 'ns1.example.test' }],
      additionals: [
        { type: 'A', name: 'ns1.example.test', ttl: 120, data: '192.0.2.53' },
        { type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: dnsPacket.DNSSEC_OK, flag_do: true, options: [] },
      ],
      ...extra,
    });

  it('gives every section, the set flags and the OPT record as EDNS', () => {
    const m = decodeMessage(response());
    assert.ok(typeof m !== 'string');
    assert.deepEqual(m.flags, ['AA', 'RD', 'AD']);
    assert.equal(m.rcode, 'NOERROR');
    assert.deepEqual(m.edns, { udpPayloadSize: 1232, do: true, version: 0 });
    assert.deepEqual(m.answers, [{ name: 'example.test', type: 'A', ttl: 60, data: '192.0.2.1' }]);
    assert.equal(m.authority[0]?.data, 'ns1.example.test');
    assert.deepEqual(m.additional.map((r) => r.type), ['A'], 'OPT is reported as edns, not as a record');
  });

  it('presents MX, SRV, SOA, CAA, TXT, DS and DNSKEY like dig', () => {
    const m = decodeMessage(
      response({
        answers: [
          { type: 'MX', name: 'e.test', ttl: 1, data: { preference: 10, exchange: 'mx.e.test' } },
          { type: 'SRV', name: '_s._tcp.e.test', ttl: 1, data: { priority: 1, weight: 2, port: 443, target: 't.e.test' } },
          { type: 'SOA', name: 'e.test', ttl: 1, data: { mname: 'ns.e.test', rname: 'h.e.test', serial: 42, refresh: 1, retry: 2, expire: 3, minimum: 4 } },
          { type: 'CAA', name: 'e.test', ttl: 1, data: { flags: 0, tag: 'issue', value: 'ca.test' } },
          { type: 'TXT', name: 'e.test', ttl: 1, data: ['a "quoted"', 'b'] },
          { type: 'DS', name: 'e.test', ttl: 1, data: { keyTag: 1, algorithm: 13, digestType: 2, digest: Buffer.from([0xab, 0xcd]) } },
          { type: 'DNSKEY', name: 'e.test', ttl: 1, data: { flags: 257, algorithm: 13, key: Buffer.from([1, 2, 3]) } },
        ],
      }),
    );
    assert.ok(typeof m !== 'string');
    assert.deepEqual(
      m.answers.map((a) => a.data),
      ['10 mx.e.test', '1 2 443 t.e.test', 'ns.e.test h.e.test 42 1 2 3 4', '0 issue "ca.test"', '"a \\"quoted\\"" "b"', '1 13 2 ABCD', '257 3 13 AQID'],
    );
    assert.equal(soaSerial(m.answers[2]!), 42);
  });

  it('decodes HTTPS records (type 65) with their parameters', () => {
    const rdata = encodeSvcb({ priority: 1, target: '.', alpn: ['h2'], port: 8443 });
    const buf = dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'UNKNOWN_65' as dnsPacket.RecordType, name: 'e.test' }], answers: [{ type: 'UNKNOWN_65', name: 'e.test', ttl: 5, data: rdata } as unknown as dnsPacket.Answer] });
    const m = decodeMessage(buf);
    assert.ok(typeof m !== 'string');
    assert.equal(m.question?.type, 'HTTPS');
    assert.equal(m.answers[0]?.type, 'HTTPS');
    assert.equal(m.answers[0]?.data, '1 . alpn=h2 port=8443');
    assert.equal(m.answers[0]?.svcb?.port, 8443);
  });

  it('returns a reason for garbage, truncation and a compression pointer loop', () => {
    assert.match(String(decodeMessage(Buffer.from([1, 2, 3]))), /undecodable/);
    assert.match(String(decodeMessage(response().subarray(0, 40))), /undecodable/);
    const loop = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    assert.match(String(decodeMessage(loop)), /pointer/);
  });

  it('encodes queries with RD, CD, EDNS payload size and the DO bit', () => {
    const q = dnsPacket.decode(encodeQuery({ id: 9, name: 'e.test', type: 'HTTPS', rd: false, cd: true, dnssecOk: true }));
    assert.equal(q.flag_rd, false);
    assert.equal(q.flag_cd, true);
    assert.equal(q.questions?.[0]?.type, 'UNKNOWN_65');
    const opt = q.additionals?.find((a) => a.type === 'OPT');
    assert.ok(opt && opt.type === 'OPT');
    assert.equal(opt.udpPayloadSize, 1232);
    assert.equal(opt.flag_do, true);
  });
});

describe('names', () => {
  it('builds PTR names for IPv4 and IPv6 (RFC 1035 §3.5, RFC 3596 §2.5)', () => {
    assert.equal(reverseName('192.0.2.1'), '1.2.0.192.in-addr.arpa');
    assert.equal(reverseName('2001:db8::1'), '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    assert.equal(reverseName('example.test'), null);
  });

  it('compares names case-insensitively and by label', () => {
    assert.ok(inZone('WWW.Example.test.', 'example.test'));
    assert.ok(!inZone('badexample.test', 'example.test'));
    assert.ok(inZone('anything', '.'));
    assert.equal(typeName('UNKNOWN_64'), 'SVCB');
    assert.equal(typeName('UNKNOWN_999'), 'TYPE999');
  });

  it('turns input into a question: IP → PTR, IDN → punycode, bad names and types rejected', () => {
    assert.deepEqual(dnsQuestionOf('192.0.2.1', undefined), { name: '1.2.0.192.in-addr.arpa', types: ['PTR'] });
    assert.deepEqual(dnsQuestionOf('Bücher.Example.', ['mx', 'MX']), { name: 'xn--bcher-kva.example', types: ['MX'] });
    assert.deepEqual(dnsQuestionOf('example.test', undefined).types, ['A', 'AAAA']);
    assert.throws(() => dnsQuestionOf('a..b', undefined), DnsInputError);
    assert.throws(() => dnsQuestionOf(`${'x'.repeat(64)}.test`, undefined), DnsInputError);
    assert.throws(() => dnsQuestionOf('example.test', ['AXFR']), /Unknown record type/);
  });
});
