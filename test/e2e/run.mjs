// `npm run test:e2e`: builds the extension, makes sure code-server and Chromium are installed
// (so a first-time install is not charged to a test's timeout), then runs the browser tests one
// file at a time with node:test. `--no-build` uses the dist/ that is there.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExtension, ensureCodeServerOrExit } from '../harness/codeServer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// The webview harness tests load the bundles in plain Chromium (no workbench): the views alone,
// under the same CSP, against fixture reports. Then the workbench flows.
const FILES = [
  'webviewHarness/reportView.test.ts',
  'webviewHarness/dnsView.test.ts',
  'diagnose.test.mjs',
  'restricted.test.mjs',
  'bind.test.mjs',
  'vantage.test.mjs',
  'activation.test.mjs',
  'certificates.test.mjs',
  'http.test.mjs',
  // Last: it packages the extension, which rebuilds dist/ in production mode.
  'quickstart.test.mjs',
].map((f) => path.join(here, f));

const t0 = Date.now();
if (!process.argv.includes('--no-build')) buildExtension();
await ensureCodeServerOrExit({ browser: true });
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-timeout=180000', ...(only.length > 0 ? only : FILES)],
  { stdio: 'inherit' },
);
console.log(`e2e total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
