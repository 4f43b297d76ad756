// Builds the engine's options from plain values: a diagnosis, a DNS lookup and a certificate
// check. The VS Code settings module and the CLI flags both call these, so both front ends share
// defaults (options.ts), validation and trust-store loading.
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { unbracket } from './address';
import type { DnsLookupOptions } from './dns/lookup';
import { IANA_ROOT_HINTS } from './dns/rootHints';
import { defaultDnsServers, parseDnsServer } from './dns/servers';
import { osLookup } from './dns/system';
import { osFacts } from './stack/osFacts';
import type { DnsAddress } from './model/dns';
import { DEFAULT_TIMEOUTS, DEFAULTS, LIMITS, rangeProblem, type DiagnoseOptions, type DnsServer, type Range, type Timeouts } from './options';
import type { CertCheckOptions } from './tls/certCheck';
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
  /** The SystemRoot of the caller's environment (Windows: where the hosts file is). */
  systemRoot?: string | undefined;
  /** The caller's cache directory (the CLI's user cache, the extension's storage): facts about the trust stores are kept there. */
  cacheDir?: string | undefined;
  /**
   * The hosts file the system resolver reads (`defaultHostsPath`), so a diagnosis can say which
   * line answered a name. Absent, unreadable or larger than MAX_HOSTS_BYTES: not read.
   */
  hostsFile?: string;
}

/** Hosts files of ad blockers run to a few MiB; a larger one is not read. */
const MAX_HOSTS_BYTES = 16 * 1024 * 1024;

/** The hosts file's text, or undefined when it cannot be read whole within the limit. */
function readHostsFile(path: string): { path: string; text: string } | undefined {
  try {
    if (statSync(path).size > MAX_HOSTS_BYTES) return undefined;
    return { path, text: readFileSync(path, 'utf8') };
  } catch {
    return undefined;
  }
}

export class SetupError extends Error {
  readonly code = 'SETUP_INVALID';
  /**
   * The SetupInput field at fault (`timeouts.httpMs`, `maxRedirects`, `maxBodyBytes`…), so a
   * front end can name its own setting or flag; absent for a problem that is not one field's.
   */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** `value` when it lies in `range`; else a SetupError naming `field` and the range. */
export function checkRange(field: string, value: number, range: Range): number {
  const problem = rangeProblem(value, range);
  if (problem !== null) throw new SetupError(`${field} ${problem}; got ${value}.`, field);
  return value;
}

/** What prepareOptions gives: everything but the per-run signal, progress callback and log. */
export type PreparedOptions = Omit<DiagnoseOptions, 'signal' | 'onUpdate' | 'log'>;

export async function prepareOptions(input: SetupInput): Promise<{ options: PreparedOptions; warnings: string[] }> {
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
    if (value !== undefined) timeouts[key] = checkRange(`timeouts.${key}`, value, LIMITS.timeoutMs);
  }
  const maxRedirects = checkRange('maxRedirects', input.maxRedirects ?? DEFAULTS.maxRedirects, LIMITS.maxRedirects);
  const maxBodyBytes = checkRange('maxBodyBytes', input.maxBodyBytes ?? DEFAULTS.maxBodyBytes, LIMITS.maxBodyBytes);

  const hostsFile = input.hostsFile === undefined ? undefined : readHostsFile(input.hostsFile);
  return {
    options: {
      ...(hostsFile ? { hostsFile } : {}),
      timeouts,
      dnsServers,
      pinned,
      trust: stores,
      followRedirects: input.followRedirects ?? DEFAULTS.followRedirects,
      maxRedirects,
      maxBodyBytes,
      connectConcurrency: DEFAULTS.connectConcurrency,
      certExpiryWarningDays: DEFAULTS.certExpiryWarningDays,
      userAgent: `netdiag/${VERSION}`,
      systemFacts: osFacts(process.platform, input.systemRoot ? { systemRoot: input.systemRoot } : {}),
    },
    warnings,
  };
}

/** A certificate check (netdiag cert, the Certificates view) with a diagnosis' trust, TLS timeout and expiry warning. */
export function certCheckOptions(prepared: PreparedOptions): Pick<CertCheckOptions, 'trust' | 'timeoutMs' | 'expiryWarningDays'> {
  return { trust: prepared.trust, timeoutMs: prepared.timeouts.tlsMs, expiryWarningDays: prepared.certExpiryWarningDays };
}

export interface DnsSetupInput {
  /** Record types; empty: A and AAAA (PTR for an IP). */
  types: readonly string[];
  /** Resolvers to ask, tried in order; empty: the system's (resolv.conf). */
  servers: readonly DnsServer[];
  /** Each query; DEFAULT_TIMEOUTS.dnsMs when absent. */
  timeoutMs?: number;
  /** Trace from the root: from these roots (all on the first one's port), or from IANA's on 53. */
  trace: false | { roots: readonly DnsServer[] };
  /** Explain the system resolver (hosts file, search list, nsswitch). */
  explainSystem: boolean;
  /** Other resolvers to ask side by side (public ones only when the user names them). */
  compareWith?: readonly DnsServer[];
  tcp?: boolean;
  dnssecOk?: boolean;
  authoritative?: boolean;
}

/** A DNS lookup (netdiag dns, Look Up DNS Records). */
export function dnsLookupOptions(input: DnsSetupInput, signal: AbortSignal): DnsLookupOptions {
  const roots = input.trace === false ? [] : input.trace.roots;
  return {
    signal,
    timeoutMs: checkRange('timeouts.dnsMs', input.timeoutMs ?? DEFAULT_TIMEOUTS.dnsMs, LIMITS.timeoutMs),
    types: input.types,
    servers: input.servers.length > 0 ? input.servers : defaultDnsServers(),
    tcp: input.tcp === true,
    dnssecOk: input.dnssecOk === true,
    trace: input.trace === false ? null : { roots: roots.length > 0 ? roots.map((r) => ({ name: r.address, address: r.address, source: 'hints' as const })) : IANA_ROOT_HINTS, port: roots[0]?.port ?? 53 },
    system: input.explainSystem ? { lookup: osLookup, readFile: (p) => readFileSync(p, 'utf8'), platform: process.platform } : null,
    publicResolvers: input.compareWith ?? [],
    authoritative: input.authoritative === true,
  };
}

/** `host:addr[,addr]`, `host:[v6]`, `host:v6`, or curl's `host:port:addr`. */
export function parseResolve(entry: string): { host: string; addresses: DnsAddress[] } {
  const colon = entry.indexOf(':');
  if (colon <= 0) throw new SetupError(`--resolve "${entry}": expected HOST:ADDRESS.`);
  const host = entry.slice(0, colon).toLowerCase().replace(/\.$/, '');
  let rest = entry.slice(colon + 1);
  const curlForm = /^(\d{1,5}):(.+)$/.exec(rest);
  if (curlForm && curlForm[2]!.split(',').every((a) => isIP(unbracket(a)) !== 0)) rest = curlForm[2]!;
  const addresses = rest.split(',').map((raw) => {
    const address = unbracket(raw.trim());
    const family = isIP(address);
    if (family === 0) throw new SetupError(`--resolve "${entry}": "${raw}" is not an IP address.`);
    return { address, family: family as 4 | 6 };
  });
  return { host, addresses };
}
