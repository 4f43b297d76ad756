// The TLS configuration scan against `openssl s_server`, a real peer configured per case: TLS 1.2
// only, a single suite, the server's own order or the client's, TLS 1.0/1.1 at security level 0,
// ALPN, another certificate without SNI, TLS 1.3 only, named groups (the finite-field ones too);
// SSL 2.0 and SSL 3.0 against a Node peer that still speaks them; OCSP stapling and must-staple
// with Node servers. Misbehaving servers are in tlsScanHostile.test.ts.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { scanTls } from '../../src/engine/tls/scan';
import { checkEndpoint } from '../../src/engine/tls/certCheck';
import { suiteOf } from '../../src/engine/tls/cipherSuites';
import { clientHello, TLS13 } from '../../src/engine/tls/helloCodec';
import { sendHello } from '../../src/engine/tls/helloProbe';
import { keyShareFor, NAMED_GROUPS } from '../../src/engine/tls/namedGroups';
import { forgeCert, forgeIntermediate, mustStapleExt } from '../helpers/badCerts';
import { startLegacyTlsPeer } from '../helpers/legacyTlsPeer';
import { freePort, ocspResponseFor, startSServer } from '../helpers/opensslPeers';
import type { OpensslPeer } from '../helpers/opensslPeers';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';

let pki: TestPki;
const peers: OpensslPeer[] = [];
const servers: tls.Server[] = [];
const closers: (() => Promise<void>)[] = [];

before(async () => {
  pki = await testPki();
});

after(async () => {
  await Promise.all([...peers.map((p) => p.stop()), ...closers.map((c) => c())]);
  for (const s of servers) s.close();
});

async function sserver(args: string[], extra?: Record<string, string>): Promise<number> {
  const peer = await startSServer({ key: pki.rsa.key, cert: pki.rsa.chain, ...(extra ? { extra } : {}) }, args);
  peers.push(peer);
  return peer.port;
}

const scan = (port: number, servername: string | null = 'localhost'): ReturnType<typeof scanTls> => scanTls({ host: '127.0.0.1', port, servername, timeoutMs: 3000, concurrency: 8 });
const supported = (s: Awaited<ReturnType<typeof scanTls>>): string[] => s.protocols.filter((p) => p.supported).map((p) => p.name);
const codes = (s: Awaited<ReturnType<typeof scanTls>>): string[] => s.findings.map((f) => f.code).sort();

