// How to run the engine at a vantage: the command whose stdin takes the CLI bundle (`node -`),
// for each way in (docs/vantage.md). The argument builders are pure (unit-tested); finding the
// container (engine, Compose service, fast path or helper) asks the engine itself.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execCommand, type ExecResult } from './exec';
import { explainFailure, firstLine, VantageError } from './errors';
import type { VantageSpec } from './spec';

export type ContainerEngine = 'docker' | 'podman';
export type ContainerMethod = 'auto' | 'nsenter' | 'helper';

/** What the runner needs from its caller (settings or flags); the engine reads no environment. */
export interface VantageSetup {
  /** The container engine; null: the first of docker and podman whose `info` works. */
  containerEngine: ContainerEngine | null;
  /** The helper image with Node, for containers and pods. */
  image: string;
  /** `nsenter` into a local container's namespaces, a `helper` container, or `auto` (nsenter when possible). */
  containerMethod: ContainerMethod;
  /** The folder of the Compose project (`compose:SERVICE`), and its project name when known. */
  composeDir: string | null;
  composeProject: string | null;
  /** Extra `-o` options for ssh (`IdentityFile=…`, `UserKnownHostsFile=…`). */
  sshOptions: readonly string[];
  /** kubectl's --context, when one is named. */
  kubeContext: string | null;
  /** This machine's Node (netns and the nsenter fast path run it in the namespace). */
  nodePath: string;
  /** The environment of the commands (PATH, DOCKER_HOST…). */
  env: NodeJS.ProcessEnv;
  /** True when this process may enter namespaces (root on Linux). */
  canEnterNamespaces: boolean;
}

export interface VantagePlan {
  /** The command; its stdin gets the bundle. */
  argv: string[];
  /** Extra words for `how` (the container the helper joined…). */
  note: string | null;
  /** Removes what the plan made (temporary files); runs after the command ends. */
  cleanup(): Promise<void>;
  /** Stops what may outlive the command after a cancel or timeout (a helper container). */
  stop(): Promise<void>;
}

const PROBE_MS = 10_000;
const NOTHING = async (): Promise<void> => undefined;

/** `ip netns exec NAME node -`, or `nsenter --net=PATH node -` for a namespace file. */
export function netnsArgs(netns: string, nodePath: string): string[] {
  return netns.startsWith('/') ? ['nsenter', `--net=${netns}`, '--', nodePath, '-'] : ['ip', 'netns', 'exec', netns, nodePath, '-'];
}

/**
 * The fast path into a container on this machine: its network namespace, and a private mount
 * namespace where copies of its resolv.conf and hosts are bound over /etc/ (what `ip netns exec`
 * does with /etc/netns/NAME/), so lookups use the container's resolver and hosts file.
 */
export function nsenterArgs(pid: number, resolvConf: string, hosts: string, nodePath: string): string[] {
  const script = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"';
  return ['nsenter', `--net=/proc/${pid}/ns/net`, '--', 'unshare', '--mount', '--', 'sh', '-c', script, 'netdiag-vantage', resolvConf, hosts, nodePath, '-'];
}

/** A throw-away container with Node in the target's network namespace (`--rm`, named so a cancel can remove it). */
export function helperArgs(engine: ContainerEngine, containerId: string, image: string, name: string): string[] {
  return [engine, 'run', '--rm', '-i', '--name', name, '--network', `container:${containerId}`, '--pull', 'missing', image, 'node', '-'];
}

/** An ephemeral debug container sharing the pod's network namespace, Node reading stdin. */
export function kubectlArgs(spec: Extract<VantageSpec, { kind: 'pod' }>, image: string, name: string, context: string | null): string[] {
  return [
    'kubectl',
    ...(context ? ['--context', context] : []),
    'debug',
    ...(spec.namespace ? ['--namespace', spec.namespace] : []),
    spec.pod,
    '--stdin',
    '--quiet',
    '--image',
    image,
    '--container',
    name,
    ...(spec.container ? ['--target', spec.container] : []),
    '--',
    'node',
    '-',
  ];
}

