// Extension-host suite: runs inside a real VS Code (desktop through @vscode/test-cli, or
// code-server through test/vscode/runOffline.mjs) against servers this suite starts on loopback.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayerName } from '../../../src/engine/model/common';
import type { Report } from '../../../src/engine/model/report';
import { makeCertificates } from '../../harness/certs.mjs';

const EXTENSION_ID = 'netdiag.netdiag';
const LAYERS: readonly LayerName[] = ['link', 'internet', 'transport', 'tls', 'application'];

function listen<S extends http.Server>(server: S): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function diagnose(target: string): Promise<Report> {
  const report = await vscode.commands.executeCommand<Report | undefined>('netdiag.diagnoseEndpoint', target);
  assert.ok(report, 'netdiag.diagnoseEndpoint returned no report');
  return report;
}

function layerStatus(report: Report, name: LayerName): string | undefined {
  return report.layers.find((l) => l.name === name)?.status;
}

function webviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
}

async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

suite('Netdiag in the extension host', () => {
  const settings = vscode.workspace.getConfiguration('netdiag');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-suite-'));
  const certs = makeCertificates();
  const caFile = path.join(tmp, 'ca.pem');
  let redirects = 0;
  const httpsServer = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    if (req.url === '/redirect') {
      redirects++;
      res.writeHead(302, { location: '/final' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  let origin = '';

  suiteSetup(async () => {
    fs.writeFileSync(caFile, certs.caPem);
    origin = `https://${await listen(httpsServer)}`;
    await settings.update('tls.extraCaFiles', [caFile], vscode.ConfigurationTarget.Global);
    // Wire-level DNS only ever to loopback: nothing listens on port 9, so a query fails at once
    // instead of reaching the machine's configured resolver.
    await settings.update('dns.servers', ['127.0.0.1:9'], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await settings.update('http.maxRedirects', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('tls.extraCaFiles', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('dns.servers', undefined, vscode.ConfigurationTarget.Global);
    await close(httpsServer);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    const manifest = ext.packageJSON as { contributes?: { commands?: { command: string }[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.includes('netdiag.diagnoseEndpoint'), 'package.json does not contribute netdiag.diagnoseEndpoint');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed but not registered');
  });

  test('Diagnose Endpoint returns a complete report and opens the report panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const report = await diagnose(`${origin}/`);
    assert.equal(report.complete, true);
    assert.deepEqual(report.layers.map((l) => l.name).sort(), [...LAYERS].sort());
    assert.equal(layerStatus(report, 'transport'), 'ok', JSON.stringify(report.layers));
    assert.equal(layerStatus(report, 'tls'), 'ok', JSON.stringify(report.layers));
    assert.equal(layerStatus(report, 'application'), 'ok', JSON.stringify(report.layers));
    assert.equal(report.tls?.verification.trusted, true, 'the CA from netdiag.tls.extraCaFiles was not used');
    assert.equal(report.http?.requests.at(-1)?.status, 200);
    assert.ok(report.connections.some((c) => c.ok && c.used), 'no connection carried the request');
    // The window tells the extension host about new tabs asynchronously; a fast diagnosis can end first.
    assert.ok(await eventually(() => webviewTabs().length > 0, 5000), 'no webview tab opened');
  });

  test('a diagnosis reports the set-up before its clock apart from the network phases', async () => {
    const report = await diagnose(`${origin}/`);
    assert.equal(typeof report.setupMs, 'number', 'no setupMs: the engine did not prepare before its clock');
    assert.ok((report.setupMs ?? -1) >= 0);
    assert.equal(report.tls?.verification.trusted, true);
  });

  test('a refused port fails at the transport layer', async () => {
    const closed = http.createServer();
    const hostPort = await listen(closed);
    await close(closed);
    const report = await diagnose(`https://${hostPort}/`);
    assert.equal(layerStatus(report, 'transport'), 'fail');
    assert.ok(report.findings.some((f) => f.code === 'TCP_REFUSED'), JSON.stringify(report.findings.map((f) => f.code)));
  });

  test('netdiag.http.maxRedirects takes effect without a reload', async () => {
    const followed = await diagnose(`${origin}/redirect`);
    assert.deepEqual(followed.http?.requests.map((r) => r.status), [302, 200]);

    await settings.update('http.maxRedirects', 0, vscode.ConfigurationTarget.Global);
    redirects = 0;
    const stopped = await diagnose(`${origin}/redirect`);
    assert.deepEqual(stopped.http?.requests.map((r) => r.status), [302]);
    assert.equal(redirects, 1);
  });
});
