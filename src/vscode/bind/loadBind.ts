// Loads dist/bind.js on first use, like loadEngine.ts does for the diagnosis engine.
import * as path from 'node:path';
import type * as BindModule from './bindEntry';

export type BindEngine = typeof BindModule;

let engine: BindEngine | undefined;

export function loadBind(): BindEngine {
  // A computed path keeps esbuild from inlining the analysis into the extension bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
  engine ??= require(path.join(__dirname, 'bind.js')) as BindEngine;
  return engine;
}
