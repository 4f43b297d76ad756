// The pure half of vantages: --from values, the command each way in runs, and every failure
// message (kubectl and ssh are tested here; a real sshd in the integration suite).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { explainFailure } from '../../src/engine/vantage/errors';
import { composeProjectName, helperArgs, kubectlArgs, netnsArgs, nsenterArgs, sshArgs } from '../../src/engine/vantage/plan';
import { redactArgs, shellWords, vantageScript } from '../../src/engine/vantage/runner';
import { parseVantage, vantageLabel, type VantageSpec } from '../../src/engine/vantage/spec';
import { withoutVantageFlags } from '../../src/cli/vantageArgs';

describe('parseVantage', () => {
  it('reads every way in', () => {
    assert.deepEqual(parseVantage('local'), { kind: 'local', name: 'local' });
    assert.deepEqual(parseVantage('netns:blue'), { kind: 'netns', name: 'netns:blue', netns: 'blue' });
    assert.deepEqual(parseVantage('netns:/proc/42/ns/net'), { kind: 'netns', name: 'netns:/proc/42/ns/net', netns: '/proc/42/ns/net' });
    assert.deepEqual(parseVantage('container:3f2a9c'), { kind: 'container', name: 'container:3f2a9c', container: '3f2a9c' });
    assert.deepEqual(parseVantage('compose:web'), { kind: 'compose', name: 'compose:web', service: 'web' });
    assert.deepEqual(parseVantage('pod:api-7d9'), { kind: 'pod', name: 'pod:api-7d9', namespace: null, pod: 'api-7d9', container: null });
    assert.deepEqual(parseVantage('pod:shop/api-7d9/app'), { kind: 'pod', name: 'pod:shop/api-7d9/app', namespace: 'shop', pod: 'api-7d9', container: 'app' });
    assert.deepEqual(parseVantage('ssh:deploy@db1.example:2222'), { kind: 'ssh', name: 'ssh:deploy@db1.example:2222', user: 'deploy', host: 'db1.example', port: 2222 });
    assert.deepEqual(parseVantage('ssh:[::1]'), { kind: 'ssh', name: 'ssh:[::1]', user: null, host: '::1', port: null });
  });

  it('refuses what could be read as an option or is not a name, with the forms it takes', () => {
    for (const bad of ['', 'web', 'docker:web', 'local:x', 'compose:', 'container:-rm', 'compose:we b', 'pod:a/b/c/d', 'pod:a//b', 'ssh:host:99999', 'ssh:-oProxyCommand=x', 'netns:a/b']) {
      assert.throws(() => parseVantage(bad), (err: Error & { code?: string }) => err.code === 'VANTAGE_INVALID' && err.message.startsWith('--from'), bad);
    }
  });

  it('names each in plain words', () => {
    assert.deepEqual(['local', 'netns:blue', 'container:abc', 'compose:web', 'pod:shop/api/app', 'ssh:me@db1'].map((s) => vantageLabel(parseVantage(s))), ['this machine', 'network namespace blue', 'container abc', 'Compose service web', 'pod shop/api (container app)', 'host db1']);
  });
});

describe('the commands of each way in', () => {
  it('netns: ip netns exec for a name, nsenter for a path', () => {
    assert.deepEqual(netnsArgs('blue', '/usr/bin/node'), ['ip', 'netns', 'exec', 'blue', '/usr/bin/node', '-']);
    assert.deepEqual(netnsArgs('/proc/42/ns/net', '/usr/bin/node'), ['nsenter', '--net=/proc/42/ns/net', '--', '/usr/bin/node', '-']);
  });

  it('a local container: its network namespace, its resolv.conf and hosts bound in a private mount namespace', () => {
    const argv = nsenterArgs(42, '/tmp/x/resolv.conf', '/tmp/x/hosts', '/opt/node dir/node');
    assert.deepEqual(argv.slice(0, 6), ['nsenter', '--net=/proc/42/ns/net', '--', 'unshare', '--mount', '--']);
    // Paths travel as arguments, never inside the script: no quoting to get wrong.
    assert.deepEqual(argv.slice(-5), ['netdiag-vantage', '/tmp/x/resolv.conf', '/tmp/x/hosts', '/opt/node dir/node', '-']);
    assert.doesNotMatch(argv[8]!, /\/tmp|node dir/);
  });

  it('a helper container joins the target, is removed when it ends, and pulls only when missing', () => {
    assert.deepEqual(helperArgs('docker', 'abc123', 'node:22-slim', 'netdiag-vantage-1'), ['docker', 'run', '--rm', '-i', '--name', 'netdiag-vantage-1', '--network', 'container:abc123', '--pull', 'missing', 'node:22-slim', 'node', '-']);
  });

  it('kubectl debug: an ephemeral container with stdin, targeting the named container', () => {
    const spec = parseVantage('pod:shop/api-7d9/app') as Extract<VantageSpec, { kind: 'pod' }>;
    assert.deepEqual(kubectlArgs(spec, 'node:22-slim', 'netdiag-vantage-1', 'prod'), ['kubectl', '--context', 'prod', 'debug', '--namespace', 'shop', 'api-7d9', '--stdin', '--quiet', '--image', 'node:22-slim', '--container', 'netdiag-vantage-1', '--target', 'app', '--', 'node', '-']);
    const bare = parseVantage('pod:api') as Extract<VantageSpec, { kind: 'pod' }>;
    assert.deepEqual(kubectlArgs(bare, 'img', 'n', null), ['kubectl', 'debug', 'api', '--stdin', '--quiet', '--image', 'img', '--container', 'n', '--', 'node', '-']);
  });

  it('ssh: batch mode, a bounded connect, the destination after --', () => {
    const spec = parseVantage('ssh:deploy@db1:2222') as Extract<VantageSpec, { kind: 'ssh' }>;
    assert.deepEqual(sshArgs(spec, ['IdentityFile=/k'], 7.6), ['ssh', '-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=8', '-o', 'IdentityFile=/k', '-p', '2222', '--', 'deploy@db1', 'node', '-']);
  });

  it('the Compose project: COMPOSE_PROJECT_NAME, the file\'s name:, else the folder', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'netdiag-proj-')), 'My_App');
    spawnSync('mkdir', [dir]);
    assert.equal(await composeProjectName(dir, {}), 'My_App');
    assert.equal(await composeProjectName(dir, { COMPOSE_PROJECT_NAME: 'other' }), 'other');
    writeFileSync(join(dir, 'compose.yaml'), 'name: shop\nservices: {}\n');
    assert.equal(await composeProjectName(dir, {}), 'shop');
  });
});

