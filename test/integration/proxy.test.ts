// Proxies, HTTP/2 and intermediaries end to end, on loopback: a Node forward/CONNECT proxy (with
// and without authentication), Debian's tinyproxy, a TLS-intercepting proxy that re-signs with its
// own CA, hostile proxies (silent, garbage), an HTTP/2 and an HTTP/1.1-only server, intermediary
// headers, and a redirect chain across schemes and hosts, directly and through a proxy.
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import type { DiagnoseOptions, LookupFn } from '../../src/engine/options';
import { parseTarget } from '../../src/engine/target';
import { testOptions } from '../helpers/options';
import { serverOptions, testPki, type TestPki } from '../helpers/pki';
import { startForwardProxy, startInterceptingProxy, startTinyproxy, type TestProxy } from '../helpers/proxies';
import { startGarbageServer, startHttpServer, startSilentServer, type HttpTestServer, type RawTcpServer } from '../helpers/servers';

let pki: TestPki;
let web: HttpTestServer;
let web2: HttpTestServer;
let h2Origin: string;
let h1Origin: string;
let cdnOrigin: string;
let open: TestProxy;
let authed: TestProxy;
let intercepting: TestProxy;
let tiny: TestProxy | null;
let silent: RawTcpServer;
let garbage: RawTcpServer;
const closers: (() => Promise<void> | void)[] = [];

function options(patch: Partial<DiagnoseOptions> = {}): DiagnoseOptions {
  return testOptions({
    timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1500, httpMs: 2000 },
    trust: pki.trust,
    connectConcurrency: 4,
    // Only names in this table resolve: nothing reaches the OS resolver.
    lookup: (async (hostname) => {
      if (hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }) satisfies LookupFn,
    ...patch,
  });
}

const run = (input: string, patch?: Partial<DiagnoseOptions>): Promise<Report> => diagnose(parseTarget(input), options(patch));
const codes = (r: Report): string[] => r.findings.map((f) => f.code).sort();
const via = (proxy: TestProxy | RawTcpServer | string): Partial<DiagnoseOptions> => ({ proxy: { override: typeof proxy === 'string' ? proxy : `http://127.0.0.1:${proxy.port}` } });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

before(async () => {
  pki = await testPki();
  web = await startHttpServer();
  web2 = await startHttpServer('127.0.0.2');
  closers.push(() => web.close(), () => web2.close());
  const h2 = http2.createSecureServer({ ...serverOptions(pki.rsa), allowHTTP1: true }, (req, res) => {
    if (req.url === '/to-http') {
      res.writeHead(301, { location: `${web.origin}/redirect-to?url=${encodeURIComponent('/final')}` });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'alt-svc': 'h3=":443"; ma=86400' });
    res.end(`hello over ${req.httpVersion}`);
  });
  h2.on('session', (s) => closers.push(() => s.destroy()));
  h2Origin = `https://localhost:${await listen(h2)}`;
  const h1 = https.createServer(serverOptions(pki.rsa), (_req, res) => res.writeHead(200, { 'content-length': '2' }).end('ok'));
  h1Origin = `https://localhost:${await listen(h1)}`;
  const cdn = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-length': '2', via: '1.1 0123abcd.cloudfront.net (CloudFront)', 'x-amz-cf-id': 'Zm9v==', 'x-cache': 'Hit from cloudfront', age: '120', 'x-forwarded-for': '10.9.8.7' }).end('ok'),
  );
  cdnOrigin = `http://127.0.0.1:${await listen(cdn)}`;
  open = await startForwardProxy();
  authed = await startForwardProxy({ auth: 'alice:wonderland' });
  intercepting = await startInterceptingProxy(serverOptions(pki.untrustedRoot));
  tiny = await startTinyproxy();
  silent = await startSilentServer();
  garbage = await startGarbageServer('SSH-2.0-OpenSSH_9.2p1\r\n');
  for (const p of [open, authed, intercepting, silent, garbage]) closers.push(() => p.close());
  if (tiny) closers.push(() => tiny!.close());
});

after(async () => {
  for (const c of closers.reverse()) await c();
});

