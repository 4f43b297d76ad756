// netdiag: the engine from a terminal or CI. Proves the engine is free of VS Code.
//
// This is the whole of dist/cli.js, kept small because every run loads it: it dispatches
// (run.ts) to the command's own bundle (dist/cli/<command>.js, through V8's code cache:
// engine/loadBundle.ts) and imports nothing of the engine but its version and that loader.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { userCacheDir } from './cacheDir';
import { loadBundle, type LoadedBundle } from '../engine/loadBundle';
import { runCli } from './run';


const cacheDir = userCacheDir(process.env, process.platform, homedir());
let bundle: LoadedBundle | undefined;

runCli(process.argv.slice(2), {
  cacheDir,
  load: <T>(name: string): T => {
    bundle = loadBundle(join(__dirname, 'cli', `${name}.js`), cacheDir);
    return bundle.exports as T;
  },
  afterRun: () => bundle?.saveCodeCache(),
});
