// TLS peers written by hand, for what no real server does on purpose: a server that speaks only
// SSL 2.0 or SSL 3.0 (legacyTlsPeer.ts), or one that misbehaves (hostileTls.ts). Each connection's
// first ClientHello (TLS record or SSL 2.0 two-byte header form) is read and parsed here, then a
// script decides what to write back. Loopback only, port 0, closed by its owner.
import type net from 'node:net';
import { startTcpServer } from './servers';
import type { LoopbackHost, RawTcpServer } from './servers';

export interface ClientHelloInfo {
  /** The hello came in SSL 2.0's CLIENT-HELLO form. */
  ssl2: boolean;
  /** client_version (SSL 2.0: 0x0002). */
  version: number;
  /** supported_versions (RFC 8446 §4.2.1), empty without it. */
  versions: number[];
  /** Two-byte suites, or SSL 2.0's three-byte cipher kinds. */
  suites: number[];
  groups: number[];
  keyShareGroups: number[];
  servername: string | null;
}

/** Calls `script` with each connection's parsed hello; a connection whose first bytes are no hello is closed. */
export function startScriptedTlsServer(script: (hello: ClientHelloInfo, socket: net.Socket) => void, host: LoopbackHost = '127.0.0.1'): Promise<RawTcpServer> {
  return startTcpServer((socket) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = parseClientHello(buffered);
      if (hello === 'more') return;
      socket.off('data', onData);
      if (hello === null) socket.destroy();
      else script(hello, socket);
    };
    socket.on('data', onData);
  }, host);
}

/** One ClientHello from the start of `b`: parsed, null when it is none, 'more' when incomplete. */
export function parseClientHello(b: Buffer): ClientHelloInfo | null | 'more' {
  if (b.length < 5) return 'more';
  if (b[0]! & 0x80) {
    const length = ((b[0]! & 0x7f) << 8) | b[1]!;
    if (b.length < 2 + length) return 'more';
    if (b[2] !== 1) return null;
    const specsLength = b.readUInt16BE(5);
    const suites: number[] = [];
    for (let at = 11; at < 11 + specsLength; at += 3) suites.push(b.readUIntBE(at, 3));
    return { ssl2: true, version: b.readUInt16BE(3), versions: [], suites, groups: [], keyShareGroups: [], servername: null };
  }
  if (b[0] !== 22) return null;
  const recordLength = b.readUInt16BE(3);
  if (b.length < 5 + recordLength) return 'more';
  const body = b.subarray(9, 5 + recordLength);
  const info: ClientHelloInfo = { ssl2: false, version: body.readUInt16BE(0), versions: [], suites: [], groups: [], keyShareGroups: [], servername: null };
  let at = 34;
  at += 1 + body[at]!;
  const suitesLength = body.readUInt16BE(at);
  for (let i = at + 2; i < at + 2 + suitesLength; i += 2) info.suites.push(body.readUInt16BE(i));
  at += 2 + suitesLength;
  at += 1 + body[at]!;
  if (at + 2 > body.length) return info;
  const end = at + 2 + body.readUInt16BE(at);
  for (at += 2; at + 4 <= end; ) {
    const type = body.readUInt16BE(at);
    const data = body.subarray(at + 4, at + 4 + body.readUInt16BE(at + 2));
    at += 4 + data.length;
    if (type === 0) info.servername = data.subarray(5).toString('ascii');
    else if (type === 10) info.groups = pairs(data.subarray(2));
    else if (type === 43) info.versions = pairs(data.subarray(1));
    else if (type === 51) {
      for (let i = 2; i + 4 <= data.length; i += 4 + data.readUInt16BE(i + 2)) info.keyShareGroups.push(data.readUInt16BE(i));
    }
  }
  return info;
}

function pairs(data: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 2 <= data.length; i += 2) out.push(data.readUInt16BE(i));
  return out;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function tlsRecord(type: number, version: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u16(version), u16(body.length), body]);
}

export function handshakeMessage(type: number, body: Buffer): Buffer {
  const length = Buffer.alloc(3);
  length.writeUIntBE(body.length, 0, 3);
  return Buffer.concat([Buffer.from([type]), length, body]);
}

const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** A ServerHello handshake message; `extensions` as [type, data] pairs. */
export function serverHello(opts: { version: number; cipher: number; extensions?: [number, Buffer][]; helloRetry?: boolean }): Buffer {
  const random = opts.helloRetry ? HRR_RANDOM : Buffer.alloc(32, 7);
  const parts = [u16(opts.version), random, Buffer.from([0]), u16(opts.cipher), Buffer.from([0])];
  if (opts.extensions) {
    const exts = Buffer.concat(opts.extensions.map(([type, data]) => Buffer.concat([u16(type), u16(data.length), data])));
    parts.push(u16(exts.length), exts);
  }
  return handshakeMessage(2, Buffer.concat(parts));
}

/** A Certificate handshake message with DER certificates (RFC 5246 §7.4.2). */
export function certificateMessage(ders: Buffer[]): Buffer {
  const entries = Buffer.concat(ders.map((d) => Buffer.concat([u24(d.length), d])));
  return handshakeMessage(11, Buffer.concat([u24(entries.length), entries]));
}

export const SERVER_HELLO_DONE = handshakeMessage(14, Buffer.alloc(0));

export function alertRecord(version: number, description: number, level = 2): Buffer {
  return tlsRecord(21, version, Buffer.from([level, description]));
}

function u24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(n, 0, 3);
  return b;
}
