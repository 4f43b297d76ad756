// Builds DiagnoseOptions from plain values. The VS Code settings module and the CLI flags both
// call this, so both front ends share defaults, validation and trust-store loading.
import { isIP } from 'node:net';
import { defaultDnsServers, parseDnsServer } from './dns/servers';
import { DEFAULT_TIMEOUTS, DEFAULTS, type DiagnoseOptions, type DnsServer, type Timeouts } from './options';
import type { DnsAddress } from './report';
import { DEFAULT_OS_BUNDLE_PATHS, loadTrustStores } from './tls/trustStore';
import { VERSION } from './version';

export interface SetupInput {
  /** Resolver specs (`ADDR[:PORT]`); null or empty means the system's (resolv.conf). */
  dnsServers: readonly string[] | null;
  extraCaFiles: readonly string[];
  timeouts?: Partial<Timeouts>;
  followRedirects?: boolean;
  maxRedirects?: number;
  maxBodyBytes?: number;
  /** `HOST:ADDR[,ADDR…]` (or curl's `HOST:PORT:ADDR`): pins a name to addresses. */
  resolve?: readonly string[];
  /** The SSL_CERT_FILE of the caller's environment: the OS store's bundle when set. */
  sslCertFile?: string | undefined;
  /** The caller's cache directory (the CLI's user cache, the extension's storage): facts about the trust stores are kept there. */
  cacheDir?: string | undefined;
}

export class SetupError extends Error {
  readonly code = 'SETUP_INVALID';
}

export async function prepareOptions(input: SetupInput): Promise<{ options: Omit<DiagnoseOptions, 'signal' | 'onUpdate' | 'log'>; warnings: string[] }> {
  const warnings: string[] = [];
  const dnsServers: DnsServer[] = [];
  if (input.dnsServers && input.dnsServers.length > 0) {
    for (const spec of input.dnsServers) {
      try {
        dnsServers.push(parseDnsServer(spec));
      } catch (err) {
        throw new SetupError(`DNS server "${spec}": ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  } else {
    dnsServers.push(...defaultDnsServers());
  }

  const pinned: Record<string, DnsAddress[]> = {};
  for (const entry of input.resolve ?? []) {
    const { host, addresses } = parseResolve(entry);
    (pinned[host] ??= []).push(...addresses);
  }

  const osBundlePaths = input.sslCertFile ? [input.sslCertFile, ...DEFAULT_OS_BUNDLE_PATHS] : undefined;
  const { stores, errors } = await loadTrustStores(input.extraCaFiles, { ...(osBundlePaths ? { osBundlePaths } : {}), ...(input.cacheDir ? { cacheDir: input.cacheDir } : {}) });
  warnings.push(...errors);

  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS };
  for (const [key, value] of Object.entries(input.timeouts ?? {}) as [keyof Timeouts, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new SetupError(`Timeout ${key} must be a positive number of milliseconds.`);
    timeouts[key] = value;
  }
  const maxRedirects = input.maxRedirects ?? DEFAULTS.maxRedirects;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) throw new SetupError('The redirect limit must be a whole number, 0 or more.');
  const maxBodyBytes = input.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) throw new SetupError('The body limit must be a whole number of bytes.');

  return {
    options: {
      timeouts,
      dnsServers,
      pinned,
      trust: stores,
      followRedirects: input.followRedirects ?? true,
      maxRedirects,
      maxBodyBytes,
      connectConcurrency: DEFAULTS.connectConcurrency,
      certExpiryWarningDays: DEFAULTS.certExpiryWarningDays,
      userAgent: `netdiag/${VERSION}`,
    },
    warnings,
  };
}

/** `host:addr[,addr]`, `host:[v6]`, `host:v6`, or curl's `host:port:addr`. */
export function parseResolve(entry: string): { host: string; addresses: DnsAddress[] } {
  const colon = entry.indexOf(':');
  if (colon <= 0) throw new SetupError(`--resolve "${entry}": expected HOST:ADDRESS.`);
  const host = entry.slice(0, colon).toLowerCase().replace(/\.$/, '');
  let rest = entry.slice(colon + 1);
  const curlForm = /^(\d{1,5}):(.+)$/.exec(rest);
  if (curlForm && curlForm[2]!.split(',').every((a) => isIP(a.replace(/^\[|\]$/g, '')) !== 0)) rest = curlForm[2]!;
  const addresses = rest.split(',').map((raw) => {
    const address = raw.trim().replace(/^\[|\]$/g, '');
    const family = isIP(address);
    if (family === 0) throw new SetupError(`--resolve "${entry}": "${raw}" is not an IP address.`);
    return { address, family: family as 4 | 6 };
  });
  return { host, addresses };
}
