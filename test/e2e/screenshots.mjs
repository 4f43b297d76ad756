// `npm run screenshots`: the panel of a DNS lookup, and the report panel for a working HTTPS
// endpoint and a refused port, in the default light, dark and high-contrast themes (cropped to
// the editor area); and, in light and dark, the hover over a bind value, the Bind Map with a
// diagnostic in docker-compose.yml, the Certificates view listing the diagnosed chain, and the
// certificate viewer on a .crt file; then (vantageScreenshots.mjs) the comparison view and the
// workspace endpoints table; all into media/screenshots/. The endpoints are loopback
// servers started here; the workspace is a temporary copy of the sample workspace with the served
// certificate added as server.crt. As root, the stack of a server two links away too (report-stack-*):
// the workbench runs inside the client namespace of the test lab (test/helpers/netnsLab.ts) and
// diagnoses, then traces, the lab's server (`-- --stack-only` takes only these).
import { spawnSync } from 'node:child_process';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, ensureCodeServerOrExit, REPO_ROOT } from '../harness/codeServer.mjs';
import { makeCertificates } from '../harness/certs.mjs';
import { refusedPort, startDnsServer, startWebServer } from '../harness/servers.mjs';
import { namespacesUnavailable } from '../helpers/netns.ts';
import { makeLab } from '../helpers/netnsLab.ts';
import { completedReport, diagnoseThroughPalette, findFrame, FIXTURE_WORKSPACE, hoverUntil, layerStatuses, lookUpDnsThroughPalette, openFile, runCommand, startWorkbench, writeCaFile } from './workbench.mjs';

const OUT = path.join(REPO_ROOT, 'media', 'screenshots');
// [file suffix, theme, whether the side bar, hover and viewer shots are taken too]. Current theme
// names: an old one ("Default Light Modern") makes the workbench rewrite settings.json at start,
// after which code-server's extension host can lose the restricted netdiag.* settings.
const THEMES = [
  ['light', 'Light Modern', true],
  ['dark', 'Dark Modern', true],
  ['hc', 'Default High Contrast', false],
];
const SIDEBAR_WIDTH = 430;

