// A throw-away PKI for tests: a root, an intermediate and leaves for localhost with every key type
// the engine reads, plus the broken variants the TLS findings explain. Generated once per process
// (about a second) and kept in memory; nothing is written outside a temporary directory that is
// removed as soon as the certificates exist.
//
// Keys come from node:crypto; certificates from the `openssl ca` CLI (OpenSSL 3.0), because it
// signs with RSA, EC and Ed25519 keys alike and takes explicit -startdate/-enddate, so expired and
// not-yet-valid certificates need no clock tricks (`openssl x509 -days` cannot backdate, and
// node-forge signs with RSA only).
import { execFile } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TrustStores } from '../../src/engine/options';

const run = promisify(execFile);
const DAY = 86_400_000;

/** Names every good leaf covers (as SANs). */
export const LEAF_DNS_NAMES = ['localhost'] as const;
export const LEAF_IP_ADDRESSES = ['127.0.0.1', '::1'] as const;
/** The only name in the `wrongHost` leaf. */
export const WRONG_HOST_NAME = 'wrong-host.test';
/** Extension values put into every leaf issued by the intermediate (never fetched by any test). */
export const LEAF_URLS = {
  ocsp: 'http://127.0.0.1:9/ocsp',
  caIssuers: 'http://127.0.0.1:9/intermediate.crt',
  crl: 'http://127.0.0.1:9/intermediate.crl',
} as const;

export type KeySpec = 'rsa2048' | 'rsa1024' | 'p256' | 'p384' | 'ed25519';

export interface Issued {
  /** PKCS#8 PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** Subject as given to OpenSSL (`/O=…/CN=…`), handy in assertions. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

export interface ServerCase extends Issued {
  /**
   * What a server configured with this case sends: the leaf, then the intermediates (PEM,
   * concatenated). Use it as `cert` for tls.createServer / https.createServer: `serverOptions(c)`.
   */
  chain: string;
}

export interface TestPki {
  /** RSA 2048 root; the only certificate in `trust.extra`. */
  root: Issued;
  /** EC P-256 CA:TRUE pathlen:0, issued by `root`; issues every leaf below except noted. */
  intermediate: Issued;
  /** An EC P-256 root that no store holds. */
  otherRoot: Issued;
  /** Trust stores that anchor the test PKI: `extra` = [root], node and os empty. */
  trust: TrustStores;
  /** Good leaves for localhost, 127.0.0.1 and ::1 (chain: leaf + intermediate), valid now−1d…now+90d. */
  rsa: ServerCase;
  p256: ServerCase;
  p384: ServerCase;
  ed25519: ServerCase;
  /** Valid now−100d…now−10d. */
  expired: ServerCase;
  /** Valid now+10d…now+100d. */
  notYetValid: ServerCase;
  /** Valid now−1d…now+5d. */
  expiresSoon: ServerCase;
  /** Names only WRONG_HOST_NAME. */
  wrongHost: ServerCase;
  /** Self-signed leaf for localhost (CA:FALSE); chain is the leaf alone. */
  selfSigned: ServerCase;
  /** Leaf issued directly by `otherRoot`; chain = leaf + otherRoot (complete but unknown root). */
  untrustedRoot: ServerCase;
  /** The `rsa` leaf served without its intermediate (chain = leaf only). */
  incompleteChain: ServerCase;
  /**
   * Leaf signed with ecdsa-with-SHA1. OpenSSL refuses to serve it at the default security level:
   * a server needs `ciphers: 'DEFAULT:@SECLEVEL=0'`.
   */
  sha1: ServerCase;
  /** RSA 1024 leaf; a server needs `ciphers: 'DEFAULT:@SECLEVEL=0'` as well. */
  rsa1024: ServerCase;
  /** A self-signed RSA root signed with sha1WithRSAEncryption (in no store). */
  sha1Root: Issued;
  /** A good SHA-256 leaf issued directly by `sha1Root`; chain = leaf + sha1Root. */
  sha1RootLeaf: ServerCase;
}

/** `key` and `cert` options for tls.createServer / https.createServer. */
export function serverOptions(c: ServerCase): { key: string; cert: string } {
  return { key: c.key, cert: c.chain };
}

let cached: Promise<TestPki> | undefined;

/** The test PKI, generated on first use and shared by every test in the process. */
export function testPki(): Promise<TestPki> {
  cached ??= generate();
  return cached;
}

