// The three trust stores a verification is explained against: Node's bundled Mozilla roots, the
// operating system's store, and the user's extra CA files. Loaded once per configuration by the
// caller (src/vscode/config.ts, the CLI) and passed to the engine in DiagnoseOptions.trust. The
// facts the index needs about every certificate are worked out here too (storeFacts.ts: from
// the disk cache when the caller names one), so that none of it is left for a timed window.
import tls from 'node:tls';
import { readFile } from 'node:fs/promises';
import type { TrustStores } from '../options';
import { splitPemCertificates } from './certificate';
import { attachFacts, factsFor, type CertFacts } from './storeFacts';

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
  /** Where the certificates' facts are kept between runs (storeFacts.ts); none: memory only. */
  cacheDir?: string;
}

/**
 * Never throws: a file that cannot be read or holds a broken certificate becomes an `errors`
 * entry and the rest is still used. The files are read concurrently, but the errors come in a
 * fixed order (the OS store, then the extra files as configured), whichever read ends first.
 */
export async function loadTrustStores(extraCaFiles: readonly string[], opts: LoadTrustStoresOptions = {}): Promise<{ stores: TrustStores; errors: string[] }> {
  const osErrors: string[] = [];
  const node = [...tls.rootCertificates];
  const { cacheDir } = opts;
  const [os, extra, nodeFacts] = await Promise.all([
    loadOsStore(opts.osBundlePaths ?? DEFAULT_OS_BUNDLE_PATHS, osErrors, cacheDir),
    Promise.all(
      extraCaFiles.map(async (file) => {
        const errors: string[] = [];
        return { ...(await loadPemFile(file, errors, cacheDir)), errors };
      }),
    ),
    factsFor(node, { check: false, cacheDir }),
  ]);
  const stores: TrustStores = { node, os: os.pems, extra: extra.flatMap((f) => f.pems) };
  attachFacts(stores, { node: nodeFacts, os: os.facts, extra: extra.flatMap((f) => f.facts) });
  return { stores, errors: [...osErrors, ...extra.flatMap((f) => f.errors)] };
}

/** Certificates of one source, with their facts in the same order. */
interface Loaded {
  pems: string[];
  facts: CertFacts[];
}

const NOTHING: Loaded = { pems: [], facts: [] };

async function loadOsStore(paths: readonly string[], errors: string[], cacheDir: string | undefined): Promise<Loaded> {
  const getCACertificates = (tls as { getCACertificates?: GetCACertificates }).getCACertificates;
  if (typeof getCACertificates === 'function') {
    let system: string[];
    try {
      system = getCACertificates('system');
    } catch (err) {
      errors.push(`The OS certificate store could not be read: ${messageOf(err)}`);
      return NOTHING;
    }
    return { pems: system, facts: await factsFor(system, { check: false, cacheDir }) };
  }
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    return validCertificates(splitPemCertificates(text), path, errors, cacheDir);
  }
  errors.push(`No OS certificate bundle found (looked in ${paths.join(', ')}); only Node's bundled roots and extra CA files are used.`);
  return NOTHING;
}

async function loadPemFile(path: string, errors: string[], cacheDir: string | undefined): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    errors.push(`CA file ${path} could not be read: ${messageOf(err)}`);
    return NOTHING;
  }
  const blocks = splitPemCertificates(text);
  if (blocks.length === 0) {
    errors.push(`CA file ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
    return NOTHING;
  }
  return validCertificates(blocks, path, errors, cacheDir);
}

/** The blocks X509Certificate decodes; a broken one is reported and skipped so it cannot break the TLS context. */
async function validCertificates(blocks: string[], path: string, errors: string[], cacheDir: string | undefined): Promise<Loaded> {
  const facts = await factsFor(blocks, { check: true, cacheDir });
  const valid: Loaded = { pems: [], facts: [] };
  facts.forEach((f, i) => {
    if (f.error !== null) errors.push(`${path}: certificate ${i + 1} of ${blocks.length} does not decode (${f.error}); it is skipped.`);
    else {
      valid.pems.push(blocks[i]!);
      valid.facts.push(f);
    }
  });
  return valid;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
