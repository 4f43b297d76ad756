// Loads dist/engine.js on first use. esbuild cannot split a CommonJS bundle, so the engine is a
// second bundle next to dist/extension.js; activation then parses and runs none of it.
import * as path from 'node:path';
import type * as EngineModule from './engineEntry';

export type Engine = typeof EngineModule;

let engine: Engine | undefined;

export function loadEngine(): Engine {
  // A computed path keeps esbuild from inlining the engine into the extension bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
  engine ??= require(path.join(__dirname, 'engine.js')) as Engine;
  return engine;
}
