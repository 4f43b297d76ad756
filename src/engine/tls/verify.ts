// Explains a certificate chain from the chain itself: builds the path from the leaf through what
// the server sent and the trust stores, names the store that anchors it, and turns each problem
// into a finding that states the facts (subjects, dates, days, names). Node's own verdict
// (`authorized`, `authorizationError`) is kept beside this, never parsed: it can be as vague as
// 'UNSPECIFIED'.
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { finding } from '../findings';
import type { FindingCode } from '../findings';
import type { TlsVerification } from '../model/certificate';
import type { Finding } from '../model/common';
import type { TrustStores } from '../options';
import { fieldsOf, isSelfSigned, oneLineName, publicKeyInfo, shortName } from './certificate';
import { displayName, isWeakSignatureAlgorithm } from './certificateFields';
import { aboutCertificate } from './certProblems';
import { leafFindings } from './chainChecks';
import { commonName } from './distinguishedName';
import { issued, storeEntryHolding, storeIndex, storeIssuerOf, type StoreIndex, type StoreName } from './storeIndex';

const DAY_MS = 86_400_000;
const MIN_RSA_BITS = 2048;

interface PathEntry {
  cert: X509Certificate;
  selfSigned: boolean;
}

type PathEnd =
  | { kind: 'anchored'; store: StoreName }
  | { kind: 'self-signed' }
  | { kind: 'missing-issuer'; of: X509Certificate }
  /** `of` was issued by `issuer`, already on the path: the certificates sent go round in a circle. */
  | { kind: 'loop'; of: X509Certificate; issuer: X509Certificate };

/**
 * `chain` is what the server sent, leaf first; `now` is wall-clock milliseconds. Every
 * certificate on the path is checked, the anchoring root too. Issuers come from the stores first
 * (as OpenSSL's default trusted-first path building does), then from what the server sent.
 */
export function verifyChain(
  chain: X509Certificate[],
  host: string,
  stores: TrustStores,
  now: number,
  opts: { expiryWarningDays: number },
): { verification: TlsVerification; findings: Finding[] } {
  const leaf = chain[0];
  if (!leaf) return { verification: { trusted: false, store: null, hostnameMatches: false, errors: [] }, findings: [] };
  const { path, end } = buildPath(leaf, chain.slice(1), storeIndex(stores));
  const findings: Finding[] = [];
  const add = (code: FindingCode, message: string, cert?: X509Certificate): void => {
    findings.push(cert ? aboutCertificate(finding(code, message, oneLineName(cert.subject)), cert) : finding(code, message));
  };

  path.forEach((entry, i) => {
    const { cert } = entry;
    const what = `The ${roleOf(entry, i)} "${shortName(cert.subject)}"`;
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    if (now > notAfter) {
      add('CERT_EXPIRED', `${what} expired on ${isoDay(notAfter)}, ${days(now - notAfter)} ago.`, cert);
    } else if (now < notBefore) {
      add('CERT_NOT_YET_VALID', `${what} is valid only from ${isoDay(notBefore)}, ${days(notBefore - now)} from now (this machine's clock says ${isoDay(now)}).`, cert);
    } else if (notAfter - now < opts.expiryWarningDays * DAY_MS) {
      add('CERT_EXPIRES_SOON', `${what} expires on ${isoDay(notAfter)}, in ${days(notAfter - now)}.`, cert);
    }
    const key = publicKeyInfo(cert);
    if ((key.type === 'rsa' || key.type === 'rsa-pss' || key.type === 'dsa') && key.bits !== undefined && key.bits < MIN_RSA_BITS) {
      add('CERT_WEAK_KEY', `${what} has a ${key.bits}-bit ${key.type.toUpperCase()} key (at least ${MIN_RSA_BITS} bits are required).`, cert);
    }
    // A trust anchor's own signature is never checked by clients, so a SHA-1 root in a store is fine.
    const isAnchorRoot = entry.selfSigned && end.kind === 'anchored' && i === path.length - 1;
    const sigAlg = fieldsOf(cert).signatureAlgorithm;
    if (!isAnchorRoot && isWeakSignatureAlgorithm(sigAlg)) {
      add('CERT_WEAK_SIGNATURE', `${what} is signed with ${sigAlg}.`, cert);
    }
  });

  const hostnameMatches = matchesHost(leaf, host);
  if (!hostnameMatches) add('CERT_HOSTNAME_MISMATCH', `The certificate covers ${coveredNames(leaf)}, but not ${host}.`, leaf);
  findings.push(...leafFindings(leaf));

  const last = path[path.length - 1] ?? { cert: leaf, selfSigned: false };
  if (end.kind === 'self-signed' && path.length === 1) {
    add('CERT_SELF_SIGNED', `The server sent a self-signed certificate ("${shortName(leaf.subject)}", issued by itself) that no trust store holds.`, leaf);
  } else if (end.kind === 'self-signed') {
    add('CERT_UNTRUSTED_ROOT', `The chain is complete but ends at the root "${oneLineName(last.cert.subject)}", which is in none of the trust stores (Node's bundled roots, the OS store, extra CA files).`, last.cert);
  } else if (end.kind === 'missing-issuer') {
    const aia = fieldsOf(end.of).caIssuerUrls[0];
    const where = aia ? ` Its certificate is published at ${aia} (Authority Information Access of "${shortName(end.of.subject)}").` : '';
    add(
      'CERT_INCOMPLETE_CHAIN',
      `The issuer of "${shortName(end.of.subject)}", "${oneLineName(end.of.issuer)}", was not sent by the server and is in no trust store.${where} Sending it helps only if it is an intermediate under a root clients trust; if it is itself a private root, clients must add it to their trust instead.`,
      end.of,
    );
  } else if (end.kind === 'loop') {
    const at = chain.indexOf(end.issuer);
    add(
      'CERT_CHAIN_LOOP',
      `"${shortName(end.of.subject)}" is issued by "${shortName(end.issuer.subject)}", which the server sent too (certificate ${at + 1} of ${chain.length}) and which is itself issued, through the chain, by "${shortName(end.of.subject)}": the chain goes round in a circle and reaches no root and no certificate a trust store holds.`,
      end.of,
    );
  }

  const errors = [...new Set(findings.map((f) => f.code))];
  const store = end.kind === 'anchored' ? end.store : null;
  const trusted = store !== null && !findings.some((f) => f.severity === 'error');
  return { verification: { trusted, store, hostnameMatches, errors }, findings };
}

