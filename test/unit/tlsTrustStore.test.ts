import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { loadTrustStores } from '../../src/engine/tls/trustStore';
import { verifyChain } from '../../src/engine/tls/verify';
import { testPki } from '../helpers/pki';
import type { TestPki } from '../helpers/pki';

const nodeListsSystemStore = typeof (tls as { getCACertificates?: unknown }).getCACertificates === 'function';

let pki: TestPki;
let dir: string;
const path = (name: string): string => join(dir, name);

before(async () => {
  pki = await testPki();
  dir = await mkdtemp(join(tmpdir(), 'netdiag-trust-'));
  await writeFile(path('bundle.pem'), `# a comment line\n${pki.root.cert}${pki.rsa.key}${pki.intermediate.cert}`);
  await writeFile(path('broken.pem'), `${pki.otherRoot.cert}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`);
  await writeFile(path('empty.pem'), 'nothing here\n');
  await writeFile(path('os-bundle.crt'), `${pki.otherRoot.cert}${pki.sha1Root.cert}`);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('loadTrustStores', () => {
  it("takes Node's bundled roots as the node store", async () => {
    const { stores } = await loadTrustStores([], { osBundlePaths: [path('os-bundle.crt')] });
    assert.deepEqual(stores.node, tls.rootCertificates);
  });

  it('reads every certificate of each extra CA file, in order, skipping other blocks', async () => {
    const { stores, errors } = await loadTrustStores([path('bundle.pem')], { osBundlePaths: [path('os-bundle.crt')] });
    assert.deepEqual(errors, []);
    assert.deepEqual(stores.extra.map((p) => p.trim()), [pki.root.cert.trim(), pki.intermediate.cert.trim()]);
  });

  it('turns unreadable, empty and broken files into errors, keeping what is good', async () => {
    const missing = path('missing.pem');
    const { stores, errors } = await loadTrustStores([missing, path('empty.pem'), path('broken.pem'), path('bundle.pem')], { osBundlePaths: [path('os-bundle.crt')] });
    assert.equal(stores.extra.length, 3);
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0] ?? '', /missing\.pem could not be read: ENOENT/);
    assert.match(errors[1] ?? '', /empty\.pem holds no PEM certificate/);
    assert.match(errors[2] ?? '', /broken\.pem: certificate 2 of 2 does not decode/);
  });

  it('reads the first OS bundle that exists when Node cannot list the system store', { skip: nodeListsSystemStore && 'this Node lists the system store itself' }, async () => {
    const { stores, errors } = await loadTrustStores([], { osBundlePaths: [path('nope.crt'), path('os-bundle.crt'), path('bundle.pem')] });
    assert.deepEqual(errors, []);
    assert.deepEqual(stores.os.map((p) => p.trim()), [pki.otherRoot.cert.trim(), pki.sha1Root.cert.trim()]);
  });

  it('says so when no OS bundle exists', { skip: nodeListsSystemStore && 'this Node lists the system store itself' }, async () => {
    const { stores, errors } = await loadTrustStores([], { osBundlePaths: [path('nope.crt')] });
    assert.deepEqual(stores.os, []);
    assert.match(errors.join('\n'), /No OS certificate bundle found \(looked in .*nope\.crt\)/);
  });
});

