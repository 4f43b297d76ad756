// The vantage runner against real network namespaces (and a real container for cancellation):
// a namespace the test makes, with its own resolver (/etc/netns/NAME/resolv.conf → a DNS server
// inside it) and servers reachable only inside it. `--from netns:X` sees what this machine does
// not, and the reverse; a vantage that cannot be used fails at once or within its timeout with
// one clear line; a cancel ends what the run started. Root only.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import { prepareOptions } from '../../src/engine/setup';
import { parseTarget } from '../../src/engine/target';
import { compareVantages } from '../../src/engine/vantage/compare';
import { diagnoseAt, type DiagnoseAtOptions } from '../../src/engine/vantage/diagnoseAt';
import type { VantageSetup } from '../../src/engine/vantage/plan';
import { parseVantage } from '../../src/engine/vantage/spec';
import { VANTAGE_BUNDLE } from '../helpers/vantageCli';
import { BUSYBOX_IMAGE, NODE_IMAGE, podman, podmanReady } from '../helpers/containers';
import { startDnsServer, type TestDnsServer } from '../helpers/dnsServer';
import { stopProcess } from '../helpers/process';
import { startHttpServer, type HttpTestServer } from '../helpers/servers';

const NS = `ndv${process.pid}`;
const rootReason = process.getuid?.() === 0 ? null : 'network namespaces need root';
if (rootReason) console.log(`# vantage integration tests skipped: ${rootReason}`);

let peer: ChildProcess | undefined;
let hostDns: TestDnsServer;
let hostWeb: HttpTestServer;

const setup: VantageSetup = {
  containerEngine: 'podman',
  image: NODE_IMAGE,
  containerMethod: 'auto',
  composeDir: null,
  composeProject: null,
  sshOptions: [],
  kubeContext: null,
  nodePath: process.execPath,
  env: process.env,
  canEnterNamespaces: true,
};

/** This machine's diagnosis, its lookups answered by the host-side test resolver. */
async function localDiagnosis(input: string): Promise<Report> {
  const resolver = new Resolver();
  resolver.setServers([`${hostDns.address}:${hostDns.port}`]);
  const { options } = await prepareOptions({ dnsServers: [`${hostDns.address}:${hostDns.port}`], extraCaFiles: [], timeouts: { dnsMs: 2000, connectMs: 2000, tlsMs: 2000, httpMs: 2000 } });
  return diagnose(parseTarget(input), {
    ...options,
    lookup: async (host) => (await resolver.resolve4(host).catch(() => [])).map((address) => ({ address, family: 4 as const })),
  });
}

function at(input: string, extra: Partial<DiagnoseAtOptions> = {}): DiagnoseAtOptions {
  return { timeoutMs: 20_000, bundlePath: VANTAGE_BUNDLE, setup, args: ['--timeout', '2000'], local: () => localDiagnosis(input), ...extra };
}

before(async () => {
  if (rootReason) return;
  assert.ok(existsSync(VANTAGE_BUNDLE), 'npm run build first: the runner ships dist/vantage.js');
  spawnSync('ip', ['netns', 'del', NS]);
  assert.equal(spawnSync('ip', ['netns', 'add', NS]).status, 0);
  assert.equal(spawnSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']).status, 0);
  mkdirSync(`/etc/netns/${NS}`, { recursive: true });
  writeFileSync(`/etc/netns/${NS}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n');
  writeFileSync(`/etc/netns/${NS}/hosts`, '127.0.0.1 localhost\n');
  peer = spawn('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', join(__dirname, '../helpers/vantagePeer.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    peer!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    peer!.once('exit', (code) => reject(new Error(`the namespace's servers exited (${code})`)));
  });
  hostDns = await startDnsServer({ host: '127.0.89.54', zone: { 'local.test': [{ type: 'A', data: '127.0.0.1' }] } });
  hostWeb = await startHttpServer();
});

after(async () => {
  if (rootReason) return;
  if (peer) await stopProcess(peer);
  await hostDns?.close();
  await hostWeb?.close();
  spawnSync('ip', ['netns', 'del', NS]);
  rmSync(`/etc/netns/${NS}`, { recursive: true, force: true });
});

