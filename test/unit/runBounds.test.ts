// The bounds of a run (src/engine/runBounds.ts): what runs beside the critical path and what of it
// is still running, the bound after the critical path, and the final bound that ends a run whose
// step never settles — with a timer that keeps Node alive, so the run cannot end without a report.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULTS, DEFAULT_TIMEOUTS, LIMITS } from '../../src/engine/options';
import { afterCriticalMs, BesideWork, finalBound, runBudgetMs, settleWithin } from '../../src/engine/runBounds';

const never = new Promise<void>(() => undefined);

describe('BesideWork', () => {
  it('names what still runs, and settles once all of it has, work added meanwhile included', async () => {
    const work = new BesideWork();
    let endFirst!: () => void;
    work.add(new Promise<void>((resolve) => (endFirst = resolve)), () => ['TCP 10.0.0.2:443']);
    work.add(Promise.resolve(), () => ['DNS A @192.0.2.53']);
    await Promise.resolve();
    assert.deepEqual(work.unfinished(), ['TCP 10.0.0.2:443']);
    let settled = false;
    const all = work.settled().then(() => (settled = true));
    let endLate!: () => void;
    work.add(new Promise<void>((resolve) => (endLate = resolve)), () => ['TLS interception check']);
    endFirst();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the work added while waiting is waited for too');
    endLate();
    await all;
    assert.deepEqual(work.unfinished(), []);
  });
});

describe('bounds', () => {
  it('after the critical path: one connect timeout, whatever the number of addresses', () => {
    assert.equal(afterCriticalMs({ timeouts: { ...DEFAULT_TIMEOUTS, connectMs: 1234 } }), 1234);
  });

  it('the final bound adds up every step of every request, within what a timer can hold', () => {
    const base = { timeouts: DEFAULT_TIMEOUTS, connectConcurrency: DEFAULTS.connectConcurrency, followRedirects: true, maxRedirects: 10 };
    const t = DEFAULT_TIMEOUTS;
    const hop = t.dnsMs + 2 * t.connectMs + t.tlsMs + 2 * t.httpMs;
    assert.equal(runBudgetMs(base), hop * 11 + t.connectMs + 1000);
    assert.equal(runBudgetMs({ ...base, followRedirects: false }), hop + t.connectMs + 1000);
    const slowest = { ...base, maxRedirects: LIMITS.maxRedirects.max, timeouts: { dnsMs: LIMITS.timeoutMs.max, connectMs: LIMITS.timeoutMs.max, tlsMs: LIMITS.timeoutMs.max, httpMs: LIMITS.timeoutMs.max } };
    assert.ok(runBudgetMs(slowest) < 2 ** 31 - 1, 'the ranges keep every budget a timer can hold');
    const unchecked = { ...slowest, timeouts: { ...slowest.timeouts, httpMs: 1e9 } };
    assert.equal(runBudgetMs(unchecked), 2 ** 31 - 1, 'options that skipped the setup: a longer timer would fire after 1 ms');
  });

  it('settleWithin tells whether the work ended in time', async () => {
    assert.equal(await settleWithin(Promise.resolve(), 1000), true);
    assert.equal(await settleWithin(never, 10), false);
  });

  it('the final bound fires on a step that never settles', async () => {
    let expired = false;
    const bound = finalBound(20, () => (expired = true));
    await Promise.race([never, bound.expired]);
    assert.equal(expired, true);
  });

  it('its timer keeps Node alive: a process left with nothing but a promise that never settles still gets to it', () => {
    // Every other engine timer is unref'ed; were this one too, Node would exit here without a word.
    const script = `require(${JSON.stringify(join(__dirname, '../../src/engine/runBounds.ts'))}).finalBound(50, () => console.log('bound reached'));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(out.trim(), 'bound reached');
  });
});
