// The TLS handshake on a connected TCP socket: what was negotiated, the chain the server sent,
// Node's verdict and our explanation of it. On success the TLSSocket stays open for HTTP.
//
// The probe reports rather than protects: it accepts TLS 1.0 and 1.1 and OpenSSL security level 0
// so that an old server yields TLS_PROTOCOL_DEPRECATED / CERT_WEAK_KEY instead of a bare
// handshake failure, and it never rejects a certificate (rejectUnauthorized: false) so the chain
// can be explained. Node's `authorized` verdict is therefore taken at security level 0 too.
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { deadline, errorInfo, ms, reasonOf } from '../abort';
import { finding } from '../findings';
import type { ErrorInfo, Finding } from '../model/common';
import type { TlsResult } from '../model/report';
import type { TrustStores } from '../options';
import { describeCertificate } from './certificate';
import { withProblems } from './certProblems';
import { secureContextFor } from './secureContext';
import { storeHolding } from './storeIndex';
import { verifyChain } from './verify';

export interface TlsHandshakeOptions {
  /** SNI; null or an IP literal sends none (RFC 6066 §3 allows host names only). */
  servername: string | null;
  /** ALPN protocols in preference order (e.g. ['h2', 'http/1.1']); empty sends no ALPN. */
  alpn: string[];
  trust: TrustStores;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Monotonic milliseconds, for durationMs. */
  now: () => number;
  expiryWarningDays: number;
  /** The name the certificate must cover: the target host (IP literals are checked as IPs). */
  host: string;
  /** Wall-clock milliseconds for certificate dates; Date.now by default. */
  wallClock?: () => number;
  /** Sent when the server asks for one (mutual TLS): a PEM pair or PKCS#12 with its passphrase. */
  clientCertificate?: { cert: string; key: string; passphrase?: string } | { pfx: Buffer; passphrase?: string };
}

export interface TlsHandshakeOutcome {
  /** The open TLS socket on success, for HTTP to reuse; null after a failure (then destroyed). */
  socket: TLSSocket | null;
  /** When the ClientHello was written, on `now`'s clock: where durationMs starts. */
  startedAt: number;
  /** The handshake's reading (below). */
  durationMs: number;
  /** The protocol ALPN chose: null without one, and after a failure. */
  alpn: string | null;
  /**
   * What was negotiated, the chain the server sent, its verification and their findings. On
   * success this is built on the first call, from what was read off the socket when the handshake
   * ended (so it stays right once the socket has closed): parsing and verifying the chain takes a
   * few milliseconds, which the caller may spend after sending its request rather than before.
   */
  describe(): { result: TlsResult; findings: Finding[] };
}

/** What the socket says of the session, read when the handshake ends. */
interface Negotiated {
  protocol: string | null;
  cipher: string;
  keyExchange: string | null;
  alpn: string | null;
  authorized: boolean;
  authorizationError?: string;
}

const DEPRECATED_PROTOCOLS = new Set(['SSLv3', 'TLSv1', 'TLSv1.1']);

/** OpenSSL's short curve names → the names TLS uses (RFC 8446 §4.2.7). */
const GROUPS: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Never throws: every failure becomes `result.error` and a finding.
 *
 * `durationMs` is the handshake on the wire, as close as Node lets JavaScript see it: from the
 * moment `tls.connect` returns, when OpenSSL has written the ClientHello to the connected socket
 * (`_start()` runs synchronously inside it), to the native handshake-done callback, which
 * Node's TLSSocket announces with its internal 'secure' event before its own JavaScript checks
 * the server's identity and builds the peer certificate objects and then emits 'secureConnect'.
 * The socket's construction is set-up, not network; where a Node version emits no 'secure', the
 * reading ends at 'secureConnect'.
 */
