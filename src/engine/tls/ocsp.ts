// Revocation on demand (RFC 6960): an OCSP request for one certificate, POSTed to the responder
// named in its Authority Information Access, and the answer read and verified. Also reads a
// stapled OCSP response. Only ever called on an explicit user action: it talks to the CA.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { fetchCapped } from '../fetch';
import { finding } from '../findings';
import type { LookupFn, ProxyConfig } from '../options';
import type { DnsAddress, ErrorInfo, Finding } from '../report';
import { fieldsOf, publicKeyOf, shortName } from './certificate';

type Asn1 = forge.asn1.Asn1;
const { Class, Type } = forge.asn1;
const asn1 = forge.asn1;

export type OcspStatus = 'good' | 'revoked' | 'unknown';

export interface OcspResult {
  /** The responder asked; null for a stapled response. */
  responder: string | null;
  /** Null when no usable answer came. */
  status: OcspStatus | null;
  revokedAt?: string;
  revocationReason?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  /** True when the response is signed by the issuer or by a responder the issuer delegated to. */
  signatureValid: boolean;
  durationMs: number;
  error?: ErrorInfo;
}

const OID_SHA1 = '1.3.14.3.2.26';
const OID_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** RFC 5280 §5.3.1 CRLReason. */
const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'unused', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];
const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', 'unused', 'sigRequired', 'unauthorized'];
const HASHES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

export interface OcspCheckOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Overrides the AIA responder (tests, or a responder the user names). */
  responder?: string;
  /** How the responder's name resolves and which proxy reaches it, as for a diagnosis. */
  lookup?: LookupFn;
  pinned?: Readonly<Record<string, readonly DnsAddress[]>>;
  proxy?: ProxyConfig;
}

/** RFC 6960 §4.2.1 responses are a few KiB; anything near this is not one. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The fetch's error codes as OCSP results name them. */
const FETCH_CODES: Readonly<Record<string, string>> = { FETCH_BAD_URL: 'OCSP_BAD_URL', FETCH_TOO_LARGE: 'OCSP_TOO_LARGE', FETCH_HTTP_STATUS: 'OCSP_HTTP_ERROR' };

/** Asks the certificate's OCSP responder. Never throws: failures are `error` in the result. */
export async function checkOcsp(cert: X509Certificate, issuer: X509Certificate, opts: OcspCheckOptions): Promise<OcspResult> {
  const started = performance.now();
  const responder = opts.responder ?? fieldsOf(cert).ocspUrls[0] ?? null;
  const done = (r: Omit<OcspResult, 'durationMs' | 'responder'>): OcspResult => ({ responder, ...r, durationMs: Math.round(performance.now() - started) });
  if (responder === null) return done({ status: null, signatureValid: false, error: { code: 'OCSP_NO_RESPONDER', message: `"${shortName(cert.subject)}" names no OCSP responder (no Authority Information Access OCSP URL)` } });
  const fetched = await fetchCapped(responder, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: ocspRequest(cert, issuer),
    timeoutMs: opts.timeoutMs,
    maxBytes: MAX_RESPONSE_BYTES,
    what: 'the OCSP response',
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
    ...(opts.pinned ? { pinned: opts.pinned } : {}),
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
  });
  if ('error' in fetched) return done({ status: null, signatureValid: false, error: { ...fetched.error, code: FETCH_CODES[fetched.error.code] ?? fetched.error.code } });
  return { ...readOcspResponse(fetched.body, cert, issuer), responder, durationMs: Math.round(performance.now() - started) };
}

/** Findings for a check result: revoked, or no usable answer. */
export function ocspFindings(cert: X509Certificate, result: OcspResult): Finding[] {
  const name = shortName(cert.subject);
  if (result.status === 'revoked') {
    return [finding('CERT_REVOKED', `The OCSP responder ${result.responder ?? '(stapled)'} says "${name}" was revoked${result.revokedAt ? ` on ${result.revokedAt}` : ''}${result.revocationReason ? ` (${result.revocationReason})` : ''}.`)];
  }
  if (result.status === null || result.status === 'unknown' || !result.signatureValid) {
    const why = result.error ? result.error.message : result.status === 'unknown' ? 'the responder does not know the certificate' : 'the response signature does not verify against the issuer';
    return [finding('CERT_OCSP_FAILED', `The revocation status of "${name}" is unknown: ${why}.`)];
  }
  return [];
}

/** DER OCSPRequest for one certificate, SHA-1 CertID as RFC 6960 §4.1.1 and every responder expects. */
export function ocspRequest(cert: X509Certificate, issuer: X509Certificate): Buffer {
  const req = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
      asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [certId(cert, issuer)])]),
    ]),
  ]);
  return Buffer.from(asn1.toDer(req).getBytes(), 'binary');
}

function certId(cert: X509Certificate, issuer: X509Certificate): Asn1 {
  const { subjectDer, keyBits } = issuerParts(issuer);
  const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest().toString('binary');
  return asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(OID_SHA1).getBytes()), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]),
    asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, sha1(subjectDer)),
    asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, sha1(keyBits)),
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, serialBytes(cert.serialNumber)),
  ]);
}

/** The issuer's subject Name (DER) and its subjectPublicKey bits without the unused-bits octet. */
function issuerParts(issuer: X509Certificate): { subjectDer: Buffer; keyBits: Buffer } {
  const top = fromDer(issuer.raw);
  const tbs = children(top)[0];
  const fields = children(tbs);
  // version is [0] EXPLICIT and optional; serial, signature, issuer, validity, subject, spki follow.
  const offset = fields[0]?.tagClass === Class.CONTEXT_SPECIFIC ? 1 : 0;
  const subject = fields[offset + 4];
  const spki = fields[offset + 5];
  const bits = children(spki)[1];
  if (!subject || !bits || typeof bits.value !== 'string') throw new Error('The issuer certificate has no readable subject or key');
  return { subjectDer: Buffer.from(asn1.toDer(subject).getBytes(), 'binary'), keyBits: Buffer.from(bits.value.slice(1), 'binary') };
}

