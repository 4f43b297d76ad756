// When Netdiag starts, in a real workbench: a folder holding a config it reads (appsettings.json)
// activates it through its folder pattern, and the hover over a URL there works; a folder holding
// only files it does not read (tsconfig.json, .vscode/settings.json, TypeScript sources) does not
// activate it, even once a JSON file is open. The extension host's log names every activation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { hoverUntil, openFile, startWorkbench } from './workbench.mjs';

const SETTINGS = { 'netdiag.bind.hoverDnsLookups': false };

/** The extension host log's activation lines (`ExtensionService#_doActivateExtension <id>, …`). */
function activations(server) {
  return fs
    .readdirSync(server.logsDir, { recursive: true })
    .filter((f) => String(f).endsWith('exthost.log'))
    .flatMap((f) => fs.readFileSync(path.join(server.logsDir, String(f)), 'utf8').split('\n'))
    .filter((l) => l.includes('_doActivateExtension'));
}

async function until(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function folderWith(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netdiag-activation-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('a folder with appsettings.json activates Netdiag, and the hover over its URL works', async () => {
  const folder = folderWith({ 'appsettings.json': '{\n  "Kestrel": {\n    "Endpoints": {\n      "Http": { "Url": "http://0.0.0.0:5000" }\n    }\n  }\n}\n' });
  const workbench = await startWorkbench({ workspace: folder, trust: true, settings: SETTINGS });
  try {
    await openFile(workbench.page, 'appsettings.json');
    const text = await hoverUntil(workbench.page, '0.0.0.0', { expected: /0\.0\.0\.0:5000/ });
    assert.match(text, /Every IPv4 interface of this machine/);
    const line = activations(workbench.server).find((l) => l.includes('netdiag.netdiag'));
    assert.match(line ?? '', /workspaceContains/, `Netdiag was not activated by its folder pattern: ${line}`);
  } finally {
    await workbench.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('a folder with only tsconfig.json, .vscode/settings.json and TypeScript does not activate Netdiag', async () => {
  const folder = folderWith({
    'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
    '.vscode/settings.json': '{ "editor.tabSize": 2 }\n',
    'src/index.ts': 'export const url = "http://0.0.0.0:8080/";\n',
  });
  const workbench = await startWorkbench({ workspace: folder, trust: true, settings: SETTINGS });
  try {
    await openFile(workbench.page, 'tsconfig.json');
    // The JSON language extension activates on the opened JSON file: the point at which an
    // onLanguage:json activation would have started Netdiag too.
    await until(() => activations(workbench.server).some((l) => l.includes('vscode.json-language-features')), 60000, 'the JSON language extension to activate');
    await openFile(workbench.page, 'index.ts');
    await workbench.page.waitForTimeout(2000);
    assert.deepEqual(activations(workbench.server).filter((l) => l.includes('netdiag.netdiag')), []);
  } finally {
    await workbench.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
