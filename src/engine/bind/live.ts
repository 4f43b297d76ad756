// Sockets listening on this machine, and its interface addresses. On Linux the kernel's tables
// are read directly (/proc/net/tcp, tcp6, udp, udp6; proc(5)) and socket inodes are mapped to
// processes through /proc/<pid>/fd where permitted; elsewhere `ss`, `netstat` or `lsof` output is
// parsed. Every command has a timeout and honours the AbortSignal; a failure yields no listeners.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import type { LiveListener, Protocol } from '../model/bind';
import type { LocalInterface } from './facts';

export interface LiveOptions {
  signal?: AbortSignal;
  /** Timeout of each external command, in milliseconds. */
  timeoutMs?: number;
  /** The /proc root (tests point it elsewhere). */
  procRoot?: string;
  platform?: NodeJS.Platform;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

export async function listListeners(options: LiveOptions = {}): Promise<LiveListener[]> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux') {
    const fromProc = await readProc(options.procRoot ?? '/proc', options.signal);
    if (fromProc !== null) return fromProc;
  }
  for (const [cmd, args, parse] of [
    ['ss', ['-H', '-l', '-n', '-t', '-u', '-p'], parseSs],
    ['lsof', ['-nP', '-iTCP', '-sTCP:LISTEN', '-iUDP', '-F', 'pcnPt'], parseLsof],
    ['netstat', ['-an'], parseNetstat],
  ] as const) {
    const out = await run(cmd, [...args], options);
    if (out !== null) return parse(out);
  }
  return [];
}

/** The addresses of this machine's interfaces (os.networkInterfaces), zone ids dropped. */
export function localInterfaces(): LocalInterface[] {
  const out: LocalInterface[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) out.push({ name, address: a.address.replace(/%.*$/, ''), family: a.family === 'IPv6' ? 6 : 4 });
  }
  return out;
}

async function readProc(root: string, signal?: AbortSignal): Promise<LiveListener[] | null> {
  const tables: [string, Protocol, 4 | 6][] = [['tcp', 'tcp', 4], ['tcp6', 'tcp', 6], ['udp', 'udp', 4], ['udp6', 'udp', 6]];
  const rows: { l: LiveListener; inode: string }[] = [];
  let any = false;
  for (const [name, protocol, family] of tables) {
    signal?.throwIfAborted();
    let text: string;
    try {
      text = await fs.readFile(`${root}/net/${name}`, 'utf8');
      any = true;
    } catch {
      continue;
    }
    rows.push(...parseProcNet(text, protocol, family));
  }
  if (!any) return null;
  const owners = await socketOwners(root, new Set(rows.map((r) => r.inode)), signal);
  return rows.map(({ l, inode }) => {
    const o = owners.get(inode);
    return o ? { ...l, pid: o.pid, process: o.name } : l;
  });
}

/** One /proc/net/{tcp,tcp6,udp,udp6} table: listening TCP sockets, unconnected UDP sockets. */
export function parseProcNet(text: string, protocol: Protocol, family: 4 | 6): { l: LiveListener; inode: string }[] {
  const out: { l: LiveListener; inode: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [local, remote, state, inode] = [f[1]!, f[2]!, f[3]!, f[9]!];
    if (protocol === 'tcp' ? state !== TCP_LISTEN : state !== UDP_UNCONNECTED || !/:0000$/.test(remote)) continue;
    const [hex, portHex] = local.split(':') as [string, string];
    out.push({ l: { protocol, address: procAddress(hex, family), port: parseInt(portHex, 16), pid: null, process: null }, inode });
  }
  return out;
}

/** The kernel prints each 32-bit word of the address in host byte order (little-endian on x86/ARM). */
function procAddress(hex: string, family: 4 | 6): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (family === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const full = groups.join(':');
  if (/^0:0:0:0:0:ffff:/.test(full)) return `::ffff:${bytes.slice(12).join('.')}`;
  // WHATWG URL serialises IPv6 hosts in the RFC 5952 shortest form.
  return new URL(`http://[${full}]/`).hostname.slice(1, -1);
}

