// Loopback servers for tests and benchmarks: a normal HTTP server with behaviour routes, HTTP/2
// over TLS, and hostile TCP servers. Each starts on port 0 of a loopback address (127.0.0.0/8 or
// ::1) and has `close()`, which also ends open connections, so an `after` hook never hangs.
// Only ever listen on loopback: these machines must not send traffic elsewhere.
//
//   startHttpServer(host)            HTTP/1.1 with the routes below; `requests` logs each one
//   startH2Server({host, cert})      HTTP/2 + HTTP/1.1 over TLS (ALPN), self-signed EC cert
//   startTcpServer(fn, host, port)   raw TCP, `fn` per connection; a fixed port lets several
//                                    loopback addresses share one port (one name, many A records)
//   startSilentServer                accepts, never speaks              → HTTP_TIMEOUT, TLS timeout
//   startGarbageServer(bytes)        sends a banner (SSH by default)    → HTTP_BAD_RESPONSE
//   startResetServer(afterBytes)     RST at once or after N bytes       → TCP_RESET / HTTP reset
//   startBlackholeServer(host, port) connects time out (SYNs dropped)   → TCP_TIMEOUT
//   closedPort(host)                 a port where nothing listens       → TCP_REFUSED
//   selfSignedCert()                 throwaway key + cert (openssl CLI)
//
// HTTP routes (startHttpServer):
//   /status/:code              answers that status with a short text body
//   /redirect/:n               302 chain: /redirect/n → /redirect/n-1 … → /redirect/0 → 200
//   /redirect-to?url=U&code=C  one redirect (default 302) to U (absolute or relative)
//   /loop/a, /loop/b           redirect to each other forever
//   /bytes/:n                  a body of n bytes, streamed with backpressure (`/mib/:n`: n MiB)
//   /drip?bytes=N&interval=MS  headers at once, then one byte every MS ms (default 1000), N bytes
//   /slow?ms=MS                waits MS ms before the status line (slow first byte)
//   /cookie                    200 with two Set-Cookie headers carrying a secret
//   /echo                      200, JSON of the request's method, url and headers
//   anything else              200 "ok"
// Every request is appended to `requests` (method, url, headers, bytes written, whether the
// response finished or the client went away first).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from './process';

export type LoopbackHost = '127.0.0.1' | '::1' | `127.${number}.${number}.${number}`;

export interface RunningServer {
  host: string;
  port: number;
  /** `host:port`, with brackets for IPv6. */
  authority: string;
  close(): Promise<void>;
}

export interface RequestLog {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytesWritten: number;
  /** True when the whole response was written; false while running or when the client left. */
  finished: boolean;
  /** True when the client closed the connection before the response finished. */
  clientGone: boolean;
}

export interface HttpTestServer extends RunningServer {
  /** `http://host:port` */
  origin: string;
  requests: RequestLog[];
  /** Connections accepted so far (one per TCP connect). */
  connections(): number;
}

function authorityOf(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function listen(server: net.Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host.includes(':') }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return address.port;
}

/** Tracks sockets so close() can end them: server.close() alone waits for idle keep-alive peers. */
function track(server: net.Server): () => void {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return () => {
    for (const s of sockets) s.destroy();
  };
}

function closer(server: net.Server, destroyAll: () => void): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      destroyAll();
    });
}

export async function startHttpServer(host: LoopbackHost = '127.0.0.1', port = 0): Promise<HttpTestServer> {
  const requests: RequestLog[] = [];
  let accepted = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const log: RequestLog = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytesWritten: 0, finished: false, clientGone: false };
    requests.push(log);
    res.on('finish', () => (log.finished = true));
    res.on('close', () => (log.clientGone = !log.finished));
    route(req, res, log, timers);
  });
  server.on('connection', () => accepted++);
  const destroyAll = track(server);
  const listening = await listen(server, host, port);
  const close = closer(server, () => {
    for (const t of timers) clearTimeout(t);
    destroyAll();
  });
  const authority = authorityOf(host, listening);
  return { host, port: listening, authority, origin: `http://${authority}`, requests, connections: () => accepted, close };
}

function route(req: http.IncomingMessage, res: http.ServerResponse, log: RequestLog, timers: Set<NodeJS.Timeout>): void {
  const url = new URL(req.url ?? '/', 'http://test');
  const parts = url.pathname.split('/').filter(Boolean);
  const later = (msDelay: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, msDelay);
    timers.add(t);
  };
  const text = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
    log.bytesWritten += Buffer.byteLength(body);
  };
  switch (parts[0]) {
    case 'status':
      return text(Number(parts[1] ?? 200), `status ${parts[1] ?? 200}\n`);
    case 'redirect': {
      const n = Number(parts[1] ?? 0);
      return n > 0 ? text(302, '', { location: `/redirect/${n - 1}` }) : text(200, 'arrived\n');
    }
    case 'redirect-to':
      return text(Number(url.searchParams.get('code') ?? 302), '', { location: url.searchParams.get('url') ?? '/' });
    case 'loop':
      return text(302, '', { location: parts[1] === 'a' ? '/loop/b' : '/loop/a' });
    case 'bytes':
    case 'mib':
      return stream(res, log, Number(parts[1] ?? 0) * (parts[0] === 'mib' ? 1024 * 1024 : 1));
    case 'drip': {
      const total = Number(url.searchParams.get('bytes') ?? 60);
      const interval = Number(url.searchParams.get('interval') ?? 1000);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': total });
      res.flushHeaders();
      const drip = (left: number): void => {
        if (res.destroyed) return;
        if (left === 0) return void res.end();
        res.write('.');
        log.bytesWritten++;
        later(interval, () => drip(left - 1));
      };
      return later(interval, () => drip(total));
    }
    case 'slow':
      return later(Number(url.searchParams.get('ms') ?? 1000), () => text(200, 'finally\n'));
    case 'cookie':
      res.setHeader('set-cookie', ['session=s3cr3t-value; HttpOnly', 'csrf=another-secret']);
      return text(200, 'cookies\n');
    case 'echo':
      return text(200, JSON.stringify({ method: req.method, url: req.url, headers: req.headers }), { 'content-type': 'application/json' });
    default:
      return text(200, 'ok\n');
  }
}

