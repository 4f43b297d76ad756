// `netdiag cert` as a user runs it (the built dist/cli.js): a file, a PKCS#12 file with
// --password-env, an endpoint, --scan, and the JSON names docs/report.md promises.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';
import { runCli } from '../helpers/cli';



let pki: TestPki;
let dir: string;
let server: tls.Server;
let endpoint: string;

before(async () => {
  pki = await testPki();
  dir = await mkdtemp(join(tmpdir(), 'netdiag-certcli-'));
  await Promise.all([writeFile(join(dir, 'chain.pem'), pki.rsa.chain), writeFile(join(dir, 'key.pem'), pki.rsa.key), writeFile(join(dir, 'root.pem'), pki.root.cert), writeFile(join(dir, 'expired.pem'), pki.expired.chain)]);
  await promisify(execFile)('openssl', ['pkcs12', '-export', '-in', join(dir, 'chain.pem'), '-inkey', join(dir, 'key.pem'), '-out', join(dir, 'id.p12'), '-passout', 'pass:s3cret'], { env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
  server = tls.createServer({ key: pki.rsa.key, cert: pki.rsa.chain, ALPNProtocols: ['h2', 'http/1.1'] }, (s) => s.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('netdiag cert', () => {
  it('a PEM file with --ca: JSON with chain[], verification{trusted, store, errors[]}, findings[]; exit 0', async () => {
    const r = await runCli(['cert', join(dir, 'chain.pem'), '--ca', join(dir, 'root.pem'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { chain: { subject: string; pem: string }[]; verification: { trusted: boolean; store: string; errors: string[] }; findings: { code: string }[] };
    assert.equal(out.chain.length, 2);
    assert.match(out.chain[0]!.subject, /CN=localhost/);
    assert.equal(out.verification.trusted, true);
    assert.equal(out.verification.store, 'extra');
    assert.ok(Array.isArray(out.verification.errors));
    assert.deepEqual(out.findings.map((f) => f.code), ['CERT_NOT_IN_NODE_ROOTS']);
  });

  it('an expired chain: exit 1 and the verdict in words', async () => {
    const r = await runCli(['cert', join(dir, 'expired.pem'), '--ca', join(dir, 'root.pem')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✖ The server certificate "localhost" expired on/);
    assert.match(r.stdout, /CERT_EXPIRED/);
  });

  it('PKCS#12: the password only from --password-env, never echoed; a missing one is exit 2', async () => {
    const missing = await runCli(['cert', join(dir, 'id.p12')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs a password; give it with --password-env VAR/);
    const wrong = await runCli(['cert', join(dir, 'id.p12'), '--password-env', 'P12PW'], { env: { P12PW: 'nope' } });
    assert.equal(wrong.code, 2);
    assert.ok(!wrong.stderr.includes('nope'));
    const ok = await runCli(['cert', join(dir, 'id.p12'), '--password-env', 'P12PW', '--ca', join(dir, 'root.pem'), '--json'], { env: { P12PW: 's3cret' } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(!ok.stdout.includes('s3cret'));
    const out = JSON.parse(ok.stdout) as { source: { format: string }; privateKeys: { description: string; matchesLeaf: boolean }[] };
    assert.equal(out.source.format, 'pkcs12');
    assert.deepEqual(out.privateKeys.map((k) => [k.description, k.matchesLeaf]), [['rsa 2048', true]]);
    assert.ok(!ok.stdout.includes(pki.rsa.key.split('\n')[1]!), 'the private key is never printed');
  });

  it('an endpoint with --scan --json: scan{protocols[{name, supported, tested}], ciphers[{protocol, name}], alpn[]}', async () => {
    const r = await runCli(['cert', endpoint, '--servername', 'localhost', '--ca', join(dir, 'root.pem'), '--scan', '--json', '--timeout', '3000']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { chain: unknown[]; scan: { protocols: { name: string; supported: boolean; tested: boolean }[]; ciphers: { protocol: string; name: string }[]; alpn: string[] } };
    assert.equal(out.chain.length, 2);
    assert.deepEqual(out.scan.protocols.map((p) => p.name), ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    assert.deepEqual(out.scan.protocols.filter((p) => p.supported).map((p) => p.name), ['TLSv1.2', 'TLSv1.3']);
    assert.ok(out.scan.protocols.every((p) => typeof p.tested === 'boolean'));
    assert.ok(out.scan.ciphers.some((c) => c.protocol === 'TLSv1.3' && c.name === 'TLS_AES_256_GCM_SHA384'));
    assert.deepEqual(out.scan.alpn, ['h2', 'http/1.1']);
  });

  it('an endpoint as text: the verdict, the chain and the scan table', async () => {
    const r = await runCli(['cert', `https://${endpoint}/`, '--servername', 'localhost', '--ca', join(dir, 'root.pem'), '--scan']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✔ Trusted by an extra CA file/);
    assert.match(r.stdout, /Path to the trust anchor/);
    assert.match(r.stdout, /TLS configuration: grade [A-F]/);
    assert.match(r.stdout, /TLSv1\.3 suites/);
  });

  it('usage errors are exit 2', async () => {
    assert.equal((await runCli(['cert'])).code, 2);
    assert.equal((await runCli(['cert', join(dir, 'chain.pem'), '--scan'])).code, 2);
    assert.equal((await runCli(['cert', endpoint, '--cert', join(dir, 'chain.pem')])).code, 2);
  });
});