async function socketOwners(root: string, inodes: Set<string>, signal?: AbortSignal): Promise<Map<string, { pid: number; name: string | null }>> {
  const owners = new Map<string, { pid: number; name: string | null }>();
  let pids: string[];
  try {
    pids = (await fs.readdir(root)).filter((d) => /^\d+$/.test(d));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    if (owners.size === inodes.size) break;
    signal?.throwIfAborted();
    let fds: string[];
    try {
      fds = await fs.readdir(`${root}/${pid}/fd`);
    } catch {
      continue; // another user's process: not permitted, or gone
    }
    let name: string | null | undefined;
    for (const fd of fds) {
      const target = await fs.readlink(`${root}/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m || !inodes.has(m[1]!) || owners.has(m[1]!)) continue;
      name ??= (await fs.readFile(`${root}/${pid}/comm`, 'utf8').catch(() => '')).trim() || null;
      owners.set(m[1]!, { pid: Number(pid), name });
    }
  }
  return owners;
}

function run(cmd: string, args: string[], options: LiveOptions): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: options.timeoutMs ?? 3000, signal: options.signal, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => resolve(err ? null : stdout));
  });
}

function splitHostPort(text: string): { address: string; port: number } | null {
  const m = /^\[?(.*?)\]?[:.](\d+|\*)$/.exec(text);
  if (!m || m[2] === '*') return null;
  let address = m[1]!.replace(/%.*$/, '');
  if (address === '*' || address === '') address = '0.0.0.0';
  return { address, port: Number(m[2]) };
}

/** `ss -H -l -n -t -u -p`: `tcp LISTEN 0 4096 127.0.0.1:8080 0.0.0.0:* users:(("node",pid=42,fd=20))`. */
export function parseSs(text: string): LiveListener[] {
  const out: LiveListener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const protocol = f[0] === 'udp' ? 'udp' : f[0] === 'tcp' ? 'tcp' : null;
    if (protocol === null) continue;
    const local = splitHostPort(f[4]!);
    if (!local) continue;
    const u = /users:\(\("([^"]*)",pid=(\d+)/.exec(line);
    out.push({ protocol, ...local, pid: u ? Number(u[2]) : null, process: u ? u[1]! : null });
  }
  return out;
}

/** `lsof -F pcnPt`: field lines p<pid>, c<command>, P<protocol>, n<address>. */
export function parseLsof(text: string): LiveListener[] {
  const out: LiveListener[] = [];
  let pid: number | null = null;
  let name: string | null = null;
  let protocol: Protocol = 'tcp';
  for (const line of text.split('\n')) {
    const tag = line[0];
    const value = line.slice(1);
    if (tag === 'p') pid = Number(value);
    else if (tag === 'c') name = value;
    else if (tag === 'P') protocol = value.toLowerCase() === 'udp' ? 'udp' : 'tcp';
    else if (tag === 'n' && !value.includes('->')) {
      const local = splitHostPort(value);
      if (local) out.push({ protocol, ...local, pid, process: name });
    }
  }
  return out;
}

/** `netstat -an` (Linux, macOS, BSD, Windows): listening TCP rows and UDP rows without a peer. */
export function parseNetstat(text: string): LiveListener[] {
  const out: LiveListener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const proto = f[0]?.toLowerCase() ?? '';
    if (!/^(tcp|udp)/.test(proto)) continue;
    const isTcp = proto.startsWith('tcp');
    if (isTcp && !/LISTEN/i.test(line)) continue;
    // Linux: proto recv-q send-q local foreign state; macOS: same; Windows: proto local foreign state.
    const local = splitHostPort(/^\d+$/.test(f[1] ?? '') ? f[3]! : f[1]!);
    if (local) out.push({ protocol: isTcp ? 'tcp' : 'udp', ...local, pid: null, process: null });
  }
  return out;
}
