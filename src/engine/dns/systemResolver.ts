// The system resolver explained: what getaddrinfo reads (resolv.conf nameservers, search list,
// ndots and options; the nsswitch `hosts:` order; the hosts file) and what it does with a name —
// which hosts-file line answers it, or which search-list expansion. Files are read through the
// injected readFile and names resolved through the injected lookup, so tests give both.
import { errorInfo, ms, withDeadline, abortPromise } from '../abort';
import { finding } from '../findings';
import type { Finding } from '../model/common';
import type { HostsEntry, SystemResolverInfo } from '../model/dns';
import { defaultHostsPath, type LookupFn } from '../options';
import { normalName } from './codec';
import { canonicalIp, parseResolvConf } from './servers';

export interface SystemResolverOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  now: () => number;
  lookup: LookupFn;
  /** Throws when the file does not exist (like fs.readFileSync). */
  readFile: (path: string) => string;
  platform: NodeJS.Platform;
  /** Defaults: /etc/resolv.conf, /etc/hosts (Windows: %SystemRoot%\System32\drivers\etc\hosts), /etc/nsswitch.conf. */
  paths?: { resolvConf?: string; hosts?: string; nsswitch?: string };
}

/** The sources of the `hosts:` line of nsswitch.conf(5), without `[STATUS=action]` items. */
export function parseNsswitchHosts(text: string): string[] | null {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*hosts\s*:(.*)$/.exec(line.replace(/#.*/, ''));
    if (m) return (m[1] ?? '').replace(/\[[^\]]*\]/g, ' ').split(/\s+/).filter((s) => s !== '');
  }
  return null;
}

/** hosts(5): `address name [aliases…]`, `#` starts a comment. Lines that name `name`, in order. */
export function findHostsEntries(text: string, path: string, name: string): HostsEntry[] {
  const wanted = normalName(name);
  const entries: HostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const [address, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (address === undefined || address === '' || !names.some((n) => normalName(n) === wanted)) return;
    entries.push({ path, line: i + 1, text: raw.trim(), address });
  });
  return entries;
}

/**
 * The hosts-file lines that gave `addresses` for `name`: every address is on a line naming it
 * (glibc's `files` answers with those lines only, before DNS when nsswitch says `files dns`).
 * Null when the file does not name `name` or the answer holds an address it does not give.
 */
export function hostsSource(addresses: readonly string[], name: string, hostsFile: { path: string; text: string }): HostsEntry[] | null {
  const entries = findHostsEntries(hostsFile.text, hostsFile.path, name);
  const given = new Set(entries.map((e) => canonicalIp(e.address)));
  return entries.length > 0 && addresses.length > 0 && addresses.every((a) => given.has(canonicalIp(a))) ? entries : null;
}

/**
 * The names the resolver tries, in order (resolv.conf(5) `search`, `ndots`): a name with a
 * trailing dot only as is; one with at least ndots dots as is first, then with each search
 * domain; a shorter one with each search domain first, then as is.
 */
export function searchCandidates(name: string, search: readonly string[], ndots: number): string[] {
  if (name.endsWith('.')) return [normalName(name)];
  const n = normalName(name);
  const expanded = search.map((d) => `${n}.${normalName(d)}`);
  const dots = n.split('.').length - 1;
  return [...new Set(dots >= ndots ? [n, ...expanded] : [...expanded, n])];
}

