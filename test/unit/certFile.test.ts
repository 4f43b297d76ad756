// Certificate files: PEM bundles (with a key), DER, PKCS#7 (DER and PEM) and PKCS#12 (right,
// wrong and missing password), and what a file check says about them. The files are made by the
// openssl CLI from the test PKI, so they are what real tools write.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CertParseError } from '../../src/engine/tls/certificate';
import { checkFile } from '../../src/engine/tls/certCheck';
import { CertPasswordError, certFileTooLarge, isPkcs12, MAX_CERT_FILE_BYTES, readCertFile } from '../../src/engine/tls/certFile';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';

const run = promisify(execFile);
const PASSWORD = 'correct horse';

let pki: TestPki;
let dir: string;
const file = (name: string): string => join(dir, name);
const bytes = (name: string): Promise<Buffer> => readFile(file(name));

before(async () => {
  pki = await testPki();
  dir = await mkdtemp(join(tmpdir(), 'netdiag-certfile-'));
  await Promise.all([
    writeFile(file('leaf.pem'), pki.p256.cert),
    writeFile(file('leaf.key'), pki.p256.key),
    writeFile(file('chain.pem'), pki.p256.chain),
    writeFile(file('bundle.pem'), `${pki.p256.chain}${pki.p256.key}`),
    writeFile(file('wrongkey.pem'), `${pki.p256.cert}${pki.rsa.key}`),
    writeFile(file('reversed.pem'), `${pki.intermediate.cert}${pki.p256.cert}`),
    writeFile(file('root.pem'), pki.root.cert),
  ]);
  await Promise.all([
    run('openssl', ['x509', '-in', file('leaf.pem'), '-outform', 'DER', '-out', file('leaf.der')]),
    run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', file('chain.pem'), '-outform', 'DER', '-out', file('chain.p7b')]),
    run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', file('chain.pem'), '-out', file('chain-pem.p7b')]),
    run('openssl', ['pkcs12', '-export', '-in', file('leaf.pem'), '-inkey', file('leaf.key'), '-certfile', file('chain.pem'), '-out', file('ec.p12'), '-passout', `pass:${PASSWORD}`]),
    writeFile(file('rsa.key'), pki.rsa.key).then(() => writeFile(file('rsa.pem'), pki.rsa.chain)).then(() =>
      run('openssl', ['pkcs12', '-export', '-in', file('rsa.pem'), '-inkey', file('rsa.key'), '-out', file('rsa.pfx'), '-passout', `pass:${PASSWORD}`]),
    ),
  ]);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = (): { trust: TestPki['trust']; timeoutMs: number; expiryWarningDays: number } => ({ trust: pki.trust, timeoutMs: 1000, expiryWarningDays: 21 });

describe('readCertFile', () => {
  it('reads a PEM bundle in file order and names its key without showing it', async () => {
    const f = readCertFile(await bytes('bundle.pem'));
    assert.equal(f.format, 'pem');
    assert.deepEqual(f.certificates.map((c) => c.fingerprint256), [pki.p256.cert, pki.intermediate.cert].map((p) => new X509Certificate(p).fingerprint256));
    assert.deepEqual(f.privateKeys, [{ where: 'PEM block 3 (PRIVATE KEY)', description: 'ec prime256v1', matchesLeaf: true }]);
  });

  it('says when the key in the file is not the first certificate\'s', async () => {
    assert.equal(readCertFile(await bytes('wrongkey.pem')).privateKeys[0]?.matchesLeaf, false);
  });

  it('reads DER, PKCS#7 in DER and in PEM', async () => {
    assert.equal(readCertFile(await bytes('leaf.der')).format, 'der');
    for (const name of ['chain.p7b', 'chain-pem.p7b']) {
      const f = readCertFile(await bytes(name));
      assert.equal(f.format, 'pkcs7', name);
      assert.equal(f.certificates.length, 2, name);
    }
  });

  it('reads PKCS#12 (EC and RSA) with the password: leaf first, key named and matched', async () => {
    for (const name of ['ec.p12', 'rsa.pfx']) {
      const raw = await bytes(name);
      assert.ok(isPkcs12(raw));
      const f = readCertFile(raw, PASSWORD);
      assert.equal(f.format, 'pkcs12');
      assert.match(f.certificates[0]!.subject, /CN=localhost/);
      assert.equal(f.privateKeys.length, 1);
      assert.equal(f.privateKeys[0]!.matchesLeaf, true);
    }
  });

  it('asks for a PKCS#12 password, and says when it is wrong, never echoing it', async () => {
    const raw = await bytes('ec.p12');
    assert.throws(() => readCertFile(raw), (err: unknown) => err instanceof CertPasswordError && !err.wrong);
    assert.throws(() => readCertFile(raw, 'guess'), (err: unknown) => err instanceof CertPasswordError && err.wrong && !err.message.includes('guess'));
  });

  it('refuses to parse more than MAX_CERT_FILE_BYTES, and says the size', () => {
    const big = Buffer.alloc(MAX_CERT_FILE_BYTES + 1, 0x41);
    assert.throws(() => readCertFile(big), (err: unknown) => err instanceof CertParseError && /10\.0 MiB \(10485761 bytes\), larger than the 10 MiB a certificate file can be/.test(err.message));
    assert.equal(certFileTooLarge('x.pem', MAX_CERT_FILE_BYTES), null);
  });

  it('rejects what is no certificate with CertParseError', () => {
    for (const input of [Buffer.alloc(0), Buffer.from('hello'), Buffer.from('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x03])]) {
      assert.throws(() => readCertFile(input), CertParseError);
    }
  });
});

describe('checkFile', () => {
  it('verifies a chain file against the stores without a host, and never puts the key in the result', async () => {
    const check = await checkFile(await bytes('bundle.pem'), 'bundle.pem', base());
    assert.equal(check.verification.store, 'extra');
    assert.deepEqual(check.findings.map((f) => f.code), ['CERT_NOT_IN_NODE_ROOTS']);
    assert.equal(check.path.length, 3);
    assert.equal(check.path[2]!.store, 'extra');
    const json = JSON.stringify(check);
    const keyBody = pki.p256.key.split('\n')[1]!;
    assert.ok(!json.includes(keyBody), 'the private key must not appear in the check');
  });

  it('matches a host when one is given', async () => {
    const check = await checkFile(await bytes('chain.pem'), 'chain.pem', { ...base(), host: 'other.test' });
    assert.ok(check.findings.some((f) => f.code === 'CERT_HOSTNAME_MISMATCH'));
  });

  it('says a bundle is in the wrong order', async () => {
    const check = await checkFile(await bytes('reversed.pem'), 'reversed.pem', base());
    assert.ok(check.findings.some((f) => f.code === 'CERT_CHAIN_MISORDERED'), JSON.stringify(check.findings));
  });

  it('shows a CA certificate file without server-certificate verdicts', async () => {
    const check = await checkFile(await bytes('root.pem'), 'root.pem', base());
    assert.deepEqual(check.findings.map((f) => f.code), ['CERT_NOT_IN_NODE_ROOTS']);
    assert.equal(check.chain[0]!.isCA, true);
  });

  it('a self-signed file is said to hold, not to be sent', async () => {
    await writeFile(file('self.pem'), pki.selfSigned.cert);
    const check = await checkFile(await bytes('self.pem'), 'self.pem', base());
    assert.match(check.verdict, /^The file holds a self-signed certificate/);
  });
});