export async function tlsHandshake(socket: Socket, opts: TlsHandshakeOptions): Promise<TlsHandshakeOutcome> {
  let started = opts.now();
  let done: number | null = null;
  let peer: tls.DetailedPeerCertificate | undefined;
  const sni = opts.servername !== null && opts.servername !== '' && isIP(opts.servername) === 0 ? opts.servername : null;
  const failed = (error: ErrorInfo, findings: Finding[]): TlsHandshakeOutcome => {
    const durationMs = ms(opts.now() - started);
    const result = emptyResult(sni, durationMs, error);
    return { socket: null, startedAt: started, durationMs, alpn: null, describe: () => ({ result, findings }) };
  };

  const limit = deadline(opts.signal, opts.timeoutMs, 'TLS handshake');
  let tlsSocket: TLSSocket | undefined;
  try {
    if (limit.signal.aborted) throw reasonOf(limit.signal);
    const connectOptions: tls.ConnectionOptions = {
      socket,
      secureContext: secureContextFor(opts.trust, opts.clientCertificate),
      rejectUnauthorized: false,
      // Node checks the name against `servername || host`; check the target host explicitly so
      // an IP literal (no SNI) is matched as an IP rather than as "localhost".
      checkServerIdentity: (_name, cert) => {
        // Node passes the detailed chain (getPeerCertificate(true), lib/_tls_wrap.js
        // onConnectSecure): kept, so describing the chain does not build it a second time.
        if ('issuerCertificate' in cert) peer = cert as tls.DetailedPeerCertificate;
        return tls.checkServerIdentity(opts.host.replace(/%.*$/, ''), cert);
      },
    };
    if (sni !== null) connectOptions.servername = sni;
    if (opts.alpn.length > 0) connectOptions.ALPNProtocols = opts.alpn;
    const s = tls.connect(connectOptions);
    started = opts.now();
    // Prepended: Node's own 'secure' listener (onConnectSecure) checks the identity first.
    s.prependOnceListener('secure', () => (done = opts.now()));
    tlsSocket = s;
    // Errors are read through the once-listeners below. This one stays for the socket's life: an
    // error after a timeout or after the handshake (before HTTP attaches its own listener) must not
    // crash the process; HTTP still sees it as `socket.destroyed` / `socket.errored`.
    s.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        cleanup();
        reject(reasonOf(limit.signal));
      };
      const onClose = (): void => {
        cleanup();
        reject(Object.assign(new Error('The server closed the connection during the TLS handshake'), { code: 'ECONNRESET' }));
      };
      const cleanup = (): void => {
        limit.signal.removeEventListener('abort', onAbort);
        s.off('secureConnect', onSecure);
        s.off('error', onError);
        s.off('close', onClose);
      };
      const onSecure = (): void => {
        cleanup();
        resolve();
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      limit.signal.addEventListener('abort', onAbort, { once: true });
      s.once('secureConnect', onSecure);
      s.once('error', onError);
      s.once('close', onClose);
    });
  } catch (err) {
    tlsSocket?.destroy();
    socket.destroy();
    const error = errorInfo(err);
    if (error.code === 'CANCELLED') return failed(error, []);
    if (error.code === 'ETIMEDOUT') {
      return failed(error, [finding('TLS_HANDSHAKE_TIMEOUT', `The connection was accepted, but the server did not complete the TLS handshake within ${opts.timeoutMs} ms.`)]);
    }
    return failed(error, [finding('TLS_HANDSHAKE_FAILED', explainFailure(error))]);
  } finally {
    limit.dispose();
  }

  const durationMs = ms((done ?? opts.now()) - started);
  const negotiated = negotiatedOn(tlsSocket);
  const detailed = peer ?? tlsSocket.getPeerCertificate(true);
  let described: ReturnType<TlsHandshakeOutcome['describe']> | undefined;
  return { socket: tlsSocket, startedAt: started, durationMs, alpn: negotiated.alpn, describe: () => (described ??= describeSession(negotiated, detailed, sni, durationMs, opts)) };
}

function negotiatedOn(s: TLSSocket): Negotiated {
  const cipher = s.getCipher();
  const negotiated: Negotiated = { protocol: s.getProtocol(), cipher: cipher.standardName || cipher.name, keyExchange: keyExchangeOf(s), alpn: s.alpnProtocol || null, authorized: s.authorized };
  if (!s.authorized && s.authorizationError !== undefined) negotiated.authorizationError = String(s.authorizationError);
  return negotiated;
}

function describeSession(negotiated: Negotiated, peer: tls.DetailedPeerCertificate, sni: string | null, durationMs: number, opts: TlsHandshakeOptions): { result: TlsResult; findings: Finding[] } {
  const wallNow = (opts.wallClock ?? Date.now)();
  const chain = sentChain(peer, opts.trust);
  const { verification, findings } = verifyChain(chain, opts.host, opts.trust, wallNow, { expiryWarningDays: opts.expiryWarningDays });
  const { protocol } = negotiated;
  const result: TlsResult = {
    servername: sni,
    protocol,
    cipher: negotiated.cipher,
    keyExchange: negotiated.keyExchange,
    alpn: negotiated.alpn,
    durationMs,
    authorized: negotiated.authorized,
    chain: chain.map((c) => describeCertificate(c, wallNow)),
    verification,
  };
  if (negotiated.authorizationError !== undefined) result.authorizationError = negotiated.authorizationError;
  const all: Finding[] = [];
  if (protocol !== null && DEPRECATED_PROTOCOLS.has(protocol)) {
    all.push(finding('TLS_PROTOCOL_DEPRECATED', `The server negotiated ${protocol} (cipher ${result.cipher}); TLS 1.0 and 1.1 are deprecated by RFC 8996.`));
  }
  all.push(...findings);
  result.chain = withProblems(result.chain, all);
  return { result, findings: all };
}