describe('the wire', () => {
  it('node - reads the arguments first, then the bundle without its #! line', () => {
    const script = vantageScript('#!/usr/bin/env node\n"use strict";\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n', ['diagnose', "it's \"quoted\"", '--json']);
    const r = spawnSync(process.execPath, ['-'], { input: script, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ['diagnose', "it's \"quoted\"", '--json']);
  });

  it('how hides passwords, secret headers and bodies', () => {
    assert.deepEqual(redactArgs(['diagnose', 'postgres://app:hunter2@db:5432/x', '-H', 'Authorization: Bearer abc', '--header', 'Accept: */*', '--data', 'pw=1']), ['diagnose', 'postgres://app:***@db:5432/x', '-H', 'Authorization: <redacted>', '--header', 'Accept: */*', '--data', '<body>']);
    assert.equal(shellWords(['sh', '-c', 'exec "$@"', "it's"]), `sh -c 'exec "$@"' 'it'\\''s'`);
  });

  it('a vantage is given the command without the vantage flags', () => {
    assert.deepEqual(withoutVantageFlags(['db', '--from', 'compose:web', '--json', '--type', 'A', '--engine=podman', '--ssh-option', 'X=1', '--server', '10.0.0.1']), ['db', '--type', 'A', '--server', '10.0.0.1']);
  });
});

describe('each failure in one line with the fix', () => {
  const pod = parseVantage('pod:shop/api');
  const ssh = parseVantage('ssh:deploy@db1');
  const web = parseVantage('compose:web');
  const cases: [VantageSpec, string, number | null, string, RegExp][] = [
    [pod, 'kubectl', 1, 'Error from server (Forbidden): pods "api" is forbidden: User "dev" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "shop"', /^VANTAGE_FORBIDDEN pod:shop\/api: Kubernetes refused the debug container .*kubectl auth can-i patch pods\/ephemeralcontainers/],
    [pod, 'kubectl', 1, 'Error from server (NotFound): pods "api" not found', /^VANTAGE_NOT_FOUND pod:shop\/api: .*kubectl get pods -A/],
    [pod, 'kubectl', 1, 'error: timed out waiting for the condition: ErrImagePull', /^VANTAGE_IMAGE .*netdiag\.vantage\.image \(--vantage-image\)/],
    [pod, 'kubectl', 1, 'The connection to the server localhost:8080 was refused - did you specify the right host or port?', /^VANTAGE_UNREACHABLE pod:shop\/api: kubectl cannot reach the cluster/],
    [ssh, 'ssh', 255, 'deploy@db1: Permission denied (publickey).', /^VANTAGE_PERMISSION ssh:deploy@db1: ssh was refused .*ssh deploy@db1/],
    [ssh, 'ssh', 255, 'ssh: Could not resolve hostname db1: Name or service not known', /^VANTAGE_UNREACHABLE ssh:deploy@db1: ssh could not connect/],
    [ssh, 'ssh', 127, 'bash: line 1: node: command not found', /^VANTAGE_NO_NODE ssh:deploy@db1: there is no node to run Netdiag: install Node 20 or later on db1/],
    [web, 'docker', 1, 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock', /^VANTAGE_PERMISSION compose:web: docker was denied .*docker group/],
    [web, 'docker', 125, 'Unable to find image \'node:22-slim\' locally\ndocker: Error response from daemon: pull access denied for node', /^VANTAGE_IMAGE compose:web: the helper image node:22-slim cannot be pulled .*netdiag\.vantage\.image/],
    [web, 'podman', 127, 'Error: crun: executable file `node` not found in $PATH: No such file or directory', /^VANTAGE_NO_NODE compose:web: .*netdiag\.vantage\.image/],
    [web, 'podman', 1, '[stdin]:1\nconst a = b ?? c;\n ^\nSyntaxError: Unexpected token ?', /^VANTAGE_NO_NODE compose:web: its Node is too old/],
    [web, 'podman', 3, 'something odd', /^VANTAGE_FAILED compose:web: podman failed \(exit 3\): something odd\.$/],
  ];
  for (const [spec, tool, code, stderr, expected] of cases) {
    it(`${tool}: ${stderr.split('\n')[0]!.slice(0, 60)}`, () => {
      const e = explainFailure(spec, { tool, code, stderr, image: 'node:22-slim' });
      assert.match(`${e.code} ${e.message}`, expected);
      assert.doesNotMatch(e.message, /\n/);
    });
  }
});
