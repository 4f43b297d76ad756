// Reads what a server answers to a hand-written ClientHello (helloCodec.ts), incrementally, as
// bytes arrive: TLS records (RFC 5246 §6.2.1) carrying handshake messages that may span records,
// alerts, or an SSL 2.0 SERVER-HELLO. It stops at what was asked for — the ServerHello (or
// HelloRetryRequest), the key exchange, or the whole hello flight up to ServerHelloDone — and
// never buffers more than a record or one bounded message. Pure: helloProbe.ts feeds it.
import { suiteOf } from './cipherSuites';

/**
 * How far to read: the ServerHello; up to ServerKeyExchange; the whole flight (≤ TLS 1.2); or an
 * SSL 2.0 SERVER-HELLO (a TLS alert is read too).
 */
export type Want = 'hello' | 'keyExchange' | 'flight' | 'ssl2';

export interface ServerHello {
  /** Negotiated: supported_versions when present (RFC 8446 §4.2.1), else server_version. */
  version: number;
  helloRetry: boolean;
  cipher: number;
  compression: number;
  /** TLS 1.3: the key_share group (or HelloRetryRequest's selected_group). */
  group: number | null;
  alpn: string | null;
  /** Extension types, in the order the server sent them. */
  extensions: number[];
}

export type Reply =
  | {
      kind: 'tls';
      hello: ServerHello;
      /** DER certificates in the order of the Certificate message (flight only). */
      certificates: Buffer[];
      /** The stapled OCSP response (CertificateStatus, RFC 6066 §8). */
      ocsp: Buffer | null;
      /** ServerKeyExchange's named curve (RFC 8422 §5.4). */
      keyExchangeGroup: number | null;
      certificateRequested: boolean;
    }
  | { kind: 'ssl2'; version: number; cipherKinds: number[]; certificate: Buffer | null }
  /** The server said no: a fatal alert, or the connection closed without a hello. */
  | { kind: 'refused'; code: string; message: string }
  /** Not an answer: not TLS, malformed, too large. */
  | { kind: 'failed'; code: string; message: string };

/** RFC 5246 §6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048 bytes. */
const MAX_RECORD = 16384 + 2048;
/** ServerHello, ServerKeyExchange and a real Certificate chain are far smaller. */
const MAX_MESSAGE = 1024 * 1024;
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** RFC 8446 §6 (and RFC 5246 §7.2) alert descriptions, for messages. */
const ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  47: 'illegal_parameter',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERTS[description] ?? `alert ${description}`;
}

class Malformed extends Error {}

export class ReplyReader {
  private pending: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private hello: ServerHello | null = null;
  private certificates: Buffer[] = [];
  private ocsp: Buffer | null = null;
  private keyExchangeGroup: number | null = null;
  private certificateRequested = false;
  private total = 0;
  private started = false;
  private outcome: Reply | null = null;

  constructor(
    private readonly want: Want,
    private readonly maxBytes: number,
  ) {}