/** ssh in batch mode (never a password prompt), bounded connect time, `node -` on the other side. */
export function sshArgs(spec: Extract<VantageSpec, { kind: 'ssh' }>, options: readonly string[], connectTimeoutS: number): string[] {
  const dest = `${spec.user ? `${spec.user}@` : ''}${spec.host}`;
  return [
    'ssh',
    '-T',
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${Math.max(1, Math.round(connectTimeoutS))}`,
    ...options.flatMap((o) => ['-o', o]),
    ...(spec.port !== null ? ['-p', String(spec.port)] : []),
    '--',
    dest,
    'node',
    '-',
  ];
}

/** A name for a helper or debug container: unique, and plainly Netdiag's. */
export function helperName(): string {
  return `netdiag-vantage-${randomBytes(4).toString('hex')}`;
}

/** The plan for `spec`; throws a VantageError with the fix when a piece is missing. */
export async function planVantage(spec: Exclude<VantageSpec, { kind: 'local' }>, setup: VantageSetup, signal: AbortSignal | undefined, timeoutMs: number): Promise<VantagePlan> {
  switch (spec.kind) {
    case 'netns':
      return { argv: netnsArgs(spec.netns, setup.nodePath), note: null, cleanup: NOTHING, stop: NOTHING };
    case 'ssh':
      return { argv: sshArgs(spec, setup.sshOptions, Math.min(10, timeoutMs / 1000)), note: null, cleanup: NOTHING, stop: NOTHING };
    case 'pod':
      return { argv: kubectlArgs(spec, setup.image, helperName(), setup.kubeContext), note: 'the debug container stays in the pod spec, terminated, as Kubernetes keeps every ephemeral container', cleanup: NOTHING, stop: NOTHING };
    case 'container':
    case 'compose': {
      const engine = await chooseEngine(spec, setup, signal);
      const id = spec.kind === 'container' ? spec.container : await composeContainer(spec, engine, setup, signal);
      return containerPlan(spec, engine, id, setup, signal);
    }
  }
}

async function run(argv: string[], setup: VantageSetup, signal: AbortSignal | undefined): Promise<ExecResult> {
  return execCommand(argv, { timeoutMs: PROBE_MS, env: setup.env, ...(signal ? { signal } : {}) });
}

function cancelledOrTimedOut(spec: VantageSpec, r: ExecResult, what: string): VantageError | null {
  if (r.cancelled) return new VantageError('VANTAGE_CANCELLED', `${spec.name}: cancelled.`);
  if (r.timedOut) return new VantageError('VANTAGE_TIMEOUT', `${spec.name}: ${what} did not answer within ${PROBE_MS / 1000} s.`);
  return null;
}

/** The named engine, or the first whose `info` works: a client binary without its daemon is no engine. */
async function chooseEngine(spec: VantageSpec, setup: VantageSetup, signal: AbortSignal | undefined): Promise<ContainerEngine> {
  const candidates: ContainerEngine[] = setup.containerEngine ? [setup.containerEngine] : ['docker', 'podman'];
  const tried: string[] = [];
  for (const engine of candidates) {
    const r = await run([engine, 'info', '--format', engine === 'docker' ? '{{.ServerVersion}}' : '{{.Version.Version}}'], setup, signal);
    const stop = cancelledOrTimedOut(spec, r, `${engine} info`);
    if (stop) throw stop;
    if (r.code === 0 && r.stdout.trim() !== '') return engine;
    if (r.spawnError) tried.push(`${engine} is not installed`);
    else if (/permission denied/i.test(r.stderr)) throw explainFailure(spec, { tool: engine, code: r.code, stderr: r.stderr });
    else tried.push(`${engine} info: ${firstLine(r.stderr) || `exit ${r.code}`}`);
  }
  throw new VantageError('VANTAGE_NO_ENGINE', `${spec.name}: no container engine answers (${tried.join('; ')}): start Docker or install Podman, or name one in netdiag.vantage.containerEngine (--engine).`);
}

/** The running container of a Compose service: by the labels Compose and podman-compose set. */
async function composeContainer(spec: Extract<VantageSpec, { kind: 'compose' }>, engine: ContainerEngine, setup: VantageSetup, signal: AbortSignal | undefined): Promise<string> {
  const list = async (all: boolean): Promise<{ id: string; project: string }[]> => {
    const r = await run([engine, 'ps', ...(all ? ['--all'] : []), '--filter', `label=com.docker.compose.service=${spec.service}`, '--format', '{{.ID}}\t{{index .Labels "com.docker.compose.project"}}'], setup, signal);
    const stop = cancelledOrTimedOut(spec, r, `${engine} ps`);
    if (stop) throw stop;
    if (r.code !== 0) throw explainFailure(spec, { tool: engine, code: r.code, stderr: r.stderr });
    return r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [id = '', project = ''] = l.split('\t');
        return { id: id.trim(), project: project.trim() };
      });
  };
  const running = await list(false);
  const project = setup.composeProject ?? (setup.composeDir ? await composeProjectName(setup.composeDir, setup.env) : null);
  const mine = project === null ? running : running.filter((c) => sameProject(c.project, project));
  const candidates = mine.length > 0 ? mine : project === null ? [] : running.length === 1 ? running : [];
  if (candidates.length === 1) return candidates[0]!.id;
  if (candidates.length > 1 || (running.length > 1 && mine.length === 0)) {
    const projects = [...new Set(running.map((c) => c.project))].join(', ');
    throw new VantageError('VANTAGE_NOT_FOUND', `${spec.name}: service ${spec.service} runs in several Compose projects (${projects}): name one with --compose-project.`);
  }
  const stopped = await list(true);
  if (stopped.length > 0) throw new VantageError('VANTAGE_NOT_RUNNING', `${spec.name}: the container of service ${spec.service} is not running: start it with \`${engine === 'podman' ? 'podman-compose' : 'docker compose'} up -d ${spec.service}\`.`);
  throw new VantageError('VANTAGE_NOT_RUNNING', `${spec.name}: no container of Compose service ${spec.service} exists${project ? ` (project ${project})` : ''}: start the project with \`${engine === 'podman' ? 'podman-compose' : 'docker compose'} up -d\`.`);
}

