// The three trust stores a verification is explained against: Node's bundled Mozilla roots, the
// operating system's store, and the user's extra CA files. Loaded once per configuration by the
// caller (src/vscode/config.ts, the CLI) and passed to the engine in DiagnoseOptions.trust.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import type { TrustStores } from '../options';
import { splitPemCertificates } from './certificate';

/** Where Linux distributions keep the system bundle (Debian/Ubuntu, Fedora/RHEL, Alpine/Arch/macOS). */
export const DEFAULT_OS_BUNDLE_PATHS: readonly string[] = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

// tls.getCACertificates arrived in Node 22.15 / 23.5 (and is absent from @types/node 20).
type GetCACertificates = (type: 'default' | 'system' | 'bundled' | 'extra') => string[];

export interface LoadTrustStoresOptions {
  /**
   * Bundles tried in order when Node cannot list the OS store itself; the first readable one is
   * used. Callers put SSL_CERT_FILE first when it is set (the engine reads no environment).
   */
  osBundlePaths?: readonly string[];
}

/**
 * Never throws: a file that cannot be read or holds a broken certificate becomes an `errors`
 * entry and the rest is still used. The files are read concurrently, but the errors come in a
 * fixed order (the OS store, then the extra files as configured), whichever read ends first.
 */
export async function loadTrustStores(extraCaFiles: readonly string[], opts: LoadTrustStoresOptions = {}): Promise<{ stores: TrustStores; errors: string[] }> {
  const osErrors: string[] = [];
  const [os, extra] = await Promise.all([
    loadOsStore(opts.osBundlePaths ?? DEFAULT_OS_BUNDLE_PATHS, osErrors),
    Promise.all(
      extraCaFiles.map(async (file) => {
        const errors: string[] = [];
        return { certificates: await loadPemFile(file, errors), errors };
      }),
    ),
  ]);
  return {
    stores: { node: [...tls.rootCertificates], os, extra: extra.flatMap((f) => f.certificates) },
    errors: [...osErrors, ...extra.flatMap((f) => f.errors)],
  };
}

async function loadOsStore(paths: readonly string[], errors: string[]): Promise<string[]> {
  const getCACertificates = (tls as { getCACertificates?: GetCACertificates }).getCACertificates;
  if (typeof getCACertificates === 'function') {
    try {
      return getCACertificates('system');
    } catch (err) {
      errors.push(`The OS certificate store could not be read: ${messageOf(err)}`);
      return [];
    }
  }
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    return validCertificates(splitPemCertificates(text), path, errors);
  }
  errors.push(`No OS certificate bundle found (looked in ${paths.join(', ')}); only Node's bundled roots and extra CA files are used.`);
  return [];
}

