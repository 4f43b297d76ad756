// Real OpenSSL peers for TLS tests: `openssl s_server` (protocol versions, suites, ALPN, SNI,
// stapling as OpenSSL itself does them) and `openssl ocsp` as an OCSP responder. Each runs in a
// temporary directory of its own on an unprivileged loopback port and is stopped by its owner.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopProcess } from './process';

export const run = promisify(execFile);

export interface OpensslPeer {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (OpenSSL's -accept/-port need a number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * `openssl s_server` with `key`/`cert` (PEM; `cert` may hold the chain) and extra arguments. The
 * system openssl.cnf is bypassed (OPENSSL_CONF=/dev/null) so Debian's MinProtocol/SECLEVEL do
 * not decide what the server offers: the arguments do.
 */
export async function startSServer(files: { key: string; cert: string; extra?: Record<string, string | Buffer> }, args: string[]): Promise<OpensslPeer> {
  const dir = await tempDir('netdiag-sserver-');
  await Promise.all([writeFile(join(dir, 'key.pem'), files.key), writeFile(join(dir, 'cert.pem'), files.cert), ...Object.entries(files.extra ?? {}).map(([n, c]) => writeFile(join(dir, n), c))]);
  const port = await freePort();
  const child = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-key', join(dir, 'key.pem'), '-cert', join(dir, 'cert.pem'), '-naccept', '100000', ...args.map((a) => a.replace('$DIR', dir))], {
    cwd: dir,
    env: { ...process.env, OPENSSL_CONF: '/dev/null' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await waitFor(child, /ACCEPT/, 'openssl s_server');
  return { port, dir, stop: () => stop(child, dir) };
}

/**
 * `openssl ocsp` answering for the CA `ca` (which also signs the responses) from an index file
 * in `openssl ca` format. `entries`: serial (hex) → 'V' or ['R', revocation time YYMMDDHHMMSSZ, reason].
 * `port`: the one the certificates' AIA names (it listens on every interface; tests ask 127.0.0.1).
 */
export async function startOcspResponder(ca: { cert: string; key: string }, entries: Record<string, 'V' | ['R', string, string]>, port?: number): Promise<OpensslPeer> {
  const dir = await tempDir('netdiag-ocsp-');
  const index = Object.entries(entries)
    .map(([serial, status]) => (status === 'V' ? `V\t351231000000Z\t\t${serial.toUpperCase()}\tunknown\t/CN=test\n` : `R\t351231000000Z\t${status[1]},${status[2]}\t${serial.toUpperCase()}\tunknown\t/CN=test\n`))
    .join('');
  await Promise.all([writeFile(join(dir, 'index.txt'), index), writeFile(join(dir, 'index.txt.attr'), 'unique_subject = no\n'), writeFile(join(dir, 'ca.pem'), ca.cert), writeFile(join(dir, 'ca.key'), ca.key)]);
  port ??= await freePort();
  const child = spawn('openssl', ['ocsp', '-index', join(dir, 'index.txt'), '-port', String(port), '-rsigner', join(dir, 'ca.pem'), '-rkey', join(dir, 'ca.key'), '-CA', join(dir, 'ca.pem'), '-ignore_err'], {
    cwd: dir,
    env: { ...process.env, OPENSSL_CONF: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitFor(child, /Waiting for OCSP client connections|ACCEPT/, 'openssl ocsp');
  return { port, dir, stop: () => stop(child, dir) };
}

/** A DER OCSP response for `certPem` from the index, made by `openssl ocsp` offline (for stapling). */
export async function ocspResponseFor(ca: { cert: string; key: string }, certPem: string, serial: string): Promise<Buffer> {
  const dir = await tempDir('netdiag-ocspresp-');
  try {
    await Promise.all([
      writeFile(join(dir, 'index.txt'), `V\t351231000000Z\t\t${serial.toUpperCase()}\tunknown\t/CN=test\n`),
      writeFile(join(dir, 'ca.pem'), ca.cert),
      writeFile(join(dir, 'ca.key'), ca.key),
      writeFile(join(dir, 'leaf.pem'), certPem),
    ]);
    const env = { ...process.env, OPENSSL_CONF: '/dev/null' };
    await run('openssl', ['ocsp', '-issuer', join(dir, 'ca.pem'), '-cert', join(dir, 'leaf.pem'), '-reqout', join(dir, 'req.der'), '-no_nonce'], { env });
    await run('openssl', ['ocsp', '-index', join(dir, 'index.txt'), '-rsigner', join(dir, 'ca.pem'), '-rkey', join(dir, 'ca.key'), '-CA', join(dir, 'ca.pem'), '-reqin', join(dir, 'req.der'), '-respout', join(dir, 'resp.der')], { env });
    return await readFile(join(dir, 'resp.der'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function waitFor(child: ChildProcess, ready: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start: ${output}`));
    }, 5000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${output}`));
    });
  });
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  await stopProcess(child);
  await rm(dir, { recursive: true, force: true });
}
