// Browser end-to-end: Diagnose Endpoint and Look Up DNS Records typed into the real workbench's
// command palette, their webviews read back from their frames. Servers are this test's own, on
// loopback.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeCertificates } from '../harness/certs.mjs';
import { refusedPort, startDnsServer, startWebServer } from '../harness/servers.mjs';
import { completedReport, diagnoseThroughPalette, findFrame, layerStatuses, lookUpDnsThroughPalette, runCommand, seesDnsServers, startWorkbench, writeCaFile } from './workbench.mjs';

// Each payload, if it ever ran as HTML, would set a flag and log PWNED (and break the CSP).
const SCRIPT_PAYLOAD = `<script>window.__pwned=1;console.error('PWNED script')</script>`;
const IMG_PAYLOAD = `<img src=x onerror="window.__pwned=1;console.error('PWNED img')">`;

let workbench;
let ok;
let hostile;
let dns;
let refused;
let tmp;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-e2e-certs-'));
  const okCerts = makeCertificates();
  const hostileCerts = makeCertificates({ commonName: IMG_PAYLOAD, dnsNames: ['localhost', '<script>window.__pwned=1</script>'], caName: SCRIPT_PAYLOAD });
  ok = await startWebServer({ tls: okCerts });
  hostile = await startWebServer({
    tls: hostileCerts,
    respond: (_req, res) => res.writeHead(200, { server: SCRIPT_PAYLOAD, 'x-note': IMG_PAYLOAD, 'content-type': 'text/html' }).end(`${SCRIPT_PAYLOAD}${IMG_PAYLOAD}`),
  });
  dns = await startDnsServer();
  refused = await refusedPort();
  const settings = {
    'netdiag.tls.extraCaFiles': [writeCaFile(path.join(tmp, 'ok'), okCerts.caPem), writeCaFile(path.join(tmp, 'hostile'), hostileCerts.caPem)],
    'netdiag.dns.servers': [dns.server],
    'netdiag.timeouts.connectMs': 2000,
  };
  // Every test here needs those settings, and without its DNS server a diagnosis would ask the
  // machine's resolver: a session whose extension host started without them (seesDnsServers) is
  // started again, once, and the suite stops rather than run without them.
  for (let attempt = 1; ; attempt++) {
    workbench = await startWorkbench({ settings });
    if (await seesDnsServers(workbench.page, dns.server)) break;
    await workbench.close();
    workbench = undefined;
    if (attempt === 2) throw new Error('code-server started the extension host without the netdiag.* user settings twice');
    console.log('the extension host started without the netdiag.* user settings: starting the workbench again');
  }
});

