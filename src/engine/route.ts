// The route to a host: tracepath (Linux, no root), traceroute (Linux, macOS) or tracert (Windows),
// run with execFile (no shell), their output parsed into hops with round-trip times and names.
// The tool is looked for in that order; when none exists the result says which to install.
// Cancellable through the signal (the child is killed), bounded by a timeout.
//
// API:
//   traceRoute(host, opts) → { route, findings }: never throws; a host routeHostProblem refuses
//     runs nothing (error ROUTE_HOST_INVALID).
//   parseTracepath / parseTraceroute / parseTracert(stdout) → RouteHop[]: pure.
//   attachRoute(report, route, findings) → Report: the report with the route's hops placed
//     between the client and the rest of the path, and its stack redrawn with them.
//   traceTarget(report) → string: where to trace for a report.
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ms } from './abort';
import { execRunner, type CommandRunner } from './command';
import { finding } from './findings';
import type { Finding, Hop } from './model/common';
import type { Report, RouteHop, RouteResult } from './model/report';
import { restackWithTrace } from './stack/trace';
import { diagnosisVerdict } from './verdict';

export type RouteTool = 'tracepath' | 'traceroute' | 'tracert';

export interface TraceOptions {
  signal?: AbortSignal;
  /** The whole trace. */
  timeoutMs: number;
  maxHops: number;
  /** Ask the tool for router names (reverse DNS); off gives addresses only (-n / -d). */
  names: boolean;
  /** Which tools exist where: process.platform by default. */
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  now?: () => number;
}

/** The tools to try on a platform, in order. */
export function routeTools(platform: NodeJS.Platform): RouteTool[] {
  if (platform === 'win32') return ['tracert'];
  if (platform === 'linux') return ['tracepath', 'traceroute'];
  return ['traceroute'];
}

/**
 * Why `host` cannot be traced, or null: an IP address, or a host name whose labels start with a
 * letter, digit or underscore (RFC 1123 §2.1). A name starting with "-" would reach the tool as
 * an option (tracepath -b…); `--` ends the options too, but tracert has no `--`.
 */
export function routeHostProblem(host: string): string | null {
  if (isIP(host) !== 0) return null;
  if (host === '' || host.split('.').some((label) => !/^[a-z0-9_][a-z0-9_-]*$/i.test(label))) return `"${host}" is not a host name or IP address (each label starts with a letter or digit)`;
  return null;
}

function argsFor(tool: RouteTool, host: string, opts: TraceOptions): string[] {
  switch (tool) {
    case 'tracepath':
      // -b prints the name and the address; with names alone a hop would have no address.
      return [...(opts.names ? ['-b'] : ['-n']), '-m', String(opts.maxHops), '--', host];
    case 'traceroute':
      // -w 1: one second per probe instead of five, so silent hops do not stall the trace.
      return [...(opts.names ? [] : ['-n']), '-m', String(opts.maxHops), '-w', '1', '--', host];
    case 'tracert':
      return [...(opts.names ? [] : ['-d']), '-h', String(opts.maxHops), '-w', '1000', host];
  }
}

const INSTALL_HINT: Readonly<Record<string, string>> = {
  linux: 'install iputils-tracepath (apt install iputils-tracepath; no root needed) or traceroute (apt/dnf install traceroute)',
  darwin: 'traceroute ships with macOS: check that /usr/sbin is on the PATH',
  win32: 'tracert ships with Windows: check that C:\\Windows\\System32 is on the PATH',
};

