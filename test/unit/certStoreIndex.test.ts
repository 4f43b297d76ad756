// The store index behind verifyChain: candidates found from the DER alone, X509Certificate only
// for them, and the same verdicts as parsing every store certificate.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { promisify } from 'node:util';
import type { TrustStores } from '../../src/engine/options';
import { nameKeys, pemToDer } from '../../src/engine/tls/derNames';
import { parsedStoreCertificates, storeHolding } from '../../src/engine/tls/storeIndex';
import { trustPath, verifyChain } from '../../src/engine/tls/verify';
import { testPki } from '../helpers/pki';
import type { ServerCase, TestPki } from '../helpers/pki';

const run = promisify(execFile);
const opts = { expiryWarningDays: 21 };

let pki: TestPki;
let now: number;
let dir: string;
/** Same name as pki.root, another key: a candidate that must be rejected. */
let impostor: string;
/** pki.root's key and name, the name encoded as PrintableString instead of UTF8String. */
let printableRoot: string;

before(async () => {
  pki = await testPki();
  dir = await mkdtemp(join(tmpdir(), 'netdiag-store-index-'));
  const subject = '/O=Netdiag Test/CN=Netdiag Test Root CA';
  const config = join(dir, 'req.cnf');
  await writeFile(config, '[req]\ndistinguished_name=dn\nstring_mask=nombstr\nx509_extensions=v3\n[dn]\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  await writeFile(join(dir, 'root.key'), pki.root.key);
  const req = ['req', '-x509', '-new', '-subj', subject, '-days', '30', '-config', config];
  impostor = (await run('openssl', [...req, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'other.key')])).stdout;
  printableRoot = (await run('openssl', [...req, '-key', join(dir, 'root.key')])).stdout;
  // After openssl made them: their notBefore is the second openssl started in, which a clock read
  // before it could precede (CERT_NOT_YET_VALID by less than a second).
  now = Date.now();
});
after(() => rm(dir, { recursive: true, force: true }));

const sent = (c: ServerCase): X509Certificate[] => c.chain.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((pem) => new X509Certificate(pem));
/** `n` real roots unrelated to the test PKI (Node's bundled ones, repeated as needed). */
const crowd = (n = 500): string[] => Array.from({ length: n }, (_, i) => tls.rootCertificates[i % tls.rootCertificates.length] ?? '');

describe('trust store index', () => {
  it('verifies every case alike in a store of ~500 unrelated certificates, parsing only candidates', () => {
    for (const c of [pki.rsa, pki.p256, pki.expired, pki.wrongHost, pki.selfSigned, pki.untrustedRoot, pki.incompleteChain, pki.sha1RootLeaf]) {
      const big: TrustStores = { node: crowd(200), os: crowd(150).reverse(), extra: [...crowd(150), pki.root.cert] };
      const expected = verifyChain(sent(c), 'localhost', pki.trust, now, opts);
      assert.deepEqual(verifyChain(sent(c), 'localhost', big, now, opts), expected, c.subject);
      assert.deepEqual(trustPath(sent(c), big).map((x) => x.fingerprint256), trustPath(sent(c), pki.trust).map((x) => x.fingerprint256));
      // At most the test root itself: no real root has the name of a test certificate.
      assert.ok(parsedStoreCertificates(big) <= 1, `${c.subject}: parsed ${parsedStoreCertificates(big)}`);
    }
  });

  it('parses a same-named candidate but anchors only where the signature checks, in store order', () => {
    const stores: TrustStores = { node: [...crowd(), impostor], os: [], extra: [pki.root.cert] };
    const { verification, findings } = verifyChain(sent(pki.rsa), 'localhost', stores, now, opts);
    assert.deepEqual(findings, []);
    assert.equal(verification.store, 'extra');
    assert.equal(parsedStoreCertificates(stores), 2);
    assert.equal(verifyChain(sent(pki.rsa), 'localhost', { node: [impostor], os: [], extra: [] }, now, opts).verification.store, null);
  });

  it('finds an issuer whose name is encoded with other string types but prints alike', () => {
    const utf8 = pemToDer(pki.root.cert);
    const printable = pemToDer(printableRoot);
    assert.ok(utf8 && printable);
    // The test means something only if the encodings differ while Node prints the names alike.
    assert.notEqual(utf8.indexOf(Buffer.from([0x0c, 0x14])), -1, 'pki.root: CN as UTF8String');
    assert.equal(printable.indexOf(Buffer.from([0x0c, 0x14])), -1, 'printableRoot: no UTF8String of that length');
    assert.equal(new X509Certificate(printableRoot).subject, new X509Certificate(pki.root.cert).subject);
    const stores: TrustStores = { node: crowd(), os: [printableRoot], extra: [] };
    const { verification, findings } = verifyChain(sent(pki.rsa), 'localhost', stores, now, opts);
    assert.deepEqual(findings, []);
    assert.deepEqual(verification, { trusted: true, store: 'os', hostnameMatches: true, errors: [] });
  });

  it('storeHolding: the first store holding the exact certificate, whatever the PEM line breaks', () => {
    const root = new X509Certificate(pki.root.cert);
    const rewrapped = pki.root.cert.replace(/\n(?!-)/g, '\r\n');
    assert.equal(storeHolding(root, { node: crowd(), os: [rewrapped], extra: [pki.root.cert] }), 'os');
    assert.equal(storeHolding(root, { node: crowd(), os: [printableRoot], extra: [] }), null);
    assert.equal(storeHolding(new X509Certificate(tls.rootCertificates[5] ?? ''), { node: [], os: crowd(), extra: [] }), 'os');
  });

  it('skips store entries that do not decode, as before', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    const lines = pki.root.cert.split('\n');
    const truncated = [...lines.slice(0, 3), ...lines.slice(4)].join('\n');
    assert.notEqual(truncated, pki.root.cert);
    const stores: TrustStores = { node: [broken, truncated, 'no PEM at all'], os: [], extra: [pki.root.cert] };
    assert.equal(verifyChain(sent(pki.rsa), 'localhost', stores, now, opts).verification.store, 'extra');
  });
});

