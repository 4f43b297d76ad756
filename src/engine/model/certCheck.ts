// One certificate check (`netdiag cert --json`, the Certificates view, the certificate viewer):
// the chain of an endpoint or a file, its verification and findings, and what was asked for on
// top (revocation, a missing intermediate, a TLS scan). Public contract (docs/report.md): fields
// are added, never renamed.
import type { CertificateInfo, OcspStatus, TlsVerification, TrustStoreName } from './certificate';
import type { ErrorInfo, Finding } from './common';
import type { TlsScan } from './tlsScan';

export type CertFileFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs12';

export interface PrivateKeyNote {
  /** Where it is: "PEM block 2 (EC PRIVATE KEY)", "PKCS#12 key bag". */
  where: string;
  /** rsa 2048, ec P-256, ed25519…, or "encrypted" when it could not be read without a password. */
  description: string;
  /** True when it is the private key of the first certificate; null when unknown (encrypted). */
  matchesLeaf: boolean | null;
}

export interface OcspResult {
  /** The responder asked; null for a stapled response. */
  responder: string | null;
  /** Null when no usable answer came. */
  status: OcspStatus | null;
  revokedAt?: string;
  revocationReason?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  /** True when the response is signed by the issuer or by a responder the issuer delegated to. */
  signatureValid: boolean;
  durationMs: number;
  error?: ErrorInfo;
}

export interface CertCheckSource {
  kind: 'endpoint' | 'file';
  /** host:port for an endpoint, the file name for a file. */
  label: string;
  host?: string;
  port?: number;
  servername?: string | null;
  format?: CertFileFormat;
}

export interface CertCheck {
  source: CertCheckSource;
  /** As the server sent it (or as the file holds it), leaf first. */
  chain: CertificateInfo[];
  /** From the leaf to the trust anchor (or as far as it reaches), with the anchoring store. */
  path: { subject: string; fingerprint256: string; store: TrustStoreName | null }[];
  verification: TlsVerification;
  findings: Finding[];
  /** A one-line verdict in plain words. */
  verdict: string;
  /** How the check went: `fail` with an error finding, `warn` with a warning, else `ok`. */
  status: 'ok' | 'warn' | 'fail';
  /** For endpoints: what the handshake negotiated. */
  tls?: { protocol: string | null; cipher: string | null; alpn: string | null; keyExchange: string | null };
  /** True when the chain order is the server's own (TLS ≤ 1.2 Certificate message), false when only Node's view was available. */
  sentOrderKnown?: boolean;
  clientCertificate?: { requested: boolean | null; sent: boolean };
  privateKeys?: PrivateKeyNote[];
  revocation?: OcspResult;
  /** The intermediate fetched from the AIA caIssuers URL, when asked for and needed. */
  fetchedIssuer?: { url: string; certificate?: CertificateInfo; error?: ErrorInfo };
  scan?: TlsScan;
  error?: ErrorInfo;
  checkedAt: string;
}