function serialBytes(hex: string): string {
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  // A positive INTEGER: a leading zero octet when the high bit is set (X.690 §8.3).
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return bytes.toString('binary');
}

/** Reads an OCSPResponse (RFC 6960 §4.2.1) for `cert`; never throws. */
export function readOcspResponse(der: Buffer, cert: X509Certificate, issuer: X509Certificate): Omit<OcspResult, 'responder' | 'durationMs'> {
  const bad = (message: string): Omit<OcspResult, 'responder' | 'durationMs'> => ({ status: null, signatureValid: false, error: { code: 'OCSP_BAD_RESPONSE', message } });
  let top: Asn1;
  try {
    top = fromDer(der);
  } catch (err) {
    return bad(`The OCSP response does not decode (${err instanceof Error ? err.message : String(err)})`);
  }
  const [statusNode, bytesWrapper] = children(top);
  const code = statusNode && typeof statusNode.value === 'string' ? (statusNode.value.charCodeAt(0) ?? -1) : -1;
  if (code !== 0) return { status: null, signatureValid: false, error: { code: 'OCSP_ERROR_STATUS', message: `The OCSP responder answered ${RESPONSE_STATUS[code] ?? `status ${code}`}` } };
  const responseBytes = children(bytesWrapper)[0];
  const [typeNode, octets] = children(responseBytes);
  if (oidOf(typeNode) !== OID_BASIC || !octets || typeof octets.value !== 'string') return bad('The OCSP response is not a BasicOCSPResponse');
  let basic: Asn1;
  try {
    basic = fromDer(Buffer.from(octets.value, 'binary'));
  } catch {
    return bad('The BasicOCSPResponse does not decode');
  }
  const [tbs, sigAlg, signature, certsWrapper] = children(basic);
  if (!tbs || !sigAlg || !signature || typeof signature.value !== 'string') return bad('The BasicOCSPResponse lacks its signed data');
  const ours = serialBytes(cert.serialNumber);
  const tbsFields = children(tbs);
  // ResponseData: version [0]?, responderID [1]|[2], producedAt, responses SEQUENCE, extensions [1]?
  const responses = tbsFields.find((c) => c.tagClass === Class.UNIVERSAL && c.type === Type.SEQUENCE);
  const single = children(responses).find((r) => children(children(r)[0])[3]?.value === ours);
  if (!single) return bad('The OCSP response does not cover this certificate');
  const [, statusChoice, thisUpdate, ...rest] = children(single);
  const result: Omit<OcspResult, 'responder' | 'durationMs'> = { status: null, signatureValid: false };
  if (statusChoice?.type === 0) result.status = 'good';
  else if (statusChoice?.type === 1) {
    result.status = 'revoked';
    const [time, reason] = children(statusChoice);
    if (time && typeof time.value === 'string') result.revokedAt = generalizedTime(time.value);
    const enumNode = children(reason)[0];
    if (enumNode && typeof enumNode.value === 'string') result.revocationReason = REASONS[enumNode.value.charCodeAt(0)] ?? 'unspecified';
  } else result.status = 'unknown';
  if (thisUpdate && typeof thisUpdate.value === 'string') result.thisUpdate = generalizedTime(thisUpdate.value);
  const next = rest.find((c) => c.tagClass === Class.CONTEXT_SPECIFIC && c.type === 0);
  const nextTime = children(next)[0];
  if (nextTime && typeof nextTime.value === 'string') result.nextUpdate = generalizedTime(nextTime.value);
  // Signed by the issuer itself or by a certificate the issuer gave OCSPSigning (RFC 6960 §4.2.2.2).
  const signed = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const sig = Buffer.from(signature.value.slice(1), 'binary');
  const hash = HASHES[oidOf(children(sigAlg)[0])] ?? null;
  const signers: X509Certificate[] = [issuer];
  for (const node of children(children(certsWrapper)[0])) {
    try {
      const delegate = new X509Certificate(Buffer.from(asn1.toDer(node).getBytes(), 'binary'));
      const key = publicKeyOf(issuer);
      if (key && delegate.verify(key) && fieldsOf(delegate).extendedKeyUsage.includes('OCSPSigning')) signers.push(delegate);
    } catch {
      // An unreadable embedded certificate simply is no signer.
    }
  }
  result.signatureValid = signers.some((s) => {
    const key = publicKeyOf(s);
    try {
      return key !== null && verifySignature(hash, signed, key, sig);
    } catch {
      return false;
    }
  });
  if (result.status === 'unknown') result.error = { code: 'OCSP_UNKNOWN', message: 'The responder does not know this certificate' };
  return result;
}

function generalizedTime(value: string): string {
  try {
    return asn1.generalizedTimeToDate(value).toISOString();
  } catch {
    return value;
  }
}

function fromDer(bytes: Buffer): Asn1 {
  return asn1.fromDer(bytes.toString('binary'), { strict: true, decodeBitStrings: false, parseAllBytes: true } as unknown as boolean);
}

function children(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

function oidOf(node: Asn1 | undefined): string {
  return node && node.type === Type.OID && typeof node.value === 'string' ? asn1.derToOid(node.value) : '';
}
