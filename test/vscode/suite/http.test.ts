// Extension-host suite for HTTP in depth: VS Code's http.proxy and http.noProxy reach the engine
// (a Node proxy on loopback, started here), requests go through it, and Netdiag: Trace Route
// traces a loopback address and shows the hops.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { Report, RouteResult } from '../../../src/engine/model/report';
import { startForwardProxy, type TestProxy } from '../../helpers/proxies';

suite('Netdiag HTTP, proxies and the route', () => {
  const httpSettings = vscode.workspace.getConfiguration('http');
  const netdiag = vscode.workspace.getConfiguration('netdiag');
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain', via: '1.1 varnish', age: '5' }).end('ok'));
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
