// Test-only extension for the offline launcher (test/vscode/runOffline.mjs). code-server passes
// its environment to the extension host, so the launcher names the compiled suite and a results
// file in NETDIAG_TEST_SUITE / NETDIAG_TEST_RESULTS. This runs mocha on the suite here, in the
// extension host, the way @vscode/test-cli does in desktop VS Code, and writes what happened as
// JSON. Without those variables (e.g. an ordinary `npm start`) it does nothing.
const fs = require('node:fs');
const path = require('node:path');

function listSuiteFiles(suite) {
  if (!fs.statSync(suite).isDirectory()) return [suite];
  return fs
    .readdirSync(suite, { recursive: true })
    .filter((f) => String(f).endsWith('.test.js'))
    .map((f) => path.join(suite, String(f)))
    .sort();
}

function errorText(err) {
  if (err instanceof Error) return { message: err.message, stack: err.stack ?? '' };
  return { message: String(err), stack: '' };
}

async function runSuite(suite) {
  // Resolve mocha from the repository (NETDIAG_TEST_ROOT), not from this folder's location.
  const root = process.env.NETDIAG_TEST_ROOT ?? path.resolve(__dirname, '../../..');
  const Mocha = require(require.resolve('mocha', { paths: [root] }));
  const mocha = new Mocha({ ui: 'tdd', timeout: Number(process.env.NETDIAG_TEST_TIMEOUT_MS ?? 30000), color: false, reporter: 'base' });
  for (const file of listSuiteFiles(suite)) mocha.addFile(file);
  const results = { passes: [], failures: [], pending: [], durationMs: 0 };
  const started = Date.now();
  await new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => results.passes.push({ title: t.fullTitle(), durationMs: t.duration ?? 0 }));
    runner.on('fail', (t, err) => results.failures.push({ title: t.fullTitle(), ...errorText(err) }));
    runner.on('pending', (t) => results.pending.push({ title: t.fullTitle() }));
  });
  results.durationMs = Date.now() - started;
  return results;
}

function activate() {
  const suite = process.env.NETDIAG_TEST_SUITE;
  const resultsFile = process.env.NETDIAG_TEST_RESULTS;
  if (!suite || !resultsFile) return;
  // Start after activation returns, so the suite does not hold up the extension host's start.
  setTimeout(() => {
    runSuite(suite)
      .catch((err) => ({ passes: [], failures: [{ title: 'loading the suite', ...errorText(err) }], pending: [], durationMs: 0 }))
      .then((results) => {
        // Write then rename: the launcher never reads a half-written file.
        fs.writeFileSync(`${resultsFile}.tmp`, JSON.stringify(results, null, 2));
        fs.renameSync(`${resultsFile}.tmp`, resultsFile);
      });
  }, 0);
}

module.exports = { activate, deactivate() {} };