describe('scanTls against openssl s_server', () => {
  it('TLS 1.2 only: one version, TLS_NO_TLS13, resumption works, ALPN none', async () => {
    const s = await scan(await sserver(['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384']));
    assert.deepEqual(supported(s), ['TLSv1.2']);
    assert.ok(s.protocols.every((p) => p.tested), JSON.stringify(s.protocols));
    assert.ok(codes(s).includes('TLS_NO_TLS13'));
    assert.deepEqual(s.resumption, [{ protocol: 'TLSv1.2', resumed: true }]);
    assert.deepEqual(s.alpn, []);
    assert.equal(s.grade.grade, 'A');
  });

  it('a single suite: exactly that one', async () => {
    const s = await scan(await sserver(['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384']));
    assert.deepEqual(
      s.ciphers.map((c) => [c.protocol, c.name]),
      [['TLSv1.2', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']],
    );
    assert.deepEqual(s.cipherOrder, []);
  });

  it("the server's order with -serverpref, the client's without", async () => {
    const list = 'AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256';
    const ordered = await scan(await sserver(['-tls1_2', '-serverpref', '-cipher', list]));
    assert.deepEqual(
      ordered.ciphers.map((c) => c.name),
      ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    );
    assert.deepEqual(ordered.cipherOrder, [{ protocol: 'TLSv1.2', serverOrder: true }]);
    assert.ok(codes(ordered).includes('TLS_WEAK_CIPHERS'));
    assert.equal(ordered.grade.grade, 'B');
    const clients = await scan(await sserver(['-tls1_2', '-cipher', list]));
    assert.deepEqual(clients.cipherOrder, [{ protocol: 'TLSv1.2', serverOrder: false }]);
    assert.ok(codes(clients).includes('TLS_NO_SERVER_CIPHER_ORDER'));
  });

  it('TLS 1.0 and 1.1 at security level 0: found, deprecated, grade F when nothing newer', async () => {
    const s = await scan(await sserver(['-no_tls1_2', '-no_tls1_3', '-cipher', 'DEFAULT@SECLEVEL=0']));
    for (const name of ['TLSv1', 'TLSv1.1']) {
      const p = s.protocols.find((x) => x.name === name)!;
      // This OpenSSL can offer both at security level 0; were it built without them, the scan says "not tested".
      assert.ok(p.supported || !p.tested, JSON.stringify(p));
    }
    assert.ok(s.protocols.some((p) => (p.name === 'TLSv1' || p.name === 'TLSv1.1') && p.supported), JSON.stringify(s.protocols));
    assert.ok(codes(s).includes('TLS_DEPRECATED_PROTOCOL_OFFERED'));
    assert.equal(s.grade.grade, 'F');
    assert.ok(s.ciphers.some((c) => c.protocol === 'TLSv1.1'));
  });

  it('TLS 1.3 and 1.2 with ALPN: both versions, TLS 1.3 suites, ALPN in preference order, groups', async () => {
    const s = await scan(await sserver(['-alpn', 'h2,http/1.1']));
    assert.deepEqual(supported(s), ['TLSv1.2', 'TLSv1.3']);
    assert.ok(s.ciphers.filter((c) => c.protocol === 'TLSv1.3').length >= 3);
    assert.deepEqual(s.alpn, ['h2', 'http/1.1']);
    assert.ok(s.groups.includes('X25519') && s.groups.includes('P-256'), s.groups.join());
    assert.ok(s.resumption.some((r) => r.protocol === 'TLSv1.3' && r.resumed), JSON.stringify(s.resumption));
  });

  it('another certificate without SNI: TLS_SNI_DIFFERENT_CERT', async () => {
    const port = await sserver(['-servername', 'localhost', '-cert2', '$DIR/cert2.pem', '-key2', '$DIR/key2.pem'], { 'cert2.pem': pki.p256.chain, 'key2.pem': pki.p256.key });
    const s = await scan(port);
    assert.equal(s.withoutSni?.sameCertificate, false);
    assert.ok(codes(s).includes('TLS_SNI_DIFFERENT_CERT'), codes(s).join());
  });

  it('TLS 1.3 only: its suites, groups and ALPN through HelloRetryRequests and full handshakes', async () => {
    const s = await scan(await sserver(['-tls1_3', '-alpn', 'http/1.1']));
    assert.deepEqual(supported(s), ['TLSv1.3']);
    assert.deepEqual(s.ciphers.map((c) => c.name).sort(), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
    assert.deepEqual(s.alpn, ['http/1.1']);
    assert.deepEqual(s.groupsByProtocol.map((g) => g.protocol), ['TLSv1.3']);
    assert.ok(s.fullHandshakes >= 4, `ALPN and resumption need full handshakes at TLS 1.3 (${s.fullHandshakes})`);
    assert.deepEqual(s.incomplete, []);
  });

  it('named groups by elimination: the finite-field ones at TLS 1.3 (ffdhe6144 and ffdhe8192 too), curves at TLS 1.2', async () => {
    const s = await scan(await sserver(['-groups', 'P-384:ffdhe2048:ffdhe6144:ffdhe8192']));
    assert.deepEqual(s.groupsByProtocol, [
      { protocol: 'TLSv1.3', groups: ['P-384', 'ffdhe2048', 'ffdhe6144', 'ffdhe8192'] },
      { protocol: 'TLSv1.2', groups: ['P-384'] },
    ]);
    assert.deepEqual(s.groups, ['P-384', 'ffdhe2048', 'ffdhe6144', 'ffdhe8192']);
  });

  it('a real key share for every group the scan can make one for is accepted by OpenSSL (the fallback for servers refusing hellos without one)', async () => {
    const port = await sserver(['-tls1_3', '-groups', 'X25519:P-256:P-384:P-521:X448:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192']);
    for (const group of NAMED_GROUPS.filter((g) => g.share && !g.name.startsWith('brainpool'))) {
      const hello = clientHello({ version: TLS13, suites: [0x1301], servername: 'localhost', groups: [group.id], keyShares: [{ group: group.id, key: keyShareFor(group)! }] });
      const reply = await sendHello({ host: '127.0.0.1', port, timeoutMs: 3000 }, hello, 'hello');
      assert.ok(reply.kind === 'tls' && !reply.hello.helloRetry && reply.hello.group === group.id, `${group.name}: ${JSON.stringify(reply)}`);
    }
  });

  it('netdiag cert --scan resolves the name as the check does: a pinned address, or the injected lookup', async () => {
    const port = await sserver(['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384']);
    const base = { trust: pki.trust, timeoutMs: 3000, expiryWarningDays: 21, scan: true };
    const pinned = await checkEndpoint('scan.test', port, 'localhost', { ...base, pinned: { 'scan.test': [{ address: '127.0.0.1', family: 4 }] } });
    assert.deepEqual(pinned.scan?.protocols.filter((p) => p.supported).map((p) => p.name), ['TLSv1.2']);
    const asked: string[] = [];
    const looked = await checkEndpoint('scan.test', port, 'localhost', { ...base, lookup: async (name) => (asked.push(name), [{ address: '127.0.0.1', family: 4 }]) });
    assert.deepEqual(looked.scan?.protocols.filter((p) => p.supported).map((p) => p.name), ['TLSv1.2']);
    assert.ok(asked.every((n) => n === 'scan.test') && asked.length >= 2, asked.join());
  });

  it('a closed port: nothing supported, grade F, no crash', async () => {
    const s = await scan(await freePort());
    assert.deepEqual(supported(s), []);
    assert.equal(s.grade.grade, 'F');
  });
});

describe('SSL 2.0 and SSL 3.0 (a Node peer that still speaks them)', () => {
  const der = (): Buffer => new X509Certificate(pki.rsa.cert).raw;

  it('SSL 2.0 and 3.0 enabled: both found with their suites, TLS_SSL2_ENABLED and TLS_SSL3_ENABLED, grade F', async () => {
    const peer = await startLegacyTlsPeer({ ssl2: [0x0700c0, 0x010080, 0x020080], ssl3: [0x000a, 0x0005, 0x002f], certificate: der() });
    closers.push(() => peer.close());
    const s = await scan(peer.port);
    assert.deepEqual(supported(s), ['SSLv2', 'SSLv3']);
    assert.deepEqual(
      s.ciphers.map((c) => [c.protocol, c.openssl]),
      [
        ['SSLv2', 'DES-CBC3-MD5'],
        ['SSLv2', 'RC4-MD5'],
        ['SSLv2', 'EXP-RC4-MD5'],
        ['SSLv3', 'DES-CBC3-SHA'],
        ['SSLv3', 'RC4-SHA'],
        ['SSLv3', 'AES128-SHA'],
      ],
    );
    assert.deepEqual(s.cipherOrder, [{ protocol: 'SSLv3', serverOrder: true }]);
    // The TLS probes were answered with SSL 3.0: a version the server does not have, said so.
    assert.match(s.protocols.find((p) => p.name === 'TLSv1.2')!.note ?? '', /answered with SSLv3/);
    assert.ok(codes(s).includes('TLS_SSL2_ENABLED') && codes(s).includes('TLS_SSL3_ENABLED'), codes(s).join());
    assert.equal(s.grade.grade, 'F');
    assert.ok(s.ocsp.stapled === false && s.withoutSni === null, 'an SSL 3.0 flight has no SNI to compare');
  });

  it('SSL 3.0 only: no SSL 2.0, the SSL 3.0 suites in the server order', async () => {
    const peer = await startLegacyTlsPeer({ ssl3: [0x0035, 0x000a], certificate: der() });
    closers.push(() => peer.close());
    const s = await scan(peer.port);
    assert.deepEqual(supported(s), ['SSLv3']);
    assert.deepEqual(
      s.ciphers.map((c) => suiteOf(Number(c.id)).name),
      ['TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
    );
    assert.ok(!codes(s).includes('TLS_SSL2_ENABLED') && codes(s).includes('TLS_SSL3_ENABLED'));
  });

  it('netdiag cert --scan of an SSL 3.0-only server: the check cannot shake hands, the scan still reports SSL 3.0', async () => {
    const peer = await startLegacyTlsPeer({ ssl3: [0x002f], certificate: der() });
    closers.push(() => peer.close());
    const check = await checkEndpoint('127.0.0.1', peer.port, 'localhost', { trust: pki.trust, timeoutMs: 3000, expiryWarningDays: 21, scan: true });
    assert.ok(check.error, 'Node cannot speak SSL 3.0');
    assert.deepEqual(check.scan?.protocols.filter((p) => p.supported).map((p) => p.name), ['SSLv3']);
    assert.ok(check.findings.some((f) => f.code === 'TLS_SSL3_ENABLED'), check.findings.map((f) => f.code).join());
  });

  it('a current server: SSL 2.0 and 3.0 tested and refused', async () => {
    const s = await scan(await sserver(['-cipher', 'ALL:@SECLEVEL=0']));
    for (const name of ['SSLv2', 'SSLv3']) {
      const p = s.protocols.find((x) => x.name === name)!;
      assert.deepEqual([p.supported, p.tested], [false, true], JSON.stringify(p));
    }
  });
});

describe('OCSP stapling and must-staple (Node servers)', () => {
  async function serve(options: tls.TlsOptions, staple?: Buffer): Promise<number> {
    const server = tls.createServer(options, (s) => s.on('error', () => undefined));
    if (staple) server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => cb(null, staple));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('a must-staple certificate without a staple: CERT_MUST_STAPLE_MISSING', async () => {
    const leaf = forgeCert(pki, { extra: [{ id: '1.3.6.1.5.5.7.1.24', value: mustStapleExt() }] });
    const s = await scanTls({ host: '127.0.0.1', port: await serve({ key: leaf.key, cert: leaf.cert }), servername: 'localhost', timeoutMs: 3000 });
    assert.deepEqual(s.ocsp, { stapled: false, mustStaple: true });
    assert.ok(s.findings.some((f) => f.code === 'CERT_MUST_STAPLE_MISSING'));
  });

  it('a stapled response from openssl ocsp is read: good', async () => {
    const ca = forgeIntermediate(pki, 'Netdiag Stapling CA');
    const leaf = forgeCert(pki, { issuer: ca, extra: [{ id: '1.3.6.1.5.5.7.1.24', value: mustStapleExt() }] });
    const response = await ocspResponseFor(ca, leaf.cert, new X509Certificate(leaf.cert).serialNumber);
    const port = await serve({ key: leaf.key, cert: leaf.cert + ca.cert }, response);
    const s = await scanTls({ host: '127.0.0.1', port, servername: 'localhost', timeoutMs: 3000, issuer: new X509Certificate(ca.cert) });
    assert.deepEqual(s.ocsp, { stapled: true, mustStaple: true, status: 'good' });
    assert.ok(!s.findings.some((f) => f.code === 'CERT_MUST_STAPLE_MISSING'));
  });
});
