// Verdicts about a certificate chain that the path building in verify.ts does not give: what the
// leaf itself says (names, key size, lifetime, key usage, CA flag), the order the server sent the
// chain in, and which trust store anchors it. Each problem is a finding that states the facts.
import type { X509Certificate } from 'node:crypto';
import { finding } from '../findings';
import type { TlsVerification } from '../model/certificate';
import type { Finding } from '../model/common';
import { fieldsOf, isSelfSigned, oneLineName, publicKeyInfo, publicKeyOf, shortName } from './certificate';
import { aboutCertificate } from './certProblems';
import { commonName } from './distinguishedName';

const DAY_MS = 86_400_000;
/** CA/Browser Forum BR §6.3.2: at most 398 days for certificates issued on or after 2020-09-01. */
const MAX_VALIDITY_DAYS = 398;
const BR_398_FROM = Date.UTC(2020, 8, 1);
const MANY_NAMES = 100;
const LARGE_RSA_BITS = 4096;
/** OpenSSL's default limit on the Certificate message (SSL_CTX_set_max_cert_list: 100 KiB). */
export const MAX_CERT_LIST_BYTES = 100 * 1024;

/** Findings from the leaf alone. */
export function leafFindings(leaf: X509Certificate): Finding[] {
  const out: Finding[] = [];
  const subject = oneLineName(leaf.subject);
  const add = (code: Parameters<typeof finding>[0], message: string): void => void out.push(aboutCertificate(finding(code, message, subject || undefined), leaf));
  const fields = fieldsOf(leaf);
  const names = fields.subjectAltNames.filter((n) => n.startsWith('DNS:') || n.startsWith('IP Address:'));
  // Node 20 gives undefined for an empty subject, despite its types.
  const subjectText = (leaf.subject as string | undefined) ?? '';
  if (subjectText.trim() === '') add('CERT_NO_SUBJECT', 'The server certificate has an empty subject; only its subjectAltName names it.');
  else if (commonName(subjectText) === null) add('CERT_NO_COMMON_NAME', `The server certificate's subject "${subject}" has no common name (CN).`);
  if (names.length === 0) {
    add('CERT_NO_SAN', `The server certificate "${shortName(leaf.subject) || '(no subject)'}" has no DNS or IP subjectAltName; browsers and most clients other than Node and curl refuse it.`);
  } else if (names.length > MANY_NAMES) {
    add('CERT_MANY_NAMES', `The server certificate names ${names.length} hosts (${leaf.raw.length} bytes).`);
  }
  if (leaf.raw.length > MAX_CERT_LIST_BYTES) add('CERT_TOO_LARGE', `The server certificate alone is ${Math.round(leaf.raw.length / 1024)} KiB; OpenSSL clients accept at most 100 KiB.`);
  const key = publicKeyInfo(leaf);
  if ((key.type === 'rsa' || key.type === 'rsa-pss') && key.bits !== undefined && key.bits > LARGE_RSA_BITS) {
    add('CERT_KEY_LARGE', `The server certificate has a ${key.bits}-bit RSA key; each handshake costs the server far more than with RSA 2048 or EC P-256.`);
  }
  const from = Date.parse(leaf.validFrom);
  const lifetime = Math.round((Date.parse(leaf.validTo) - from) / DAY_MS);
  if (lifetime > MAX_VALIDITY_DAYS && from >= BR_398_FROM && !isSelfSigned(leaf)) {
    add('CERT_VALIDITY_TOO_LONG', `The server certificate is valid for ${lifetime} days (${leaf.validFrom} to ${leaf.validTo}); browsers accept at most ${MAX_VALIDITY_DAYS}.`);
  }
  const eku = fields.extendedKeyUsage;
  if (eku.length > 0 && !eku.includes('serverAuth') && !eku.includes('anyExtendedKeyUsage')) {
    add('CERT_NO_SERVER_AUTH', `The server certificate's extended key usage is ${eku.join(', ')}: it does not allow serverAuth.`);
  }
  if (fields.basicConstraints?.cA === true) add('CERT_LEAF_IS_CA', 'The server certificate has basicConstraints CA:TRUE.');
  return out;
}

