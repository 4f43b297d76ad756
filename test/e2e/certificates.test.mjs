// Browser end-to-end for the certificate features in an untrusted workspace: a .der file opens in
// the certificate viewer (no network, no prompt) and its hostile subject is shown as text under
// the real CSP; a 400 MB file is refused from its size; inspecting an endpoint asks before connecting and then lists the chain in the
// Certificates view of the Netdiag activity bar.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeCertificates } from '../harness/certs.mjs';
import { startWebServer } from '../harness/servers.mjs';
import { findFrame, runCommand, startWorkbench, writeCaFile } from './workbench.mjs';

const IMG_PAYLOAD = `<img src=x onerror="window.__pwned=1;console.error('PWNED img')">`;

let workbench;
let folder;
let tmp;
let web;

before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-cert-e2e-'));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-cert-e2e-ca-'));
  const hostile = makeCertificates({ commonName: IMG_PAYLOAD });
  fs.writeFileSync(path.join(folder, 'hostile.der'), new X509Certificate(hostile.certPem).raw);
  // 400 MB on paper, no disk used (sparse): the viewer must decide from the size, never read it.
  fs.writeFileSync(path.join(folder, 'huge.crt'), '');
  fs.truncateSync(path.join(folder, 'huge.crt'), 400 * 1024 * 1024);
  const certs = makeCertificates();
  web = await startWebServer({ tls: certs });
  // trust: true turns workspace trust on, so this folder opens in Restricted Mode (untrusted).
  workbench = await startWorkbench({
    workspace: folder,
    trust: true,
    settings: { 'security.workspace.trust.startupPrompt': 'never', 'netdiag.tls.extraCaFiles': [writeCaFile(tmp, certs.caPem)] },
  });
});

after(async () => {
  await workbench?.close();
  await web?.close();
  for (const dir of [folder, tmp]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a .der file opens in the certificate viewer: verdict, details, hostile text as text', async () => {
  const { page } = workbench;
  const mark = workbench.problems.length;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('hostile.der');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'hostile.der' }).first().waitFor();
  await page.keyboard.press('Enter');
  const frame = await findFrame(page, '[data-testid="certificate-view"] [data-testid="verdict"]');
  const verdict = await frame.locator('[data-testid="verdict"]').innerText();
  assert.match(verdict, /not anchored|self-signed|issuer/i, verdict);
  const card = await frame.locator('[data-testid="cert-0"]').innerText();
  assert.match(card, /SHA-256/);
  assert.ok(card.includes('<img src=x onerror='), 'the hostile subject is shown as text');
  assert.equal(await frame.evaluate(() => window.__pwned ?? 0), 0);
  assert.equal(await frame.locator('img').count(), 0, 'no element was made from certificate text');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations');
  assert.equal(web.requests, 0, 'opening a file touched no server');
});

test('a 400 MB .crt opens in the viewer as a refusal that says its size, without reading it', async () => {
  const { page } = workbench;
  const mark = workbench.problems.length;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('huge.crt');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'huge.crt' }).first().waitFor();
  await page.keyboard.press('Enter');
  const frame = await findFrame(page, '[data-testid="certificate-view"] [data-testid="certificate-error"]');
  const text = await frame.locator('[data-testid="certificate-error"]').innerText();
  assert.match(text, /huge\.crt is 400\.0 MiB \(419430400 bytes\), larger than the 10 MiB a certificate file can be; it was not read\./);
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations');
});

test('Inspect Certificate of Endpoint asks first in an untrusted workspace, then lists the chain', async () => {
  const { page } = workbench;
  const mark = workbench.problems.length;
  await runCommand(page, 'Netdiag: Inspect Certificate of Endpoint…');
  const target = `127.0.0.1:${web.port}`;
  await page.locator('.quick-input-widget input').fill(target);
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10000 });
  assert.match(await dialog.innerText(), /not trusted/);
  await dialog.locator('.monaco-button', { hasText: 'Connect' }).click();
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: target }).first();
  await row.waitFor({ timeout: 20000 });
  assert.match(await page.locator('.pane-header', { hasText: 'Certificates' }).first().innerText(), /Certificates/i);
  // The entry carries its verdict as the description (whether the CA setting applies in
  // Restricted Mode depends on where code-server put it; either verdict is an answer).
  assert.match(await row.innerText(), /trusted by|error\(s\)|warning\(s\)/);
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations');
});
