// The headline of each report kind is decided by the engine: where a diagnosis breaks, or that
// it works (with how many errors and warnings), and how a DNS lookup went.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finding } from '../../src/engine/findings';
import type { Finding } from '../../src/engine/model/common';
import type { DnsQueryResult } from '../../src/engine/model/dns';
import type { LayerResult } from '../../src/engine/model/report';
import { pendingReport } from '../../src/engine/summary';
import { parseTarget } from '../../src/engine/target';
import { diagnosisVerdict, lookupVerdict } from '../../src/engine/verdict';

const layer = (name: LayerResult['name'], status: LayerResult['status']): LayerResult => ({ name, status, summary: '', details: [] });
const allOk = (['link', 'internet', 'transport', 'tls', 'application'] as const).map((n) => layer(n, 'ok'));

describe('the verdict of a diagnosis', () => {
  it('works; works with warnings; errors without a failing layer', () => {
    assert.deepEqual(diagnosisVerdict(allOk, [], true, false), { status: 'ok', text: 'Works' });
    assert.deepEqual(diagnosisVerdict(allOk, [finding('HTTP3_ADVERTISED'), finding('CERT_WEAK_KEY')], true, false), { status: 'warn', text: 'Works, with 1 warning' });
    assert.deepEqual(diagnosisVerdict(allOk, [finding('CERT_WEAK_KEY'), finding('CERT_NO_SAN')], true, false), { status: 'warn', text: 'Works, with 2 warnings' });
    assert.deepEqual(diagnosisVerdict(allOk, [finding('CERT_EXPIRED')], true, false), { status: 'fail', text: '1 error' });
  });

  it('names the first layer that fails, and counts the errors', () => {
    const layers = [layer('link', 'ok'), layer('internet', 'ok'), layer('transport', 'ok'), layer('tls', 'fail'), layer('application', 'fail')];
    const errors: Finding[] = [finding('CERT_EXPIRED'), finding('CERT_HOSTNAME_MISMATCH'), finding('HTTP_SERVER_ERROR')];
    assert.deepEqual(diagnosisVerdict(layers, errors, true, false), { status: 'fail', text: 'Breaks at TLS (3 errors)' });
    assert.deepEqual(diagnosisVerdict([layer('internet', 'fail')], [], true, false), { status: 'fail', text: 'Breaks at Internet' });
  });

  it('a name lookup with an error breaks at DNS, before any layer of the connection', () => {
    const layers = [layer('link', 'skipped'), layer('internet', 'skipped'), layer('transport', 'skipped'), layer('tls', 'skipped'), layer('application', 'skipped')];
    assert.deepEqual(diagnosisVerdict(layers, [finding('DNS_NXDOMAIN'), finding('DNS_LOOKUP_FAILED')], true, false), { status: 'fail', text: 'Breaks at DNS (2 errors)' });
    assert.deepEqual(diagnosisVerdict([layer('tls', 'fail')], [finding('DNS_TIMEOUT'), finding('CERT_EXPIRED')], true, false), { status: 'fail', text: 'Breaks at DNS (2 errors)' });
    assert.deepEqual(diagnosisVerdict(allOk, [finding('DNS_SYSTEM_WIRE_MISMATCH')], true, false), { status: 'warn', text: 'Works, with 1 warning' });
  });

  it('is pending while probes run and says the results are partial once cancelled', () => {
    assert.deepEqual(diagnosisVerdict(allOk, [finding('CERT_EXPIRED')], false, false), { status: 'pending', text: 'Diagnosing…' });
    assert.deepEqual(diagnosisVerdict(allOk, [], true, true), { status: 'skipped', text: 'Cancelled: results are partial' });
  });

  it('the report before any probe ran: pending, its layers waiting or skipped by the scheme', () => {
    const r = pendingReport(parseTarget('postgres://db.example.com').target, '1.2.3', new Date(0));
    assert.equal(r.kind, 'diagnosis');
    assert.deepEqual(r.verdict, { status: 'pending', text: 'Diagnosing…' });
    assert.deepEqual(r.layers.map((l) => l.status), ['pending', 'pending', 'pending', 'skipped', 'skipped']);
    assert.equal(r.startedAt, '1970-01-01T00:00:00.000Z');
  });
});

describe('the verdict of a DNS lookup', () => {
  const q = (status: 'ok' | 'fail', answers: number): DnsQueryResult => ({
    question: { name: 'a.test', type: 'A' },
    server: '127.0.0.1',
    transport: 'udp',
    truncated: false,
    rcode: status === 'ok' ? 'NOERROR' : 'SERVFAIL',
    status,
    flags: [],
    edns: null,
    answers: Array.from({ length: answers }, () => ({ name: 'a.test', type: 'A', ttl: 1, data: '192.0.2.1' })),
    authority: [],
    additional: [],
    durationMs: 1,
    attempts: [],
  });

  it('counts the queries that brought records, then the errors or warnings', () => {
    assert.deepEqual(lookupVerdict({ queries: [q('ok', 1), q('ok', 0)], findings: [], cancelled: false }), { status: 'ok', text: '1 of 2 queries answered' });
    assert.deepEqual(lookupVerdict({ queries: [q('ok', 1)], findings: [finding('DNS_SPLIT_HORIZON')], cancelled: false }), { status: 'warn', text: '1 of 1 query answered, 1 warning' });
    assert.deepEqual(lookupVerdict({ queries: [q('fail', 0)], findings: [finding('DNS_SERVFAIL')], cancelled: false }), { status: 'fail', text: '0 of 1 query answered, 1 error' });
  });

  it('without resolvers: the trace alone, or nothing asked; cancelled: partial', () => {
    assert.deepEqual(lookupVerdict({ queries: [], findings: [], cancelled: false, trace: [] }), { status: 'ok', text: 'Traced from the root' });
    assert.deepEqual(lookupVerdict({ queries: [], findings: [], cancelled: false }), { status: 'ok', text: 'No DNS server asked' });
    assert.deepEqual(lookupVerdict({ queries: [q('ok', 1)], findings: [], cancelled: true }), { status: 'skipped', text: 'Cancelled: results are partial' });
  });
});
