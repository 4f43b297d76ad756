// The system facts on macOS, from the BSD tools it ships:
//   route        route -n get [-inet6] ADDR          (gateway, interface, flags, the route's MTU)
//   default      route -n get [-inet6] default
//   link         ifconfig IF, networksetup -listallhardwareports (which port is Wi-Fi)
//   neighbour    arp -n ADDR (IPv4), ndp -n ADDR (IPv6)
//   tcp          unavailable: macOS shows no other process's TCP_INFO on the command line
//   resolver     /etc/resolv.conf, /etc/hosts
// The parsers are pure and exported for the tests, which replay recorded output.
import { isIP } from 'node:net';
import type { CommandRunner } from '../command';
import type { NeighbourState } from '../model/stack';
import { normaliseMac, toolFailure, unavailable, type Fact, type FactControl, type InterfaceFacts, type KernelRoute, type SystemFacts } from './facts';

export interface DarwinDeps {
  run: CommandRunner;
  readFile: (path: string) => Promise<string | null>;
}

/** `route -n get ADDR`: its `key: value` lines and the MTU column of the metrics table. */
export function parseRouteGetDarwin(stdout: string): { gateway?: string; interface: string; flags: string[]; mtu?: number } | null {
  const field = (name: string): string | undefined => new RegExp(`^\\s*${name}:\\s*(.+?)\\s*$`, 'm').exec(stdout)?.[1];
  const itf = field('interface');
  if (itf === undefined) return null;
  const flags = (/<([^>]*)>/.exec(field('flags') ?? '')?.[1] ?? '').split(',').filter((f) => f !== '');
  const out: { gateway?: string; interface: string; flags: string[]; mtu?: number } = { interface: itf, flags };
  const gateway = field('gateway')?.replace(/%.*$/, '');
  // A gateway line without the GATEWAY flag names the interface's own address (a cloned host route).
  if (gateway !== undefined && flags.includes('GATEWAY') && isIP(gateway) !== 0) out.gateway = gateway;
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /\bmtu\b/.test(l) && /\bexpire\b/.test(l));
  const columns = lines[header]?.trim().split(/\s+/) ?? [];
  const values = lines[header + 1]?.trim().split(/\s+/) ?? [];
  const mtu = Number(values[columns.indexOf('mtu')]);
  if (header !== -1 && Number.isInteger(mtu) && mtu > 0) out.mtu = mtu;
  return out;
}

export interface Ifconfig {
  name: string;
  mtu: number;
  flags: string[];
  mac?: string;
  /** `active` or `inactive` (the `status:` line; absent on loopback and tunnels). */
  status?: string;
  inet?: string;
  inet6?: string;
  speedMbps?: number;
}

