// What a side looks like from inside: its resolvers and search list (resolv.conf), the hosts-file
// lines that name the target, and its interfaces. The CLI adds it to its report with
// `--vantage-info` (which is how a vantage describes itself to the runner), and a local run
// describes this machine the same way.
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { parseResolvConf, type ReadTextFile } from '../dns/servers';
import { findHostsEntries } from '../dns/systemResolver';
import type { VantageInfo, VantageInterface } from '../model/vantage';

export type VantageSide = Pick<VantageInfo, 'resolvers' | 'search' | 'hosts' | 'interfaces'>;

const RESOLV_CONF = '/etc/resolv.conf';
const HOSTS = '/etc/hosts';

export function describeSide(host: string, readFile: ReadTextFile = readFileSync, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): VantageSide {
  const read = (path: string): string => {
    try {
      return readFile(path, 'utf8');
    } catch {
      return '';
    }
  };
  const conf = parseResolvConf(read(RESOLV_CONF));
  return {
    resolvers: conf.nameservers,
    search: conf.search,
    hosts: host === '' ? [] : findHostsEntries(read(HOSTS), HOSTS, host),
    interfaces: listInterfaces(interfaces),
  };
}

function listInterfaces(all: NodeJS.Dict<os.NetworkInterfaceInfo[]>): VantageInterface[] {
  return Object.entries(all).map(([name, infos]) => ({
    name,
    addresses: [...(infos ?? [])].sort((a, b) => Number(a.family !== 'IPv4') - Number(b.family !== 'IPv4')).map((i) => i.cidr ?? i.address),
  }));
}

/** "eth0 10.89.0.4": the interface that carried the connection and its address, when known. */
export function clientInterface(report: { link: { localAddress: string; interface: { name: string } | null } | null }): string | null {
  const link = report.link;
  if (!link || link.localAddress === '') return null;
  return link.interface ? `${link.interface.name} ${link.localAddress}` : link.localAddress;
}
