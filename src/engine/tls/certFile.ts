// Certificate files as a user has them: a PEM bundle (certificates, maybe a key), one DER
// certificate, PKCS#7 (.p7b, DER or PEM) and PKCS#12 (.p12/.pfx, password-protected). Each
// becomes the list of certificates in file order plus a description of any private key, which is
// named (type, size, whether it matches the leaf) and never shown. The password is used for this
// call only; it is neither kept nor put into any message.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { PrivateKeyNote, CertFileFormat } from '../model/certCheck';
import { CertParseError, parseCertificates, publicKeyOf } from './certificate';

export interface CertFile {
  format: CertFileFormat;
  /** In file order. */
  certificates: X509Certificate[];
  privateKeys: PrivateKeyNote[];
}

/** Thrown for a PKCS#12 file that needs a password (none given) or whose password is wrong. */
export class CertPasswordError extends Error {
  readonly code = 'CERT_PASSWORD_REQUIRED';
  constructor(readonly wrong: boolean) {
    super(wrong ? 'The password of the PKCS#12 file is wrong' : 'The PKCS#12 file needs a password');
    this.name = 'CertPasswordError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

/**
 * The largest certificate file that is read: a bundle of every public root is about 200 KiB, a
 * PKCS#12 file a few KiB. Callers check the size before reading (a 400 MB file used 2.2 GB of
 * memory once read and parsed; a 3 GB one cannot even be read into one buffer).
 */
export const MAX_CERT_FILE_BYTES = 10 * 1024 * 1024;

/** Why a file of `size` bytes is not read as a certificate file, or null when it may be. */
export function certFileTooLarge(name: string, size: number): string | null {
  if (size <= MAX_CERT_FILE_BYTES) return null;
  return `${name} is ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes), larger than the ${MAX_CERT_FILE_BYTES / 1024 / 1024} MiB a certificate file can be; it was not read`;
}

/** File names the certificate viewer opens. */
export const CERT_FILE_EXTENSIONS: readonly string[] = ['.pem', '.crt', '.cer', '.der', '.p7b', '.p7c', '.p12', '.pfx'];

/**
 * Reads a certificate file. `password` is only for PKCS#12. Throws CertParseError when nothing
 * can be read, CertPasswordError when a PKCS#12 password is missing or wrong; nothing else.
 */
export function readCertFile(bytes: Buffer, password?: string): CertFile {
  const tooLarge = certFileTooLarge('The file', bytes.length);
  if (tooLarge !== null) throw new CertParseError(tooLarge);
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN ')) {
    const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1] ?? '', der: Buffer.from((m[2] ?? '').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') }));
    const pkcs7 = blocks.filter((b) => b.label === 'PKCS7' || b.label === 'CERTIFICATE CHAIN');
    if (pkcs7.length > 0 && !blocks.some((b) => b.label === 'CERTIFICATE')) {
      return { format: 'pkcs7', certificates: pkcs7.flatMap((b) => pkcs7Certificates(b.der)), privateKeys: [] };
    }
    const certificates = parseCertificates(text);
    const privateKeys: PrivateKeyNote[] = [];
    blocks.forEach((b, i) => {
      if (!/PRIVATE KEY$/.test(b.label)) return;
      privateKeys.push(describeKey(`PEM block ${i + 1} (${b.label})`, () => createPrivateKey({ key: `-----BEGIN ${b.label}-----\n${b.der.toString('base64')}\n-----END ${b.label}-----\n`, format: 'pem' }), certificates[0], b.label.startsWith('ENCRYPTED')));
    });
    return { format: 'pem', certificates, privateKeys };
  }
  if (bytes.length === 0) throw new CertParseError('No certificate found: the file is empty');
  const top = safeAsn1(bytes);
  if (top && looksLikePkcs12(top)) return readPkcs12(bytes, password);
  if (top && oidOf(children(top)[0]) === OID_SIGNED_DATA) return { format: 'pkcs7', certificates: pkcs7Certificates(bytes), privateKeys: [] };
  return { format: 'der', certificates: parseCertificates(bytes), privateKeys: [] };
}

/** True for a DER PKCS#12 PFX: SEQUENCE { INTEGER 3, ContentInfo, … } (RFC 7292 §4). */
export function isPkcs12(bytes: Buffer): boolean {
  const top = safeAsn1(bytes);
  return top !== null && looksLikePkcs12(top);
}

function looksLikePkcs12(top: forge.asn1.Asn1): boolean {
  const [version, authSafe] = children(top);
  // derToInteger throws on integers above 32 bits: a damaged file is simply not PKCS#12.
  if (version?.type === forge.asn1.Type.INTEGER && typeof version.value === 'string' && version.value.length > 4) return false;
  return version?.type === forge.asn1.Type.INTEGER && typeof version.value === 'string' && forge.asn1.derToInteger(version.value) === 3 && oidOf(children(authSafe)[0]) === OID_DATA;
}

function readPkcs12(bytes: Buffer, password: string | undefined): CertFile {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(bytes.toString('binary'));
    // forge tries the empty password first when none is given, as OpenSSL does.
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/mac|password|decrypt|Invalid|padding/i.test(message)) throw new CertPasswordError(password !== undefined);
    throw new CertParseError(`The PKCS#12 file does not decode (${message})`);
  }
  const certificates: X509Certificate[] = [];
  const certBag = forge.pki.oids['certBag'] ?? '1.2.840.113549.1.12.10.1.3';
  for (const bag of p12.getBags({ bagType: certBag })[certBag] ?? []) {
    // forge keeps the ASN.1 of certificates it cannot model (EC keys) in `asn1`.
    const node = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
    if (!node) continue;
    try {
      certificates.push(new X509Certificate(Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary')));
    } catch (err) {
      throw new CertParseError(`A certificate in the PKCS#12 file does not decode: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  // The leaf is the certificate whose key is in the file; order the rest after it as stored.
  const privateKeys: PrivateKeyNote[] = [];
  // RFC 7292 §4.2: keyBag and pkcs8ShroudedKeyBag.
  const keyBags = ['1.2.840.113549.1.12.10.1.1', '1.2.840.113549.1.12.10.1.2'].flatMap((type) => p12.getBags({ bagType: type })[type] ?? []);
  const keys: KeyObject[] = [];
  for (const bag of keyBags) {
    const node = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
    if (!node) continue;
    const der = Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
    try {
      keys.push(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    } catch {
      privateKeys.push({ where: 'PKCS#12 key bag', description: 'unreadable', matchesLeaf: null });
    }
  }
  const leafIndex = certificates.findIndex((c) => keys.some((k) => keyMatches(k, c)));
  if (leafIndex > 0) certificates.unshift(...certificates.splice(leafIndex, 1));
  for (const key of keys) privateKeys.push({ where: 'PKCS#12 key bag', description: keyText(key), matchesLeaf: certificates[0] ? keyMatches(key, certificates[0]) : false });
  if (certificates.length === 0) throw new CertParseError('The PKCS#12 file holds no certificate');
  return { format: 'pkcs12', certificates, privateKeys };
}

/** Certificates of a PKCS#7 SignedData (RFC 2315 §9.1: certificates [0] IMPLICIT). */
function pkcs7Certificates(der: Buffer): X509Certificate[] {
  const top = safeAsn1(der);
  if (!top || oidOf(children(top)[0]) !== OID_SIGNED_DATA) throw new CertParseError('Not a PKCS#7 SignedData structure');
  const signedData = children(children(top)[1])[0];
  const set = children(signedData).find((c) => c.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && c.type === 0);
  const out: X509Certificate[] = [];
  children(set).forEach((node, i) => {
    try {
      out.push(new X509Certificate(Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary')));
    } catch (err) {
      throw new CertParseError(`Certificate ${i + 1} in the PKCS#7 file does not decode: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  if (out.length === 0) throw new CertParseError('The PKCS#7 file holds no certificate');
  return out;
}

function describeKey(where: string, load: () => KeyObject, leaf: X509Certificate | undefined, encrypted: boolean): PrivateKeyNote {
  if (encrypted) return { where, description: 'encrypted', matchesLeaf: null };
  try {
    const key = load();
    return { where, description: keyText(key), matchesLeaf: leaf ? keyMatches(key, leaf) : false };
  } catch {
    return { where, description: 'unreadable', matchesLeaf: null };
  }
}

function keyText(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? 'unknown';
  if (details.modulusLength !== undefined) return `${type} ${details.modulusLength}`;
  if (details.namedCurve !== undefined) return `${type} ${details.namedCurve}`;
  return type;
}

function keyMatches(key: KeyObject, cert: X509Certificate): boolean {
  const pub = publicKeyOf(cert);
  if (!pub) return false;
  try {
    return createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(pub.export({ type: 'spki', format: 'der' }));
  } catch {
    return false;
  }
}

function safeAsn1(bytes: Buffer): forge.asn1.Asn1 | null {
  try {
    return forge.asn1.fromDer(bytes.toString('binary'), { strict: false } as unknown as boolean);
  } catch {
    return null;
  }
}

function children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

function oidOf(node: forge.asn1.Asn1 | undefined): string {
  try {
    return node && node.type === forge.asn1.Type.OID && typeof node.value === 'string' ? forge.asn1.derToOid(node.value) : '';
  } catch {
    return '';
  }
}
