// Extension-host suite for HTTP in depth: VS Code's http.proxy and http.noProxy reach the engine
// (a Node proxy on loopback, started here), requests go through it (an unusable proxy sends
// nothing), the report the panel gets holds no planted secret, settings out of range are refused, and Netdiag: Trace Route traces a loopback address
// and shows the hops (and refuses a host that would be an option).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { Report, RouteResult } from '../../../src/engine/model/report';
import { startForwardProxy, type TestProxy } from '../../helpers/proxies';
import { PLANTED, startSecretsPeer } from '../../helpers/secretsPeer';

suite('Netdiag HTTP, proxies and the route', () => {
  const httpSettings = vscode.workspace.getConfiguration('http');
  const netdiag = vscode.workspace.getConfiguration('netdiag');
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'text/plain', via: '1.1 varnish', age: '5' }).end('ok');
  });
  let origin = '';
  let proxy: TestProxy;

  suiteSetup(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy = await startForwardProxy();
    await netdiag.update('dns.servers', ['127.0.0.1:9'], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await httpSettings.update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await httpSettings.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    await netdiag.update('dns.servers', undefined, vscode.ConfigurationTarget.Global);
    await proxy.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('http.proxy sends the request through the proxy, and says why', async () => {
    await httpSettings.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    const report = await vscode.commands.executeCommand<Report | undefined>('netdiag.diagnoseEndpoint', `${origin}/via-setting`);
    assert.ok(report);
    assert.equal(report.proxy?.name, 'http.proxy');
    assert.equal(report.proxy?.mode, 'forward');
    assert.equal(report.http?.requests[0]?.status, 200);
    assert.ok(proxy.seen.includes(`${origin}/via-setting`), JSON.stringify(proxy.seen));
    assert.ok(report.hops.some((h) => h.kind === 'proxy' && h.role === undefined));
    assert.ok(report.intermediaries?.some((i) => i.name === 'Varnish'), JSON.stringify(report.intermediaries));
  });

  test('http.noProxy bypasses it', async () => {
    await httpSettings.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    await httpSettings.update('noProxy', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
    const seen = proxy.seen.length;
    const report = await vscode.commands.executeCommand<Report | undefined>('netdiag.diagnoseEndpoint', `${origin}/direct`);
    assert.ok(report);
    assert.equal(report.proxy?.url, null);
    assert.equal(report.proxy?.name, 'http.noProxy');
    assert.equal(proxy.seen.length, seen);
    await httpSettings.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    await httpSettings.update('proxy', undefined, vscode.ConfigurationTarget.Global);
  });

  test('an unusable http.proxy sends nothing: no silent direct connection', async () => {
    await httpSettings.update('proxy', `socks5://127.0.0.1:${proxy.port}`, vscode.ConfigurationTarget.Global);
    const before = requests;
    const seen = proxy.seen.length;
    const report = await vscode.commands.executeCommand<Report | undefined>('netdiag.diagnoseEndpoint', `${origin}/not-direct`);
    await httpSettings.update('proxy', undefined, vscode.ConfigurationTarget.Global);
    assert.ok(report);
    assert.equal(report.proxy?.error?.code, 'PROXY_INVALID');
    assert.deepEqual(report.connections, []);
    assert.equal(report.layers.find((l) => l.name === 'transport')?.status, 'fail');
    assert.equal(requests, before, 'the server was not reached directly');
    assert.equal(proxy.seen.length, seen);
  });

  test('the report the panel shows holds no secret: URL password, token username, query and Location credentials, cookies', async () => {
    const peer = await startSecretsPeer();
    try {
      for (const url of [peer.urlWithPassword, peer.urlWithTokenUser]) {
        const report = await vscode.commands.executeCommand<Report | undefined>('netdiag.diagnoseEndpoint', url);
        assert.ok(report);
        assert.equal(report.http?.requests.length, 2, 'the redirect was followed');
        const text = JSON.stringify(report).toLowerCase();
        assert.ok(!text.includes(PLANTED), text.match(/planted[-\w]*/g)?.join(', '));
      }
    } finally {
      await peer.close();
    }
  });

  test('a timeout setting Node would clamp to 1 ms is refused before anything is sent', async () => {
    await netdiag.update('timeouts.httpMs', 2 ** 31, vscode.ConfigurationTarget.Global);
    const before = requests;
    const report = await vscode.commands.executeCommand<Report | undefined>('netdiag.diagnoseEndpoint', `${origin}/clamped`);
    await netdiag.update('timeouts.httpMs', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(report, undefined, 'the engine setup refused the setting');
    assert.equal(requests, before);
  });

  test('Netdiag: Trace Route refuses a host the tool would take for an option', async () => {
    const route = await vscode.commands.executeCommand<RouteResult | undefined>('netdiag.traceRoute', 'http://-V/');
    assert.equal(route, undefined);
  });

  test('Netdiag: Trace Route traces a loopback address and opens the hops', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const route = await vscode.commands.executeCommand<RouteResult | undefined>('netdiag.traceRoute', '127.0.0.1');
    assert.ok(route);
    assert.notEqual(route.tool, null, route.error?.message);
    assert.equal(route.reached, true);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.languageId, 'markdown');
    assert.match(doc?.getText() ?? '', /# Route to 127\.0\.0\.1/);
  });
});
