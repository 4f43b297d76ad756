import assert from 'node:assert/strict';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { httpExchange } from '../../src/engine/http';
import type { HttpExchangeOptions, HttpExchangeOutcome } from '../../src/engine/http';
import { redirectTarget } from '../../src/engine/httpRequest';
import { describeBytes } from '../../src/engine/peek';
import { connectTcp } from '../../src/engine/transport';
import { startGarbageServer, startH2Server, startHttpServer, startResetServer, startSilentServer, startTcpServer } from '../helpers/servers';
import type { HttpTestServer, RawTcpServer, RunningServer } from '../helpers/servers';

const now = (): number => performance.now();

async function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const { socket, result } = await connectTcp(host, host.includes(':') ? 6 : 4, port, { timeoutMs: 2000, now });
  assert.ok(socket, `connected: ${result.error?.message}`);
  return socket;
}

function options(url: string, extra: Partial<HttpExchangeOptions> = {}): HttpExchangeOptions {
  return { url, method: 'GET', headers: { 'user-agent': 'netdiag-test' }, alpn: null, maxBodyBytes: 64 * 1024, timeoutMs: 2000, now, ...extra };
}

/** One exchange on a fresh connection; the socket is closed afterwards as the caller must. */
async function fetchOn(port: number, url: string, extra: Partial<HttpExchangeOptions> = {}): Promise<HttpExchangeOutcome & { socket: net.Socket }> {
  const socket = await connect(port);
  try {
    return { ...(await httpExchange(socket, options(url, extra))), socket };
  } finally {
    socket.destroy();
  }
}

