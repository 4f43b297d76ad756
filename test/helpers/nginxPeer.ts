// Debian's nginx as a TLS peer: a production server that handles connections concurrently and
// closes them at once, unlike `openssl s_server`, which serves one connection at a time and waits
// up to half a second for a client to close the last one. Each runs from a temporary prefix on an
// unprivileged loopback port, in the foreground, and is stopped by its owner.
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { freePort, run, tempDir } from './opensslPeers';
import type { OpensslPeer } from './opensslPeers';
import { stopProcess } from './process';

export interface NginxTlsOptions {
  key: string;
  cert: string;
  /** ssl_protocols, e.g. 'TLSv1.2 TLSv1.3'. */
  protocols: string;
  /** ssl_ciphers (TLS 1.2 and older), in the server's order. */
  ciphers: string;
}

/** nginx serving TLS only (no HTTP is asked), with RFC 7919's ffdhe2048 for its DHE suites and its own suite order. */
export async function startNginxTls(opts: NginxTlsOptions): Promise<OpensslPeer> {
  const dir = await tempDir('netdiag-nginx-');
  await mkdir(join(dir, 'logs'));
  const env = { ...process.env, OPENSSL_CONF: '/dev/null' };
  const { stdout: dhparam } = await run('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048'], { env });
  const port = await freePort();
  const conf = [
    'worker_processes 1;',
    'daemon off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'logs', 'error.log')};`,
    'events { worker_connections 512; }',
    'http {',
    '  access_log off;',
    `  server { listen 127.0.0.1:${port} ssl; ssl_certificate ${join(dir, 'cert.pem')}; ssl_certificate_key ${join(dir, 'key.pem')}; ssl_dhparam ${join(dir, 'dh.pem')};`,
    `    ssl_protocols ${opts.protocols}; ssl_ciphers ${opts.ciphers}; ssl_prefer_server_ciphers on; }`,
    '}',
  ].join('\n');
  await Promise.all([writeFile(join(dir, 'key.pem'), opts.key), writeFile(join(dir, 'cert.pem'), opts.cert), writeFile(join(dir, 'dh.pem'), dhparam), writeFile(join(dir, 'nginx.conf'), conf)]);
  const child = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  await waitForPort(port, () => (child.exitCode !== null ? `nginx exited with ${child.exitCode}: ${errors}` : null));
  return {
    port,
    dir,
    stop: async () => {
      await stopProcess(child, 'SIGQUIT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, failed: () => string | null): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const why = failed();
    if (why) throw new Error(why);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port}`);
}
