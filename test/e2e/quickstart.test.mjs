// The README's Quick start, as a newcomer meets it: `npm start` run through npm (so the nested
// installs see the environment an outer npm exports) prints a URL that serves VS Code with Netdiag
// active in the sample workspace, and `npm run package` makes a .vsix that installs into that same
// VS Code. Runs last: packaging rebuilds dist/ in production mode.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ensureCodeServer, killGroup, launchChromium, openWorkbench, REPO_ROOT, startCodeServer, tempDirs } from '../harness/codeServer.mjs';
import { FIXTURE_WORKSPACE } from './workbench.mjs';

/** Netdiag's bind findings on the sample workspace reach the status bar's problem count. */
async function netdiagProblems(page) {
  const errors = page.locator('.statusbar-item[id="status.problems"]');
  const deadline = Date.now() + 60000;
  let label = '';
  while (Date.now() < deadline) {
    label = (await errors.getAttribute('aria-label').catch(() => null)) ?? (await errors.innerText().catch(() => ''));
    const count = Number(/(\d+)/.exec(label)?.[1] ?? 0);
    if (count > 0) break;
    await page.waitForTimeout(500);
  }
  // Clicking the count opens the Problems panel, as a user would.
  await errors.click();
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible', timeout: 10000 });
  await panel.locator('.monaco-list-row', { hasText: 'BIND_LOOPBACK_IN_CONTAINER' }).first().waitFor({ timeout: 30000 });
  return label;
}

/** Reads the child's stdout until `pattern` matches, or fails with what it printed. */
function waitForOutput(child, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no match for ${pattern} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const onData = (chunk) => {
      out += chunk;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before printing ${pattern}; output:\n${out}`));
    });
  });
}

test('npm start prints a URL that serves VS Code with Netdiag active in the sample workspace', async () => {
  // A TMPDIR of its own: npm start keeps its user data under the temporary folder.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-quickstart-'));
  const child = spawn('npm', ['start', '--', '--code-server'], { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let browser;
  try {
    const [, url] = await waitForOutput(child, /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/, 180000);
    assert.ok(decodeURIComponent(url).endsWith(FIXTURE_WORKSPACE), `npm start opened ${url}, not the sample workspace`);
    browser = await launchChromium();
    const page = await openWorkbench(browser, { workbenchUrl: url });
    const label = await netdiagProblems(page);
    assert.match(label, /[1-9]/, `no problems counted in the status bar (${label})`);
    // The sample's README is the start-up editor: a newcomer sees what to try.
    await page.locator('.tab', { hasText: 'README.md' }).first().waitFor({ timeout: 30000 });
  } finally {
    await browser?.close().catch(() => {});
    const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    killGroup(child, 'SIGINT');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('npm run package makes a .vsix that installs into that VS Code and activates there', async () => {
  const pack = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, `npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
  const vsix = path.join(REPO_ROOT, 'netdiag.vsix');
  assert.ok(fs.statSync(vsix).size > 0, 'no netdiag.vsix');
  const { nodeBin, entry, env } = await ensureCodeServer();
  const dirs = tempDirs('netdiag-vsix');
  const install = spawnSync(nodeBin, [entry, '--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, '--install-extension', vsix], { env: { ...env, EXTENSIONS_GALLERY: '{}' }, encoding: 'utf8' });
  assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const installed = fs.readdirSync(dirs.extensionsDir).find((d) => d.startsWith(`${manifest.publisher}.${manifest.name}-`));
  assert.ok(installed, `the .vsix did not install (extensions: ${fs.readdirSync(dirs.extensionsDir).join(', ')})`);
  const server = await startCodeServer({ workspace: FIXTURE_WORKSPACE, userDataDir: dirs.userDataDir, extensionsDir: dirs.extensionsDir });
  let browser;
  try {
    browser = await launchChromium();
    const page = await openWorkbench(browser, server);
    await netdiagProblems(page);
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    fs.rmSync(dirs.root, { recursive: true, force: true });
  }
});
