// `netdiag dns` as a user runs it (dist/cli.js, built by `npm test` first) against the loopback
// hierarchy: the JSON names docs/report.md promises, text output, exit codes and usage errors.
// Every run gives --server (loopback) and --no-system, so no query reaches the machine's resolvers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DnsLookupResult } from '../../src/engine/model/dns';
import { CLI, runCli } from '../helpers/cli';
import { HIERARCHY, startDnsHierarchy } from '../helpers/dnsHierarchy';
import type { DnsHierarchy } from '../helpers/dnsHierarchy';
import { startDnsServer } from '../helpers/dnsServer';
import { runTool } from '../helpers/process';
import type { TestDnsServer } from '../helpers/dnsServer';

/** kdig (Debian knot-dnsutils), the reference for what a malformed reply is. */
const haveKdig = spawnSync('kdig', ['--version']).status === 0;

let h: DnsHierarchy;
let silent: TestDnsServer;
let hostile: TestDnsServer;
before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  h = await startDnsHierarchy();
  silent = await startDnsServer({ behaviours: { 'example.test': { silent: true } } });
  hostile = await startDnsServer({ zone: { 'short.test': [{ type: 'A', data: '127.0.1.1' }], 'qr.test': [{ type: 'A', data: '192.0.2.1' }] }, behaviours: { 'short.test': { shortA: true }, 'qr.test': { qrZero: true } } });
});
after(async () => {
  await h.close();
  await silent.close();
  await hostile.close();
});

const server = (): string => `${HIERARCHY.example1}:${h.port}`;

describe('netdiag dns', () => {
  it('prints the documented JSON names for a trace', async () => {
    const r = await runCli(['dns', 'host.example.test', '--type', 'A', '--trace', '--root', `${HIERARCHY.root}:${h.port}`, '--server', server(), '--no-system', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as DnsLookupResult;
    const q = j.queries[0]!;
    assert.deepEqual(Object.keys(q.question).sort(), ['name', 'type']);
    assert.equal(q.server, server());
    assert.equal(q.transport, 'udp');
    assert.equal(q.rcode, 'NOERROR');
    assert.ok(q.flags.includes('AA'));
    assert.deepEqual(q.answers[0], { name: 'host.example.test', type: 'A', ttl: 300, data: '192.0.2.1' });
    assert.ok(Array.isArray(q.authority) && Array.isArray(q.additional) && typeof q.durationMs === 'number');
    assert.deepEqual(j.cnameChain, []);
    assert.deepEqual(j.trace?.map((t) => [t.zone, t.serverName, t.referral.length > 0]), [['.', HIERARCHY.root, true], ['test', 'ns1.nic.test', true], ['example.test', 'ns1.example.test', false]]);
    assert.ok(j.trace?.every((t) => typeof t.server === 'string' && typeof t.durationMs === 'number'));
    assert.deepEqual(j.findings, []);
  });

  it('exits 1 on an error finding and says it in text', async () => {
    const r = await runCli(['dns', 'dangling.example.test', '--type', 'A', '--trace', '--root', `${HIERARCHY.root}:${h.port}`, '--server', server(), '--no-system']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /Trace from the root/);
    assert.match(r.stdout, /DNS_DANGLING_CNAME/);
  });

  it('shows HTTPS and CAA records decoded in text', async () => {
    const r = await runCli(['dns', 'example.test', '--type', 'HTTPS,CAA', '--server', server(), '--no-system']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /HTTPS\s+1 \. alpn=h2,h3 port=8443/);
    assert.match(r.stdout, /CAA\s+0 issue "letsencrypt\.org"/);
  });

  it('a referral from a root that does not recurse is exit 0 with DNS_NO_RECURSION, never a split horizon', async () => {
    const r = await runCli(['dns', 'host.example.test', '--type', 'A', '--server', `${HIERARCHY.root}:${h.port}`, '--root', `${HIERARCHY.root}:${h.port}`, '--no-system']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DNS_NO_RECURSION: .* does not offer recursion/);
    assert.doesNotMatch(r.stdout, /DNS_SPLIT_HORIZON|Recursive resolver/);
  });

  it('an A record of 3 bytes is a malformed reply and exit 1, as kdig says', async () => {
    const r = await runCli(['dns', 'short.test', '--type', 'A', '--server', `127.0.0.1:${hostile.port}`, '--no-system', '--timeout', '400']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /DNS_BAD_RESPONSE: .*malformed \(the A record of short\.test in the answer section has 3 bytes of data instead of 4\)/);
    assert.doesNotMatch(r.stdout, /undefined/);
    if (!haveKdig) return;
    const kdig = await runTool('kdig', [`@127.0.0.1`, '-p', String(hostile.port), 'short.test', 'A', '+retry=0', '+time=1']);
    assert.equal(kdig.code, 1);
    assert.match(kdig.stdout + kdig.stderr, /malformed reply/);
  });

  it('replies that are all unusable (QR unset) are exit 1', async () => {
    const r = await runCli(['dns', 'qr.test', '--type', 'A', '--server', `127.0.0.1:${hostile.port}`, '--no-system', '--timeout', '400', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as DnsLookupResult;
    assert.deepEqual(j.findings.map((f) => `${f.code} ${f.severity}`), ['DNS_BAD_RESPONSE error']);
  });

  it('rejects bad input with exit 2', async () => {
    assert.equal((await runCli(['dns', 'a..b', '--server', server(), '--no-system'])).code, 2);
    assert.equal((await runCli(['dns', 'example.test', '--type', 'AXFR', '--server', server(), '--no-system'])).code, 2);
    assert.equal((await runCli(['dns', 'example.test', '--server', 'not-an-ip', '--no-system'])).code, 2);
  });

  it('exits 130 when interrupted', async () => {
    // A silent server: the query waits for its 10 s timeout unless interrupted.
    const r = await runCli(['dns', 'example.test', '--type', 'A', '--server', `127.0.0.1:${silent.port}`, '--timeout', '10000', '--no-system'], { interruptAfterMs: 1000 });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /cancelled/);
  });
});
