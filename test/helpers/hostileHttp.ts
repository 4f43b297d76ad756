// Hostile HTTP peers on loopback: raw TCP servers that read each request head and answer it the
// way a broken, odd or malicious server does, for every HTTP feature to test against. Each is
// one `behaviour`, over plain TCP or, with a certificate, TLS (for https:// and wss://); `heads`
// keeps every request head received (the request line and headers), so a test can check what was
// sent, and `connections()` how many connections were made.
//
//   switch-unasked        101 Switching Protocols (Upgrade: h2c) to any request, asked or not
//   websocket             a correct WebSocket handshake (RFC 6455 §4.2.2), then waits for the Close
//   websocket-200         ignores the upgrade: 200 OK with a page
//   websocket-bad-accept  101 with Upgrade: websocket and a wrong Sec-WebSocket-Accept
//   websocket-no-accept   101 with Upgrade: websocket and no Sec-WebSocket-Accept
//   websocket-no-upgrade  101 with the right accept but no Upgrade header
//   continue-websocket    100 Continue, then a correct WebSocket handshake
//   tunnel                200 Connection established to anything, then silence (a CONNECT answer)
//   keepalive-race        answers the first request of each connection (302 to /next, or 200 on
//                         /next, keep-alive), then closes it, unanswered, when another request
//                         arrives on it: the server timed the idle connection out as the client
//                         reused it
//   close-after-response  answers every request (302 to /next, then 200 on /next) with keep-alive
//                         and closes the connection right after each answer
//   header-overflow       200 with 24 KiB of headers (Node's client stops at 16 KiB)
//   redirect-file         302 to file:///etc/passwd
import { createHash } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import { startTcpServer, type LoopbackHost, type RawTcpServer, type TestCert } from './servers';

export type HostileHttpBehaviour =
  | 'switch-unasked'
  | 'websocket'
  | 'websocket-200'
  | 'websocket-bad-accept'
  | 'websocket-no-accept'
  | 'websocket-no-upgrade'
  | 'continue-websocket'
  | 'tunnel'
  | 'keepalive-race'
  | 'close-after-response'
  | 'header-overflow'
  | 'redirect-file';

export interface HostileHttpServer extends RawTcpServer {
  /** `http://host:port` */
  origin: string;
  /** Every request head received, in order: the request line and the headers, as sent. */
  heads: string[];
  /** WebSocket Close frames received (the client said goodbye after a 101). */
  closeFrames(): number;
}

interface Head {
  line: string;
  path: string;
  headers: Record<string, string>;
}

function parseHead(text: string): Head {
  const [line = '', ...rest] = text.split('\r\n');
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const colon = h.indexOf(':');
    if (colon > 0) headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return { line, path: line.split(' ')[1] ?? '/', headers };
}

function accept(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

const CRLF = '\r\n';
const response = (status: string, headers: readonly string[], body = ''): string => `HTTP/1.1 ${status}${CRLF}${[...headers, `Content-Length: ${Buffer.byteLength(body)}`].join(CRLF)}${CRLF}${CRLF}${body}`;
const switching = (headers: readonly string[]): string => `HTTP/1.1 101 Switching Protocols${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}`;

export interface HostileHttpOptions {
  host?: LoopbackHost;
  /** Speak TLS first (https, wss) with this certificate; plain TCP otherwise. */
  tls?: TestCert;
}

export async function startHostileHttpServer(behaviour: HostileHttpBehaviour, opts: HostileHttpOptions = {}): Promise<HostileHttpServer> {
  const heads: string[] = [];
  let closes = 0;
  const onSocket = (socket: net.Socket): void => {
    let buffered = Buffer.alloc(0);
    let requests = 0;
    let switched = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (switched) {
        // Client frames after the switch: 0x88 starts a Close frame.
        if (buffered[0] === 0x88) {
          closes++;
          socket.end();
        }
        return;
      }
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1 && !switched; end = buffered.indexOf('\r\n\r\n')) {
        const text = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 4);
        heads.push(text);
        requests++;
        switched = answer(socket, parseHead(text), requests);
      }
    });
  };
  const server = opts.tls ? await startTlsServer(onSocket, opts.tls, opts.host) : await startTcpServer(onSocket, opts.host);
  function answer(socket: net.Socket, head: Head, nth: number): boolean {
    const key = head.headers['sec-websocket-key'] ?? '';
    const ws = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept(key)}`];
    switch (behaviour) {
      case 'switch-unasked':
        socket.write(switching(['Upgrade: h2c', 'Connection: Upgrade']));
        return true;
      case 'websocket':
        socket.write(switching(ws));
        return true;
      case 'websocket-200':
        socket.write(response('200 OK', ['Content-Type: text/html'], '<h1>not a websocket</h1>'));
        return false;
      case 'websocket-bad-accept':
        socket.write(switching(['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept('not the key')}`]));
        return true;
      case 'websocket-no-accept':
        socket.write(switching(['Upgrade: websocket', 'Connection: Upgrade']));
        return true;
      case 'websocket-no-upgrade':
        socket.write(switching(['Connection: Upgrade', `Sec-WebSocket-Accept: ${accept(key)}`]));
        return true;
      case 'continue-websocket':
        socket.write(`HTTP/1.1 100 Continue${CRLF}${CRLF}`);
        socket.write(switching(ws));
        return true;
      case 'tunnel':
        socket.write(`HTTP/1.1 200 Connection established${CRLF}${CRLF}`);
        return true;
      case 'keepalive-race':
        if (nth > 1) socket.destroy();
        else socket.write(head.path === '/next' ? response('200 OK', ['Connection: keep-alive'], 'arrived\n') : response('302 Found', ['Location: /next', 'Connection: keep-alive']));
        return false;
      case 'close-after-response':
        socket.end(head.path === '/next' ? response('200 OK', ['Connection: keep-alive'], 'arrived\n') : response('302 Found', ['Location: /next', 'Connection: keep-alive']));
        return false;
      case 'header-overflow':
        socket.write(response('200 OK', Array.from({ length: 24 }, (_, i) => `X-Filler-${i}: ${'a'.repeat(1000)}`), 'ok'));
        return false;
      case 'redirect-file':
        socket.write(response('302 Found', ['Location: file:///etc/passwd']));
        return false;
    }
  }
  return { ...server, origin: `${opts.tls ? 'https' : 'http'}://${server.authority}`, heads, closeFrames: () => closes };
}

/** startTcpServer's TLS twin: `onSocket` gets each connection once its handshake is done. */
async function startTlsServer(onSocket: (socket: net.Socket) => void, cert: TestCert, host: LoopbackHost = '127.0.0.1'): Promise<RawTcpServer> {
  let accepted = 0;
  let closed = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ ...cert, ALPNProtocols: ['http/1.1'] }, (socket) => {
    accepted++;
    socket.on('error', () => undefined);
    socket.on('end', () => closed++);
    onSocket(socket);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  return { host, port, authority: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`, connections: () => accepted, closedByClient: () => closed, close };
}