describe('httpExchange over HTTP/1.1', () => {
  let server: HttpTestServer;
  before(async () => {
    server = await startHttpServer();
  });
  after(() => server.close());

  it('200: status, version, lower-case headers, body, timings, on the given socket', async () => {
    const before = server.connections();
    const { exchange, findings, reusable } = await fetchOn(server.port, `${server.origin}/status/200`);
    assert.equal(exchange.status, 200);
    assert.equal(exchange.statusText, 'OK');
    assert.equal(exchange.httpVersion, '1.1');
    assert.equal(exchange.headers['content-type'], 'text/plain');
    assert.equal(exchange.bodyBytes, 'status 200\n'.length);
    assert.equal(exchange.bodyTruncated, false);
    assert.equal(exchange.remoteAddress, '127.0.0.1');
    assert.equal(exchange.error, undefined);
    assert.ok(exchange.ttfbMs > 0 && exchange.totalMs >= exchange.ttfbMs + exchange.downloadMs - 0.2);
    assert.deepEqual(findings, []);
    assert.equal(reusable, true);
    assert.equal(server.connections(), before + 1, 'no second connection was opened');
    const req = server.requests.at(-1)!;
    assert.equal(req.headers['host'], server.authority);
    assert.equal(req.headers['user-agent'], 'netdiag-test');
  });

  it('sends the path and query, never the zone id or the fragment, and the Host header without default port', async () => {
    await fetchOn(server.port, `${server.origin}/echo?x=1#frag`);
    assert.equal(server.requests.at(-1)?.url, '/echo?x=1');
    const socket = await connect(server.port);
    try {
      await httpExchange(socket, options(`http://[fe80::1%25eth0]/echo`));
      assert.equal(server.requests.at(-1)?.headers['host'], '[fe80::1]');
    } finally {
      socket.destroy();
    }
  });

  it('reuses a keep-alive socket for a second request', async () => {
    const socket = await connect(server.port);
    try {
      const first = await httpExchange(socket, options(`${server.origin}/status/200`));
      assert.equal(first.reusable, true);
      const second = await httpExchange(socket, options(`${server.origin}/echo`));
      assert.equal(second.exchange.status, 200);
      assert.equal(server.requests.at(-1)?.url, '/echo');
    } finally {
      socket.destroy();
    }
  });

  it('404 → HTTP_CLIENT_ERROR, 503 → HTTP_SERVER_ERROR', async () => {
    const notFound = await fetchOn(server.port, `${server.origin}/status/404`);
    assert.equal(notFound.exchange.status, 404);
    assert.deepEqual(notFound.findings.map((f) => [f.code, f.message, f.subject]), [['HTTP_CLIENT_ERROR', 'The server answered 404 Not Found.', `${server.origin}/status/404`]]);
    const unavailable = await fetchOn(server.port, `${server.origin}/status/503`);
    assert.equal(unavailable.exchange.status, 503);
    assert.deepEqual(unavailable.findings.map((f) => [f.code, f.severity]), [['HTTP_SERVER_ERROR', 'error']]);
  });

  it('redirects: the Location comes back for the orchestrator to follow', async () => {
    const { exchange } = await fetchOn(server.port, `${server.origin}/redirect/3`);
    assert.equal(exchange.status, 302);
    const location = exchange.headers['location'];
    assert.equal(location, '/redirect/2');
    assert.equal(redirectTarget(exchange.url, exchange.status!, typeof location === 'string' ? location : undefined), `${server.origin}/redirect/2`);
  });

  it('redacts cookies: secrets never reach a report', async () => {
    const { exchange } = await fetchOn(server.port, `${server.origin}/cookie`);
    assert.deepEqual(exchange.headers['set-cookie'], ['<redacted>', '<redacted>']);
    assert.ok(!JSON.stringify(exchange).includes('s3cr3t'));
  });

  it('caps a huge body: counts up to the cap, stops reading, destroys the stream', async () => {
    const cap = 64 * 1024;
    const { exchange, findings, reusable, socket } = await fetchOn(server.port, `${server.origin}/mib/64`, { maxBodyBytes: cap });
    assert.equal(exchange.status, 200);
    assert.equal(exchange.bodyBytes, cap);
    assert.equal(exchange.bodyTruncated, true);
    assert.equal(exchange.error, undefined);
    assert.deepEqual(findings.map((f) => [f.code, f.severity]), [['HTTP_BODY_TRUNCATED', 'info']]);
    assert.equal(reusable, false);
    // Read no more than the cap plus what was already in flight (socket buffers), not 64 MiB.
    assert.ok(socket.bytesRead < cap + 2 * 1024 * 1024, `read ${socket.bytesRead} bytes`);
    const log = server.requests.at(-1)!;
    const deadline = Date.now() + 2000;
    while (!log.clientGone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(log.clientGone, true, 'the server saw the client leave');
    assert.ok(log.bytesWritten < 64 * 1024 * 1024);
  });

  it('a server that drips one byte at a time ends at the deadline, with the bytes counted so far', async () => {
    const start = now();
    const { exchange, findings } = await fetchOn(server.port, `${server.origin}/drip?bytes=100&interval=100`, { timeoutMs: 550 });
    const elapsed = now() - start;
    assert.ok(elapsed >= 540 && elapsed < 1500, `ended at the deadline (${elapsed} ms)`);
    assert.equal(exchange.status, 200);
    assert.ok(exchange.bodyBytes >= 3 && exchange.bodyBytes <= 6, `${exchange.bodyBytes} bytes`);
    assert.equal(exchange.error?.code, 'ETIMEDOUT');
    assert.deepEqual(findings.map((f) => f.code), ['HTTP_TIMEOUT']);
    assert.match(findings[0]!.message, new RegExp(`the body was still arriving after 550 ms: ${exchange.bodyBytes} of 100 bytes read`));
    assert.ok(exchange.ttfbMs < 200 && exchange.downloadMs > 300);
  });

  it('a slow first byte past the deadline → HTTP_TIMEOUT with no status', async () => {
    const { exchange, findings } = await fetchOn(server.port, `${server.origin}/slow?ms=1000`, { timeoutMs: 200 });
    assert.equal(exchange.status, null);
    assert.equal(findings[0]?.code, 'HTTP_TIMEOUT');
    assert.equal(findings[0]?.message, 'no response within 200 ms: the request was sent and nothing came back');
  });

  it('cancellation ends the exchange at once, without a finding', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const start = now();
    const { exchange, findings } = await fetchOn(server.port, `${server.origin}/slow?ms=2000`, { timeoutMs: 5000, signal: controller.signal });
    assert.ok(now() - start < 500);
    assert.equal(exchange.error?.code, 'CANCELLED');
    assert.deepEqual(findings, []);
    const pre = await fetchOn(server.port, `${server.origin}/status/200`, { signal: AbortSignal.abort() });
    assert.equal(pre.exchange.error?.code, 'CANCELLED');
    assert.equal(pre.exchange.status, null);
  });

  it('a server that waits before its status line: the wait is time to first byte, the download is the body', async () => {
    const { exchange } = await fetchOn(server.port, `${server.origin}/slow?ms=300`);
    assert.equal(exchange.status, 200);
    assert.ok(exchange.ttfbMs >= 290, `ttfb ${exchange.ttfbMs} ms`);
    assert.ok(exchange.downloadMs < 100, `download ${exchange.downloadMs} ms`);
  });

  it('an invalid header value is data, not a throw', async () => {
    const { exchange } = await fetchOn(server.port, `${server.origin}/`, { headers: { 'x-bad': 'a\r\nb' } });
    assert.equal(exchange.error?.code, 'ERR_INVALID_CHAR');
  });
});

