// @vscode/test-cli configuration (`npx vscode-test`): the same extension-host suite as
// `npm run test:vscode`, in desktop VS Code that @vscode/test-electron downloads. Use it where VS
// Code's download service is reachable; offline machines use test/vscode/runOffline.mjs instead.
import { defineConfig } from '@vscode/test-cli';
import { buildExtension } from './test/harness/codeServer.mjs';
import { buildSuite } from './test/vscode/buildSuite.mjs';

buildExtension();
await buildSuite();

export default defineConfig({
  label: 'extension-host',
  files: 'out/test/vscode/suite/**/*.test.js',
  extensionDevelopmentPath: '.',
  workspaceFolder: 'test/fixtures/workspace',
  // `stable`; set VSCODE_TEST_VERSION=1.96.0 to try the oldest version package.json allows.
  version: process.env.VSCODE_TEST_VERSION ?? 'stable',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 30000 },
});
