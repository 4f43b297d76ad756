// The report view in a real browser (headless Chromium) under the webview's CSP, against the
// fixtures: what it shows, the stable test ids, keyboard access, the messages its buttons post,
// and that network text never becomes markup. Needs `node esbuild.js` first and Chromium
// (Debian package `chromium`; CHROMIUM_PATH overrides the path).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { Report } from '../../../src/engine/model/report.ts';
import { startHarness } from './server.ts';
import type { Harness } from './server.ts';

const FIXTURES = path.resolve(__dirname, '../../fixtures/reports');
const fixture = (name: string): Report => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Report;

interface PageGlobals {
  __posted: { type: string }[];
  __violations: string[];
  __pwned?: number;
}

describe('report view in Chromium', () => {
  let harness: Harness;
  let browser: Browser;

  before(async () => {
    harness = await startHarness();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function open(name: string, status = 'done', width = 1000): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.goto(harness.url(name, 'dark', status));
    await page.waitForSelector('[data-testid="layer-application"]', { timeout: 5000 });
    return page;
  }

  const globals = (page: Page): Promise<PageGlobals> =>
    page.evaluate(() => {
      const w = window as unknown as PageGlobals;
      return { __posted: w.__posted, __violations: w.__violations, __pwned: w.__pwned };
    });

  it('renders every layer, hop, finding and waterfall step of the report, with no CSP violation', async () => {
    for (const name of ['ok.json', 'fail.json']) {
      const report = fixture(name);
      const page = await open(name);
      for (const layer of report.layers) {
        assert.equal(await page.getAttribute(`#layer-${layer.name}`, 'data-status'), layer.status, `${name} ${layer.name}`);
      }
      for (const [i, hop] of report.hops.entries()) {
        const el = page.locator(`[data-testid="hop-${i}"]`);
        assert.equal(await el.getAttribute('data-kind'), hop.kind);
        assert.equal(await el.getAttribute('data-status'), hop.status);
      }
      assert.equal(await page.locator('[data-testid^="hop-"]').count(), report.hops.length);
      for (const f of report.findings) assert.equal(await page.locator(`[data-testid="finding-${f.code}"]`).count(), 1, f.code);
      assert.equal(await page.locator('[data-testid="waterfall"] li').count(), report.waterfall.length);
      assert.equal(await page.textContent('[data-testid="target-url"]'), report.target.url);
      assert.deepEqual((await globals(page)).__violations, []);
      await page.close();
    }
  });

  it('says where it breaks and marks the failing hop and certificate', async () => {
    const page = await open('fail.json');
    assert.equal(await page.getAttribute('[data-testid="verdict"]', 'data-status'), 'fail');
    assert.match((await page.textContent('[data-testid="verdict"]')) ?? '', /Breaks at TLS/);
    assert.equal(await page.getAttribute('[data-kind="tls"]', 'data-status'), 'fail');
    assert.equal(await page.getAttribute('[data-testid="cert-0"]', 'data-status'), 'fail');
    assert.match((await page.textContent('[data-testid="punycode-note"]')) ?? '', /bücher\.acme\.internal .* xn--bcher-kva\.acme\.internal/);
    // A failing layer starts open; a passing one starts closed.
    assert.equal(await page.$eval('#layer-tls', (d) => (d as HTMLDetailsElement).open), true);
    assert.equal(await page.$eval('#layer-link', (d) => (d as HTMLDetailsElement).open), false);
    await page.close();
  });

  it('shows the set-up before the clock apart from the total, and nothing when a report has none', async () => {
    const facts = async (name: string): Promise<Record<string, string>> => {
      const page = await open(name);
      const pairs = await page.$$eval('.report-header dl.facts dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']));
      await page.close();
      return Object.fromEntries(pairs);
    };
    const ok = await facts('ok.json');
    assert.equal(ok['Total time'], '228 ms');
    assert.equal(ok['Set-up'], '18.4 ms before the network, not in the total');
    assert.equal((await facts('fail.json'))['Set-up'], undefined);
  });

  it('shows Cancel and a running indicator while the report is partial', async () => {
    const page = await open('running.json', 'running');
    assert.equal(await page.locator('[data-testid="running"]').count(), 1);
    assert.equal(await page.locator('[data-testid="action-rerun"]').count(), 0);
    assert.equal(await page.getAttribute('#layer-tls', 'data-status'), 'pending');
    await page.click('[data-testid="action-cancel"]');
    const posted = (await globals(page)).__posted.map((m) => m.type);
    assert.deepEqual(posted, ['ready', 'cancel']);
    await page.close();
  });

  it('reaches every action with Tab and posts its message on Enter', async () => {
    const page = await open('ok.json');
    const reached: string[] = [];
    for (let i = 0; i < 12 && reached.length < 3; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.closest('[data-testid^="action-"]')?.getAttribute('data-testid') ?? null);
      if (id !== null && !reached.includes(id)) {
        reached.push(id);
        await page.keyboard.press('Enter');
      }
    }
    assert.deepEqual(reached, ['action-rerun', 'action-copy-json', 'action-copy-curl']);
    assert.deepEqual((await globals(page)).__posted.map((m) => m.type), ['ready', 'rerun', 'copyJson', 'copyCurl']);
    await page.close();
  });

  it('opens layer details from the keyboard', async () => {
    const page = await open('ok.json');
    await page.focus('#layer-internet > summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.$eval('#layer-internet', (d) => (d as HTMLDetailsElement).open), true);
    await page.close();
  });

  it('updates from host messages and keeps the state for a reload', async () => {
    const page = await open('running.json', 'running');
    const ok = fixture('ok.json');
    await page.evaluate((report) => {
      window.postMessage({ type: 'report', report }, '*');
      window.postMessage({ type: 'status', status: 'done' }, '*');
    }, ok);
    await page.waitForSelector('[data-testid="action-rerun"]');
    assert.equal(await page.getAttribute('#layer-application', 'data-status'), 'ok');
    assert.equal(await page.getAttribute('[data-testid="report"]', 'data-complete'), 'true');
    await page.close();
  });

  it('draws the stack as the engine worded it: the DNS lookup ahead, each layer\'s client, path and server lines', async () => {
    const report = fixture('stack.json');
    const page = await open('stack.json');
    const stack = report.stack!;
    assert.equal(await page.getAttribute('[data-testid="stack-dns"]', 'data-source'), stack.dns?.source);
    assert.match((await page.textContent('[data-testid="stack-dns"]')) ?? '', new RegExp(stack.dns!.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    for (const row of stack.rows) {
      const status = report.layers.find((l) => l.name === row.layer)?.status;
      assert.equal(await page.getAttribute(`[data-testid="stack-row-${row.layer}"]`, 'data-status'), status, row.layer);
      assert.match((await page.textContent(`[data-testid="stack-row-${row.layer}"]`)) ?? '', new RegExp(row.about.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), row.layer);
      if (row.client !== null) assert.equal((await page.textContent(`[data-testid="stack-client-${row.layer}"]`))?.trim(), row.client, row.layer);
      if (row.server !== null) assert.equal((await page.textContent(`[data-testid="stack-server-${row.layer}"]`))?.trim(), row.server, row.layer);
      assert.equal(await page.locator(`[data-testid="stack-path-${row.layer}"] .path-element`).count(), row.path.length, row.layer);
    }
    assert.deepEqual((await globals(page)).__violations, []);
    await page.close();
  });

  it('each layer\'s docs link posts which section to open, from the mouse and the keyboard', async () => {
    const page = await open('stack.json');
    await page.click('[data-testid="layer-docs-transport"]');
    await page.focus('[data-testid="layer-docs-dns"]');
    await page.keyboard.press('Enter');
    const posted = (await globals(page)).__posted as unknown as { type: string; layer?: string }[];
    assert.deepEqual(posted.filter((m) => m.type === 'openLayerDocs').map((m) => m.layer), ['transport', 'dns']);
    await page.close();
  });

  it('a report with no stack (made before it existed) shows no figure and no error', async () => {
    const page = await open('ok.json');
    assert.equal(await page.locator('[data-testid="stack"]').count(), 0);
    assert.deepEqual((await globals(page)).__violations, []);
    await page.close();
  });

  it('shows network text as text, never as markup', async () => {
    const page = await open('hostile.json');
    await page.click('[data-testid="request-1"] details > summary');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('main b').count(), 0);
    assert.equal((await globals(page)).__pwned, undefined);
    assert.match((await page.textContent('[data-testid="hop-1"]')) ?? '', /<img src=x onerror=/);
    assert.match((await page.textContent('[data-testid="request-1"]')) ?? '', /x-evil.*<img src=x/s);
    await page.close();
  });
});
