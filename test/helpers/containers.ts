// A real container engine for the vantage tests: Debian's podman, set up the way this kind of
// machine needs (runc, ulimits, netavark; /etc/containers/containers.conf written only when there
// is none), and two images built with no registry: busybox-static (httpd, nc, sh) for target
// services, and Node (this machine's binary and its shared libraries) for the helper container.
// Where podman cannot run, `podmanReady()` says why and the tests skip with that reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const BUSYBOX_IMAGE = 'localhost/netdiag-busybox:test';
export const NODE_IMAGE = 'localhost/netdiag-node:test';

const CONTAINERS_CONF = `# Written by Netdiag's tests (test/helpers/containers.ts): crun fails on this kernel's hybrid
# cgroups, the VM caps ulimits, and netavark gives user networks their own DNS (aardvark-dns).
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"

[network]
network_backend = "netavark"
`;

function sh(cmd: string, args: readonly string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status ?? (r.error ? 127 : 1), out: r.stdout ?? '', err: r.stderr ?? String(r.error ?? '') };
}

export function podman(...args: string[]): string {
  const r = sh('podman', args);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')}: ${r.err.trim()}`);
  return r.out.trim();
}

let ready: string | null | undefined;

/** null when podman runs containers here (images built), else the reason it cannot. */
export function podmanReady(): string | null {
  if (ready !== undefined) return ready;
  ready = setUp();
  return ready;
}

function setUp(): string | null {
  if (process.platform !== 'linux') return 'containers are tested on Linux only';
  if (process.getuid?.() !== 0) return 'the container tests run as root (rootless podman needs subuids this machine may not have)';
  if (sh('podman', ['--version']).code !== 0) return 'podman is not installed (apt-get install podman runc podman-compose)';
  if (!existsSync('/etc/containers/containers.conf')) {
    mkdirSync('/etc/containers', { recursive: true });
    writeFileSync('/etc/containers/containers.conf', CONTAINERS_CONF);
  }
  const info = sh('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}']);
  if (info.code !== 0) return `podman info fails: ${info.err.trim().split('\n').pop() ?? ''}`;
  try {
    if (sh('podman', ['image', 'exists', BUSYBOX_IMAGE]).code !== 0) importRootfs(BUSYBOX_IMAGE, busyboxRootfs);
    if (sh('podman', ['image', 'exists', NODE_IMAGE]).code !== 0) importRootfs(NODE_IMAGE, nodeRootfs);
  } catch (err) {
    return `the test images cannot be built: ${err instanceof Error ? err.message : String(err)}`;
  }
  const probe = sh('podman', ['run', '--rm', '--network', 'none', BUSYBOX_IMAGE, 'echo', 'ok']);
  if (probe.code !== 0 || probe.out.trim() !== 'ok') return `podman cannot run a container here: ${probe.err.trim().split('\n').pop() ?? ''}`;
  return null;
}

function importRootfs(image: string, fill: (root: string) => void): void {
  const root = mkdtempSync(path.join(tmpdir(), 'netdiag-rootfs-'));
  try {
    for (const d of ['etc', 'tmp', 'www', 'usr/local/bin']) mkdirSync(path.join(root, d), { recursive: true });
    fill(root);
    const tar = `${root}.tar`;
    execFileSync('tar', ['-C', root, '-cf', tar, '.']);
    podman('import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', tar, image);
    rmSync(tar, { force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Debian's busybox-static with the applets the target services use. */
function busyboxRootfs(root: string): void {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox || !/not a dynamic executable|statically linked/.test(sh('ldd', [busybox]).out + sh('ldd', [busybox]).err)) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  mkdirSync(path.join(root, 'bin'));
  cpSync(busybox, path.join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'httpd', 'nc', 'sleep', 'cat', 'echo', 'ip']) symlinkSync('busybox', path.join(root, 'bin', applet));
  writeFileSync(path.join(root, 'www', 'index.html'), 'hello from db\n');
}

/** This machine's Node and the shared libraries ldd names: a Node image without a registry. */
function nodeRootfs(root: string): void {
  cpSync(process.execPath, path.join(root, 'usr/local/bin/node'));
  const libs = sh('ldd', [process.execPath]).out.match(/\/\S+/g) ?? [];
  for (const lib of libs) {
    mkdirSync(path.join(root, path.dirname(lib)), { recursive: true });
    cpSync(lib, path.join(root, lib), { dereference: true });
  }
}

/** Runs podman-compose in `dir`; throws with its output when it fails. */
export function compose(dir: string, ...args: string[]): string {
  const r = spawnSync('podman-compose', args, { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`podman-compose ${args.join(' ')}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout ?? '';
}