  /** Takes the next bytes; the reply once it is known, else null (read more). */
  feed(chunk: Buffer): Reply | null {
    if (this.outcome) return this.outcome;
    this.total += chunk.length;
    if (this.total > this.maxBytes) return this.finish({ kind: 'failed', code: 'TLS_FLIGHT_TOO_LARGE', message: `The server sent more than ${this.maxBytes} bytes before its hello ended` });
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      return this.parse();
    } catch (err) {
      return this.finish({ kind: 'failed', code: 'TLS_BAD_MESSAGE', message: `The server's hello is malformed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  /** The connection ended: what was read, or why it is not enough. */
  end(): Reply {
    if (this.outcome) return this.outcome;
    // A ServerHello answers the question even when the rest of the flight never comes.
    if (this.hello) return this.result();
    const what = this.hello ? 'before its hello flight ended' : this.total === 0 ? 'without answering the hello' : 'in the middle of its answer';
    return this.finish({ kind: 'refused', code: 'TLS_CLOSED', message: `The server closed the connection ${what}` });
  }

  private finish(reply: Reply): Reply {
    this.outcome = reply;
    this.pending = Buffer.alloc(0);
    this.fragments = [];
    return reply;
  }

  private result(): Reply {
    if (!this.hello) throw new Malformed('no ServerHello');
    return this.finish({ kind: 'tls', hello: this.hello, certificates: this.certificates, ocsp: this.ocsp, keyExchangeGroup: this.keyExchangeGroup, certificateRequested: this.certificateRequested });
  }

  private parse(): Reply | null {
    const first = this.pending[0];
    if (first === undefined) return null;
    if (!this.started && this.want === 'ssl2' && first >= 0x80) return this.parseSsl2();
    this.started = true;
    while (this.pending.length >= 5) {
      const type = this.pending[0]!;
      const major = this.pending[1]!;
      const length = this.pending.readUInt16BE(3);
      if (type < 20 || type > 23 || major !== 3) return this.finish({ kind: 'failed', code: 'TLS_NOT_TLS', message: `The server answered with something that is not TLS (first bytes ${this.pending.subarray(0, 5).toString('hex')})` });
      if (length > MAX_RECORD) return this.finish({ kind: 'failed', code: 'TLS_RECORD_OVERFLOW', message: `The server announced a ${length}-byte record, more than TLS allows (${MAX_RECORD})` });
      if (this.pending.length < 5 + length) return null;
      const fragment = this.pending.subarray(5, 5 + length);
      this.pending = this.pending.subarray(5 + length);
      if (type === 21) {
        const level = fragment[0];
        const description = fragment[1] ?? -1;
        // Warnings (an unrecognized_name some servers send before their ServerHello) are not a refusal.
        if (level === 1 && description !== 0) continue;
        return this.finish({ kind: 'refused', code: 'TLS_ALERT', message: `The server answered with alert ${description} (${alertName(description)})` });
      }
      if (type !== 22) return this.finish({ kind: 'failed', code: 'TLS_UNEXPECTED_RECORD', message: `The server sent record type ${type} before its hello ended` });
      const done = this.handshakeBytes(fragment);
      if (done) return done;
    }
    return null;
  }

  /** Handshake messages: type(1) length(3) body; they may span records (RFC 5246 §7.4). */
  private handshakeBytes(fragment: Buffer): Reply | null {
    this.fragments.push(fragment);
    this.fragmentBytes += fragment.length;
    for (;;) {
      if (this.fragmentBytes < 4) return null;
      const head = this.fragments[0]!.length >= 4 ? this.fragments[0]! : Buffer.concat(this.fragments);
      const length = head.readUIntBE(1, 3);
      if (length > MAX_MESSAGE) return this.finish({ kind: 'failed', code: 'TLS_MESSAGE_TOO_LARGE', message: `The server announced a ${length}-byte handshake message` });
      // Joined once the whole message is here, so a long message costs one copy, not one per record.
      if (this.fragmentBytes < 4 + length) return null;
      let buffer = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
      const type = buffer[0]!;
      const body = buffer.subarray(4, 4 + length);
      buffer = buffer.subarray(4 + length);
      this.fragments = buffer.length > 0 ? [buffer] : [];
      this.fragmentBytes = buffer.length;
      const done = this.message(type, body);
      if (done) return done;
    }
  }

  private message(type: number, body: Buffer): Reply | null {
    if (!this.hello) {
      // HelloRequest (0) may precede anything; any other message before ServerHello is a protocol error.
      if (type === 0) return null;
      if (type !== 2) throw new Malformed(`message type ${type} before the ServerHello`);
      this.hello = readServerHello(body);
      if (this.want === 'hello' || this.hello.helloRetry || this.hello.version >= 0x0304) return this.result();
      return null;
    }
    if (type === 11) this.certificates = certificateList(body);
    else if (type === 22) this.ocsp = body.length > 4 && body[0] === 1 ? Buffer.from(body.subarray(4, 4 + body.readUIntBE(1, 3))) : null;
    else if (type === 13) this.certificateRequested = true;
    else if (type === 12) {
      // ECParameters: curve_type 3 (named_curve) then the group (RFC 8422 §5.4). DHE parameters start with a length instead.
      if (this.ecdhe() && body.length >= 3 && body[0] === 3) this.keyExchangeGroup = body.readUInt16BE(1);
      if (this.want === 'keyExchange') return this.result();
    } else if (type === 14) return this.result();
    return null;
  }

  /** The chosen suite's key exchange is ephemeral ECDH, whose ServerKeyExchange names a curve. */
  private ecdhe(): boolean {
    return this.hello !== null && /ECDHE|ECDH_anon|AECDH/.test(suiteOf(this.hello.cipher).name);
  }

  /** SERVER-HELLO: type 4, session_id_hit, certificate_type, version, then three lengths (draft-hickman §2.6). */
  private parseSsl2(): Reply | null {
    const b = this.pending;
    if (b.length < 2) return null;
    const length = ((b[0]! & 0x7f) << 8) | b[1]!;
    if (b.length < 2 + length) return null;
    const body = b.subarray(2, 2 + length);
    if (body[0] === 0) return this.finish({ kind: 'refused', code: 'SSL2_ERROR', message: 'The server answered the SSL 2.0 hello with an SSL 2.0 ERROR' });
    if (body[0] !== 4 || body.length < 11) return this.finish({ kind: 'failed', code: 'TLS_NOT_TLS', message: 'The server answered the SSL 2.0 hello with something that is not an SSL 2.0 SERVER-HELLO' });
    const version = body.readUInt16BE(3);
    const certLength = body.readUInt16BE(5);
    const specsLength = body.readUInt16BE(7);
    const idLength = body.readUInt16BE(9);
    if (11 + certLength + specsLength + idLength > body.length || specsLength % 3 !== 0) return this.finish({ kind: 'failed', code: 'TLS_BAD_MESSAGE', message: 'The SSL 2.0 SERVER-HELLO is malformed: its lengths exceed the message' });
    const kinds: number[] = [];
    for (let at = 11 + certLength; at < 11 + certLength + specsLength; at += 3) kinds.push(body.readUIntBE(at, 3));
    return this.finish({ kind: 'ssl2', version, cipherKinds: kinds, certificate: certLength > 0 ? Buffer.from(body.subarray(11, 11 + certLength)) : null });
  }
}

function readServerHello(body: Buffer): ServerHello {
  if (body.length < 38) throw new Malformed('ServerHello too short');
  const legacyVersion = body.readUInt16BE(0);
  const helloRetry = body.subarray(2, 34).equals(HRR_RANDOM);
  const sidLength = body[34]!;
  let at = 35 + sidLength;
  if (body.length < at + 3) throw new Malformed('ServerHello too short for its session id');
  const cipher = body.readUInt16BE(at);
  const compression = body[at + 2]!;
  at += 3;
  const hello: ServerHello = { version: legacyVersion, helloRetry, cipher, compression, group: null, alpn: null, extensions: [] };
  if (body.length < at + 2) return hello;
  const end = at + 2 + body.readUInt16BE(at);
  if (end > body.length) throw new Malformed('extensions run past the ServerHello');
  at += 2;
  while (at + 4 <= end) {
    const type = body.readUInt16BE(at);
    const length = body.readUInt16BE(at + 2);
    const data = body.subarray(at + 4, at + 4 + length);
    if (at + 4 + length > end) throw new Malformed(`extension ${type} runs past the extensions`);
    at += 4 + length;
    hello.extensions.push(type);
    if (type === 43 && data.length >= 2) hello.version = data.readUInt16BE(0);
    else if (type === 51 && data.length >= 2) hello.group = data.readUInt16BE(0);
    else if (type === 16 && data.length >= 3) hello.alpn = data.subarray(3, 3 + data[2]!).toString('latin1');
  }
  return hello;
}

function certificateList(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  if (body.length < 3) return out;
  const end = Math.min(body.length, 3 + body.readUIntBE(0, 3));
  let at = 3;
  while (at + 3 <= end) {
    const length = body.readUIntBE(at, 3);
    if (at + 3 + length > end) break;
    out.push(Buffer.from(body.subarray(at + 3, at + 3 + length)));
    at += 3 + length;
  }
  return out;
}