if (!process.argv.includes('--no-build')) buildExtension();
await ensureCodeServerOrExit({ browser: true });
fs.mkdirSync(OUT, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-shots-'));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
const certs = makeCertificates();
fs.writeFileSync(path.join(workspace, 'server.crt'), certs.certPem + certs.caPem);
const ok = await startWebServer({ tls: certs });
const dns = await startDnsServer();
const refused = await refusedPort();
// The working endpoint last: its report stays open behind the other shots' editors.
const shots = [
  ['refused', `https://127.0.0.1:${refused}/`],
  ['ok', `${ok.origin}/`],
];

/** Saves the union of the parts' boxes (those on screen) as media/screenshots/<name>. */
async function capture(page, name, selectors) {
  const boxes = [];
  for (const selector of selectors) {
    const box = await page.locator(selector).first().boundingBox().catch(() => null);
    if (box && box.width > 0 && box.height > 0) boxes.push(box);
  }
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, clip: { x, y, width: right - x, height: bottom - y } });
  console.log(`${path.relative(REPO_ROOT, file)} ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
}

/**
 * Look Up DNS Records for `localhost` through the palette: A and AAAA (the pre-picked types) from
 * the loopback DNS server the settings name; the hosts file answers the system resolver part.
 */
async function shootDnsLookup(page, themeKey) {
  await runCommand(page, 'View: Close All Editors');
  await lookUpDnsThroughPalette(page, 'localhost');
  await findFrame(page, '[data-testid="dns-query-1"]');
  await page.waitForTimeout(1500);
  await capture(page, `dns-lookup-${themeKey}.png`, ['.part.editor']);
}

/** Drags the sash on the side bar's right edge so long tree rows fit. */
async function widenSideBar(page) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || Math.abs(box.width - SIDEBAR_WIDTH) < 5) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + SIDEBAR_WIDTH, y, { steps: 5 });
  await page.mouse.up();
}

/** The pane of the Netdiag container named `title`, expanded or collapsed. */
async function setPane(page, title, expanded) {
  const header = page.locator('.part.sidebar .pane-header', { hasText: title }).first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) !== String(expanded)) await header.click();
}

try {
  // --stack-only: just the stack shots (they need root), for work on the stack figure.
  if (!process.argv.includes('--stack-only')) for (const [themeKey, theme, more] of THEMES) await shootTheme(themeKey, theme, more);
  await shootStacks();
} finally {
  await Promise.all([ok.close(), dns.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
}
// The comparison view and the endpoints table need a real Compose project; their script skips
// (and says why) where podman cannot run.
const vantage = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'e2e', 'vantageScreenshots.mjs')], { stdio: 'inherit' });
if (vantage.status !== 0) process.exitCode = 1;

/**
 * The stack of https://www.netdiag.test:8443/ two links away (client link MTU 1400, the server's
 * 1300), diagnosed from the lab's client namespace, its route traced, in each theme.
 */
async function shootStacks() {
  const why = namespacesUnavailable();
  if (why) {
    console.log(`report-stack-*.png not taken: ${why}`);
    return;
  }
  const lab = makeLab({ clientMtu: 1400, serverMtu: 1300, clientEtc: { hosts: '127.0.0.1 localhost\n10.77.2.2 www.netdiag.test\n', 'resolv.conf': 'nameserver 10.77.2.2\n' } });
  try {
    const labCerts = makeCertificates({ commonName: 'www.netdiag.test', dnsNames: ['www.netdiag.test'], ipAddresses: ['10.77.2.2'] });
    fs.writeFileSync(path.join(tmp, 'lab-cert.pem'), labCerts.certPem);
    fs.writeFileSync(path.join(tmp, 'lab-key.pem'), labCerts.keyPem);
    const peer = lab.start(lab.ns.server, [process.execPath, '--import', 'tsx', path.join(REPO_ROOT, 'test', 'helpers', 'netnsPeer.ts')], { NETDIAG_PEER_CERT: path.join(tmp, 'lab-cert.pem'), NETDIAG_PEER_KEY: path.join(tmp, 'lab-key.pem') });
    await new Promise((resolve, reject) => {
      peer.stdout.on('data', (d) => String(d).includes('ready') && resolve());
      peer.once('exit', (code) => reject(new Error(`the lab's server exited (${code})`)));
    });
    const url = 'https://www.netdiag.test:8443/';
    for (const [themeKey, theme] of THEMES) {
      const workbench = await startWorkbench({
        workspace,
        netns: lab.ns.client,
        viewport: { width: 1250, height: 1150 },
        settings: {
          'workbench.colorTheme': theme,
          'netdiag.tls.extraCaFiles': [writeCaFile(path.join(tmp, 'lab-ca'), labCerts.caPem)],
          'netdiag.dns.servers': ['10.77.2.2'],
          'netdiag.bind.hoverDnsLookups': false,
          'workbench.statusBar.visible': false,
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
        },
      });
      try {
        const { page } = workbench;
        await runCommand(page, 'View: Close Primary Side Bar');
        await diagnoseThroughPalette(page, url);
        const frame = await completedReport(page, url);
        await frame.locator('[data-testid="action-trace-route"]').click();
        await frame.locator('[data-testid="stack-path-internet"] [data-kind="router"]', { hasText: 'hop 1' }).waitFor({ timeout: 60000 });
        await runCommand(page, 'Notifications: Clear All Notifications');
        await page.mouse.move(0, 0);
        await page.waitForTimeout(1500);
        await capture(page, `report-stack-${themeKey}.png`, ['.part.editor']);
      } finally {
        await workbench.close();
      }
    }
  } finally {
    await lab.close();
  }
}

