// Stopping a child process the tests started (knotd, tinyproxy, openssl, a blackhole server):
// signal it, wait for its exit, and kill it outright if it lingers. Removing a daemon's working
// directory before it has exited races with its shutdown writes (knotd flushes its databases).
import type { ChildProcess } from 'node:child_process';

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
