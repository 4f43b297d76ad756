// The CLI's HTTP options (dist/cli.js): --method/--header/--data, --proxy/--no-proxy and the proxy
// variables, --format markdown|har|curl with secrets redacted unless --show-secrets, and
// `netdiag trace`. Targets are IP literals on loopback, so no DNS query leaves the machine.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Report, RouteResult } from '../../src/engine/model/report';
import { CLI, runCli } from '../helpers/cli';
import { startForwardProxy, type TestProxy } from '../helpers/proxies';
import { startHttpServer, type HttpTestServer } from '../helpers/servers';



let web: HttpTestServer;
let proxy: TestProxy;

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  web = await startHttpServer();
  proxy = await startForwardProxy();
});

after(async () => {
  await web.close();
  await proxy.close();
});

describe('requests', () => {
  it('sends --method, --header and --data; curl and JSON redact the secret', async () => {
    const r = await runCli(['diagnose', `${web.origin}/echo`, '-X', 'PUT', '-H', 'Authorization: Bearer s3cret', '-H', 'X-Trace: 1', '-d', 'a=1', '--format', 'curl']);
    assert.equal(r.code, 0, r.stderr);
    const seen = web.requests[web.requests.length - 1]!;
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.headers['authorization'], 'Bearer s3cret');
    assert.equal(seen.headers['x-trace'], '1');
    assert.match(r.stdout, /-X PUT -H 'authorization: <redacted>' -H 'x-trace: 1' --data-raw a=1/);
    assert.doesNotMatch(r.stdout, /s3cret/);
    const json = await runCli(['diagnose', `${web.origin}/echo`, '-H', 'Authorization: Bearer s3cret', '--json']);
    assert.doesNotMatch(json.stdout, /s3cret/);
    const shown = await runCli(['diagnose', `${web.origin}/echo`, '-H', 'Authorization: Bearer s3cret', '--format', 'curl', '--show-secrets']);
    assert.match(shown.stdout, /authorization: Bearer s3cret/);
  });

  it('-d alone means POST; a bad header is a usage error', async () => {
    await runCli(['diagnose', `${web.origin}/echo`, '-d', '{}']);
    assert.equal(web.requests[web.requests.length - 1]?.method, 'POST');
    const bad = await runCli(['diagnose', `${web.origin}/`, '-H', 'no-colon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /NAME: VALUE/);
  });
});

describe('exports', () => {
  it('--format har has one entry per request of the redirect chain, with timings', async () => {
    const r = await runCli(['diagnose', `${web.origin}/redirect/2`, '--format', 'har']);
    const har = JSON.parse(r.stdout) as { log: { version: string; entries: { request: { url: string }; response: { status: number; redirectURL: string }; timings: Record<string, number> }[] } };
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.entries.map((e) => e.response.status), [302, 302, 200]);
    assert.equal(har.log.entries[0]?.response.redirectURL, '/redirect/1');
    assert.ok(har.log.entries.every((e) => typeof e.timings['wait'] === 'number'));
  });

  it('--format markdown is a ticket-ready summary', async () => {
    const r = await runCli(['diagnose', `${web.origin}/status/503`, '--format', 'markdown']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^## Netdiag: `http:\/\/127\.0\.0\.1:\d+\/status\/503`/);
    assert.match(r.stdout, /\| application \| ❌ fail \|/);
    assert.match(r.stdout, /\*\*error\*\* `HTTP_SERVER_ERROR`/);
    assert.match(r.stdout, /### HTTP/);
  });

  it('rejects an unknown format', async () => {
    const r = await runCli(['diagnose', `${web.origin}/`, '--format', 'xml']);
    assert.equal(r.code, 2);
  });
});

describe('proxies', () => {
  it('--proxy sends through the proxy and prints why', async () => {
    const r = await runCli(['diagnose', `${web.origin}/`, '--proxy', proxy.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Proxy\n {2}--proxy names http:\/\/127\.0\.0\.1:\d+; HTTP is sent to the proxy in absolute form/);
    assert.ok(proxy.seen.includes(`${web.origin}/`));
  });

  it('honours HTTP_PROXY from the environment, and --no-proxy turns it off', async () => {
    const before = proxy.seen.length;
    const viaEnv = JSON.parse((await runCli(['diagnose', `${web.origin}/env`, '--json'], { env: { HTTP_PROXY: proxy.url } })).stdout) as Report;
    assert.equal(viaEnv.proxy?.name, 'HTTP_PROXY');
    assert.equal(proxy.seen.length, before + 1);
    const direct = JSON.parse((await runCli(['diagnose', `${web.origin}/env`, '--json', '--no-proxy'], { env: { HTTP_PROXY: proxy.url } })).stdout) as Report;
    assert.equal(direct.proxy?.url, null);
    assert.equal(proxy.seen.length, before + 1);
  });
});

describe('trace', () => {
  it('traces a loopback address as JSON', async (t) => {
    if (process.platform !== 'linux') return t.skip('loopback trace checked on Linux');
    const r = await runCli(['trace', '127.0.0.1', '-n', '--json', '--max-hops', '3']);
    const { route } = JSON.parse(r.stdout) as { route: RouteResult };
    if (route.tool === null) return t.skip(route.error?.message ?? 'no trace tool');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(route.reached, true);
    assert.equal(route.hops[route.hops.length - 1]?.address, '127.0.0.1');
  });

  it('traces ::1 with the real tracepath: the path MTU is kept, no placeholder is a name', async (t) => {
    if (process.platform !== 'linux') return t.skip('loopback trace checked on Linux');
    const r = await runCli(['trace', '::1', '--json', '--max-hops', '3']);
    const { route } = JSON.parse(r.stdout) as { route: RouteResult };
    if (route.tool !== 'tracepath') return t.skip(route.error?.message ?? `traced with ${route.tool}, not tracepath`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(typeof route.pmtu, 'number', r.stdout);
    assert.ok(route.hops.every((h) => h.name === null || /^[\w.:-]+$/.test(h.name)), r.stdout);
    assert.match(route.hops[0]?.note ?? '', /pmtu \d+/);
    const text = await runCli(['trace', '::1', '--max-hops', '3']);
    assert.match(text.stdout, /path MTU \d+ bytes/);
  });

  it('says which tool to install when none is on the PATH', async () => {
    const r = await runCli(['trace', '127.0.0.1'], { env: { PATH: '/nonexistent' } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /ROUTE_TOOL_MISSING/);
    assert.match(r.stdout, /install/);
  });

  it('needs a host', async () => {
    const r = await runCli(['trace']);
    assert.equal(r.code, 2);
  });
});
