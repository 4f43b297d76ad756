// The bind analysis in a real workbench: the hover over a bind value shows the verdict, and
// Analyze Bind Addresses opens the Bind Map with each service, its binds and its published ports.
// Names in the folder are never looked up (netdiag.bind.hoverDnsLookups off; IP literals hovered).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCommand, startWorkbench } from './workbench.mjs';

let workbench;
let folder;

before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-bind-e2e-'));
  fs.writeFileSync(
    path.join(folder, 'docker-compose.yml'),
    'services:\n  api:\n    image: api:1\n    environment:\n      HOST: 127.0.0.1\n      PORT: "3000"\n    ports:\n      - "8080:3000"\n  db:\n    image: postgres:16\n    expose:\n      - "5432"\n',
  );
  workbench = await startWorkbench({ workspace: folder, trust: true, settings: { 'netdiag.bind.hoverDnsLookups': false } });
});

after(async () => {
  await workbench?.close();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

test('the hover over a loopback bind in a container shows the verdict', async () => {
  const { page } = workbench;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('docker-compose.yml');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'docker-compose.yml' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: 'docker-compose.yml' }).waitFor();
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Netdiag' });
  // The first scan runs right after activation; hover again until the analysis is in.
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = page.locator('.monaco-editor .view-lines span', { hasText: '127.0.0.1' }).last();
    await target.hover();
    const box = await target.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    try {
      await hover.first().waitFor({ state: 'visible', timeout: 3000 });
      if (/BIND_LOOPBACK_IN_CONTAINER/.test(await hover.first().innerText())) break;
    } catch {
      // not shown yet
    }
    await page.mouse.move(0, 0);
  }
  // Hover text keeps spaces as non-breaking ones.
  const text = (await hover.first().innerText()).replace(/\u00a0/g, ' ');
  assert.match(text, /Problem: BIND_LOOPBACK_IN_CONTAINER/);
  assert.match(text, /Loopback: this container only/);
  assert.match(text, /Show in Bind Map/);
});

test('Analyze Bind Addresses renders the Bind Map', async () => {
  const { page } = workbench;
  await page.keyboard.press('Escape');
  await runCommand(page, 'Netdiag: Analyze Bind Addresses');
  const tree = page.locator('.pane', { hasText: 'Bind Map' }).locator('.monaco-list');
  await tree.locator('.monaco-list-row', { hasText: 'api' }).first().waitFor({ timeout: 20000 });
  const rows = await tree.locator('.monaco-list-row').allInnerTexts();
  const all = rows.join('\n');
  assert.match(all, /binds to/);
  assert.match(all, /127\.0\.0\.1:3000/);
  assert.match(all, /\*:8080 → 3000\/tcp/);
  assert.match(all, /db/);
  // Only this feature's console errors count here; other views report their own.
  assert.deepEqual(workbench.problems.filter((p) => /bind/i.test(p)), []);
});