describe('HTTP versions', () => {
  it('speaks HTTP/2 when ALPN picks h2, and notes HTTP/3 in Alt-Svc', async () => {
    const r = await run(`${h2Origin}/`);
    assert.equal(r.tls?.alpn, 'h2');
    assert.equal(r.http?.requests[0]?.httpVersion, '2.0');
    assert.deepEqual(r.http?.requests[0]?.altSvc, ['h3']);
    assert.ok(codes(r).includes('HTTP3_ADVERTISED'));
  });

  it('falls back to HTTP/1.1 on a server without h2', async () => {
    const r = await run(`${h1Origin}/`);
    assert.equal(r.tls?.alpn, 'http/1.1');
    assert.equal(r.http?.requests[0]?.httpVersion, '1.1');
    assert.ok(!codes(r).includes('HTTP3_ADVERTISED'));
  });
});

describe('intermediaries', () => {
  it('reads CloudFront and a reverse proxy from response headers into hops', async () => {
    const r = await run(`${cdnOrigin}/`);
    assert.deepEqual(r.intermediaries?.map((i) => [i.role, i.name]), [['cdn', 'Amazon CloudFront'], ['reverse-proxy', 'A reverse proxy']]);
    const kinds = r.hops.map((h) => `${h.kind}${h.role ? `:${h.role}` : ''}`);
    assert.deepEqual(kinds.slice(-3), ['proxy:cdn', 'proxy:reverse-proxy', 'server']);
  });
});