describe('httpExchange against servers that do not speak HTTP', () => {
  let ssh: RawTcpServer;
  let tlsish: RawTcpServer;
  let silent: RawTcpServer;
  let reset: RawTcpServer;
  before(async () => {
    ssh = await startGarbageServer();
    tlsish = await startGarbageServer(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]));
    silent = await startSilentServer();
    reset = await startResetServer(1);
  });
  after(async () => {
    await Promise.all([ssh.close(), tlsish.close(), silent.close(), reset.close()]);
  });

  it('garbage → HTTP_BAD_RESPONSE that quotes what came back', async () => {
    const { exchange, findings } = await fetchOn(ssh.port, `http://${ssh.authority}/`);
    assert.equal(exchange.status, null);
    assert.match(exchange.error?.code ?? '', /^HPE_/);
    assert.deepEqual(findings.map((f) => f.code), ['HTTP_BAD_RESPONSE']);
    assert.equal(findings[0]?.message, 'not HTTP: the server answered with "SSH-2.0-OpenSSH_9.2p1 Debian-2\\r\\n" (an SSH server)');
  });

  it('TLS bytes on a plain request → suggests https://', async () => {
    const { findings } = await fetchOn(tlsish.port, `http://${tlsish.authority}/`);
    assert.equal(findings[0]?.code, 'HTTP_BAD_RESPONSE');
    assert.match(findings[0]?.message ?? '', /TLS bytes: the port speaks TLS, try https:\/\//);
  });

  it('a silent server → HTTP_TIMEOUT', async () => {
    const { exchange, findings } = await fetchOn(silent.port, `http://${silent.authority}/`, { timeoutMs: 250 });
    assert.equal(exchange.error?.code, 'ETIMEDOUT');
    assert.deepEqual(findings.map((f) => f.code), ['HTTP_TIMEOUT']);
  });

  it('time to first byte ends at the first byte on the socket, not when the status line is whole', async () => {
    // "H" at once, the rest of the answer 300 ms later: the parser has no status before then.
    const split = await startTcpServer((socket) =>
      socket.once('data', () => {
        socket.write('H');
        setTimeout(() => socket.write('TTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'), 300);
      }),
    );
    try {
      const { exchange } = await fetchOn(split.port, `http://${split.authority}/`);
      assert.equal(exchange.status, 200);
      assert.ok(exchange.ttfbMs < 150, `ttfb ${exchange.ttfbMs} ms`);
      assert.ok(exchange.downloadMs >= 250, `download ${exchange.downloadMs} ms`);
    } finally {
      await split.close();
    }
  });

  it('a reset after the request → HTTP_BAD_RESPONSE that says so', async () => {
    const { exchange, findings } = await fetchOn(reset.port, `http://${reset.authority}/`);
    assert.equal(exchange.error?.code, 'ECONNRESET');
    assert.equal(findings[0]?.code, 'HTTP_BAD_RESPONSE');
    assert.match(findings[0]?.message ?? '', /reset before any answer|closed the connection without answering/);
  });
});

