// The certificate views' shared wording (tree view and viewer webview): every detail row, and the
// short verdicts, from real certificates of the test PKI.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { describeCertificate } from '../../src/engine/tls/certificate';
import { checkFile } from '../../src/engine/tls/certCheck';
import { certificateRows, roleOf, shortVerdict, storeText } from '../../src/protocol/certificateView';
import { forgeCert, mustStapleExt, nameConstraintsExt, policiesExt, sctListExt } from '../helpers/badCerts';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

describe('certificateRows', () => {
  it('lists every detail the panel promises, and leaves absent ones out', () => {
    const { cert } = forgeCert(pki, {
      ocspUrl: 'http://127.0.0.1:9/ocsp',
      caIssuersUrl: 'http://127.0.0.1:9/ca.der',
      extra: [
        { id: '2.5.29.30', value: nameConstraintsExt('.example.test', ['10.0.0.0', '255.0.0.0']) },
        { id: '2.5.29.32', value: policiesExt('2.23.140.1.2.2') },
        { id: '1.3.6.1.5.5.7.1.24', value: mustStapleExt() },
        { id: '1.3.6.1.4.1.11129.2.4.2', value: sctListExt(Buffer.alloc(32, 9), Date.UTC(2026, 0, 1)) },
      ],
    });
    const rows = certificateRows(describeCertificate(new X509Certificate(cert), Date.now()));
    const labels = rows.map((r) => r.label);
    for (const label of ['Subject', 'Issuer', 'Names (SAN)', 'Validity', 'Serial', 'SHA-256', 'SHA-1', 'Key', 'Signature', 'Key usage', 'Extended key usage', 'Basic constraints', 'Permitted names', 'Excluded names', 'Policies', 'OCSP', 'CA issuers', 'SCTs', 'Must-staple']) {
      assert.ok(labels.includes(label), `${label} missing: ${labels.join(', ')}`);
    }
    assert.match(rows.find((r) => r.label === 'Validity')!.value, /day\(s\) left/);
    assert.match(rows.find((r) => r.label === 'Policies')!.value, /organization validated/);
    const plain = certificateRows(describeCertificate(new X509Certificate(pki.p256.cert), Date.now())).map((r) => r.label);
    assert.ok(!plain.includes('Policies') && !plain.includes('SCTs') && !plain.includes('Must-staple') && !plain.includes('Permitted names'));
  });

  it("shows a certificate's problems, as the engine found them, and no row when it has none", async () => {
    const check = await checkFile(Buffer.from(pki.expired.chain), 'old.pem', { trust: pki.trust, timeoutMs: 100, expiryWarningDays: 21 });
    const [leaf, intermediate] = check.chain.map(certificateRows);
    assert.match(leaf?.find((r) => r.label === 'Problems')?.value ?? '', /^expired \d+ days ago$/);
    assert.equal(intermediate?.some((r) => r.label === 'Problems'), false);
  });

  it('names roles and stores in words', () => {
    const leaf = describeCertificate(new X509Certificate(pki.rsa.cert), Date.now());
    const root = describeCertificate(new X509Certificate(pki.root.cert), Date.now());
    const inter = describeCertificate(new X509Certificate(pki.intermediate.cert), Date.now());
    assert.deepEqual([roleOf(0, leaf), roleOf(1, inter), roleOf(2, root), roleOf(0, root)], ['Server certificate', 'Intermediate', 'Root', 'CA certificate']);
    assert.deepEqual([storeText('node'), storeText('os'), storeText('extra'), storeText(null)], ["Node's bundled roots", 'the OS store', 'an extra CA file', 'no trust store']);
  });
});

describe('shortVerdict', () => {
  it('says errors first, else the anchoring store and warnings', async () => {
    const base = { trust: pki.trust, timeoutMs: 100, expiryWarningDays: 21 };
    assert.equal(shortVerdict(await checkFile(Buffer.from(pki.rsa.chain), 'ok.pem', base)), 'trusted by an extra CA file, 1 warning(s)');
    assert.equal(shortVerdict(await checkFile(Buffer.from(pki.expired.chain), 'old.pem', base)), '1 error(s), 1 warning(s)');
    assert.equal(shortVerdict(await checkFile(Buffer.from(pki.rsa.chain), 'ok.pem', { ...base, trust: { node: [], os: [], extra: [] } })), '1 error(s)');
  });
});
