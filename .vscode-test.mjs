// @vscode/test-cli configuration (`npx vscode-test`): the same extension-host suite as
// `npm run test:vscode`, in desktop VS Code that @vscode/test-electron downloads. Use it where VS
// Code's download service is reachable; offline machines use test/vscode/runOffline.mjs instead.
import { defineConfig } from '@vscode/test-cli';
import { buildExtension } from './test/harness/codeServer.mjs';
import { buildSuite } from './test/vscode/buildSuite.mjs';

buildExtension();
await buildSuite();

const base = {
  files: 'out/test/vscode/suite/**/*.test.js',
  extensionDevelopmentPath: '.',
  workspaceFolder: 'test/fixtures/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 30000 },
};

// The oldest VS Code that package.json's engines.vscode allows, and the newest: the API surface
// we use must work on both. VSCODE_TEST_VERSION runs just one.
const versions = process.env.VSCODE_TEST_VERSION ? [process.env.VSCODE_TEST_VERSION] : ['1.90.0', 'stable'];
export default defineConfig(versions.map((version) => ({ ...base, label: `extension-host-${version}`, version })));
