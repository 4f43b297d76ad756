// Bundles the extension-host suite (TypeScript, type-checked by `tsc --noEmit`) into
// out/test/vscode/suite/*.test.js: CommonJS for the extension host's require, `vscode` and
// `mocha` left to the host. Both launchers (runOffline.mjs, .vscode-test.mjs) call this first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SUITE_OUT = path.join(root, 'out', 'test', 'vscode', 'suite');

export async function buildSuite() {
  const dir = path.join(root, 'test', 'vscode', 'suite');
  const entryPoints = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return SUITE_OUT;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildSuite();