describe('loadTrustStores with a cache directory', () => {
  const load = (cacheDir: string, files = [path('bundle.pem'), path('broken.pem')]) => loadTrustStores(files, { osBundlePaths: [path('os-bundle.crt')], cacheDir });
  const cacheFiles = async (cacheDir: string): Promise<string[]> => (await readdir(join(cacheDir, 'trust-index')).catch(() => [])).filter((n) => n.endsWith('.json')).sort();
  /** The cache file of broken.pem: the one with two rows, the second refused by X509Certificate. */
  const brokenFile = async (cacheDir: string): Promise<string> => {
    for (const name of await cacheFiles(cacheDir)) {
      const body = JSON.parse(await readFile(join(cacheDir, 'trust-index', name), 'utf8')) as { rows: unknown[][] };
      if (body.rows.length === 2 && typeof body.rows[1]?.[2] === 'string') return join(cacheDir, 'trust-index', name);
    }
    throw new Error('no cache file for broken.pem');
  };
  const rowsCheck = (rows: unknown): string => createHash('sha256').update(JSON.stringify(rows)).digest('hex');

  it('gives the same stores, errors and verdicts as without a cache, first and second time', async () => {
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const plain = await loadTrustStores([path('bundle.pem'), path('broken.pem')], { osBundlePaths: [path('os-bundle.crt')] });
    const first = await load(cacheDir);
    // Node's roots, the OS bundle and the two CA files: one file each.
    assert.equal((await cacheFiles(cacheDir)).length, 4);
    const second = await load(cacheDir);
    assert.deepEqual(first, plain);
    assert.deepEqual(second, plain);
    const chain = pki.rsa.chain.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((pem) => new X509Certificate(pem));
    const expected = verifyChain(chain, 'localhost', { node: [...plain.stores.node], os: [...plain.stores.os], extra: [...plain.stores.extra] }, Date.now(), { expiryWarningDays: 21 });
    assert.equal(expected.verification.store, 'extra');
    assert.deepEqual(verifyChain(chain, 'localhost', second.stores, Date.now(), { expiryWarningDays: 21 }), expected);
  });

  it('reads what it wrote: an intact file is believed (the cache directory is the user’s own)', async () => {
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    await load(cacheDir);
    const file = await brokenFile(cacheDir);
    const body = JSON.parse(await readFile(file, 'utf8')) as { rows: unknown[][]; check: string };
    body.rows[1]![2] = 'the cached reason';
    body.check = rowsCheck(body.rows);
    await writeFile(file, JSON.stringify(body));
    assert.match((await load(cacheDir)).errors.join('\n'), /certificate 2 of 2 does not decode \(the cached reason\)/);
  });

  for (const [what, damage] of [
    ['a changed row without a matching check', (text: string) => text.replace(/"rows":\[\["[0-9a-f]{64}"/, `"rows":[["${'0'.repeat(64)}"`)],
    ['a truncated file', (text: string) => text.slice(0, text.length / 2)],
    ['garbage', () => '\u0000\u0001 not json'],
    ['another format', (text: string) => text.replace(/"format":\d+/, '"format":999')],
    ['rows of the wrong shape', () => JSON.stringify({ format: 1, check: rowsCheck([[1, 2, 3, 4], [null]]), rows: [[1, 2, 3, 4], [null]] })],
  ] as const) {
    it(`ignores and rewrites ${what}`, async () => {
      const cacheDir = await mkdtemp(join(dir, 'cache-'));
      const expected = await load(cacheDir);
      const file = await brokenFile(cacheDir);
      const good = await readFile(file, 'utf8');
      await writeFile(file, damage(good));
      assert.deepEqual(await load(cacheDir), expected);
      assert.equal(await readFile(file, 'utf8'), good);
    });
  }

  it('a changed CA file is other content: a new cache file, and the change is seen', async () => {
    const cacheDir = await mkdtemp(join(dir, 'cache-'));
    const changing = path('changing.pem');
    await writeFile(changing, pki.root.cert);
    assert.equal((await load(cacheDir, [changing])).stores.extra.length, 1);
    const before = await cacheFiles(cacheDir);
    await writeFile(changing, `${pki.root.cert}${pki.otherRoot.cert}`);
    const after = await load(cacheDir, [changing]);
    assert.deepEqual(after.stores.extra.map((p) => p.trim()), [pki.root.cert.trim(), pki.otherRoot.cert.trim()]);
    assert.equal((await cacheFiles(cacheDir)).length, before.length + 1);
  });

  it('works the same when the cache directory cannot be written', async () => {
    const inTheWay = path('not-a-directory');
    await writeFile(inTheWay, 'a file where the cache directory should be');
    const plain = await loadTrustStores([path('bundle.pem'), path('broken.pem')], { osBundlePaths: [path('os-bundle.crt')] });
    assert.deepEqual(await load(inTheWay), plain);
    assert.deepEqual(await load(join(inTheWay, 'below')), plain);
  });
});
