// Extension-host suite for the certificate features: Diagnose Endpoint feeding the Certificates
// view, inspecting and scanning an endpoint, the certificate viewer (custom editor) on a DER
// file, and the entry actions. Servers are this suite's own, on loopback.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NetdiagApi } from '../../../src/vscode/api';
import type { CertCheck } from '../../../src/engine/tls/certCheck';
import { makeCertificates } from '../../harness/certs.mjs';

/** The Certificates view's entries, through the API activate() returns. */
const list = async (): Promise<ReturnType<NetdiagApi['certificates']['list']>> => {
  const api = await vscode.extensions.getExtension<NetdiagApi>('netdiag.netdiag')?.activate();
  assert.ok(api, 'the extension returned no API');
  return api.certificates.list();
};

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('Certificates view and viewer', () => {
  const settings = vscode.workspace.getConfiguration('netdiag');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-certsuite-'));
  const certs = makeCertificates();
  const caFile = path.join(tmp, 'ca.pem');
  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (_req, res) => res.end('ok\n'));
  let hostPort = '';

  suiteSetup(async () => {
    fs.writeFileSync(caFile, certs.caPem);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    await settings.update('tls.extraCaFiles', [caFile], vscode.ConfigurationTarget.Global);
    await settings.update('dns.servers', ['127.0.0.1:9'], vscode.ConfigurationTarget.Global);
    await vscode.extensions.getExtension('netdiag.netdiag')?.activate();
  });

  suiteTeardown(async () => {
    await settings.update('tls.extraCaFiles', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('dns.servers', undefined, vscode.ConfigurationTarget.Global);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('contributes the Netdiag container with the Certificates view, and it opens', async () => {
    const manifest = vscode.extensions.getExtension('netdiag.netdiag')?.packageJSON as { contributes: { views: Record<string, { id: string }[]>; customEditors: { viewType: string }[] } };
    assert.ok(manifest.contributes.views['netdiag']?.some((v) => v.id === 'netdiag.certificates'));
    assert.ok(manifest.contributes.customEditors.some((e) => e.viewType === 'netdiag.certificateViewer'));
    await vscode.commands.executeCommand('netdiag.certificates.focus');
  });

  test('Diagnose Endpoint lists the chain it saw in the Certificates view', async () => {
    await vscode.commands.executeCommand('netdiag.diagnoseEndpoint', `https://${hostPort}/`);
    const entry = await eventually(async () => (await list()).find((e) => e.key === `endpoint:${hostPort}`), 5000);
    assert.ok(entry, `no entry for ${hostPort}: ${(await list()).map((e) => e.key).join(', ')}`);
    assert.ok(entry.check.chain.length >= 1);
    assert.equal(entry.check.verification.store, 'extra');
    assert.ok(entry.check.path.length >= 2, 'the path to the anchor is listed');
  });

  test('Inspect Certificate of Endpoint and Scan TLS Configuration check the endpoint and list it', async () => {
    const check = await vscode.commands.executeCommand<CertCheck | undefined>('netdiag.certificates.inspectEndpoint', hostPort);
    assert.ok(check, 'no check returned');
    assert.equal(check.sentOrderKnown, true);
    assert.match(check.verdict, /extra CA file/);
    const scanned = await vscode.commands.executeCommand<CertCheck | undefined>('netdiag.scanTls', hostPort);
    assert.ok(scanned?.scan, 'no scan');
    assert.ok(scanned.scan.protocols.some((p) => p.name === 'TLSv1.3' && p.supported));
    const entry = (await list()).find((e) => e.key === `endpoint:${hostPort}`);
    assert.ok(entry?.check.scan, 'the scan replaced the entry');
  });

  // Copy PEM is not run here: code-server's headless browser never answers clipboard writes.
  test('Remove drops the entry', async () => {
    assert.equal((await list()).some((e) => e.key === `endpoint:${hostPort}`), true);
    await vscode.commands.executeCommand('netdiag.certificates.remove', `endpoint:${hostPort}`);
    assert.equal((await list()).some((e) => e.key === `endpoint:${hostPort}`), false);
  });

  test('a .der file opens in the certificate viewer and is listed, without any network', async () => {
    const file = path.join(tmp, 'leaf.der');
    fs.writeFileSync(file, new X509Certificate(certs.certPem).raw);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.openWith', uri, 'netdiag.certificateViewer');
    const tab = await eventually(async () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === 'netdiag.certificateViewer'), 5000);
    assert.ok(tab, 'no certificate viewer tab');
    const entry = await eventually(async () => (await list()).find((e) => e.key === `file:${uri.toString()}`), 5000);
    assert.ok(entry, 'the file is not listed');
    assert.equal(entry.check.source.format, 'der');
    assert.equal(entry.check.chain.length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Inspect Certificate on a PEM bundle opens the viewer', async () => {
    const file = path.join(tmp, 'chain.pem');
    fs.writeFileSync(file, certs.certPem + certs.caPem);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('netdiag.certificates.inspectFile', uri);
    const entry = await eventually(async () => (await list()).find((e) => e.key === `file:${uri.toString()}`), 5000);
    assert.ok(entry);
    assert.equal(entry.check.chain.length, 2);
    assert.equal(entry.check.verification.store, 'extra');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
