// The DNS lookup panel in a real browser (headless Chromium) under the webview's CSP, against the
// dns.json fixture (a DnsLookupResult as Look Up DNS Records sends it: trace, system resolver,
// comparison, and a hostile TXT record): what it shows, what its buttons send, and that record
// data never becomes markup. Needs
// `node esbuild.js` first and Chromium (CHROMIUM_PATH overrides /usr/bin/chromium).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import type { DnsLookupResult } from '../../../src/engine/model/dns.ts';
import { startHarness } from './server.ts';
import type { Harness } from './server.ts';

const lookup = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/reports/dns.json'), 'utf8')) as DnsLookupResult;

describe('DNS view in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  before(async () => {
    harness = await startHarness();
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows every query, the trace hops, the system resolver and the comparison, as text only', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(harness.url('dns.json', 'dark', 'done'));
    await page.waitForSelector('[data-testid="dns"]', { timeout: 5000 });
    assert.equal(await page.locator('[data-testid^="dns-query-"]').count(), lookup.queries.length);
    const text = (await page.textContent('[data-testid="dns"]')) ?? '';
    for (const hop of lookup.trace ?? []) assert.ok(text.includes(hop.serverName), hop.serverName);
    assert.match(text, /Trace from the root/);
    assert.match(text, /hosts file \(\/etc\/hosts line 1\)/);
    assert.match(text, /Side by side/);
    // The DNS hop diagram is the lookup's Path.
    assert.equal(await page.locator('[data-testid^="hop-"]').count(), lookup.hops.length);
    // The hostile TXT is shown as its text, and nothing ran.
    await page.click('[data-testid="dns-query-1"] summary');
    assert.match(text, /<img src=x onerror=window\.__pwned=1>/);
    assert.equal(await page.locator('[data-testid="dns"] img').count(), 0);
    const globals = await page.evaluate(() => {
      const w = window as unknown as { __pwned?: number; __violations: string[] };
      return { pwned: w.__pwned, violations: w.__violations };
    });
    assert.equal(globals.pwned, undefined);
    assert.deepEqual(globals.violations, []);
    for (const f of lookup.findings) assert.equal(await page.locator(`[data-testid="finding-${f.code}"]`).count(), 1, f.code);
    await page.close();
  });

  it('heads the panel with the name asked and the verdict, and offers only what a lookup can do', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(harness.url('dns.json', 'light', 'done'));
    await page.waitForSelector('[data-testid="dns"]', { timeout: 5000 });
    assert.equal(await page.textContent('[data-testid="lookup-name"]'), lookup.name);
    assert.equal(await page.getAttribute('[data-testid="verdict"]', 'data-status'), lookup.verdict.status);
    assert.match((await page.textContent('[data-testid="verdict"]')) ?? '', new RegExp(lookup.verdict.text));
    assert.equal(await page.getAttribute('[data-testid="report"]', 'data-complete'), 'true');
    // Layers and timing belong to a diagnosis; a lookup has neither.
    assert.equal(await page.locator('[data-testid="layers"], [data-testid="waterfall"]').count(), 0);
    for (const absent of ['action-copy-curl', 'action-export', 'action-trace-route', 'action-edit-request']) assert.equal(await page.locator(`[data-testid="${absent}"]`).count(), 0, absent);
    await page.click('[data-testid="action-copy-dig"]');
    await page.click('[data-testid="action-copy-json"]');
    const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.map((m) => m.type));
    assert.deepEqual(posted, ['ready', 'copyDig', 'copyJson']);
    await page.close();
  });
});
