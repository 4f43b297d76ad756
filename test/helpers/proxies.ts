// Proxies for tests, on loopback only:
//   startForwardProxy({ auth })  a Node HTTP proxy: CONNECT tunnels and absolute-form requests,
//                                407 unless `Proxy-Authorization: Basic <auth>` when auth is set
//   startInterceptingProxy(leaf) answers CONNECT, then terminates TLS itself with `leaf` (a
//                                certificate from another CA) and answers the HTTP inside
//   startTinyproxy()             Debian's tinyproxy with its own config in a temp dir; null when
//                                the binary is missing
// Each records the CONNECT targets and absolute-form URLs it saw.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from './process';

export interface TestProxy {
  host: string;
  port: number;
  url: string;
  /** `CONNECT` authorities and absolute-form URLs, in order. */
  seen: string[];
  close(): Promise<void>;
}

function track(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

export async function startForwardProxy(opts: { auth?: string } = {}): Promise<TestProxy> {
  const seen: string[] = [];
  const expected = opts.auth === undefined ? null : `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (expected !== null && req.headers['proxy-authorization'] !== expected) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test-proxy"', 'content-length': '0' });
      res.end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-length': '0' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request({ host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers }, (up) => {
      // RFC 9110 §7.6.3: each proxy appends itself to Via.
      res.writeHead(up.statusCode ?? 502, { ...up.headers, via: [up.headers.via, '1.1 test-proxy'].filter(Boolean).join(', ') });
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502, { 'content-length': '0' }).end());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 2000;
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(req.url ?? '');
    if (expected !== null && req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test-proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = splitAuthority(req.url ?? '');
    const upstream = net.connect({ host, port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  const close = track(server);
  const port = await listen(server);
  return { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}`, seen, close };
}

function splitAuthority(authority: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  return m ? [m[1]!, Number(m[2])] : [authority, 443];
}

/** Answers CONNECT with 200, then plays the server itself with a certificate from its own CA. */
export async function startInterceptingProxy(leaf: { key: string; cert: string }): Promise<TestProxy> {
  const seen: string[] = [];
  const inner = https.createServer(leaf, (_req, res) => {
    const body = 'intercepted';
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  const server = http.createServer((_req, res) => res.writeHead(405, { 'content-length': '0' }).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    seen.push(req.url ?? '');
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => inner.emit('connection', client));
  });
  const close = track(server);
  const port = await listen(server);
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      inner.close();
      await close();
    },
  };
}

/** Debian's tinyproxy on an unprivileged loopback port, configured for this test only. */
export async function startTinyproxy(): Promise<TestProxy | null> {
  const bin = ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy'].find((p) => spawnSync(p, ['-v']).status === 0);
  if (bin === undefined) return null;
  const probe = net.createServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-tinyproxy-'));
  const conf = join(dir, 'tinyproxy.conf');
  // No ConnectPort lines: tinyproxy then allows CONNECT to any port (the test servers use random ones).
  const user = process.getuid?.() === 0 ? 'User nobody\nGroup nogroup\n' : '';
  writeFileSync(conf, `${user}Port ${port}\nListen 127.0.0.1\nTimeout 10\nMaxClients 20\nAllow 127.0.0.1\nLogLevel Error\nPidFile "${join(dir, 'pid')}"\nViaProxyName "tinyproxy"\n`);
  const child = spawn(bin, ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`tinyproxy did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    seen: [],
    close: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
