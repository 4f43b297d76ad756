// Loads a bundle (one of the CLI's command bundles, dist/cli/<command>.js, or the extension's
// dist/engine.js) the way require() would, but through vm.Script with V8's code cache: compiling
// a bundle of a few hundred KiB costs the process tens of milliseconds on every run, and the
// functions a run compiles lazily cost more around and inside its timed windows. Pure Node, so
// both front ends share it from here; nothing in the engine itself uses it. The cache is written after a command has run, so it holds every
// function that run compiled; it is keyed by the bundle's SHA-256 and V8's version, and V8
// itself refuses data made by another version or with other flags (`cachedDataRejected`), in
// which case the bundle is compiled as usual and the cache rewritten. (Node 22.1+ has
// module.enableCompileCache for the same; this works from Node 20 on.)
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/** Code caches kept per bundle: the current one and a few older (another Node, a rollback). */
const KEEP_PER_BUNDLE = 3;

export interface LoadedBundle {
  /** The bundle's module.exports. */
  exports: unknown;
  /** Writes V8's code cache for the next run when there was none or V8 refused it. Never throws. */
  saveCodeCache(): void;
}

export function loadBundle(file: string, cacheDir: string | null): LoadedBundle {
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(source).update(`\0${process.versions.v8}\0${process.arch}`).digest('hex');
  const cacheFile = cacheDir === null ? null : join(cacheDir, 'code', `${basename(file, '.js')}-${key}.bin`);
  const cachedData = cacheFile === null ? undefined : readCache(cacheFile);
  // The wrapper Node's CommonJS loader puts around a module.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    saveCodeCache() {
      if (cacheFile === null || (cachedData !== undefined && !script.cachedDataRejected)) return;
      writeCache(cacheFile, script.createCachedData());
    },
  };
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Atomically (a unique name, then rename), so a concurrent run never reads half a file. */
function writeCache(file: string, data: Buffer): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
    prune(file);
  } catch {
    // An unwritable cache only means the next run compiles again.
    try {
      unlinkSync(temp);
    } catch {
      // Never written.
    }
  }
}

/** Removes the oldest caches of the same bundle beyond KEEP_PER_BUNDLE. */
function prune(file: string): void {
  const dir = dirname(file);
  const prefix = `${basename(file).replace(/-[0-9a-f]{64}\.bin$/, '')}-`;
  const mtime = (name: string): number => {
    try {
      return statSync(join(dir, name)).mtimeMs;
    } catch {
      return 0;
    }
  };
  const caches = readdirSync(dir)
    .filter((n) => n.startsWith(prefix) && n.endsWith('.bin'))
    .map((name) => ({ name, mtime: mtime(name) }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of caches.slice(KEEP_PER_BUNDLE)) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Gone already, or another run's.
    }
  }
}
