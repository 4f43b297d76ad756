// `netdiag cert PATH` where PATH is no readable certificate file — missing, a typo, a directory, a
// FIFO, a 400 MB or a 3 GB file — is exit 2 with one line, and never network traffic: the CLI
// runs in the resolver trap (test/helpers/resolverTrap.ts), whose DNS server and TCP listener see
// any lookup or connect. A host name in the same trap is looked up: the control that the trap sees.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli';
import { available, startResolverTrap, type ResolverTrap } from '../helpers/resolverTrap';

let dir: string;
let trap: ResolverTrap | null = null;

/** A file of `size` bytes that takes no disk: the CLI must decide from its size, not read it. */
function sparse(name: string, size: number): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  truncateSync(file, size);
  return file;
}

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'netdiag-certpath-'));
  mkdirSync(join(dir, 'certs.d'));
  execFileSync('mkfifo', [join(dir, 'server.pem')]);
  if (available) trap = await startResolverTrap();
});
after(async () => {
  await trap?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => (trap ? trap.runCli(args) : runCli(args));

describe('netdiag cert with a path that is no certificate file', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing file (a typo of a path)', () => 'certs/srv.pem', /^netdiag: no such certificate file: certs\/srv\.pem\.$/],
    ['a missing file named by extension only', () => 'server.crt', /^netdiag: no such certificate file: server\.crt\.$/],
    ['a directory', () => join(dir, 'certs.d'), /no such certificate file: .*certs\.d is a directory, not a certificate file\./],
    ['a FIFO (never opened: it would block)', () => join(dir, 'server.pem'), /no such certificate file: .*server\.pem is a named pipe \(FIFO\)/],
    ['a 400 MB file (never read)', () => sparse('big.pem', 400 * 1024 * 1024), /big\.pem is 400\.0 MiB \(419430400 bytes\), larger than the 10 MiB a certificate file can be; it was not read\./],
    ['a 3 GB file (never read: it would not fit one buffer)', () => sparse('huge.p12', 3 * 1024 * 1024 * 1024), /huge\.p12 is 3072\.0 MiB .* larger than the 10 MiB/],
  ];
  for (const [name, input, message] of cases) {
    it(`${name}: exit 2, one line, no lookup and no connection`, async () => {
      const before = { queries: trap?.queries.length ?? 0, connections: trap?.connections() ?? 0 };
      const r = await run(['cert', input(), '--timeout', '2000']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
      if (trap) {
        assert.deepEqual(trap.queries.slice(before.queries).map((q) => q.name), [], 'no DNS query');
        assert.equal(trap.connections() - before.connections, 0, 'no TCP connection');
      }
    });
  }

  it('control: a host name in the same trap is looked up and connected to (the trap sees traffic)', async (t) => {
    if (!trap) return t.skip('the resolver trap needs root and unshare');
    const r = await trap.runCli(['cert', 'trap-control.test', '--timeout', '2000']);
    assert.notEqual(r.code, 2, r.stderr);
    assert.ok(trap.queries.some((q) => q.name === 'trap-control.test'), 'the lookup reached the trap resolver');
    assert.ok(trap.connections() > 0, 'the connect reached the trap listener');
  });
});
