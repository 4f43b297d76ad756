// The hop pipeline (resolve → connect → tunnel → TLS → exchange) on its own, against loopback
// servers: a first hop and a redirect hop give the same shape of part; a request-less hop hands
// back its open TLS connection; a kept-alive connection carries the next request; a side hop stops
// the connects it does not need; a failure ends the hop where it happened, without a verdict.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { hopContext, type HopContext, type HopSpec } from '../../src/engine/hop/model';
import { runHop } from '../../src/engine/hop/pipeline';
import { DIRECT } from '../../src/engine/proxy';
import { Quiet } from '../../src/engine/quiet';
import { parseTarget } from '../../src/engine/target';
import { testOptions } from '../helpers/options';
import { serverOptions, testPki, type TestPki } from '../helpers/pki';
import { startBlackholeServer, startH2Server, startHttpServer, type HttpTestServer, type RunningServer } from '../helpers/servers';

let pki: TestPki;
let web: HttpTestServer;
let secure: https.Server;
let securePort: number;
let blackhole: RunningServer;

const ctx = (patch: Partial<HopContext> = {}): HopContext => {
  const now = (): number => performance.now();
  return { ...hopContext(testOptions({ trust: pki.trust, timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 2000 } }), now, now()), ...patch };
};
const spec = (url: string, more: Partial<HopSpec> = {}): HopSpec => ({ target: parseTarget(url).target, route: DIRECT, request: { method: 'GET', headers: {} }, ...more });

