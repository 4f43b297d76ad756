// The first socket of a process pays for code that runs for the first time: Node's lazily loaded
// internals, V8 compiling functions on their first call, OpenSSL's first handshake state, the
// HTTP parsers. Paid inside a timed window, that cost reads as network time. This module pays it
// before the clock starts, without sending a packet anywhere: every exercise runs in memory (a
// DNS message encoded and decoded, a TLS ClientHello written into a buffer, an HTTP/1.1 and an
// HTTP/2 exchange between two in-memory streams, a certificate described and verified), and
// sockets are only created and closed, never connected or bound.
import { randomInt, X509Certificate } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { SecureContext } from 'node:tls';
import dnsPacket from 'dns-packet';
import { deadline } from './abort';
import { decodeMessage, encodeQuery } from './dns/codec';
import { describeCertificate } from './tls/certificate';
import { verifyChain } from './tls/verify';

/** A name that can never resolve (RFC 6761 §6.4): nothing here looks anything up anyway. */
const NOWHERE = 'warm-up.invalid';
/** A bound on the in-memory exchanges: they take a few milliseconds; this only guards a Node change. */
const EXCHANGE_LIMIT_MS = 200;

let processWarm: Promise<void> | null = null;
const warmContexts = new WeakSet<SecureContext>();

/**
 * Exercises the code paths of DNS, TCP, TLS and HTTP once per process, and a TLS ClientHello once
 * per context. Never throws: a warm-up that fails only leaves that path cold.
 */
export async function warmUp(context: SecureContext | null): Promise<void> {
  processWarm ??= warmProcess();
  await processWarm;
  if (context && !warmContexts.has(context)) {
    warmContexts.add(context);
    attempt(() => writeClientHello(context));
  }
}

async function warmProcess(): Promise<void> {
  attempt(warmDns);
  attempt(warmSockets);
  attempt(warmCertificates);
  await attemptAsync(exchangeHttp1);
  await attemptAsync(exchangeHttp2);
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch {
    // A path that cannot be exercised here stays cold; the probe itself reports real failures.
  }
}

/** Runs an in-memory exchange under EXCHANGE_LIMIT_MS; on the limit it tears down what it made. */
async function attemptAsync(fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const limit = deadline(undefined, EXCHANGE_LIMIT_MS, 'warm-up');
  try {
    await fn(limit.signal);
  } catch {
    // As above.
  } finally {
    limit.dispose();
  }
}

/** Settles with `work`, or rejects when `signal` aborts; `cleanup` runs either way. */
function bounded(signal: AbortSignal, work: (resolve: () => void, reject: (err: unknown) => void) => void, cleanup: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    work(resolve, reject);
  }).finally(cleanup);
}

/** The wire codec both ways, the query ID's random source, a UDP socket made and closed unbound. */
function warmDns(): void {
  const id = randomInt(0, 0x10000);
  const query = encodeQuery({ name: NOWHERE, type: 'A', rd: true, id });
  const answer = dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name: NOWHERE, class: 'IN' }],
    answers: [{ type: 'A', name: NOWHERE, ttl: 1, data: '192.0.2.1' }],
  });
  decodeMessage(query);
  decodeMessage(answer);
  dgram.createSocket('udp4').close();
}

/** A TCP socket object and a deadline, created and disposed without a connection. */
function warmSockets(): void {
  const d = deadline(new AbortController().signal, EXCHANGE_LIMIT_MS, 'warm-up');
  d.dispose();
  new net.Socket().destroy();
}

/** What follows a handshake: a certificate read, described and verified (against no store). */
function warmCertificates(): void {
  const root = tls.rootCertificates[0];
  if (root === undefined) return;
  const cert = new X509Certificate(root);
  describeCertificate(cert, Date.now());
  verifyChain([cert], NOWHERE, { node: [], os: [], extra: [] }, Date.now(), { expiryWarningDays: 21 });
}

/** The probe's ClientHello for this context, written into memory; no server ever sees it. */
function writeClientHello(context: SecureContext): void {
  const [client, other] = memoryPair();
  const socket = tls.connect({ socket: client, secureContext: context, servername: NOWHERE, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] });
  socket.on('error', () => undefined);
  socket.destroy();
  other.destroy();
}

/** A GET and its response through Node's HTTP/1.1 client and server, between two in-memory streams. */
function exchangeHttp1(signal: AbortSignal): Promise<void> {
  const [client, server] = memoryPair();
  const peer = http.createServer((_req, res) => res.end('ok'));
  peer.emit('connection', server);
  const req = new http.ClientRequest({ host: NOWHERE, path: '/', method: 'GET', headers: { accept: '*/*' }, createConnection: () => client as net.Socket });
  return bounded(
    signal,
    (resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    },
    () => {
      req.destroy();
      client.destroy();
      server.destroy();
      peer.close();
    },
  );
}

/** The same over HTTP/2 (cleartext: the TLS layer is exercised by writeClientHello). */
function exchangeHttp2(signal: AbortSignal): Promise<void> {
  const [client, server] = memoryPair();
  const peer = http2.createServer((_req, res) => res.end('ok'));
  peer.emit('connection', server);
  const session = http2.connect(`http://${NOWHERE}`, { createConnection: () => client });
  return bounded(
    signal,
    (resolve, reject) => {
      session.on('error', reject);
      const stream = session.request({ ':path': '/' });
      stream.on('error', reject);
      stream.resume();
      stream.on('end', resolve);
      stream.end();
    },
    () => {
      session.destroy();
      client.destroy();
      server.destroy();
      peer.close();
    },
  );
}

/** Two connected in-memory streams: what one writes, the other reads. */
function memoryPair(): [Duplex, Duplex] {
  const make = (): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other(this).push(chunk);
        callback();
      },
      final(callback) {
        other(this).push(null);
        callback();
      },
    });
  const a = make();
  const b = make();
  const other = (side: Duplex): Duplex => (side === a ? b : a);
  return [a, b];
}
