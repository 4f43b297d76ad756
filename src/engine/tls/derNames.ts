// A minimal DER reader (X.690 §8.1) for indexing store certificates without OpenSSL: parsing a
// few hundred roots with X509Certificate costs tens of milliseconds, and a diagnosis needs only
// the few that can issue the chain it sees (src/engine/tls/verify.ts, storeFacts.ts).
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