/** The path verifyChain builds: from the leaf to the anchor, or as far as it reaches. */
export function trustPath(chain: X509Certificate[], stores: TrustStores): X509Certificate[] {
  const leaf = chain[0];
  return leaf ? buildPath(leaf, chain.slice(1), storeIndex(stores)).path.map((e) => e.cert) : [];
}

function buildPath(leaf: X509Certificate, sent: X509Certificate[], stores: StoreIndex): { path: PathEntry[]; end: PathEnd } {
  const path: PathEntry[] = [];
  const pool = [...sent];
  let current = leaf;
  for (;;) {
    const selfSigned = isSelfSigned(current);
    path.push({ cert: current, selfSigned });
    const held = storeEntryHolding(current, stores);
    if (held) return { path, end: { kind: 'anchored', store: held.store } };
    if (selfSigned) return { path, end: { kind: 'self-signed' } };
    const fromStore = storeIssuerOf(current, stores);
    if (fromStore) {
      path.push({ cert: fromStore.cert, selfSigned: isSelfSigned(fromStore.cert) });
      return { path, end: { kind: 'anchored', store: fromStore.store } };
    }
    // Each sent certificate is used at most once, so a loop in what the server sent ends here:
    // an issuer already on the path was sent (it is no missing issuer), the chain is a circle.
    const next = pool.findIndex((c) => issued(c, current));
    const [issuer] = next >= 0 ? pool.splice(next, 1) : [];
    if (!issuer) {
      const earlier = path.find((e) => e.cert !== current && issued(e.cert, current));
      return { path, end: earlier ? { kind: 'loop', of: current, issuer: earlier.cert } : { kind: 'missing-issuer', of: current } };
    }
    current = issuer;
  }
}

function roleOf(entry: PathEntry, index: number): string {
  if (index === 0) return 'server certificate';
  return entry.selfSigned ? 'root certificate' : 'intermediate certificate';
}

/** Node's rules (X509Certificate.checkHost/checkIP): wildcards in the left label, CN only without DNS SANs. */
function matchesHost(cert: X509Certificate, host: string): boolean {
  const name = host.replace(/%.*$/, '').replace(/\.$/, '');
  try {
    return isIP(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined;
  } catch {
    return false;
  }
}

function coveredNames(cert: X509Certificate): string {
  const sans = fieldsOf(cert).subjectAltNames.filter((n) => n.startsWith('DNS:') || n.startsWith('IP Address:'));
  if (sans.length > 0) return sans.map(displayName).join(', ');
  // Node 20 gives undefined for an empty subject, despite its types.
  const cn = commonName(cert.subject);
  return cn !== null ? `only the common name ${cn} (it has no subjectAltName)` : 'no names at all (no subjectAltName, no CN)';
}

function isoDay(t: number): string {
  return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}

function days(deltaMs: number): string {
  const n = Math.floor(deltaMs / DAY_MS);
  if (n < 1) return 'less than a day';
  return n === 1 ? '1 day' : `${n} days`;
}
