// What kind of address a connection goes to (or comes from), and whether a host name looks like
// one the public internet should be able to resolve. Ranges follow the IANA special-purpose
// registries (RFC 6890 and its updates); the order of the checks below is most specific first.
import { BlockList, isIP } from 'node:net';
import { finding } from './findings';
import type { Family, Finding } from './model/common';
import type { AddressClass, ClassifiedAddress } from './model/report';

interface Range {
  prefix: string;
  bits: number;
  class: AddressClass;
  description: string;
}

const V4_RANGES: readonly Range[] = [
  { prefix: '0.0.0.0', bits: 32, class: 'unspecified', description: 'unspecified (0.0.0.0): means "any address" when binding; it is not a destination' },
  { prefix: '255.255.255.255', bits: 32, class: 'broadcast', description: 'limited broadcast (255.255.255.255): reaches every host on the local link, never routed; not a TCP destination' },
  { prefix: '127.0.0.0', bits: 8, class: 'loopback', description: 'loopback (127.0.0.0/8): this machine only; not reachable from any other host or container' },
  { prefix: '10.0.0.0', bits: 8, class: 'private', description: 'private (RFC 1918): reachable only inside this network or over a VPN' },
  { prefix: '172.16.0.0', bits: 12, class: 'private', description: 'private (RFC 1918): reachable only inside this network or over a VPN' },
  { prefix: '192.168.0.0', bits: 16, class: 'private', description: 'private (RFC 1918): reachable only inside this network or over a VPN' },
  { prefix: '100.64.0.0', bits: 10, class: 'cgnat', description: 'shared address space (RFC 6598, carrier-grade NAT; also Tailscale): reachable only inside the provider or overlay network' },
  { prefix: '169.254.0.0', bits: 16, class: 'link-local', description: 'link-local (RFC 3927): reachable only on the same link; often means DHCP failed, or a cloud metadata service' },
  { prefix: '192.0.2.0', bits: 24, class: 'documentation', description: 'documentation (RFC 5737, TEST-NET-1): reserved for examples, no real host has it' },
  { prefix: '198.51.100.0', bits: 24, class: 'documentation', description: 'documentation (RFC 5737, TEST-NET-2): reserved for examples, no real host has it' },
  { prefix: '203.0.113.0', bits: 24, class: 'documentation', description: 'documentation (RFC 5737, TEST-NET-3): reserved for examples, no real host has it' },
  { prefix: '224.0.0.0', bits: 4, class: 'multicast', description: 'multicast (224.0.0.0/4): a group address for UDP, not a TCP destination' },
  { prefix: '240.0.0.0', bits: 4, class: 'reserved', description: 'reserved (240.0.0.0/4, "future use"): not routed on the internet' },
  { prefix: '0.0.0.0', bits: 8, class: 'reserved', description: 'reserved (0.0.0.0/8, "this network"): not a valid destination' },
  { prefix: '198.18.0.0', bits: 15, class: 'reserved', description: 'reserved for benchmarking (RFC 2544): used only in test labs, not routed on the internet' },
  { prefix: '192.0.0.0', bits: 24, class: 'reserved', description: 'reserved for IETF protocol assignments (RFC 6890): not a general-purpose destination' },
  { prefix: '192.88.99.0', bits: 24, class: 'reserved', description: 'reserved (former 6to4 relay anycast, RFC 7526): no longer routed' },
];

const V6_RANGES: readonly Range[] = [
  { prefix: 'fe80::', bits: 10, class: 'link-local', description: 'link-local (fe80::/10): reachable only on the same link, and only with a zone id naming the interface (fe80::1%eth0)' },
  { prefix: 'fc00::', bits: 7, class: 'unique-local', description: 'unique local (fc00::/7, RFC 4193): the IPv6 private range, reachable only inside this network or over a VPN' },
  { prefix: '2001:db8::', bits: 32, class: 'documentation', description: 'documentation (2001:db8::/32, RFC 3849): reserved for examples, no real host has it' },
  { prefix: '3fff::', bits: 20, class: 'documentation', description: 'documentation (3fff::/20, RFC 9637): reserved for examples, no real host has it' },
  { prefix: 'ff00::', bits: 8, class: 'multicast', description: 'multicast (ff00::/8): a group address for UDP, not a TCP destination' },
  { prefix: 'fec0::', bits: 10, class: 'reserved', description: 'site-local (fec0::/10): deprecated by RFC 3879; use unique local addresses' },
  { prefix: '100::', bits: 64, class: 'reserved', description: 'discard-only (100::/64, RFC 6666): traffic to it is dropped on purpose' },
  { prefix: '2001:2::', bits: 48, class: 'reserved', description: 'reserved for benchmarking (2001:2::/48, RFC 5180): not routed on the internet' },
  { prefix: '64:ff9b::', bits: 96, class: 'public', description: 'NAT64 (64:ff9b::/96, RFC 6052): an IPv4 address reached through a NAT64 gateway' },
  { prefix: '64:ff9b:1::', bits: 48, class: 'private', description: 'local-use NAT64 (64:ff9b:1::/48, RFC 8215): an IPv4 address reached through this network\'s NAT64 gateway' },
  // Only 2000::/3 is allocated as global unicast (RFC 4291 §2.4); the rest is unassigned.
  { prefix: '2000::', bits: 3, class: 'public', description: 'public: routable on the internet, reachable from anywhere unless a firewall blocks it' },
];

const PUBLIC_V4 = 'public: routable on the internet, reachable from anywhere unless a firewall blocks it';
const UNASSIGNED_V6 = 'reserved (outside 2000::/3, not allocated as global unicast): not routed on the internet';

