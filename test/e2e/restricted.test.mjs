// Restricted Mode: in an untrusted folder, looking at (hovering over) endpoints in config files
// must contact nothing; running Diagnose Endpoint explicitly asks first and then works.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDnsServer, startWebServer } from '../harness/servers.mjs';
import { completedReport, diagnoseThroughPalette, openFile, startWorkbench } from './workbench.mjs';

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

/**
 * Hovers `text` until Netdiag's hover shows: right after a file opens, the first bind scan may
 * still be running, and a mouse-driven hover can be missed, so move away and hover again.
 */
async function hoverText(page, text) {
  const target = page.locator('.monaco-editor .view-lines span', { hasText: text }).last();
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Netdiag' }).first();
  for (let attempt = 0; attempt < 6; attempt++) {
    await target.hover();
    // Move a little so the editor's hover (mouse-move driven) is sure to fire.
    const box = await target.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 4000 });
      return;
    } catch {
      await page.mouse.move(0, 0);
    }
  }
  throw new Error(`no Netdiag hover over ${text}`);
}

test('hovering endpoints in an untrusted folder contacts nothing', async () => {
  const mark = workbench.problems.length;
  const { page } = workbench;
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30000 });
  for (const file of ['services.env', 'docker-compose.yml']) {
    await openFile(page, file);
    await hoverText(page, `localhost:${web.port}`);
    if (file === 'services.env') await hoverText(page, `127.0.0.1:${web.port}`);
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