export async function traceRoute(host: string, opts: TraceOptions): Promise<{ route: RouteResult; findings: Finding[] }> {
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const platform = opts.platform ?? process.platform;
  const runner = opts.run ?? execRunner;
  const problem = routeHostProblem(host);
  if (problem !== null) return { route: { tool: null, host, command: null, hops: [], reached: false, durationMs: 0, error: { code: 'ROUTE_HOST_INVALID', message: `${problem}; nothing was run` } }, findings: [] };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (opts.signal?.aborted) controller.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (const tool of routeTools(platform)) {
      const args = argsFor(tool, host, opts);
      const out = await runner(tool, args, { signal: controller.signal, timeoutMs: opts.timeoutMs });
      if (out.errorCode === 'ENOENT') continue;
      const hops = tool === 'tracepath' ? parseTracepath(out.stdout) : tool === 'traceroute' ? parseTraceroute(out.stdout) : parseTracert(out.stdout);
      const destination = destinationOf(tool, out.stdout, host);
      const last = hops[hops.length - 1];
      const reached = last !== undefined && (last.note?.includes('reached') === true || (last.address !== null && last.address === destination));
      const route: RouteResult = { tool, host, command: [tool, ...args].join(' '), hops, reached, durationMs: ms(now() - start) };
      const pmtu = tool === 'tracepath' ? tracepathPmtu(out.stdout) : null;
      if (pmtu !== null) route.pmtu = pmtu;
      const findings: Finding[] = [];
      if (out.errorCode === 'ABORT_ERR') route.error = { code: 'CANCELLED', message: 'the trace was cancelled' };
      else if (out.errorCode === 'ETIMEDOUT') route.error = { code: 'ETIMEDOUT', message: `the trace did not finish within ${opts.timeoutMs} ms` };
      else if (out.errorCode !== undefined && hops.length === 0) route.error = { code: out.errorCode, message: `${tool} failed: ${firstLine(out.stderr) || `exit ${out.errorCode}`}` };
      if (!reached && route.error?.code !== 'CANCELLED') {
        const lastSeen = [...hops].reverse().find((h) => h.address !== null);
        findings.push(finding('ROUTE_INCOMPLETE', `${tool} did not reach ${host}${lastSeen ? `: the last router that answered is ${lastSeen.name ?? lastSeen.address} (hop ${lastSeen.ttl})` : ': no router answered'}${route.error ? ` (${route.error.message})` : ''}.`, host));
      }
      return { route, findings };
    }
    const tools = routeTools(platform).join(', ');
    const message = `None of ${tools} is installed: ${INSTALL_HINT[platform] ?? 'install traceroute'}.`;
    return {
      route: { tool: null, host, command: null, hops: [], reached: false, durationMs: ms(now() - start), error: { code: 'ROUTE_TOOL_MISSING', message } },
      findings: [finding('ROUTE_TOOL_MISSING', message, host)],
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

function destinationOf(tool: RouteTool, stdout: string, host: string): string | null {
  if (isIP(host) !== 0) return host;
  const m = tool === 'tracert' ? /\[([0-9a-f.:]+)\]/i.exec(stdout) : /^traceroute6? to \S+ \(([0-9a-f.:]+)\)/im.exec(stdout);
  return m?.[1] ?? null;
}

/** Adds a hop per TTL, merging the lines a tool prints for the same TTL. */
function merge(hops: Map<number, RouteHop>, ttl: number, address: string | null, name: string | null, rtts: number[], note?: string): void {
  let hop = hops.get(ttl);
  if (!hop) {
    hop = { ttl, address: null, name: null, rttMs: [] };
    hops.set(ttl, hop);
  }
  if (hop.address === null && (address !== null || (hop.name === null && name !== null))) {
    hop.address = address;
    hop.name = name;
  }
  hop.rttMs.push(...rtts);
  if (note !== undefined) hop.note = hop.note === undefined ? note : hop.note.includes(note) ? hop.note : `${hop.note}, ${note}`;
}

const HOST_AND_ADDRESS = /^(\S+)\s+\(([0-9a-f.:]+)\)/i;

/**
 * A token a tool printed where a router's name goes, when it can be one: letters (any script, as
 * IDN names are shown), digits, `_`, `-` and dots. Placeholders such as tracepath's `???` for a
 * name it could not find are not names.
 */
function routerName(token: string | undefined): string | null {
  return token !== undefined && /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_.])?$/u.test(token) ? token : null;
}

/**
 * iputils tracepath: ` 1?: [LOCALHOST]  pmtu 1500`, ` 1:  gw.lan (10.0.0.1)  0.512ms`,
 * ` 2:  10.0.2.2  0.041ms reached`, ` 3:  no reply`, `     Resume: pmtu 1500 hops 2 back 2`.
 * The path MTU a `[LOCALHOST]` line reports (this machine's own interface) is kept as that
 * hop's note, like a router's; the whole path's is tracepathPmtu's.
 */
export function parseTracepath(stdout: string): RouteHop[] {
  const hops = new Map<number, RouteHop>();
  /** TTLs whose address came from a "packet too big" answer: the router before the smaller MTU, not this hop. */
  const tooBig = new Set<number>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\??:\s+(.*)$/.exec(line);
    if (!m) continue;
    const ttl = Number(m[1]);
    const rest = m[2]!.trim();
    if (rest.startsWith('[LOCALHOST]')) {
      const pmtu = /\bpmtu \d+/.exec(rest)?.[0];
      if (pmtu !== undefined) merge(hops, ttl, null, null, [], pmtu);
      continue;
    }
    if (rest.startsWith('no reply')) {
      merge(hops, ttl, null, null, []);
      continue;
    }
    const named = HOST_AND_ADDRESS.exec(rest);
    const first = rest.split(/\s+/)[0] ?? '';
    const address = named ? named[2]! : isIP(first) !== 0 ? first : null;
    // A router without a reverse name is `??? (10.0.0.1)` (-b) or its address twice: no name.
    const name = named ? (named[1] === named[2] ? null : routerName(named[1])) : address === null ? routerName(first) : null;
    const rtts = [...rest.matchAll(/(\d+(?:\.\d+)?)ms/g)].map((r) => Number(r[1]));
    const pmtu = /\bpmtu \d+/.exec(rest)?.[0];
    const notes = [/\breached\b/.exec(rest)?.[0], pmtu, /\basymm\s+\d+/.exec(rest)?.[0]].filter((n): n is string => n !== undefined);
    // tracepath probes a TTL again after a router said "packet too big": the retry's answer is the hop.
    const hop = hops.get(ttl);
    if (hop && tooBig.has(ttl) && address !== null && address !== hop.address) {
      hop.address = address;
      hop.name = name;
      hop.rttMs = [];
      tooBig.delete(ttl);
    } else if (!hop && pmtu !== undefined && !/\breached\b/.test(rest)) tooBig.add(ttl);
    merge(hops, ttl, address, name, rtts, notes.length > 0 ? notes.join(', ') : undefined);
  }
  return [...hops.values()].sort((a, b) => a.ttl - b.ttl);
}

