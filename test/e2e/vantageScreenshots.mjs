// Part of `npm run screenshots` (run by screenshots.mjs with tsx, as root with podman): the
// comparison view (Compare with This Machine on the Bind Map) and the workspace endpoints table
// (Check Workspace Endpoints), in the light and dark themes, into media/screenshots/. The
// workspace is a real Compose project (web, db) plus a host app with a working, a refused and an
// unresolvable reference; code-server asks a resolver the script starts on loopback.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../harness/codeServer.mjs';
import { startComposeProject } from '../helpers/composeProject.ts';
import { podmanReady } from '../helpers/containers.ts';
import { startDnsServer } from '../helpers/dnsServer.ts';
import { withLocalResolver } from '../helpers/localResolver.ts';
import { closedPort, startHttpServer } from '../helpers/servers.ts';
import { acceptQuickPick, bindMapServiceMenu, findFrame, runCommand, startWorkbench } from './workbench.mjs';

const OUT = path.join(REPO_ROOT, 'media', 'screenshots');
const reason = process.getuid?.() !== 0 ? 'needs root (namespaces)' : podmanReady();
if (reason) {
  console.log(`vantage screenshots skipped: ${reason}`);
  process.exit(0);
}

const dns = await startDnsServer({ host: '127.0.89.56', port: 53 });
const local = withLocalResolver('127.0.89.56');
const project = startComposeProject('shop', 'ndshots-net', 215, { DATABASE_URL: 'http://db:8080/' });
const web = await startHttpServer();
const refused = await closedPort();
fs.mkdirSync(path.join(project.dir, 'app'));
fs.writeFileSync(path.join(project.dir, 'app', '.env'), `API_URL=http://127.0.0.1:${web.port}/\nCACHE_URL=http://127.0.0.1:${refused}/\nSEARCH_URL=http://search.internal:9200/\n`);

async function capture(page, name) {
  const box = await page.locator('.part.editor').boundingBox();
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, clip: box });
  console.log(`${path.relative(REPO_ROOT, file)} ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
}

try {
  for (const [key, theme] of [['light', 'Light Modern'], ['dark', 'Dark Modern']]) {
    const workbench = await startWorkbench({
      workspace: project.dir,
      prefix: local.prefix,
      viewport: { width: 1250, height: 900 },
      settings: { 'workbench.colorTheme': theme, 'netdiag.bind.hoverDnsLookups': false, 'workbench.statusBar.visible': false, 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'netdiag.vantage.containerEngine': 'podman' },
    });
    try {
      const { page } = workbench;
      await runCommand(page, 'Netdiag: Analyze Bind Addresses');
      await bindMapServiceMenu(page, 'web', 'Compare with This Machine');
      await acceptQuickPick(page, 'http://db:8080/');
      const frame = await findFrame(page, '[data-testid="comparison"][data-complete="true"]', 60000);
      await runCommand(page, 'View: Close Primary Side Bar');
      await page.waitForTimeout(2000);
      await capture(page, `comparison-${key}.png`);
      // The second half: what differs, and each vantage's path.
      await frame.locator('[data-testid="differences"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(500);
      await capture(page, `comparison-differences-${key}.png`);
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Netdiag: Check Workspace Endpoints');
      await findFrame(page, '[data-testid="endpoints"][data-run-status="done"]', 90000);
      await page.waitForTimeout(2000);
      await capture(page, `endpoints-${key}.png`);
    } finally {
      await workbench.close();
    }
  }
} finally {
  project.down();
  local.dispose();
  await Promise.all([dns.close(), web.close()]);
}
