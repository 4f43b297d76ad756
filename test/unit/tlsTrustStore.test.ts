import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { loadTrustStores } from '../../src/engine/tls/trustStore';
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