describe('through a proxy', () => {
  it('sends plain HTTP in absolute form and shows the proxy as a hop', async () => {
    const r = await run(`${web.origin}/echo`, via(open));
    assert.equal(r.proxy?.mode, 'forward');
    assert.equal(r.proxy?.source, 'cli');
    assert.equal(r.http?.requests[0]?.status, 200);
    assert.equal(r.http?.requests[0]?.viaProxy, true);
    assert.ok(open.seen.includes(`${web.origin}/echo`));
    assert.equal(r.dns, null, 'the proxy resolves the target');
    const proxyHop = r.hops.find((h) => h.kind === 'proxy' && h.role === undefined);
    assert.equal(proxyHop?.status, 'ok');
    assert.equal(proxyHop?.address, '127.0.0.1');
    assert.equal(typeof proxyHop?.durationMs, 'number');
    assert.ok(r.intermediaries?.some((i) => i.name === 'test-proxy'), 'its Via header names it');
  });

  it('opens a CONNECT tunnel for HTTPS and speaks h2 inside it', async () => {
    const r = await run(`${h2Origin}/`, via(open));
    assert.equal(r.proxy?.mode, 'tunnel');
    assert.equal(r.proxy?.tunnelStatus, 200);
    assert.equal(typeof r.proxy?.tunnelMs, 'number');
    assert.equal(r.tls?.verification.trusted, true);
    assert.equal(r.http?.requests[0]?.httpVersion, '2.0');
    assert.equal(r.http?.requests[0]?.viaProxy, true);
    assert.ok(open.seen.includes(`localhost:${new URL(h2Origin).port}`));
    assert.ok(!codes(r).includes('TLS_INTERCEPTED'), 'the same chain directly and through the tunnel');
    assert.ok(r.waterfall.some((w) => w.label.startsWith('CONNECT localhost')));
  });

  it('picks the proxy from HTTPS_PROXY and skips it for NO_PROXY names', async () => {
    const proxied = await run(`${h1Origin}/`, { proxy: { env: { HTTPS_PROXY: open.url } } });
    assert.equal(proxied.proxy?.name, 'HTTPS_PROXY');
    assert.equal(proxied.proxy?.tunnelStatus, 200);
    const direct = await run(`${h1Origin}/`, { proxy: { env: { HTTPS_PROXY: open.url, NO_PROXY: 'localhost' } } });
    assert.equal(direct.proxy?.url, null);
    assert.match(direct.proxy?.reason ?? '', /NO_PROXY entry "localhost"/);
    assert.equal(direct.http?.requests[0]?.status, 200);
    assert.equal(direct.http?.requests[0]?.viaProxy, undefined);
  });

  it('explains a 407 on CONNECT with the schemes offered, and succeeds with credentials', async () => {
    const denied = await run(`${h1Origin}/`, via(authed));
    assert.ok(codes(denied).includes('PROXY_AUTH_REQUIRED'));
    assert.equal(denied.proxy?.tunnelStatus, 407);
    assert.deepEqual(denied.proxy?.authenticate, ['Basic realm="test-proxy"']);
    assert.match(denied.findings.find((f) => f.code === 'PROXY_AUTH_REQUIRED')?.message ?? '', /needs credentials/);
    assert.equal(denied.layers.find((l) => l.name === 'transport')?.status, 'fail');
    assert.equal(denied.hops.find((h) => h.kind === 'proxy')?.status, 'fail');

    const wrong = await run(`${h1Origin}/`, via(`http://alice:nope@127.0.0.1:${authed.port}`));
    assert.match(wrong.findings.find((f) => f.code === 'PROXY_AUTH_REQUIRED')?.message ?? '', /were refused/);
    assert.doesNotMatch(JSON.stringify(wrong), /nope/, 'the proxy password never reaches the report');

    const ok = await run(`${h1Origin}/`, via(`http://alice:wonderland@127.0.0.1:${authed.port}`));
    assert.equal(ok.proxy?.tunnelStatus, 200);
    assert.equal(ok.http?.requests[0]?.status, 200);
    assert.doesNotMatch(JSON.stringify(ok), /wonderland/);
  });

  it('explains a 407 to a plain HTTP request through the proxy', async () => {
    const r = await run(`${web.origin}/`, via(authed));
    assert.ok(codes(r).includes('PROXY_AUTH_REQUIRED'));
    assert.ok(!codes(r).includes('HTTP_CLIENT_ERROR'));
  });

  it('detects TLS interception and names the CA that re-signs', async () => {
    // The interceptor's root is in the OS store only, as a corporate inspection CA would be.
    const trust = { ...pki.trust, os: [pki.otherRoot.cert] };
    const r = await run(`${h1Origin}/`, { ...via(intercepting), trust });
    assert.equal(r.tls?.verification.trusted, true);
    assert.equal(r.tls?.verification.store, 'os');
    const f = r.findings.find((x) => x.code === 'TLS_INTERCEPTED');
    assert.ok(f, `expected TLS_INTERCEPTED in ${codes(r).join(', ')}`);
    const otherCn = /CN=([^,/]+)/.exec(pki.otherRoot.subject)?.[1] ?? '';
    assert.ok(f.message.includes(otherCn), f.message);
  });

  it('suspects interception when no direct comparison is possible and only the OS trusts the CA', async () => {
    const trust = { ...pki.trust, os: [pki.otherRoot.cert] };
    const r = await run('https://localhost:9/', { ...via(intercepting), trust });
    assert.ok(codes(r).includes('TLS_INTERCEPTION_SUSPECTED'), codes(r).join(', '));
  });

  it('a proxy that never answers CONNECT is PROXY_TIMEOUT', async () => {
    const r = await run(`${h1Origin}/`, { ...via(silent), timeouts: { dnsMs: 500, connectMs: 300, tlsMs: 500, httpMs: 500 } });
    assert.ok(codes(r).includes('PROXY_TIMEOUT'), codes(r).join(', '));
    assert.match(r.proxy?.error?.message ?? '', /did not answer CONNECT/);
  });

  it('a proxy that answers garbage is PROXY_CONNECT_FAILED quoting it', async () => {
    const r = await run(`${h1Origin}/`, via(garbage));
    const f = r.findings.find((x) => x.code === 'PROXY_CONNECT_FAILED');
    assert.match(f?.message ?? '', /not an HTTP proxy.*SSH-2\.0/);
  });

  it('an unreachable proxy is PROXY_UNREACHABLE', async () => {
    const r = await run(`${h1Origin}/`, via('http://127.0.0.1:9'));
    assert.ok(codes(r).includes('PROXY_UNREACHABLE'));
    const bad = await run(`${h1Origin}/`, via('http://no-such-proxy.test:3128'));
    assert.ok(codes(bad).includes('PROXY_UNREACHABLE'));
  });

  it('an unusable proxy (PROXY_INVALID) sends nothing at all, never a direct connection instead', async () => {
    const before = web.connections();
    const r = await run(`${web.origin}/`, { proxy: { env: { HTTP_PROXY: `socks5://127.0.0.1:${web.port}` } } });
    assert.deepEqual(codes(r), ['PROXY_INVALID']);
    assert.equal(web.connections(), before, 'neither the proxy address nor the target was connected');
    assert.deepEqual(r.connections, []);
    assert.equal(r.http, null);
    assert.equal(r.layers.find((l) => l.name === 'transport')?.status, 'fail');
    assert.match(r.proxy?.reason ?? '', /does not fall back to a direct connection/);
    // A redirect whose proxy is unusable is not followed directly either.
    const hop = await run(`${web.origin}/redirect-to?url=${encodeURIComponent(`https://localhost:${web.port}/`)}`, { proxy: { env: { HTTPS_PROXY: 'socks5://127.0.0.1:1080' } } });
    assert.deepEqual(hop.http?.requests.map((x) => x.error?.code ?? x.status), [302, 'PROXY_INVALID']);
    assert.equal(web.connections(), before + 1, 'only the first request, which needs no proxy');
  });

  it('through tinyproxy (Debian): HTTP forwarded and HTTPS tunnelled', async (t) => {
    if (!tiny) {
      t.skip('tinyproxy is not installed (apt-get install tinyproxy)');
      return;
    }
    const plain = await run(`${web.origin}/echo`, via(tiny));
    assert.equal(plain.http?.requests[0]?.status, 200);
    assert.ok(plain.intermediaries?.some((i) => /tinyproxy/.test(i.name)), JSON.stringify(plain.intermediaries));
    const tunnelled = await run(`${h2Origin}/`, via(tiny));
    assert.equal(tunnelled.proxy?.tunnelStatus, 200);
    assert.equal(tunnelled.http?.requests[0]?.httpVersion, '2.0');
  });
});

describe('requests and redirects', () => {
  it('sends the method, headers and body given, and redacts secrets in the report', async () => {
    const r = await run(`${web.origin}/echo`, { request: { method: 'post', headers: { Authorization: 'Bearer t0ken', 'content-type': 'application/json' }, body: '{"a":1}' } });
    const logged = web.requests[web.requests.length - 1]!;
    assert.equal(logged.method, 'POST');
    assert.equal(logged.headers['authorization'], 'Bearer t0ken');
    assert.equal(logged.headers['content-length'], '7');
    assert.equal(r.request?.method, 'POST');
    assert.equal(r.request?.bodyBytes, 7);
    assert.equal(r.http?.requests[0]?.requestHeaders?.['authorization'], '<redacted>');
    assert.doesNotMatch(JSON.stringify(r), /t0ken/);
    const revealed = await run(`${web.origin}/echo`, { request: { method: 'GET', headers: { Authorization: 'Bearer t0ken' } }, revealSecrets: true });
    assert.equal(revealed.http?.requests[0]?.requestHeaders?.['authorization'], 'Bearer t0ken');
  });

  it('reuses the kept-alive connection for same-origin redirects', async () => {
    const before = web.connections();
    const r = await run(`${web.origin}/redirect/3`);
    assert.equal(r.http?.requests.length, 4);
    assert.deepEqual(r.http?.requests.map((x) => x.reusedConnection), [false, true, true, true]);
    assert.equal(web.connections() - before, 1);
  });

  it('follows a chain across schemes and hosts, each hop with its own timings, directly and through a proxy', async () => {
    const start = `${web2.origin}/redirect-to?url=${encodeURIComponent(`${h2Origin}/to-http`)}`;
    for (const patch of [{}, via(open)]) {
      const r = await run(start, patch);
      const reqs = r.http?.requests ?? [];
      assert.deepEqual(reqs.map((x) => x.status), [302, 301, 302, 200], JSON.stringify(reqs.map((x) => x.url)));
      assert.deepEqual(reqs.map((x) => new URL(x.url).protocol), ['http:', 'https:', 'http:', 'http:']);
      assert.equal(reqs[1]?.httpVersion, '2.0');
      assert.ok((reqs[1]?.timings.tlsMs ?? 0) > 0, 'the https hop has its own handshake');
      assert.ok(reqs.every((x) => x.timings.ttfbMs >= 0 && x.timings.totalMs > 0));
      assert.ok(codes(r).includes('HTTP_INSECURE_REDIRECT'));
      if ('proxy' in patch) assert.ok(reqs.every((x) => x.viaProxy === true));
    }
  });

  it('turns POST into GET after a 302 and keeps it after a 307', async () => {
    const post = { request: { method: 'POST', headers: {}, body: 'x=1' } };
    await run(`${web.origin}/redirect-to?url=/echo&code=302`, post);
    assert.equal(web.requests[web.requests.length - 1]?.method, 'GET');
    await run(`${web.origin}/redirect-to?url=/echo&code=307`, post);
    assert.equal(web.requests[web.requests.length - 1]?.method, 'POST');
  });
});
