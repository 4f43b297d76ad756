// Runs a Netdiag command at a vantage and reads back its JSON: the single-file CLI bundle goes to
// `node -` on stdin, behind one line that sets its arguments (so no argument, secret or quoting
// passes through a remote shell or a process list), and `--json` is the wire format. The
// document must be of this version of Netdiag; anything else is a clear error.
import { readFile } from 'node:fs/promises';
import { isSecretHeader, REDACTED, redactUrl } from '../redact';
import { VERSION } from '../version';
import { execCommand } from './exec';
import { explainFailure, firstLine, VantageError } from './errors';
import { planVantage, type VantageSetup } from './plan';
import type { VantageSpec } from './spec';

export interface RunAtOptions {
  signal?: AbortSignal;
  /** The whole run there: start-up, the command and its answer. */
  timeoutMs: number;
  /** The single-file CLI (dist/cli.js). */
  bundlePath: string;
  setup: VantageSetup;
  log?: (message: string) => void;
}

export interface RunAtResult {
  json: unknown;
  /** The command that ran, then the Netdiag command it was given; secrets redacted. */
  how: string;
}

/** The script `node -` reads: the arguments, then the bundle without its `#!` line. */
export function vantageScript(bundle: string, args: readonly string[]): string {
  const body = bundle.startsWith('#!') ? bundle.slice(bundle.indexOf('\n') + 1) : bundle;
  return `"use strict";process.argv.splice(1, process.argv.length - 1, "netdiag", ...${JSON.stringify(args)});\n${body}`;
}

/** Arguments as `how` shows them: URL secrets and secret header values hidden (redact.ts's rule), and bodies. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((a, i) => {
    const prev = args[i - 1];
    if ((prev === '-H' || prev === '--header') && a.includes(':') && isSecretHeader(a.slice(0, a.indexOf(':')).trim())) return `${a.slice(0, a.indexOf(':') + 1)} ${REDACTED}`;
    if (prev === '-d' || prev === '--data') return '<body>';
    return redactUrl(a);
  });
}

/** A command line for people: words with spaces or quotes in single quotes. */
export function shellWords(argv: readonly string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export async function runAt(spec: Exclude<VantageSpec, { kind: 'local' }>, args: readonly string[], options: RunAtOptions): Promise<RunAtResult> {
  const started = Date.now();
  const bundle = await readFile(options.bundlePath, 'utf8').catch((err: unknown) => {
    throw new VantageError('VANTAGE_FAILED', `${spec.name}: the Netdiag bundle ${options.bundlePath} cannot be read (${err instanceof Error ? err.message : String(err)}): build it with npm run build.`);
  });
  const plan = await planVantage(spec, options.setup, options.signal, options.timeoutMs);
  const how = `${shellWords(plan.argv)} < netdiag ${shellWords(redactArgs(args))}${plan.note ? ` (${plan.note})` : ''}`;
  options.log?.(`vantage ${spec.name}: ${how}`);
  const tool = plan.argv[0] ?? '';
  try {
    const remaining = Math.max(1, options.timeoutMs - (Date.now() - started));
    const r = await execCommand(plan.argv, { timeoutMs: remaining, stdin: vantageScript(bundle, args), env: options.setup.env, ...(options.signal ? { signal: options.signal } : {}) });
    if (r.cancelled || r.timedOut) {
      await plan.stop();
      if (r.cancelled) throw new VantageError('VANTAGE_CANCELLED', `${spec.name}: cancelled.`);
      throw new VantageError('VANTAGE_TIMEOUT', `${spec.name}: no answer within ${options.timeoutMs} ms${firstLine(r.stderr) ? ` (${firstLine(r.stderr)})` : ''}: check that it is reachable, or raise netdiag.vantage.timeoutMs (--vantage-timeout).`);
    }
    if (r.spawnError) {
      const missing = r.spawnError.code === 'ENOENT';
      throw new VantageError(missing ? 'VANTAGE_NO_ENGINE' : 'VANTAGE_FAILED', `${spec.name}: ${tool} ${missing ? 'is not installed' : `cannot start (${r.spawnError.message})`}: ${FIXES[spec.kind]}`);
    }
    // 0: no error finding, 1: error findings; both print the document. A tool that failed on
    // its own (kubectl, ssh and the engines exit 1 too) printed none.
    if ((r.code === 0 || r.code === 1) && r.stdout.trim() !== '') return { json: parseWire(spec, r.stdout, r.stderr), how };
    if (r.code === 2 && r.stdout === '' && /^netdiag: /m.test(r.stderr)) {
      throw new VantageError('VANTAGE_FAILED', `${spec.name}: ${firstLine(r.stderr).replace(/^netdiag: /, 'Netdiag there: ')}`);
    }
    throw explainFailure(spec, { tool, code: r.code, stderr: r.stderr, image: options.setup.image });
  } finally {
    await plan.cleanup();
  }
}

const FIXES: Readonly<Record<VantageSpec['kind'], string>> = {
  local: '',
  netns: 'install iproute2 (ip) and util-linux (nsenter).',
  container: 'install Docker or Podman, or name the engine in netdiag.vantage.containerEngine (--engine).',
  compose: 'install Docker or Podman, or name the engine in netdiag.vantage.containerEngine (--engine).',
  pod: 'install kubectl and point it at the cluster.',
  ssh: 'install an OpenSSH client.',
};

/** The JSON a vantage printed, of this very version of Netdiag. */
function parseWire(spec: VantageSpec, stdout: string, stderr: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new VantageError('VANTAGE_WIRE_MISMATCH', `${spec.name}: the answer was not a Netdiag document${firstLine(stderr) ? ` (${firstLine(stderr)})` : ''}.`);
  }
  const doc = json as { tool?: { name?: unknown; version?: unknown }; schemaVersion?: unknown } | null;
  const version = doc?.tool?.version;
  if (typeof version === 'string' && version !== VERSION) {
    throw new VantageError('VANTAGE_WIRE_MISMATCH', `${spec.name}: Netdiag there is version ${version}, here ${VERSION}: the versions must match.`);
  }
  if (doc && typeof doc === 'object' && 'schemaVersion' in doc && doc.schemaVersion !== 1) {
    throw new VantageError('VANTAGE_WIRE_MISMATCH', `${spec.name}: the answer has schema version ${String(doc.schemaVersion)}; this Netdiag reads 1.`);
  }
  return json;
}
