// Certificates as the Report shows them (CertificateInfo), and certificate files (PEM bundles or
// DER) as X509Certificate objects. crypto.X509Certificate is the parser: it reads RSA, EC and
// Ed25519 keys; certificateFields.ts reads the extensions it does not expose.
import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CertificateInfo, PublicKeyInfo } from '../model/certificate';
import { readCertificateFields } from './certificateFields';
import type { CertificateFields } from './certificateFields';
import { commonName } from './distinguishedName';

const DAY_MS = 86_400_000;

/** Node's namedCurve (OpenSSL short names) → the names TLS and NIST use. */
const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp224r1: 'P-224',
  prime192v1: 'P-192',
};

const ED_BITS: Readonly<Record<string, number>> = { ed25519: 256, ed448: 456, x25519: 256, x448: 448 };

/**
 * Everything the views show about one certificate. `now` is wall-clock milliseconds (Date.now()),
 * used for daysLeft. Its `problems` come from the findings about it, once the chain is verified. Subject and issuer read like RFC 4514 (`CN=example.com, O=Acme`: most
 * specific first); subjectAltNames keep OpenSSL's prefixes (`DNS:x`, `IP Address:y`).
 */
export function describeCertificate(cert: X509Certificate, now: number): CertificateInfo {
  const fields = fieldsOf(cert);
  const notAfter = Date.parse(cert.validTo);
  const info: CertificateInfo = {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    subjectAltNames: fields.subjectAltNames,
    notBefore: isoTime(cert.validFrom),
    notAfter: isoTime(cert.validTo),
    // OpenSSL accepts times JavaScript cannot read (month 22 in a damaged file): 0 days then.
    daysLeft: Number.isNaN(notAfter) ? 0 : Math.floor((notAfter - now) / DAY_MS),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    fingerprint1: cert.fingerprint,
    publicKey: publicKeyInfo(cert),
    signatureAlgorithm: fields.signatureAlgorithm,
    isCA: fields.basicConstraints?.cA ?? false,
    selfSigned: isSelfSigned(cert),
    keyUsage: fields.keyUsage,
    extendedKeyUsage: fields.extendedKeyUsage,
    ocspUrls: fields.ocspUrls,
    caIssuerUrls: fields.caIssuerUrls,
    crlUrls: fields.crlUrls,
    pem: cert.toString(),
    // The chain's findings say what is wrong with it (certProblems.ts withProblems).
    problems: [],
  };
  if (fields.basicConstraints?.pathLength !== undefined) info.pathLength = fields.basicConstraints.pathLength;
  if (fields.nameConstraints) info.nameConstraints = fields.nameConstraints;
  if (fields.policies.length > 0) info.policies = fields.policies;
  if (fields.scts.length > 0) info.scts = fields.scts;
  if (fields.mustStaple) info.mustStaple = true;
  return info;
}

/** Node's time text as ISO 8601, or the text itself when it is no valid date. */
function isoTime(text: string): string {
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}

// A certificate is read with forge's ASN.1 parser and its signature checked once: describing and
// verifying a chain after a handshake asks for both several times per certificate, between the
// end of the handshake and the request.
const fieldsRead = new WeakMap<X509Certificate, CertificateFields>();
const selfSigned = new WeakMap<X509Certificate, boolean>();

/**
 * The extensions; a certificate Node accepts but the strict DER reader does not (BER quirks of
 * old CAs) is still shown, without them.
 */
export function fieldsOf(cert: X509Certificate): CertificateFields {
  const known = fieldsRead.get(cert);
  if (known) return known;
  let fields: CertificateFields;
  try {
    fields = readCertificateFields(cert.raw);
  } catch {
    fields = { signatureAlgorithm: 'unknown', subjectAltNames: [], keyUsage: [], extendedKeyUsage: [], ocspUrls: [], caIssuerUrls: [], crlUrls: [], policies: [], scts: [], mustStaple: false };
  }
  fieldsRead.set(cert, fields);
  return fields;
}

