// The system facts on Windows, from PowerShell's NetTCPIP and NetAdapter modules, each answer
// shaped into a small JSON object by the script itself:
//   route        Find-NetRoute -RemoteIPAddress ADDR   (falls back to `route print -4`)
//   default      Get-NetRoute -DestinationPrefix 0.0.0.0/0 (::/0)
//   link         Get-NetAdapter and Get-NetIPInterface for the alias
//   neighbour    Get-NetNeighbor -IPAddress ADDR -InterfaceAlias IF
//   tcp          unavailable: per-connection TCP statistics (ESTATS) are off unless an administrator turns them on
//   resolver     the hosts file under %SystemRoot%
// Addresses reach a script only after isIP accepted them; interface aliases (the OS's own words)
// only inside single quotes, with quotes doubled. The parsers are pure and exported for the tests.
import { isIP } from 'node:net';
import type { CommandRunner } from '../command';
import type { InterfaceKind, NeighbourState } from '../model/stack';
import { normaliseMac, toolFailure, unavailable, type Fact, type FactControl, type InterfaceFacts, type KernelRoute, type SystemFacts } from './facts';

export interface WindowsDeps {
  run: CommandRunner;
  readFile: (path: string) => Promise<string | null>;
  /** %SystemRoot%, where the hosts file lives (C:\Windows by default). */
  systemRoot?: string;
}

/** A PowerShell single-quoted string: nothing inside is expanded; a quote is written twice. */
export function psQuote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The arguments that run `script` in Windows PowerShell without a profile or prompts. */
export function powershellArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-Command', `$ErrorActionPreference='Stop'; ${script}`];
}

export function findNetRouteScript(address: string): string {
  if (isIP(address) === 0) throw new TypeError(`"${address}" is not an IP address`);
  return `$r = Find-NetRoute -RemoteIPAddress ${psQuote(address)}; $a = $r | Where-Object { $_.IPAddress } | Select-Object -First 1; $n = $r | Where-Object { $_.NextHop } | Select-Object -First 1; [pscustomobject]@{ source = [string]$a.IPAddress; interface = [string]$n.InterfaceAlias; nextHop = [string]$n.NextHop; prefix = [string]$n.DestinationPrefix } | ConvertTo-Json -Compress`;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text.trim());
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Find-NetRoute's answer: an unspecified next hop (0.0.0.0, ::) means the destination is on the link. */
export function parseFindNetRoute(stdout: string, destination: string): KernelRoute | null {
  const o = parseObject(stdout);
  const itf = str(o?.['interface']);
  const source = str(o?.['source']);
  if (!o || itf === '' || isIP(source) === 0) return null;
  const route: KernelRoute = { interface: itf, source };
  const next = str(o['nextHop']);
  if (isIP(next) !== 0 && next !== '0.0.0.0' && next !== '::') route.gateway = next;
  if (/^Loopback/i.test(itf) || source === destination) route.local = true;
  return route;
}

