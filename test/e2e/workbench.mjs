// Driving the real workbench (code-server in headless Chromium) the way a user does: the command
// palette, the quick input, the report webview (found by walking the page's frames: a webview is
// an iframe inside an iframe). Also the watch for console errors and CSP violations.
import fs from 'node:fs';
import path from 'node:path';
import { installExtension, launchChromium, openWorkbench, REPO_ROOT, startCodeServer, tempDirs } from '../harness/codeServer.mjs';

export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');

/**
 * Runs in every frame, webviews included, before their own scripts: CSP violations become console
 * errors the test collects, whichever frame they happen in.
 */
const VIOLATION_REPORTER = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + location.pathname);
});`;

/**
 * Starts code-server with the built extension, opens the workbench in Chromium, and collects
 * problems: console errors from webviews, anything naming Netdiag, and every CSP message.
 * With `netns`, the workbench (code-server and the browser) runs inside that network namespace.
 * @param {{workspace?: string, settings?: Record<string, unknown>, trust?: boolean, viewport?: {width: number, height: number}, prefix?: string[], netns?: string}} [o]
 */
export async function startWorkbench({ workspace = FIXTURE_WORKSPACE, settings = {}, trust = false, viewport, prefix = [], netns } = {}) {
  const dirs = tempDirs('netdiag-e2e');
  installExtension(dirs.extensionsDir);
  const server = await startCodeServer({ workspace, userDataDir: dirs.userDataDir, extensionsDir: dirs.extensionsDir, settings, trust, prefix, netns });

  let browser;
  try {
    browser = await launchChromium({ netns });
    const problems = [];
    const page = await openWorkbench(browser, server, { ...viewport, initScript: VIOLATION_REPORTER });
    page.on('console', (msg) => {
      const text = msg.text();
      const inWebview = msg.location().url.includes('/webview/') || msg.location().url.includes('vscode-resource');
      if (/Content Security Policy|CSP violation/i.test(text) || (msg.type() === 'error' && (inWebview || /netdiag/i.test(text)))) {
        problems.push(`${msg.type()}: ${text} (${msg.location().url})`);
      }
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    return {
      page,
      server,
      problems,
      async close() {
        await browser.close().catch(() => {});
        await server.stop();
        fs.rmSync(dirs.root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw err;
  }
}

/**
 * F1, the command's title, Enter. Retried: right after start-up the workbench may still be
 * taking focus or loading the command list, and a key press can be lost.
 */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  // The row's own label, exactly: a picker left open would show the typed text as a row too.
  const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: exact }).first();
  for (let attempt = 1; ; attempt++) {
    // Escape closes a hover or notification that would keep the key; the palette has two keys.
    await page.keyboard.press('Escape');
    await page.keyboard.press(attempt % 2 === 1 ? 'F1' : 'Control+Shift+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`);
      await row.waitFor({ timeout: 10000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** Types into the open quick input and accepts once a row shows what was typed. */
export async function answerQuickInput(page, text) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Runs Netdiag: Diagnose Endpoint on `target` through the palette. */
export async function diagnoseThroughPalette(page, target) {
  await runCommand(page, 'Netdiag: Diagnose Endpoint');
  await answerQuickInput(page, target);
}

/**
 * Runs Netdiag: Look Up DNS Records on `name` through the palette, with the types it picks
 * (A and AAAA) and the servers the settings name (the third prompt comes filled in).
 */
export async function lookUpDnsThroughPalette(page, name) {
  await runCommand(page, 'Netdiag: Look Up DNS Records');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: '(2/3)' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: '(3/3)' }).waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Whether Netdiag's extension host sees the user settings' `netdiag.dns.servers` (the third prompt
 * of Look Up DNS Records comes filled in with them); cancelled there, so nothing is looked up.
 * code-server has started an extension host without the restricted netdiag.* user settings: seen
 * once in CI, every diagnosis of that session lacked its extra CA file and its DNS server, and a
 * lookup, whose code reads the settings directly, the server.
 */
export async function seesDnsServers(page, servers) {
  await runCommand(page, 'Netdiag: Look Up DNS Records');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('localhost');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: '(2/3)' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: '(3/3)' }).waitFor();
  const value = await input.inputValue();
  await page.keyboard.press('Escape');
  return value === servers;
}

