// The badssl.com-style verdicts that come from the certificates themselves: names, size, key,
// lifetime, key usage, CA flag, chain order, root sent, anchoring store; and the extension
// fields the panel shows (name constraints, policies, SCTs, must-staple).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../src/engine/model/common';
import { describeCertificate } from '../../src/engine/tls/certificate';
import { sentOrderFindings, storeFindings } from '../../src/engine/tls/chainChecks';
import { verifyChain } from '../../src/engine/tls/verify';
import { forgeCert, forgeIntermediate, mustStapleExt, nameConstraintsExt, policiesExt, rsa8192Key, sctListExt } from '../helpers/badCerts';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';

const opts = { expiryWarningDays: 21 };
const codes = (findings: Finding[]): string[] => findings.map((f) => f.code).sort();

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

function verdicts(pem: string, host = 'localhost'): string[] {
  return codes(verifyChain([new X509Certificate(pem)], host, pki.trust, Date.now(), opts).findings);
}

describe('leaf verdicts (badssl.com cases, offline)', () => {
  it('a good forge-made leaf under the test root has no finding (the control case)', () => {
    assert.deepEqual(verdicts(forgeCert(pki).cert), []);
  });

  it('no subject: CERT_NO_SUBJECT, and the SAN still matches', () => {
    assert.deepEqual(verdicts(forgeCert(pki, { subject: [] }).cert), ['CERT_NO_SUBJECT']);
  });

  it('no subject and no SAN: explained, not a crash (Node 20 gives an undefined subject)', () => {
    const found = verifyChain([new X509Certificate(forgeCert(pki, { subject: [], dnsNames: [] }).cert)], 'localhost', pki.trust, Date.now(), opts).findings;
    assert.deepEqual(codes(found), ['CERT_HOSTNAME_MISMATCH', 'CERT_NO_SAN', 'CERT_NO_SUBJECT']);
    assert.match(found.find((f) => f.code === 'CERT_HOSTNAME_MISMATCH')!.message, /no names at all/);
  });

  it('no common name: CERT_NO_COMMON_NAME (info)', () => {
    const found = verifyChain([new X509Certificate(forgeCert(pki, { subject: [{ name: 'organizationName', value: 'No CN Inc' }] }).cert)], 'localhost', pki.trust, Date.now(), opts).findings;
    assert.deepEqual(codes(found), ['CERT_NO_COMMON_NAME']);
    assert.equal(found[0]?.severity, 'info');
  });

  it('no SAN: CERT_NO_SAN, although Node still matches the CN', () => {
    assert.deepEqual(verdicts(forgeCert(pki, { dnsNames: [] }).cert), ['CERT_NO_SAN']);
  });

  it('1000 SANs: CERT_MANY_NAMES; 10000 SANs: also CERT_TOO_LARGE', () => {
    const names = (n: number): string[] => ['localhost', ...Array.from({ length: n - 1 }, (_, i) => `host-${i}.example.test`)];
    assert.deepEqual(verdicts(forgeCert(pki, { dnsNames: names(1000) }).cert), ['CERT_MANY_NAMES']);
    assert.deepEqual(verdicts(forgeCert(pki, { dnsNames: names(10000) }).cert), ['CERT_MANY_NAMES', 'CERT_TOO_LARGE']);
  });

  it('RSA 8192: CERT_KEY_LARGE (info); RSA 2048, P-256 and P-384 leaves: nothing', () => {
    assert.deepEqual(verdicts(forgeCert(pki, { keyPem: rsa8192Key() }).cert), ['CERT_KEY_LARGE']);
    for (const c of [pki.rsa, pki.p256, pki.p384]) {
      const chain = c.chain.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((p) => new X509Certificate(p));
      assert.deepEqual(codes(verifyChain(chain, 'localhost', pki.trust, Date.now(), opts).findings), []);
    }
  });

  it('validity over 398 days: CERT_VALIDITY_TOO_LONG; exactly 397 days: nothing', () => {
    assert.deepEqual(verdicts(forgeCert(pki, { fromDays: -1, toDays: 500 }).cert), ['CERT_VALIDITY_TOO_LONG']);
    assert.deepEqual(verdicts(forgeCert(pki, { fromDays: -1, toDays: 396 }).cert), []);
  });

  it('a leaf for clientAuth only: CERT_NO_SERVER_AUTH (error, not trusted)', () => {
    const { verification, findings } = verifyChain([new X509Certificate(forgeCert(pki, { eku: ['clientAuth'] }).cert)], 'localhost', pki.trust, Date.now(), opts);
    assert.deepEqual(codes(findings), ['CERT_NO_SERVER_AUTH']);
    assert.equal(verification.trusted, false);
  });

  it('a leaf with CA:TRUE: CERT_LEAF_IS_CA', () => {
    assert.deepEqual(verdicts(forgeCert(pki, { ca: true }).cert), ['CERT_LEAF_IS_CA']);
  });

  it('a SHA-1 signature: CERT_WEAK_SIGNATURE', () => {
    assert.deepEqual(verdicts(forgeCert(pki, { md: 'sha1' }).cert), ['CERT_WEAK_SIGNATURE']);
  });
});

