// Renders each fixture in each theme in headless Chromium and writes screenshots, for looking at
// the design: node --import tsx test/e2e/webviewHarness/screenshots.ts [outDir] (after a build).
import { chromium } from 'playwright-core';
import type { ThemeName } from './themes.ts';
import { startHarness } from './server.ts';

async function main(outDir: string): Promise<void> {
const harness = await startHarness();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const [fixture, status] of [['ok.json', 'done'], ['fail.json', 'done'], ['running.json', 'running']] as const) {
    for (const theme of ['dark', 'light', 'hc'] as ThemeName[]) {
      for (const width of [1000, 420]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        await page.goto(harness.url(fixture, theme, status));
        await page.waitForSelector('[data-testid="layer-application"]');
        await page.evaluate(() => document.fonts.ready);
        const file = `${outDir}/${fixture.replace('.json', '')}-${theme}-${width}.png`;
        await page.screenshot({ path: file, fullPage: true });
        // Tall pages also in 1000-pixel slices, readable at full size.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        for (let y = 0, n = 0; y < height; y += 1000, n++) {
          await page.screenshot({ path: file.replace('.png', `-part${n}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(1000, height - y) } });
        }
        const violations = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
        console.log(file, violations.length > 0 ? `CSP violations: ${violations.join('; ')}` : '');
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  await harness.close();
}
}

main(process.argv[2] ?? '/tmp/netdiag-screens').catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
