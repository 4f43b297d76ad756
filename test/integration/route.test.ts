// The route through network namespaces this test makes: client → router → server on private
// ranges that exist only inside those namespaces (10.77.1.0/24, 10.77.2.0/24), with forwarding
// on in the router. tracepath and traceroute run inside the client namespace (ip netns exec), so
// no probe leaves the namespaces. Skipped, with the reason, where namespaces cannot be made.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { execRunner, type CommandRunner } from '../../src/engine/command';
import { traceRoute } from '../../src/engine/route';

const tag = `nd${process.pid % 100000}`;
const ns = { client: `${tag}c`, router: `${tag}r`, server: `${tag}s` };
let skip: string | false = false;

function sh(...args: string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNs(name: string, ...args: string[]): void {
  sh('ip', 'netns', 'exec', name, ...args);
}

before(() => {
  if (process.platform !== 'linux') {
    skip = 'network namespaces exist on Linux only';
    return;
  }
  try {
    for (const n of Object.values(ns)) sh('ip', 'netns', 'add', n);
    sh('ip', 'link', 'add', `${tag}a0`, 'type', 'veth', 'peer', 'name', `${tag}a1`);
    sh('ip', 'link', 'add', `${tag}b0`, 'type', 'veth', 'peer', 'name', `${tag}b1`);
    sh('ip', 'link', 'set', `${tag}a0`, 'netns', ns.client);
    sh('ip', 'link', 'set', `${tag}a1`, 'netns', ns.router);
    sh('ip', 'link', 'set', `${tag}b0`, 'netns', ns.router);
    sh('ip', 'link', 'set', `${tag}b1`, 'netns', ns.server);
    inNs(ns.client, 'ip', 'addr', 'add', '10.77.1.2/24', 'dev', `${tag}a0`);
    inNs(ns.router, 'ip', 'addr', 'add', '10.77.1.1/24', 'dev', `${tag}a1`);
    inNs(ns.router, 'ip', 'addr', 'add', '10.77.2.1/24', 'dev', `${tag}b0`);
    inNs(ns.server, 'ip', 'addr', 'add', '10.77.2.2/24', 'dev', `${tag}b1`);
    for (const [n, dev] of [[ns.client, `${tag}a0`], [ns.router, `${tag}a1`], [ns.router, `${tag}b0`], [ns.server, `${tag}b1`]] as const) inNs(n, 'ip', 'link', 'set', dev, 'up');
    for (const n of Object.values(ns)) inNs(n, 'ip', 'link', 'set', 'lo', 'up');
    inNs(ns.client, 'ip', 'route', 'add', 'default', 'via', '10.77.1.1');
    inNs(ns.server, 'ip', 'route', 'add', 'default', 'via', '10.77.2.1');
    inNs(ns.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // The router answers every probe: ICMP errors are rate-limited per namespace by default (1 s).
    inNs(ns.router, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0');
  } catch (err) {
    skip = `cannot make network namespaces here (needs root and iproute2): ${err instanceof Error ? (err as Error & { stderr?: Buffer }).stderr?.toString().trim() || err.message : String(err)}`;
  }
});

after(() => {
  for (const n of Object.values(ns)) spawnSync('ip', ['netns', 'del', n]);
});

/** Runs the tool inside the client namespace. */
const inClient: CommandRunner = (file, args, opts) => execRunner('ip', ['netns', 'exec', ns.client, file, ...args], opts);
/** Like inClient, but only `tool` exists. */
const only = (tool: string): CommandRunner => (file, args, opts) => (file === tool ? inClient(file, args, opts) : Promise.resolve({ stdout: '', stderr: '', errorCode: 'ENOENT' }));

const hasTool = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('route through namespaces', () => {
  // First: after a tracepath run the router's "network unreachable" answers stop for a while.
  it('a host behind no route stops at the router and says so', async (t) => {
    if (skip) return t.skip(skip);
    if (!hasTool('traceroute')) return t.skip('traceroute is not installed');
    // 10.77.3.3 exists nowhere: the router has no route and answers "network unreachable".
    const { route, findings } = await traceRoute('10.77.3.3', { timeoutMs: 10_000, maxHops: 3, names: false, platform: 'linux', run: only('traceroute') });
    assert.equal(route.reached, false);
    assert.equal(route.hops[0]?.address, '10.77.1.1', JSON.stringify(route));
    assert.deepEqual(findings.map((f) => f.code), ['ROUTE_INCOMPLETE']);
  });

  for (const tool of ['tracepath', 'traceroute']) {
    it(`${tool} sees the router, then the server`, async (t) => {
      if (skip) return t.skip(skip);
      if (!hasTool(tool)) return t.skip(`${tool} is not installed (apt-get install ${tool === 'tracepath' ? 'iputils-tracepath' : 'traceroute'})`);
      const { route, findings } = await traceRoute('10.77.2.2', { timeoutMs: 10_000, maxHops: 5, names: false, platform: 'linux', run: only(tool) });
      assert.equal(route.tool, tool);
      assert.deepEqual(route.hops.map((h) => h.address), ['10.77.1.1', '10.77.2.2'], route.command ?? '');
      assert.ok(route.hops.every((h) => h.rttMs.length > 0 && h.rttMs.every((r) => r >= 0)));
      assert.equal(route.reached, true);
      assert.deepEqual(findings, []);
    });
  }

  it('is cancellable', async (t) => {
    if (skip) return t.skip(skip);
    if (!hasTool('tracepath')) return t.skip('tracepath is not installed');
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    // 10.77.2.9 does not answer: without the cancel tracepath would wait on every hop.
    const { route } = await traceRoute('10.77.2.9', { signal: controller.signal, timeoutMs: 20_000, maxHops: 30, names: false, platform: 'linux', run: only('tracepath') });
    assert.equal(route.error?.code, 'CANCELLED');
    assert.ok(Date.now() - started < 3000);
  });
});
