// Each certificate's problems come from the findings about it: the certificate a check marks is
// the one the finding is about, with its severity, in a few words (what the panels show beside
// each certificate). The chains are the test PKI's, verified offline.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { CertificateInfo } from '../../src/engine/model/certificate';
import type { Finding } from '../../src/engine/model/common';
import { checkFile } from '../../src/engine/tls/certCheck';
import { describeCertificate } from '../../src/engine/tls/certificate';
import { problemsOf, withProblems } from '../../src/engine/tls/certProblems';
import { verifyChain } from '../../src/engine/tls/verify';
import { forgeCert } from '../helpers/badCerts';
import { testPki, WRONG_HOST_NAME } from '../helpers/pki';
import type { ServerCase, TestPki } from '../helpers/pki';

const opts = { expiryWarningDays: 21 };

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

const certs = (pem: string): X509Certificate[] => pem.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((p) => new X509Certificate(p));

/** The chain as the handshake describes it: verified, then each certificate given its problems. */
function described(chain: X509Certificate[], host = 'localhost'): CertificateInfo[] {
  const now = Date.now();
  const { findings } = verifyChain(chain, host, pki.trust, now, opts);
  return withProblems(chain.map((c) => describeCertificate(c, now)), findings);
}

const problems = (c: ServerCase, host?: string): [string, string, string][][] => described(certs(c.chain), host).map((cert) => cert.problems.map((p) => [p.code, p.severity, p.text]));

/** The same certificate with sha256WithRSAEncryption replaced by md2WithRSAEncryption (RFC 3279 §2.2.1) in both places it is named. */
function md2Signed(pem: string): X509Certificate {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
  const sha256WithRsa = Buffer.from('06092a864886f70d01010b', 'hex');
  let replaced = 0;
  for (let at = der.indexOf(sha256WithRsa); at >= 0; at = der.indexOf(sha256WithRsa, at + 1), replaced++) der[at + sha256WithRsa.length - 1] = 0x02;
  assert.equal(replaced, 2, 'the algorithm is named in tbsCertificate and in signatureAlgorithm');
  return new X509Certificate(der);
}

describe('per-certificate problems', () => {
  it('a good chain: no certificate has a problem', () => {
    for (const c of [pki.rsa, pki.p256, pki.ed25519]) assert.deepEqual(problems(c), [[], []]);
  });

  it('expired: the leaf, in days, as an error; the intermediate has none', () => {
    const [leaf, intermediate] = described(certs(pki.expired.chain));
    assert.ok(leaf && intermediate);
    assert.deepEqual(leaf.problems, [{ code: 'CERT_EXPIRED', severity: 'error', text: `expired ${-leaf.daysLeft} days ago` }]);
    assert.ok(-leaf.daysLeft >= 10);
    assert.deepEqual(intermediate.problems, []);
  });

  it('not yet valid, and expiring soon (a warning)', () => {
    assert.deepEqual(problems(pki.notYetValid), [[['CERT_NOT_YET_VALID', 'error', 'not yet valid']], []]);
    const [leaf] = described(certs(pki.expiresSoon.chain));
    assert.deepEqual(leaf?.problems, [{ code: 'CERT_EXPIRES_SOON', severity: 'warning', text: `expires in ${leaf?.daysLeft} days` }]);
  });

  it('wrong host: only the leaf, and only when a host is asked for', () => {
    assert.deepEqual(problems(pki.wrongHost), [[['CERT_HOSTNAME_MISMATCH', 'error', 'does not cover the host name']], []]);
    assert.deepEqual(problems(pki.wrongHost, WRONG_HOST_NAME), [[], []]);
  });

  it('self-signed: the leaf that signed itself', () => {
    assert.deepEqual(problems(pki.selfSigned), [[['CERT_SELF_SIGNED', 'error', 'self-signed, not trusted']]]);
  });

  it('untrusted root: the root the server sent, not the leaf', () => {
    assert.deepEqual(problems(pki.untrustedRoot), [[], [['CERT_UNTRUSTED_ROOT', 'error', 'a root in no trust store']]]);
  });

  it('incomplete chain: the certificate whose issuer is missing', () => {
    assert.deepEqual(problems(pki.incompleteChain), [[['CERT_INCOMPLETE_CHAIN', 'error', 'its issuer was not sent']]]);
  });

  it('weak key and weak signature are warnings that name the key and the algorithm', () => {
    assert.deepEqual(problems(pki.rsa1024), [[['CERT_WEAK_KEY', 'warning', 'weak key (RSA 1024)']], []]);
    assert.deepEqual(problems(pki.sha1), [[['CERT_WEAK_SIGNATURE', 'warning', 'weak signature (ecdsa-with-SHA1)']], []]);
  });

  it('an MD2 signature is weak too (a check of /sha1|md5/ alone misses it)', () => {
    const leaf = md2Signed(forgeCert(pki).cert);
    const [info] = described([leaf]);
    assert.equal(info?.signatureAlgorithm, 'md2WithRSAEncryption');
    assert.ok(info?.problems.some((p) => p.code === 'CERT_WEAK_SIGNATURE' && p.text === 'weak signature (md2WithRSAEncryption)'), JSON.stringify(info?.problems));
  });

  it('errors come first; info findings, findings about other certificates and repeats are left out', () => {
    const [cert] = described(certs(pki.rsa.chain));
    assert.ok(cert);
    const about = (code: string, severity: Finding['severity'], certificate = cert.fingerprint256): Finding => ({ code, severity, layer: 'tls', message: `${code} message`, hint: 'hint', certificate });
    const findings = [
      about('CERT_WEAK_KEY', 'warning'),
      about('CERT_NO_COMMON_NAME', 'info'),
      about('CERT_EXPIRED', 'error', 'AA:BB'),
      about('CERT_HOSTNAME_MISMATCH', 'error'),
      about('CERT_WEAK_KEY', 'warning'),
      about('SOMETHING_NEW', 'warning'),
    ];
    assert.deepEqual(
      problemsOf(cert, findings).map((p) => [p.code, p.text]),
      [
        ['CERT_HOSTNAME_MISMATCH', 'does not cover the host name'],
        ['CERT_WEAK_KEY', `weak key (${cert.publicKey.type.toUpperCase()} ${cert.publicKey.bits})`],
        ['SOMETHING_NEW', 'SOMETHING_NEW message'],
      ],
    );
  });

  it('a certificate file: the check gives each certificate its problems (no name problem without a host) and a status', async () => {
    // The root as one of Node's own: no CERT_NOT_IN_NODE_ROOTS warning in the way of `ok`.
    const options = { trust: { node: [pki.root.cert], os: [], extra: [] }, timeoutMs: 1000, expiryWarningDays: 21 };
    const check = await checkFile(Buffer.from(pki.wrongHost.chain), 'wrong-host.pem', options);
    assert.deepEqual(check.chain.map((c) => c.problems), [[], []]);
    assert.equal(check.status, 'ok');
    const expired = await checkFile(Buffer.from(pki.expired.chain), 'expired.pem', options);
    assert.deepEqual(expired.chain.map((c) => c.problems.map((p) => p.code)), [['CERT_EXPIRED'], []]);
    assert.equal(expired.status, 'fail');
    const weak = await checkFile(Buffer.from(pki.rsa1024.chain), 'weak.pem', options);
    assert.equal(weak.status, 'warn');
  });
});
