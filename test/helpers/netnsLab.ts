// A small network the tests build out of Linux network namespaces (root only): a client, a router
// and a server joined by veth pairs, with IP forwarding in the router. Every address exists only
// inside these namespaces, so no packet of a test leaves them.
//
//   client eth0 (10.77.1.2/24) ─── eth0 (10.77.1.1) ┐
//          eth1 (10.77.3.2/24) ─── eth2 (10.77.3.1) ┼ router eth1 (10.77.2.1) ─── eth0 (10.77.2.2/24, 10.77.2.3/24) server
//                                                    ┘
// The second client link (eth1) exists when asked for. Namespace names are unique per process and
// the links are made under unique names before they are named ethN inside, so parallel runs do not
// meet; `close()` removes the namespaces (their veths go with them), the files under
// /etc/netns and any process started inside, and runs at exit too when a test failed first.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { stopProcess } from './process';

export interface LabOptions {
  /** MTU of the client–router link (c0/r0) and of the router–server link (r1/s0); 1500 by default. */
  clientMtu?: number;
  serverMtu?: number;
  /** A second client–router link (c1/r2, 10.77.3.0/24). */
  secondLink?: boolean;
  /** Files `ip netns exec` shows the client as /etc/<name> (hosts, resolv.conf). */
  clientEtc?: Record<string, string>;
}

export interface Lab {
  ns: { client: string; router: string; server: string };
  /** Interface names inside each namespace: c0, c1 (client: eth0, eth1), r0, r1, r2 (router: eth0–eth2), s0 (server: eth0). */
  dev: Record<'c0' | 'c1' | 'r0' | 'r1' | 'r2' | 's0', string>;
  /** Runs a command inside a namespace; throws with its stderr when it fails. */
  exec(ns: string, ...args: string[]): string;
  /** The MAC address of an interface inside a namespace. */
  mac(ns: string, dev: string): string;
  /** Starts a long-running process inside a namespace; stopped by close(). */
  start(ns: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  close(): Promise<void>;
}

function run(args: readonly string[]): string {
  try {
    return execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`${args.join(' ')}: ${stderr || (err as Error).message}`, { cause: err });
  }
}

export function makeLab(opts: LabOptions = {}): Lab {
  const tag = `nds${process.pid % 100000}${Math.floor(Math.random() * 100)}`;
  const ns = { client: `${tag}c`, router: `${tag}r`, server: `${tag}s` };
  // Made under unique names in this namespace, then named as a host would name them in their own.
  const made = { c0: `${tag}c0`, c1: `${tag}c1`, r0: `${tag}r0`, r1: `${tag}r1`, r2: `${tag}r2`, s0: `${tag}s0` };
  const dev = { c0: 'eth0', c1: 'eth1', r0: 'eth0', r1: 'eth1', r2: 'eth2', s0: 'eth0' };
  const children: ChildProcess[] = [];
  const cleanup = (): void => {
    for (const n of Object.values(ns)) {
      spawnSync('ip', ['netns', 'del', n]);
      rmSync(`/etc/netns/${n}`, { recursive: true, force: true });
    }
  };
  const onExit = (): void => {
    for (const c of children) c.kill('SIGKILL');
    cleanup();
  };
  process.once('exit', onExit);
  const exec = (n: string, ...args: string[]): string => run(['ip', 'netns', 'exec', n, ...args]);
  try {
    if (opts.clientEtc) {
      mkdirSync(`/etc/netns/${ns.client}`, { recursive: true });
      for (const [name, text] of Object.entries(opts.clientEtc)) writeFileSync(`/etc/netns/${ns.client}/${name}`, text);
    }
    for (const n of Object.values(ns)) run(['ip', 'netns', 'add', n]);
    type End = keyof typeof dev;
    const pair = (a: End, aNs: string, b: End, bNs: string, mtu: number): void => {
      run(['ip', 'link', 'add', made[a], 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', made[b], 'mtu', String(mtu)]);
      for (const [end, n] of [[a, aNs], [b, bNs]] as const) {
        run(['ip', 'link', 'set', made[end], 'netns', n]);
        run(['ip', '-n', n, 'link', 'set', made[end], 'name', dev[end]]);
      }
    };
    pair('c0', ns.client, 'r0', ns.router, opts.clientMtu ?? 1500);
    pair('r1', ns.router, 's0', ns.server, opts.serverMtu ?? 1500);
    if (opts.secondLink) pair('c1', ns.client, 'r2', ns.router, 1500);
    const addr = (n: string, d: string, cidr: string): void => void run(['ip', '-n', n, 'addr', 'add', cidr, 'dev', d]);
    addr(ns.client, dev.c0, '10.77.1.2/24');
    addr(ns.router, dev.r0, '10.77.1.1/24');
    addr(ns.router, dev.r1, '10.77.2.1/24');
    addr(ns.server, dev.s0, '10.77.2.2/24');
    addr(ns.server, dev.s0, '10.77.2.3/24');
    if (opts.secondLink) {
      addr(ns.client, dev.c1, '10.77.3.2/24');
      addr(ns.router, dev.r2, '10.77.3.1/24');
    }
    const up: [string, string][] = [[ns.client, dev.c0], [ns.router, dev.r0], [ns.router, dev.r1], [ns.server, dev.s0], ...(opts.secondLink ? ([[ns.client, dev.c1], [ns.router, dev.r2]] as [string, string][]) : [])];
    for (const [n, d] of up) run(['ip', '-n', n, 'link', 'set', d, 'up']);
    for (const n of Object.values(ns)) run(['ip', '-n', n, 'link', 'set', 'lo', 'up']);
    run(['ip', '-n', ns.client, 'route', 'add', 'default', 'via', '10.77.1.1']);
    run(['ip', '-n', ns.server, 'route', 'add', 'default', 'via', '10.77.2.1']);
    exec(ns.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // The router answers every probe: ICMP errors are rate-limited per namespace by default (1 s).
    exec(ns.router, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0');
  } catch (err) {
    process.removeListener('exit', onExit);
    cleanup();
    throw err;
  }
  return {
    ns,
    dev,
    exec,
    mac: (n, d) => (JSON.parse(run(['ip', '-n', n, '-j', 'link', 'show', 'dev', d])) as { address: string }[])[0]!.address,
    start(n, args, env) {
      const child = spawn('ip', ['netns', 'exec', n, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      children.push(child);
      return child;
    },
    async close() {
      await Promise.all(children.map((c) => stopProcess(c)));
      process.removeListener('exit', onExit);
      cleanup();
    },
  };
}
