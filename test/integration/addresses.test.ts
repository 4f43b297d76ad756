// A name with a hundred addresses, from a DNS server the test starts (answered over TCP after
// truncation, through Node's stub resolver): the run probes the first 16, names the rest, and its
// report comes one connect timeout after the request ended, however many addresses time out.
// Probes that outlive the report (a DNS server slower than that) update it afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import { DEFAULTS, type DiagnoseOptions } from '../../src/engine/options';
import { parseTarget } from '../../src/engine/target';
import { lookupThrough, startDnsServer, type TestDnsServer } from '../helpers/dnsServer';
import { namespacesUnavailable, startDropNamespace, type DropNamespace } from '../helpers/netns';
import { testOptions } from '../helpers/options';
import { closedPort, startHttpServer, type HttpTestServer } from '../helpers/servers';

let dns: TestDnsServer;
let web: HttpTestServer;
let sink: DropNamespace | null = null;
let refusedPort: number;

/** 127.77.0.1 … : nothing listens there, so each connect is refused at once. */
const refusing = Array.from({ length: 100 }, (_, i) => `127.77.${Math.floor(i / 250)}.${(i % 250) + 1}`);

before(async () => {
  web = await startHttpServer();
  refusedPort = await closedPort();
  sink = await startDropNamespace();
  const dropping = sink?.addresses(99) ?? [];
  dns = await startDnsServer({
    zone: {
      'many.test': refusing.map((data) => ({ type: 'A' as const, data })),
      'first-works.test': ['127.0.0.1', ...dropping].map((data) => ({ type: 'A' as const, data })),
      'all-drop.test': (sink?.addresses(100) ?? []).map((data) => ({ type: 'A' as const, data })),
    },
    behaviours: { 'slow-wire.test': { silent: true } },
  });
});

after(async () => {
  await dns.close();
  await web.close();
  await sink?.close();
});

function run(url: string, patch: Partial<DiagnoseOptions> = {}): Promise<Report> {
  return diagnose(parseTarget(url), testOptions({ lookup: lookupThrough(dns), timeouts: { dnsMs: 3000, connectMs: 1500, tlsMs: 2000, httpMs: 2000 }, ...patch }));
}

const codes = (r: Report): string[] => r.findings.map((f) => f.code);

describe('a name with a hundred addresses', () => {
  it('probes the first 16 in the resolver order and names the other 84 (report and finding)', async () => {
    const r = await run(`http://many.test:${refusedPort}/`);
    assert.equal(r.dns?.system.addresses.length, 100, 'the lookup got all of them');
    assert.deepEqual(r.connections.map((c) => c.address), refusing.slice(0, DEFAULTS.maxAddresses));
    assert.ok(r.connections.every((c) => c.error?.code === 'ECONNREFUSED'));
    assert.deepEqual(r.addressesNotProbed, refusing.slice(DEFAULTS.maxAddresses));
    const left = r.findings.find((f) => f.code === 'TCP_ADDRESSES_NOT_PROBED');
    assert.equal(left?.severity, 'info');
    assert.match(left?.message ?? '', /many\.test has 100 addresses; the first 16 were probed, the other 84 were not: 127\.77\.0\.17, .* and 79 more\./);
    assert.ok(codes(r).includes('TCP_REFUSED'));
  });

  it('a working address first: the others that time out end within one connect timeout, all at once', async (t) => {
    if (!sink) return t.skip(namespacesUnavailable() ?? 'no namespace');
    const updates: Report[] = [];
    const r = await run(`http://first-works.test:${web.port}/`, { onUpdate: (u) => updates.push(u) });
    assert.equal(r.http?.requests[0]?.status, 200);
    assert.equal(r.connections.length, DEFAULTS.maxAddresses);
    assert.equal(r.connections.filter((c) => c.error?.code === 'ETIMEDOUT').length, DEFAULTS.maxAddresses - 1, 'every probed address that drops timed out, in one round');
    assert.equal(r.addressesNotProbed?.length, 84);
    assert.equal(r.unfinished, undefined);
    assert.ok(codes(r).includes('TCP_SOME_ADDRESSES_FAILED'));
    assert.deepEqual(updates.at(-1), r, 'the last update is the report');
  });

  it('every address times out: 16 are probed, one round, and the run ends with TCP_TIMEOUT', async (t) => {
    if (!sink) return t.skip(namespacesUnavailable() ?? 'no namespace');
    const r = await run(`http://all-drop.test:${web.port}/`);
    assert.equal(r.connections.length, DEFAULTS.maxAddresses);
    assert.ok(r.connections.every((c) => c.error?.code === 'ETIMEDOUT'));
    assert.equal(r.addressesNotProbed?.length, 84);
    assert.deepEqual(codes(r).sort(), ['TCP_ADDRESSES_NOT_PROBED', 'TCP_TIMEOUT']);
  });
});

describe('the report after the critical path', () => {
  it('comes one connect timeout after the request, naming what still runs; a later update brings it', async () => {
    const updates: Report[] = [];
    // The wire resolver never answers and its timeout (3 s) outlasts the bound (connect: 300 ms).
    const r = await run(`http://slow-wire.test:${web.port}/`, {
      pinned: { 'slow-wire.test': [{ address: '127.0.0.1', family: 4 }] },
      dnsServers: [dns.server],
      timeouts: { dnsMs: 3000, connectMs: 300, tlsMs: 2000, httpMs: 2000 },
      onUpdate: (u) => updates.push(u),
    });
    assert.equal(r.complete, true);
    assert.equal(r.http?.requests[0]?.status, 200);
    assert.deepEqual(r.unfinished, [`DNS A @127.0.0.1:${dns.port}`, `DNS AAAA @127.0.0.1:${dns.port}`]);
    assert.deepEqual(codes(r), [], 'no DNS verdict on answers that have not come');
    const returnedAt = updates.length;
    await waitFor(() => updates.length > returnedAt && updates.at(-1)?.unfinished === undefined, 6000);
    const late = updates.at(-1)!;
    assert.equal(late.complete, true);
    assert.deepEqual(late.dns?.wire.map((q) => q.error?.code), ['DNS_TIMEOUT', 'DNS_TIMEOUT']);
    assert.ok(codes(late).includes('DNS_TIMEOUT'));
  });
});

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('the condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
