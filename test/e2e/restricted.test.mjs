// Restricted Mode: in an untrusted folder, looking at (hovering over) endpoints in config files
// must contact nothing; running Diagnose Endpoint explicitly asks first and then works; the answer
// holds for the window, so Trace Route does not ask again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDnsServer, startWebServer } from '../harness/servers.mjs';
import { completedReport, diagnoseThroughPalette, hoverUntil, openFile, runCommand, startWorkbench } from './workbench.mjs';

let workbench;
let web;
let dns;
let folder;

before(async () => {
  web = await startWebServer();
  dns = await startDnsServer();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-untrusted-'));
  // `localhost` and 127.0.0.1 only: the system resolver answers localhost from /etc/hosts, and the
  // wire-level resolver is our loopback DNS server, so even a misbehaving probe stays local.
  fs.writeFileSync(path.join(folder, 'services.env'), `API_URL=http://localhost:${web.port}/health\nAUTH_URL=http://127.0.0.1:${web.port}/auth\n`);
  fs.writeFileSync(
    path.join(folder, 'docker-compose.yml'),
    `services:\n  web:\n    environment:\n      API_URL: http://localhost:${web.port}/health\n`,
  );
  workbench = await startWorkbench({
    workspace: folder,
    trust: true,
    settings: {
      // No start-up trust dialog: the folder simply opens in Restricted Mode.
      'security.workspace.trust.startupPrompt': 'never',
      'netdiag.dns.servers': [dns.server],
    },
  });
});

after(async () => {
  await workbench?.close();
  await Promise.all([web?.close(), dns?.close()]);
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

test('hovering endpoints in an untrusted folder contacts nothing', async () => {
  const mark = workbench.problems.length;
  const { page } = workbench;
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30000 });
  for (const file of ['services.env', 'docker-compose.yml']) {
    await openFile(page, file);
    await hoverUntil(page, `localhost:${web.port}`);
    if (file === 'services.env') await hoverUntil(page, `127.0.0.1:${web.port}`);
  }
  // Give any (wrong) probe started by a hover time to reach the servers.
  await page.waitForTimeout(3000);
  assert.equal(web.requests, 0, 'an HTTP request was made from a hover');
  assert.equal(dns.queries, 0, 'a DNS query was made from a hover');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('Diagnose Endpoint in an untrusted folder asks, then runs', async () => {
  const mark = workbench.problems.length;
  const { page } = workbench;
  const url = `http://localhost:${web.port}/health`;
  await diagnoseThroughPalette(page, url);
  const confirm = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Diagnose' });
  await confirm.waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(web.requests, 0, 'connected before the user confirmed');
  await confirm.click();
  const frame = await completedReport(page, url);
  assert.equal(await frame.locator('[data-testid="layer-transport"]').getAttribute('data-status'), 'ok');
  assert.ok(web.requests >= 1, 'the server was not contacted after confirming');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('one question per window: after Diagnose was allowed, Trace Route runs without asking again', async () => {
  const mark = workbench.problems.length;
  const { page } = workbench;
  await runCommand(page, 'Netdiag: Trace Route');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('127.0.0.1');
  await page.keyboard.press('Enter');
  // The route opens as a Markdown document (or says which tool to install); no dialog comes first.
  const dialog = page.locator('.monaco-dialog-box');
  const routeDocument = page.locator('.monaco-editor .view-lines', { hasText: 'Route to 127.0.0.1' }).first();
  const first = await Promise.race([
    dialog.waitFor({ timeout: 60000 }).then(() => 'dialog', () => 'none'),
    routeDocument.waitFor({ timeout: 60000 }).then(() => 'document', () => 'none'),
  ]);
  assert.equal(first, 'document', 'Trace Route asked again, or showed no route');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});
