// The first socket of a process pays for code that runs for the first time: Node's lazily loaded
// internals, V8 compiling functions on their first call, the HTTP/2 session machinery. Paid
// inside a timed window, that cost reads as network time. This module pays, before the clock
// starts, what would otherwise land inside one, without sending a packet anywhere: every exercise
// runs in memory (DNS messages encoded and decoded: dns/warmUp.ts; an HTTP/2 GET through the
// probe's own http.ts, answered by a stream that replays a server's bytes; a hop through the
// pipeline to a port Node refuses before it makes a socket), and sockets are only created and
// closed, never connected or bound. Only the client side runs: a server would be work the probes
// never do. What runs outside every window needs no warm-up, as the readings start and end at
// the socket's events: tls.connect writes the ClientHello before the handshake's clock starts,
// the chain is described after it ends, and an HTTP/1.1 request is written before its wait
// starts, its answer parsed after the first byte ends it (http.ts).
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Duplex } from 'node:stream';
import { warmUpDns } from './dns/warmUp';
import { standaloneContext } from './hop/model';
import { runHop } from './hop/pipeline';
import { httpExchange } from './http';
import { DIRECT } from './proxy';
import { Quiet } from './quiet';
import { parseTarget } from './target';

/** A name that can never resolve (RFC 6761 §6.4): nothing here looks anything up anyway. */
const NOWHERE = 'warm-up.invalid';
/** A bound on each in-memory exchange: it takes a few milliseconds; this only guards a Node change. */
const EXCHANGE_LIMIT_MS = 200;
/** Turns of the event loop in which closing the in-memory streams ends (three, on Node 20 and 22). */
const SETTLE_TURNS = 4;

let processWarm: Promise<void> | null = null;

/**
 * Exercises the code paths of a diagnosis that run inside its timed windows (DNS, the hop, the
 * HTTP/2 exchange) once per process. Never throws: a warm-up that fails only leaves that path cold.
 */
export async function warmUp(): Promise<void> {
  warmUpDns();
  processWarm ??= warmConnections();
  await processWarm;
}

/**
 * Node closes streams and tears an HTTP/2 session down over the next turns of the event loop
 * (nextTick, setImmediate): waits for those turns, so none of the warm-up's leftovers runs after
 * the clock has started.
 */
async function settled(): Promise<void> {
  for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function warmConnections(): Promise<void> {
  attempt(warmSocket);
  await warmHop();
  await exchangeOverMemory();
  await settled();
}

/** Above the highest TCP port: net.connect throws ERR_SOCKET_BAD_PORT before it creates a socket. */
const NO_PORT = 65536;

/**
 * The hop pipeline once (resolve, connect, the findings and bookkeeping of a failed connect),
 * to a port Node refuses synchronously, so no socket is made and nothing is sent: its code is
 * compiled here rather than between the wire queries and the first connect. Never throws.
 */
async function warmHop(): Promise<void> {
  try {
    const { target } = parseTarget('http://127.0.0.1:1/');
    const hop = await runHop({ target: { ...target, port: NO_PORT }, route: DIRECT, request: { method: 'GET', headers: {} } }, { ...standaloneContext({ timeoutMs: EXCHANGE_LIMIT_MS }), quiet: new Quiet() });
    await hop.beside;
  } catch {
    // A path that cannot be exercised here stays cold; the probe itself reports real failures.
  }
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch {
    // A path that cannot be exercised here stays cold; the probe itself reports real failures.
  }
}

/** A TCP socket object, created and destroyed without a connection. */
function warmSocket(): void {
  new net.Socket().destroy();
}

// A server's side of one HTTP/2 exchange (RFC 9113 §4.1 frames: 3-byte length, type, flags,
// stream id): its SETTINGS (the server preface, §3.4), the ACK of the client's SETTINGS (§6.5.3),
// and on stream 1 a HEADERS frame with END_STREAM | END_HEADERS whose one header is HPACK static
// index 8, `:status: 200` (RFC 7541 Appendix A).
const H2_CLIENT_PREFACE_BYTES = 24;
const H2_SERVER_SETTINGS = Buffer.from('000000040000000000000000040100000000', 'hex');
const H2_RESPONSE = Buffer.from('00000101050000000188', 'hex');
const H2_HEADERS = 0x1;

/**
 * One HTTP/2 GET through the probe's own HTTP code (http.ts, nghttp2) over a stream that answers
 * like a server: the session's set-up and the response's way up from nghttp2 run inside the
 * time to first byte, where HTTP/1.1 runs only a write (http.ts). httpExchange has its own
 * deadline and never throws.
 */
async function exchangeOverMemory(): Promise<void> {
  let written = Buffer.alloc(0);
  let answered = false;
  const peer = replayingPeer((chunk, push) => {
    written = Buffer.concat([written, chunk]);
    if (!answered && wroteRequestHeaders(written)) {
      answered = true;
      push(H2_RESPONSE);
    }
  });
  peer.push(H2_SERVER_SETTINGS);
  try {
    await httpExchange(peer as net.Socket, {
      url: `https://${NOWHERE}/`,
      method: 'GET',
      headers: { accept: '*/*' },
      alpn: 'h2',
      maxBodyBytes: 1024,
      timeoutMs: EXCHANGE_LIMIT_MS,
      now: () => performance.now(),
    });
  } finally {
    peer.destroy();
  }
}

/** Whether the client's bytes so far (preface, then frames) hold a HEADERS frame on stream 1. */
function wroteRequestHeaders(bytes: Buffer): boolean {
  for (let p = H2_CLIENT_PREFACE_BYTES; p + 9 <= bytes.length; p += 9 + bytes.readUIntBE(p, 3)) {
    if (bytes[p + 3] === H2_HEADERS && (bytes.readUInt32BE(p + 5) & 0x7fffffff) === 1) return true;
  }
  return false;
}

/** An in-memory stream standing in for a server: `answer` sees each chunk the client writes and may push bytes back. */
function replayingPeer(answer: (chunk: Buffer, push: (bytes: Buffer) => void) => void): Duplex {
  return new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      answer(chunk, (bytes) => this.push(bytes));
      callback();
    },
  });
}
