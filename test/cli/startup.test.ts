// The CLI's start-up as a user meets it (the built dist/cli.js, spawned): a small entry that loads
// only the command it runs from that command's own bundle, and caches under the user's cache
// directory that change nothing but the time — written by a run, used by the next, ignored and
// rewritten when damaged, and not needed at all.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands';
import { CLI, runCli } from '../helpers/cli';
import { testPki, type TestPki } from '../helpers/pki';

let pki: TestPki;
let dir: string;

before(async () => {
  pki = await testPki();
  dir = await mkdtemp(join(tmpdir(), 'netdiag-cli-cache-'));
  await writeFile(join(dir, 'chain.pem'), pki.rsa.chain);
  await writeFile(join(dir, 'root.pem'), pki.root.cert);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('bundles', () => {
  it('the entry holds no engine code; each command has its bundle and its --help', async () => {
    const entry = await readFile(CLI, 'utf8');
    for (const engineCode of ['createSecureContext', 'X509Certificate', 'dns-packet', 'node-forge']) assert.ok(!entry.includes(engineCode), `dist/cli.js contains ${engineCode}`);
    for (const c of COMMANDS) {
      assert.ok(existsSync(join(CLI, '..', 'cli', `${c.bundle}.js`)), `dist/cli/${c.bundle}.js`);
      const r = await runCli([c.name, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: netdiag ${c.name} `));
    }
  });

  it('maps each bundle’s input errors to exit code 2 in one line', async () => {
    for (const args of [['diagnose', 'http://[bad'], ['dns', 'x', '--type', 'NOPE'], ['cert', join(dir, 'missing.pem')], ['diagnose', 'https://x.test', '--timeout', '0']]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});

describe('caches', () => {
  const certArgs = (): string[] => ['cert', join(dir, 'chain.pem'), '--ca', join(dir, 'root.pem'), '--json'];
  const withCache = (cacheHome: string) => runCli(certArgs(), { env: { XDG_CACHE_HOME: cacheHome } });
  const files = async (root: string): Promise<string[]> => {
    const out: string[] = [];
    for (const sub of ['code', 'trust-index']) out.push(...(await readdir(join(root, 'netdiag', sub)).catch(() => [])).map((n) => join(root, 'netdiag', sub, n)));
    return out.sort();
  };
  /** The certificate check without its timings: what must not change with or without caches. */
  const verdict = (stdout: string): unknown => JSON.parse(stdout.replace(/"(durationMs|checkedAt|daysLeft)":\s*[^,}\n]+/g, '"$1": 0'));

  it('are written by a run, used by the next, and change nothing', async () => {
    const home = join(dir, 'cache-home');
    const first = await withCache(home);
    assert.equal(first.code, 0, first.stderr);
    const written = await files(home);
    assert.ok(written.some((f) => /code\/cert-[0-9a-f]{64}\.bin$/.test(f)), written.join('\n'));
    assert.ok(written.some((f) => f.includes('trust-index')), written.join('\n'));
    const second = await withCache(home);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(verdict(second.stdout), verdict(first.stdout));
    assert.deepEqual(await files(home), written);
  });

  it('are ignored and rewritten when damaged', async () => {
    const home = join(dir, 'damaged-home');
    const first = await withCache(home);
    const written = await files(home);
    for (const f of written) await writeFile(f, 'damaged');
    const again = await withCache(home);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(verdict(again.stdout), verdict(first.stdout));
    for (const f of written) assert.notEqual(await readFile(f, 'utf8'), 'damaged', f);
  });

  it('are not needed: a cache directory that cannot be written changes nothing', async () => {
    const inTheWay = join(dir, 'not-a-dir');
    await writeFile(inTheWay, 'a file');
    const plain = await withCache(join(dir, 'plain-home'));
    const r = await withCache(inTheWay);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(verdict(r.stdout), verdict(plain.stdout));
  });
});
