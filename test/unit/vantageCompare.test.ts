// compareVantages: what differs between the same target's reports from two vantages, layer by
// layer, decided by the engine (the views only lay it out).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { VantageRun } from '../../src/engine/model/comparison';
import type { Report } from '../../src/engine/model/report';
import { compareVantages } from '../../src/engine/vantage/compare';
import { withVantage } from '../../src/engine/vantage/diagnoseAt';
import { parseVantage, vantageInfo } from '../../src/engine/vantage/spec';


const ok = JSON.parse(readFileSync(join(__dirname, '../fixtures/reports/ok.json'), 'utf8')) as Report;
const side = { resolvers: ['10.89.0.1'], search: [], hosts: [], interfaces: [] };

function run(name: string, report: Report | null, error?: { code: string; message: string }): VantageRun {
  const vantage = vantageInfo(parseVantage(name), null, side);
  return { vantage, report: report && withVantage(report, vantage), ...(error ? { error } : {}) };
}

const copy = (): Report => structuredClone(ok);

describe('compareVantages', () => {
  it('the same report twice: nothing differs', () => {
    const c = compareVantages(ok.target.url, [run('compose:web', copy()), run('local', copy())], 12);
    assert.deepEqual(c.differences, []);
    assert.deepEqual(c.verdict, { status: 'ok', text: 'The same from 2 vantages' });
    assert.ok(c.layers.every((l) => !l.differs && l.statuses.length === 2));
    assert.deepEqual(c.hops.map((h) => h.hops[0]?.label), ['from Compose service web', 'from this machine']);
  });

  it('a vantage that could not run is an error finding and the verdict', () => {
    const c = compareVantages(ok.target.url, [run('compose:web', null, { code: 'VANTAGE_NOT_RUNNING', message: 'compose:web: not running' }), run('local', copy())], 1);
    assert.deepEqual(c.differences.map((d) => [d.code, d.severity, d.subject]), [['VANTAGE_UNAVAILABLE', 'error', 'compose:web']]);
    assert.deepEqual(c.verdict, { status: 'fail', text: '1 of 2 vantages could not run' });
    assert.equal(c.layers[0]?.summaries[0], 'compose:web: not running');
  });

  it('another certificate from one side is a TLS difference', () => {
    const other = copy();
    other.tls!.chain[0]!.fingerprint256 = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
    const c = compareVantages(ok.target.url, [run('compose:web', copy()), run('local', other)], 1);
    assert.deepEqual(c.differences.map((d) => d.code), ['VANTAGE_TLS_DIFFERS']);
    assert.match(c.differences[0]!.message, /^from Compose service web: TLS.*; from this machine: TLS.*certificate AA:BB:CC:DD:EE:FF:00:11…/);
  });

  it('another HTTP status from one side is an HTTP difference', () => {
    const other = copy();
    const last = other.http!.requests[other.http!.requests.length - 1]!;
    last.status = 403;
    last.statusText = 'Forbidden';
    const c = compareVantages(ok.target.url, [run('compose:web', copy()), run('local', other)], 1);
    assert.deepEqual(c.differences.map((d) => d.code), ['VANTAGE_HTTP_DIFFERS']);
    assert.match(c.differences[0]!.message, /from this machine: HTTP 403 Forbidden\.$/);
    assert.equal(c.verdict.text, 'Differs at HTTP');
  });

  it('other addresses for the name are a DNS difference naming each side\'s resolver', () => {
    const other = copy();
    other.dns!.system.addresses = [{ address: '10.0.0.7', family: 4 }];
    const c = compareVantages(ok.target.url, [run('local', copy()), run('ssh:db1', other)], 1);
    assert.deepEqual(c.differences.map((d) => d.code), ['VANTAGE_DNS_DIFFERS']);
    assert.match(c.differences[0]!.message, /^`example\.com` resolves to 2606:.*, 93\.184\.215\.14 from this machine \(its resolver 10\.89\.0\.1\); `example\.com` resolves to 10\.0\.0\.7 from host db1/);
  });

  it('the DNS row is the stack\'s DNS exchange: a name that resolves on one side only differs there', () => {
    const withDns = (status: 'ok' | 'fail', summary: string): Report => ({
      ...copy(),
      stack: { dns: { name: 'example.com', status, summary, source: 'dns', resolvers: [], cells: [], queries: [] }, rows: [], systemFacts: 'read', unavailable: [] },
    });
    const c = compareVantages(ok.target.url, [run('compose:web', withDns('ok', 'example.com → 10.0.0.7')), run('local', withDns('fail', 'example.com does not exist (NXDOMAIN)'))], 1);
    const dns = c.layers.find((l) => l.name === 'dns');
    assert.deepEqual(c.layers.map((l) => l.name), ['link', 'dns', 'internet', 'transport', 'tls', 'application']);
    assert.deepEqual(dns, { name: 'dns', statuses: ['ok', 'fail'], summaries: ['example.com → 10.0.0.7', 'example.com does not exist (NXDOMAIN)'], differs: true });
    // A report without the stack (from an older vantage, or an IP address) has no DNS row to compare.
    const noStack = compareVantages(ok.target.url, [run('local', copy()), run('ssh:db1', copy())], 1);
    assert.deepEqual(noStack.layers.find((l) => l.name === 'dns')?.statuses, ['skipped', 'skipped']);
  });
});
