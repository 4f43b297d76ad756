// Loads dist/engine.js on first use. esbuild cannot split a CommonJS bundle, so the engine is a
// second bundle next to dist/extension.js; activation then parses and runs none of it.
//
// The first diagnosis in a window must not pay for the engine inside its timings: the engine
// prepares before its clock starts (src/engine/prepare.ts), and prepareEngine() starts that work
// when the command starts, while the user is still typing the target. The bundle is loaded
// through V8's code cache in the extension's storage, as the CLI loads its bundles
// (src/engine/loadBundle.ts): a new window then runs the code an earlier one compiled, instead
// of compiling each function the first time it runs, around and inside the first run's windows.
import * as path from 'node:path';
import { loadBundle, type LoadedBundle } from '../engine/loadBundle';
import type { SetupInput } from '../engine/setup';
import { PreparedOptions } from './preparedOptions';
import type * as EngineModule from './engineEntry';

export type Engine = typeof EngineModule;

let engine: Engine | undefined;
let bundle: LoadedBundle | undefined;
let cacheDir: string | undefined;

/** The extension's storage, where the engine keeps the trust stores' facts between windows. Set at activation. */
export function setEngineCacheDir(dir: string): void {
  cacheDir = dir;
}

export function loadEngine(): Engine {
  if (!engine) {
    // A computed path keeps esbuild from inlining the engine into the extension bundle.
    bundle = loadBundle(path.join(__dirname, 'engine.js'), cacheDir ?? null);
    const loaded = bundle.exports as Engine;
    // The engine reads no environment: every caller's setup gets the storage directory here.
    engine = { ...loaded, prepareOptions: (input) => loaded.prepareOptions({ ...input, cacheDir: input.cacheDir ?? cacheDir }) };
  }
  return engine;
}

/**
 * Writes the engine's code cache once a command has run, so it holds the functions that run
 * compiled; nothing when the cache was already there and V8 took it. Never throws.
 */
export function saveEngineCodeCache(): void {
  bundle?.saveCodeCache();
}

const prepared = new PreparedOptions<Awaited<ReturnType<Engine['prepareOptions']>>>();

/**
 * Loads the engine and prepares a run with these settings (trust stores, TLS context, first-use
 * warm-up; no network), after the current event, so that the diagnosis that follows finds it
 * done; then has V8 collect its young generation while the user is still typing, rather than
 * inside the run's first readings. Never throws: what fails, the run meets again and reports.
 */
export function prepareEngine(setup: SetupInput): void {
  setTimeout(() => {
    void (async () => {
      const e = loadEngine();
      const options = e.prepareOptions(setup);
      prepared.hold(setup, options);
      await e.prepareRun((await options).options);
      e.collectYoungGeneration();
    })().catch(() => undefined);
  }, 0);
}

/** The options for a run: those prepareEngine prepared for the same setup (once), else prepared now. */
export function optionsFor(setup: SetupInput): ReturnType<Engine['prepareOptions']> {
  return prepared.take(setup, () => loadEngine().prepareOptions(setup));
}

/**
 * Loads the engine after the current event, while the user is still answering the command's
 * questions: loading a 1 MB bundle leaves V8 garbage-collection work that would otherwise run
 * inside the first lookup's readings. Never throws: the lookup loads it again and reports.
 */
export function preloadEngine(): void {
  setTimeout(() => {
    try {
      loadEngine();
    } catch {
      // The command itself loads it and says what failed.
    }
  }, 0);
}