async function shootTheme(themeKey, theme, more) {
  const workbench = await startWorkbench({
    workspace,
    viewport: { width: 1250, height: 860 },
    settings: {
      'workbench.colorTheme': theme,
      'netdiag.tls.extraCaFiles': [writeCaFile(tmp, certs.caPem)],
      'netdiag.dns.servers': [dns.server],
      // Hovers would ask the system resolver about the sample's names (example.com): never here.
      'netdiag.bind.hoverDnsLookups': false,
      'workbench.statusBar.visible': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'editor.minimap.enabled': false,
      // Below the line there is room for the problem's hover and Netdiag's together.
      'editor.hover.above': false,
    },
  });
  try {
    const { page } = workbench;
    await runCommand(page, 'View: Close Primary Side Bar');
    await shootDnsLookup(page, themeKey);
    for (const [name, url] of shots) {
      await runCommand(page, 'View: Close All Editors');
      await diagnoseThroughPalette(page, url);
      const frame = await completedReport(page, url);
      if (name === 'ok' && (await layerStatuses(frame)).tls !== 'ok') {
        // Shots of a false failure would mislead: say what the TLS layer shows instead.
        throw new Error(`the test CA was not trusted: ${await frame.locator('[data-testid="layer-tls"]').innerText()}`);
      }
      // Let the progress notification fade and the webview settle.
      await page.waitForTimeout(1500);
      await capture(page, `report-${name}-${themeKey}.png`, ['.part.editor']);
    }
    if (!more) return;

    // The hover over the loopback bind of a published container port.
    await openFile(page, 'docker-compose.yml');
    await hoverUntil(page, '127.0.0.1', { line: 'HOST:', expected: /BIND_LOOPBACK_IN_CONTAINER/ });
    // The problem's own hover comes first and the hover is short: scroll Netdiag's part (below
    // it) into view.
    const hoverBox = await page.locator('.monaco-hover:not(.hidden)', { hasText: 'Netdiag' }).first().boundingBox();
    if (hoverBox) {
      await page.mouse.move(hoverBox.x + hoverBox.width / 2, hoverBox.y + hoverBox.height / 2, { steps: 3 });
      for (let i = 0; i < 3; i++) {
        await page.mouse.wheel(0, 1000);
        await page.waitForTimeout(300);
      }
    }
    await page.waitForTimeout(500);
    await capture(page, `hover-${themeKey}.png`, ['.part.editor']);
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');

    // The Bind Map next to the file with its squiggle.
    await runCommand(page, 'Netdiag: Analyze Bind Addresses');
    await page.locator('.part.sidebar .pane', { hasText: 'Bind Map' }).locator('.monaco-list-row', { hasText: 'api' }).first().waitFor({ timeout: 20000 });
    await widenSideBar(page);
    await setPane(page, 'Certificates', false);
    await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first().waitFor({ timeout: 20000 });
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.locator('.tab.active', { hasText: 'docker-compose.yml' }).click();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(800);
    await capture(page, `bindmap-${themeKey}.png`, ['.part.activitybar', '.part.sidebar', '.part.editor']);

    // The Certificates view with the chain from the Diagnose above, its leaf opened.
    await page.locator('.tab', { hasText: 'Netdiag:' }).first().click();
    await setPane(page, 'Bind Map', false);
    await setPane(page, 'Certificates', true);
    const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Certificates' }) });
    const leaf = pane.locator('.monaco-list-row', { hasText: 'Server certificate' }).first();
    await leaf.waitFor({ timeout: 20000 });
    if ((await leaf.getAttribute('aria-expanded')) !== 'true') await leaf.click();
    await pane.locator('.monaco-list-row', { hasText: 'SHA-256' }).first().waitFor({ timeout: 10000 }).catch(() => {});
    await completedReport(page, shots[1][1]);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1500);
    await capture(page, `certificates-${themeKey}.png`, ['.part.activitybar', '.part.sidebar', '.part.editor']);

    // The read-only certificate viewer on the served chain saved as a file.
    await openFile(page, 'server.crt');
    await findFrame(page, '[data-testid="certificate-view"] [data-testid="verdict"]');
    await page.waitForTimeout(1000);
    await capture(page, `certificate-viewer-${themeKey}.png`, ['.part.activitybar', '.part.sidebar', '.part.editor']);
  } catch (err) {
    await workbench.page.screenshot({ path: path.join(os.tmpdir(), 'netdiag-shot-failed.png') });
    throw err;
  } finally {
    await workbench.close();
  }
}