/** The frame whose document has `selector`, searched in every frame (webviews are nested iframes). */
export async function findFrame(page, selector, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const found = await frame.$(selector).catch(() => null);
      if (found) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no frame has ${selector} after ${timeoutMs} ms`);
}

/**
 * The report webview for `url` once its final report is drawn: the frame holding
 * `[data-testid=report][data-complete=true]` whose target is `url`.
 */
export async function completedReport(page, url, timeoutMs = 45000) {
  const selector = '[data-testid="report"][data-complete="true"]';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const frame = await findFrame(page, selector, Math.max(0, deadline - Date.now()));
    const shown = await frame.locator('[data-testid="target-url"]').textContent().catch(() => null);
    if (shown === url) return frame;
    await page.waitForTimeout(200);
  }
  throw new Error(`no completed report for ${url} after ${timeoutMs} ms`);
}

/** `data-status` of each layer in the report frame. */
export async function layerStatuses(frame) {
  const out = {};
  for (const name of ['link', 'internet', 'transport', 'tls', 'application']) {
    out[name] = await frame.locator(`[data-testid="layer-${name}"]`).getAttribute('data-status', { timeout: 5000 }).catch(() => null);
  }
  return out;
}

/** A CA file under a fresh folder, for netdiag.tls.extraCaFiles. */
export function writeCaFile(dir, caPem) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'test-ca.pem');
  fs.writeFileSync(file, caPem);
  return file;
}

/** Quick Open (Ctrl+P) a file of the workspace by name and wait until its tab is active. */
export async function openFile(page, name) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
}

/**
 * Hovers `text` in the active editor (on the line holding `line`, when given) until Netdiag's
 * hover shows and matches `expected`, and returns its text (non-breaking spaces made plain). Right
 * after activation or a file's opening the first bind scan may still run, and a mouse-driven hover
 * can be missed: move away and hover again.
 */
export async function hoverUntil(page, text, { expected = /Netdiag/, line, attempts = 10 } = {}) {
  const lines = line === undefined ? page.locator('.monaco-editor .view-lines') : page.locator('.monaco-editor .view-line', { hasText: line });
  const target = lines.locator('span', { hasText: text }).last();
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Netdiag' }).first();
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    await target.hover();
    // Move a little so the editor's hover (mouse-move driven) is sure to fire.
    const box = await target.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 3000 });
      last = (await hover.innerText()).replace(/\u00a0/g, ' ');
      if (expected.test(last)) return last;
    } catch {
      // not shown yet
    }
    await page.mouse.move(0, 0);
  }
  throw new Error(`no Netdiag hover matching ${expected} over ${text}${last ? `; the last one said:\n${last}` : ''}`);
}

/** Right-clicks a service's row in the Bind Map and runs an item of its menu. */
export async function bindMapServiceMenu(page, service, item) {
  const tree = page.locator('.pane', { hasText: 'Bind Map' }).locator('.monaco-list');
  // The service's own row is at the top level; its name also labels rows under other services.
  const row = tree.locator('.monaco-list-row[aria-level="1"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${service}$`) }) }).first();
  await row.waitFor({ timeout: 20000 });
  // A menu or hover left open would take the click.
  await page.keyboard.press('Escape');
  await row.click({ button: 'right' });
  const entry = page.locator('.monaco-menu .action-label', { hasText: item }).first();
  await entry.waitFor();
  // A menu ignores a click that comes while it still opens; hover, then choose with the keyboard.
  await page.waitForTimeout(300);
  await entry.hover();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 10000 });
}

/** Clicks the open quick pick's row showing `text`. */
export async function acceptQuickPick(page, text) {
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
}
