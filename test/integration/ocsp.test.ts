// Revocation on demand against a real `openssl ocsp` responder on loopback: good, revoked (with
// its date and reason), unknown, a responder that is down, and the check only when asked for.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkOcsp, ocspFindings } from '../../src/engine/tls/ocsp';
import { forgeCert, forgeIntermediate } from '../helpers/badCerts';
import type { ForgeCert } from '../helpers/badCerts';
import { freePort, startOcspResponder } from '../helpers/opensslPeers';
import type { OpensslPeer } from '../helpers/opensslPeers';
import { testPki } from '../helpers/pki';

let responder: OpensslPeer;
let ca: ForgeCert;
let good: X509Certificate;
let revoked: X509Certificate;
let unknown: X509Certificate;
let issuer: X509Certificate;

before(async () => {
  const pki = await testPki();
  ca = forgeIntermediate(pki, 'Netdiag Test OCSP CA');
  issuer = new X509Certificate(ca.cert);
  const port = await freePort();
  const leaf = (): X509Certificate => new X509Certificate(forgeCert(pki, { issuer: ca, ocspUrl: `http://127.0.0.1:${port}/` }).cert);
  [good, revoked, unknown] = [leaf(), leaf(), leaf()];
  responder = await startOcspResponder(ca, { [good.serialNumber]: 'V', [revoked.serialNumber]: ['R', '260101000000Z', 'keyCompromise'] }, port);
});

after(async () => {
  await responder?.stop();
});

describe('checkOcsp against openssl ocsp', () => {
  it('good: signed by the issuer, with this/next update', async () => {
    const r = await checkOcsp(good, issuer, { timeoutMs: 3000 });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.status, 'good');
    assert.equal(r.signatureValid, true);
    assert.match(r.thisUpdate ?? '', /^\d{4}-/);
    assert.equal(r.responder, `http://127.0.0.1:${responder.port}/`);
    assert.deepEqual(ocspFindings(good, r), []);
  });

  it('revoked: CERT_REVOKED with the date and the reason', async () => {
    const r = await checkOcsp(revoked, issuer, { timeoutMs: 3000 });
    assert.equal(r.status, 'revoked');
    assert.equal(r.revocationReason, 'keyCompromise');
    assert.equal(r.revokedAt, '2026-01-01T00:00:00.000Z');
    const [f] = ocspFindings(revoked, r);
    assert.equal(f?.code, 'CERT_REVOKED');
    assert.match(f?.message ?? '', /revoked on 2026-01-01.*keyCompromise/);
  });

  it('a certificate the responder does not know: CERT_OCSP_FAILED', async () => {
    const r = await checkOcsp(unknown, issuer, { timeoutMs: 3000 });
    assert.equal(r.status, 'unknown');
    assert.equal(ocspFindings(unknown, r)[0]?.code, 'CERT_OCSP_FAILED');
  });

  it('a response checked against the wrong issuer does not verify', async () => {
    const other = new X509Certificate((await testPki()).otherRoot.cert);
    const r = await checkOcsp(good, other, { timeoutMs: 3000 });
    assert.notEqual(r.status === 'good' && r.signatureValid, true);
    assert.equal(ocspFindings(good, r)[0]?.code, 'CERT_OCSP_FAILED');
  });

  it('a responder that is down: an error as data, CERT_OCSP_FAILED', async () => {
    const r = await checkOcsp(good, issuer, { timeoutMs: 2000, responder: `http://127.0.0.1:${await freePort()}/` });
    assert.equal(r.status, null);
    assert.equal(r.error?.code, 'ECONNREFUSED');
    assert.equal(ocspFindings(good, r)[0]?.code, 'CERT_OCSP_FAILED');
  });

  it('a certificate without an OCSP URL says so', async () => {
    const r = await checkOcsp(issuer, issuer, { timeoutMs: 1000 });
    assert.equal(r.error?.code, 'OCSP_NO_RESPONDER');
  });
});