/**
 * The certificates the server sent, leaf first. Node exposes no raw Certificate message: the
 * detailed peer certificate links each certificate to its issuer (`issuerCertificate`), first
 * among those the server sent (in issuing order, so extra unrelated certificates are dropped),
 * then from the context's trust store (node/src/crypto/crypto_common.cc GetPeerCert). Store
 * certificates therefore form a tail; it is cut at the first certificate a trust store holds.
 * A root the server did send is cut too, which changes nothing in the verification.
 */
function sentChain(detailed: tls.DetailedPeerCertificate, trust: TrustStores): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let peer: tls.DetailedPeerCertificate | undefined = detailed;
  while (peer?.raw && !seen.has(peer.fingerprint256)) {
    seen.add(peer.fingerprint256);
    chain.push(new X509Certificate(peer.raw));
    peer = peer.issuerCertificate;
  }
  let keep = chain.length;
  while (keep > 1) {
    const cert = chain[keep - 1];
    if (!cert || storeHolding(cert, trust) === null) break;
    keep--;
  }
  return chain.slice(0, keep);
}

function keyExchangeOf(s: TLSSocket): string | null {
  const info = s.getEphemeralKeyInfo();
  if (!info || typeof info !== 'object' || !('type' in info)) return null;
  if (info.type === 'DH') return `DH ${info.size}`;
  return info.name ? (GROUPS[info.name] ?? info.name) : null;
}

/** Plain words for OpenSSL's reasons (its codes arrive as ERR_SSL_<REASON>). */
function explainFailure(error: ErrorInfo): string {
  const reason = error.code.replace(/^ERR_SSL_/, '');
  // OpenSSL 3 messages read `<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:`.
  const openssl = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(error.message)?.[1];
  const said = openssl ? `(OpenSSL: ${openssl})` : `(${error.code}: ${error.message.trim()})`;
  if (reason === 'WRONG_VERSION_NUMBER' || reason === 'PACKET_LENGTH_TOO_LONG' || reason === 'UNKNOWN_PROTOCOL' || reason === 'RECORD_LAYER_FAILURE') {
    return `The server answered with something that is not TLS, most often plain HTTP or another clear-text protocol on this port ${said}.`;
  }
  if (reason === 'TLSV1_ALERT_PROTOCOL_VERSION' || reason === 'UNSUPPORTED_PROTOCOL' || reason === 'NO_PROTOCOLS_AVAILABLE') {
    return `The server and this client share no TLS version (this probe offers TLS 1.0 to 1.3) ${said}.`;
  }
  if (reason === 'SSLV3_ALERT_HANDSHAKE_FAILURE' || reason === 'NO_SHARED_CIPHER') {
    return `The server refused the handshake (handshake_failure alert): no cipher or signature algorithm in common, or it wants a name (SNI) or client certificate it did not get ${said}.`;
  }
  if (reason === 'TLSV1_UNRECOGNIZED_NAME') return `The server does not serve the name sent in SNI ${said}.`;
  if (reason === 'TLSV13_ALERT_CERTIFICATE_REQUIRED' || reason === 'SSLV3_ALERT_BAD_CERTIFICATE') {
    return `The server requires a client certificate ${said}.`;
  }
  if (/ALERT/.test(reason)) return `The server aborted the handshake with a TLS alert ${said}.`;
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    return `The server closed the connection during the handshake: it may not speak TLS on this port, or it rejected this client hello (${error.message}).`;
  }
  return `The TLS handshake failed ${said}.`;
}

function emptyResult(servername: string | null, durationMs: number, error: ErrorInfo): TlsResult {
  return {
    servername,
    protocol: null,
    cipher: null,
    keyExchange: null,
    alpn: null,
    durationMs,
    authorized: false,
    chain: [],
    verification: { trusted: false, store: null, hostnameMatches: false, errors: [] },
    error,
  };
}
