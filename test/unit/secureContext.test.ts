// The TLS context cache (src/engine/tls/secureContext.ts): built once per configuration, found
// again by content when the stores are loaded afresh (the extension does that for each run), and
// never shared between configurations that differ.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { secureContextFor } from '../../src/engine/tls/secureContext';
import { loadTrustStores } from '../../src/engine/tls/trustStore';
import { testPki, type TestPki } from '../helpers/pki';

let pki: TestPki;
let dir: string;

before(async () => {
  pki = await testPki();
  dir = await mkdtemp(join(tmpdir(), 'netdiag-context-'));
  await writeFile(join(dir, 'root.pem'), pki.root.cert);
  await writeFile(join(dir, 'other.pem'), pki.otherRoot.cert);
  await writeFile(join(dir, 'os.crt'), pki.sha1Root.cert);
});
after(() => rm(dir, { recursive: true, force: true }));

const load = async (file: string) => (await loadTrustStores([join(dir, file)], { osBundlePaths: [join(dir, 'os.crt')] })).stores;

describe('secureContextFor', () => {
  it('finds the context of stores loaded again with the same content', async () => {
    assert.equal(secureContextFor(await load('root.pem')), secureContextFor(await load('root.pem')));
  });

  it('builds another for other content', async () => {
    assert.notEqual(secureContextFor(await load('root.pem')), secureContextFor(await load('other.pem')));
  });

  it('keys stores made by hand by the object, as their content is not known', () => {
    const stores = { node: [], os: [], extra: [pki.root.cert] };
    assert.equal(secureContextFor(stores), secureContextFor(stores));
    assert.notEqual(secureContextFor(stores), secureContextFor({ ...stores }));
  });

  it('keeps a client certificate’s context with that certificate, and apart from the plain one', async () => {
    const stores = await load('root.pem');
    const client = { cert: pki.rsa.chain, key: pki.rsa.key };
    const withClient = secureContextFor(stores, client);
    assert.equal(secureContextFor(stores, client), withClient);
    assert.notEqual(secureContextFor(stores), withClient);
    assert.notEqual(secureContextFor(stores, { ...client }), withClient);
  });
});
