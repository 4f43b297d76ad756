// A TLS 1.2 ClientHello written by hand, to read what Node hides: the Certificate message exactly
// as the server sent it (order, extra certificates, the root) and whether the server sends a
// CertificateRequest (mutual TLS). Up to TLS 1.2 the server's first flight is clear text
// (RFC 5246 §7.3); with TLS 1.3 it is encrypted, so a TLS 1.3-only server yields `null` here and
// callers fall back to Node's view. Nothing is sent after the server's hello flight.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { isIP } from 'node:net';
import { deadline, errorInfo, reasonOf } from '../abort';
import type { ErrorInfo } from '../model/common';

export interface ServerFlight {
  /** TLSv1, TLSv1.1 or TLSv1.2: what the ServerHello chose. */
  protocol: string;
  /** DER certificates in the order of the Certificate message (RFC 5246 §7.4.2). */
  certificates: Buffer[];
  /** The server sent a CertificateRequest (RFC 5246 §7.4.4). */
  certificateRequested: boolean;
  /** The server stapled an OCSP response (CertificateStatus, RFC 6066 §8). */
  ocspStapled: boolean;
}

export interface RawHelloOptions {
  host: string;
  port: number;
  servername: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Larger than any Certificate message a client accepts; bounds memory for a hostile server. */
const MAX_FLIGHT_BYTES = 16 * 1024 * 1024;

// ECDHE, DHE and static RSA suites with AES-GCM, ChaCha20 and AES-CBC (IANA TLS Cipher Suites):
// broad enough that any TLS 1.2 server finds one, since only the certificate is wanted here.
const SUITES = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a, 0xc014, 0xc023, 0xc027, 0xc024, 0xc028, 0x009e, 0x009f, 0x0033, 0x0039, 0x009c, 0x009d,
  0x002f, 0x0035, 0x003c, 0x003d, 0x000a, 0x00ff,
];
const GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101];
const SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0203, 0x0201];
const VERSIONS: Readonly<Record<number, string>> = { 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2' };

/** The hello flight, or `{error}`; never throws. A server that answers with an alert gives an error. */
export async function readServerFlight(opts: RawHelloOptions): Promise<ServerFlight | { error: ErrorInfo }> {
  const limit = deadline(opts.signal, opts.timeoutMs, 'TLS 1.2 hello');
  const socket = net.connect({ host: opts.host, port: opts.port });
  socket.on('error', () => undefined);
  try {
    return await new Promise<ServerFlight>((resolve, reject) => {
      let buffered = Buffer.alloc(0);
      let handshake = Buffer.alloc(0);
      const flight: ServerFlight = { protocol: 'unknown', certificates: [], certificateRequested: false, ocspStapled: false };
      const fail = (code: string, message: string): void => reject(Object.assign(new Error(message), { code }));
      const onAbort = (): void => reject(reasonOf(limit.signal));
      limit.signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', reject);
      socket.once('close', () => fail('ECONNRESET', 'The server closed the connection before its hello flight ended'));
      socket.once('connect', () => socket.write(clientHello(opts.servername)));
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length + handshake.length > MAX_FLIGHT_BYTES) return fail('TLS_FLIGHT_TOO_LARGE', 'The server hello flight is larger than 16 MiB');
        // Records: type(1) version(2) length(2) fragment (RFC 5246 §6.2.1).
        while (buffered.length >= 5) {
          const length = buffered.readUInt16BE(3);
          if (buffered.length < 5 + length) break;
          const type = buffered[0];
          const fragment = buffered.subarray(5, 5 + length);
          buffered = buffered.subarray(5 + length);
          if (type === 21) return fail('TLS_ALERT', `The server answered the TLS 1.2 hello with alert ${fragment[1] ?? '?'} (${ALERTS[fragment[1] ?? -1] ?? 'unknown'})`);
          if (type !== 22) return fail('TLS_UNEXPECTED_RECORD', `The server sent record type ${type} before its hello flight ended`);
          handshake = Buffer.concat([handshake, fragment]);
          // Handshake messages: type(1) length(3) body; they may span records.
          while (handshake.length >= 4) {
            const msgType = handshake[0];
            const msgLength = handshake.readUIntBE(1, 3);
            if (handshake.length < 4 + msgLength) break;
            const body = handshake.subarray(4, 4 + msgLength);
            handshake = handshake.subarray(4 + msgLength);
            if (msgType === 2) {
              const version = body.length >= 2 ? body.readUInt16BE(0) : 0;
              flight.protocol = VERSIONS[version] ?? `0x${version.toString(16)}`;
            } else if (msgType === 11) {
              flight.certificates = certificateList(body);
            } else if (msgType === 22) {
              flight.ocspStapled = true;
            } else if (msgType === 13) {
              flight.certificateRequested = true;
            } else if (msgType === 14) {
              return resolve(flight);
            }
          }
        }
      });
    });
  } catch (err) {
    return { error: errorInfo(err) };
  } finally {
    limit.dispose();
    socket.destroy();
  }
}

function certificateList(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  if (body.length < 3) return out;
  const end = Math.min(body.length, 3 + body.readUIntBE(0, 3));
  let at = 3;
  while (at + 3 <= end) {
    const len = body.readUIntBE(at, 3);
    if (at + 3 + len > end) break;
    out.push(Buffer.from(body.subarray(at + 3, at + 3 + len)));
    at += 3 + len;
  }
  return out;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function vector16(items: readonly number[]): Buffer {
  return Buffer.concat([u16(items.length * 2), ...items.map(u16)]);
}

function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), u16(data.length), data]);
}

function clientHello(servername: string | null): Buffer {
  const extensions: Buffer[] = [];
  if (servername && isIP(servername) === 0) {
    const name = Buffer.from(servername, 'ascii');
    const entry = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
    extensions.push(extension(0, Buffer.concat([u16(entry.length), entry])));
  }
  // status_request: OCSP, no responder ids, no extensions (RFC 6066 §8).
  extensions.push(extension(5, Buffer.from([1, 0, 0, 0, 0])));
  extensions.push(extension(10, vector16(GROUPS)));
  extensions.push(extension(11, Buffer.from([1, 0])));
  extensions.push(extension(13, vector16(SIGNATURE_ALGORITHMS)));
  extensions.push(extension(23, Buffer.alloc(0)));
  const exts = Buffer.concat(extensions);
  const body = Buffer.concat([
    u16(0x0303),
    randomBytes(32),
    Buffer.from([0]),
    vector16(SUITES),
    Buffer.from([1, 0]),
    u16(exts.length),
    exts,
  ]);
  const len = Buffer.alloc(3);
  len.writeUIntBE(body.length, 0, 3);
  const message = Buffer.concat([Buffer.from([1]), len, body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(message.length), message]);
}

/** RFC 8446 §6 alert descriptions, for messages. */
const ALERTS: Readonly<Record<number, string>> = {
  10: 'unexpected_message',
  40: 'handshake_failure',
  42: 'bad_certificate',
  47: 'illegal_parameter',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};
