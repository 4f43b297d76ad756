// The link layer as far as an unprivileged process can see it: which local interface owns the
// source address a connection used (from socket.localAddress), with its addresses and MAC.
import { BlockList, isIP } from 'node:net';
import os from 'node:os';
import { normaliseAddress } from './address';
import type { Family } from './model/common';
import type { InterfaceInfo, LinkInfo } from './model/report';

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * The interface that owns `localAddress`. The address is normalised first (zone id split off,
 * `::ffff:a.b.c.d` read as IPv4), and `LinkInfo.localAddress` is that normalised form.
 * A link-local address can exist on several interfaces; the zone id (a name or a numeric scope
 * id) then picks one. Any 127/8 address belongs to the loopback interface that holds the /8
 * (Linux routes the whole block locally), so a source of 127.0.0.2 still finds `lo`.
 * `interface` is null when no interface holds the address (a VPN tunnel that went away, a
 * NAT64 translator on another host, a fabricated address in a test).
 */
export function findInterface(localAddress: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): LinkInfo {
  const { address, zoneId } = normaliseAddress(localAddress);
  const family = isIP(address);
  if (family === 0) return { localAddress: address, interface: null };
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // BlockList compares addresses numerically, so "fe80:0::1" and "fe80::1" are the same.
  const exact = new BlockList();
  exact.addAddress(address, type);
  const holds = (i: os.NetworkInterfaceInfo): boolean => familyOf(i) === family && exact.check(i.address, type);
  const owners = Object.entries(interfaces).filter(([, infos]) => (infos ?? []).some(holds));
  const byZone = owners.find(([name, infos]) => zoneId !== null && (name === zoneId || (infos ?? []).some((i) => holds(i) && String(i.scopeid) === zoneId)));
  const owner = byZone ?? owners[0] ?? loopbackOwner(address, interfaces);
  if (!owner) return { localAddress: address, interface: null };
  return { localAddress: address, interface: describe(owner[0], owner[1] ?? []) };
}

function loopbackOwner(address: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): [string, os.NetworkInterfaceInfo[] | undefined] | undefined {
  if (isIP(address) !== 4 || !address.startsWith('127.')) return undefined;
  return Object.entries(interfaces).find(([, infos]) =>
    (infos ?? []).some((i) => {
      if (!i.internal || familyOf(i) !== 4 || i.cidr === null) return false;
      const [base = '', bits = '32'] = i.cidr.split('/');
      const net = new BlockList();
      net.addSubnet(base, Number(bits), 'ipv4');
      return net.check(address, 'ipv4');
    }),
  );
}

function describe(name: string, infos: readonly os.NetworkInterfaceInfo[]): InterfaceInfo {
  const info: InterfaceInfo = {
    name,
    addresses: infos.map((i) => ({ address: i.address, family: familyOf(i), cidr: i.cidr })),
    internal: infos.some((i) => i.internal),
  };
  const mac = infos.find((i) => i.mac !== ZERO_MAC)?.mac;
  if (mac !== undefined) info.mac = mac;
  return info;
}

/** Node 18.0–18.3 reported family as a number; later versions as 'IPv4' / 'IPv6'. */
function familyOf(info: os.NetworkInterfaceInfo): Family {
  const family: unknown = info.family;
  return family === 'IPv4' || family === 4 ? 4 : 6;
}
