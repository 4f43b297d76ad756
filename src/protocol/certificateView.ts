// What the certificate views show, as plain data: the rows of one certificate's details and the
// words for stores and roles. Shared by the Certificates tree view (extension host) and the
// certificate viewer webview, so both say the same thing; pure, so it is tested with node --test.
import type { CertCheck } from '../engine/model/certCheck';
import type { CertificateInfo, TlsVerification } from '../engine/model/certificate';

/** The viewer is read-only: its webview posts nothing, and the host accepts nothing from it. */
export type CertificateViewToHost = never;
export const isCertificateViewMessage = (_value: unknown): _value is CertificateViewToHost => false;

/** The viewer webview's state, handed over in `data-state` (plain JSON). */
export interface CertificateViewState {
  /** The file's name, for the heading. */
  title: string;
  check: CertCheck | null;
  /** Why there is no check: the file does not parse, a wrong password… */
  error?: string;
}

export interface DetailRow {
  label: string;
  value: string;
}

const STORE_TEXT: Readonly<Record<NonNullable<TlsVerification['store']>, string>> = {
  node: "Node's bundled roots",
  os: 'the OS store',
  extra: 'an extra CA file',
};

export function storeText(store: TlsVerification['store']): string {
  return store ? STORE_TEXT[store] : 'no trust store';
}

/** Server certificate / intermediate / root, by position and self-signature. */
export function roleOf(index: number, cert: CertificateInfo): string {
  if (index === 0) return cert.isCA ? 'CA certificate' : 'Server certificate';
  return cert.selfSigned ? 'Root' : 'Intermediate';
}

export function keyText(cert: CertificateInfo): string {
  const k = cert.publicKey;
  return [k.type.toUpperCase(), k.curve, k.bits !== undefined ? `${k.bits} bits` : null].filter(Boolean).join(' ');
}

export function validityText(cert: CertificateInfo): string {
  const left = cert.daysLeft < 0 ? `expired ${-cert.daysLeft} day(s) ago` : `${cert.daysLeft} day(s) left`;
  return `${cert.notBefore} → ${cert.notAfter} (${left})`;
}

/** Every detail of a certificate, in the order a person reads them; empty fields are left out. */
export function certificateRows(cert: CertificateInfo): DetailRow[] {
  const rows: DetailRow[] = [
    { label: 'Subject', value: cert.subject || '(empty)' },
    { label: 'Issuer', value: cert.issuer || '(empty)' },
  ];
  const add = (label: string, value: string | undefined | null): void => {
    if (value) rows.push({ label, value });
  };
  add('Problems', cert.problems.map((p) => p.text).join('; '));
  add('Names (SAN)', cert.subjectAltNames.length > 50 ? `${cert.subjectAltNames.slice(0, 50).join(', ')} … (${cert.subjectAltNames.length} in all)` : cert.subjectAltNames.join(', '));
  add('Validity', validityText(cert));
  add('Serial', cert.serialNumber);
  add('SHA-256', cert.fingerprint256);
  add('SHA-1', cert.fingerprint1);
  add('Key', keyText(cert));
  add('Signature', cert.signatureAlgorithm);
  add('Key usage', cert.keyUsage.join(', '));
  add('Extended key usage', cert.extendedKeyUsage.join(', '));
  add('Basic constraints', cert.isCA ? `CA${cert.pathLength !== undefined ? `, path length ${cert.pathLength}` : ''}` : 'not a CA');
  if (cert.nameConstraints) {
    add('Permitted names', cert.nameConstraints.permitted.join(', ') || 'none');
    add('Excluded names', cert.nameConstraints.excluded.join(', ') || 'none');
  }
  add('Policies', cert.policies?.join(', '));
  add('OCSP', cert.ocspUrls.join(', '));
  add('CA issuers', cert.caIssuerUrls.join(', '));
  add('CRL', cert.crlUrls.join(', '));
  add('SCTs', cert.scts?.map((s) => `${s.logId.slice(0, 12)}… at ${s.timestamp}`).join(', '));
  if (cert.mustStaple) add('Must-staple', 'yes (RFC 7633)');
  add('Self-signed', cert.selfSigned ? 'yes' : '');
  return rows;
}

/** The short verdict for a tree item's description: ✓/✗ and the first words. */
export function shortVerdict(check: CertCheck): string {
  const errors = check.findings.filter((f) => f.severity === 'error').length;
  const warnings = check.findings.filter((f) => f.severity === 'warning').length;
  if (errors > 0) return `${errors} error(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}`;
  if (check.chain.length === 0) return 'no certificate';
  const trust = check.verification.store ? `trusted by ${storeText(check.verification.store)}` : 'not anchored';
  return warnings > 0 ? `${trust}, ${warnings} warning(s)` : trust;
}