describe('the order of what was sent', () => {
  const certs = (...pems: string[]): X509Certificate[] => pems.map((p) => new X509Certificate(p));
  const sentOrder = (chain: X509Certificate[]) => sentOrderFindings(chain, verifyChain(chain, 'localhost', pki.trust, Date.now(), { expiryWarningDays: 21 }).verification);

  it('leaf, intermediate: nothing', () => {
    assert.deepEqual(sentOrder(certs(pki.rsa.cert, pki.intermediate.cert)), []);
  });

  it('leaf, intermediate, root: the root is named (CERT_CHAIN_HAS_ROOT)', () => {
    const found = sentOrder(certs(pki.rsa.cert, pki.intermediate.cert, pki.root.cert));
    assert.deepEqual(codes(found), ['CERT_CHAIN_HAS_ROOT']);
    assert.match(found[0]!.message, /Netdiag Test Root CA/);
  });

  it('leaf, root, intermediate (reversed): CERT_CHAIN_MISORDERED says where', () => {
    const found = sentOrder(certs(pki.rsa.cert, pki.root.cert, pki.intermediate.cert));
    assert.deepEqual(codes(found), ['CERT_CHAIN_HAS_ROOT', 'CERT_CHAIN_MISORDERED']);
    assert.match(found.find((f) => f.code === 'CERT_CHAIN_MISORDERED')!.message, /its issuer comes later, at position 3/);
  });

  it('an unrelated certificate in the chain: CERT_CHAIN_MISORDERED names it', () => {
    const found = sentOrder(certs(pki.rsa.cert, pki.intermediate.cert, pki.otherRoot.cert));
    assert.ok(found.some((f) => f.code === 'CERT_CHAIN_MISORDERED' && /Elsewhere Root CA/.test(f.message)), JSON.stringify(found));
  });

  it('a root no store holds is no CERT_CHAIN_HAS_ROOT: leaving it out would not help (issue 14 item 7)', () => {
    assert.deepEqual(codes(sentOrder(certs(pki.untrustedRoot.cert, pki.otherRoot.cert))), []);
  });

  it('a forge-made leaf under an RSA intermediate, in order: nothing', () => {
    const inter = forgeIntermediate(pki);
    const leaf = forgeCert(pki, { issuer: inter });
    assert.deepEqual(sentOrder(certs(leaf.cert, inter.cert)), []);
  });
});

describe('which store anchors the chain', () => {
  it('warns when only an extra CA file or the OS store anchors it, not for Node roots', () => {
    assert.deepEqual(codes(storeFindings({ trusted: true, store: 'extra', hostnameMatches: true, errors: [] })), ['CERT_NOT_IN_NODE_ROOTS']);
    assert.match(storeFindings({ trusted: true, store: 'os', hostnameMatches: true, errors: [] })[0]!.message, /OS store.*NODE_EXTRA_CA_CERTS/);
    assert.deepEqual(storeFindings({ trusted: true, store: 'node', hostnameMatches: true, errors: [] }), []);
    assert.deepEqual(storeFindings({ trusted: false, store: null, hostnameMatches: true, errors: [] }), []);
  });
});

describe('extension fields for the panel', () => {
  it('reads name constraints, policies, SCTs and must-staple', () => {
    const logId = Buffer.alloc(32, 7);
    const when = Date.UTC(2026, 0, 2, 3, 4, 5);
    const { cert } = forgeCert(pki, {
      extra: [
        { id: '2.5.29.30', critical: true, value: nameConstraintsExt('.example.test', ['10.0.0.0', '255.0.0.0']) },
        { id: '2.5.29.32', value: policiesExt('2.23.140.1.2.1', '1.2.3.4') },
        { id: '1.3.6.1.5.5.7.1.24', value: mustStapleExt() },
        { id: '1.3.6.1.4.1.11129.2.4.2', value: sctListExt(logId, when) },
      ],
    });
    const info = describeCertificate(new X509Certificate(cert), Date.now());
    assert.deepEqual(info.nameConstraints, { permitted: ['DNS:.example.test'], excluded: ['IP Address:10.0.0.0/255.0.0.0'] });
    assert.deepEqual(info.policies, ['2.23.140.1.2.1 (domain validated)', '1.2.3.4']);
    assert.equal(info.mustStaple, true);
    assert.deepEqual(info.scts, [{ logId: logId.toString('base64'), timestamp: new Date(when).toISOString() }]);
  });

  it('leaves the optional fields out when the extensions are absent', () => {
    const info = describeCertificate(new X509Certificate(pki.rsa.cert), Date.now());
    assert.equal(info.nameConstraints, undefined);
    assert.equal(info.policies, undefined);
    assert.equal(info.scts, undefined);
    assert.equal(info.mustStaple, undefined);
  });
});
