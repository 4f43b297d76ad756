// Why a vantage could not be used, in one line with the fix. The classification reads what the
// tool printed (a container engine, kubectl, ssh, the shell); it is pure, so every message is
// unit-tested without the tools. docs/vantage.md lists the codes.
import type { VantageSpec } from './spec';

export type VantageErrorCode =
  | 'VANTAGE_INVALID'
  | 'VANTAGE_NO_ENGINE'
  | 'VANTAGE_NOT_FOUND'
  | 'VANTAGE_NOT_RUNNING'
  | 'VANTAGE_PERMISSION'
  | 'VANTAGE_IMAGE'
  | 'VANTAGE_FORBIDDEN'
  | 'VANTAGE_UNREACHABLE'
  | 'VANTAGE_NO_NODE'
  | 'VANTAGE_TIMEOUT'
  | 'VANTAGE_CANCELLED'
  | 'VANTAGE_WIRE_MISMATCH'
  | 'VANTAGE_FAILED';

export class VantageError extends Error {
  constructor(
    readonly code: VantageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The line of a tool's output that says what went wrong (else its first), trimmed and bounded; warnings before it are skipped. */
export function firstLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.find((l) => /error|refused|denied|not found|forbidden|fail|unable|cannot|could not|timed out|no such/i.test(l)) ?? lines[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export interface ToolFailure {
  /** The tool that ran: docker, podman, kubectl, ssh, nsenter, ip. */
  tool: string;
  code: number | null;
  stderr: string;
  /** The setting and flag that name the helper image, for the "cannot be pulled" fix. */
  image?: string;
}

/**
 * A failed run at `spec`, explained. Exit code 127 or "not found" about node means the side has
 * no Node; the rest is matched on the tool's own words.
 */
export function explainFailure(spec: VantageSpec, f: ToolFailure): VantageError {
  const text = f.stderr;
  const line = firstLine(text);
  const where = spec.name;
  if (/node: (command )?not found|exec: "?node"?: executable file not found|executable file `node` not found|node: No such file|"node": executable file not found/i.test(text) || (f.code === 127 && /node/.test(text))) {
    const fix = spec.kind === 'ssh' ? `install Node 20 or later on ${spec.host} (on its PATH for non-interactive ssh)` : 'set netdiag.vantage.image (--vantage-image) to an image with Node 20 or later';
    return new VantageError('VANTAGE_NO_NODE', `${where}: there is no node to run Netdiag: ${fix}.`);
  }
  if (/SyntaxError|Unexpected token|ERR_UNKNOWN_BUILTIN_MODULE/.test(text)) {
    return new VantageError('VANTAGE_NO_NODE', `${where}: its Node is too old for Netdiag (${line}): use Node 20 or later there.`);
  }
  switch (spec.kind) {
    case 'ssh':
      if (/Permission denied|Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|Too many authentication failures/i.test(text)) {
        return new VantageError('VANTAGE_PERMISSION', `${where}: ssh was refused (${line}): check the key (ssh-add, IdentityFile in ~/.ssh/config) and accept the host key once with \`ssh ${spec.user ? `${spec.user}@` : ''}${spec.host}\`.`);
      }
      if (/Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable|Connection closed|kex_exchange_identification|port \d+: /i.test(text) || f.code === 255) {
        return new VantageError('VANTAGE_UNREACHABLE', `${where}: ssh could not connect (${line}): check the host name, port and that sshd runs there.`);
      }
      break;
    case 'pod':
      if (/forbidden/i.test(text)) {
        return new VantageError('VANTAGE_FORBIDDEN', `${where}: Kubernetes refused the debug container (${line}): you need the right to patch pods/ephemeralcontainers in that namespace (kubectl auth can-i patch pods/ephemeralcontainers).`);
      }
      if (/NotFound|not found/i.test(text)) return new VantageError('VANTAGE_NOT_FOUND', `${where}: ${line}: check the pod and namespace (kubectl get pods -A).`);
      if (/ErrImagePull|ImagePullBackOff|pull/i.test(text)) return new VantageError('VANTAGE_IMAGE', `${where}: the debug image cannot be pulled (${line}): set netdiag.vantage.image (--vantage-image) to an image the cluster can pull.`);
      if (/Unable to connect to the server|connection refused|The connection to the server .* was refused|no configuration has been provided|current-context/i.test(text)) {
        return new VantageError('VANTAGE_UNREACHABLE', `${where}: kubectl cannot reach the cluster (${line}): check the kubeconfig and context.`);
      }
      if (/ephemeral containers are disabled|EphemeralContainers/i.test(text)) return new VantageError('VANTAGE_FORBIDDEN', `${where}: the cluster does not allow ephemeral containers (${line}).`);
      break;
    case 'container':
    case 'compose':
      if (/permission denied/i.test(text)) {
        return new VantageError('VANTAGE_PERMISSION', `${where}: ${f.tool} was denied (${line}): add your user to the docker group, use rootless ${f.tool}, or run as root.`);
      }
      if (/pull|manifest unknown|image not known|repository does not exist|unable to find image|requested access to the resource is denied/i.test(text)) {
        return new VantageError('VANTAGE_IMAGE', `${where}: the helper image ${f.image ?? ''} cannot be pulled (${line}): set netdiag.vantage.image (--vantage-image) to an image with Node 20 or later that ${f.tool} has or can pull.`);
      }
      if (/no such container|No such object|not found/i.test(text)) return new VantageError('VANTAGE_NOT_FOUND', `${where}: ${line}: check the name with \`${f.tool} ps\`.`);
      if (/is not running|container state improper|cannot join network of a non running container/i.test(text)) return new VantageError('VANTAGE_NOT_RUNNING', `${where}: the container is not running: start it (${f.tool} start, or compose up).`);
      break;
    case 'netns':
      if (/Operation not permitted|Permission denied|must be root/i.test(text)) {
        return new VantageError('VANTAGE_PERMISSION', `${where}: entering a network namespace needs root (CAP_SYS_ADMIN) (${line}): run as root, or with sudo.`);
      }
      if (/No such file or directory|Cannot open network namespace|does not exist/i.test(text)) return new VantageError('VANTAGE_NOT_FOUND', `${where}: the namespace does not exist (${line}): see \`ip netns list\`.`);
      break;
    case 'local':
      break;
  }
  return new VantageError('VANTAGE_FAILED', `${where}: ${f.tool} failed${f.code !== null ? ` (exit ${f.code})` : ''}${line ? `: ${line}` : ''}.`);
}
