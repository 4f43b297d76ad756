// VS Code's extension host replaces http.request / https.request (proxy support) with versions
// that give agent-less requests a proxy agent dialing its own connection. The HTTP probe must
// not go through them, or the request leaves the diagnosed socket. This test patches the module
// functions the same way a host would and proves the exchange still uses our socket.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import { testOptions } from '../helpers/options';
import { parseTarget } from '../../src/engine/target';
import { startHttpServer, type HttpTestServer } from '../helpers/servers';

let web: HttpTestServer;
const original = { http: http.request, https: https.request };
let patchedCalls = 0;

before(async () => {
  web = await startHttpServer();
  const trap = ((): never => {
    patchedCalls++;
    throw new Error('patched http.request called: the request would leave the diagnosed socket');
  }) as unknown as typeof http.request;
  http.request = trap;
  https.request = trap as unknown as typeof https.request;
});

after(async () => {
  http.request = original.http;
  https.request = original.https;
  await web.close();
});

it('the HTTP exchange does not call a patched http.request and stays on one connection', async () => {
  const before = web.connections();
  const report = await diagnose(
    parseTarget(`http://127.0.0.1:${web.port}/status/200`),
    testOptions({ timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 2000 }, followRedirects: false, connectConcurrency: 4 }),
  );
  assert.equal(patchedCalls, 0);
  assert.equal(report.http?.requests[0]?.status, 200);
  assert.equal(web.connections() - before, 1, 'one TCP connection: the diagnosed one carried the request');
});