/** Writes `total` bytes in 64 KiB chunks, waiting for 'drain', and stops when the client leaves. */
function stream(res: http.ServerResponse, log: RequestLog, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  const pump = (): void => {
    while (log.bytesWritten < total && !res.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, total - log.bytesWritten));
      log.bytesWritten += part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

export interface RawTcpServer extends RunningServer {
  connections(): number;
  /** Connections the client has closed so far. */
  closedByClient(): number;
}

/**
 * A TCP server that runs `onSocket` for each connection (errors from peers are ignored). `port`
 * 0 picks a free one; a fixed port puts servers on several loopback addresses at the same port.
 */
export async function startTcpServer(onSocket: (socket: net.Socket) => void, host: LoopbackHost = '127.0.0.1', port = 0): Promise<RawTcpServer> {
  let accepted = 0;
  let closed = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.on('error', () => undefined);
    socket.on('end', () => {
      closed++;
      socket.end();
    });
    onSocket(socket);
  });
  const destroyAll = track(server);
  const bound = await listen(server, host, port);
  return { host, port: bound, authority: authorityOf(host, bound), connections: () => accepted, closedByClient: () => closed, close: closer(server, destroyAll) };
}

/** Accepts connections and never sends a byte (a stuck server, or a port that speaks second). */
export function startSilentServer(host: LoopbackHost = '127.0.0.1', port = 0): Promise<RawTcpServer> {
  return startTcpServer(() => undefined, host, port);
}

/** Sends `bytes` as soon as a client connects and keeps the connection open (another protocol's banner). */
export function startGarbageServer(bytes: string | Buffer = 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n', host: LoopbackHost = '127.0.0.1'): Promise<RawTcpServer> {
  return startTcpServer((socket) => socket.write(bytes), host);
}

/**
 * Accepts, then resets (RST) the connection: after `afterBytes` bytes from the client
 * (default: at once). resetAndDestroy exists since Node 16.17/18.3.
 */
export function startResetServer(afterBytes = 0, host: LoopbackHost = '127.0.0.1'): Promise<RawTcpServer> {
  return startTcpServer((socket) => {
    if (afterBytes === 0) return void socket.resetAndDestroy();
    let seen = 0;
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= afterBytes) socket.resetAndDestroy();
    });
  }, host);
}

/** A port on `host` where nothing listens (bound then released; a race with other tests is unlikely on loopback). */
export async function closedPort(host: LoopbackHost = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port where connects time out, as behind a firewall that drops packets, without leaving
 * loopback: a child process listens with a backlog of 1 and never accepts (its event loop is
 * blocked), and fillers occupy the accept queue; Linux then drops further SYNs
 * (tcp_conn_request: accept queue full). The child exits on close() or after `lifetimeMs`.
 */
export async function startBlackholeServer(host: LoopbackHost = '127.0.0.1', port = 0, lifetimeMs = 60_000): Promise<RunningServer> {
  const script = `
    const s = require('node:net').createServer();
    s.listen({ host: ${JSON.stringify(host)}, port: ${port}, backlog: 1, ipv6Only: ${host.includes(':')} }, () => {
      process.stdout.write(s.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${lifetimeMs});
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bound = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`blackhole child exited with ${code}`)));
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  child.removeAllListeners('exit');
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const socket = net.connect({ host, port: bound });
    socket.on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 250);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  const close = async (): Promise<void> => {
    for (const f of fillers) f.destroy();
    await stopProcess(child, 'SIGKILL');
  };
  return { host, port: bound, authority: authorityOf(host, bound), close };
}

export interface TestCert {
  key: string;
  cert: string;
}

/**
 * A throwaway self-signed EC P-256 certificate for CN=localhost (SAN localhost, 127.0.0.1, ::1),
 * valid one day, made with the openssl CLI (node-forge cannot make EC keys).
 */
export function selfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-days', '1', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An HTTP/2 server over TLS (ALPN h2 and http/1.1) answering every request with `status` and a
 * short body; `/bytes/:n` streams n bytes. Uses `cert` or a fresh self-signed one.
 */
export async function startH2Server(opts: { host?: LoopbackHost; cert?: TestCert; status?: number } = {}): Promise<RunningServer & { origin: string; cert: TestCert; connections(): number }> {
  const cert = opts.cert ?? selfSignedCert();
  const host = opts.host ?? '127.0.0.1';
  const server = http2.createSecureServer({ ...cert, allowHTTP1: true }, (req, res) => {
    const n = /^\/bytes\/(\d+)$/.exec(req.url)?.[1];
    if (n !== undefined) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(Number(n), 0x62));
      return;
    }
    res.setHeader('set-cookie', 'h2session=secret');
    res.writeHead(opts.status ?? 200, { 'content-type': 'text/plain' });
    res.end(`hello over ${req.httpVersion}\n`);
  });
  let accepted = 0;
  server.on('connection', () => accepted++);
  const destroyAll = track(server);
  const port = await listen(server, host);
  const authority = authorityOf(host, port);
  return { host, port, authority, origin: `https://${authority}`, cert, connections: () => accepted, close: closer(server, destroyAll) };
}