async function generate(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'netdiag-pki-'));
  try {
    const now = Date.now();
    const at = (days: number): Date => new Date(now + days * DAY);
    const leafNames = [...LEAF_DNS_NAMES.map((n) => `DNS:${n}`), ...LEAF_IP_ADDRESSES.map((a) => `IP:${a}`)].join(',');
    const leafExt = (keyUsage: string, san = leafNames): string[] => [
      'basicConstraints = critical, CA:FALSE',
      `keyUsage = critical, ${keyUsage}`,
      'extendedKeyUsage = serverAuth, clientAuth',
      `subjectAltName = ${san}`,
      `authorityInfoAccess = OCSP;URI:${LEAF_URLS.ocsp}, caIssuers;URI:${LEAF_URLS.caIssuers}`,
      `crlDistributionPoints = URI:${LEAF_URLS.crl}`,
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
    ];
    const caExt = (pathLen?: number): string[] => [
      `basicConstraints = critical, CA:TRUE${pathLen === undefined ? '' : `, pathlen:${pathLen}`}`,
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
    ];
    const ctx: Ctx = { dir, seq: 0, leafKeys: new Map() };

    const [root, otherRoot, sha1Root] = await Promise.all([
      issue(ctx, { key: 'rsa2048', subject: '/O=Netdiag Test/CN=Netdiag Test Root CA', from: at(-10), to: at(3650), ext: caExt(), ca: true }),
      issue(ctx, { key: 'p256', subject: '/O=Elsewhere Inc/CN=Elsewhere Root CA', from: at(-10), to: at(3650), ext: caExt(), ca: true }),
      // Shares the leaves' RSA key: a third RSA key would double the generation time.
      issue(ctx, { key: 'rsa2048', subject: '/O=Old Times/CN=Old SHA-1 Root CA', from: at(-10), to: at(3650), ext: caExt(), md: 'sha1' }),
    ]);
    const intermediate = await issue(ctx, {
      key: 'p256',
      subject: '/O=Netdiag Test/CN=Netdiag Test Intermediate CA',
      from: at(-5),
      to: at(1825),
      ext: [...caExt(0), 'authorityKeyIdentifier = keyid'],
      issuer: root,
      ca: true,
    });
    const rsaKu = 'digitalSignature, keyEncipherment';
    const leaf = (key: KeySpec, cn: string, from: number, to: number, more: Partial<IssueSpec> = {}): Promise<ServerCase> =>
      issue(ctx, { key, subject: `/O=Netdiag Test/CN=${cn}`, from: at(from), to: at(to), ext: leafExt(key.startsWith('rsa') ? rsaKu : 'digitalSignature'), issuer: intermediate, ...more }).then((c) => withChain(c, intermediate));

    const [rsa, p256, p384, ed25519, expired, notYetValid, expiresSoon, wrongHost, sha1, rsa1024, selfSigned, untrustedRoot, sha1RootLeaf] = await Promise.all([
      leaf('rsa2048', 'localhost', -1, 90),
      leaf('p256', 'localhost', -1, 90),
      leaf('p384', 'localhost', -1, 90),
      leaf('ed25519', 'localhost', -1, 90),
      leaf('rsa2048', 'localhost', -100, -10),
      leaf('rsa2048', 'localhost', 10, 100),
      leaf('rsa2048', 'localhost', -1, 5),
      leaf('rsa2048', WRONG_HOST_NAME, -1, 90, { ext: leafExt(rsaKu, `DNS:${WRONG_HOST_NAME}`) }),
      leaf('rsa2048', 'localhost', -1, 90, { md: 'sha1' }),
      leaf('rsa1024', 'localhost', -1, 90),
      issue(ctx, { key: 'rsa2048', subject: '/O=Self Signed/CN=localhost', from: at(-1), to: at(90), ext: ['basicConstraints = critical, CA:FALSE', `keyUsage = critical, ${rsaKu}`, 'extendedKeyUsage = serverAuth', `subjectAltName = ${leafNames}`, 'subjectKeyIdentifier = hash'] }).then((c) => withChain(c)),
      issue(ctx, { key: 'p256', subject: '/O=Elsewhere Inc/CN=localhost', from: at(-1), to: at(90), ext: leafExt('digitalSignature'), issuer: otherRoot }).then((c) => withChain(c, otherRoot)),
      issue(ctx, { key: 'p256', subject: '/O=Old Times/CN=localhost', from: at(-1), to: at(90), ext: leafExt('digitalSignature'), issuer: sha1Root }).then((c) => withChain(c, sha1Root)),
    ]);

    return {
      root,
      intermediate,
      otherRoot,
      trust: { node: [], os: [], extra: [root.cert] },
      rsa,
      p256,
      p384,
      ed25519,
      expired,
      notYetValid,
      expiresSoon,
      wrongHost,
      selfSigned,
      untrustedRoot,
      incompleteChain: withChain(rsa),
      sha1,
      rsa1024,
      sha1Root,
      sha1RootLeaf,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Ctx {
  dir: string;
  seq: number;
  /** Leaves of one key type share a key: RSA key generation dominates the run time otherwise. */
  leafKeys: Map<KeySpec, Promise<string>>;
}

interface IssueSpec {
  key: KeySpec;
  subject: string;
  from: Date;
  to: Date;
  /** Lines of an OpenSSL extension section. */
  ext: string[];
  /** Self-signed when absent. */
  issuer?: Issued;
  /** A CA gets a key of its own; other certificates share one per key type. */
  ca?: boolean;
  md?: 'sha256' | 'sha1';
}

function withChain(c: Issued, ...issuers: Issued[]): ServerCase {
  return { ...c, chain: [c.cert, ...issuers.map((i) => i.cert)].join('') };
}

async function issue(ctx: Ctx, spec: IssueSpec): Promise<Issued> {
  // Each certificate gets its own directory and CA database, so issuing runs in parallel.
  const dir = join(ctx.dir, String(ctx.seq++));
  await mkdir(dir);
  const file = (name: string): string => join(dir, name);
  const key = await keyFor(ctx, spec);
  await Promise.all([
    writeFile(file('key.pem'), key),
    writeFile(file('index.txt'), ''),
    writeFile(file('ext.cnf'), `[ext]\n${spec.ext.join('\n')}\n`),
    writeFile(file('ca.cnf'), caConfig(dir)),
    spec.issuer && writeFile(file('issuer.pem'), spec.issuer.cert),
    spec.issuer && writeFile(file('issuer.key'), spec.issuer.key),
  ]);
  await run('openssl', ['req', '-new', '-key', file('key.pem'), '-subj', spec.subject, '-out', file('req.csr')]);
  const signer = spec.issuer ? ['-cert', file('issuer.pem'), '-keyfile', file('issuer.key')] : ['-selfsign', '-keyfile', file('key.pem')];
  await run('openssl', [
    'ca', '-batch', '-notext', '-preserveDN', '-rand_serial',
    '-config', file('ca.cnf'),
    ...signer,
    '-in', file('req.csr'),
    '-out', file('cert.pem'),
    '-startdate', opensslTime(spec.from),
    '-enddate', opensslTime(spec.to),
    // Ed25519 signatures have no separate digest (RFC 8410 §6); OpenSSL wants `-md default` then.
    '-md', spec.issuer === undefined && spec.key === 'ed25519' ? 'default' : (spec.md ?? 'sha256'),
    '-extfile', file('ext.cnf'),
    '-extensions', 'ext',
  ]);
  const cert = await readFile(file('cert.pem'), 'utf8');
  return { key, cert, subject: spec.subject, notBefore: truncateSeconds(spec.from), notAfter: truncateSeconds(spec.to) };
}

function caConfig(dir: string): string {
  return [
    '[ca]',
    'default_ca = test_ca',
    '[test_ca]',
    `dir = ${dir}`,
    'database = $dir/index.txt',
    'new_certs_dir = $dir',
    // Named but never read: -rand_serial picks each serial.
    'serial = $dir/serial',
    'unique_subject = no',
    'copy_extensions = none',
    'email_in_dn = no',
    'policy = any',
    // `openssl ca` deletes DN fields its policy does not name.
    '[any]',
    'countryName = optional',
    'organizationName = optional',
    'organizationalUnitName = optional',
    'commonName = supplied',
    '',
  ].join('\n');
}

function keyFor(ctx: Ctx, spec: IssueSpec): Promise<string> {
  if (spec.ca) return newKey(spec.key);
  let key = ctx.leafKeys.get(spec.key);
  if (!key) {
    key = newKey(spec.key);
    ctx.leafKeys.set(spec.key, key);
  }
  return key;
}

function newKey(spec: KeySpec): Promise<string> {
  const enc = { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } } as const;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _pub: string, priv: string): void => (err ? reject(err) : resolve(priv));
    switch (spec) {
      case 'rsa2048':
      case 'rsa1024':
        generateKeyPair('rsa', { modulusLength: spec === 'rsa2048' ? 2048 : 1024, ...enc }, done);
        return;
      case 'p256':
      case 'p384':
        generateKeyPair('ec', { namedCurve: spec === 'p256' ? 'prime256v1' : 'secp384r1', ...enc }, done);
        return;
      case 'ed25519':
        generateKeyPair('ed25519', enc, done);
        return;
    }
  });
}

/** GeneralizedTime as `openssl ca -startdate/-enddate` take it: YYYYMMDDHHMMSSZ. */
function opensslTime(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

function truncateSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