describe('netns: a vantage inside a network namespace', { skip: rootReason ?? false }, () => {
  it('resolves with the namespace\'s own resolver and reaches a server only it has', async () => {
    const run = await diagnoseAt(parseVantage(`netns:${NS}`), 'http://svc.test:18080/', at('http://svc.test:18080/'));
    assert.equal(run.error, undefined);
    const report = run.report!;
    assert.equal(report.verdict.status, 'ok', report.verdict.text);
    assert.equal(report.http?.requests[0]?.status, 200);
    assert.deepEqual(run.vantage.resolvers, ['127.0.0.1']);
    assert.equal(run.vantage.label, `network namespace ${NS}`);
    assert.match(run.vantage.how ?? '', new RegExp(`^ip netns exec ${NS} \\S+ - < netdiag diagnose http://svc.test:18080/ --json --vantage-info --timeout 2000$`));
    assert.equal(report.hops[0]?.label, `from network namespace ${NS}`);
    assert.match(report.hops[0]?.detail ?? '', /^lo 127\.0\.0\.1/);
  });

  it('compared with this machine: the name exists only in the namespace', async () => {
    const input = 'http://svc.test:18080/';
    const runs = await Promise.all([diagnoseAt(parseVantage(`netns:${NS}`), input, at(input)), diagnoseAt(parseVantage('local'), input, at(input))]);
    const c = compareVantages(input, runs, 0);
    assert.deepEqual(c.differences.map((d) => d.code), ['VANTAGE_DNS_DIFFERS']);
    assert.equal(c.differences[0]?.message, `\`svc.test\` resolves to 127.0.0.1 from network namespace ${NS} (its resolver 127.0.0.1); from this machine it does not exist (NXDOMAIN).`);
    assert.equal(c.verdict.text, 'Differs at DNS');
  });

  it('and the reverse: what this machine reaches, the namespace does not', async () => {
    const input = `http://local.test:${hostWeb.port}/`;
    const runs = await Promise.all([diagnoseAt(parseVantage('local'), input, at(input)), diagnoseAt(parseVantage(`netns:${NS}`), input, at(input))]);
    const c = compareVantages(input, runs, 0);
    assert.deepEqual(c.differences.map((d) => d.code), ['VANTAGE_DNS_DIFFERS']);
    assert.match(c.differences[0]!.message, /from this machine .*; from network namespace \S+ it does not exist \(NXDOMAIN\)\./);
    const direct = `http://127.0.0.1:${hostWeb.port}/`;
    const reach = compareVantages(direct, await Promise.all([diagnoseAt(parseVantage('local'), direct, at(direct)), diagnoseAt(parseVantage(`netns:${NS}`), direct, at(direct))]), 0);
    assert.deepEqual(reach.differences.map((d) => d.code), ['VANTAGE_REACH_DIFFERS']);
    assert.match(reach.differences[0]!.message, /from this machine TCP to 127\.0\.0\.1:\d+ connects .*; from network namespace \S+ it does not \(127\.0\.0\.1: ECONNREFUSED\)\./);
  });

  it('a namespace that does not exist: one line with the fix, at once', async () => {
    const run = await diagnoseAt(parseVantage('netns:netdiag-none'), 'http://svc.test/', at('http://svc.test/'));
    assert.equal(run.report, null);
    assert.equal(run.error?.code, 'VANTAGE_NOT_FOUND');
    assert.match(run.error?.message ?? '', /^netns:netdiag-none: the namespace does not exist \(.*\): see `ip netns list`\.$/);
  });

  it('a vantage that does not answer fails within its timeout', async () => {
    const started = Date.now();
    // The namespace's silent server holds the HTTP exchange; the vantage's deadline ends it.
    const run = await diagnoseAt(parseVantage(`netns:${NS}`), 'http://127.0.0.1:18081/', at('x', { timeoutMs: 1500, args: [] }));
    const took = Date.now() - started;
    assert.equal(run.error?.code, 'VANTAGE_TIMEOUT');
    assert.match(run.error?.message ?? '', /no answer within 1500 ms/);
    assert.ok(took < 1500 + 2500, `took ${took} ms`);
    assert.equal(nodesInNamespace(), 0, 'the node started in the namespace was ended');
  });

  it('a cancel ends the run in the namespace', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const run = await diagnoseAt(parseVantage(`netns:${NS}`), 'http://127.0.0.1:18081/', at('x', { signal: controller.signal, args: [] }));
    assert.equal(run.error?.code, 'VANTAGE_CANCELLED');
    assert.equal(nodesInNamespace(), 0);
  });
});

/** Node processes in the namespace other than the test's own servers. */
function nodesInNamespace(): number {
  const pids = spawnSync('ip', ['netns', 'pids', NS], { encoding: 'utf8' }).stdout.split('\n').filter((p) => p !== '' && Number(p) !== peer?.pid);
  const children = new Set(spawnSync('pgrep', ['-P', String(peer?.pid ?? 0)], { encoding: 'utf8' }).stdout.split('\n'));
  return pids.filter((p) => !children.has(p)).length;
}

const containerReason = rootReason ?? podmanReady();
describe('container: cancelling a helper container removes it', { skip: containerReason ?? false }, () => {
  const name = `ndv-hold-${process.pid}`;
  before(() => {
    podman('rm', '--force', name);
    // A server that accepts and never answers: the diagnosis inside waits on it.
    podman('run', '-d', '--name', name, '--network', 'none', BUSYBOX_IMAGE, 'nc', '-ll', '-p', '9000', '-e', 'sleep', '60');
  });
  after(() => void podman('rm', '--force', name));

  it('stops the helper container and leaves none behind', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2500);
    const started = Date.now();
    const run = await diagnoseAt(parseVantage(`container:${name}`), 'http://127.0.0.1:9000/', at('x', { signal: controller.signal, args: [], setup: { ...setup, containerMethod: 'helper' } }));
    assert.equal(run.error?.code, 'VANTAGE_CANCELLED', run.error?.message);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(podman('ps', '--all', '--filter', 'name=netdiag-vantage-', '--format', '{{.Names}}'), '');
  });

  it('a container that is not running: one line with the fix', async () => {
    podman('stop', '-t', '0', name);
    const run = await diagnoseAt(parseVantage(`container:${name}`), 'http://127.0.0.1:9000/', at('x'));
    assert.equal(run.error?.code, 'VANTAGE_NOT_RUNNING');
    assert.equal(run.error?.message, `container:${name}: container ${name} is not running: start it with \`podman start ${name}\`.`);
  });
});