/** Compose's project name: COMPOSE_PROJECT_NAME, the file's top-level `name:`, else the folder's name. */
export async function composeProjectName(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env['COMPOSE_PROJECT_NAME'];
  if (fromEnv) return fromEnv;
  for (const file of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']) {
    const text = await readFile(path.join(dir, file), 'utf8').catch(() => null);
    if (text === null) continue;
    const name = /^name:\s*["']?([A-Za-z0-9_.-]+)["']?\s*$/m.exec(text)?.[1];
    if (name) return name;
    break;
  }
  return path.basename(path.resolve(dir));
}

/** Compose lower-cases the project name and drops what is not [a-z0-9_-]; podman-compose may drop `_` and `-` too. */
function sameProject(label: string, project: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return norm(label) === norm(project);
}

async function containerPlan(spec: Extract<VantageSpec, { kind: 'container' | 'compose' }>, engine: ContainerEngine, container: string, setup: VantageSetup, signal: AbortSignal | undefined): Promise<VantagePlan> {
  const r = await run([engine, 'inspect', '--type', 'container', '--format', '{{.Id}}\t{{.State.Running}}\t{{.State.Pid}}\t{{.Config.Hostname}}\t{{.Name}}', container], setup, signal);
  const stop = cancelledOrTimedOut(spec, r, `${engine} inspect`);
  if (stop) throw stop;
  if (r.code !== 0) throw explainFailure(spec, { tool: engine, code: r.code, stderr: r.stderr });
  const [id = '', running = '', pidText = '', hostname = '', name = ''] = r.stdout.trim().split('\t');
  if (running !== 'true') throw new VantageError('VANTAGE_NOT_RUNNING', `${spec.name}: container ${name.replace(/^\//, '') || container} is not running: start it with \`${engine} start ${container}\`.`);
  const pid = Number(pidText);
  if (setup.containerMethod !== 'helper') {
    const local = setup.canEnterNamespaces && pid > 0 ? await sameMachine(pid, hostname) : false;
    if (local) return fastPlan(pid, setup.nodePath, `${engine} container ${shortId(id)}, entered with nsenter`);
    if (setup.containerMethod === 'nsenter') {
      throw new VantageError('VANTAGE_PERMISSION', `${spec.name}: entering the container's namespaces needs root (CAP_SYS_ADMIN) and the engine on this machine: use the helper container (netdiag.vantage.containerMethod "helper", --vantage-method helper).`);
    }
  }
  const helper = helperName();
  return {
    argv: helperArgs(engine, id, setup.image, helper),
    note: `${engine} container ${shortId(id)}, joined by a helper container`,
    cleanup: NOTHING,
    stop: async () => {
      await execCommand([engine, 'rm', '--force', helper], { timeoutMs: PROBE_MS, env: setup.env });
    },
  };
}

function shortId(id: string): string {
  return id.slice(0, 12);
}

/** The container's PID is in this machine's /proc (not a remote engine's): its hostname file says so. */
async function sameMachine(pid: number, hostname: string): Promise<boolean> {
  const seen = await readFile(`/proc/${pid}/root/etc/hostname`, 'utf8').catch(() => null);
  return seen !== null && seen.trim() === hostname.trim();
}

/** Copies the container's resolv.conf and hosts (read through /proc/PID/root) for nsenterArgs. */
async function fastPlan(pid: number, nodePath: string, note: string): Promise<VantagePlan> {
  const dir = await mkdtemp(path.join(tmpdir(), 'netdiag-vantage-'));
  const resolvConf = path.join(dir, 'resolv.conf');
  const hosts = path.join(dir, 'hosts');
  await writeFile(resolvConf, await readFile(`/proc/${pid}/root/etc/resolv.conf`).catch(() => ''));
  await writeFile(hosts, await readFile(`/proc/${pid}/root/etc/hosts`).catch(() => ''));
  return { argv: nsenterArgs(pid, resolvConf, hosts, nodePath), note, cleanup: () => rm(dir, { recursive: true, force: true }), stop: NOTHING };
}
