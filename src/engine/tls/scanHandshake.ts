// The few full handshakes a TLS scan still needs, through Node's OpenSSL: session resumption
// (a ticket or session id is only issued after a finished handshake), and, for a server that
// speaks only TLS 1.3, what its encrypted flight holds (certificate, OCSP staple, ALPN). One
// secure context per protocol version is built once per scan and shared by every handshake.
import type { X509Certificate } from 'node:crypto';
import { X509Certificate as X509 } from 'node:crypto';
import tls from 'node:tls';
import { deadline, errorInfo, reasonOf } from '../abort';
import type { ErrorInfo } from '../model/common';
import type { ClientCertificate } from './scan';

export type TlsVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface HandshakeRequest {
  protocol: TlsVersionName;
  /** SNI; null sends none. */
  servername: string | null;
  alpn?: string[];
  session?: Buffer;
  /** Wait for a session ticket after the handshake (TLS 1.3 sends it afterwards, RFC 8446 §4.6.1). */
  wantSession?: boolean;
  requestOcsp?: boolean;
}

export type HandshakeResult =
  | { ok: true; alpn: string | null; leaf: X509Certificate | null; session: Buffer | null; reused: boolean; ocsp: Buffer | null }
  | { ok: false; error: ErrorInfo };

export interface Handshaker {
  (request: HandshakeRequest): Promise<HandshakeResult>;
}

/** How long to wait for a TLS 1.3 session ticket after the handshake. */
const TICKET_WAIT_MS = 500;
const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';

/** Handshakes to `host` (an IP) and `port`, sharing one secure context per protocol version. */
export function handshaker(target: { host: string; port: number; timeoutMs: number; signal?: AbortSignal; clientCertificate?: ClientCertificate }): Handshaker {
  const contexts = new Map<TlsVersionName, tls.SecureContext>();
  const contextFor = (protocol: TlsVersionName): tls.SecureContext => {
    let context = contexts.get(protocol);
    if (!context) {
      // Security level 0 lets this OpenSSL offer what old servers still accept; `ca: []` skips loading roots the scan never verifies against.
      context = tls.createSecureContext({ minVersion: protocol, maxVersion: protocol, ciphers: protocol === 'TLSv1.3' ? TLS13_SUITES : 'ALL:@SECLEVEL=0', ca: [], ...target.clientCertificate });
      contexts.set(protocol, context);
    }
    return context;
  };
  return (request) => handshake(target, contextFor(request.protocol), request);
}

function handshake(target: { host: string; port: number; timeoutMs: number; signal?: AbortSignal }, secureContext: tls.SecureContext, p: HandshakeRequest): Promise<HandshakeResult> {
  const limit = deadline(target.signal, target.timeoutMs, `${p.protocol} handshake`);
  return new Promise<HandshakeResult>((resolve) => {
    let ocsp: Buffer | null = null;
    let session: Buffer | null = null;
    let settled = false;
    let socket: tls.TLSSocket | undefined;
    const finish = (r: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      limit.dispose();
      limit.signal.removeEventListener('abort', onAbort);
      socket?.destroy();
      resolve(r);
    };
    const fail = (err: unknown): void => finish({ ok: false, error: errorInfo(err) });
    const onAbort = (): void => fail(reasonOf(limit.signal));
    if (limit.signal.aborted) return fail(reasonOf(limit.signal));
    limit.signal.addEventListener('abort', onAbort, { once: true });
    const done = (s: tls.TLSSocket): void => {
      if (settled) return;
      let leaf: X509Certificate | null = null;
      try {
        const raw = s.getPeerCertificate().raw;
        if (raw) leaf = new X509(raw);
      } catch {
        leaf = null;
      }
      finish({ ok: true, alpn: s.alpnProtocol || null, leaf, session, reused: s.isSessionReused(), ocsp });
    };
    try {
      // tls.connect passes requestOCSP on to the TLSSocket; @types/node lists it only there.
      const options: tls.ConnectionOptions & { requestOCSP?: boolean } = {
        host: target.host,
        port: target.port,
        secureContext,
        rejectUnauthorized: false,
        requestOCSP: p.requestOcsp === true,
        checkServerIdentity: () => undefined,
        // Without servername Node would send the host as SNI; an empty string sends none.
        servername: p.servername ?? '',
      };
      if (p.alpn) options.ALPNProtocols = p.alpn;
      if (p.session) options.session = p.session;
      const s = tls.connect(options);
      socket = s;
      s.on('error', fail);
      // Node emits null when the server staples nothing, despite the Buffer in its types.
      s.on('OCSPResponse', (response: Buffer | null) => {
        if (response && response.length > 0) ocsp = response;
      });
      s.on('session', (data: Buffer) => {
        session = data;
        if (p.wantSession && s.listenerCount('secureConnect') === 0) done(s);
      });
      s.once('secureConnect', () => {
        if (p.wantSession && session === null) {
          setTimeout(() => done(s), Math.min(TICKET_WAIT_MS, target.timeoutMs)).unref();
          return;
        }
        done(s);
      });
      s.once('close', () => fail(Object.assign(new Error('The server closed the connection during the handshake'), { code: 'ECONNRESET' })));
    } catch (err) {
      fail(err);
    }
  });
}