export async function explainSystemResolver(name: string, opts: SystemResolverOptions): Promise<{ info: SystemResolverInfo; findings: Finding[] }> {
  const start = opts.now();
  const paths = {
    resolvConf: opts.paths?.resolvConf ?? '/etc/resolv.conf',
    hosts: opts.paths?.hosts ?? defaultHostsPath(opts.platform),
    nsswitch: opts.paths?.nsswitch ?? '/etc/nsswitch.conf',
  };
  const read = (path: string): string | null => {
    try {
      return opts.readFile(path);
    } catch {
      return null;
    }
  };
  const resolvText = opts.platform === 'win32' ? null : read(paths.resolvConf);
  const conf = resolvText === null ? null : parseResolvConf(resolvText);
  const nsswitchText = opts.platform === 'linux' ? read(paths.nsswitch) : null;
  const nsHosts = nsswitchText === null ? null : parseNsswitchHosts(nsswitchText);
  const hostsText = read(paths.hosts);
  const hostsEntries = hostsText === null ? [] : findHostsEntries(hostsText, paths.hosts, name);
  const candidates = searchCandidates(name, conf?.search ?? [], conf?.ndots ?? 1);

  const info: SystemResolverInfo = {
    resolvConf: conf === null ? null : { path: paths.resolvConf, nameservers: conf.nameservers, search: conf.search, ndots: conf.ndots, options: conf.options },
    nsswitch: nsHosts === null ? null : { path: paths.nsswitch, hosts: nsHosts },
    hostsEntries,
    candidates,
    answeredBy: null,
    answeredFrom: null,
    addresses: [],
    durationMs: 0,
  };
  const findings: Finding[] = [];

  // What the OS gives for the name as typed: the answer applications get.
  const typed = await lookupOnce(name, opts);
  if ('error' in typed) info.error = typed.error;
  else info.addresses = typed.addresses;

  const filesFirst = nsHosts === null || (nsHosts.includes('files') && (!nsHosts.includes('dns') || nsHosts.indexOf('files') < nsHosts.indexOf('dns')));
  if (hostsEntries.length > 0 && filesFirst) {
    info.answeredBy = normalName(name);
    info.answeredFrom = 'hosts';
    const first = hostsEntries[0];
    if (first !== undefined && !isLocalhost(name)) {
      findings.push(finding('DNS_HOSTS_OVERRIDE', `${first.path} line ${first.line} ("${first.text}") answers ${name} with ${hostsEntries.map((e) => e.address).join(', ')}; DNS is not asked for it.`, `${first.path}:${first.line}`));
    }
  } else if (!('error' in typed) && candidates.length > 1) {
    // Each candidate as an absolute name (trailing dot), all at once; the first in order that resolves answered.
    const results = await Promise.all(candidates.map((c) => lookupOnce(`${c}.`, opts)));
    const index = results.findIndex((r) => !('error' in r) && r.addresses.length > 0);
    if (index !== -1) {
      info.answeredBy = candidates[index] ?? null;
      info.answeredFrom = 'dns';
      if (info.answeredBy !== normalName(name)) {
        const tried = candidates.slice(0, index + 1).join(', ');
        findings.push(finding('DNS_SEARCH_EXPANSION', `${name} has fewer than ${conf?.ndots ?? 1} dot(s) (ndots), so the system resolver tried ${tried}; ${info.answeredBy} answered, not ${name} itself.`, name));
      }
    }
  } else if (!('error' in typed)) {
    info.answeredBy = candidates[0] ?? null;
    info.answeredFrom = 'dns';
  }
  info.durationMs = ms(opts.now() - start);
  return { info, findings };
}

/** Names the hosts file always answers (RFC 6761 §6.3 and Debian's IPv6 aliases): no finding for them. */
export function isLocalhost(name: string): boolean {
  const n = normalName(name);
  return n === 'localhost' || n.endsWith('.localhost') || n === 'ip6-localhost' || n === 'ip6-loopback';
}

async function lookupOnce(host: string, opts: SystemResolverOptions): Promise<{ addresses: string[] } | { error: ReturnType<typeof errorInfo> }> {
  try {
    // Raced with the signal too, so an injected lookup that ignores its signal still ends on time.
    const addresses = await withDeadline(opts.signal, opts.timeoutMs, `System lookup of ${host}`, (signal) => Promise.race([opts.lookup(host, signal), abortPromise(signal)]));
    return { addresses: addresses.map((a) => a.address) };
  } catch (err) {
    return { error: errorInfo(err) };
  }
}
