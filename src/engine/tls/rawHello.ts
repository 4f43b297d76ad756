// A TLS 1.2 ClientHello written by hand, to read what Node hides: the Certificate message exactly
// as the server sent it (order, extra certificates, the root) and whether the server sends a
// CertificateRequest (mutual TLS). Up to TLS 1.2 the server's first flight is clear text
// (RFC 5246 §7.3); with TLS 1.3 it is encrypted, so a TLS 1.3-only server yields an error here and
// callers fall back to Node's view. Nothing is sent after the server's hello flight.
import type { ErrorInfo } from '../model/common';
import { offerList } from './cipherSuites';
import { TLS12, clientHello } from './helloCodec';
import { sendHello } from './helloProbe';

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
  /** An IP literal or a name (Node's resolver then picks the address). */
  host: string;
  port: number;
  servername: string | null;
  timeoutMs: number;
  signal?: AbortSignal;
}

const VERSIONS: Readonly<Record<number, string>> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };

export function protocolName(version: number): string {
  return VERSIONS[version] ?? `0x${version.toString(16).padStart(4, '0')}`;
}

/** The hello flight, or `{error}`; never throws. A server that answers with an alert gives an error. */
export async function readServerFlight(opts: RawHelloOptions): Promise<ServerFlight | { error: ErrorInfo }> {
  const hello = clientHello({ version: TLS12, suites: offerList(false), servername: opts.servername, statusRequest: true });
  const reply = await sendHello({ host: opts.host, port: opts.port, timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) }, hello, 'flight');
  if (reply.kind === 'refused' || reply.kind === 'failed') return { error: { code: reply.code, message: reply.message } };
  if (reply.kind !== 'tls') return { error: { code: 'TLS_NOT_TLS', message: 'The server answered the TLS 1.2 hello in SSL 2.0' } };
  return { protocol: protocolName(reply.hello.version), certificates: reply.certificates, certificateRequested: reply.certificateRequested, ocspStapled: reply.ocsp !== null };
}
