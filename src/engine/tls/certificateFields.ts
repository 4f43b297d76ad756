// What crypto.X509Certificate does not expose, read from the DER with node-forge's ASN.1 reader:
// the signature algorithm, subject alternative names, key usage, extended key usage, basic
// constraints, authority information access and CRL distribution points (RFC 5280 §4.1, §4.2).
// Only the ASN.1 layer of forge is used (forgeAsn1.d.ts): forge.pki.certificateFromPem cannot
// read EC keys.
import type forge from 'node-forge';
import asn1 from 'node-forge/lib/asn1';
import { domainToUnicode } from 'node:url';

export interface CertificateFields {
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA384, ED25519; the dotted OID when unknown. */
  signatureAlgorithm: string;
  /** `DNS:name`, `IP Address:addr`, `email:x`, `URI:x` (the prefixes Node and OpenSSL print). */
  subjectAltNames: string[];
  keyUsage: string[];
  extendedKeyUsage: string[];
  /** Absent when the certificate has no basicConstraints extension. */
  basicConstraints?: { cA: boolean; pathLength?: number };
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  /** Name constraints of a CA (RFC 5280 §4.2.1.10), names in the subjectAltNames print form. */
  nameConstraints?: { permitted: string[]; excluded: string[] };
  /** Certificate policy OIDs, with their CA/Browser Forum names where known (RFC 5280 §4.2.1.4). */
  policies: string[];
  /** Embedded signed certificate timestamps (RFC 6962 §3.3). */
  scts: SignedTimestamp[];
  /** TLS Feature status_request: the server must staple an OCSP response (RFC 7633). */
  mustStaple: boolean;
}

export interface SignedTimestamp {
  /** The log's id (SHA-256 of its key), base64. */
  logId: string;
  /** ISO 8601. */
  timestamp: string;
}

type Asn1 = forge.asn1.Asn1;

// @types/node-forge types the second parameter as the legacy `strict` boolean; forge's asn1.js
// also takes this options object. Bit strings stay raw so key usage bits can be read.
const fromDer = asn1.fromDer as unknown as (bytes: string, options: { strict: boolean; decodeBitStrings: boolean; parseAllBytes: boolean }) => Asn1;

const { Class, Type } = asn1;

const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.311.10.3.3': 'msSGC',
  '2.16.840.1.113730.4.1': 'nsSGC',
};

/** RFC 5280 §4.2.1.3, in bit order. */
const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;

const OID = {
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  tlsFeature: '1.3.6.1.5.5.7.1.24',
} as const;

/** CA/Browser Forum Baseline Requirements §7.1.6.1 reserved policy OIDs, and anyPolicy. */
const POLICIES: Readonly<Record<string, string>> = {
  '2.5.29.32.0': 'anyPolicy',
  '2.23.140.1.1': 'extended validation',
  '2.23.140.1.2.1': 'domain validated',
  '2.23.140.1.2.2': 'organization validated',
  '2.23.140.1.2.3': 'individual validated',
};

/** Signature algorithm names that rest on a broken hash (SHA-1, MD5, MD2). */
export function isWeakSignatureAlgorithm(name: string): boolean {
  return /sha1|md5|md2/i.test(name);
}

/** Reads the fields from a DER certificate; throws on DER that is not a certificate. */
export function readCertificateFields(der: Buffer): CertificateFields {
  const cert = fromDer(der.toString('binary'), { strict: true, decodeBitStrings: false, parseAllBytes: true });
  const [tbs, sigAlg] = children(cert);
  if (!tbs || !sigAlg) throw new Error('Not an X.509 certificate: the outer SEQUENCE lacks tbsCertificate or signatureAlgorithm');
  const sigOid = oidOf(children(sigAlg)[0]);
  const fields: CertificateFields = {
    signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? sigOid,
    subjectAltNames: [],
    keyUsage: [],
    extendedKeyUsage: [],
    ocspUrls: [],
    caIssuerUrls: [],
    crlUrls: [],
    policies: [],
    scts: [],
    mustStaple: false,
  };
  for (const [oid, value] of extensions(tbs)) {
    switch (oid) {
      case OID.subjectAltName:
        fields.subjectAltNames = children(value).map(generalName).filter((n): n is string => n !== null);
        break;
      case OID.keyUsage:
        fields.keyUsage = keyUsage(value);
        break;
      case OID.extKeyUsage:
        fields.extendedKeyUsage = children(value).map((o) => {
          const dotted = oidOf(o);
          return EXTENDED_KEY_USAGES[dotted] ?? dotted;
        });
        break;
      case OID.basicConstraints:
        fields.basicConstraints = basicConstraints(value);
        break;
      case OID.authorityInfoAccess:
        for (const access of children(value)) {
          const [method, location] = children(access);
          const url = location ? uriOf(location) : null;
          if (url === null) continue;
          if (oidOf(method) === OID.ocsp) fields.ocspUrls.push(url);
          else if (oidOf(method) === OID.caIssuers) fields.caIssuerUrls.push(url);
        }
        break;
      case OID.crlDistributionPoints:
        fields.crlUrls = crlUrls(value);
        break;
      case OID.nameConstraints:
        fields.nameConstraints = nameConstraints(value);
        break;
      case OID.certificatePolicies:
        fields.policies = children(value).map((info) => {
          const dotted = oidOf(children(info)[0]);
          const name = POLICIES[dotted];
          return name ? `${dotted} (${name})` : dotted;
        });
        break;
      case OID.sctList:
        if (typeof value.value === 'string') fields.scts = sctList(Buffer.from(value.value, 'binary'));
        break;
      case OID.tlsFeature:
        // status_request is TLS extension 5 (RFC 6066 §8).
        fields.mustStaple = children(value).some((c) => c.type === Type.INTEGER && typeof c.value === 'string' && asn1.derToInteger(c.value) === 5);
        break;
    }
  }
  return fields;
}

