// The route through network namespaces this test makes: client → router → server on private
// ranges that exist only inside those namespaces (10.77.1.0/24, 10.77.2.0/24), with forwarding
// on in the router. tracepath and traceroute run inside the client namespace (ip netns exec), so
// no probe leaves the namespaces. Skipped, with the reason, where namespaces cannot be made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { execRunner, type CommandRunner } from '../../src/engine/command';
import { traceRoute } from '../../src/engine/route';
import { namespacesUnavailable } from '../helpers/netns';
import { makeLab, type Lab } from '../helpers/netnsLab';

let lab: Lab | undefined;
let skip: string | false = namespacesUnavailable() ?? false;

before(() => {
  if (skip) return;
  try {
    lab = makeLab();
  } catch (err) {
    skip = `cannot make network namespaces here (needs root and iproute2): ${(err as Error).message}`;
  }
});

after(async () => {
  await lab?.close();
});

/** Runs the tool inside the client namespace. */
const inClient: CommandRunner = (file, args, opts) => execRunner('ip', ['netns', 'exec', lab!.ns.client, file, ...args], opts);
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
