// What a vantage pick offers: the running containers of the container engine (with their Compose
// service and project, when they belong to one) and the hosts an ssh config names. Read-only.
import { execCommand } from './exec';
import type { ContainerEngine } from './plan';

export interface RunningContainer {
  engine: ContainerEngine;
  id: string;
  name: string;
  image: string;
  /** Its Compose service and project, when Compose started it. */
  service: string | null;
  project: string | null;
}

/** `ENGINE ps` of every engine that answers (or the named one); none when none does. */
export async function listContainers(engine: ContainerEngine | null, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<RunningContainer[]> {
  const engines: ContainerEngine[] = engine ? [engine] : ['docker', 'podman'];
  const out: RunningContainer[] = [];
  for (const e of engines) {
    const r = await execCommand([e, 'ps', '--format', '{{.ID}}\t{{.Names}}\t{{.Image}}\t{{index .Labels "com.docker.compose.service"}}\t{{index .Labels "com.docker.compose.project"}}'], { timeoutMs: 10_000, env, ...(signal ? { signal } : {}) });
    if (r.code !== 0) continue;
    out.push(...parsePs(e, r.stdout));
  }
  return out;
}

/** The lines of the `ps` template above. Docker prints `<no value>` for a missing label. */
export function parsePs(engine: ContainerEngine, stdout: string): RunningContainer[] {
  const label = (v: string | undefined): string | null => (v === undefined || v === '' || v === '<no value>' ? null : v);
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const [id = '', names = '', image = '', service, project] = line.split('\t');
      return { engine, id: id.trim(), name: names.split(',')[0]!.trim(), image: image.trim(), service: label(service?.trim()), project: label(project?.trim()) };
    });
}

/** The concrete `Host` names of an ssh_config (patterns with `*`, `?` or `!` are not hosts). */
export function sshConfigHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*Host\s+(.+?)\s*$/i.exec(raw.replace(/#.*/, ''));
    if (!m) continue;
    for (const name of m[1]!.split(/\s+/)) if (!/[*?!]/.test(name) && !hosts.includes(name)) hosts.push(name);
  }
  return hosts;
}