function v4(address: string): number | null {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/**
 * `route print -4`'s Active Routes for `destination`: the longest prefix, then the lowest metric.
 * The table names an interface by its address, so `interface` is that address.
 */
export function parseRoutePrint(stdout: string, destination: string): KernelRoute | null {
  const dest = v4(destination);
  if (dest === null) return null;
  const start = stdout.indexOf('Active Routes:');
  if (start === -1) return null;
  let best: { bits: number; metric: number; gateway: string; itf: string } | null = null;
  for (const line of stdout.slice(start).split(/\r?\n/).slice(1)) {
    if (/^=+/.test(line.trim()) || /^Persistent/i.test(line.trim())) break;
    const [net, mask, gateway, itf, metric] = line.trim().split(/\s+/);
    const n = v4(net ?? '');
    const m = v4(mask ?? '');
    if (n === null || m === null || itf === undefined || v4(itf) === null || (dest & m) >>> 0 !== n) continue;
    const bits = m.toString(2).replace(/0/g, '').length;
    const cost = Number(metric);
    if (best === null || bits > best.bits || (bits === best.bits && cost < best.metric)) best = { bits, metric: cost, gateway: gateway ?? '', itf };
  }
  if (best === null) return null;
  const route: KernelRoute = { interface: best.itf, source: best.itf };
  if (v4(best.gateway) !== null) route.gateway = best.gateway;
  if (best.itf.startsWith('127.') || best.itf === destination) route.local = true;
  return route;
}

export function linkScript(alias: string): string {
  const n = psQuote(alias);
  return `$a = Get-NetAdapter -Name ${n} -IncludeHidden -ErrorAction SilentlyContinue; $i = Get-NetIPInterface -InterfaceAlias ${n} -ErrorAction SilentlyContinue | Select-Object -First 1; [pscustomobject]@{ name = ${n}; description = [string]$a.InterfaceDescription; mac = [string]$a.MacAddress; status = [string]$a.Status; linkSpeed = [string]$a.LinkSpeed; mediaType = [string]$a.MediaType; physicalMedium = [string]$a.NdisPhysicalMedium; mtu = [string]$i.NlMtu } | ConvertTo-Json -Compress`;
}

function windowsKind(name: string, description: string, media: string): InterfaceKind {
  if (/loopback/i.test(name) || /loopback/i.test(description)) return 'loopback';
  if (/802\.11|wireless|wi-?fi/i.test(media) || /wi-?fi|wireless/i.test(description)) return 'wifi';
  if (/wireguard|wintun|tap-windows|openvpn|vpn|tunnel|anyconnect|globalprotect/i.test(description)) return 'tunnel';
  if (/hyper-v virtual ethernet|vethernet|bridge/i.test(`${name} ${description}`)) return 'bridge';
  if (/ppp|wan miniport/i.test(description)) return 'ppp';
  if (/802\.3/.test(media)) return 'ethernet';
  return 'other';
}

/** "1 Gbps", "866.7 Mbps", "10 Gbps" → Mb/s. */
function linkSpeedMbps(text: string): number | undefined {
  const m = /^([\d.]+)\s*([KMG])bps$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * ({ K: 0.001, M: 1, G: 1000 } as Record<string, number>)[m[2]!.toUpperCase()]!;
  return Number.isFinite(n) && n > 0 ? Math.round(n * 10) / 10 : undefined;
}

export function parseWindowsLink(stdout: string): InterfaceFacts | null {
  const o = parseObject(stdout);
  const name = str(o?.['name']);
  const mtu = Number(str(o?.['mtu']));
  if (!o || name === '' || !Number.isInteger(mtu) || mtu <= 0) return null;
  const description = str(o['description']);
  const media = `${str(o['mediaType'])} ${str(o['physicalMedium'])}`;
  const facts: InterfaceFacts = {
    interface: name,
    kind: windowsKind(name, description, media),
    // The loopback pseudo-interface reports 4294967295 ("no limit").
    mtu: mtu >= 0xffffffff ? 65535 : mtu,
    state: str(o['status']).toLowerCase() || 'unknown',
  };
  if (description !== '') facts.driver = description;
  const mac = normaliseMac(str(o['mac']));
  if (mac !== null) facts.mac = mac;
  const speed = linkSpeedMbps(str(o['linkSpeed']));
  if (speed !== undefined) facts.speedMbps = speed;
  return facts;
}

export function neighbourScript(address: string, alias: string): string {
  if (isIP(address) === 0) throw new TypeError(`"${address}" is not an IP address`);
  return `$e = Get-NetNeighbor -IPAddress ${psQuote(address)} -InterfaceAlias ${psQuote(alias)} -ErrorAction SilentlyContinue | Select-Object -First 1; if ($e) { [pscustomobject]@{ mac = [string]$e.LinkLayerAddress; state = [string]$e.State } | ConvertTo-Json -Compress } else { '{}' }`;
}

const WINDOWS_STATES: Readonly<Record<string, NeighbourState>> = { reachable: 'reachable', stale: 'stale', delay: 'delay', probe: 'probe', incomplete: 'incomplete', unreachable: 'failed', permanent: 'permanent' };

export function parseWindowsNeighbour(stdout: string): { mac?: string; state: NeighbourState } {
  const o = parseObject(stdout);
  const state = WINDOWS_STATES[str(o?.['state']).toLowerCase()] ?? 'none';
  const mac = normaliseMac(str(o?.['mac']));
  return mac === null ? { state } : { mac, state };
}

export function windowsFacts(deps: WindowsDeps): SystemFacts {
  const ps = async (script: string, what: string, ctl: FactControl): Promise<Fact<string>> => {
    const out = await deps.run('powershell.exe', powershellArgs(script), ctl);
    return out.errorCode === undefined ? { value: out.stdout } : unavailable(toolFailure(out.errorCode === 'ENOENT' ? 'powershell.exe' : what, out.errorCode, out.stderr));
  };
  return {
    os: 'Windows',
    async route(destination, source, ctl) {
      const address = destination.replace(/%.*$/, '');
      const out = await ps(findNetRouteScript(address), 'Find-NetRoute', ctl);
      let route = 'value' in out ? parseFindNetRoute(out.value, address) : null;
      if (route === null && isIP(address) === 4) {
        const printed = await deps.run('route', ['print', '-4'], ctl);
        if (printed.errorCode === undefined) route = parseRoutePrint(printed.stdout, address);
      }
      if (route === null) return 'unavailable' in out ? out : unavailable(`Find-NetRoute gave no route to ${address}`);
      return { value: source === null ? route : { ...route, source } };
    },
    async defaultInterface(family, ctl) {
      const prefix = family === 6 ? '::/0' : '0.0.0.0/0';
      const out = await ps(`Get-NetRoute -DestinationPrefix ${psQuote(prefix)} -ErrorAction SilentlyContinue | Sort-Object RouteMetric | Select-Object -First 1 -ExpandProperty InterfaceAlias`, 'Get-NetRoute', ctl);
      return 'unavailable' in out ? out : { value: out.value.trim() || null };
    },
    async link(name, ctl) {
      const out = await ps(linkScript(name), 'Get-NetAdapter', ctl);
      if ('unavailable' in out) return out;
      const facts = parseWindowsLink(out.value);
      return facts ? { value: facts } : unavailable(`Get-NetAdapter gave nothing for ${name}`);
    },
    async neighbour(address, interfaceName, ctl) {
      const out = await ps(neighbourScript(address.replace(/%.*$/, ''), interfaceName), 'Get-NetNeighbor', ctl);
      return 'unavailable' in out ? out : { value: parseWindowsNeighbour(out.value) };
    },
    async tcp() {
      return unavailable('Windows keeps per-connection TCP statistics (ESTATS) off unless an administrator turns them on; Netdiag does not');
    },
    async resolverFiles() {
      const path = `${deps.systemRoot ?? 'C:\\Windows'}\\System32\\drivers\\etc\\hosts`;
      const hosts = await deps.readFile(path);
      return { value: { resolvConf: null, hosts: hosts === null ? null : { path, text: hosts }, nsswitch: null } };
    },
  };
}
