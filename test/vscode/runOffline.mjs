// `npm run test:vscode`: runs the extension-host suite in a real VS Code without downloading one.
// code-server gets the built extension and a test-runner extension; the runner (in the extension
// host, which starts only once a browser opens the workbench) runs mocha on the bundled suite and
// writes results to a file that this process waits for. Exit code 0 only when every test passed.
import fs from 'node:fs';
import path from 'node:path';
import { buildExtension, ensureCodeServerOrExit, installExtension, launchChromium, openWorkbench, REPO_ROOT, startCodeServer, tempDirs } from '../harness/codeServer.mjs';
import { buildSuite } from './buildSuite.mjs';

const TIMEOUT_MS = Number(process.env.NETDIAG_TEST_TIMEOUT_MS ?? 5 * 60_000);
const WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');

async function waitForFile(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

function printResults(results) {
  for (const t of results.passes) console.log(`  ✔ ${t.title} (${t.durationMs} ms)`);
  for (const t of results.pending) console.log(`  - ${t.title} (pending)`);
  results.failures.forEach((t, i) => console.log(`  ${i + 1}) ${t.title}`));
  results.failures.forEach((t, i) => console.log(`\n  ${i + 1}) ${t.title}\n     ${(t.stack || t.message).split('\n').join('\n     ')}`));
  console.log(`\n${results.passes.length} passed, ${results.failures.length} failed`);
}

async function main() {
  const t0 = Date.now();
  // --no-build runs against the dist/ that is there (a build made by hand, or a watch build).
  if (!process.argv.includes('--no-build')) buildExtension();
  await ensureCodeServerOrExit({ browser: true });
  const suite = await buildSuite();
  const dirs = tempDirs('netdiag-vscode');
  const resultsFile = path.join(dirs.root, 'results.json');
  installExtension(dirs.extensionsDir);
  installExtension(dirs.extensionsDir, path.join(REPO_ROOT, 'test', 'vscode', 'runnerExtension'), ['extension.cjs']);
  let server;
  let browser;
  let code = 1;
  try {
    server = await startCodeServer({
      workspace: WORKSPACE,
      userDataDir: dirs.userDataDir,
      extensionsDir: dirs.extensionsDir,
      env: { NETDIAG_TEST_SUITE: suite, NETDIAG_TEST_RESULTS: resultsFile, NETDIAG_TEST_ROOT: REPO_ROOT },
    });
    browser = await launchChromium();
    await openWorkbench(browser, server);
    console.log(`workbench up after ${((Date.now() - t0) / 1000).toFixed(1)} s; running the suite`);
    if (await waitForFile(resultsFile, TIMEOUT_MS)) {
      const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      printResults(results);
      code = results.failures.length === 0 && results.passes.length > 0 ? 0 : 1;
    } else {
      console.log(`\nno results within ${TIMEOUT_MS / 1000} s (logs: ${server.logsDir})\n0 passed, 1 failed`);
    }
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (code === 0) fs.rmSync(dirs.root, { recursive: true, force: true });
    else console.log(`kept ${dirs.root} for inspection`);
  }
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