/** One BlockList per range, built once: BlockList does the prefix arithmetic for both families. */
const V4_LISTS = V4_RANGES.map((r) => ({ range: r, list: subnet(r, 'ipv4') }));
const V6_LISTS = V6_RANGES.map((r) => ({ range: r, list: subnet(r, 'ipv6') }));

function subnet(r: Range, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(r.prefix, r.bits, type);
  return list;
}

/**
 * Classifies an IP address (a zone id `%eth0` is ignored). An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, what a dual-stack socket reports for an IPv4 peer) is classified as the IPv4
 * address it carries and gets family 4, because IPv4 is what travels on the wire.
 * Throws TypeError when `address` is not an IP address: callers pass addresses from DNS or sockets.
 */
export function classifyAddress(address: string): ClassifiedAddress {
  const bare = stripZone(address);
  const family = isIP(bare);
  if (family === 4) return classifyV4(address, bare);
  if (family !== 6) throw new TypeError(`"${address}" is not an IP address`);
  const groups = ipv6Groups(bare);
  const mapped = mappedIPv4(groups);
  if (mapped !== null) {
    const inner = classifyV4(address, mapped);
    return { ...inner, description: `IPv4-mapped ${mapped}, ${inner.description}` };
  }
  if (groups.every((g) => g === 0)) return result(address, 6, 'unspecified', 'unspecified (::): means "any address" when binding; it is not a destination');
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) {
    return result(address, 6, 'loopback', 'loopback (::1): this machine only; not reachable from any other host or container');
  }
  for (const { range, list } of V6_LISTS) {
    if (list.check(bare, 'ipv6')) {
      if (range.prefix === '64:ff9b::') {
        const embedded = `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
        return result(address, 6, range.class, `${range.description} (embedded IPv4 ${embedded})`);
      }
      return result(address, 6, range.class, range.description);
    }
  }
  return result(address, 6, 'reserved', UNASSIGNED_V6);
}

function classifyV4(address: string, v4: string): ClassifiedAddress {
  for (const { range, list } of V4_LISTS) {
    if (list.check(v4, 'ipv4')) return result(address, 4, range.class, range.description);
  }
  return result(address, 4, 'public', PUBLIC_V4);
}

function result(address: string, family: Family, cls: AddressClass, description: string): ClassifiedAddress {
  return { address, family, class: cls, description };
}

/**
 * The address as sockets and os.networkInterfaces() name it: lower-case, without its zone id,
 * and an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as the IPv4 address it carries.
 * Input that is not an IP address comes back unchanged (zone id split off).
 */
export function normaliseAddress(address: string): { address: string; zoneId: string | null } {
  const percent = address.indexOf('%');
  const zoneId = percent === -1 ? null : address.slice(percent + 1);
  const bare = stripZone(address).toLowerCase();
  if (isIP(bare) !== 6) return { address: bare, zoneId };
  return { address: mappedIPv4(ipv6Groups(bare)) ?? bare, zoneId };
}

/** A host as written in a URL or `[v6]:port`, without the brackets around an IPv6 literal (RFC 3986 §3.2.2). */
export function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

function stripZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad becomes two groups). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address inside ::ffff:a.b.c.d (RFC 4291 §2.5.5.2), or null. */
function mappedIPv4(groups: readonly number[]): string | null {
  if (!groups.slice(0, 5).every((g) => g === 0) || groups[5] !== 0xffff) return null;
  const hi = groups[6]!;
  const lo = groups[7]!;
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/**
 * Suffixes that never resolve on the public internet: RFC 6761 special-use names (localhost,
 * test, example, invalid), RFC 6762 mDNS (.local), RFC 8375 (.home.arpa), ICANN's reserved
 * private TLD (.internal, 2024), and conventions common on LANs and in companies.
 */
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'lan', 'home.arpa', 'test', 'example', 'invalid', 'corp', 'home', 'localdomain', 'intranet', 'private'];

/**
 * True when `host` looks like a name meant to resolve on the public internet, so that a private
 * or loopback answer is worth pointing out (ADDRESS_PRIVATE_FOR_PUBLIC_NAME). False for IP
 * literals, single-label names (resolved through search domains) and private-use suffixes.
 */
export function isPublicLookingName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === '' || isIP(stripZone(unbracket(name))) !== 0) return false;
  if (!name.includes('.')) return false;
  return !PRIVATE_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

/**
 * What the addresses a target resolved to say about it: ADDRESS_NOT_ROUTABLE for each one that
 * cannot be a destination; ADDRESS_PRIVATE_FOR_PUBLIC_NAME when a name that looks public (`name`
 * null for an IP literal) resolves only to addresses the internet cannot reach.
 */
export function addressFindings(name: string | null, remote: readonly ClassifiedAddress[]): Finding[] {
  const out: Finding[] = [];
  for (const r of remote) {
    if (r.class === 'unspecified' || r.class === 'multicast' || r.class === 'broadcast') {
      out.push(finding('ADDRESS_NOT_ROUTABLE', `${r.address} is ${r.description}: it cannot be a destination.`, r.address));
    }
  }
  if (name !== null && isPublicLookingName(name)) {
    const inner = remote.filter((r) => r.class !== 'public' && r.class !== 'unspecified');
    if (inner.length > 0 && inner.length === remote.length) {
      out.push(finding('ADDRESS_PRIVATE_FOR_PUBLIC_NAME', `${name} looks like a public name but resolves to ${inner.map((r) => `${r.address} (${r.class})`).join(', ')}.`, name));
    }
  }
  return out;
}
