// Child processes of the tests: running a reference tool (kdig, dig) to compare with, and
// stopping a daemon the tests started (knotd, tinyproxy, openssl, a blackhole server): signal it,
// wait for its exit, and kill it outright if it lingers. Removing a daemon's working directory
// before it has exited races with its shutdown writes (knotd flushes its databases).
import { spawn, type ChildProcess } from 'node:child_process';

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a reference tool (kdig, dig, openssl…) without blocking the event loop, so servers the
 * test runs in this process keep answering it. Resolves with its exit code and output.
 */
export function runTool(command: string, args: readonly string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
