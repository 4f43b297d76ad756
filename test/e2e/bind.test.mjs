// The bind analysis in a real workbench: the hover over a bind value shows the verdict, Analyze
// Bind Addresses opens the Bind Map with each service, its binds (a Kestrel host name as every
// interface), published ports and profiles, and in a folder holding one JSON config only
// (Properties/launchSettings.json) Netdiag starts through its folder pattern and the hover works
// there; in a folder of huge Compose files, Analyze shows its progress and stops on Cancel.
// Names in the folders are never looked up (netdiag.bind.hoverDnsLookups off; IP literals hovered).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeHugeCompose } from '../helpers/hostileWorkspace.ts';
import { hoverUntil, openFile, runCommand, startWorkbench } from './workbench.mjs';

const SETTINGS = { 'netdiag.bind.hoverDnsLookups': false };
let workbench;
let folder;

/** An ASP.NET project's launch profile, binding every IPv4 interface. */
function writeLaunchSettings(root) {
  fs.mkdirSync(path.join(root, 'shop', 'Properties'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'shop', 'Properties', 'launchSettings.json'),
    '{\n  "profiles": {\n    "shop": {\n      "commandName": "Project",\n      "applicationUrl": "http://0.0.0.0:5080"\n    }\n  }\n}\n',
  );
}

before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-bind-e2e-'));
  fs.writeFileSync(
    path.join(folder, 'docker-compose.yml'),
    'services:\n  api:\n    image: api:1\n    environment:\n      HOST: 127.0.0.1\n      PORT: "3000"\n    ports:\n      - "8080:3000"\n  db:\n    image: postgres:16\n    profiles: [debug]\n    expose:\n      - "5432"\n',
  );
  writeLaunchSettings(folder);
  // Kestrel binds every interface for a host name: the Bind Map must say *:5000, not the name.
  fs.mkdirSync(path.join(folder, 'kestrel'));
  fs.writeFileSync(path.join(folder, 'kestrel', 'appsettings.json'), '{\n  "Urls": "http://my-awesome-service:5000"\n}\n');
  // Tall enough for every service of the Bind Map at once: the tree renders only visible rows.
  workbench = await startWorkbench({ workspace: folder, trust: true, settings: SETTINGS, viewport: { width: 1400, height: 1400 } });
});

after(async () => {
  await workbench?.close();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

test('the hover over a loopback bind in a container shows the verdict', async () => {
  const { page } = workbench;
  await openFile(page, 'docker-compose.yml');
  const text = await hoverUntil(page, '127.0.0.1', { expected: /BIND_LOOPBACK_IN_CONTAINER/ });
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
  assert.match(all, /db\s*container, profile debug/);
  assert.match(all, /shop/);
  assert.match(all, /0\.0\.0\.0:5080/);
  assert.match(all, /\*:5000\s*all \(Kestrel, for the name my-awesome-service\)/);
  assert.doesNotMatch(all, /my-awesome-service:5000/);
  // Only this feature's console errors count here; other views report their own.
  assert.deepEqual(workbench.problems.filter((p) => /bind/i.test(p)), []);
});

test('a folder with one JSON config, launchSettings.json, activates Netdiag, and its hover explains the bind', async () => {
  const jsonOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-json-e2e-'));
  writeLaunchSettings(jsonOnly);
  const session = await startWorkbench({ workspace: jsonOnly, trust: true, settings: SETTINGS });
  try {
    await openFile(session.page, 'launchSettings.json');
    const text = await hoverUntil(session.page, '0.0.0.0', { expected: /Bind 0\.0\.0\.0:5080/ });
    assert.match(text, /Bind 0\.0\.0\.0:5080 \(applicationUrl\) of "shop" \(host\)/);
    assert.match(text, /Every IPv4 interface of this machine/);
  } finally {
    await session.close();
    fs.rmSync(jsonOnly, { recursive: true, force: true });
  }
});

test('Analyze Bind Addresses on huge Compose files shows its progress and stops on Cancel', async () => {
  const huge = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-huge-e2e-'));
  // 24 Compose files of 63,881 services: a second or two of parsing each, far longer than a click.
  for (let i = 0; i < 24; i++) {
    fs.mkdirSync(path.join(huge, `app${i}`));
    writeHugeCompose(path.join(huge, `app${i}`));
  }
  const session = await startWorkbench({ workspace: huge, trust: true, settings: SETTINGS });
  try {
    const { page } = session;
    await runCommand(page, 'Netdiag: Analyze Bind Addresses');
    const progress = page.locator('.notification-toast', { hasText: 'analyzing bind addresses' });
    await progress.waitFor({ timeout: 60000 });
    // The progress counts the files read, then Cancel stops the scan between two of them.
    await progress.filter({ hasText: /\d+ of 24 candidate files/ }).waitFor({ timeout: 60000 });
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await page.locator('.notification-toast', { hasText: 'bind analysis cancelled' }).waitFor({ timeout: 60000 });
    await progress.waitFor({ state: 'detached', timeout: 10000 });
  } finally {
    await session.close();
    fs.rmSync(huge, { recursive: true, force: true });
  }
});