/** `ifconfig IF` → MTU, MAC, status, flags, the first address of each family and the media's speed. */
export function parseIfconfig(stdout: string): Ifconfig | null {
  const head = /^(\S+?):\s+flags=\w+<([^>]*)>.*\bmtu\s+(\d+)/m.exec(stdout);
  if (!head) return null;
  const out: Ifconfig = { name: head[1]!, mtu: Number(head[3]), flags: head[2]!.split(',').filter((f) => f !== '') };
  const mac = normaliseMac(/^\s+ether\s+(\S+)/m.exec(stdout)?.[1]);
  if (mac !== null) out.mac = mac;
  const status = /^\s+status:\s+(\S+)/m.exec(stdout)?.[1];
  if (status !== undefined) out.status = status;
  const inet = /^\s+inet\s+(\d+\.\d+\.\d+\.\d+)/m.exec(stdout)?.[1];
  if (inet !== undefined) out.inet = inet;
  const inet6 = /^\s+inet6\s+([0-9a-f:]+)(?:%\S+)?\s/im.exec(stdout)?.[1];
  if (inet6 !== undefined) out.inet6 = inet6;
  // media: autoselect (1000baseT <full-duplex>), (10Gbase-T …), (2500Base-T …)
  const media = /^\s+media:.*\((\d+)(G?)base/im.exec(stdout);
  if (media) out.speedMbps = Number(media[1]) * (media[2] === 'G' ? 1000 : 1);
  return out;
}

/** `networksetup -listallhardwareports` → the devices whose hardware port is Wi-Fi (or AirPort). */
export function parseWifiDevices(stdout: string): string[] {
  return stdout
    .split(/\n\s*\n/)
    .filter((block) => /^Hardware Port:\s*(Wi-Fi|AirPort)\s*$/im.test(block))
    .map((block) => /^Device:\s*(\S+)/m.exec(block)?.[1])
    .filter((d): d is string => d !== undefined);
}

function darwinKind(name: string, flags: readonly string[], wifi: readonly string[]): InterfaceFacts['kind'] {
  if (flags.includes('LOOPBACK')) return 'loopback';
  if (wifi.includes(name)) return 'wifi';
  if (/^(utun|ipsec|gif|stf|tun|tap|wg)\d/.test(name)) return 'tunnel';
  if (/^ppp\d/.test(name)) return 'ppp';
  if (/^bridge\d/.test(name)) return 'bridge';
  if (/^vlan\d/.test(name)) return 'vlan';
  if (/^bond\d/.test(name)) return 'bond';
  if (flags.includes('POINTOPOINT')) return 'tunnel';
  return /^en\d/.test(name) ? 'ethernet' : 'other';
}

/** `arp -n ADDR`: `? (10.0.0.1) at 0:11:22:33:44:55 on en0 ifscope [ethernet]`, `at (incomplete)`, `-- no entry`. */
export function parseArp(stdout: string): { mac?: string; state: NeighbourState } {
  const m = /\bat\s+(\S+)/.exec(stdout);
  if (!m || /no entry/.test(stdout)) return { state: 'none' };
  if (m[1] === '(incomplete)') return { state: 'incomplete' };
  const mac = normaliseMac(m[1]);
  return mac === null ? { state: 'none' } : { mac, state: 'resolved' };
}

const NDP_STATES: Readonly<Record<string, NeighbourState>> = { R: 'reachable', S: 'stale', D: 'delay', P: 'probe', I: 'incomplete', U: 'failed', N: 'none', W: 'none' };

/** `ndp -n ADDR`: a header, then `fe80::1%en0  0:11:22:33:44:55  en0  23h59m58s  S  R`. */
export function parseNdp(stdout: string): { mac?: string; state: NeighbourState } {
  const row = stdout.split('\n').find((l) => /^[0-9a-f:]+(%\S+)?\s/i.test(l.trim()) && !/^Neighbor/i.test(l.trim()));
  if (!row) return { state: 'none' };
  const cols = row.trim().split(/\s+/);
  if (cols[1] === '(incomplete)') return { state: 'incomplete' };
  const mac = normaliseMac(cols[1]);
  const state = NDP_STATES[cols[4] ?? ''] ?? (mac === null ? 'none' : 'resolved');
  return mac === null ? { state } : { mac, state };
}

export function darwinFacts(deps: DarwinDeps): SystemFacts {
  const run = async (file: string, args: string[], ctl: FactControl): Promise<Fact<string>> => {
    const out = await deps.run(file, args, ctl);
    return out.errorCode === undefined ? { value: out.stdout } : unavailable(toolFailure(`${file} ${args[0] ?? ''}`.trim(), out.errorCode, out.stderr));
  };
  const ifconfig = async (name: string, ctl: FactControl): Promise<Fact<Ifconfig>> => {
    const out = await run('ifconfig', [name], ctl);
    if ('unavailable' in out) return out;
    const parsed = parseIfconfig(out.value);
    return parsed ? { value: parsed } : unavailable(`ifconfig printed nothing for ${name}`);
  };
  return {
    os: 'macOS',
    async route(destination, source, ctl) {
      const address = destination.replace(/%.*$/, '');
      const out = await run('route', ['-n', 'get', ...(isIP(address) === 6 ? ['-inet6'] : []), destination], ctl);
      if ('unavailable' in out) return out;
      const r = parseRouteGetDarwin(out.value);
      if (!r) return unavailable(`route get printed no route for ${address}`);
      // route get does not name a source address: the connection's own, else the interface's.
      let from = source;
      if (from === null) {
        const itf = await ifconfig(r.interface, ctl);
        from = 'value' in itf ? ((isIP(address) === 6 ? itf.value.inet6 : itf.value.inet) ?? null) : null;
      }
      if (from === null) return unavailable(`no source address on ${r.interface} for ${address}`);
      const route: KernelRoute = { interface: r.interface, source: from };
      if (r.gateway !== undefined) route.gateway = r.gateway;
      if (r.flags.includes('LOCAL') || r.interface.startsWith('lo')) route.local = true;
      if (r.mtu !== undefined) route.pmtu = r.mtu;
      return { value: route };
    },
    async defaultInterface(family, ctl) {
      const out = await deps.run('route', ['-n', 'get', ...(family === 6 ? ['-inet6'] : []), 'default'], ctl);
      // "route: writing to routing socket: not in table": there is no default route.
      if (out.errorCode !== undefined) return /not in table/.test(out.stderr) ? { value: null } : unavailable(toolFailure('route get default', out.errorCode, out.stderr));
      return { value: parseRouteGetDarwin(out.stdout)?.interface ?? null };
    },
    async link(name, ctl) {
      const [itf, ports] = await Promise.all([ifconfig(name, ctl), deps.run('networksetup', ['-listallhardwareports'], ctl)]);
      if ('unavailable' in itf) return itf;
      const i = itf.value;
      const facts: InterfaceFacts = {
        interface: i.name,
        kind: darwinKind(i.name, i.flags, ports.errorCode === undefined ? parseWifiDevices(ports.stdout) : []),
        mtu: i.mtu,
        state: i.status === 'active' ? 'up' : i.status === 'inactive' ? 'down' : i.flags.includes('UP') ? 'up' : 'down',
      };
      if (i.mac !== undefined) facts.mac = i.mac;
      if (i.speedMbps !== undefined) facts.speedMbps = i.speedMbps;
      return { value: facts };
    },
    async neighbour(address, _interfaceName, ctl) {
      const bare = address.replace(/%.*$/, '');
      if (isIP(bare) === 6) {
        const out = await run('ndp', ['-n', address], ctl);
        return 'unavailable' in out ? out : { value: parseNdp(out.value) };
      }
      const out = await deps.run('arp', ['-n', bare], ctl);
      // arp exits 1 for "no entry"; its words are on stdout.
      if (out.errorCode !== undefined && !/no entry/.test(out.stdout + out.stderr)) return unavailable(toolFailure('arp', out.errorCode, out.stderr));
      return { value: parseArp(out.stdout + out.stderr) };
    },
    async tcp() {
      return unavailable('macOS shows no other process\'s TCP_INFO (round-trip time, retransmissions) on the command line');
    },
    async resolverFiles() {
      const [resolv, hosts] = await Promise.all([deps.readFile('/etc/resolv.conf'), deps.readFile('/etc/hosts')]);
      return { value: { resolvConf: resolv === null ? null : { path: '/etc/resolv.conf', text: resolv }, hosts: hosts === null ? null : { path: '/etc/hosts', text: hosts }, nsswitch: null } };
    },
  };
}
