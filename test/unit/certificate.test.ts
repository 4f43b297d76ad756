import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { describeCertificate, parseCertificates } from '../../src/engine/tls/certificate';
import { LEAF_URLS, testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';

const DAY = 86_400_000;
const LEAF_SANS = ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:::1'];

let pki: TestPki;
before(async () => {
  pki = await testPki();
});

const x509 = (pem: string): X509Certificate => new X509Certificate(pem);

describe('describeCertificate', () => {
  it('reads an RSA 2048 leaf: names, dates, key, every extension', () => {
    const now = pki.rsa.notBefore.getTime() + 10.5 * DAY;
    const info = describeCertificate(x509(pki.rsa.cert), now);
    assert.equal(info.subject, 'CN=localhost, O=Netdiag Test');
    assert.equal(info.issuer, 'CN=Netdiag Test Intermediate CA, O=Netdiag Test');
    assert.deepEqual(info.subjectAltNames, LEAF_SANS);
    assert.equal(info.notBefore, pki.rsa.notBefore.toISOString());
    assert.equal(info.notAfter, pki.rsa.notAfter.toISOString());
    // valid now−1d…now+90d in the PKI, so 91 days from notBefore to notAfter; 10.5 days in → 80 left.
    assert.equal(info.daysLeft, 80);
    assert.deepEqual(info.publicKey, { type: 'rsa', bits: 2048 });
    assert.equal(info.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(info.isCA, false);
    assert.equal(info.pathLength, undefined);
    assert.equal(info.selfSigned, false);
    assert.deepEqual(info.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(info.extendedKeyUsage, ['serverAuth', 'clientAuth']);
    assert.deepEqual(info.ocspUrls, [LEAF_URLS.ocsp]);
    assert.deepEqual(info.caIssuerUrls, [LEAF_URLS.caIssuers]);
    assert.deepEqual(info.crlUrls, [LEAF_URLS.crl]);
    assert.match(info.serialNumber, /^[0-9A-F]+$/);
    assert.match(info.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(info.fingerprint1, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.equal(x509(info.pem).fingerprint256, info.fingerprint256);
    assert.doesNotThrow(() => JSON.stringify(info));
  });

  it('reads EC P-256, EC P-384 and Ed25519 keys', () => {
    const now = Date.now();
    assert.deepEqual(describeCertificate(x509(pki.p256.cert), now).publicKey, { type: 'ec', curve: 'P-256', bits: 256 });
    assert.deepEqual(describeCertificate(x509(pki.p384.cert), now).publicKey, { type: 'ec', curve: 'P-384', bits: 384 });
    const ed = describeCertificate(x509(pki.ed25519.cert), now);
    assert.deepEqual(ed.publicKey, { type: 'ed25519', bits: 256 });
    assert.deepEqual(ed.keyUsage, ['digitalSignature']);
    assert.deepEqual(ed.subjectAltNames, LEAF_SANS);
  });

  it('reads CA certificates: basic constraints, key usage, self-signed roots', () => {
    const now = Date.now();
    const intermediate = describeCertificate(x509(pki.intermediate.cert), now);
    assert.equal(intermediate.isCA, true);
    assert.equal(intermediate.pathLength, 0);
    assert.equal(intermediate.selfSigned, false);
    assert.deepEqual(intermediate.keyUsage, ['keyCertSign', 'cRLSign']);
    assert.equal(intermediate.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.deepEqual(intermediate.publicKey, { type: 'ec', curve: 'P-256', bits: 256 });

    const root = describeCertificate(x509(pki.root.cert), now);
    assert.equal(root.isCA, true);
    assert.equal(root.pathLength, undefined);
    assert.equal(root.selfSigned, true);
    assert.equal(root.subject, root.issuer);
    assert.deepEqual(root.subjectAltNames, []);
    assert.deepEqual(root.ocspUrls, []);
  });

  it('names weak signature algorithms and flags a self-signed leaf without keyCertSign', () => {
    const now = Date.now();
    assert.equal(describeCertificate(x509(pki.sha1.cert), now).signatureAlgorithm, 'ecdsa-with-SHA1');
    assert.equal(describeCertificate(x509(pki.sha1Root.cert), now).signatureAlgorithm, 'sha1WithRSAEncryption');
    assert.deepEqual(describeCertificate(x509(pki.rsa1024.cert), now).publicKey, { type: 'rsa', bits: 1024 });
    const self = describeCertificate(x509(pki.selfSigned.cert), now);
    assert.equal(self.selfSigned, true);
    assert.equal(self.isCA, false);
    // Same subject as issuer is not enough: the signature must verify with the certificate's own key.
    assert.equal(describeCertificate(x509(pki.untrustedRoot.cert), now).selfSigned, false);
  });

  it('counts daysLeft down to negative once expired', () => {
    const info = describeCertificate(x509(pki.expired.cert), Date.now());
    assert.ok(info.daysLeft <= -10 && info.daysLeft >= -11, `daysLeft ${info.daysLeft}`);
    const soon = describeCertificate(x509(pki.rsa.cert), pki.rsa.notAfter.getTime() - 1);
    assert.equal(soon.daysLeft, 0);
  });
});

describe('parseCertificates', () => {
  const codeOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof Error, 'throws an Error');
      return String((err as NodeJS.ErrnoException).code);
    }
    return 'did not throw';
  };

  it('reads a PEM bundle in order, skipping key blocks, from a string or a Buffer', () => {
    const text = `${pki.rsa.key}${pki.rsa.chain}`;
    for (const input of [text, Buffer.from(text)]) {
      const certs = parseCertificates(input);
      assert.deepEqual(
        certs.map((c) => c.fingerprint256),
        [x509(pki.rsa.cert).fingerprint256, x509(pki.intermediate.cert).fingerprint256],
      );
    }
  });

  it('reads a DER certificate', () => {
    const der = x509(pki.p384.cert).raw;
    const [cert, ...rest] = parseCertificates(der);
    assert.equal(rest.length, 0);
    assert.equal(cert?.fingerprint256, x509(pki.p384.cert).fingerprint256);
  });

  it('reports undecodable input as CERT_PARSE_ERROR, never another error', () => {
    const pem = pki.rsa.cert;
    const inputs: (string | Buffer)[] = [
      '',
      Buffer.alloc(0),
      'hello world',
      Buffer.from('\x00\x01\x02garbage'),
      Buffer.from([0x30, 0x82, 0xff, 0xff, 0x00]),
      pki.rsa.key,
      '-----BEGIN CERTIFICATE-----\nAAAA',
      pem.replace(/[A-Za-z]{20}/, '!!!!!!!!!!!!!!!!!!!!'),
      `${pem}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n`,
      x509(pem).raw.subarray(0, 100),
    ];
    for (const input of inputs) assert.equal(codeOf(() => parseCertificates(input)), 'CERT_PARSE_ERROR', `input ${JSON.stringify(String(input).slice(0, 40))}`);
  });

  it('says what it found instead of a certificate', () => {
    assert.throws(() => parseCertificates(pki.rsa.key), /only PRIVATE KEY blocks/);
    assert.throws(() => parseCertificates(`${pki.rsa.cert}-----BEGIN CERTIFICATE-----\nbm90\n-----END CERTIFICATE-----\n`), /Certificate 2 of 2/);
  });
});
