// Addresses where TCP connects time out, as behind a firewall that drops packets, for as many
// addresses as a test needs: a network namespace this helper makes, joined to this one by a veth
// pair, and a /24 routed into it. The namespace does not forward, so the kernel drops every packet
// for those addresses without an answer (no RST, no ICMP): connects to them time out. Nothing
// leaves the machine: the packets end in the namespace, which close() removes.
//
//   const sink = await startDropNamespace();       // null when namespaces cannot be made here
//   sink.addresses(100)                            // ['10.202.0.1', …, '10.202.0.100']
//   await sink.close();
import { execFileSync, spawnSync } from 'node:child_process';

export interface DropNamespace {
  /** The first `n` addresses (at most 254) of the dropping /24. */
  addresses(n: number): string[];
  close(): Promise<void>;
}

/** Why namespaces cannot be made (not Linux, not root, no iproute2), or null when they can. */
export function namespacesUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces exist on Linux only';
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (ip) is not installed';
  return null;
}

let made = 0;

export async function startDropNamespace(): Promise<DropNamespace | null> {
  if (namespacesUnavailable() !== null) return null;
  // Unique per process and per call: several suites (and helpers on one machine) may run at once.
  const n = made++;
  const tag = `ndd${process.pid % 100000}${n}`;
  const link = ((process.pid + n) % 250) + 1;
  const net = `10.202.${link}`;
  const outer = `${tag}a`;
  const inner = `${tag}b`;
  const sh = (...args: string[]): void => void execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const close = async (): Promise<void> => {
    spawnSync('ip', ['route', 'del', `${net}.0/24`]);
    spawnSync('ip', ['link', 'del', outer]);
    spawnSync('ip', ['netns', 'del', tag]);
  };
  try {
    sh('ip', 'netns', 'add', tag);
    sh('ip', 'link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    sh('ip', 'link', 'set', inner, 'netns', tag);
    sh('ip', 'addr', 'add', `10.201.${link}.1/30`, 'dev', outer);
    sh('ip', 'link', 'set', outer, 'up');
    sh('ip', 'netns', 'exec', tag, 'ip', 'addr', 'add', `10.201.${link}.2/30`, 'dev', inner);
    sh('ip', 'netns', 'exec', tag, 'ip', 'link', 'set', inner, 'up');
    // Forwarding is off in a new namespace: a packet for an address it does not hold is dropped
    // silently (net/ipv4/route.c, ip_error), so the connect gets no answer at all.
    sh('ip', 'netns', 'exec', tag, 'sysctl', '-qw', 'net.ipv4.ip_forward=0');
    sh('ip', 'route', 'add', `${net}.0/24`, 'via', `10.201.${link}.2`);
  } catch (err) {
    await close();
    throw new Error(`cannot make the dropping namespace: ${err instanceof Error ? ((err as Error & { stderr?: Buffer }).stderr?.toString().trim() ?? err.message) : String(err)}`, { cause: err });
  }
  return {
    addresses: (n) => Array.from({ length: Math.min(n, 254) }, (_, i) => `${net}.${i + 1}`),
    close,
  };
}
