// Which DNS servers to ask: parsing `ADDR[:PORT]` specs (settings, CLI flags), formatting them for
// reports, and reading the system's resolvers from /etc/resolv.conf. Parsing is pure; only
// defaultDnsServers touches the file system, and callers (config, CLI) decide when to call it.
import { getServers } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { DnsServer } from '../options';

const DNS_PORT = 53;

/**
 * `ADDR`, `ADDR:PORT`, `[V6]`, `[V6]:PORT` or a bare IPv6 address (its colons are not a port
 * separator). Only IP literals: a resolver named by host name would need DNS to be found.
 * Throws an Error whose message says what is wrong with `spec`.
 */
export function parseDnsServer(spec: string): DnsServer {
  const text = spec.trim();
  if (text === '') throw new Error('A DNS server cannot be empty: use an IP address, optionally with :port.');

  let address: string;
  let port: string | null = null;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    address = bracketed[1] ?? '';
    port = bracketed[2] ?? null;
    if (isIP(address) !== 6) throw new Error(`DNS server "${text}": "${address}" in brackets is not an IPv6 address.`);
  } else if (isIP(text) === 6) {
    address = text;
  } else {
    const colon = text.lastIndexOf(':');
    address = colon === -1 ? text : text.slice(0, colon);
    port = colon === -1 ? null : text.slice(colon + 1);
    if (isIP(address) !== 4) {
      throw new Error(`DNS server "${text}" is not an IP address: use 192.0.2.53, 192.0.2.53:5353, 2001:db8::53 or [2001:db8::53]:5353.`);
    }
  }
  return { address, port: port === null ? DNS_PORT : parsePort(port, text) };
}

function parsePort(port: string, spec: string): number {
  const n = Number(port);
  if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535) {
    throw new Error(`DNS server "${spec}": port "${port}" is not a number from 1 to 65535.`);
  }
  return n;
}

/** `ADDR` on port 53, else `ADDR:PORT` or `[V6]:PORT`: the form WireQuery.server uses. */
export function formatDnsServer(s: DnsServer): string {
  if (s.port === DNS_PORT) return s.address;
  return isIP(s.address) === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/**
 * One text per address, for comparing: IPv6 in its RFC 5952 form (via the WHATWG URL serializer)
 * without a zone id, IPv4 as is.
 */
export function canonicalIp(address: string): string {
  if (isIP(address) !== 6) return address;
  const bare = address.split('%')[0] ?? address;
  try {
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare.toLowerCase();
  }
}

export interface ResolvConf {
  nameservers: string[];
  /** The search list; `domain` sets a one-entry list (the last of domain/search wins). */
  search: string[];
  ndots: number;
  /** Every `options` token as written, `ndots:n` included. */
  options: string[];
}

/** glibc's default and its cap for `options ndots:n` (resolv.conf(5)). */
const DEFAULT_NDOTS = 1;
const MAX_NDOTS = 15;

/**
 * Reads resolv.conf(5) text the way glibc does: one keyword per line, comment lines start with
 * `#` or `;`, unknown keywords are ignored, and for `domain`/`search` the last line wins.
 */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: DEFAULT_NDOTS, options: [] };
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const [keyword, ...args] = trimmed.split(/\s+/);
    switch (keyword) {
      case 'nameserver':
        if (args[0] !== undefined) conf.nameservers.push(args[0]);
        break;
      case 'domain':
        conf.search = args[0] === undefined ? [] : [args[0]];
        break;
      case 'search':
        conf.search = args;
        break;
      case 'options':
        for (const option of args) {
          conf.options.push(option);
          const ndots = /^ndots:(\d+)$/.exec(option);
          if (ndots) conf.ndots = Math.min(Number(ndots[1]), MAX_NDOTS);
        }
        break;
      default:
        break;
    }
  }
  return conf;
}

export type ReadTextFile = (path: string, encoding: 'utf8') => string;

/** glibc uses at most MAXNS (3) nameserver lines (resolv.conf(5)); the rest are never asked. */
const MAXNS = 3;

/**
 * The resolvers the system uses: the nameservers of /etc/resolv.conf, else Node's own list
 * (`dns.getServers()`, which on Windows and macOS comes from the OS). Unreadable files and
 * entries that are not IP addresses are skipped, so this never throws.
 */
export function defaultDnsServers(readFile: ReadTextFile = readFileSync): DnsServer[] {
  let fromFile: string[] = [];
  try {
    fromFile = parseResolvConf(readFile('/etc/resolv.conf', 'utf8')).nameservers;
  } catch {
    // No resolv.conf (Windows) or unreadable: fall back to Node's list below.
  }
  // Lines that are not addresses take no slot (glibc skips them before counting to MAXNS).
  const servers = parseAll(fromFile).slice(0, MAXNS);
  return servers.length > 0 ? servers : parseAll(getServers());
}

function parseAll(specs: readonly string[]): DnsServer[] {
  const servers: DnsServer[] = [];
  for (const spec of specs) {
    try {
      servers.push(parseDnsServer(spec));
    } catch {
      // A hand-edited line that is not an address: glibc ignores it too.
    }
  }
  return servers;
}