/**
 * Findings from the order of what the server sent (the raw Certificate message, leaf first):
 * each certificate must be followed by its issuer (RFC 5246 §7.4.2; RFC 8446 §4.4.2 relaxes this
 * for TLS 1.3 but strict clients still fail), and a self-signed root is useless weight — when a
 * store anchors the chain: a root no store holds is CERT_UNTRUSTED_ROOT, and leaving it out of
 * the chain would not help.
 */
export function sentOrderFindings(sent: readonly X509Certificate[], verification: TlsVerification): Finding[] {
  const out: Finding[] = [];
  const leaf = sent[0];
  if (!leaf) return out;
  const total = sent.reduce((n, c) => n + c.raw.length, 0);
  if (total > MAX_CERT_LIST_BYTES && leaf.raw.length <= MAX_CERT_LIST_BYTES) {
    out.push(finding('CERT_TOO_LARGE', `The chain the server sends is ${Math.round(total / 1024)} KiB; OpenSSL clients accept at most 100 KiB.`));
  }
  const roots = verification.store === null ? [] : sent.slice(1).filter((c) => isSelfSigned(c));
  for (const root of roots) out.push(aboutCertificate(finding('CERT_CHAIN_HAS_ROOT', `The server sends the root "${shortName(root.subject)}" too.`, oneLineName(root.subject)), root));
  const problems: string[] = [];
  for (let i = 0; i + 1 < sent.length; i++) {
    const cert = sent[i]!;
    const next = sent[i + 1]!;
    if (issuedBy(cert, next)) continue;
    const later = sent.slice(i + 2).findIndex((c) => issuedBy(cert, c));
    if (later >= 0) problems.push(`certificate ${i + 2} ("${shortName(next.subject)}") does not issue certificate ${i + 1} ("${shortName(cert.subject)}"); its issuer comes later, at position ${i + 3 + later}`);
    else if (!isSelfSigned(cert)) problems.push(`certificate ${i + 2} ("${shortName(next.subject)}") is not the issuer of certificate ${i + 1} ("${shortName(cert.subject)}")`);
  }
  const used = new Set<number>([0]);
  let current = leaf;
  for (;;) {
    const next = sent.findIndex((c, i) => !used.has(i) && issuedBy(current, c));
    if (next < 0) break;
    used.add(next);
    current = sent[next]!;
  }
  const unrelated = sent.filter((_, i) => !used.has(i));
  if (unrelated.length > 0) problems.push(`${unrelated.map((c) => `"${shortName(c.subject)}"`).join(', ')} ${unrelated.length === 1 ? 'is' : 'are'} not on the path of the leaf`);
  if (problems.length > 0) out.push(finding('CERT_CHAIN_MISORDERED', `The chain is not sent as leaf, then each issuer: ${problems.join('; ')}.`));
  return out;
}

/** The warning that a machine-only CA anchors the chain: Node's own roots do not hold it. */
export function storeFindings(verification: TlsVerification): Finding[] {
  if (verification.store === null || verification.store === 'node') return [];
  const where = verification.store === 'os' ? "the OS store" : 'an extra CA file (--ca, netdiag.tls.extraCaFiles)';
  return [finding('CERT_NOT_IN_NODE_ROOTS', `The chain is anchored by ${where}, not by Node's bundled roots: a Node program or VS Code extension without NODE_EXTRA_CA_CERTS fails with "unable to get local issuer certificate" or "self signed certificate in certificate chain".`)];
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (cert.issuer !== issuer.subject) return false;
  const key = publicKeyOf(issuer);
  try {
    return key !== null && cert.verify(key);
  } catch {
    return false;
  }
}
