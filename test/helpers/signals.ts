// Ctrl-C for the built CLI: spawn it as a user would (test/helpers/cli.ts), wait until the run is
// really under way — the peer it talks to saw it — then send SIGINT, and tell how long the
// process took to end after it. A fixed delay would race with a slow start on a busy machine.
import { spawn } from 'node:child_process';
import { CLI, type CliResult } from './cli';

export interface InterruptedRun extends CliResult {
  /** From SIGINT to the process's exit. */
  afterSignalMs: number;
}

/**
 * Runs `netdiag ARGS`, sends SIGINT once `ready()` is true (polled every 20 ms; e.g. "the silent
 * server accepted a connection"), and resolves when the process has ended. A process still alive
 * 20 s after the start is killed, so a CLI that ignores Ctrl-C fails its test instead of hanging.
 */
export function runInterrupted(args: readonly string[], ready: () => boolean): Promise<InterruptedRun> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...base, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalledAt: number | null = null;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (signalledAt !== null || !ready()) return;
      signalledAt = Date.now();
      child.kill('SIGINT');
    }, 20);
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(kill);
      const end = Date.now();
      resolve({ code, stdout, stderr, ms: end - start, afterSignalMs: signalledAt === null ? NaN : end - signalledAt });
    });
  });
}
