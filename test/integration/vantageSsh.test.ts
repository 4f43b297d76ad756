// ssh:HOST vantages against a real sshd (Debian's openssh-server) on loopback, with host and
// client keys the test makes: the CLI bundle runs on the other side (`ssh … node -`), and each
// way ssh fails is one line with the fix, within the vantage's timeout. Root only (sshd).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/engine/model/report';
import { diagnoseAt, type DiagnoseAtOptions } from '../../src/engine/vantage/diagnoseAt';
import type { VantageSetup } from '../../src/engine/vantage/plan';
import { parseVantage } from '../../src/engine/vantage/spec';
import { VANTAGE_BUNDLE } from '../helpers/vantageCli';
import { stopProcess } from '../helpers/process';
import { closedPort, startHttpServer, startSilentServer, type HttpTestServer, type RawTcpServer } from '../helpers/servers';

const reason = process.getuid?.() !== 0 ? 'sshd needs root' : !existsSync('/usr/sbin/sshd') ? 'openssh-server is not installed' : null;
if (reason) console.log(`# ssh vantage tests skipped: ${reason}`);

let dir: string;
let sshd: ChildProcess | undefined;
let port: number;
let web: HttpTestServer;
let silent: RawTcpServer;

/** Resolves once something accepts connections on the port. */
async function listening(p: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(p, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${p}`);
}

function setup(key: string): VantageSetup {
  return {
    containerEngine: null,
    image: 'unused',
    containerMethod: 'auto',
    composeDir: null,
    composeProject: null,
    sshOptions: [`IdentityFile=${key}`, 'IdentitiesOnly=yes', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, 'StrictHostKeyChecking=accept-new'],
    kubeContext: null,
    nodePath: process.execPath,
    env: process.env,
    canEnterNamespaces: false,
  };
}

function at(key: string, extra: Partial<DiagnoseAtOptions> = {}): DiagnoseAtOptions {
  return { timeoutMs: 20_000, bundlePath: VANTAGE_BUNDLE, setup: setup(key), args: ['--timeout', '2000'], local: () => Promise.reject(new Error('not local')), ...extra };
}

before(async () => {
  if (reason) return;
  dir = mkdtempSync(join(tmpdir(), 'netdiag-sshd-'));
  const keygen = (file: string): void => void spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'other_key'));
  spawnSync('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')]);
  port = await closedPort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PidFile none', 'UsePAM no', 'StrictModes no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'LogLevel ERROR'].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true });
  // Its log would only show the readiness probe's connection closing.
  sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
  await listening(port);
  web = await startHttpServer();
  silent = await startSilentServer();
});

after(async () => {
  if (reason) return;
  if (sshd) await stopProcess(sshd);
  await web?.close();
  await silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ssh: a host with Node as a vantage', { skip: reason ?? false }, () => {
  it('runs the diagnosis on the other side and reads back its report', async () => {
    const run = await diagnoseAt(parseVantage(`ssh:root@127.0.0.1:${port}`), `${web.origin}/`, at(join(dir, 'client_key')));
    assert.equal(run.error, undefined, run.error?.message);
    const report = run.report as Report;
    assert.equal(report.http?.requests[0]?.status, 200);
    assert.equal(run.vantage.label, 'host 127.0.0.1');
    assert.match(run.vantage.how ?? '', new RegExp(`^ssh -T -o BatchMode=yes -o ConnectTimeout=10 .* -p ${port} -- root@127\\.0\\.0\\.1 node - < netdiag diagnose ${web.origin}/ --json --vantage-info --timeout 2000$`));
    assert.ok(run.vantage.interfaces.some((i) => i.name === 'lo'), 'the other side described its interfaces');
  });

  it('keeps a password in the target out of `how`', async () => {
    const run = await diagnoseAt(parseVantage(`ssh:root@127.0.0.1:${port}`), `http://user:s3cret@127.0.0.1:${web.port}/`, at(join(dir, 'client_key')));
    assert.doesNotMatch(JSON.stringify(run), /s3cret/);
  });

  it('a refused key: one line with the fix', async () => {
    const run = await diagnoseAt(parseVantage(`ssh:root@127.0.0.1:${port}`), `${web.origin}/`, at(join(dir, 'other_key')));
    assert.equal(run.error?.code, 'VANTAGE_PERMISSION');
    assert.match(run.error?.message ?? '', /^ssh:root@127\.0\.0\.1:\d+: ssh was refused \(.*Permission denied.*\): check the key/);
  });

  it('nothing listens: one line, at once', async () => {
    const closed = await closedPort();
    const started = Date.now();
    const run = await diagnoseAt(parseVantage(`ssh:127.0.0.1:${closed}`), `${web.origin}/`, at(join(dir, 'client_key')));
    assert.equal(run.error?.code, 'VANTAGE_UNREACHABLE');
    assert.match(run.error?.message ?? '', /ssh could not connect \(.*Connection refused\): check the host name, port and that sshd runs there\.$/);
    assert.ok(Date.now() - started < 5000);
  });

  it('a host that never answers fails within the vantage timeout', async () => {
    const started = Date.now();
    const run = await diagnoseAt(parseVantage(`ssh:127.0.0.1:${silent.port}`), `${web.origin}/`, at(join(dir, 'client_key'), { timeoutMs: 2000 }));
    const took = Date.now() - started;
    assert.ok(run.error?.code === 'VANTAGE_TIMEOUT' || run.error?.code === 'VANTAGE_UNREACHABLE', run.error?.message);
    assert.equal(run.error?.message.includes('\n'), false);
    assert.ok(took < 2000 + 2500, `took ${took} ms`);
  });
});
