// Runs the built CLI (dist/cli.js) as a user would, for the CLI suites. `npm test` builds first.
// The child gets no proxy variables (a developer's HTTP(S)_PROXY must not change a test) and
// NO_COLOR, unless the test passes its own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole process. */
  ms: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Sends SIGINT after this long, like Ctrl-C. */
  interruptAfterMs?: number;
  /** Runs the CLI inside this network namespace (`ip netns exec`; root only). */
  netns?: string;
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
    const command = opts.netns === undefined ? [process.execPath, CLI, ...args] : ['ip', 'netns', 'exec', opts.netns, process.execPath, CLI, ...args];
    const child = spawn(command[0]!, command.slice(1), { env: { ...base, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hung CLI fails its test instead of hanging the suite.
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const interrupt = opts.interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), opts.interruptAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      if (interrupt) clearTimeout(interrupt);
      resolve({ code, stdout, stderr, ms: Date.now() - start });
    });
  });
}
