// Hostile and broken servers against queryServers/lookupDns: garbage, wrong IDs, wrong
// questions, a compression-pointer loop, answers from the wrong address, truncation with TCP
// refused, silence; retries across servers within the budget, timeouts and cancellation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lookupDns } from '../../src/engine/dns/lookup';
import { queryServers } from '../../src/engine/dns/query';
import { startDnsServer } from '../helpers/dnsServer';
import type { TestDnsServer } from '../helpers/dnsServer';

let hostile: TestDnsServer;
let good: TestDnsServer;
let noTcp: TestDnsServer;

const A = (data: string) => [{ type: 'A' as const, data }];

before(async () => {
  hostile = await startDnsServer({
    zone: { 'garbage.test': A('192.0.2.1'), 'wrongid.test': A('192.0.2.1'), 'wrongq.test': A('192.0.2.1'), 'loop.test': A('192.0.2.1'), 'spoof.test': A('192.0.2.1'), 'silent.test': A('192.0.2.1'), 'retry.test': A('192.0.2.1'), 'late.test': A('192.0.2.1') },
    behaviours: {
      'garbage.test': { garbage: true },
      'wrongid.test': { wrongId: true },
      'wrongq.test': { wrongQuestion: true },
      'loop.test': { pointerLoop: true },
      'spoof.test': { spoofFromOtherPort: '203.0.113.66', delayMs: 20 },
      'silent.test': { silent: true },
      'retry.test': { servfail: true },
      'late.test': { wrongId: true, thenAnswer: true },
    },
  });
  good = await startDnsServer({ host: '127.0.0.1', zone: { 'silent.test': A('192.0.2.2'), 'retry.test': A('192.0.2.2'), 'garbage.test': A('192.0.2.2') } });
  noTcp = await startDnsServer({ tcp: false, zone: { 'big.test': A('192.0.2.3') }, behaviours: { 'big.test': { truncate: true } } });
});
after(async () => {
  await Promise.all([hostile.close(), good.close(), noTcp.close()]);
});

const now = (): number => performance.now();
const ask = (name: string, servers = [hostile.server], timeoutMs = 300) => queryServers(servers, { name, type: 'A', rd: true }, { timeoutMs, now });

describe('hostile responses', () => {
  for (const [name, why] of [
    ['garbage.test', /undecodable/],
    ['wrongid.test', /ID \d+ instead of \d+/],
    ['wrongq.test', /question "wrong\.wrongq\.test/],
    ['loop.test', /pointer/],
  ] as const) {
    it(`ignores ${name} and says why no valid answer came`, async () => {
      const r = await ask(name);
      assert.equal(r.rcode, null);
      assert.equal(r.error?.code, 'DNS_BAD_RESPONSE');
      assert.match(r.error?.message ?? '', why);
      assert.deepEqual(r.answers, []);
    });
  }

  it('accepts the real answer that follows a mismatched one', async () => {
    const r = await ask('late.test');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.1']);
  });

  it('never takes an answer from another port or address (RFC 5452 §9.1)', async () => {
    const r = await ask('spoof.test');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.1'], 'the spoofed 203.0.113.66 must not be accepted');
  });

  it('turns a truncated answer with TCP refused into DNS_TRUNCATED_NO_TCP', async () => {
    const r = await lookupDns('big.test', { timeoutMs: 300, servers: [noTcp.server], types: ['A'] });
    assert.equal(r.queries[0]?.truncated, true);
    assert.equal(r.queries[0]?.error?.code, 'ECONNREFUSED');
    assert.deepEqual(r.findings.map((f) => f.code), ['DNS_TRUNCATED_NO_TCP']);
  });

  it('flags DNS_BAD_RESPONSE in lookupDns findings', async () => {
    const r = await lookupDns('wrongid.test', { timeoutMs: 200, servers: [hostile.server], types: ['A'] });
    assert.deepEqual(r.findings.map((f) => f.code), ['DNS_BAD_RESPONSE']);
  });
});

describe('retries, budget, timeouts and cancellation', () => {
  it('moves to the next server after silence, and shows both attempts', async () => {
    const r = await ask('silent.test', [hostile.server, good.server], 200);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.2']);
    assert.deepEqual(r.attempts.map((a) => a.error?.code ?? a.rcode), ['DNS_TIMEOUT', 'NOERROR']);
    assert.equal(r.server, `127.0.0.1:${good.port}`);
  });

  it('moves on after SERVFAIL and after a bad response', async () => {
    const r = await ask('retry.test', [hostile.server, good.server]);
    assert.deepEqual(r.attempts.map((a) => a.rcode), ['SERVFAIL', 'NOERROR']);
    const g = await ask('garbage.test', [hostile.server, good.server], 150);
    assert.deepEqual(g.answers.map((a) => a.data), ['192.0.2.2']);
  });

  it('stops at the budget even with servers left', async () => {
    const start = now();
    const r = await queryServers([hostile.server, hostile.server, hostile.server], { name: 'silent.test', type: 'A', rd: true }, { timeoutMs: 200, budgetMs: 300, now });
    assert.equal(r.error?.code, 'DNS_TIMEOUT');
    assert.ok(r.attempts.length <= 2, `attempts: ${r.attempts.length}`);
    assert.ok(now() - start < 600, `took ${now() - start} ms`);
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const start = now();
    const r = await lookupDns('silent.test', { timeoutMs: 5000, servers: [hostile.server], types: ['A'], signal: controller.signal });
    assert.ok(now() - start < 1000);
    assert.equal(r.cancelled, true);
    assert.equal(r.queries[0]?.error?.code, 'CANCELLED');
    assert.deepEqual(r.findings.map((f) => f.code), ['CANCELLED']);
  });
});
