// `npm run screenshots`: the report panel for a working HTTPS endpoint and a refused port, in the
// default light, dark and high-contrast themes, cropped to the editor area, into
// media/screenshots/. The endpoints are loopback servers started here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, ensureCodeServer, REPO_ROOT } from '../harness/codeServer.mjs';
import { makeCertificates } from '../harness/certs.mjs';
import { refusedPort, startDnsServer, startWebServer } from '../harness/servers.mjs';
import { completedReport, diagnoseThroughPalette, runCommand, startWorkbench, writeCaFile } from './workbench.mjs';

const OUT = path.join(REPO_ROOT, 'media', 'screenshots');
const THEMES = [
  ['light', 'Default Light Modern'],
  ['dark', 'Default Dark Modern'],
  ['hc', 'Default High Contrast'],
];

if (!process.argv.includes('--no-build')) buildExtension();
await ensureCodeServer();
fs.mkdirSync(OUT, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-shots-'));
const certs = makeCertificates();
const ok = await startWebServer({ tls: certs });
const dns = await startDnsServer();
const refused = await refusedPort();
const shots = [
  ['ok', `${ok.origin}/`],
  ['refused', `https://127.0.0.1:${refused}/`],
];

try {
  for (const [themeKey, theme] of THEMES) {
    const workbench = await startWorkbench({
      viewport: { width: 1250, height: 860 },
      settings: {
        'workbench.colorTheme': theme,
        'netdiag.tls.extraCaFiles': [writeCaFile(tmp, certs.caPem)],
        'netdiag.dns.servers': [dns.server],
        'workbench.activityBar.location': 'hidden',
        'workbench.statusBar.visible': false,
        'editor.minimap.enabled': false,
      },
    });
    try {
      const { page } = workbench;
      await runCommand(page, 'View: Close Primary Side Bar');
      for (const [name, url] of shots) {
        await runCommand(page, 'View: Close All Editors');
        await diagnoseThroughPalette(page, url);
        await completedReport(page, url);
        // Let the progress notification fade and the webview settle.
        await page.waitForTimeout(1500);
        const file = path.join(OUT, `report-${name}-${themeKey}.png`);
        await page.locator('.part.editor').screenshot({ path: file });
        console.log(`${path.relative(REPO_ROOT, file)} ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
      }
    } finally {
      await workbench.close();
    }
  }
} finally {
  await Promise.all([ok.close(), dns.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
}
