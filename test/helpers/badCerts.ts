// Certificates for the badssl.com-style verdicts that `openssl ca` with the shared test PKI cannot
// make (an empty subject, no CN, thousands of SANs, raw extensions such as name constraints, SCTs
// and must-staple, AIA URLs pointing at a test server). node-forge builds them, signed by the
// test PKI's RSA root (forge signs with RSA only), so they chain to `pki.trust` unless noted.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { HOSTILE_TEXT } from './hostileText';
import type { TestPki } from './pki';

const { asn1 } = forge;
const DAY = 86_400_000;

export interface ForgeCert {
  cert: string;
  key: string;
}

export interface LeafSpec {
  /** Subject attributes; [] makes an empty subject. Default CN=localhost, O=Netdiag Test. */
  subject?: forge.pki.CertificateField[];
  /** DNS names; [] leaves the SAN extension out. Default ['localhost']. */
  dnsNames?: string[];
  ips?: string[];
  fromDays?: number;
  toDays?: number;
  /** Extended key usage names forge knows (serverAuth, clientAuth, codeSigning…). Default serverAuth. */
  eku?: string[];
  ca?: boolean;
  /** The private key (PKCS#8/PKCS#1 PEM, RSA); default the shared RSA 2048 leaf key. */
  keyPem?: string;
  /** Issuer; default the test PKI root. */
  issuer?: ForgeCert;
  md?: 'sha256' | 'sha1';
  /** Raw extensions {id, value: ASN.1} added as they are. */
  extra?: { id: string; critical?: boolean; value: forge.asn1.Asn1 }[];
  ocspUrl?: string;
  caIssuersUrl?: string;
}

/** The RSA 8192 key (test fixture: generating one takes tens of seconds). */
export function rsa8192Key(): string {
  return readFileSync(join(__dirname, '../fixtures/certs/rsa8192.key'), 'utf8');
}

let serial = 1;

/** A certificate signed with forge by `spec.issuer` (default: the test root). */
export function forgeCert(pki: TestPki, spec: LeafSpec = {}): ForgeCert {
  const keyPem = spec.keyPem ?? pki.rsa.key;
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = (0x10000 + serial++).toString(16);
  const now = Date.now();
  cert.validity.notBefore = new Date(now + (spec.fromDays ?? -1) * DAY);
  cert.validity.notAfter = new Date(now + (spec.toDays ?? 90) * DAY);
  cert.setSubject(spec.subject ?? [{ name: 'organizationName', value: 'Netdiag Test' }, { name: 'commonName', value: 'localhost' }]);
  const issuer = spec.issuer ?? { cert: pki.root.cert, key: pki.root.key };
  const issuerCert = forgeIssuer(issuer.cert);
  cert.setIssuer(issuerCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: spec.ca === true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: spec.ca === true, cRLSign: spec.ca === true, critical: true },
    { name: 'extKeyUsage', ...Object.fromEntries((spec.eku ?? ['serverAuth']).map((n) => [n, true])) },
    { name: 'subjectKeyIdentifier' },
  ];
  const names = [...(spec.dnsNames ?? ['localhost']).map((value) => ({ type: 2, value })), ...(spec.ips ?? []).map((ip) => ({ type: 7, ip }))];
  if (names.length > 0) extensions.push({ name: 'subjectAltName', altNames: names });
  const aia: forge.asn1.Asn1[] = [];
  if (spec.ocspUrl) aia.push(accessDescription('1.3.6.1.5.5.7.48.1', spec.ocspUrl));
  if (spec.caIssuersUrl) aia.push(accessDescription('1.3.6.1.5.5.7.48.2', spec.caIssuersUrl));
  if (aia.length > 0) extensions.push({ id: '1.3.6.1.5.5.7.1.1', value: seq(aia) });
  for (const e of spec.extra ?? []) extensions.push({ id: e.id, critical: e.critical === true, value: e.value });
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(issuer.key) as forge.pki.rsa.PrivateKey, spec.md === 'sha1' ? forge.md.sha1.create() : forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

/**
 * A leaf under the test root whose names are hostile: a CN and an O with markup, a Markdown link
 * and HOSTILE_TEXT's controls, and a single DNS SAN with the same (so the leaf never covers the
 * host a test connects to, and CERT_HOSTNAME_MISMATCH quotes the SAN). UTF-8 as a hostile CA
 * would encode it.
 */
