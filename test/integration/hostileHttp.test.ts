// The engine against hostile HTTP peers (test/helpers/hostileHttp.ts): switches of protocol asked
// for or not, WebSocket handshakes right and wrong (ws:// and wss://), a CONNECT answered with a
// tunnel, kept-alive connections the server closes, headers too large, a redirect to file://.
// Every run ends with a complete report, whatever the peer does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import type { DiagnoseOptions } from '../../src/engine/options';
import { parseTarget } from '../../src/engine/target';
import { startHostileHttpServer, type HostileHttpBehaviour, type HostileHttpServer } from '../helpers/hostileHttp';
import { testOptions } from '../helpers/options';
import { serverOptions, testPki, type TestPki } from '../helpers/pki';

const peers: HostileHttpServer[] = [];
let pki: TestPki;

before(async () => {
  pki = await testPki();
});

after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

async function peer(behaviour: HostileHttpBehaviour, tls = false): Promise<HostileHttpServer> {
  const p = await startHostileHttpServer(behaviour, tls ? { tls: serverOptions(pki.p256) } : {});
  peers.push(p);
  return p;
}

function run(url: string, patch: Partial<DiagnoseOptions> = {}): Promise<Report> {
  return diagnose(parseTarget(url), testOptions({ timeouts: { dnsMs: 2000, connectMs: 2000, tlsMs: 2000, httpMs: 3000 }, trust: pki.trust, pinned: { localhost: [{ address: '127.0.0.1', family: 4 }] }, ...patch }));
}

const codes = (r: Report): string[] => r.findings.map((f) => f.code);
const application = (r: Report): Report['layers'][number] | undefined => r.layers.find((l) => l.name === 'application');

describe('switching protocols', () => {
  it('a 101 the request did not ask for ends the run with HTTP_UNREQUESTED_UPGRADE, not silence', async () => {
    const p = await peer('switch-unasked');
    const r = await run(`${p.origin}/`);
    assert.equal(r.complete, true);
    assert.equal(r.http?.requests[0]?.status, 101);
    assert.equal(r.http?.requests[0]?.outcome, 'fail');
    assert.deepEqual(codes(r), ['HTTP_UNREQUESTED_UPGRADE']);
    assert.match(r.findings[0]!.message, /101 Switching Protocols to h2c although the request asked for no upgrade/);
    assert.equal(application(r)?.status, 'fail');
  });

  it('a CONNECT answered with a tunnel ends the exchange (the engine alone; the front ends refuse -X CONNECT)', async () => {
    const p = await peer('tunnel');
    const r = await run(`${p.origin}/`, { request: { method: 'CONNECT', headers: {} } });
    assert.equal(r.complete, true);
    assert.equal(r.http?.requests[0]?.status, 200);
  });
});

