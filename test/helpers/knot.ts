// Knot DNS (Debian `knot`) as a real authoritative peer for tests and benchmarks: started on a
// loopback address with its own config and zone files in a temp dir, stopped with its dir removed.
// `haveKnot` says whether knotd is installed, so a suite can skip with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from './process';

export const haveKnot = spawnSync('knotd', ['--version']).status === 0;

export interface KnotServer {
  address: string;
  port: number;
  stop(): Promise<void>;
}

/** `zones` maps each zone's name (no trailing dot) to its zone file text. */
export async function startKnot(address: string, port: number, zones: Readonly<Record<string, string>>): Promise<KnotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-knot-'));
  for (const [name, text] of Object.entries(zones)) writeFileSync(join(dir, `${name}.zone`), text);
  const zoneList = Object.keys(zones)
    .map((name) => `  - domain: ${name}\n`)
    .join('');
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:\n    listen: ${address}@${port}\n    rundir: ${dir}\ncontrol:\n    listen: ${dir}/knot.sock\ndatabase:\n    storage: ${dir}\nlog:\n  - target: stderr\n    any: info\ntemplate:\n  - id: default\n    storage: ${dir}\n    file: "%s.zone"\nzone:\n${zoneList}`,
  );
  const child = spawn('knotd', ['-c', join(dir, 'knot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      let waiting = new Set(Object.keys(zones));
      const timer = setTimeout(() => reject(new Error(`knotd did not start:\n${log}`)), 5000);
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        waiting = new Set([...waiting].filter((name) => !log.includes(`[${name}.] loaded`)));
        if (waiting.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`knotd exited with ${code}:\n${log}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, port, stop };
}