export function hostileNamesCert(pki: TestPki): ForgeCert {
  const utf8 = (s: string): string => forge.util.encodeUtf8(s);
  return forgeCert(pki, {
    subject: [
      { name: 'organizationName', value: utf8('Evil [x](javascript:alert(1))') },
      { name: 'commonName', value: utf8(`<b>bold</b>${HOSTILE_TEXT}`) },
    ],
    dnsNames: [utf8(`evil<b>bold</b>${HOSTILE_TEXT}.test`)],
  });
}

/** An RSA intermediate CA under the root, for chains whose every link forge signs. */
export function forgeIntermediate(pki: TestPki, cn = 'Netdiag Test RSA Intermediate'): ForgeCert {
  return forgeCert(pki, { subject: [{ name: 'organizationName', value: 'Netdiag Test' }, { name: 'commonName', value: cn }], dnsNames: [], ca: true, eku: [], keyPem: pki.sha1Root.key, toDays: 1000 });
}

/**
 * Two CAs that issued each other ("Loop CA A" by B, "Loop CA B" by A, cross-signed, neither
 * self-signed nor in a store) and a leaf for localhost under A. `cert` is the chain a server
 * sends (leaf, A, B): every certificate of a chain that goes round in a circle and reaches no root.
 */
export function caCycle(pki: TestPki): ForgeCert {
  const name = (cn: string): forge.pki.CertificateField[] => [{ name: 'organizationName', value: 'Netdiag Loop' }, { name: 'commonName', value: cn }];
  const ca = (cn: string, keyPem: string, issuer: ForgeCert): ForgeCert => forgeCert(pki, { subject: name(cn), dnsNames: [], ca: true, eku: [], keyPem, issuer, toDays: 1000 });
  const keyA = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyB = pki.rsa.key;
  // B's name first, under the test root, only so that A can name it as its issuer.
  const bName = ca('Loop CA B', keyB, { cert: pki.root.cert, key: pki.root.key });
  const a = ca('Loop CA A', keyA, { cert: bName.cert, key: keyB });
  const b = ca('Loop CA B', keyB, { cert: a.cert, key: keyA });
  const leaf = forgeCert(pki, { issuer: a });
  return { key: leaf.key, cert: leaf.cert + a.cert + b.cert };
}

// The root is RSA, so forge can read it; it only needs the subject.
function forgeIssuer(pem: string): forge.pki.Certificate {
  return forge.pki.certificateFromPem(pem);
}

export function seq(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

export function oid(dotted: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
}

function accessDescription(method: string, url: string): forge.asn1.Asn1 {
  return seq([oid(method), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url)]);
}

/** NameConstraints: permitted DNS subtree and an excluded IPv4 range (RFC 5280 §4.2.1.10). */
export function nameConstraintsExt(permittedDns: string, excludedIp: [string, string]): forge.asn1.Asn1 {
  const ipBytes = (a: string): string => String.fromCharCode(...a.split('.').map(Number));
  return seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, permittedDns)])]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, ipBytes(excludedIp[0]) + ipBytes(excludedIp[1]))])]),
  ]);
}

export function policiesExt(...oids: string[]): forge.asn1.Asn1 {
  return seq(oids.map((o) => seq([oid(o)])));
}

/** TLS Feature status_request (RFC 7633): must-staple. */
export function mustStapleExt(): forge.asn1.Asn1 {
  return seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, String.fromCharCode(5))]);
}

/** An SCT list with one SCT of `logId` (32 bytes) at `timestampMs` (RFC 6962 §3.2). */
export function sctListExt(logId: Buffer, timestampMs: number): forge.asn1.Asn1 {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestampMs));
  // version 0, log id, timestamp, no extensions, sha256/ecdsa, empty signature.
  const sct = Buffer.concat([Buffer.from([0]), logId, ts, Buffer.from([0, 0, 4, 3, 0, 0])]);
  const item = Buffer.concat([u16(sct.length), sct]);
  const list = Buffer.concat([u16(item.length), item]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, list.toString('binary'));
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
