// The real OS resolver, asked only for `localhost` (answered from /etc/hosts or the resolver's
// own localhost rule, never from the network).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { osLookup, systemLookup } from '../../src/engine/dns/system';

describe('osLookup', () => {
  it('resolves localhost to loopback addresses', async () => {
    const r = await systemLookup('localhost', osLookup, { timeoutMs: 2000, now: () => performance.now() });
    assert.equal(r.error, undefined);
    assert.ok(r.addresses.length > 0);
    for (const a of r.addresses) {
      assert.ok(a.family === 4 ? a.address.startsWith('127.') : a.address === '::1', `${a.address}/${a.family}`);
    }
  });

  it('gives up at once with an aborted signal', async () => {
    await assert.rejects(osLookup('localhost', AbortSignal.abort()), { name: 'AbortError' });
  });
});