describe('WebSocket handshake (ws:// and wss://)', () => {
  for (const tls of [false, true]) {
    const scheme = tls ? 'wss' : 'ws';
    it(`${scheme}: 101 with the right Sec-WebSocket-Accept opens it; the request is RFC 6455's and ends with a Close frame`, async () => {
      const p = await peer('websocket', tls);
      const r = await run(`${scheme}://${tls ? `localhost:${p.port}` : p.authority}/chat`);
      const x = r.http?.requests[0];
      assert.equal(x?.status, 101);
      assert.deepEqual(x?.websocket, { accepted: true });
      assert.equal(x?.outcome, 'ok');
      assert.deepEqual(codes(r), []);
      assert.match(application(r)?.summary ?? '', /^WebSocket opened: 101 Switching Protocols over HTTP\/1\.1/);
      const head = p.heads[0] ?? '';
      assert.match(head, /^GET \/chat HTTP\/1\.1\r\n/);
      assert.match(head, /\r\nupgrade: websocket(\r\n|$)/i);
      assert.match(head, /\r\nconnection: Upgrade(\r\n|$)/i);
      assert.match(head, /\r\nsec-websocket-version: 13(\r\n|$)/i);
      assert.equal(Buffer.from(/\r\nsec-websocket-key: (\S+)/i.exec(head)?.[1] ?? '', 'base64').length, 16);
      if (tls) assert.equal(r.tls?.alpn, 'http/1.1', 'an upgrade is HTTP/1.1: h2 is not offered');
      await waitFor(() => p.closeFrames() === 1);
    });
  }

  for (const [behaviour, code, said] of [
    ['websocket-200', 'WEBSOCKET_NOT_UPGRADED', /answered 200 to the WebSocket opening handshake/],
    ['websocket-bad-accept', 'WEBSOCKET_BAD_ACCEPT', /switched to WebSocket with Sec-WebSocket-Accept "[^"]+"; the key sent needs "[^"]+"/],
    ['websocket-no-accept', 'WEBSOCKET_BAD_ACCEPT', /with no Sec-WebSocket-Accept/],
    ['websocket-no-upgrade', 'WEBSOCKET_NO_UPGRADE_HEADER', /without Upgrade: websocket/],
  ] as const) {
    it(`${behaviour} → ${code}`, async () => {
      const p = await peer(behaviour);
      const r = await run(`ws://${p.authority}/`);
      assert.equal(r.complete, true);
      assert.deepEqual(codes(r), [code]);
      assert.match(r.findings[0]!.message, said);
      assert.deepEqual(r.http?.requests[0]?.websocket, { accepted: false });
      assert.equal(r.http?.requests[0]?.outcome, 'fail');
      assert.equal(application(r)?.status, 'fail');
    });
  }

  it('100 Continue, then 101: the handshake is judged on the 101', async () => {
    const p = await peer('continue-websocket');
    const r = await run(`ws://${p.authority}/`);
    assert.equal(r.http?.requests[0]?.status, 101);
    assert.deepEqual(r.http?.requests[0]?.websocket, { accepted: true });
    assert.deepEqual(codes(r), []);
  });
});

describe('kept-alive connections the server closes', () => {
  for (const behaviour of ['keepalive-race', 'close-after-response'] as const) {
    it(`${behaviour}: the redirect is sent again on a fresh connection, as curl does, and says so`, async () => {
      const p = await peer(behaviour);
      const r = await run(`${p.origin}/`);
      assert.deepEqual(codes(r), [], JSON.stringify(r.findings));
      const [first, second] = r.http?.requests ?? [];
      assert.equal(first?.status, 302);
      assert.equal(second?.status, 200);
      assert.equal(second?.reusedConnection, false);
      assert.equal(second?.retriedAfter?.code, 'ECONNRESET');
      assert.ok((second?.timings.connectMs ?? 0) > 0, 'the retry has a connect of its own');
      assert.equal(p.connections(), 2);
      assert.ok(r.waterfall.some((w) => /kept-alive connection, closed by the server/.test(w.label)));
    });
  }
});

describe('messages that say what happened', () => {
  it('headers beyond what Node reads are HTTP_HEADERS_TOO_LARGE, not "not HTTP"', async () => {
    const p = await peer('header-overflow');
    const r = await run(`${p.origin}/`);
    assert.deepEqual(codes(r), ['HTTP_HEADERS_TOO_LARGE']);
    assert.match(r.findings[0]!.message, /larger than 16 KiB/);
    assert.doesNotMatch(r.findings[0]!.hint, /https:\/\//);
  });

  it('a redirect to file:// is HTTP_REDIRECT_UNFOLLOWABLE, and nothing is fetched', async () => {
    const p = await peer('redirect-file');
    const r = await run(`${p.origin}/`);
    assert.deepEqual(codes(r), ['HTTP_REDIRECT_UNFOLLOWABLE']);
    assert.match(r.findings[0]!.message, /The redirect to file:\/\/\/etc\/passwd cannot be followed: a file: URL is read or run by the client itself/);
    assert.equal(r.http?.requests.length, 1);
    assert.doesNotMatch(r.findings[0]!.hint, /try https/);
  });
});

async function waitFor(ok: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('the condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
