// The cipher-suite registry a scan offers: complete where sslscan's is (IANA, minus private use),
// TLS 1.3 suites kept apart, the client's order strongest first, and which suites are weak or
// broken — the grade and TLS_WEAK_CIPHERS rest on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAnonymousSuite, isBrokenSuite, isWeakSuite, offerList, suiteOf, suitesById } from '../../src/engine/tls/cipherSuites';

const byName = (name: string) => [...suitesById().values()].find((s) => s.name === name || s.openssl === name)!;

describe('cipher suites', () => {
  it('the IANA registry sslscan offers is covered, and the pre-standard suites that were deployed', () => {
    const ids = new Set(suitesById().keys());
    const ranges: [number, number][] = [[0x0000, 0x001b], [0x001e, 0x0046], [0x0067, 0x006d], [0x0084, 0x00c7], [0x1301, 0x1305], [0xc001, 0xc0b5], [0xc100, 0xc102], [0xcca8, 0xccae], [0xd001, 0xd003]];
    for (const [from, to] of ranges) for (let id = from; id <= to; id++) assert.ok(ids.has(id), `0x${id.toString(16)}`);
    for (const id of [0xcc13, 0xcc14, 0xcc15, 0x0080, 0x0081, 0xff00, 0xfeff]) assert.ok(ids.has(id), `0x${id.toString(16)}`);
  });

  it('TLS 1.3 suites are offered only in TLS 1.3 hellos, the rest only in older ones', () => {
    assert.deepEqual([...offerList(true)].sort((a, b) => a - b), [0x00c6, 0x00c7, 0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc0b4, 0xc0b5, 0xc103, 0xc104, 0xc105, 0xc106]);
    assert.ok(!offerList(false).some((id) => offerList(true).includes(id)));
    assert.equal(offerList(false).length + offerList(true).length, suitesById().size);
  });

  it("the client's order: forward-secret AEAD first, broken suites last", () => {
    const order = offerList(false).map((id) => suiteOf(id).name);
    assert.equal(order[0], 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
    assert.ok(order.indexOf('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA') < order.indexOf('TLS_RSA_WITH_AES_128_GCM_SHA256'));
    assert.ok(order.indexOf('TLS_RSA_WITH_AES_128_CBC_SHA') < order.indexOf('TLS_RSA_WITH_RC4_128_SHA'));
  });

  it('weak, broken and anonymous, from the IANA name (OpenSSL need not know the suite)', () => {
    const cases: [string, boolean, boolean][] = [
      ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false, false],
      ['TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, false],
      ['TLS_AES_128_GCM_SHA256', false, false],
      ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', true, false],
      ['TLS_RSA_WITH_AES_128_GCM_SHA256', true, false],
      ['TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256', false, false],
      ['TLS_RSA_WITH_IDEA_CBC_SHA', true, false],
      ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', true, true],
      ['TLS_ECDHE_RSA_WITH_RC4_128_SHA', true, true],
      ['TLS_RSA_EXPORT_WITH_DES40_CBC_SHA', true, true],
      ['TLS_RSA_WITH_NULL_SHA256', true, true],
      ['TLS_SHA256_SHA256', true, true],
      ['TLS_DH_anon_WITH_AES_256_GCM_SHA384', true, false],
    ];
    for (const [name, weak, broken] of cases) {
      const suite = byName(name);
      assert.deepEqual([isWeakSuite(suite), isBrokenSuite(suite)], [weak, broken], name);
    }
    assert.ok(isAnonymousSuite(byName('TLS_ECDH_anon_WITH_AES_128_CBC_SHA')) && !isAnonymousSuite(byName('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')));
  });

  it('OpenSSL names where OpenSSL has one, none where it never had', () => {
    assert.equal(byName('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256').openssl, 'ECDHE-RSA-AES128-GCM-SHA256');
    assert.equal(byName('TLS_RSA_WITH_RC4_128_SHA').openssl, 'RC4-SHA');
    assert.equal(byName('TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256').openssl, null);
    assert.equal(suiteOf(0x1234).name, 'UNKNOWN_0x1234');
  });
});
