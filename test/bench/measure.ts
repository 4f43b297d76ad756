// What the benchmarks share: medians, whole processes timed without blocking the event loop (the
// servers and relays of a benchmark live in its own process and must keep answering), curl's
// -w phases, the warm engine runner, and a plain table.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Timed {
  /** Wall clock of the whole process, spawn to exit. */
  ms: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

export function timed(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, stdout, stderr, code }));
  });
}

/** curl's own timings of one transfer, in ms; `connect`, `tls`, `ttfb` are the phases between them. */
export interface CurlTimes {
  namelookup: number;
  connect: number;
  tls: number;
  ttfb: number;
  total: number;
  wall: number;
}

export const CURL_WRITE_OUT = '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}';

/**
 * What curl does between its TCP connect and writing its ClientHello, from its own trace
 * (`-v --trace-time`: the "Connected to" line to the "Client hello" line): building its TLS
 * context and reading the CA file for this transfer. curl's time_appconnect − time_connect holds
 * it; Netdiag does the same before its clock (setupMs). The trace's other lines cost curl time
 * inside the handshake, so only this stretch, with two lines of output, is read from it.
 */
export async function curlTlsSetup(args: readonly string[]): Promise<number> {
  const r = await timed('curl', ['-sS', '-o', '/dev/null', '-v', '--trace-time', ...args]);
  if (r.code !== 0) throw new Error(`curl ${args.join(' ')} failed: ${r.stderr}`);
  const at = (pattern: RegExp): number => {
    const m = r.stderr.split('\n').find((line) => pattern.test(line))?.match(/^(\d\d):(\d\d):(\d\d\.\d+)/);
    if (!m) throw new Error(`curl's trace has no line matching ${pattern}:\n${r.stderr}`);
    return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000;
  };
  const span = at(/\(OUT\), TLS handshake, Client hello/) - at(/Connected to /);
  return span < 0 ? span + 86_400_000 : span; // across midnight
}

export async function curl(args: readonly string[]): Promise<CurlTimes> {
  const r = await timed('curl', ['-sS', '-o', '/dev/null', '-w', CURL_WRITE_OUT, ...args]);
  const t = r.stdout.trim().split(' ').map((s) => Number(s) * 1000);
  const [namelookup, connect, appconnect, starttransfer, total] = t;
  if (r.code !== 0 || t.length !== 5 || t.some((x) => !Number.isFinite(x))) throw new Error(`curl ${args.join(' ')} failed: ${r.stderr}`);
  return { namelookup: namelookup!, connect: connect! - namelookup!, tls: appconnect! - connect!, ttfb: starttransfer! - appconnect!, total: total!, wall: r.ms };
}

/**
 * A long-lived Node process that loads the built engine (dist/engine.js, the bundle the extension
 * loads on its first diagnosis) and runs one job per `run()`, so a benchmark can time the first
 * run of a fresh engine and the warm ones after it, with the reference tool run in between.
 */
export interface EngineRunner {
  run<T>(job: RunnerJob): Promise<T>;
  close(): Promise<void>;
}

export type RunnerJob =
  /** `stream`: partial reports go to an onUpdate that serializes each, as the extension posts it to its panel. */
  | { kind: 'diagnose'; url: string; setup: Record<string, unknown>; stream?: boolean }
  /** What the extension does when Diagnose Endpoint starts, while the target is typed (prepareEngine). */
  | { kind: 'prepare'; setup: Record<string, unknown> }
  | { kind: 'dns'; name: string; server: { address: string; port: number } }
  /** Scan TLS Configuration as the extension runs it: the settings prepared, then checkEndpoint with `scan`. */
  | { kind: 'scan'; host: string; port: number; setup: Record<string, unknown> };

/**
 * How long a user takes to type a target or a name after starting a command, during which the
 * extension has already loaded (and for a diagnosis prepared) the engine: a freshly started
 * runner waits this long before its first job, as a new window's first command does.
 */
export const TYPING_MS = 1000;

/** `cacheDir`: where the engine's code cache lives, as the extension keeps it in its storage. */
export function startEngineRunner(engine: string, cacheDir: string): EngineRunner {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'engineRunner.ts'), engine, cacheDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return {
    run: <T>(job: RunnerJob) =>
      new Promise<T>((resolve, reject) => {
        const onExit = (): void => reject(new Error(`the engine runner exited:\n${stderr}`));
        child.once('exit', onExit);
        waiting.push((line) => {
          child.off('exit', onExit);
          const answer = JSON.parse(line) as { ok: true; result: T } | { ok: false; error: string };
          if (answer.ok) resolve(answer.result);
          else reject(new Error(answer.error));
        });
        child.stdin.write(`${JSON.stringify(job)}\n`);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

/**
 * A new VS Code window's engine as its first command meets it: freshly loaded (its code cache
 * from an earlier window), prepared as the command prepares it when it starts (src/vscode/
 * loadEngine.ts, prepareEngine), then left alone while the user types the target.
 */
export async function windowReadyToRun(engine: string, cacheDir: string, setup: Record<string, unknown>): Promise<EngineRunner> {
  const runner = startEngineRunner(engine, cacheDir);
  await runner.run({ kind: 'prepare', setup });
  await sleep(TYPING_MS);
  return runner;
}

/** A plain table: the first row is the header; numbers get `digits` decimals. */
export function table(rows: readonly (readonly (string | number | null)[])[], digits = 1): string {
  const text = rows.map((r) => r.map((c) => (c === null ? '–' : typeof c === 'number' ? (Number.isFinite(c) ? c.toFixed(digits) : '–') : c)));
  const widths = text[0]!.map((_, i) => Math.max(...text.map((r) => (r[i] ?? '').length)));
  return text.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '–';
}

/** The median of a[i] / b[i]: runs taken one after the other compared pair by pair. */
export function pairedRatio(a: readonly number[], b: readonly number[]): string {
  const ratios = a.map((x, i) => x / (b[i] ?? NaN)).filter((r) => Number.isFinite(r));
  return ratios.length === 0 ? '–' : median(ratios).toFixed(2);
}

/**
 * Whether a phase reads like the reference tool's reading of the same server: within
 * max(1 ms, 10 %) of it (issue 11). "yes +0.3" / "no -1.8": the verdict and Netdiag's difference.
 */
export function within(ours: number, reference: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(reference)) return '–';
  const diff = ours - reference;
  const ok = Math.abs(diff) <= Math.max(1, 0.1 * reference);
  return `${ok ? 'yes' : 'no'} ${diff >= 0 ? '+' : ''}${diff.toFixed(1)}`;
}
