// The CLI's start-up pieces: the command list against the command modules (each becomes a bundle
// of its own), the user cache directory per platform, and the bundle loader with V8's code cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { userCacheDir } from '../../src/cli/cacheDir';
import { COMMANDS } from '../../src/cli/commands';
import { loadBundle } from '../../src/engine/loadBundle';

const LOADER = join(__dirname, '../../src/engine/loadBundle.ts');

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netdiag-cli-start-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('COMMANDS', () => {
  it('names one module of src/cli/commands per command, and every module is a command', async () => {
    const modules = (await readdir(join(__dirname, '../../src/cli/commands'))).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    assert.deepEqual(COMMANDS.map((c) => c.bundle).sort(), modules.sort());
  });

  it('each entry gives its module’s command', async () => {
    for (const entry of COMMANDS) {
      const module = (await import(join(__dirname, '../../src/cli/commands', `${entry.bundle}.ts`))) as Record<string, unknown>;
      const command = entry.command(<T>(bundle: string): T => {
        assert.equal(bundle, entry.bundle);
        return module as T;
      });
      assert.equal(command.name, entry.name);
    }
  });
});

describe('userCacheDir', () => {
  it('follows XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }, 'linux', '/home/me'), '/var/cache/me/netdiag');
    assert.equal(userCacheDir({ XDG_CACHE_HOME: 'relative/cache' }, 'linux', '/home/me'), '/home/me/.cache/netdiag');
    assert.equal(userCacheDir({}, 'freebsd', '/home/me'), '/home/me/.cache/netdiag');
  });

  it('uses the platform’s place on macOS and Windows, and none without a home', () => {
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/x' }, 'darwin', '/Users/me'), '/Users/me/Library/Caches/netdiag');
    assert.equal(userCacheDir({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32', 'C:\\Users\\me'), 'C:\\Users\\me\\AppData\\Local\\netdiag\\Cache');
    assert.equal(userCacheDir({}, 'win32', 'C:\\Users\\me'), null);
    assert.equal(userCacheDir({}, 'linux', ''), null);
  });
});

describe('loadBundle', () => {
  const bundle = async (name: string, body: string): Promise<string> => {
    const file = join(dir, `${name}.js`);
    await writeFile(file, body);
    return file;
  };
  const caches = async (cacheDir: string): Promise<string[]> => (await readdir(join(cacheDir, 'code')).catch(() => [])).sort();

  it('runs a bundle as CommonJS: exports, require relative to it, __filename and __dirname', async () => {
    await writeFile(join(dir, 'helper.js'), 'module.exports = 41;');
    const file = await bundle('module', 'exports.answer = require("./helper.js") + 1; exports.where = [__filename, __dirname];');
    const loaded = loadBundle(file, null);
    assert.deepEqual(loaded.exports, { answer: 42, where: [file, dir] });
    loaded.saveCodeCache();
  });

  it('writes the code cache after the run, uses it next time, and rewrites one V8 refuses', async () => {
    // Each load in a fresh process, as each CLI run is: within one process V8 compiles a source
    // once and never looks at cached data again.
    const cacheDir = join(dir, 'cache-1');
    const file = await bundle('cached', 'exports.twice = (n) => n * 2;');
    const run = (): string => {
      const script = `const { loadBundle } = require(${JSON.stringify(LOADER)});
        const loaded = loadBundle(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});
        process.stdout.write(String(loaded.exports.twice(21)));
        loaded.saveCodeCache();`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const first = loadBundle(file, cacheDir);
    assert.deepEqual(await caches(cacheDir), [], 'nothing is written before the run ends');
    first.saveCodeCache();
    const [name] = await caches(cacheDir);
    assert.match(name ?? '', /^cached-[0-9a-f]{64}\.bin$/);
    const path = join(cacheDir, 'code', name!);
    const written = await readFile(path);

    assert.equal(run(), '42');
    assert.deepEqual(await readFile(path), written, 'an accepted cache is not rewritten');

    await writeFile(path, 'not a code cache');
    assert.equal(run(), '42');
    assert.deepEqual(await caches(cacheDir), [name]);
    assert.notEqual(await readFile(path, 'utf8'), 'not a code cache');
  });

  it('keys the cache by the bundle’s content: a changed bundle gets its own', async () => {
    const cacheDir = join(dir, 'cache-2');
    const file = await bundle('changing', 'exports.v = 1;');
    loadBundle(file, cacheDir).saveCodeCache();
    await writeFile(file, 'exports.v = 2;');
    const changed = loadBundle(file, cacheDir);
    assert.deepEqual(changed.exports, { v: 2 });
    changed.saveCodeCache();
    assert.equal((await caches(cacheDir)).length, 2);
  });

  it('keeps a few caches per bundle', async () => {
    const cacheDir = join(dir, 'cache-3');
    const file = join(dir, 'many.js');
    for (let v = 0; v < 6; v++) {
      await writeFile(file, `exports.v = ${v};`);
      loadBundle(file, cacheDir).saveCodeCache();
    }
    assert.equal((await caches(cacheDir)).length, 3);
  });

  it('works the same when the cache directory cannot be written', async () => {
    const inTheWay = join(dir, 'a-file');
    await writeFile(inTheWay, 'in the way');
    const file = await bundle('unwritable', 'exports.ok = true;');
    const loaded = loadBundle(file, join(inTheWay, 'cache'));
    assert.deepEqual(loaded.exports, { ok: true });
    loaded.saveCodeCache();
  });
});
