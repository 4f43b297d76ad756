// tlsHandshake against real loopback servers, one per certificate case.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { tlsHandshake } from '../../src/engine/tls/handshake';
import type { TlsHandshakeOptions, TlsHandshakeOutcome } from '../../src/engine/tls/handshake';
import { serverOptions, testPki } from '../helpers/pki';
import type { ServerCase, TestPki } from '../helpers/pki';

let pki: TestPki;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  pki = await testPki();
});
after(async () => {
  await Promise.all(closers.map((close) => close()));
});

interface Started {
  port: number;
  /** SNI each accepted TLS connection carried (false when none). */
  servernames: (string | false | null)[];
}

/** Starts `server` on 127.0.0.1:0 and closes it (and its connections) after the file. */
async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A TLS echo server. */
async function tlsServer(options: tls.TlsOptions, host?: string): Promise<Started> {
  const servernames: (string | false | null)[] = [];
  const server = tls.createServer(options, (s) => {
    servernames.push(s.servername);
    s.on('error', () => undefined);
    s.pipe(s);
  });
  server.on('tlsClientError', () => undefined);
  return { port: await listen(server, host), servernames };
}

const caseServer = (c: ServerCase, extra: tls.TlsOptions = {}): Promise<Started> => tlsServer({ ...serverOptions(c), ALPNProtocols: ['h2', 'http/1.1'], ...extra });

async function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** The outcome with its description (TlsHandshakeOutcome.describe) read at once. */
type Described = TlsHandshakeOutcome & ReturnType<TlsHandshakeOutcome['describe']>;

async function handshake(port: number, over: Partial<TlsHandshakeOptions> = {}, connectHost = '127.0.0.1'): Promise<Described & { raw: net.Socket }> {
  const raw = await connect(port, connectHost);
  const out = await tlsHandshake(raw, {
    servername: 'localhost',
    alpn: ['h2', 'http/1.1'],
    trust: pki.trust,
    timeoutMs: 2000,
    now: () => performance.now(),
    expiryWarningDays: 21,
    host: 'localhost',
    ...over,
  });
  if (out.socket) closers.push(async () => void out.socket?.destroy());
  return { ...out, ...out.describe(), raw };
}

/** Sends `ping` over the returned socket and reads the echo. */
async function echo(out: TlsHandshakeOutcome): Promise<string> {
  const socket = out.socket;
  assert.ok(socket, 'the handshake returned its socket');
  const echoed = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
  socket.write('ping');
  return echoed;
}

const codes = (out: Described): string[] => out.findings.map((f) => f.code).sort();

