// One loopback TLS server per verdict (the badssl.com cases, offline), checked as `netdiag cert`
// and the Certificates view check them: the chain as the server sent it, the verification, and
// the finding that names the problem. Plus mutual TLS, the AIA download only when asked, and the
// endpoint reached as a diagnosis reaches it (names through the engine's lookup, the proxy choice).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { CertCheck } from '../../src/engine/model/certCheck';
import { checkEndpoint } from '../../src/engine/tls/certCheck';
import type { CertCheckOptions } from '../../src/engine/tls/certCheck';
import { tlsHandshake } from '../../src/engine/tls/handshake';
import { caCycle, forgeCert, forgeIntermediate, rsa8192Key } from '../helpers/badCerts';
import { startSServer } from '../helpers/opensslPeers';
import { testPki } from '../helpers/pki';
import type { ServerCase, TestPki } from '../helpers/pki';
import { startForwardProxy } from '../helpers/proxies';
import { closedPort } from '../helpers/servers';

let pki: TestPki;
const servers: (tls.Server | http.Server)[] = [];

before(async () => {
  pki = await testPki();
});

after(() => {
  for (const s of servers) s.close();
});

async function serve(options: tls.TlsOptions): Promise<number> {
  const server = tls.createServer(options, (s) => {
    s.on('error', () => undefined);
    s.end();
  });
  server.on('tlsClientError', () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const opts = (more: Partial<CertCheckOptions> = {}): CertCheckOptions => ({ trust: pki.trust, timeoutMs: 3000, expiryWarningDays: 21, ...more });
const codes = (c: CertCheck): string[] => c.findings.map((f) => f.code).sort();
const problems = (c: CertCheck): string[] => codes(c).filter((code) => code !== 'CERT_NOT_IN_NODE_ROOTS');
const check = async (options: tls.TlsOptions, more: Partial<CertCheckOptions> = {}, servername = 'localhost'): Promise<CertCheck> => checkEndpoint('127.0.0.1', await serve(options), servername, opts(more));
const chainOf = (c: ServerCase): tls.TlsOptions => ({ key: c.key, cert: c.chain });

describe('a loopback server per verdict', () => {
  it('good: trusted by the extra CA file, chain as sent, path to the root, Node-roots warning', async () => {
    const c = await check(chainOf(pki.rsa));
    assert.deepEqual(codes(c), ['CERT_NOT_IN_NODE_ROOTS']);
    assert.equal(c.verification.trusted, true);
    assert.equal(c.verification.store, 'extra');
    assert.equal(c.sentOrderKnown, true);
    assert.equal(c.chain.length, 2);
    assert.deepEqual(c.path.map((p) => p.store), [null, null, 'extra']);
    assert.match(c.verdict, /^Trusted by an extra CA file, with 1 warning/);
  });

  const cases: [string, () => tls.TlsOptions, string[]][] = [
    ['expired', () => chainOf(pki.expired), ['CERT_EXPIRED']],
    ['not yet valid', () => chainOf(pki.notYetValid), ['CERT_NOT_YET_VALID']],
    ['wrong host', () => chainOf(pki.wrongHost), ['CERT_HOSTNAME_MISMATCH']],
    ['self-signed', () => chainOf(pki.selfSigned), ['CERT_SELF_SIGNED']],
    // A root no store holds: sending it or not makes no difference, so no CERT_CHAIN_HAS_ROOT.
    ['untrusted root (sent along)', () => chainOf(pki.untrustedRoot), ['CERT_UNTRUSTED_ROOT']],
    ['incomplete chain', () => chainOf(pki.incompleteChain), ['CERT_INCOMPLETE_CHAIN']],
    ['reversed chain', () => ({ key: pki.rsa.key, cert: pki.rsa.cert + pki.root.cert + pki.intermediate.cert }), ['CERT_CHAIN_HAS_ROOT', 'CERT_CHAIN_MISORDERED']],
    ['root sent', () => ({ key: pki.rsa.key, cert: pki.rsa.chain + pki.root.cert }), ['CERT_CHAIN_HAS_ROOT']],
    ['no subject', () => forgeCert(pki, { subject: [] }), ['CERT_NO_SUBJECT']],
    ['no common name', () => forgeCert(pki, { subject: [{ name: 'organizationName', value: 'No CN' }] }), ['CERT_NO_COMMON_NAME']],
    ['no SAN', () => forgeCert(pki, { dnsNames: [] }), ['CERT_NO_SAN']],
    ['1000 SANs', () => forgeCert(pki, { dnsNames: ['localhost', ...Array.from({ length: 999 }, (_, i) => `h${i}.example.test`)] }), ['CERT_MANY_NAMES']],
    ['RSA 8192', () => forgeCert(pki, { keyPem: rsa8192Key() }), ['CERT_KEY_LARGE']],
    ['ECC P-256', () => chainOf(pki.p256), []],
    ['ECC P-384', () => chainOf(pki.p384), []],
    ['validity over 398 days', () => forgeCert(pki, { toDays: 600 }), ['CERT_VALIDITY_TOO_LONG']],
    ['leaf without serverAuth', () => forgeCert(pki, { eku: ['clientAuth'] }), ['CERT_NO_SERVER_AUTH']],
    ['leaf with CA:true', () => forgeCert(pki, { ca: true }), ['CERT_LEAF_IS_CA']],
    ['SHA-1 signature', () => ({ ...chainOf(pki.sha1), ciphers: 'DEFAULT:@SECLEVEL=0' }), ['CERT_WEAK_SIGNATURE']],
    ['RSA 1024', () => ({ ...chainOf(pki.rsa1024), ciphers: 'DEFAULT:@SECLEVEL=0' }), ['CERT_WEAK_KEY']],
  ];
  for (const [name, options, expected] of cases) {
    it(`${name}: ${expected.join(', ') || 'no problem'}`, async () => {
      const c = await check(options());
      assert.deepEqual(problems(c), expected, c.verdict);
      assert.ok(c.chain.length > 0);
    });
  }

  it('a CA cycle the server sent whole: CERT_CHAIN_LOOP, never "not sent by the server"', async () => {
    const c = await check(caCycle(pki));
    assert.deepEqual(problems(c), ['CERT_CHAIN_LOOP'], c.verdict);
    assert.equal(c.chain.length, 3);
    const loop = c.findings.find((f) => f.code === 'CERT_CHAIN_LOOP');
    assert.match(loop?.message ?? '', /"Loop CA B" is issued by "Loop CA A", which the server sent too \(certificate 2 of 3\).*goes round in a circle/);
    assert.doesNotMatch(JSON.stringify(c.findings), /not sent/);
  });

  it('a leaf whose issuer is a private root nobody sent: the finding says a chain helps only for an intermediate', async () => {
    const c = await check({ key: pki.untrustedRoot.key, cert: pki.untrustedRoot.cert });
    assert.deepEqual(problems(c), ['CERT_INCOMPLETE_CHAIN']);
    const f = c.findings.find((x) => x.code === 'CERT_INCOMPLETE_CHAIN');
    assert.match(f?.message ?? '', /helps only if it is an intermediate under a root clients trust; if it is itself a private root, clients must add it to their trust instead/);
    assert.match(f?.hint ?? '', /When it is a private root, no chain helps/);
  });

  it('10000 SANs: Node refuses the Certificate message, the TLS 1.2 hello still reads it: CERT_TOO_LARGE', async () => {
    const big = forgeCert(pki, { dnsNames: ['localhost', ...Array.from({ length: 9999 }, (_, i) => `h${i}.example.test`)] });
    const c = await check(big);
    assert.ok(codes(c).includes('CERT_TOO_LARGE'), codes(c).join());
    assert.ok(codes(c).includes('TLS_HANDSHAKE_FAILED'), codes(c).join());
    assert.equal(c.chain[0]?.subjectAltNames.length, 10000);
  });

  it('TLS 1.3 only: the order comes from Node, and says so', async () => {
    const c = await check({ ...chainOf(pki.rsa), minVersion: 'TLSv1.3' });
    assert.equal(c.sentOrderKnown, false);
    assert.deepEqual(problems(c), []);
    assert.equal(c.tls?.protocol, 'TLSv1.3');
  });
});

describe('mutual TLS', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netdiag-mtls-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const mtls = (more: tls.TlsOptions = {}): tls.TlsOptions => ({ ...chainOf(pki.rsa), requestCert: true, rejectUnauthorized: true, ca: [pki.root.cert], ...more });

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${version}: a server that asks and gets none: TLS_CLIENT_CERT_REQUIRED`, async () => {
      const c = await check(mtls({ maxVersion: version }));
      assert.ok(codes(c).includes('TLS_CLIENT_CERT_REQUIRED'), codes(c).join());
      assert.equal(c.clientCertificate?.requested, true);
      assert.equal(c.clientCertificate?.sent, false);
      assert.equal(c.chain.length, 2, 'the server chain is still shown');
    });
  }

  it('with a PEM client certificate: accepted, no finding', async () => {
    const c = await check(mtls(), { clientCertificate: { cert: pki.rsa.chain, key: pki.rsa.key } });
    assert.deepEqual(problems(c), []);
    assert.equal(c.clientCertificate?.sent, true);
  });

  it('with a PKCS#12 client certificate and its password: accepted', async () => {
    await writeFile(join(dir, 'c.pem'), pki.rsa.chain);
    await writeFile(join(dir, 'k.pem'), pki.rsa.key);
    await promisify(execFile)('openssl', ['pkcs12', '-export', '-in', join(dir, 'c.pem'), '-inkey', join(dir, 'k.pem'), '-out', join(dir, 'c.p12'), '-passout', 'pass:pw'], { env: { ...process.env, OPENSSL_CONF: '/dev/null' } });
    const c = await check(mtls(), { clientCertificate: { pfx: await readFile(join(dir, 'c.p12')), passphrase: 'pw' } });
    assert.deepEqual(problems(c), []);
  });

  it('TLS 1.2: a client certificate the server does not trust is refused, and said so', async () => {
    const c = await check(mtls({ maxVersion: 'TLSv1.2', ca: [pki.otherRoot.cert] }), { clientCertificate: { cert: pki.rsa.chain, key: pki.rsa.key } });
    assert.match(c.findings.find((f) => f.code === 'TLS_HANDSHAKE_FAILED')?.message ?? '', /refused the client certificate/, codes(c).join());
  });

  // Node's own TLS 1.3 server hangs up without an alert after refusing a client; OpenSSL's sends
  // one after the client's Finished (RFC 8446 §4.4.2), which the check reads after the handshake.
  it('TLS 1.3 (openssl s_server -Verify): a refused client certificate is said so', async () => {
    const peer = await startSServer({ key: pki.rsa.key, cert: pki.rsa.chain, extra: { 'ca.pem': pki.otherRoot.cert } }, ['-tls1_3', '-Verify', '1', '-verify_return_error', '-CAfile', '$DIR/ca.pem']);
    try {
      const c = await checkEndpoint('127.0.0.1', peer.port, 'localhost', opts({ clientCertificate: { cert: pki.rsa.chain, key: pki.rsa.key } }));
      assert.match(c.findings.find((f) => f.code === 'TLS_HANDSHAKE_FAILED')?.message ?? '', /refused the client certificate/, codes(c).join());
      const none = await checkEndpoint('127.0.0.1', peer.port, 'localhost', opts());
      assert.ok(codes(none).includes('TLS_CLIENT_CERT_REQUIRED'), codes(none).join());
    } finally {
      await peer.stop();
    }
  });

  it('the Diagnose Endpoint handshake sends the client certificate too', async () => {
    const port = await serve(mtls({ maxVersion: 'TLSv1.2' }));
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const out = await tlsHandshake(socket, { servername: 'localhost', alpn: [], trust: pki.trust, timeoutMs: 3000, now: () => performance.now(), expiryWarningDays: 21, host: 'localhost', clientCertificate: { cert: pki.rsa.chain, key: pki.rsa.key } });
    out.socket?.destroy();
    const { result } = out.describe();
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.protocol, 'TLSv1.2');
  });

  it('a server that asks but does not insist: TLS_CLIENT_CERT_REQUESTED (info)', async () => {
    const c = await check(mtls({ rejectUnauthorized: false }));
    assert.deepEqual(problems(c), ['TLS_CLIENT_CERT_REQUESTED']);
  });
});

describe('the missing intermediate from the AIA caIssuers URL', () => {
  it('is downloaded only when asked, and then named', async () => {
    let requests = 0;
    const inter = forgeIntermediate(pki, 'Netdiag AIA Intermediate');
    const web = http.createServer((_req, res) => {
      requests++;
      res.end(new X509Certificate(inter.cert).raw);
    });
    servers.push(web);
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/inter.der`;
    const leaf = forgeCert(pki, { issuer: inter, caIssuersUrl: url });
    const port = await serve({ key: leaf.key, cert: leaf.cert });

    const plain = await checkEndpoint('127.0.0.1', port, 'localhost', opts());
    assert.ok(codes(plain).includes('CERT_INCOMPLETE_CHAIN'));
    assert.match(plain.findings.find((f) => f.code === 'CERT_INCOMPLETE_CHAIN')!.message, new RegExp(url.replace(/\./g, '\\.')));
    assert.equal(requests, 0, 'nothing is fetched unless asked');

    const fetched = await checkEndpoint('127.0.0.1', port, 'localhost', opts({ fetchMissingIssuer: true }));
    assert.equal(requests, 1);
    assert.equal(fetched.fetchedIssuer?.url, url);
    assert.match(fetched.fetchedIssuer?.certificate?.subject ?? '', /Netdiag AIA Intermediate/);
    assert.match(fetched.findings.find((f) => f.code === 'CERT_INCOMPLETE_CHAIN')!.message, /Downloaded .*Netdiag AIA Intermediate.*reaches the extra store/);
  });
});

