// `npm start`: builds Netdiag and opens it on the sample workspace. With desktop VS Code on PATH
// (`code`), as an extension under development; otherwise in code-server (the test harness's VS
// Code), whose URL is printed. Runs until Ctrl-C, then stops code-server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildExtension, ensureCodeServerOrExit, installExtension, REPO_ROOT, startCodeServer } from './codeServer.mjs';

const WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

buildExtension();
if (onPath('code') && !process.argv.includes('--code-server')) {
  const child = spawn('code', [`--extensionDevelopmentPath=${REPO_ROOT}`, WORKSPACE], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  // A stable folder, so settings, recent targets and open editors survive restarts.
  await ensureCodeServerOrExit();
  const home = path.join(os.tmpdir(), 'netdiag-start');
  const extensionsDir = path.join(home, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  installExtension(extensionsDir);
  const userDataDir = path.join(home, 'user-data');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  // The sample's README says what to try; it opens first unless the user chose otherwise.
  const settings = { 'workbench.startupEditor': 'readme', ...(fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : {}) };
  const server = await startCodeServer({ workspace: WORKSPACE, userDataDir, extensionsDir, settings, quiet: !process.argv.includes('--verbose') });
  console.log(`\nNetdiag is running in VS Code (code-server). Open:\n\n  ${server.workbenchUrl}\n`);
  console.log('Rebuild with `npm run watch` in another terminal, then run "Developer: Reload Window".');
  console.log('Press Ctrl-C to stop.');
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
