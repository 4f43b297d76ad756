// The hover's DNS answer: within the budget it is shown, past it "resolving…" (null) and the next
// hover shows the answer from the cache; failures become words. The system resolver is asked only
// for `localhost` (answered from /etc/hosts).
import assert from 'node:assert/strict';
import { promises as dns } from 'node:dns';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { createHoverResolver } from '../../src/engine/bind/hoverDns';

const localhost = async (name: string): Promise<string[]> => (await dns.lookup(name, { all: true })).map((a) => a.address);

it('answers within the budget, from the system resolver', async () => {
  let calls = 0;
  const resolve = createHoverResolver(async (n) => (calls++, localhost(n)), { budgetMs: 300, ttlMs: 60_000 });
  assert.match((await resolve('localhost')) ?? '', /127\.0\.0\.1|::1/);
  await resolve('localhost');
  assert.equal(calls, 1, 'the second hover is answered from the cache');
});

it('says "resolving" past the budget, and has the answer for the next hover', async () => {
  // The lookup takes far longer than the budget, so a loaded machine cannot blur the two.
  const resolve = createHoverResolver(async (n) => (await sleep(800), localhost(n)), { budgetMs: 30, ttlMs: 60_000 });
  const started = performance.now();
  assert.equal(await resolve('localhost'), null);
  assert.ok(performance.now() - started < 500, 'the hover did not wait for the lookup');
  assert.equal(await resolve('localhost'), null, 'still resolving: no second lookup');
  await sleep(900);
  assert.match((await resolve('localhost')) ?? '', /127\.0\.0\.1|::1/);
});

it('a failed lookup becomes a short sentence, and expires with the TTL', async () => {
  let t = 0;
  let calls = 0;
  const fail = async (): Promise<string[]> => {
    calls++;
    throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere'), { code: 'ENOTFOUND' });
  };
  const resolve = createHoverResolver(fail, { budgetMs: 100, ttlMs: 1000, now: () => t });
  assert.equal(await resolve('nowhere'), 'does not resolve (ENOTFOUND)');
  t = 500;
  await resolve('nowhere');
  assert.equal(calls, 1);
  t = 2000;
  await resolve('nowhere');
  assert.equal(calls, 2, 'looked up again after the TTL');
});
