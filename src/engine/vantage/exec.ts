// Runs one external command of a vantage (a container engine, nsenter, kubectl, ssh) with no
// shell: stdin written whole, stdout and stderr capped, a deadline, and cancellation. The child
// gets a process group of its own, so a timeout or a cancel ends it with everything it started
// (SIGTERM, then SIGKILL after a grace period).
import { spawn } from 'node:child_process';

export interface ExecOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Written to the child's stdin, which is then closed. */
  stdin?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Output beyond this is dropped (the command is not stopped for it). */
  maxBytes?: number;
}

export interface ExecResult {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  /** The command could not start (ENOENT: not installed; EACCES). */
  spawnError?: NodeJS.ErrnoException;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const GRACE_MS = 2000;

export function execCommand(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('execCommand: empty command');
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve) => {
    const result: ExecResult = { code: null, stdout: '', stderr: '', timedOut: false, cancelled: false };
    if (options.signal?.aborted) {
      resolve({ ...result, cancelled: true });
      return;
    }
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true, ...(options.env ? { env: options.env } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (d: Buffer) => {
      if (outBytes < max) out.push(d);
      outBytes += d.length;
    });
    child.stderr.on('data', (d: Buffer) => {
      if (errBytes < max) err.push(d);
      errBytes += d.length;
    });
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = (): void => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), GRACE_MS);
    };
    const timer = setTimeout(() => {
      result.timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      result.cancelled = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      resolve({ ...result, spawnError: e });
    });
    child.on('close', (code) => {
      done();
      resolve({ ...result, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A child that exits before reading all of stdin makes the write fail with EPIPE: its exit
    // code and stderr say why, so the write error itself is not news.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** Signals the child's whole process group (it leads one: `detached`), else the child alone. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}
