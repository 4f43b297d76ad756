// The flags that say where a command runs (`--from`) and how to get there, shared by diagnose,
// dns, trace and bind-scan --check, turned into the engine's vantage setup.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { VantageInfo } from '../engine/model/vantage';
import { DEFAULTS, LIMITS } from '../engine/options';
import { vantageInfo } from '../engine/vantage/spec';
import { VantageError } from '../engine/vantage/errors';
import type { ContainerEngine, ContainerMethod, VantageSetup } from '../engine/vantage/plan';
import { runAt, type RunAtOptions } from '../engine/vantage/runner';
import { parseVantage, VantageSpecError, type VantageSpec } from '../engine/vantage/spec';
import { numberOption } from './args';
import { UsageError, type CliIo } from './command';
import { terminalLine, type Terminal } from './terminal';

export const VANTAGE_OPTIONS = {
  from: { type: 'string', multiple: true },
  engine: { type: 'string' },
  'vantage-image': { type: 'string' },
  'vantage-method': { type: 'string' },
  'vantage-timeout': { type: 'string' },
  'compose-project': { type: 'string' },
  'ssh-option': { type: 'string', multiple: true },
  'kube-context': { type: 'string' },
} as const;

export const VANTAGE_USAGE = `  --from VANTAGE            run there (repeatable; default local): local, netns:NAME, container:NAME,
                            compose:SERVICE, pod:[NS/]POD[/CONTAINER], ssh:[USER@]HOST[:PORT] (docs/vantage.md)
  --engine docker|podman    the container engine (default: the first whose \`info\` works)
  --vantage-image IMAGE     helper image with Node for containers and pods (default ${DEFAULTS.vantageImage})
  --vantage-method M        auto (nsenter into a local container when root, else a helper container), nsenter, helper
  --vantage-timeout MS      the whole run at a vantage (default ${DEFAULTS.vantageTimeoutMs})
  --compose-project NAME    the Compose project of compose:SERVICE (default: the current folder's)
  --ssh-option OPT          an ssh -o option for ssh: vantages (repeatable), e.g. IdentityFile=~/.ssh/id_ed25519
  --kube-context CTX        kubectl's context for pod: vantages`;

export interface VantageValues {
  from?: string[] | undefined;
  engine?: string | undefined;
  'vantage-image'?: string | undefined;
  'vantage-method'?: string | undefined;
  'vantage-timeout'?: string | undefined;
  'compose-project'?: string | undefined;
  'ssh-option'?: string[] | undefined;
  'kube-context'?: string | undefined;
}

/** The vantages named with --from, in order, each once; empty when none was named. */
export function parseFrom(values: VantageValues): VantageSpec[] {
  const out: VantageSpec[] = [];
  for (const raw of values.from ?? []) {
    let spec: VantageSpec;
    try {
      spec = parseVantage(raw);
    } catch (err) {
      if (err instanceof VantageSpecError) throw new UsageError(err.message);
      throw err;
    }
    if (!out.some((s) => s.name === spec.name)) out.push(spec);
  }
  return out;
}

/** How to reach the vantages, from the flags and the process (cwd, env, uid, this Node). */
export function runAtOptions(values: VantageValues, io: CliIo, log?: (m: string) => void): Omit<RunAtOptions, 'signal'> {
  const engine = values.engine;
  if (engine !== undefined && engine !== 'docker' && engine !== 'podman') throw new UsageError(`--engine takes docker or podman, got "${engine}".`);
  const method = values['vantage-method'] ?? DEFAULTS.vantageMethod;
  if (!['auto', 'nsenter', 'helper'].includes(method)) throw new UsageError(`--vantage-method takes auto, nsenter or helper, got "${method}".`);
  const timeout = values['vantage-timeout'];
  const timeoutMs = timeout === undefined ? DEFAULTS.vantageTimeoutMs : numberOption(timeout, '--vantage-timeout', LIMITS.timeoutMs);
  const setup: VantageSetup = {
    containerEngine: (engine ?? null) as ContainerEngine | null,
    image: values['vantage-image'] ?? DEFAULTS.vantageImage,
    containerMethod: method as ContainerMethod,
    composeDir: process.cwd(),
    composeProject: values['compose-project'] ?? null,
    sshOptions: values['ssh-option'] ?? [],
    kubeContext: values['kube-context'] ?? null,
    nodePath: process.execPath,
    env: io.env,
    canEnterNamespaces: process.platform === 'linux' && process.getuid?.() === 0,
  };
  return { timeoutMs, bundlePath: vantageBundle(), setup, ...(log ? { log } : {}) };
}

export interface SideResult<T> {
  vantage: VantageInfo;
  result: T | null;
  error?: { code: string; message: string };
}

/**
 * A command's JSON from each vantage: this machine's from `local`, the others' from the same
 * command run there (`args`, which end with --json). A vantage that cannot run gives `error`.
 */
export async function fromEach<T>(specs: readonly VantageSpec[], args: readonly string[], accepts: (json: unknown) => json is T, local: () => Promise<T>, values: VantageValues, io: CliIo): Promise<SideResult<T>[]> {
  const reach = { ...runAtOptions(values, io), signal: io.signal };
  return Promise.all(
    specs.map(async (spec): Promise<SideResult<T>> => {
      if (spec.kind === 'local') return { vantage: vantageInfo(spec, null, NO_SIDE), result: await local() };
      try {
        const { json, how } = await runAt(spec, args, reach);
        if (!accepts(json)) throw new VantageError('VANTAGE_WIRE_MISMATCH', `${spec.name}: the answer was not what netdiag ${args[0] ?? ''} prints.`);
        return { vantage: vantageInfo(spec, how, NO_SIDE), result: json };
      } catch (err) {
        if (!(err instanceof VantageError)) throw err;
        return { vantage: vantageInfo(spec, null, NO_SIDE), result: null, error: { code: err.code, message: err.message } };
      }
    }),
  );
}

const NO_SIDE = { resolvers: [], search: [], hosts: [], interfaces: [] };

/** Prints each side under a `── from X ──` heading (one side: just its output); the exit code of the worst. */
export function printSides<T>(sides: readonly SideResult<T>[], render: (result: T) => string[], exitOf: (result: T) => number, io: CliIo, term: Terminal): number {
  let code = 0;
  for (const side of sides) {
    if (sides.length > 1 || side.vantage.kind !== 'local') term.print([`── from ${side.vantage.label}${side.vantage.how ? ` (${side.vantage.how})` : ''}`]);
    if (side.error || side.result === null) {
      io.stderr(terminalLine(`netdiag: ${side.error?.message ?? `${side.vantage.name}: no answer`}`));
      code = 2;
      continue;
    }
    term.print(render(side.result));
    code = Math.max(code, exitOf(side.result));
  }
  return code;
}

/** `argv` without the vantage flags and without --json: what the same command is given at a vantage. */
export function withoutVantageFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  const names = Object.keys(VANTAGE_OPTIONS).map((n) => `--${n}`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--json') continue;
    if (names.includes(a)) {
      i++;
      continue;
    }
    if (names.some((n) => a.startsWith(`${n}=`))) continue;
    out.push(a);
  }
  return out;
}

/** dist/vantage.js beside the CLI's entry (dist/cli.js, or the `netdiag` link to it). */
function vantageBundle(): string {
  const entry = process.argv[1] ?? '';
  try {
    return join(dirname(realpathSync(entry)), 'vantage.js');
  } catch {
    return join(dirname(entry), 'vantage.js');
  }
}
