// What the trust-store index (verify.ts) and the loader (trustStore.ts) need to know about each
// store certificate: the SHA-256 of its DER, the key of its subject Name, and whether
// X509Certificate refuses it. Computing that for the ~280 certificates of Node's roots, the OS
// bundle and the extra CA files costs tens of milliseconds (X509Certificate is about 0.2 ms
// each), so it is done once per content and kept on disk under the caller's cache directory, in
// a file named by the SHA-256 of the certificates it describes. A changed store is other
// content, hence another file; a file that is unreadable, corrupt or of another format is ignored
// and rewritten; a directory that cannot be written is only slower. loadTrustStores attaches the
// facts to the TrustStores it returns, so the index (storeIndex.ts) does not work them out again.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrustStores } from '../options';
import { nameKeys, pemToDer } from './derNames';

export interface CertFacts {
  /** SHA-256 (hex) of the DER; null when neither the DER reader nor X509Certificate can read it. */
  digest: string | null;
  /** nameKeys(der).subject; null when the Name cannot be read without OpenSSL. */
  subject: string | null;
  /** Why X509Certificate refuses the certificate; null when it accepts it or was not asked. */
  error: string | null;
  /** Whether X509Certificate was asked (always when the DER reader failed). */
  checked: boolean;
}

/** Bumped when CertFacts or how they are computed changes: older files are then ignored. */
const FORMAT = 1;
const DIR = 'trust-index';
/** Files kept: a few configurations (extension and CLI, per Node version) at most. */
const KEEP_FILES = 16;

/** The facts of each store of a TrustStores that loadTrustStores made, in the stores' order. */
export type StoreFacts = Readonly<Record<keyof TrustStores, readonly CertFacts[]>>;

const attached = new WeakMap<TrustStores, StoreFacts>();

export function attachFacts(stores: TrustStores, facts: StoreFacts): void {
  attached.set(stores, facts);
}

/** The facts attached to `stores`, or undefined for stores made some other way (tests, callers of the API). */
export function attachedFacts(stores: TrustStores): StoreFacts | undefined {
  return attached.get(stores);
}

export interface FactsOptions {
  /** Ask X509Certificate about each certificate (what the loader reports); else only when needed. */
  check: boolean;
  /** Where the facts are kept between processes; undefined: memory only. */
  cacheDir?: string | undefined;
}

/** The facts of each certificate in `pems`, in order: from the disk cache, or computed (and then cached). */
export async function factsFor(pems: readonly string[], opts: FactsOptions): Promise<CertFacts[]> {
  if (opts.cacheDir === undefined || pems.length === 0) return pems.map((pem) => computeFacts(pem, opts.check));
  const file = join(opts.cacheDir, DIR, `${contentKey(pems, opts.check)}.json`);
  const cached = await readFacts(file, pems.length);
  if (cached) return cached;
  const facts = pems.map((pem) => computeFacts(pem, opts.check));
  await writeFacts(file, facts);
  return facts;
}

/** The facts of one certificate; X509Certificate is asked when `check` is set or the DER reader fails. */
export function computeFacts(pem: string, check: boolean): CertFacts {
  const der = pemToDer(pem);
  const keys = der && nameKeys(der);
  let cert: X509Certificate | null = null;
  let error: string | null = null;
  const asked = check || !der || !keys;
  if (asked) {
    try {
      cert = new X509Certificate(pem);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
  }
  if (der && keys) return { digest: digestOf(der), subject: keys.subject, error, checked: asked };
  if (!cert) return { digest: null, subject: null, error, checked: true };
  // The DER reader failed where OpenSSL succeeds: take the DER OpenSSL read.
  return { digest: digestOf(cert.raw), subject: nameKeys(cert.raw)?.subject ?? null, error: null, checked: true };
}

export function digestOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Names the file: the format, whether certificates were checked, and every certificate's text. */
function contentKey(pems: readonly string[], check: boolean): string {
  const hash = createHash('sha256').update(`netdiag-store-facts/${FORMAT}/${check ? 'checked' : 'read'}/${pems.length}\n`);
  for (const pem of pems) hash.update(`${pem.length}\n`).update(pem);
  return hash.digest('hex');
}

type Row = [digest: string | null, subject: string | null, error: string | null, checked: boolean];

interface FactsFile {
  format: number;
  /** SHA-256 of JSON.stringify(rows): a damaged file is not believed. */
  check: string;
  rows: Row[];
}

async function readFacts(file: string, count: number): Promise<CertFacts[] | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  const f = parsed as Partial<FactsFile> | null;
  if (typeof f !== 'object' || f === null || f.format !== FORMAT || !Array.isArray(f.rows) || f.rows.length !== count) return null;
  if (f.check !== createHash('sha256').update(JSON.stringify(f.rows)).digest('hex')) return null;
  const text = (v: unknown): v is string | null => v === null || typeof v === 'string';
  if (!f.rows.every((r) => Array.isArray(r) && r.length === 4 && text(r[0]) && text(r[1]) && text(r[2]) && typeof r[3] === 'boolean')) return null;
  return f.rows.map(([digest, subject, error, checked]) => ({ digest, subject, error, checked }));
}

async function writeFacts(file: string, facts: readonly CertFacts[]): Promise<void> {
  const rows: Row[] = facts.map((f) => [f.digest, f.subject, f.error, f.checked]);
  const body: FactsFile = { format: FORMAT, check: createHash('sha256').update(JSON.stringify(rows)).digest('hex'), rows };
  const dir = join(file, '..');
  // A unique name, then rename: another process never reads half a file.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(temp, JSON.stringify(body), { mode: 0o600 });
    await rename(temp, file);
    await prune(dir);
  } catch {
    // An unwritable cache only costs the next run the same work again.
    await unlink(temp).catch(() => undefined);
  }
}

/** Keeps the KEEP_FILES most recently written files. */
async function prune(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  if (names.length <= KEEP_FILES) return;
  const files = await Promise.all(names.map(async (n) => ({ path: join(dir, n), mtime: (await stat(join(dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
  files.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(files.slice(KEEP_FILES).map((f) => unlink(f.path).catch(() => undefined)));
}
