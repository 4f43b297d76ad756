// nginx (Debian `nginx-light`) as a real HTTPS peer for benchmarks: one process (no daemon, no
// workers), HTTP/2 and HTTP/1.1 over TLS on a loopback port, a static body and a redirect chain
// /r1 → /r2 → /r3 → /. Config, certificate, logs and temp files live in a temp dir it removes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from './process';

export const haveNginx = spawnSync('nginx', ['-v']).status === 0;

export interface NginxServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export interface NginxOptions {
  host: string;
  /** PEM certificate (chain) and key for the TLS server. */
  cert: string;
  key: string;
  /** Size of the body served at `/`. */
  bodyBytes: number;
}

export async function startNginx(opts: NginxOptions): Promise<NginxServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-nginx-'));
  writeFileSync(join(dir, 'cert.pem'), opts.cert);
  writeFileSync(join(dir, 'key.pem'), opts.key);
  writeFileSync(join(dir, 'index.html'), 'x'.repeat(opts.bodyBytes));
  const port = await freeTcpPort(opts.host);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  ${temp}
  server {
    listen ${opts.host}:${port} ssl http2;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    # nginx 1.22 offers TLS 1.3 only when asked (the default list ends at 1.2 before 1.23.4).
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${dir};
    # Relative Locations: the relay in front of nginx has another port.
    absolute_redirect off;
    location = /r1 { return 302 /r2; }
    location = /r2 { return 302 /r3; }
    location = /r3 { return 302 /; }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const stop = async (): Promise<void> => {
    await stopProcess(child, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  // nginx says nothing when it is up: wait until the port accepts.
  const deadline = Date.now() + 5000;
  while (!(await accepts(opts.host, port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { host: opts.host, port, stop };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** A TCP port free on `host` now (released at once: a small race, fine for a test peer). */
export function freeTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