/** The extensions of a TBSCertificate as [OID, parsed extnValue] (RFC 5280 §4.1: `[3] EXPLICIT`). */
function extensions(tbs: Asn1): [string, Asn1][] {
  const wrapper = children(tbs).find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 3);
  const list = wrapper ? children(wrapper)[0] : undefined;
  if (!list) return [];
  const out: [string, Asn1][] = [];
  for (const ext of children(list)) {
    const parts = children(ext);
    const octets = parts[parts.length - 1];
    if (parts.length < 2 || !octets || typeof octets.value !== 'string') continue;
    out.push([oidOf(parts[0]), fromDer(octets.value, { strict: true, decodeBitStrings: false, parseAllBytes: true })]);
  }
  return out;
}

function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

function oidOf(node: Asn1 | undefined): string {
  return node && node.type === Type.OID && typeof node.value === 'string' ? asn1.derToOid(node.value) : '';
}

/** GeneralName (RFC 5280 §4.2.1.6) in OpenSSL's print form; null for kinds a view cannot use. */
function generalName(node: Asn1): string | null {
  if (node.tagClass !== Class.CONTEXT_SPECIFIC || typeof node.value !== 'string') return null;
  switch (node.type) {
    case 1:
      return `email:${node.value}`;
    case 2:
      return `DNS:${node.value}`;
    case 6:
      return `URI:${node.value}`;
    case 7: {
      const bytes = Buffer.from(node.value, 'binary');
      // In name constraints an iPAddress is an address and a mask of the same length (§4.2.1.10).
      if (bytes.length === 8 || bytes.length === 32) {
        const half = bytes.length / 2;
        return `IP Address:${ipText(bytes.subarray(0, half))}/${ipText(bytes.subarray(half))}`;
      }
      return `IP Address:${ipText(bytes)}`;
    }
    default:
      return null;
  }
}

function uriOf(node: Asn1): string | null {
  return node.tagClass === Class.CONTEXT_SPECIFIC && node.type === 6 && typeof node.value === 'string' ? node.value : null;
}

function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return `<${bytes.toString('hex')}>`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // The WHATWG URL parser prints IPv6 in RFC 5952 canonical form (zero runs compressed).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function keyUsage(node: Asn1): string[] {
  if (node.type !== Type.BITSTRING || typeof node.value !== 'string' || node.value.length < 1) return [];
  // First content octet: unused bits in the last octet; bit 0 is the high bit of the next octet.
  const bytes = Buffer.from(node.value.slice(1), 'binary');
  return KEY_USAGE_BITS.filter((_, bit) => {
    const byte = bytes[bit >> 3];
    return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
  });
}

function basicConstraints(node: Asn1): { cA: boolean; pathLength?: number } {
  let cA = false;
  let pathLength: number | undefined;
  for (const c of children(node)) {
    if (c.type === Type.BOOLEAN && typeof c.value === 'string') cA = c.value !== '\x00';
    else if (c.type === Type.INTEGER && typeof c.value === 'string') pathLength = asn1.derToInteger(c.value);
  }
  return pathLength === undefined ? { cA } : { cA, pathLength };
}

/** GeneralSubtrees under [0] permitted and [1] excluded; each subtree's base is a GeneralName. */
function nameConstraints(node: Asn1): { permitted: string[]; excluded: string[] } {
  const out = { permitted: [] as string[], excluded: [] as string[] };
  for (const part of children(node)) {
    const list = part.type === 0 ? out.permitted : part.type === 1 ? out.excluded : null;
    if (!list) continue;
    for (const subtree of children(part)) {
      const base = children(subtree)[0];
      const name = base ? generalName(base) : null;
      if (name !== null) list.push(name);
      else if (base && base.type === 4) list.push('DirName');
    }
  }
  return out;
}

/**
 * SignedCertificateTimestampList in TLS encoding (RFC 6962 §3.3): a 2-byte total length, then
 * each SCT with its own 2-byte length: version(1) log_id(32) timestamp(8, ms since the epoch)…
 * A truncated list yields the SCTs read so far.
 */
function sctList(bytes: Buffer): SignedTimestamp[] {
  const out: SignedTimestamp[] = [];
  if (bytes.length < 2) return out;
  const end = Math.min(bytes.length, 2 + bytes.readUInt16BE(0));
  let at = 2;
  while (at + 2 <= end) {
    const len = bytes.readUInt16BE(at);
    const sct = bytes.subarray(at + 2, at + 2 + len);
    at += 2 + len;
    if (sct.length < 41 || at > end) break;
    const millis = Number(sct.readBigUInt64BE(33));
    const timestamp = Number.isFinite(millis) && millis < 8.64e15 ? new Date(millis).toISOString() : 'invalid';
    out.push({ logId: sct.subarray(1, 33).toString('base64'), timestamp });
  }
  return out;
}

/** URIs of every DistributionPoint's fullName (RFC 5280 §4.2.1.13). */
function crlUrls(node: Asn1): string[] {
  const urls: string[] = [];
  for (const point of children(node)) {
    const dpName = children(point).find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 0);
    const fullName = children(dpName).find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 0);
    for (const name of children(fullName)) {
      const url = uriOf(name);
      if (url !== null) urls.push(url);
    }
  }
  return urls;
}

/** A DNS SAN as a person reads it: punycode labels also shown decoded. */
export function displayName(san: string): string {
  if (!san.startsWith('DNS:')) return san.replace(/^IP Address:/, '');
  const name = san.slice(4);
  const unicode = name.includes('xn--') ? domainToUnicode(name) : '';
  return unicode && unicode !== name ? `${name} (${unicode})` : name;
}