async function loadPemFile(path: string, errors: string[]): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    errors.push(`CA file ${path} could not be read: ${messageOf(err)}`);
    return [];
  }
  const blocks = splitPemCertificates(text);
  if (blocks.length === 0) {
    errors.push(`CA file ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    return [];
  }
  return validCertificates(blocks, path, errors);
}

/** The blocks that decode; a broken one is reported and skipped so it cannot break the TLS context. */
function validCertificates(blocks: string[], path: string, errors: string[]): string[] {
  return blocks.filter((block, i) => {
    try {
      new X509Certificate(block);
      return true;
    } catch (err) {
      errors.push(`${path}: certificate ${i + 1} of ${blocks.length} does not decode (${messageOf(err)}); it is skipped.`);
      return false;
    }
  });
}

// A minimal DER reader (X.690 §8.1) for indexing store certificates without OpenSSL: parsing a
// few hundred roots with X509Certificate costs tens of milliseconds, and a diagnosis needs only
// the few that can issue the chain it sees (src/engine/tls/verify.ts).
interface Tlv {
  tag: number;
  /** Content octets: [start, end). */
  start: number;
  end: number;
}

function readTlv(der: Buffer, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = der[at] ?? 0;
  // Multi-byte tags never occur in the structures read here.
  if ((tag & 0x1f) === 0x1f) return null;
  let length = der[at + 1] ?? 0;
  let p = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (der[p++] ?? 0);
  }
  return p + length > limit ? null : { tag, start: p, end: p + length };
}

const PEM_CERTIFICATE = /-----BEGIN (?:X509 )?CERTIFICATE-----([^-]*)-----END (?:X509 )?CERTIFICATE-----/;

/**
 * The DER of the first certificate block in `pem` (the outer SEQUENCE, without anything after
 * it), or null when there is none. Decoding is lenient: the caller confirms every match with
 * X509Certificate before it counts.
 */
export function pemToDer(pem: string): Buffer | null {
  const body = PEM_CERTIFICATE.exec(pem)?.[1];
  if (body === undefined) return null;
  const der = Buffer.from(body, 'base64');
  const outer = readTlv(der, 0, der.length);
  return outer && outer.tag === 0x30 ? der.subarray(0, outer.end) : null;
}

/**
 * Keys for the issuer and subject Names of a DER certificate (RFC 5280 §4.1: tbsCertificate =
 * [0] version?, serialNumber, signature, issuer, validity, subject), or null when the structure
 * cannot be read this far. A key is the sequence of attribute values as text, decoded the way
 * OpenSSL prints them (X509_NAME_print_ex with ASN1_STRFLGS_UTF8_CONVERT, which Node uses for
 * X509Certificate.subject/issuer): two Names that Node prints alike have the same key, whatever
 * string types encode them; the converse need not hold, so a key only selects candidates.
 */
export function nameKeys(der: Buffer): { issuer: string; subject: string } | null {
  const cert = readTlv(der, 0, der.length);
  const tbs = cert?.tag === 0x30 ? readTlv(der, cert.start, cert.end) : null;
  if (!tbs || tbs.tag !== 0x30) return null;
  const fields: Tlv[] = [];
  let p = tbs.start;
  while (fields.length < 5) {
    const field = readTlv(der, p, tbs.end);
    if (!field) return null;
    p = field.end;
    if (fields.length === 0 && field.tag === 0xa0) continue; // [0] EXPLICIT version
    fields.push(field);
  }
  const [, , issuer, , subject] = fields;
  const issuerKey = issuer?.tag === 0x30 ? nameKey(der, issuer) : null;
  const subjectKey = subject?.tag === 0x30 ? nameKey(der, subject) : null;
  return issuerKey === null || subjectKey === null ? null : { issuer: issuerKey, subject: subjectKey };
}

/** Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY } (RFC 5280 §4.1.2.4). */
function nameKey(der: Buffer, name: Tlv): string | null {
  const values: string[] = [];
  for (let p = name.start; p < name.end; ) {
    const rdn = readTlv(der, p, name.end);
    if (rdn?.tag !== 0x31) return null;
    for (let q = rdn.start; q < rdn.end; ) {
      const attribute = readTlv(der, q, rdn.end);
      if (attribute?.tag !== 0x30) return null;
      const type = readTlv(der, attribute.start, attribute.end);
      const value = type?.tag === 0x06 ? readTlv(der, type.end, attribute.end) : null;
      if (!value) return null;
      const text = valueText(value.tag, der.subarray(value.start, value.end));
      if (text === null) return null;
      values.push(text);
      q = attribute.end;
    }
    p = rdn.end;
  }
  return values.join('\u0000');
}

/** OpenSSL's tag2nbyte (crypto/asn1/a_strex.c): UTF8String, BMPString (2), UniversalString (4), else 1 byte per character. */
function valueText(tag: number, content: Buffer): string | null {
  if (tag & 0x20) return null; // a constructed string: not DER
  if (tag === 0x0c) return content.toString('utf8');
  const width = tag === 0x1e ? 2 : tag === 0x1c ? 4 : 1;
  if (width === 1) return content.toString('latin1');
  let text = '';
  for (let i = 0; i + width <= content.length; i += width) {
    const code = width === 2 ? content.readUInt16BE(i) : content.readUInt32BE(i);
    text += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  }
  return text;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