describe('httpExchange over TLS', () => {
  let h2: RunningServer & { origin: string; connections(): number };
  before(async () => {
    h2 = await startH2Server();
  });
  after(() => h2.close());

  async function tlsSocket(alpn: string[]): Promise<tls.TLSSocket> {
    const raw = await connect(h2.port);
    const socket = tls.connect({ socket: raw, servername: 'localhost', ALPNProtocols: alpn, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  it('HTTP/2 when ALPN chose h2, on the same TLS socket', async () => {
    const socket = await tlsSocket(['h2', 'http/1.1']);
    const connectionsBefore = h2.connections();
    try {
      assert.equal(socket.alpnProtocol, 'h2');
      const { exchange, findings } = await httpExchange(socket, options(`https://localhost:${h2.port}/`, { alpn: 'h2', headers: { 'user-agent': 'x', connection: 'keep-alive', host: `localhost:${h2.port}` } }));
      assert.equal(exchange.httpVersion, '2.0');
      assert.equal(exchange.status, 200);
      assert.equal(exchange.statusText, 'OK');
      assert.equal(exchange.bodyBytes, 'hello over 2.0\n'.length);
      assert.equal(exchange.headers['set-cookie'], '<redacted>');
      assert.ok(!Object.keys(exchange.headers).some((k) => k.startsWith(':')), 'no pseudo-headers');
      assert.deepEqual(findings, []);
      assert.equal(h2.connections(), connectionsBefore, 'no second connection or handshake');
    } finally {
      socket.destroy();
    }
  });

  it('HTTP/2: a cleanly ended stream leaves the session open for the next request on the connection', async () => {
    const socket = await tlsSocket(['h2']);
    const connectionsBefore = h2.connections();
    try {
      const first = await httpExchange(socket, options(`https://localhost:${h2.port}/bytes/10`, { alpn: 'h2' }));
      assert.equal(first.reusable, true);
      assert.ok(first.session && !first.session.closed, 'the session is handed back open');
      const second = await httpExchange(socket, options(`https://localhost:${h2.port}/bytes/20`, { alpn: 'h2', session: first.session }));
      assert.equal(second.exchange.bodyBytes, 20);
      assert.equal(second.session, first.session);
      assert.equal(h2.connections(), connectionsBefore, 'no second connection');
      second.session?.destroy();
    } finally {
      socket.destroy();
    }
  });

  it('HTTP/2 body cap', async () => {
    const socket = await tlsSocket(['h2']);
    try {
      const { exchange, findings, reusable } = await httpExchange(socket, options(`https://localhost:${h2.port}/bytes/500000`, { alpn: 'h2', maxBodyBytes: 10_000 }));
      assert.equal(exchange.bodyBytes, 10_000);
      assert.equal(exchange.bodyTruncated, true);
      assert.deepEqual(findings.map((f) => f.code), ['HTTP_BODY_TRUNCATED']);
      assert.equal(reusable, false, 'a stream cut short ends its session');
    } finally {
      socket.destroy();
    }
  });

  it('HTTP/1.1 over TLS when ALPN chose http/1.1', async () => {
    const socket = await tlsSocket(['http/1.1']);
    try {
      const { exchange } = await httpExchange(socket, options(`https://localhost:${h2.port}/`, { alpn: socket.alpnProtocol || null }));
      assert.equal(exchange.httpVersion, '1.1');
      assert.equal(exchange.status, 200);
      assert.equal(exchange.bodyBytes, 'hello over 1.1\n'.length);
    } finally {
      socket.destroy();
    }
  });
});

describe('redirectTarget', () => {
  const base = 'https://example.com/a/b?q=1';
  const table: [number, string | undefined, string | null][] = [
    [301, 'https://other.example/x', 'https://other.example/x'],
    [302, '/root', 'https://example.com/root'],
    [303, 'c', 'https://example.com/a/c'],
    [307, '?page=2', 'https://example.com/a/b?page=2'],
    [308, '//cdn.example.net/y', 'https://cdn.example.net/y'],
    [301, 'http://example.com/', 'http://example.com/'],
    [302, '  /trimmed  ', 'https://example.com/trimmed'],
    [300, '/choice', 'https://example.com/choice'],
    [304, '/not-modified', null],
    [305, '/proxy', null],
    [200, '/x', null],
    [404, '/x', null],
    [302, undefined, null],
    [302, '', null],
    [302, 'http://[::1', null],
  ];
  for (const [status, location, expected] of table) {
    it(`${status} ${JSON.stringify(location)} → ${expected}`, () => assert.equal(redirectTarget(base, status, location), expected));
  }

  it('keeps the zone id of a link-local host for a relative Location', () => {
    assert.equal(redirectTarget('http://[fe80::1%25eth0]:8080/a', 302, '/b'), 'http://[fe80::1%25eth0]:8080/b');
    assert.equal(redirectTarget('http://[fe80::1%25eth0]/a', 302, 'https://example.com/'), 'https://example.com/');
  });
});

describe('describeBytes', () => {
  it('quotes printable text, escapes the rest, and names known protocols', () => {
    assert.equal(describeBytes(Buffer.from('220 mail.example.com ESMTP\r\n')), '"220 mail.example.com ESMTP\\r\\n" (an SMTP or FTP greeting)');
    assert.equal(describeBytes(Buffer.from([0x00, 0x01, 0x41, 0x22])), '"\\x00\\x01A\\""');
    assert.equal(describeBytes(Buffer.from([0x16, 0x03, 0x03, 0x00])), 'TLS bytes: the port speaks TLS, try https://');
    assert.equal(describeBytes(Buffer.alloc(0)), 'nothing');
    assert.match(describeBytes(Buffer.alloc(100, 0x41)), /^"A{48}"…$/);
  });
});
