// `--from` values: where a diagnosis runs (docs/vantage.md). Parsing is pure; what each kind
// needs to run is in plan.ts.
import { isIP } from 'node:net';
import type { VantageInfo, VantageKind } from '../model/vantage';

export type VantageSpec =
  | { kind: 'local'; name: 'local' }
  /** `netns:NAME` (ip netns, with /etc/netns/NAME/) or `netns:/path/to/ns` (nsenter --net). */
  | { kind: 'netns'; name: string; netns: string }
  | { kind: 'container'; name: string; container: string }
  | { kind: 'compose'; name: string; service: string }
  | { kind: 'pod'; name: string; namespace: string | null; pod: string; container: string | null }
  | { kind: 'ssh'; name: string; user: string | null; host: string; port: number | null };

export class VantageSpecError extends Error {
  readonly code = 'VANTAGE_INVALID';
}

const KINDS: readonly VantageKind[] = ['local', 'netns', 'container', 'compose', 'pod', 'ssh'];
/** Names that reach a command line: no leading dash (an option), no spaces or control characters. */
const SAFE = /^[A-Za-z0-9_.][A-Za-z0-9_.:@/-]*$/;

function safe(value: string, what: string, spec: string): string {
  if (!SAFE.test(value) || value.length > 253) throw new VantageSpecError(`--from "${spec}": "${value}" is not a valid ${what}.`);
  return value;
}

/** `local`, `netns:NAME`, `container:NAME|ID`, `compose:SERVICE`, `pod:[NS/]POD[/CONTAINER]`, `ssh:[USER@]HOST[:PORT]`. */
export function parseVantage(input: string): VantageSpec {
  const spec = input.trim();
  if (spec === 'local') return { kind: 'local', name: 'local' };
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon) as VantageKind;
  const rest = spec.slice(colon + 1);
  if (colon <= 0 || !KINDS.includes(kind) || kind === 'local') {
    throw new VantageSpecError(`--from "${spec}": expected local, netns:NAME, container:NAME, compose:SERVICE, pod:[NS/]POD[/CONTAINER] or ssh:[USER@]HOST[:PORT].`);
  }
  if (rest === '') throw new VantageSpecError(`--from "${spec}": the ${kind} is missing after "${kind}:".`);
  switch (kind) {
    case 'netns':
      if (rest.startsWith('/')) {
        if (!/^\/[A-Za-z0-9_./-]+$/.test(rest)) throw new VantageSpecError(`--from "${spec}": "${rest}" is not a valid namespace path.`);
        return { kind, name: spec, netns: rest };
      }
      if (rest.includes('/')) throw new VantageSpecError(`--from "${spec}": a namespace name has no "/"; give a path (/proc/PID/ns/net) or a name from \`ip netns list\`.`);
      return { kind, name: spec, netns: safe(rest, 'namespace name', spec) };
    case 'container':
      return { kind, name: spec, container: safe(rest, 'container name or ID', spec) };
    case 'compose':
      return { kind, name: spec, service: safe(rest, 'Compose service name', spec) };
    case 'pod': {
      const parts = rest.split('/');
      if (parts.length > 3 || parts.some((p) => p === '')) throw new VantageSpecError(`--from "${spec}": expected pod:POD, pod:NAMESPACE/POD or pod:NAMESPACE/POD/CONTAINER.`);
      const [a, b, c] = parts.map((p) => safe(p, 'Kubernetes name', spec));
      return parts.length === 1 ? { kind, name: spec, namespace: null, pod: a!, container: null } : { kind, name: spec, namespace: a!, pod: b!, container: c ?? null };
    }
    case 'ssh': {
      const m = /^(?:([^@\s]+)@)?(\[[0-9a-fA-F:.]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(rest);
      if (!m) throw new VantageSpecError(`--from "${spec}": expected ssh:HOST, ssh:USER@HOST or ssh:USER@HOST:PORT.`);
      const port = m[3] === undefined ? null : Number(m[3]);
      if (port !== null && (port < 1 || port > 65535)) throw new VantageSpecError(`--from "${spec}": port ${m[3]} is out of range.`);
      const host = m[2]!.replace(/^\[|\]$/g, '');
      return { kind, name: spec, user: m[1] === undefined ? null : safe(m[1], 'user name', spec), host: isIP(host) !== 0 ? host : safe(host, 'host', spec), port };
    }
  }
}

/** The vantage in plain words, for headers and table cells. */
export function vantageLabel(spec: VantageSpec): string {
  switch (spec.kind) {
    case 'local':
      return 'this machine';
    case 'netns':
      return `network namespace ${spec.netns}`;
    case 'container':
      return `container ${spec.container}`;
    case 'compose':
      return `Compose service ${spec.service}`;
    case 'pod':
      return `pod ${spec.namespace ? `${spec.namespace}/` : ''}${spec.pod}${spec.container ? ` (container ${spec.container})` : ''}`;
    case 'ssh':
      return `host ${spec.host}`;
  }
}

/** The vantage block of `spec`, with what is known of its side (resolvers, hosts, interfaces). */
export function vantageInfo(spec: VantageSpec, how: string | null, side: Pick<VantageInfo, 'resolvers' | 'search' | 'hosts' | 'interfaces'>): VantageInfo {
  return { kind: spec.kind, name: spec.name, label: vantageLabel(spec), how, ...side };
}
