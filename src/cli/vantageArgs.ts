// The flags that say where a command runs (`--from`) and how to get there, shared by diagnose,
// dns, trace and bind-scan --check, turned into the engine's vantage setup.
import { DEFAULTS } from '../engine/options';
import type { ContainerEngine, ContainerMethod, VantageSetup } from '../engine/vantage/plan';
import type { RunAtOptions } from '../engine/vantage/runner';
import { parseVantage, VantageSpecError, type VantageSpec } from '../engine/vantage/spec';
import { UsageError, type CliIo } from './command';

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
  const timeoutMs = timeout === undefined ? DEFAULTS.vantageTimeoutMs : Number(timeout);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || (timeout !== undefined && !/^\d+$/.test(timeout))) throw new UsageError(`--vantage-timeout takes a whole number above 0, got "${timeout}".`);
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
  return { timeoutMs, bundlePath: __filename, setup, ...(log ? { log } : {}) };
}
