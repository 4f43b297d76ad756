// The capped fetch (AIA caIssuers and OCSP downloads) against real loopback servers, friendly and
// hostile: a body returned whole, a POST body delivered, a huge body cut at the cap, a silent
// server and a dripping one stopped by the one deadline, a redirect not followed, https refused
// without a connection, a refused port, cancellation, names through the injected lookup or
// --resolve, and a forward proxy chosen as for a diagnosis.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { fetchCapped, type FetchOptions } from '../../src/engine/fetch';
import { startForwardProxy, type TestProxy } from '../helpers/proxies';
import { closedPort, startHttpServer, startSilentServer, type HttpTestServer, type RawTcpServer } from '../helpers/servers';

let web: HttpTestServer;
let silent: RawTcpServer;
let proxy: TestProxy;
let echo: http.Server;
let echoOrigin: string;
const posted: Buffer[] = [];

const opts = (more: Partial<FetchOptions> = {}): FetchOptions => ({ timeoutMs: 2000, maxBytes: 64 * 1024, what: 'the test body', ...more });
const errorCode = (r: Awaited<ReturnType<typeof fetchCapped>>): string => ('error' in r ? r.error.code : 'ok');

before(async () => {
  web = await startHttpServer();
  silent = await startSilentServer();
  proxy = await startForwardProxy();
  echo = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posted.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'none' }).end(`${req.method} ${Buffer.concat(chunks).length}`);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoOrigin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});

after(async () => {
  await web.close();
  await silent.close();
  await proxy.close();
  echo.closeAllConnections();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

describe('fetchCapped', () => {
  it('returns the body of a 200 whole, and POSTs its body with the given headers', async () => {
    const got = await fetchCapped(`${web.origin}/bytes/1000`, opts());
    assert.ok('body' in got, JSON.stringify(got));
    assert.equal(got.body.length, 1000);
    assert.ok(got.body.every((b) => b === 0x61));
    const sent = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]);
    const post = await fetchCapped(`${echoOrigin}/ocsp`, opts({ method: 'POST', body: sent, headers: { 'content-type': 'application/ocsp-request' } }));
    assert.ok('body' in post, JSON.stringify(post));
    assert.equal(post.body.toString(), 'POST 5');
    assert.deepEqual(posted.at(-1), sent);
  });

  it('a body of exactly the cap is accepted; one byte more is FETCH_TOO_LARGE', async () => {
    assert.equal(errorCode(await fetchCapped(`${web.origin}/bytes/4096`, opts({ maxBytes: 4096 }))), 'ok');
    assert.equal(errorCode(await fetchCapped(`${web.origin}/bytes/4097`, opts({ maxBytes: 4096 }))), 'FETCH_TOO_LARGE');
  });

  it('a huge body is cut at the cap: reading stops and the connection is closed', async () => {
    const r = await fetchCapped(`${web.origin}/mib/64`, opts({ maxBytes: 64 * 1024 }));
    assert.equal(errorCode(r), 'FETCH_TOO_LARGE');
    assert.match('error' in r ? r.error.message : '', /the test body from .* is larger than 65536 bytes/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const log = web.requests.at(-1)!;
    assert.equal(log.clientGone, true, 'the client went away before the server finished');
    assert.ok(log.bytesWritten < 64 * 1024 * 1024);
  });

  it('a silent server and a dripping one end at the one deadline, as ETIMEDOUT', async () => {
    for (const url of [`http://127.0.0.1:${silent.port}/`, `${web.origin}/drip?bytes=100&interval=50`, `${web.origin}/slow?ms=5000`]) {
      const start = performance.now();
      const r = await fetchCapped(url, opts({ timeoutMs: 400 }));
      const took = performance.now() - start;
      assert.equal(errorCode(r), 'ETIMEDOUT', `${url}: ${JSON.stringify(r)}`);
      assert.match('error' in r ? r.error.message : '', /timed out after 400 ms/);
      assert.ok(took < 2000, `${url} took ${took} ms`);
    }
  });

  it('does not follow a redirect', async () => {
    const before = web.requests.length;
    const r = await fetchCapped(`${web.origin}/redirect-to?url=/bytes/10`, opts());
    assert.equal(errorCode(r), 'FETCH_HTTP_STATUS');
    assert.match('error' in r ? r.error.message : '', /HTTP 302 \(redirects are not followed\)/);
    assert.equal(web.requests.length - before, 1, 'only the redirect itself was requested');
  });

  it('refuses https:// and other schemes without connecting', async () => {
    const before = web.connections();
    for (const url of [`https://127.0.0.1:${web.port}/`, 'ldap://127.0.0.1/cn=ca', 'not a url at all']) {
      assert.equal(errorCode(await fetchCapped(url, opts())), 'FETCH_BAD_URL', url);
    }
    assert.equal(web.connections(), before);
  });

  it('a refused port and an unknown name are the step errors, as data', async () => {
    assert.equal(errorCode(await fetchCapped(`http://127.0.0.1:${await closedPort()}/`, opts())), 'ECONNREFUSED');
    const lookup = async (): Promise<never> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    };
    assert.equal(errorCode(await fetchCapped('http://nowhere.test/ca.der', opts({ lookup }))), 'ENOTFOUND');
  });

  it('resolves names through --resolve (pinned) and the injected lookup, never the OS for test names', async () => {
    const pinned = await fetchCapped(`http://aia.test:${web.port}/bytes/3`, opts({ pinned: { 'aia.test': [{ address: '127.0.0.1', family: 4 }] } }));
    assert.ok('body' in pinned, JSON.stringify(pinned));
    const looked = await fetchCapped(`http://ocsp.test:${web.port}/bytes/4`, opts({ lookup: async () => [{ address: '127.0.0.1', family: 4 }] }));
    assert.ok('body' in looked && looked.body.length === 4, JSON.stringify(looked));
  });

  it('cancellation ends it at once', async () => {
    const controller = new AbortController();
    const start = performance.now();
    const pending = fetchCapped(`http://127.0.0.1:${silent.port}/`, opts({ timeoutMs: 10_000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    assert.equal(errorCode(await pending), 'CANCELLED');
    assert.ok(performance.now() - start < 1000);
  });

  it('goes through the proxy chosen as for a diagnosis (absolute form for http://)', async () => {
    const url = `${web.origin}/bytes/5`;
    const r = await fetchCapped(url, opts({ proxy: { override: proxy.url } }));
    assert.ok('body' in r, JSON.stringify(r));
    assert.ok(proxy.seen.includes(url), proxy.seen.join(', '));
    const direct = await fetchCapped(url, opts({ proxy: { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } } }));
    assert.ok('body' in direct);
    assert.equal(proxy.seen.filter((s) => s === url).length, 1, 'NO_PROXY keeps the second one direct');
  });
});
