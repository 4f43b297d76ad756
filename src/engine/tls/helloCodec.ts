// ClientHellos written byte by byte, and an incremental reader of what a server answers, for the
// TLS scan and the certificate check. Pure: no sockets (helloProbe.ts sends and receives). It
// speaks SSL 2.0's CLIENT-HELLO (draft-hickman-netscape-ssl-00 §2.6), SSL 3.0 (RFC 6101), TLS
// 1.0–1.2 (RFC 2246, 4346, 5246) and TLS 1.3 up to the ServerHello or HelloRetryRequest (RFC 8446;
// everything after it is encrypted). The reader stops as soon as it has what was asked for, and
// refuses oversized records and messages instead of buffering them.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { RENEGOTIATION_SCSV } from './cipherSuites';
import { LEGACY_GROUP_IDS, TLS13_GROUP_IDS } from './namedGroups';

export const SSL3 = 0x0300;
export const TLS10 = 0x0301;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;

export interface HelloSpec {
  /** SSL3 … TLS13. */
  version: number;
  suites: readonly number[];
  /** SNI; an IP literal or null sends none (RFC 6066 §3). */
  servername: string | null;
  /** supported_groups; by default every curve (TLS ≤ 1.2) or the common TLS 1.3 groups. */
  groups?: readonly number[];
  /** TLS 1.3 key_share entries; none makes a server that accepts a group answer HelloRetryRequest. */
  keyShares?: readonly { group: number; key: Buffer }[];
  alpn?: readonly string[];
  /** status_request (OCSP stapling, RFC 6066 §8). */
  statusRequest?: boolean;
}

// Every signature scheme (RFC 8446 §4.2.3 and the TLS 1.2 hash/signature pairs of RFC 5246
// §7.4.1.4.1), so that a server with any certificate can sign its key exchange.
const SIGNATURE_ALGORITHMS = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x081a, 0x081b, 0x081c, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502,
  0x0602, 0x0203, 0x0201, 0x0202,
];

const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(n, 0, 3);
  return b;
}
const vec8 = (data: Buffer): Buffer => Buffer.concat([u8(data.length), data]);
const vec16 = (data: Buffer): Buffer => Buffer.concat([u16(data.length), data]);
/** A vector of 16-bit values (cipher suites, groups, signature schemes), written into one buffer: a buffer each cost a scan 3 ms. */
function list16(items: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(2 + 2 * items.length);
  out.writeUInt16BE(2 * items.length, 0);
  items.forEach((item, i) => out.writeUInt16BE(item, 2 + 2 * i));
  return out;
}
const extension = (type: number, data: Buffer): Buffer => Buffer.concat([u16(type), vec16(data)]);

/** A ClientHello record for `spec.version`; SSL 3.0 hellos carry no extensions. */
export function clientHello(spec: HelloSpec): Buffer {
  const tls13 = spec.version >= TLS13;
  const suites = tls13 ? spec.suites : [...spec.suites, RENEGOTIATION_SCSV];
  const head = Buffer.concat([u16(Math.min(spec.version, TLS12)), randomBytes(32), vec8(tls13 ? randomBytes(32) : Buffer.alloc(0)), list16(suites), vec8(Buffer.from([0]))]);
  if (spec.version <= SSL3) return record(SSL3, handshake(1, head));
  const extensions = helloExtensions(spec, tls13);
  // Hellos of 256–511 bytes hang some load balancers (F5): pad them to 512 (RFC 7685 §4).
  const length = 4 + head.length + 2 + extensions.reduce((n, e) => n + e.length, 0);
  if (length > 0xff && length < 0x200) extensions.push(extension(21, Buffer.alloc(Math.max(1, 0x200 - length - 4))));
  return record(TLS10, handshake(1, Buffer.concat([head, vec16(Buffer.concat(extensions))])));
}

function helloExtensions(spec: HelloSpec, tls13: boolean): Buffer[] {
  const out: Buffer[] = [];
  if (spec.servername && isIP(spec.servername) === 0) {
    const name = Buffer.from(spec.servername, 'ascii');
    out.push(extension(0, vec16(Buffer.concat([u8(0), vec16(name)]))));
  }
  if (spec.statusRequest) out.push(extension(5, Buffer.from([1, 0, 0, 0, 0])));
  out.push(extension(10, list16(spec.groups ?? (tls13 ? TLS13_GROUP_IDS : LEGACY_GROUP_IDS))));
  if (!tls13) out.push(extension(11, vec8(Buffer.from([0]))));
  if (spec.version >= TLS12) out.push(extension(13, list16(SIGNATURE_ALGORITHMS)));
  if (spec.alpn && spec.alpn.length > 0) out.push(extension(16, vec16(Buffer.concat(spec.alpn.map((p) => vec8(Buffer.from(p, 'ascii')))))));
  if (!tls13) out.push(extension(23, Buffer.alloc(0)));
  if (tls13) {
    out.push(extension(43, vec8(u16(TLS13))));
    out.push(extension(51, vec16(Buffer.concat((spec.keyShares ?? []).map((s) => Buffer.concat([u16(s.group), vec16(s.key)]))))));
  }
  return out;
}

function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

function record(version: number, fragment: Buffer): Buffer {
  return Buffer.concat([u8(22), u16(version), vec16(fragment)]);
}

/** An SSL 2.0 CLIENT-HELLO in the two-byte record header form, offering `kinds` (3 bytes each). */
export function sslv2ClientHello(kinds: readonly number[]): Buffer {
  const specs = Buffer.concat(kinds.map((k) => Buffer.from([(k >> 16) & 0xff, (k >> 8) & 0xff, k & 0xff])));
  const challenge = randomBytes(16);
  const body = Buffer.concat([u8(1), u16(0x0002), u16(specs.length), u16(0), u16(challenge.length), specs, challenge]);
  return Buffer.concat([Buffer.from([0x80 | (body.length >> 8), body.length & 0xff]), body]);
}
