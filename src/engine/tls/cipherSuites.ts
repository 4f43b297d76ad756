// Cipher suites as a scan needs them: the registry (cipherSuiteTable.ts) by id, the lists a
// ClientHello offers for each protocol version (strongest first, so a server that follows the
// client's order lists them as an OpenSSL client would get them), SSL 2.0's cipher kinds, and
// what makes a suite weak. Names are the IANA ones; OpenSSL's are kept for display.
import { CIPHER_SUITE_TABLE } from './cipherSuiteTable';

export interface CipherSuite {
  id: number;
  /** IANA name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); OpenSSL's for the few without one. */
  name: string;
  /** OpenSSL's name (ECDHE-RSA-AES128-GCM-SHA256), or null when OpenSSL never had the suite. */
  openssl: string | null;
  /** A TLS 1.3 suite (RFC 8446 §B.4, RFC 8998, RFC 9150, RFC 9367): offered only in TLS 1.3 hellos. */
  tls13: boolean;
}

/** SSL 2.0 cipher kinds (3 bytes each, draft-hickman-netscape-ssl-00 appendix C, plus later ones). */
export const SSL2_CIPHER_KINDS: readonly { id: number; name: string; openssl: string }[] = [
  { id: 0x0700c0, name: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5', openssl: 'DES-CBC3-MD5' },
  { id: 0x0701c0, name: 'SSL_CK_DES_192_EDE3_CBC_WITH_SHA', openssl: 'DES-CBC3-SHA' },
  { id: 0x010080, name: 'SSL_CK_RC4_128_WITH_MD5', openssl: 'RC4-MD5' },
  { id: 0x030080, name: 'SSL_CK_RC2_128_CBC_WITH_MD5', openssl: 'RC2-CBC-MD5' },
  { id: 0x050080, name: 'SSL_CK_IDEA_128_CBC_WITH_MD5', openssl: 'IDEA-CBC-MD5' },
  { id: 0x080080, name: 'SSL_CK_RC4_64_WITH_MD5', openssl: 'RC4-64-MD5' },
  { id: 0x060040, name: 'SSL_CK_DES_64_CBC_WITH_MD5', openssl: 'DES-CBC-MD5' },
  { id: 0x060140, name: 'SSL_CK_DES_64_CBC_WITH_SHA', openssl: 'DES-CBC-SHA' },
  { id: 0xff8000, name: 'SSL_CK_DES_64_CFB64_WITH_MD5_1', openssl: 'DES-CFB-M1' },
  { id: 0x020080, name: 'SSL_CK_RC4_128_EXPORT40_WITH_MD5', openssl: 'EXP-RC4-MD5' },
  { id: 0x040080, name: 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5', openssl: 'EXP-RC2-CBC-MD5' },
  { id: 0x000000, name: 'SSL_CK_NULL_WITH_MD5', openssl: 'NULL-MD5' },
  { id: 0xff8010, name: 'SSL_CK_NULL', openssl: 'NULL' },
];

/** The signalling value for secure renegotiation (RFC 5746 §3.3): offered, never chosen. */
export const RENEGOTIATION_SCSV = 0x00ff;

const TLS13_IDS = new Set([0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x00c6, 0x00c7, 0xc0b4, 0xc0b5, 0xc103, 0xc104, 0xc105, 0xc106]);

let byId: Map<number, CipherSuite> | null = null;

/** The registry by id, read from the table on first use. */
export function suitesById(): ReadonlyMap<number, CipherSuite> {
  if (byId) return byId;
  byId = new Map();
  for (const line of CIPHER_SUITE_TABLE.split('\n')) {
    const [hex, name, openssl] = line.split(' ');
    if (!hex || !name) continue;
    const id = Number.parseInt(hex, 16);
    // A name without TLS_/SSL_ is OpenSSL's own (a suite the registry never named).
    byId.set(id, { id, name, openssl: openssl ?? (/^(TLS|SSL)_/.test(name) ? null : name), tls13: TLS13_IDS.has(id) });
  }
  return byId;
}

/** A suite a server chose that is not in the registry still gets a name. */
export function suiteOf(id: number): CipherSuite {
  return suitesById().get(id) ?? { id, name: `UNKNOWN_0x${hex4(id)}`, openssl: null, tls13: false };
}

export function hex4(id: number): string {
  return id.toString(16).toUpperCase().padStart(4, '0');
}

let offers: { tls13: number[]; legacy: number[] } | null = null;

/**
 * What a ClientHello offers for a version, strongest first: the TLS 1.3 suites, or every other
 * suite for SSL 3.0 to TLS 1.2 (a server answering an old version with a suite that version
 * lacks is reported as it answered).
 */
export function offerList(tls13: boolean): readonly number[] {
  if (!offers) {
    // Each suite's keys worked out once: a comparator running the name tests for every comparison
    // spent 4 ms of a scan sorting the few hundred suites.
    const all = [...suitesById().values()].map((s) => ({ id: s.id, tls13: s.tls13, key: [rank(s), -bits(s), kx(s), s.id] }));
    const ranked = (list: typeof all): number[] => list.sort((a, b) => a.key.reduce((d, k, i) => d || k - (b.key[i] ?? 0), 0)).map((s) => s.id);
    offers = { tls13: ranked(all.filter((s) => s.tls13)), legacy: ranked(all.filter((s) => !s.tls13)) };
  }
  return tls13 ? offers.tls13 : offers.legacy;
}

/** 0 forward-secret AEAD, 1 forward-secret CBC, 2 AEAD, 3 CBC, 4 broken or unauthenticated. */
function rank(s: CipherSuite): number {
  if (s.tls13) return isWeakSuite(s) ? 4 : 0;
  if (isBroken(s.name) || isAnonymousSuite(s)) return 4;
  return (forwardSecret(s.name) ? 0 : 2) + (aead(s.name) ? 0 : 1);
}

function kx(s: CipherSuite): number {
  return s.name.startsWith('TLS_ECDHE_') ? 0 : s.name.startsWith('TLS_DHE_') ? 1 : 2;
}

function bits(s: CipherSuite): number {
  return /_256|CHACHA20|KUZNYECHIK/.test(s.name) ? 256 : 128;
}

/** ECDHE or DHE key exchange (RFC 8422, RFC 5246 §7.4.3); the PSK variants too. */
function forwardSecret(name: string): boolean {
  return /^TLS_(ECDHE|DHE|PSK_DHE|CECPQ1)_/.test(name);
}

function aead(name: string): boolean {
  return /_GCM|CHACHA20_POLY1305|_CCM|_MGM/.test(name);
}

/** Under 128 bits of security or no encryption: NULL, export, RC2, RC4, DES and 3DES (RFC 7465, RFC 8429). */
function isBroken(name: string): boolean {
  return /NULL|EXPORT|RC2|RC4|_DES|3DES/.test(name) || /^TLS_SHA(256|384)_SHA(256|384)$/.test(name);
}

/** Broken, or under 128 bits: caps the grade at C. */
export function isBrokenSuite(s: { name: string }): boolean {
  return isBroken(s.name);
}

/**
 * No forward secrecy, CBC, a 64-bit block or legacy cipher (IDEA, SEED, GOST 28147), under 128
 * bits, or no server authentication. TLS 1.3
 * suites are all fine except the integrity-only ones (RFC 9150), which do not encrypt.
 */
export function isWeakSuite(s: CipherSuite): boolean {
  if (s.tls13) return isBroken(s.name);
  return !forwardSecret(s.name) || !aead(s.name) || isBroken(s.name) || /IDEA|SEED|28147|GOST89/.test(s.name) || isAnonymousSuite(s);
}

/** Suites without server authentication (DH_anon, ECDH_anon): anyone in the path can impersonate the server. */
export function isAnonymousSuite(s: { name: string }): boolean {
  return /_anon_|^TLS_NULL_WITH_NULL_NULL$/.test(s.name);
}
