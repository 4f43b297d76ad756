// Runs the built CLI (dist/cli.js) for the vantage suites: in a folder (a Compose project), and
// behind a prefix (withLocalResolver) so "this machine" asks the test's resolver.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, type CliResult } from './cli';

/** The one-file CLI the runner ships to a vantage (esbuild.js `vantage`). */
export const VANTAGE_BUNDLE = join(__dirname, '../../dist/vantage.js');

export function runCliIn(cwd: string, prefix: readonly string[], args: readonly string[], killAfterMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
    const [file, ...rest] = [...prefix, process.execPath, CLI, ...args];
    const child = spawn(file!, rest, { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - start });
    });
  });
}
