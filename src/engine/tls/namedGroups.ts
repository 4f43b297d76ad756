// Key-exchange groups a scan asks about, one per hello (IANA TLS Supported Groups registry): the
// elliptic curves of RFC 8422 and RFC 7027, the finite-field groups of RFC 7919, the TLS 1.3
// brainpool curves (RFC 8734) and the post-quantum hybrids. The names of the five groups every
// client offers are OpenSSL's short ones, as Node reports them (X25519, P-256…).
import { createECDH, randomBytes } from 'node:crypto';

export interface NamedGroup {
  id: number;
  name: string;
  /** Can be chosen in a TLS 1.2 (or older) ServerKeyExchange as a named curve. */
  legacy: boolean;
  /** A valid public value for a TLS 1.3 key_share, when the server insists on one (see keyShareFor). */
  share?: 'x25519' | 'x448' | { curve: string } | { ffdheBytes: number };
}

const LEGACY_CURVES = [
  'sect163k1', 'sect163r1', 'sect163r2', 'sect193r1', 'sect193r2', 'sect233k1', 'sect233r1', 'sect239k1', 'sect283k1', 'sect283r1', 'sect409k1', 'sect409r1', 'sect571k1', 'sect571r1',
  'secp160k1', 'secp160r1', 'secp160r2', 'secp192k1', 'secp192r1', 'secp224k1', 'secp224r1', 'secp256k1',
];

/** In the order a scan reports them: the common five first, then the rest by id. */
export const NAMED_GROUPS: readonly NamedGroup[] = [
  { id: 0x001d, name: 'X25519', legacy: true, share: 'x25519' },
  { id: 0x0017, name: 'P-256', legacy: true, share: { curve: 'prime256v1' } },
  { id: 0x0018, name: 'P-384', legacy: true, share: { curve: 'secp384r1' } },
  { id: 0x0019, name: 'P-521', legacy: true, share: { curve: 'secp521r1' } },
  { id: 0x001e, name: 'X448', legacy: true, share: 'x448' },
  { id: 0x0100, name: 'ffdhe2048', legacy: false, share: { ffdheBytes: 256 } },
  { id: 0x0101, name: 'ffdhe3072', legacy: false, share: { ffdheBytes: 384 } },
  { id: 0x0102, name: 'ffdhe4096', legacy: false, share: { ffdheBytes: 512 } },
  { id: 0x0103, name: 'ffdhe6144', legacy: false, share: { ffdheBytes: 768 } },
  { id: 0x0104, name: 'ffdhe8192', legacy: false, share: { ffdheBytes: 1024 } },
  ...LEGACY_CURVES.map((name, i) => ({ id: i + 1, name, legacy: true })),
  { id: 0x001a, name: 'brainpoolP256r1', legacy: true },
  { id: 0x001b, name: 'brainpoolP384r1', legacy: true },
  { id: 0x001c, name: 'brainpoolP512r1', legacy: true },
  { id: 0x001f, name: 'brainpoolP256r1tls13', legacy: false, share: { curve: 'brainpoolP256r1' } },
  { id: 0x0020, name: 'brainpoolP384r1tls13', legacy: false, share: { curve: 'brainpoolP384r1' } },
  { id: 0x0021, name: 'brainpoolP512r1tls13', legacy: false, share: { curve: 'brainpoolP512r1' } },
  { id: 0x0200, name: 'MLKEM512', legacy: false },
  { id: 0x0201, name: 'MLKEM768', legacy: false },
  { id: 0x0202, name: 'MLKEM1024', legacy: false },
  { id: 0x11eb, name: 'SecP256r1MLKEM768', legacy: false },
  { id: 0x11ec, name: 'X25519MLKEM768', legacy: false },
  { id: 0x11ed, name: 'SecP384r1MLKEM1024', legacy: false },
  { id: 0x6399, name: 'X25519Kyber768Draft00', legacy: false },
];

/** Every curve a TLS 1.2 hello offers, so that a server with any ECDHE suite can pick one. */
export const LEGACY_GROUP_IDS: readonly number[] = NAMED_GROUPS.filter((g) => g.legacy).map((g) => g.id);

/** What a TLS 1.3 hello lists in supported_groups when the group is not the question. */
export const TLS13_GROUP_IDS: readonly number[] = [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104];

export function groupName(id: number): string {
  return NAMED_GROUPS.find((g) => g.id === id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;
}

const shares = new Map<number, Buffer>();

/**
 * A public value the server accepts for `group` (RFC 8446 §4.2.8), or null when none can be made
 * here. The handshake never completes, so no private key is kept: X25519/X448 take any bytes,
 * the NIST and brainpool curves a fresh point, and the finite-field groups Y = 4, which passes
 * the checks of RFC 7919 §5.1 (1 < Y < p-1) and Y^q = 2^(p-1) = 1 mod p.
 */
export function keyShareFor(group: NamedGroup): Buffer | null {
  const share = group.share;
  if (share === undefined) return null;
  // Made once per process: a public value without a use for its private key can be offered again.
  let key = shares.get(group.id);
  if (!key) {
    if (share === 'x25519') key = randomBytes(32);
    else if (share === 'x448') key = randomBytes(56);
    else if ('curve' in share) key = createECDH(share.curve).generateKeys();
    else {
      key = Buffer.alloc(share.ffdheBytes);
      key[key.length - 1] = 4;
    }
    shares.set(group.id, key);
  }
  return key;
}