/**
 * Issuer equals subject and the signature verifies with the certificate's own key. checkIssued()
 * is not used: it also demands keyCertSign, which self-signed server certificates often lack.
 */
export function isSelfSigned(cert: X509Certificate): boolean {
  if (cert.issuer !== cert.subject) return false;
  const known = selfSigned.get(cert);
  if (known !== undefined) return known;
  const key = publicKeyOf(cert);
  let signed: boolean;
  try {
    signed = key !== null && cert.verify(key);
  } catch {
    signed = false;
  }
  selfSigned.set(cert, signed);
  return signed;
}

/** The certificate's public key, or null for key types this Node cannot load. */
export function publicKeyOf(cert: X509Certificate): KeyObject | null {
  try {
    return cert.publicKey;
  } catch {
    return null;
  }
}

export function publicKeyInfo(cert: X509Certificate): PublicKeyInfo {
  const key = publicKeyOf(cert);
  const type = key?.asymmetricKeyType;
  if (!key || !type) return { type: 'unknown' };
  const details = key.asymmetricKeyDetails ?? {};
  const info: PublicKeyInfo = { type };
  if (details.modulusLength !== undefined) info.bits = details.modulusLength;
  if (details.namedCurve !== undefined) {
    info.curve = CURVES[details.namedCurve] ?? details.namedCurve;
    const bits = /(\d{3})/.exec(info.curve)?.[1];
    if (bits !== undefined) info.bits = Number(bits);
  }
  const edBits = ED_BITS[type];
  if (edBits !== undefined) info.bits = edBits;
  return info;
}

/**
 * Node prints names one attribute per line, most general first, with RFC 2253 escaping (so a
 * line break never sits inside a value); reports read the other way round on one line.
 */
export function oneLineName(name: string | undefined): string {
  // Node 20 leaves X509Certificate.subject undefined for an empty name (badssl.com "no-subject").
  if (name === undefined) return '';
  return name.split('\n').filter(Boolean).reverse().join(', ');
}

/** The CN of a name as Node prints it, else the whole name on one line: for messages. */
export function shortName(name: string | undefined): string {
  if (name === undefined) return '';
  return commonName(name) ?? oneLineName(name);
}

export class CertParseError extends Error {
  readonly code = 'CERT_PARSE_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'CertParseError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/** The PEM CERTIFICATE blocks of a text, verbatim, in file order (RFC 7468 §2). */
export function splitPemCertificates(text: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => CERT_LABELS.has(m[1] ?? '')).map((m) => `${m[0]}\n`);
}

/**
 * Certificates from a file's content: a PEM bundle (every CERTIFICATE block, other blocks such as
 * keys skipped) or one DER certificate. Throws CertParseError, and nothing else, when the input
 * holds no readable certificate or a block that does not decode.
 */
export function parseCertificates(input: Buffer | string): X509Certificate[] {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  if (text.includes('-----BEGIN ')) {
    const labels = [...text.matchAll(PEM_BLOCK)].map((m) => m[1] ?? '');
    const blocks = splitPemCertificates(text);
    if (blocks.length === 0) {
      const found = labels.length ? `only ${[...new Set(labels)].join(', ')} blocks` : 'an unterminated PEM block';
      throw new CertParseError(`No certificate found: the PEM text holds ${found}`);
    }
    return blocks.map((block, i) => {
      try {
        return new X509Certificate(block);
      } catch (err) {
        throw new CertParseError(`Certificate ${i + 1} of ${blocks.length} in the PEM text does not decode: ${messageOf(err)}`);
      }
    });
  }
  if (typeof input === 'string') throw new CertParseError('No certificate found: the text holds no PEM block (-----BEGIN CERTIFICATE-----)');
  if (input.length === 0) throw new CertParseError('No certificate found: the input is empty');
  try {
    return [new X509Certificate(input)];
  } catch (err) {
    throw new CertParseError(`Neither PEM nor a DER certificate (${input.length} bytes): ${messageOf(err)}`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
