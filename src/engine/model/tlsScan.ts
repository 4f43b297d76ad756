// The TLS configuration scan (`netdiag cert --scan`, Scan TLS Configuration) as the public JSON
// carries it, in `CertCheck.scan`. Public contract (docs/report.md): fields are added, never
// renamed.
import type { Finding } from './common';
import type { OcspStatus } from './certificate';

export type ProtocolName = 'SSLv2' | 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface ScanProtocol {
  name: ProtocolName;
  supported: boolean;
  /** False when the probe got no answer (timeout, connection error); `supported` is then false too. */
  tested: boolean;
  /** Why it is not supported or not tested, in words. */
  note?: string;
}

export interface ScanCipher {
  protocol: ProtocolName;
  /** IANA / RFC name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), OpenSSL's when there is none. */
  name: string;
  /** OpenSSL's name (ECDHE-RSA-AES128-GCM-SHA256), the IANA name for suites OpenSSL never had. */
  openssl: string;
  /** The suite's id in hex: 0xC02F (SSL 2.0: three bytes, 0x0700C0). */
  id: string;
  /** No forward secrecy, CBC, or under 128-bit: see TLS_WEAK_CIPHERS. */
  weak: boolean;
}

export interface TlsScan {
  protocols: ScanProtocol[];
  /** Per protocol, in the server's order of preference (or the client's when serverOrder is false). */
  ciphers: ScanCipher[];
  /** Per protocol with two or more suites: whether the server imposes its own order. */
  cipherOrder: { protocol: ProtocolName; serverOrder: boolean }[];
  /** ALPN protocols the server accepts, the one it prefers first. */
  alpn: string[];
  /** Key-exchange groups accepted (X25519, P-256…), at the newest protocol. */
  groups: string[];
  /** Groups accepted at TLS 1.3 and at the newest version up to TLS 1.2 (as sslscan lists them). */
  groupsByProtocol: { protocol: ProtocolName; groups: string[] }[];
  resumption: { protocol: ProtocolName; resumed: boolean }[];
  /** The leaf with SNI vs without; null when no SNI applies (IP literal). */
  withoutSni: { handshake: boolean; sameCertificate: boolean | null; subject?: string } | null;
  ocsp: { stapled: boolean; mustStaple: boolean; status?: OcspStatus | null };
  grade: { grade: 'A+' | 'A' | 'B' | 'C' | 'F'; reasons: string[] };
  findings: Finding[];
  /** Connections made: hand-written hellos plus full handshakes. */
  handshakes: number;
  /** Of those, full handshakes through Node's OpenSSL. */
  fullHandshakes: number;
  /** Why parts of the result may be missing (a timeout, the time budget, an odd answer); empty when complete. */
  incomplete: string[];
  durationMs: number;
}
