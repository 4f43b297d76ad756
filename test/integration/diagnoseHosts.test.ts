// A hosts-file line that hides DNS from this machine: the system answer (the injected lookup
// stands for getaddrinfo reading the test's own hosts file) gives 127.0.0.1 only, while DNS (a
// server the test starts) also gives ::1, where nothing listens. The report must say which line
// answered, connect to ::1 as what other clients get, and say that it fails.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import type { DiagnoseOptions } from '../../src/engine/options';
import { parseTarget } from '../../src/engine/target';
import { startDnsServer } from '../helpers/dnsServer';
import type { TestDnsServer } from '../helpers/dnsServer';
import { testOptions } from '../helpers/options';
import { startHttpServer } from '../helpers/servers';
import type { HttpTestServer } from '../helpers/servers';

let web: HttpTestServer;
let dns: TestDnsServer;

before(async () => {
  web = await startHttpServer('127.0.0.1');
  dns = await startDnsServer({ zone: { 'app.test': [{ type: 'A', data: '127.0.0.1' }, { type: 'AAAA', data: '::1' }], 'other.test': [{ type: 'A', data: '127.0.0.1' }] } });
});
after(async () => {
  await Promise.all([web.close(), dns.close()]);
});

const HOSTS = { path: '/test/etc/hosts', text: '# test hosts file\n127.0.0.1\tlocalhost\n127.0.0.1   app.test app\n' };

function run(host: string, patch: Partial<DiagnoseOptions> = {}): Promise<Report> {
  return diagnose(
    parseTarget(`http://${host}:${web.port}/`),
    testOptions({
      timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 2000 },
      dnsServers: [dns.server],
      // getaddrinfo with `files dns`: the hosts-file line answers, DNS is not asked.
      lookup: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
      hostsFile: HOSTS,
      ...patch,
    }),
  );
}

describe('the hosts file hides DNS', () => {
  it('names the hosts-file line that answered, and what DNS gives other clients', async () => {
    const r = await run('app.test');
    assert.deepEqual(r.dns?.system.hostsEntries, [{ path: HOSTS.path, line: 3, text: '127.0.0.1   app.test app', address: '127.0.0.1' }]);
    const f = r.findings.find((x) => x.code === 'DNS_HOSTS_OVERRIDE');
    assert.equal(f?.subject, `${HOSTS.path}:3`);
    assert.match(f?.message ?? '', /line 3 \("127\.0\.0\.1 {3}app\.test app"\) gives app\.test 127\.0\.0\.1: this machine's answer comes from the hosts file, not from DNS\. DNS \(127\.0\.0\.1:\d+\) answers 127\.0\.0\.1, ::1/);
  });

  it('connects to the address only DNS gives, marked as what other clients get, and says it fails', async () => {
    const r = await run('app.test');
    const own = r.connections.filter((c) => c.dnsOnly !== true);
    assert.deepEqual(own.map((c) => [c.address, c.ok, c.used]), [['127.0.0.1', true, true]]);
    const other = r.connections.filter((c) => c.dnsOnly === true);
    assert.deepEqual(other.map((c) => [c.address, c.ok, c.error?.code]), [['::1', false, 'ECONNREFUSED']]);
    const failed = r.findings.find((x) => x.code === 'TCP_SOME_ADDRESSES_FAILED');
    assert.match(failed?.message ?? '', /DNS also gives ::1, which \/test\/etc\/hosts line 3 hides from this machine, and it fails: \[::1\]:\d+ refused/);
    const transport = r.layers.find((l) => l.name === 'transport');
    assert.match(transport?.summary ?? '', /\(1\/1 addresses accept\)/);
    assert.ok(transport?.details.some((d) => /^\[::1\]:\d+ \(only DNS gives it: what other clients get\): refused/.test(d)), JSON.stringify(transport?.details));
    assert.equal(r.http?.requests[0]?.status, 200, 'the hosts-file answer still carries HTTP');
  });

  it('says nothing of the hosts file when no line names the host, and connects to nothing DNS-only when DNS agrees', async () => {
    const r = await run('other.test');
    assert.equal(r.dns?.system.hostsEntries, undefined);
    assert.ok(!r.findings.some((x) => x.code === 'DNS_HOSTS_OVERRIDE'));
    assert.ok(!r.connections.some((c) => c.dnsOnly === true));
  });

  it('without the hosts file as an input, still connects to what only DNS gives', async () => {
    const r = await run('app.test', { hostsFile: undefined });
    assert.ok(!r.findings.some((x) => x.code === 'DNS_HOSTS_OVERRIDE'));
    assert.match(r.findings.find((x) => x.code === 'TCP_SOME_ADDRESSES_FAILED')?.message ?? '', /which this machine's system resolver hides/);
  });
});
