// Each certificate's problems, as the views show them beside it: the error and warning findings
// about that certificate (verify.ts and chainChecks.ts tie a finding to the certificate it is
// about), in a few words each. So a certificate is marked by exactly the checks that made the
// findings, and the views never judge a certificate themselves.
import type { X509Certificate } from 'node:crypto';
import { FINDINGS } from '../findings';
import type { FindingCode } from '../findings';
import type { CertificateInfo, CertificateProblem } from '../model/certificate';
import type { Finding } from '../model/common';

/** Marks `finding` as being about `cert` (Finding.certificate). */
export function aboutCertificate(finding: Finding, cert: X509Certificate): Finding {
  finding.certificate = cert.fingerprint256;
  return finding;
}

const days = (n: number): string => (n === 1 ? '1 day' : `${n} days`);

/** The few words for a problem, from the facts of the certificate; the catalogue's title otherwise. */
const WORDS: Partial<Record<FindingCode, (cert: CertificateInfo) => string>> = {
  CERT_EXPIRED: (c) => `expired ${days(Math.max(0, -c.daysLeft))} ago`,
  CERT_NOT_YET_VALID: () => 'not yet valid',
  CERT_EXPIRES_SOON: (c) => `expires in ${days(Math.max(0, c.daysLeft))}`,
  CERT_HOSTNAME_MISMATCH: () => 'does not cover the host name',
  CERT_SELF_SIGNED: () => 'self-signed, not trusted',
  CERT_UNTRUSTED_ROOT: () => 'a root in no trust store',
  CERT_INCOMPLETE_CHAIN: () => 'its issuer was not sent',
  CERT_WEAK_KEY: (c) => `weak key (${[c.publicKey.type.toUpperCase(), c.publicKey.bits].filter((x) => x !== undefined).join(' ')})`,
  CERT_WEAK_SIGNATURE: (c) => `weak signature (${c.signatureAlgorithm})`,
  CERT_NO_SUBJECT: () => 'empty subject',
  CERT_NO_SAN: () => 'no subjectAltName',
  CERT_TOO_LARGE: () => 'larger than 100 KiB',
  CERT_VALIDITY_TOO_LONG: () => 'valid for more than 398 days',
  CERT_NO_SERVER_AUTH: () => 'not for TLS servers (no serverAuth)',
  CERT_LEAF_IS_CA: () => 'a CA certificate used as server certificate',
};

const RANK = { error: 0, warning: 1, info: 2 } as const;

const isFindingCode = (code: string): code is FindingCode => code in FINDINGS;

/** The error and warning findings about `cert`, errors first, each in a few words. */
export function problemsOf(cert: CertificateInfo, findings: readonly Finding[]): CertificateProblem[] {
  const out: CertificateProblem[] = [];
  for (const f of findings) {
    if (f.certificate !== cert.fingerprint256 || f.severity === 'info' || out.some((p) => p.code === f.code)) continue;
    const text = isFindingCode(f.code) ? (WORDS[f.code]?.(cert) ?? FINDINGS[f.code].title) : f.message;
    out.push({ code: f.code, severity: f.severity, text });
  }
  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** The chain with each certificate's problems filled in from `findings`. */
export function withProblems(chain: readonly CertificateInfo[], findings: readonly Finding[]): CertificateInfo[] {
  return chain.map((cert) => ({ ...cert, problems: problemsOf(cert, findings) }));
}
