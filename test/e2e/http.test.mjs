// Browser end-to-end for HTTP in depth: a redirect chain through intermediaries drawn per request,
// the panel's Trace route adding route hops, and Edit request sending a POST with a header and a
// body that the next run remembers. Servers are this test's own, on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWebServer } from '../harness/servers.mjs';
import { answerQuickInput, completedReport, diagnoseThroughPalette, startWorkbench } from './workbench.mjs';

let workbench;
let web;
const seen = [];

before(async () => {
  web = await startWebServer({
    respond: (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, test: req.headers['x-test'], body });
        if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
        else if (req.url === '/b') res.writeHead(302, { location: '/c' }).end();
        else res.writeHead(200, { 'content-type': 'text/plain', via: '1.1 varnish', 'x-cache': 'HIT', age: '3' }).end('ok\n');
      });
    },
  });
  workbench = await startWorkbench({ settings: { 'netdiag.dns.servers': ['127.0.0.1:9'] } });
});

after(async () => {
  await workbench?.close();
  await web?.close();
});

test('a redirect chain: one timing row per request and the cache as a hop', async () => {
  const mark = workbench.problems.length;
  const url = `${web.origin}/a`;
  await diagnoseThroughPalette(workbench.page, url);
  const frame = await completedReport(workbench.page, url);
  assert.equal(await frame.locator('[data-testid="redirect-timing"] [data-testid^="timing-request-"]').count(), 3);
  assert.match(await frame.locator('[data-testid="intermediaries"]').innerText(), /Varnish/);
  assert.ok((await frame.locator('[data-testid="hops"] [data-kind="proxy"]').count()) >= 1, 'no intermediary hop');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('Trace route puts the route into the hop diagram', async () => {
  const mark = workbench.problems.length;
  const url = `${web.origin}/a`;
  const frame = await completedReport(workbench.page, url);
  await frame.locator('[data-testid="action-trace-route"]').click();
  await frame.locator('[data-testid="route"]').waitFor({ timeout: 30000 });
  assert.ok((await frame.locator('[data-testid="hops"] [data-kind="route"]').count()) >= 1, 'no route hop');
  assert.match(await frame.locator('[data-testid="route"]').innerText(), /127\.0\.0\.1/);
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('Edit request sends the method, header and body, and shows the request', async () => {
  const mark = workbench.problems.length;
  const url = `${web.origin}/a`;
  const frame = await completedReport(workbench.page, url);
  const before = seen.length;
  await frame.locator('[data-testid="action-edit-request"]').click();
  await answerQuickInput(workbench.page, 'POST');
  // Each step is a new quick input: type only once its title shows, or the keys reach the old one.
  const step = async (n, text) => {
    await workbench.page.locator('.quick-input-widget .quick-input-title', { hasText: `(${n}/3)` }).waitFor({ timeout: 10000 });
    await workbench.page.locator('.quick-input-widget input').fill(text);
    await workbench.page.keyboard.press('Enter');
  };
  await step(2, 'X-Test: 1');
  await step(3, 'a=1');
  const deadline = Date.now() + 30000;
  while (!seen.slice(before).some((r) => r.url === '/c') && Date.now() < deadline) await workbench.page.waitForTimeout(100);
  const first = seen.slice(before).find((r) => r.url === '/a');
  const rerun = await completedReport(workbench.page, url);
  await rerun.locator('[data-testid="request"]').waitFor({ timeout: 30000 });
  assert.deepEqual(first, { method: 'POST', url: '/a', test: '1', body: 'a=1' }, JSON.stringify(seen.slice(before)));
  assert.match(await rerun.locator('[data-testid="request"]').innerText(), /POST/);
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});