/** The path MTU tracepath ends with (`Resume: pmtu 1500 …`, `Too many hops: pmtu 1500`), or null. */
export function tracepathPmtu(stdout: string): number | null {
  const m = /^\s*(?:Resume|Too many hops): pmtu (\d+)/m.exec(stdout);
  return m ? Number(m[1]) : null;
}

/**
 * traceroute (Linux and BSD/macOS): ` 1  gw.lan (10.0.0.1)  0.5 ms  0.4 ms  0.4 ms`, with -n
 * ` 1  10.0.0.1  0.5 ms …`, ` 3  * * *`, annotations like `!H`, `!N`, `!X` after a time.
 */
export function parseTraceroute(stdout: string): RouteHop[] {
  const hops = new Map<number, RouteHop>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ttl = Number(m[1]);
    const rest = m[2]!.trim();
    const named = HOST_AND_ADDRESS.exec(rest);
    const first = rest.split(/\s+/)[0] ?? '';
    const address = named ? named[2]! : isIP(first) !== 0 ? first : null;
    const name = named && named[1] !== named[2] ? routerName(named[1]) : null;
    const rtts = [...rest.matchAll(/(\d+(?:\.\d+)?) ms/g)].map((r) => Number(r[1]));
    const flags = [...rest.matchAll(/(![A-Z<>\d]*)/g)].map((f) => f[1]!);
    merge(hops, ttl, address, name, rtts, flags.length > 0 ? [...new Set(flags)].join(' ') : undefined);
  }
  return [...hops.values()].sort((a, b) => a.ttl - b.ttl);
}

/**
 * Windows tracert: `  1    <1 ms    <1 ms    <1 ms  192.168.1.1`,
 * `  2     5 ms     4 ms     4 ms  router.isp.net [10.0.0.1]`, `  3     *   *   *   Request timed out.`
 */
export function parseTracert(stdout: string): RouteHop[] {
  const hops = new Map<number, RouteHop>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+((?:(?:<?\d+\s*ms|\*)\s+){1,3})(.*)$/.exec(line);
    if (!m) continue;
    const ttl = Number(m[1]);
    const rtts = [...m[2]!.matchAll(/<?(\d+)\s*ms/g)].map((r) => Number(r[1]));
    const tail = m[3]!.trim();
    const bracket = /^(\S+)\s+\[([0-9a-f.:]+)\]/i.exec(tail);
    const address = bracket ? bracket[2]! : isIP(tail) !== 0 ? tail : null;
    merge(hops, ttl, address, bracket ? bracket[1]! : null, rtts, address === null && tail !== '' ? tail.replace(/\.$/, '') : undefined);
  }
  return [...hops.values()].sort((a, b) => a.ttl - b.ttl);
}

/** Where to trace for a report: the address of the server it used (or of the proxy), else the host. */
export function traceTarget(report: Report): string {
  if (report.proxy?.url) return report.proxy.address ?? report.target.host;
  return report.connections.find((c) => c.used)?.address ?? report.target.host;
}

/**
 * The report with the route: its hops after the client hop, its findings, and the stack redrawn
 * with the trace's routers and the path MTU it measured.
 */
export function attachRoute(report: Report, route: RouteResult, findings: readonly Finding[]): Report {
  const withoutOld = report.hops.filter((h) => h.kind !== 'route');
  const routeHops: Hop[] = route.hops.map((r) => {
    const hop: Hop = {
      kind: 'route',
      label: r.address === null && r.name === null ? `hop ${r.ttl}: no reply` : `hop ${r.ttl}: ${r.name ?? r.address}`,
      status: r.address === null && r.name === null ? 'warn' : 'ok',
    };
    if (r.address !== null) hop.address = r.address;
    if (r.rttMs.length > 0) hop.durationMs = Math.min(...r.rttMs);
    if (r.note !== undefined) hop.detail = r.note;
    return hop;
  });
  const clientIndex = withoutOld.findIndex((h) => h.kind === 'client');
  const hops = [...withoutOld.slice(0, clientIndex + 1), ...routeHops, ...withoutOld.slice(clientIndex + 1)];
  const restacked = report.stack ? restackWithTrace(report, report.stack, route, traceTarget(report)) : null;
  const kept = (restacked?.findings ?? report.findings).filter((f) => f.code !== 'ROUTE_INCOMPLETE' && f.code !== 'ROUTE_TOOL_MISSING');
  const all = [...kept, ...findings];
  const out: Report = { ...report, route, hops, findings: all, verdict: diagnosisVerdict(report.layers, all, report.complete, report.cancelled) };
  if (restacked) Object.assign(out, { connections: restacked.connections, stack: restacked.stack });
  return out;
}
