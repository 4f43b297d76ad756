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
 * entry and the rest is still used.
 */
export async function loadTrustStores(extraCaFiles: readonly string[], opts: LoadTrustStoresOptions = {}): Promise<{ stores: TrustStores; errors: string[] }> {
  const errors: string[] = [];
  const [os, extraLists] = await Promise.all([
    loadOsStore(opts.osBundlePaths ?? DEFAULT_OS_BUNDLE_PATHS, errors),
    Promise.all(extraCaFiles.map((file) => loadPemFile(file, errors))),
  ]);
  return { stores: { node: [...tls.rootCertificates], os, extra: extraLists.flat() }, errors };
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

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