describe('how the endpoint is reached: the same hop as a diagnosis', () => {
  it('a name goes through --resolve or the injected lookup, and one that does not resolve is DNS_LOOKUP_FAILED', async () => {
    const port = await serve(chainOf(pki.rsa));
    const pinned = await checkEndpoint('cert.test', port, 'localhost', opts({ pinned: { 'cert.test': [{ address: '127.0.0.1', family: 4 }] } }));
    assert.equal(pinned.verification.trusted, true, pinned.verdict);
    const looked = await checkEndpoint('cert.test', port, 'localhost', opts({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] }));
    assert.equal(looked.chain.length, 2, looked.verdict);
    const gone = await checkEndpoint('gone.test', port, null, opts({ lookup: async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND gone.test'), { code: 'ENOTFOUND' })) }));
    assert.deepEqual(codes(gone), ['DNS_LOOKUP_FAILED']);
    assert.equal(gone.error?.code, 'ENOTFOUND');
    assert.match(gone.verdict, /gone\.test does not resolve/);
  });

  it('a refused port is TCP_REFUSED, said as a diagnosis says it', async () => {
    const c = await checkEndpoint('127.0.0.1', await closedPort(), 'localhost', opts());
    assert.deepEqual(codes(c), ['TCP_REFUSED']);
    assert.match(c.verdict, /refused: nothing listens on 127\.0\.0\.1:\d+/);
  });

  it('through the proxy chosen as for a diagnosis of https://host:port: a CONNECT tunnel, the same chain', async () => {
    const port = await serve(chainOf(pki.rsa));
    const proxy = await startForwardProxy();
    try {
      const c = await checkEndpoint('localhost', port, 'localhost', opts({ proxy: { env: { HTTPS_PROXY: proxy.url } }, pinned: { localhost: [{ address: '127.0.0.1', family: 4 }] } }));
      assert.ok(proxy.seen.includes(`localhost:${port}`), proxy.seen.join(', '));
      assert.equal(c.verification.trusted, true, c.verdict);
      assert.equal(c.chain.length, 2);
      const direct = await checkEndpoint('localhost', port, 'localhost', opts({ proxy: { env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' } } }));
      assert.equal(direct.verification.trusted, true, direct.verdict);
      assert.equal(proxy.seen.filter((s) => s === `localhost:${port}`).length, 1, 'NO_PROXY keeps it direct');
    } finally {
      await proxy.close();
    }
  });
});