after(async () => {
  await workbench?.close();
  await Promise.all([ok?.close(), hostile?.close(), dns?.close()]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('an HTTPS endpoint on loopback: every layer ok, hops and waterfall drawn', async () => {
  const mark = workbench.problems.length;
  const url = `${ok.origin}/`;
  await diagnoseThroughPalette(workbench.page, url);
  const frame = await completedReport(workbench.page, url);
  assert.deepEqual(await layerStatuses(frame), { link: 'ok', internet: 'ok', transport: 'ok', tls: 'ok', application: 'ok' });
  assert.ok((await frame.locator('[data-testid="hops"] [data-testid^="hop-"]').count()) > 0, 'no hops drawn');
  assert.ok((await frame.locator('[data-testid="waterfall"] [data-testid^="waterfall-"]').count()) > 0, 'no waterfall rows drawn');
  assert.ok(ok.requests >= 1, 'the server was not contacted');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('the stack: DNS ahead, each layer\'s line from the engine with the OS\'s facts, and a layer\'s sentence opens docs/layers.md there', async () => {
  const mark = workbench.problems.length;
  const url = `https://localhost:${ok.port}/`;
  await diagnoseThroughPalette(workbench.page, url);
  const frame = await completedReport(workbench.page, url);
  assert.equal(await frame.locator('[data-testid="stack-dns"]').getAttribute('data-source'), 'hosts', 'localhost is answered by the hosts file');
  for (const layer of ['application', 'tls', 'transport', 'internet', 'link']) {
    assert.equal(await frame.locator(`[data-testid="stack-row-${layer}"]`).getAttribute('data-status'), 'ok', layer);
  }
  // What the kernel said, read after the exchange: the route, the loopback interface, TCP_INFO.
  assert.match((await frame.locator('[data-testid="stack-client-transport"]').textContent()) ?? '', /^TCP \d+ → \d+, rtt [\d.]+ ms ± [\d.]+, 0 retransmits, MSS \d+, path MTU \d+$/);
  assert.match((await frame.locator('[data-testid="stack-client-internet"]').textContent()) ?? '', /^IPv[46] \S+ → \S+ on lo \(this host\)$/);
  assert.match((await frame.locator('[data-testid="stack-client-link"]').textContent()) ?? '', /^loopback lo, MTU 65536$/);
  try {
    await frame.locator('[data-testid="layer-docs-transport"]').click();
    const preview = await findFrame(workbench.page, 'h2#transport', 20000);
    // The preview scrolls to the section: its heading is at the top, not below the fold.
    await preview.waitForFunction(() => {
      const top = document.querySelector('h2#transport')?.getBoundingClientRect().top ?? Infinity;
      return top > -5 && top < window.innerHeight / 2;
    }, null, { timeout: 10000 });
    assert.ok((await workbench.page.locator('.tab', { hasText: 'layers.md' }).count()) > 0, 'no layers.md preview tab');
  } finally {
    // The preview opened beside the report: later tests expect one editor group.
    await runCommand(workbench.page, 'View: Close All Editors');
    await runCommand(workbench.page, 'View: Single Column Editor Layout');
  }
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('a refused port: the transport layer fails and a hop shows it', async () => {
  const mark = workbench.problems.length;
  const url = `https://127.0.0.1:${refused}/`;
  await diagnoseThroughPalette(workbench.page, url);
  const frame = await completedReport(workbench.page, url);
  assert.equal((await layerStatuses(frame)).transport, 'fail');
  assert.ok((await frame.locator('[data-testid="hops"] [data-testid^="hop-"][data-status="fail"]').count()) > 0, 'no failing hop');
  assert.ok((await frame.locator('[data-testid="finding-TCP_REFUSED"]').count()) > 0, 'no TCP_REFUSED finding');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('certificate and HTTP text from the network is shown as text and never runs', async () => {
  const mark = workbench.problems.length;
  const url = `${hostile.origin}/`;
  await diagnoseThroughPalette(workbench.page, url);
  const frame = await completedReport(workbench.page, url);
  // Open every layer and section so all rendered text is in the DOM and visible.
  await frame.locator('details:not([open]) > summary').evaluateAll((els) => els.forEach((e) => e.click()));
  const text = await frame.locator('body').innerText();
  // Node writes subjects in RFC 4514 form, which escapes `<`, `"`, `;`… with a backslash.
  assert.match(text, /\\?<img src=x onerror=\\?"window\.__pwned=1/, 'the certificate subject payload is not shown as text');
  assert.ok(text.includes('<script>window.__pwned=1</script>'), 'the subjectAltName payload is not shown as text');
  assert.equal(await frame.locator('[data-testid="report"] img, [data-testid="report"] script').count(), 0, 'network text became elements');
  for (const f of workbench.page.frames()) {
    if (f.isDetached()) continue;
    assert.equal(await f.evaluate(() => Object.prototype.hasOwnProperty.call(window, '__pwned')).catch(() => false), false, `a payload ran in ${f.url()}`);
  }
  assert.deepEqual(workbench.problems.slice(mark).filter((p) => /PWNED/.test(p)), [], 'a payload ran');
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});

test('Look Up DNS Records opens a panel of its own: the name, the engine\'s verdict, every query', async () => {
  const mark = workbench.problems.length;
  const asked = dns.queries;
  // localhost: the loopback server answers the wire queries, the hosts file the system resolver.
  await lookUpDnsThroughPalette(workbench.page, 'localhost');
  const frame = await findFrame(workbench.page, '[data-testid="lookup-name"]');
  assert.equal(await frame.locator('[data-testid="lookup-name"]').textContent(), 'localhost');
  assert.match((await frame.locator('[data-testid="verdict"]').textContent()) ?? '', /1 of 2 queries answered/);
  assert.equal(await frame.locator('[data-testid^="dns-query-"]').count(), 2);
  assert.ok(dns.queries >= asked + 2, 'the configured DNS server was not asked');
  // A lookup has no layers, no curl command and no route to trace.
  assert.equal(await frame.locator('[data-testid="layers"], [data-testid="action-copy-curl"], [data-testid="action-trace-route"]').count(), 0);
  assert.equal(await frame.locator('[data-testid="action-copy-dig"]').count(), 1);
  assert.deepEqual(workbench.problems.slice(mark), [], 'console errors or CSP violations during this test');
});