describe('tlsHandshake', () => {
  it('a good chain: negotiated parameters, authorized via the extra store, socket reusable', async () => {
    const server = await caseServer(pki.rsa);
    const out = await handshake(server.port);
    assert.deepEqual(out.findings, []);
    const r = out.result;
    assert.equal(r.error, undefined);
    assert.equal(r.servername, 'localhost');
    assert.equal(r.protocol, 'TLSv1.3');
    assert.match(r.cipher ?? '', /^TLS_AES_|^TLS_CHACHA20_/);
    assert.equal(r.keyExchange, 'X25519');
    assert.equal(r.alpn, 'h2');
    assert.equal(r.authorized, true);
    assert.equal(r.authorizationError, undefined);
    assert.deepEqual(r.verification, { trusted: true, store: 'extra', hostnameMatches: true, errors: [] });
    // What the server sent (leaf + intermediate), not the root Node appends from its store.
    assert.deepEqual(r.chain.map((c) => c.subject), ['CN=localhost, O=Netdiag Test', 'CN=Netdiag Test Intermediate CA, O=Netdiag Test']);
    assert.deepEqual(r.chain.map((c) => c.problems), [[], []]);
    assert.ok(r.durationMs > 0 && r.durationMs < 2000);
    assert.doesNotThrow(() => JSON.stringify(r));

    assert.equal(await echo(out), 'ping');
    assert.deepEqual(server.servernames, ['localhost']);
  });

  it('describes the session the same when asked after the socket has closed (the request goes out first)', async () => {
    const server = await caseServer(pki.rsa);
    const raw = await connect(server.port);
    const out = await tlsHandshake(raw, { servername: 'localhost', alpn: ['h2', 'http/1.1'], trust: pki.trust, timeoutMs: 2000, now: () => performance.now(), expiryWarningDays: 21, host: 'localhost' });
    assert.ok(out.socket);
    assert.equal(out.alpn, 'h2');
    out.socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(out.socket.getProtocol(), null, 'a closed socket no longer says what it negotiated');
    const { result, findings } = out.describe();
    assert.deepEqual(findings, []);
    assert.equal(result.protocol, 'TLSv1.3');
    assert.match(result.cipher ?? '', /^TLS_AES_|^TLS_CHACHA20_/);
    assert.equal(result.keyExchange, 'X25519');
    assert.equal(result.alpn, 'h2');
    assert.equal(result.authorized, true);
    assert.equal(result.durationMs, out.durationMs);
    assert.deepEqual(result.chain.map((c) => c.subject), ['CN=localhost, O=Netdiag Test', 'CN=Netdiag Test Intermediate CA, O=Netdiag Test']);
    assert.equal(out.describe(), out.describe(), 'described once');
  });

  it('negotiates http/1.1 when the server offers only that (EC P-256 leaf)', async () => {
    const server = await tlsServer({ ...serverOptions(pki.p256), ALPNProtocols: ['http/1.1'] });
    const out = await handshake(server.port);
    assert.equal(out.result.alpn, 'http/1.1');
    assert.equal(out.result.chain[0]?.publicKey.curve, 'P-256');
    assert.deepEqual(out.findings, []);
  });

  it('reports no ALPN when none is offered (Ed25519 leaf)', async () => {
    const server = await tlsServer(serverOptions(pki.ed25519));
    const out = await handshake(server.port, { alpn: [] });
    assert.equal(out.result.alpn, null);
    assert.equal(out.result.chain[0]?.publicKey.type, 'ed25519');
    assert.deepEqual(out.findings, []);
  });

  it('over IPv6 loopback, matches the ::1 address SAN (EC P-384 leaf)', async (t) => {
    let server: Started;
    try {
      server = await tlsServer(serverOptions(pki.p384), '::1');
    } catch {
      t.skip('no IPv6 loopback here');
      return;
    }
    const out = await handshake(server.port, { servername: '::1', host: '::1' }, '::1');
    assert.equal(out.result.servername, null);
    assert.equal(out.result.authorized, true);
    assert.equal(out.result.chain[0]?.publicKey.curve, 'P-384');
    assert.deepEqual(out.findings, []);
  });

  it('sends no SNI for an IP literal and checks the certificate against the IP', async () => {
    const server = await caseServer(pki.rsa);
    const out = await handshake(server.port, { servername: '127.0.0.1', host: '127.0.0.1' });
    assert.equal(out.result.servername, null);
    // In TLS 1.3 the server finishes after the client: one round trip makes sure it has.
    assert.equal(await echo(out), 'ping');
    assert.deepEqual(server.servernames, [false]);
    assert.equal(out.result.authorized, true);
    assert.equal(out.result.verification.hostnameMatches, true);
    assert.deepEqual(out.findings, []);
  });

  // [case, server, finding, Node's error, the certificate (as sent) the finding marks]
  const certCases: [string, (p: TestPki) => ServerCase, string, string, number][] = [
    ['expired', (p) => p.expired, 'CERT_EXPIRED', 'CERT_HAS_EXPIRED', 0],
    ['not yet valid', (p) => p.notYetValid, 'CERT_NOT_YET_VALID', 'CERT_NOT_YET_VALID', 0],
    ['wrong host', (p) => p.wrongHost, 'CERT_HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID', 0],
    ['self-signed', (p) => p.selfSigned, 'CERT_SELF_SIGNED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 0],
    ['untrusted root', (p) => p.untrustedRoot, 'CERT_UNTRUSTED_ROOT', 'SELF_SIGNED_CERT_IN_CHAIN', 1],
    ['incomplete chain', (p) => p.incompleteChain, 'CERT_INCOMPLETE_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 0],
  ];
  for (const [name, pick, code, nodeError, marked] of certCases) {
    it(`${name}: the handshake completes and ${code} explains Node's ${nodeError}`, async () => {
      const c = pick(pki);
      const server = await caseServer(c);
      const out = await handshake(server.port);
      assert.deepEqual(codes(out), [code]);
      assert.equal(out.result.authorized, false);
      assert.equal(out.result.authorizationError, nodeError);
      assert.equal(out.result.verification.trusted, false);
      assert.deepEqual(out.result.verification.errors, [code]);
      assert.equal(out.result.chain.length, c.chain.match(/BEGIN CERTIFICATE/g)?.length);
      assert.deepEqual(out.result.chain.map((cert) => cert.problems.map((p) => p.code)), out.result.chain.map((_, i) => (i === marked ? [code] : [])));
      assert.ok(out.socket, 'the socket stays open: the probe reports, it does not reject');
    });
  }

  it('TLS_HANDSHAKE_FAILED when the server answers with plain HTTP', async () => {
    const server = net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')));
    const port = await listen(server);
    const out = await handshake(port);
    assert.deepEqual(codes(out), ['TLS_HANDSHAKE_FAILED']);
    assert.match(out.findings[0]?.message ?? '', /not TLS, most often plain HTTP.*wrong version number/);
    assert.equal(out.result.error?.code, 'ERR_SSL_WRONG_VERSION_NUMBER');
    assert.equal(out.socket, null);
    assert.equal(out.raw.destroyed, true);
  });

  it('TLS_HANDSHAKE_FAILED when the server closes during the handshake', async () => {
    const server = net.createServer((s) => s.once('data', () => s.destroy()));
    const out = await handshake(await listen(server));
    assert.deepEqual(codes(out), ['TLS_HANDSHAKE_FAILED']);
    assert.match(out.findings[0]?.message ?? '', /closed the connection during the handshake/);
    assert.equal(out.socket, null);
  });

  it('TLS_HANDSHAKE_TIMEOUT when the server accepts and never speaks', async () => {
    const port = await listen(net.createServer(() => undefined));
    const t0 = performance.now();
    const out = await handshake(port, { timeoutMs: 300 });
    const elapsed = performance.now() - t0;
    assert.deepEqual(codes(out), ['TLS_HANDSHAKE_TIMEOUT']);
    assert.match(out.findings[0]?.message ?? '', /within 300 ms/);
    assert.equal(out.result.error?.code, 'ETIMEDOUT');
    assert.ok(elapsed >= 290 && elapsed < 1500, `took ${elapsed} ms`);
    assert.equal(out.socket, null);
    assert.equal(out.raw.destroyed, true);
  });

  it('stops at once when cancelled, with no finding', async () => {
    const port = await listen(net.createServer(() => undefined));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const t0 = performance.now();
    const out = await handshake(port, { signal: controller.signal, timeoutMs: 5000 });
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(out.result.error?.code, 'CANCELLED');
    assert.deepEqual(out.findings, []);
    assert.equal(out.socket, null);
    assert.equal(out.raw.destroyed, true);

    const already = await handshake(port, { signal: AbortSignal.abort() });
    assert.equal(already.result.error?.code, 'CANCELLED');
    assert.equal(already.raw.destroyed, true);
  });

  it('TLS_PROTOCOL_DEPRECATED for a TLS 1.1 server, which the probe still reaches', async () => {
    const server = await caseServer(pki.rsa, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
    const out = await handshake(server.port);
    assert.deepEqual(codes(out), ['TLS_PROTOCOL_DEPRECATED']);
    assert.equal(out.result.protocol, 'TLSv1.1');
    assert.match(out.findings[0]?.message ?? '', /negotiated TLSv1\.1/);
    assert.equal(out.result.verification.trusted, true);
  });

  it('reaches weak servers and names what is weak: RSA 1024, SHA-1', async () => {
    const weakKey = await handshake((await caseServer(pki.rsa1024, { ciphers: 'DEFAULT:@SECLEVEL=0' })).port);
    assert.deepEqual(codes(weakKey), ['CERT_WEAK_KEY']);
    assert.deepEqual(weakKey.result.chain[0]?.problems, [{ code: 'CERT_WEAK_KEY', severity: 'warning', text: 'weak key (RSA 1024)' }]);
    const weakSig = await handshake((await caseServer(pki.sha1, { ciphers: 'DEFAULT:@SECLEVEL=0' })).port);
    assert.deepEqual(codes(weakSig), ['CERT_WEAK_SIGNATURE']);
  });
});

// With Node's bundled roots as the node store, the context starts from Node's default store and
// adds only the OS and extra certificates; `authorized` must be what a context built from all
// three lists gives.
describe("tlsHandshake with Node's bundled roots as the node store", () => {
  const withBundled = (os: string[], extra: string[]): TlsHandshakeOptions['trust'] => ({ node: [...tls.rootCertificates], os, extra });

  it('authorizes a chain anchored in the extra store or in the OS store', async () => {
    const { port } = await caseServer(pki.rsa);
    for (const [trust, store] of [
      [withBundled([], [pki.root.cert]), 'extra'],
      [withBundled([...tls.rootCertificates.slice(0, 3), pki.root.cert], []), 'os'],
      [withBundled([pki.root.cert], [pki.root.cert]), 'os'],
    ] as const) {
      const out = await handshake(port, { trust });
      assert.equal(out.result.authorized, true, store);
      assert.equal(out.result.authorizationError, undefined);
      assert.deepEqual(out.result.verification, { trusted: true, store, hostnameMatches: true, errors: [] });
    }
  });

  it('does not authorize a root that no store holds, and leaves Node’s default store as it was', async () => {
    const { port } = await caseServer(pki.rsa);
    await handshake(port, { trust: withBundled([], [pki.root.cert]) });
    const out = await handshake(port, { trust: withBundled(tls.rootCertificates.slice(0, 5), []) });
    assert.equal(out.result.authorized, false);
    assert.equal(out.result.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.equal(out.result.verification.store, null);
    // A context of Node's own defaults, after the contexts above added the test root to theirs.
    const plain = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false });
    closers.push(async () => void plain.destroy());
    await new Promise<void>((resolve, reject) => {
      plain.once('secureConnect', resolve);
      plain.once('error', reject);
    });
    assert.equal(plain.authorized, false);
  });

  it('sends a client certificate from the same kind of context', async () => {
    const { port } = await caseServer(pki.rsa, { requestCert: true, rejectUnauthorized: true, ca: [pki.root.cert] });
    const out = await handshake(port, { trust: withBundled([], [pki.root.cert]), clientCertificate: { cert: pki.p256.chain, key: pki.p256.key } });
    assert.equal(out.result.error, undefined);
    assert.equal(out.result.authorized, true);
    assert.equal(await echo(out), 'ping');
  });
});