/** The shape of a value: its type, and for objects the shape of each field (arrays: of their first item). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shape(value[0]) : 'empty'];
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  return value === null ? 'null' : typeof value;
}

before(async () => {
  pki = await testPki();
  web = await startHttpServer();
  secure = https.createServer(serverOptions(pki.rsa), (_req, res: ServerResponse) => res.writeHead(200, { 'content-length': '2' }).end('ok'));
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  securePort = (secure.address() as AddressInfo).port;
  // Connects to 127.0.0.5 on the web server's port time out: the second address of a name.
  blackhole = await startBlackholeServer('127.0.0.5', web.port);
});

after(async () => {
  await web.close();
  await blackhole.close();
  secure.closeAllConnections();
  await new Promise<void>((resolve) => secure.close(() => resolve()));
});

describe('runHop', () => {
  it('the first hop and a redirect hop give the same shape of part; only labels and subjects say "redirect"', async () => {
    const url = `https://localhost:${securePort}/`;
    const pinned = { localhost: [{ address: '127.0.0.1' as const, family: 4 as const }] };
    const first = await runHop(spec(url), ctx({ pinned }));
    const redirect = await runHop(spec(url, { redirect: true }), ctx({ pinned }));
    for (const hop of [first, redirect]) {
      hop.connection?.close();
      await hop.beside;
    }
    assert.equal(first.part.exchange?.status, 200);
    assert.equal(redirect.part.exchange?.status, 200);
    assert.deepEqual(shape(redirect.part), shape(first.part));
    assert.deepEqual(
      redirect.part.waterfall.map((w) => [w.phase, w.label.replace(' (redirect)', ''), w.critical]),
      first.part.waterfall.map((w) => [w.phase, w.label, w.critical]),
    );
    assert.ok(redirect.part.waterfall.some((w) => w.label === 'TLS localhost (redirect)'));
  });

  it('a request-less hop hands back its open TLS connection, and sends nothing', async () => {
    const hop = await runHop(spec(`https://127.0.0.1:${securePort}/`, { request: null, servername: 'localhost', alpn: [] }), ctx());
    try {
      assert.equal(hop.part.exchange, null);
      assert.equal(hop.part.tls?.servername, 'localhost');
      assert.equal(hop.part.tls?.verification.hostnameMatches, true);
      assert.ok(hop.connection?.socket instanceof TLSSocket);
      assert.equal(hop.connection?.socket.destroyed, false);
    } finally {
      hop.connection?.close();
    }
    assert.equal(hop.connection?.socket.destroyed, true);
  });

  it('a kept-alive connection carries the next request: no lookup, no connect', async () => {
    const before = web.connections();
    const first = await runHop(spec(`${web.origin}/bytes/10`), ctx());
    assert.ok(first.connection, 'HTTP/1.1 keep-alive leaves it open');
    const second = await runHop(spec(`${web.origin}/bytes/20`, { reuse: first.connection, redirect: true }), ctx());
    second.connection?.close();
    assert.equal(second.part.exchange?.reusedConnection, true);
    assert.equal(second.part.exchange?.bodyBytes, 20);
    assert.equal(second.part.resolution, null);
    assert.deepEqual(second.part.exchange?.timings.dnsMs, 0);
    assert.equal(web.connections() - before, 1);
  });

  it('in a run with a quiet gate, the request leaves before the chain is described; `described` completes the part', async () => {
    const quiet = new Quiet();
    const order: string[] = [];
    secure.once('request', () => order.push(`request arrived (chain described: ${String(described)})`));
    let described = false;
    const hop = await runHop(spec(`https://127.0.0.1:${securePort}/`, { servername: 'localhost' }), ctx({ quiet }), (event) => {
      if (event === 'tls') described = true;
    });
    assert.equal(hop.part.exchange?.status, 200);
    assert.deepEqual(order, ['request arrived (chain described: false)']);
    await hop.described;
    assert.equal(described, true);
    assert.equal(hop.part.tls?.protocol, 'TLSv1.3');
    assert.deepEqual(hop.part.tls?.chain.map((c) => c.subject), ['CN=localhost, O=Netdiag Test', 'CN=Netdiag Test Intermediate CA, O=Netdiag Test']);
    assert.equal(hop.part.tls?.verification.trusted, true);
    hop.connection?.close();
  });

  it('a kept-alive HTTP/2 session carries the next request as a new stream, as curl -L does', async () => {
    const h2 = await startH2Server();
    try {
      const pinned = { localhost: [{ address: '127.0.0.1' as const, family: 4 as const }] };
      const first = await runHop(spec(`https://localhost:${h2.port}/bytes/10`), ctx({ pinned }));
      assert.equal(first.part.exchange?.httpVersion, '2.0');
      assert.ok(first.connection?.session, 'the session is handed back open');
      const second = await runHop(spec(`https://localhost:${h2.port}/bytes/20`, { reuse: first.connection, redirect: true }), ctx({ pinned }));
      assert.equal(second.connection?.session, first.connection.session, 'the same session, still open');
      second.connection?.close();
      assert.equal(second.part.exchange?.reusedConnection, true);
      assert.equal(second.part.exchange?.httpVersion, '2.0');
      assert.equal(second.part.exchange?.bodyBytes, 20);
      assert.equal(second.part.tls, null, 'no second handshake');
      assert.equal(h2.connections(), 1);
      assert.equal(first.connection.session.destroyed, true, 'closing the connection ends its session');
    } finally {
      await h2.close();
    }
  });

  it('a side hop (probeOthers: false) stops the connects it no longer needs', async () => {
    const lookup = async (): Promise<{ address: string; family: 4 }[]> => [
      { address: '127.0.0.1', family: 4 },
      { address: '127.0.0.5', family: 4 },
    ];
    const timeouts = { dnsMs: 1000, connectMs: 3000, tlsMs: 1000, httpMs: 2000 };
    const start = performance.now();
    const side = await runHop(spec(`http://two.test:${web.port}/`, { probeOthers: false }), ctx({ lookup, timeouts }));
    side.connection?.close();
    await side.beside;
    assert.ok(performance.now() - start < 1500, 'the blackholed address was not waited for');
    assert.deepEqual(side.part.connections.map((c) => [c.address, c.ok, c.error?.code]), [
      ['127.0.0.1', true, undefined],
      ['127.0.0.5', false, 'CANCELLED'],
    ]);
    assert.ok(!side.part.findings.some((f) => f.code.startsWith('TCP_')), 'a stopped connect is no finding');
  });

  it('a name that does not resolve ends the hop at resolve, with no verdict of its own', async () => {
    const lookup = async (): Promise<never> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND gone.test'), { code: 'ENOTFOUND' });
    };
    const hop = await runHop(spec('http://gone.test/', { redirect: true }), ctx({ lookup }));
    assert.deepEqual(hop.part.stopped, { stage: 'resolve', error: { code: 'ENOTFOUND', message: 'gone.test does not resolve' } });
    assert.deepEqual(hop.part.findings, []);
    assert.equal(hop.part.connections.length, 0);
    assert.equal(hop.connection, null);
  });
});
