// systemLookup and resolveHost with injected lookup functions: no resolver is asked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { resolveHost, systemLookup } from '../../src/engine/dns/system';
import type { LookupFn } from '../../src/engine/options';

const now = (): number => performance.now();

/**
 * The deadline timer is unref'd (abort.ts): a real lookup keeps the process alive with its
 * pending request, a fake that hangs holds nothing, so the test holds the loop open itself.
 */
async function keepingAlive<T>(fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 1000);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

describe('systemLookup', () => {
  it('returns the addresses in the order the lookup gave them', async () => {
    const lookup: LookupFn = async (host) => {
      assert.equal(host, 'api.example.test');
      return [
        { address: '2001:db8::1', family: 6 },
        { address: '192.0.2.1', family: 4 },
      ];
    };
    const r = await systemLookup('api.example.test', lookup, { timeoutMs: 1000, now });
    assert.deepEqual(r.addresses, [
      { address: '2001:db8::1', family: 6 },
      { address: '192.0.2.1', family: 4 },
    ]);
    assert.equal(r.error, undefined);
    assert.ok(r.durationMs >= 0);
  });

  it('turns a lookup error into data with its code', async () => {
    const lookup: LookupFn = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const r = await systemLookup('gone.example.test', lookup, { timeoutMs: 1000, now });
    assert.deepEqual(r.addresses, []);
    assert.deepEqual(r.error, { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND gone.example.test' });
  });

  it('times out a lookup that ignores its signal', async () => {
    const lookup: LookupFn = () => new Promise(() => undefined);
    const start = now();
    const r = await keepingAlive(() => systemLookup('hang.example.test', lookup, { timeoutMs: 100, now }));
    assert.equal(r.error?.code, 'ETIMEDOUT');
    assert.ok(now() - start < 400);
  });

  it('passes a signal that fires on cancellation, and ends at once', async () => {
    let seen: AbortSignal | undefined;
    const lookup: LookupFn = (_host, signal) => {
      seen = signal;
      return new Promise(() => undefined);
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const start = now();
    const r = await keepingAlive(() => systemLookup('hang.example.test', lookup, { signal: controller.signal, timeoutMs: 5000, now }));
    assert.equal(r.error?.code, 'CANCELLED');
    assert.ok(now() - start < 500);
    assert.equal(seen?.aborted, true);
  });
});

describe('resolveHost', () => {
  const never: LookupFn = async (host) => assert.fail(`no lookup expected for ${host}`);

  it('an IP literal is its own address, without a lookup', async () => {
    const r = await resolveHost('::1', 6, { lookup: never, pinned: {}, timeoutMs: 1000, now });
    assert.deepEqual(r, { host: '::1', source: 'ip-literal', addresses: [{ address: '::1', family: 6 }], lookup: null });
  });

  it('a pinned name (any case) gets its pinned addresses, without a lookup', async () => {
    const pinned = { 'api.example.test': [{ address: '192.0.2.7', family: 4 as const }] };
    const r = await resolveHost('API.Example.test', null, { lookup: never, pinned, timeoutMs: 1000, now });
    assert.equal(r.source, 'pinned');
    assert.deepEqual(r.addresses, [{ address: '192.0.2.7', family: 4 }]);
  });

  it('anything else is the system lookup, its time and its error kept', async () => {
    const found = await resolveHost('api.example.test', null, { lookup: async () => [{ address: '192.0.2.1', family: 4 }], pinned: { 'api.example.test': [] }, timeoutMs: 1000, now });
    assert.equal(found.source, 'system');
    assert.deepEqual(found.addresses, [{ address: '192.0.2.1', family: 4 }]);
    assert.equal(typeof found.lookup?.durationMs, 'number');
    const hung = await keepingAlive(() => resolveHost('slow.example.test', null, { lookup: () => new Promise(() => undefined), pinned: {}, timeoutMs: 50, now }));
    assert.deepEqual(hung.addresses, []);
    assert.equal(hung.lookup?.error?.code, 'ETIMEDOUT');
  });
});
