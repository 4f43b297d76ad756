// One certificate as every view shows it, with the problems the engine found in it, and the
// verification of a chain. Shared by the Report (`tls`) and the certificate check (`CertCheck`).
// Public contract (docs/report.md): fields are added, never renamed.
import type { Severity } from './common';

export interface PublicKeyInfo {
  /** rsa, ec, ed25519, ed448, dsa, rsa-pss… (Node's asymmetricKeyType). */
  type: string;
  bits?: number;
  curve?: string;
}

/** A problem of one certificate: one of the error or warning findings about it, in brief. */
export interface CertificateProblem {
  /** The finding's code: CERT_EXPIRED, CERT_WEAK_KEY… */
  code: string;
  severity: Severity;
  /** A few plain words: "expired 3 days ago", "weak key (RSA 1024)". */
  text: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter, negative once expired (at report time). */
  daysLeft: number;
  serialNumber: string;
  fingerprint256: string;
  fingerprint1: string;
  publicKey: PublicKeyInfo;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA384, ED25519. */
  signatureAlgorithm: string;
  isCA: boolean;
  pathLength?: number;
  selfSigned: boolean;
  keyUsage: string[];
  extendedKeyUsage: string[];
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  pem: string;
  /** A CA's name constraints (RFC 5280 §4.2.1.10); absent without the extension. */
  nameConstraints?: { permitted: string[]; excluded: string[] };
  /** Certificate policy OIDs, named where the CA/Browser Forum reserves them; absent when none. */
  policies?: string[];
  /** Embedded signed certificate timestamps (Certificate Transparency, RFC 6962); absent when none. */
  scts?: { logId: string; timestamp: string }[];
  /** True when the certificate demands OCSP stapling (TLS Feature status_request, RFC 7633). */
  mustStaple?: boolean;
  /** What the chain's checks found wrong with this certificate, errors first; empty when nothing. */
  problems: CertificateProblem[];
}

/** A trust store: Node's bundled roots, the OS store, or the user's extra CA files. */
export type TrustStoreName = 'node' | 'os' | 'extra';

export interface TlsVerification {
  /** Trusted by at least one store and the name matches. */
  trusted: boolean;
  /** The first store that anchors the chain: node (bundled roots), os, extra (user CA files). */
  store: TrustStoreName | null;
  hostnameMatches: boolean;
  /** Problems found from the chain itself, as finding codes (CERT_EXPIRED…). */
  errors: string[];
}

export type OcspStatus = 'good' | 'revoked' | 'unknown';
