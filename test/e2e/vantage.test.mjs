// Vantage points in the real workbench, against a real Compose project (podman, podman-compose):
// the Bind Map's "Diagnose from This Service…" runs the diagnosis inside `web` and the report
// says so; "Compare with This Machine" opens the comparison view with the DNS difference marked;
// Check Workspace Endpoints fills its table (a working, a refused and an unresolvable reference,
// and web's reference from here and from web) and lists in Problems only what failed.
// code-server runs under a resolver of the test's own (withLocalResolver): no lookup of this
// machine reaches its real resolver, and the containers ask their network's own (aardvark-dns).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startComposeProject } from '../helpers/composeProject.ts';
import { podmanReady } from '../helpers/containers.ts';
import { startDnsServer } from '../helpers/dnsServer.ts';
import { withLocalResolver } from '../helpers/localResolver.ts';
import { closedPort, startHttpServer } from '../helpers/servers.ts';
import { acceptQuickPick, bindMapServiceMenu, completedReport, findFrame, runCommand, startWorkbench } from './workbench.mjs';

const reason = process.getuid?.() !== 0 ? 'the vantage end-to-end tests enter namespaces, which needs root' : podmanReady();
if (reason) console.log(`# vantage e2e skipped: ${reason}`);

let workbench;
let project;
let dns;
let local;
let web;
let refused;

describe('vantage points in the workbench', { skip: reason ?? false }, () => {
  before(async () => {
    dns = await startDnsServer({ host: '127.0.89.55', port: 53 });
    local = withLocalResolver('127.0.89.55');
    project = startComposeProject('ndve2e', 'ndve2e-net', 214, { DATABASE_URL: 'http://db:8080/' });
    web = await startHttpServer();
    refused = await closedPort();
    fs.mkdirSync(path.join(project.dir, 'app'));
    fs.writeFileSync(path.join(project.dir, 'app', '.env'), `API_URL=http://127.0.0.1:${web.port}/\nCACHE_URL=http://127.0.0.1:${refused}/\nSEARCH_URL=http://nowhere.invalid:8080/\n`);
    workbench = await startWorkbench({ workspace: project.dir, prefix: local.prefix, settings: { 'netdiag.bind.hoverDnsLookups': false, 'netdiag.vantage.containerEngine': 'podman' }, viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await workbench?.close();
    project?.down();
    local?.dispose();
    await dns?.close();
    await web?.close();
  });

  test('Diagnose from This Service… on the Bind Map runs inside web, offering web\'s own reference', async () => {
    const { page } = workbench;
    await runCommand(page, 'Netdiag: Analyze Bind Addresses');
    await bindMapServiceMenu(page, 'web', 'Diagnose from This Service…');
    await acceptQuickPick(page, 'http://db:8080/');
    const frame = await completedReport(page, 'http://db:8080/', 60000);
    assert.equal(await frame.locator('[data-testid="verdict"]').getAttribute('data-status'), 'ok');
    const header = await frame.locator('header').innerText();
    assert.match(header, /From\s+Compose service web · resolvers 10\.89\.214\.1 · eth0 10\.89\.214\.\d+/);
    assert.match(await frame.locator('[data-testid="hop-0"]').innerText(), /from Compose service web[\s\S]*eth0 10\.89\.214\.\d+/);
    assert.match(await page.locator('.tab', { hasText: 'db:8080 (from web)' }).first().innerText(), /db:8080 \(from web\)/);
  });

  test('Compare with This Machine shows both vantages side by side with the DNS difference marked', async () => {
    const { page } = workbench;
    await bindMapServiceMenu(page, 'web', 'Compare with This Machine');
    await acceptQuickPick(page, 'http://db:8080/');
    const frame = await findFrame(page, '[data-testid="comparison"][data-complete="true"]', 60000);
    assert.equal(await frame.locator('[data-testid="compare-dns"]').getAttribute('data-differs'), 'true');
    assert.equal(await frame.locator('[data-testid="compare-tls"]').getAttribute('data-differs'), 'false');
    const difference = await frame.locator('[data-testid="difference-VANTAGE_DNS_DIFFERS"]').innerText();
    assert.match(difference, /`db` resolves to 10\.89\.214\.\d+ from Compose service web \(its resolver 10\.89\.214\.1\); from this machine it does not exist \(NXDOMAIN\)/);
    assert.match(await frame.locator('[data-testid="vantage-0"]').innerText(), /Compose service web/);
    assert.match(await frame.locator('[data-testid="vantage-1"]').innerText(), /this machine/);
    assert.match(await frame.locator('[data-testid="path-0"]').innerText(), /from Compose service web/);
    assert.deepEqual(workbench.problems, []);
  });

  test('Check Workspace Endpoints: the table shows each reference from here and from web, Problems only what failed', async () => {
    const { page } = workbench;
    await runCommand(page, 'Netdiag: Check Workspace Endpoints');
    const frame = await findFrame(page, '[data-testid="endpoints"][data-run-status="done"]', 90000);
    const row = (reference, from = 'local') => frame.locator(`tr[data-reference="${reference}"][data-from="${from}"]`);
    assert.equal(await row(`http://127.0.0.1:${web.port}/`).getAttribute('data-status'), 'ok');
    assert.equal(await row(`http://127.0.0.1:${refused}/`).getAttribute('data-status'), 'fail');
    assert.equal(await row(`http://127.0.0.1:${refused}/`).locator('[data-layer="tcp"]').getAttribute('data-status'), 'fail');
    assert.equal(await row('http://nowhere.invalid:8080/').getAttribute('data-status'), 'fail');
    assert.equal(await row('http://nowhere.invalid:8080/').locator('[data-layer="dns"]').getAttribute('data-status'), 'fail');
    assert.equal(await row('http://db:8080/', 'compose:web').getAttribute('data-status'), 'ok');
    assert.equal(await row('http://db:8080/', 'local').getAttribute('data-status'), 'fail');
    assert.match(await frame.locator('[data-testid="summary"]').innerText(), /5 of 5 checked — 2 ok, 0 with warnings, 3 failed/);

    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.locator('.monaco-list-row', { hasText: 'nowhere.invalid' }).first().waitFor({ timeout: 15000 });
    const text = await problems.innerText();
    assert.match(text, /http:\/\/127\.0\.0\.1:\d+\/ fails from this machine: Breaks at/);
    assert.match(text, /http:\/\/nowhere\.invalid:8080\/ fails from this machine/);
    assert.doesNotMatch(text, /db:8080\/ fails/, 'web\'s reference works where it is used');

    // The Bind Map shows each reference's live status on its "connects to" line.
    const tree = page.locator('.pane', { hasText: 'Bind Map' }).locator('.monaco-list');
    await tree.locator('.monaco-list-row', { hasText: '✓ web' }).first().waitFor({ timeout: 10000 });
    const rows = (await tree.locator('.monaco-list-row').allInnerTexts()).join('\n');
    assert.match(rows, /db:8080\s*DATABASE_URL · compose\.yaml:\d+ · ✗ here ✓ web/);
    assert.match(rows, /nowhere\.invalid:8080\s*SEARCH_URL · app\/\.env:3 · ✗ here/);
  });
});
