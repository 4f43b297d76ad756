// The system resolver: what applications on this machine get (getaddrinfo: hosts file, nsswitch,
// search domains, the OS cache). The lookup function is injected so tests and --resolve can
// replace it; systemLookup turns its outcome into data.
import { promises as dnsPromises } from 'node:dns';
import { abortPromise, errorInfo, ms, withDeadline } from '../abort';
import type { LookupFn } from '../options';
import type { DnsAddress, Family, SystemLookup } from '../report';

/**
 * getaddrinfo through `dns.promises.lookup`, in the order the OS returned (`order: 'verbatim'`,
 * Node ≥ 20.1), which is the order clients try. getaddrinfo cannot be cancelled (it runs on the
 * libuv thread pool), so the signal only stops the wait; the lookup itself finishes unobserved.
 */
export const osLookup: LookupFn = async (hostname, signal) => {
  const lookup = dnsPromises.lookup(hostname, { all: true, order: 'verbatim' });
  const results = await Promise.race([lookup, abortPromise(signal)]);
  return results.map((r): DnsAddress => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));
};

export interface SystemLookupOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  now: () => number;
}

/**
 * Runs `lookup` for `host` under a deadline. Never throws: a failure is `error` (ENOTFOUND,
 * EAI_AGAIN, ETIMEDOUT after `timeoutMs`, CANCELLED…) with no addresses.
 */
export async function systemLookup(host: string, lookup: LookupFn, opts: SystemLookupOptions): Promise<SystemLookup> {
  const start = opts.now();
  try {
    // Raced with the signal too, so an injected lookup that ignores its signal still ends on time.
    const addresses = await withDeadline(opts.signal, opts.timeoutMs, `System lookup of ${host}`, (signal) =>
      Promise.race([lookup(host, signal), abortPromise(signal)]),
    );
    return { addresses, durationMs: ms(opts.now() - start) };
  } catch (err) {
    return { addresses: [], durationMs: ms(opts.now() - start), error: errorInfo(err) };
  }
}

/** How a host's addresses were found, by resolveHost. */
export interface Resolution {
  host: string;
  /** `ip-literal`: the host is an address; `pinned`: --resolve named its addresses; `system`: the lookup ran. */
  source: 'ip-literal' | 'pinned' | 'system';
  /** In the order clients try them; empty when the lookup failed. */
  addresses: DnsAddress[];
  /** The system lookup, when it ran (its time and any error). */
  lookup: SystemLookup | null;
}

export interface ResolveOptions extends SystemLookupOptions {
  /** The system resolver; the OS's by default. */
  lookup?: LookupFn;
  /** Names pinned to addresses (curl --resolve), keys lower case: no lookup for them. */
  pinned: Readonly<Record<string, readonly DnsAddress[]>>;
}

/**
 * The addresses of `host` as every connection of the engine gets them: the literal itself, the
 * pinned addresses, or the system lookup (under its deadline). Never throws.
 */
export async function resolveHost(host: string, ipFamily: Family | null, opts: ResolveOptions): Promise<Resolution> {
  if (ipFamily !== null) return { host, source: 'ip-literal', addresses: [{ address: host, family: ipFamily }], lookup: null };
  const pinned = opts.pinned[host.toLowerCase()];
  if (pinned && pinned.length > 0) return { host, source: 'pinned', addresses: [...pinned], lookup: null };
  const lookup = await systemLookup(host, opts.lookup ?? osLookup, opts);
  return { host, source: 'system', addresses: lookup.addresses, lookup };
}