describe('pemToDer and nameKeys', () => {
  it('decode the first certificate block, without what follows it', async () => {
    const der = pemToDer(`${pki.root.cert}${pki.intermediate.cert}`);
    assert.deepEqual(der, new X509Certificate(pki.root.cert).raw);
    assert.equal(pemToDer('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'), null);
    assert.equal(pemToDer(await readFile(join(dir, 'root.key'), 'utf8')), null);
  });

  it('key issuer and subject by their printed text', () => {
    const leaf = nameKeys(new X509Certificate(pki.rsa.cert).raw);
    const intermediate = nameKeys(new X509Certificate(pki.intermediate.cert).raw);
    const root = nameKeys(new X509Certificate(pki.root.cert).raw);
    assert.ok(leaf && intermediate && root);
    assert.equal(leaf.issuer, intermediate.subject);
    assert.equal(intermediate.issuer, root.subject);
    assert.equal(root.issuer, root.subject);
    assert.notEqual(leaf.subject, leaf.issuer);
    assert.equal(nameKeys(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])), null);
  });

  it('decode BMPString and UniversalString values to the same text as UTF8String', () => {
    const text = 'Ünïcødé Root';
    const bmp = Buffer.alloc(text.length * 2);
    const universal = Buffer.alloc(text.length * 4);
    [...text].forEach((ch, i) => {
      bmp.writeUInt16BE(ch.codePointAt(0) ?? 0, i * 2);
      universal.writeUInt32BE(ch.codePointAt(0) ?? 0, i * 4);
    });
    const keyOf = (tag: number, value: Buffer): string | undefined => nameKeys(certWithSubject(tag, value))?.subject;
    const utf8Key = keyOf(0x0c, Buffer.from(text, 'utf8'));
    assert.ok(utf8Key?.includes(text));
    assert.equal(keyOf(0x1e, bmp), utf8Key);
    assert.equal(keyOf(0x1c, universal), utf8Key);
    assert.equal(keyOf(0x14, Buffer.from(text, 'latin1')), utf8Key);
    assert.notEqual(keyOf(0x0c, Buffer.from('Other Root', 'utf8')), utf8Key);
  });
});

/** DER tag-length-value with a short or long-form length. */
function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

/** A certificate skeleton: only the TBSCertificate fields up to the subject are real. */
function certWithSubject(tag: number, value: Buffer): Buffer {
  const cn = tlv(0x06, Buffer.from([0x55, 0x04, 0x03]));
  const name = tlv(0x30, tlv(0x31, tlv(0x30, cn, tlv(tag, value))));
  const issuer = tlv(0x30, tlv(0x31, tlv(0x30, cn, tlv(0x0c, Buffer.from('Issuer')))));
  const algorithm = tlv(0x30, tlv(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));
  const validity = tlv(0x30, tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('350101000000Z')));
  const tbs = tlv(0x30, tlv(0xa0, tlv(0x02, Buffer.from([2]))), tlv(0x02, Buffer.from([1])), algorithm, issuer, validity, name);
  return tlv(0x30, tbs, algorithm, tlv(0x03, Buffer.from([0])));
}
