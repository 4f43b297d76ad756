// A trap for network traffic a command must not make: the built CLI runs in a private mount
// namespace whose /etc/resolv.conf names a DNS server this helper starts (127.53.99.1, port 53,
// as glibc knows no other port) and whose /etc/hosts names only localhost; that server answers
// every name with 127.53.99.2, where a TCP listener counts connections on port 443. So the system
// resolver of the command can reach nothing but the trap, and a test sees any lookup or connect.
// Needs root (unshare -m, mount --bind, port 53); `available` says whether it can run here.
//
//   const trap = await startResolverTrap();
//   const r = await trap.runCli(['cert', 'certs/missing.pem']);
//   assert.equal(trap.queries.length, 0);
//   await trap.close();
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliResult } from './cli';
import { CLI } from './cli';
import { startDnsServer } from './dnsServer';
import type { LoggedQuery } from './dnsServer';
import { startTcpServer } from './servers';

export const TRAP_RESOLVER = '127.53.99.1';
export const TRAP_ADDRESS = '127.53.99.2';

/** Root, unshare and a bind mount: what the trap needs. */
export const available: boolean = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;

export interface ResolverTrap {
  /** Every DNS query that reached the trap's resolver. */
  queries: LoggedQuery[];
  /** How many TCP connections reached TRAP_ADDRESS:443. */
  connections(): number;
  /** Runs dist/cli.js with `args` inside the namespace; NO_COLOR, no proxy variables. */
  runCli(args: readonly string[]): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startResolverTrap(): Promise<ResolverTrap> {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-trap-'));
  writeFileSync(join(dir, 'resolv.conf'), `nameserver ${TRAP_RESOLVER}\noptions timeout:1 attempts:1\n`);
  writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n::1 localhost\n');
  const dns = await startDnsServer({
    host: TRAP_RESOLVER,
    port: 53,
    respond: (q) => ({ rcode: 0, answers: q.type === 'A' ? [{ type: 'A', name: q.name, ttl: 1, data: TRAP_ADDRESS }] : [] }),
  });
  const tcp = await startTcpServer((socket) => socket.destroy(), TRAP_ADDRESS, 443);
  return {
    queries: dns.queries,
    connections: () => tcp.connections(),
    runCli(args) {
      return new Promise((resolve, reject) => {
        const start = Date.now();
        const mounts = `mount --bind ${dir}/hosts /etc/hosts && mount --bind ${dir}/resolv.conf /etc/resolv.conf && exec "$0" "$@"`;
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
        const child = spawn('unshare', ['-m', 'sh', '-c', mounts, process.execPath, CLI, ...args], { env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(kill);
          resolve({ code, stdout, stderr, ms: Date.now() - start });
        });
      });
    },
    async close() {
      await Promise.all([dns.close(), tcp.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
