// netdiag bind-scan, spawned from the built CLI like a user or CI job would run it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BindScanJson } from '../../src/engine/model/bind';
import { runCli } from '../helpers/cli';
import { writeHugeCompose } from '../helpers/hostileWorkspace';

const CLI = join(__dirname, '../../dist/cli.js');
const FIXTURES = join(__dirname, '../fixtures/bind');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'bind-scan', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('netdiag bind-scan', () => {
  it('--json gives services, binds, clients and placed findings; exit 1 on an error finding', () => {
    const r = run([join(FIXTURES, 'sample'), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as BindScanJson;
    assert.deepEqual(Object.keys(j), ['services', 'binds', 'published', 'clients', 'vhosts', 'findings', 'live']);
    assert.equal(j.live, null);
    assert.ok(j.services.some((s) => s.name === 'api' && s.runtime === 'container'));
    assert.deepEqual(j.findings[1], {
      code: 'BIND_LOOPBACK_IN_CONTAINER',
      severity: 'error',
      file: 'docker-compose.yml',
      line: 12,
      column: 25,
      message: j.findings[1]!.message,
      hint: j.findings[1]!.hint,
    });
    assert.equal(j.findings.length, 7);
  });

  it('text output names each service and each finding at file:line:column; exit 0 without errors', () => {
    const r = run([join(FIXTURES, 'rules', 'BIND_PORT_CONFLICT', 'neg')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^a \[container\]\n {2}published as {2}127\.0\.0\.1:8080→80$/m);
    assert.match(r.stdout, /^shop \[host\]\n {2}binds to {6}0\.0\.0\.0:5080$/m);
    assert.match(r.stdout, /6 config file\(s\), 6 service\(s\): 0 error\(s\), 0 warning\(s\), 0 info\./);
    const w = run([join(FIXTURES, 'rules', 'BIND_HOSTNAME', 'pos')]);
    assert.equal(w.code, 0, 'warnings alone do not fail');
    assert.match(w.stdout, /^\.env:1:6: warning BIND_HOSTNAME$/m);
  });

  it('a URL in any variable is a client: QUEUE=redis://redis:6379 with no redis service (issue 14 item 5)', () => {
    const r = run([join(FIXTURES, 'rules', 'CLIENT_UNKNOWN_TARGET', 'pos'), '--json']);
    const j = JSON.parse(r.stdout) as BindScanJson;
    assert.deepEqual(j.clients.filter((c) => c.origin === 'QUEUE').map((c) => [c.host, c.port, c.url]), [['redis', 6379, 'redis://redis:6379']]);
    assert.ok(j.findings.some((f) => f.code === 'CLIENT_UNKNOWN_TARGET' && f.line === 8 && /"redis":6379 \(QUEUE\), but no service in this project is named "redis"/.test(f.message)), JSON.stringify(j.findings));
  });

  it("a Kestrel URL naming a host binds every interface, and an info finding at the name says so", () => {
    const dir = join(FIXTURES, 'rules', 'BIND_NAME_ALL_INTERFACES', 'pos');
    const j = JSON.parse(run([dir, '--json']).stdout) as BindScanJson;
    assert.deepEqual(j.binds.filter((b) => b.origin === 'Urls').map((b) => [b.address, b.kind, b.port, b.hostName]), [['*', 'all', 5000, 'my-awesome-service']]);
    assert.deepEqual(j.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}`).sort(), ['.env:1:46 info BIND_NAME_ALL_INTERFACES', 'appsettings.json:2:19 info BIND_NAME_ALL_INTERFACES']);
    const text = run([dir]).stdout;
    assert.match(text, /binds to {6}.*\*:5000 \(every interface: Kestrel does not bind the name "my-awesome-service"\)/);
    assert.doesNotMatch(text, /binds to .*my-awesome-service:5000/);
  });

  it('--live adds the listening sockets', () => {
    const j = JSON.parse(run([join(FIXTURES, 'rules', 'BIND_PORT_CONFLICT', 'neg'), '--live', '--json']).stdout) as BindScanJson;
    assert.ok(Array.isArray(j.live));
  });

  it('Ctrl-C during a scan of 63,881 services exits 130 without printing the model (issue 14 item 14)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdiag-huge-'));
    try {
      writeHugeCompose(dir);
      // The file takes a second or two to parse: the interrupt lands while it is being read.
      const r = await runCli(['bind-scan', dir], { interruptAfterMs: 400 });
      assert.equal(r.code, 130, r.stderr);
      assert.equal(r.stdout, '');
      // The command's own word, or main.ts's when the parse outlasted its grace period.
      assert.match(r.stderr, /bind-scan cancelled|interrupted/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad usage exits 2', () => {
    assert.equal(run([join(FIXTURES, 'nope')]).code, 2);
    assert.equal(run(['--frobnicate']).code, 2);
  });
});
