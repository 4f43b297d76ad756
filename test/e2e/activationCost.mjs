// How much Netdiag costs a VS Code window: the size of what activation loads, and the activation
// time VS Code itself measures (the "Developer: Show Running Extensions" view), in code-server.
// Each run is a fresh window, because an extension activates once per extension host.
// Usage: node test/e2e/activationCost.mjs [--runs=N] [--no-build]
import fs from 'node:fs';
import path from 'node:path';
import { buildExtension, ensureCodeServerOrExit, REPO_ROOT } from '../harness/codeServer.mjs';
import { runCommand, startWorkbench } from './workbench.mjs';

const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 3);

function size(rel) {
  const file = path.join(REPO_ROOT, rel);
  return fs.existsSync(file) ? `${(fs.statSync(file).size / 1024).toFixed(1)} KiB` : 'missing';
}

async function measureOnce() {
  const workbench = await startWorkbench();
  try {
    const { page, server } = workbench;
    // Running the command is what activates Netdiag (onCommand); the target prompt proves it ran.
    await runCommand(page, 'Netdiag: Diagnose Endpoint');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Netdiag: Diagnose Endpoint' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.monaco-list-row', { hasText: 'Netdiag' }).first();
    // The list is virtualised (sorted by activation time): scroll until Netdiag's row is drawn.
    const first = page.locator('.monaco-list-row', { hasText: 'Activation' }).first();
    await first.waitFor({ timeout: 30000 });
    await first.hover();
    for (let i = 0; i < 40 && (await row.count()) === 0; i++) await page.mouse.wheel(0, 200);
    const text = (await row.innerText({ timeout: 30000 })).replace(/\s+/g, ' ');
    const shown = /Activation: (\d+)\s*ms/.exec(text);
    // The extension host logs the event that activated it (exthost log in the user-data logs).
    const logLine = fs
      .readdirSync(server.logsDir, { recursive: true })
      .filter((f) => String(f).endsWith('remoteexthost.log'))
      .flatMap((f) => fs.readFileSync(path.join(server.logsDir, String(f)), 'utf8').split('\n'))
      .find((l) => l.includes('_doActivateExtension netdiag.netdiag'));
    return { activationMs: shown ? Number(shown[1]) : null, row: text, logLine: logLine?.trim() ?? null };
  } finally {
    await workbench.close();
  }
}

if (!process.argv.includes('--no-build')) buildExtension();
await ensureCodeServerOrExit({ browser: true });
console.log(`dist/extension.js ${size('dist/extension.js')} (loaded on activation)`);
console.log(`dist/engine.js    ${size('dist/engine.js')} (loaded on the first diagnosis)`);
console.log(`dist/webview/report.js ${size('dist/webview/report.js')} (loaded by the report panel)`);
const times = [];
for (let i = 0; i < runs; i++) {
  const r = await measureOnce();
  console.log(`run ${i + 1}: activation ${r.activationMs ?? '?'} ms — ${r.logLine ?? 'no activation line in the exthost log'}`);
  if (r.activationMs === null) console.log(`  row: ${r.row}`);
  else times.push(r.activationMs);
}
times.sort((a, b) => a - b);
if (times.length > 0) console.log(`activation (VS Code's own measure): median ${times[Math.floor(times.length / 2)]} ms, min ${times[0]} ms, max ${times.at(-1)} ms over ${times.length} windows`);
