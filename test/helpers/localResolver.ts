// "This machine" with a resolver the test started: a command run in a private mount namespace
// where /etc/resolv.conf names a loopback DNS server (as `ip netns exec` does with
// /etc/netns/NAME/), so the system lookups of a test never reach the machine's own resolver.
// Root only (unshare --mount).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface LocalResolver {
  /** Put before a command: `[...prefix, node, cli.js, …]`. */
  prefix: string[];
  dispose(): void;
}

export function withLocalResolver(nameserver: string): LocalResolver {
  const dir = mkdtempSync(path.join(tmpdir(), 'netdiag-resolv-'));
  const file = path.join(dir, 'resolv.conf');
  writeFileSync(file, `nameserver ${nameserver}\noptions timeout:2 attempts:1\n`);
  return {
    prefix: ['unshare', '--mount', '--', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', file],
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
