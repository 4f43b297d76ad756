// The system facts of the OS Netdiag runs on: what the front ends pass to the engine (the engine
// itself reads no environment). Tests build linuxFacts() with their own runner instead.
import { readFile } from 'node:fs/promises';
import { execRunner, type CommandRunner } from '../command';
import { darwinFacts } from './darwin';
import { unavailable, type SystemFacts } from './facts';
import { linuxFacts } from './linux';
import { windowsFacts } from './windows';

export interface OsFactsOptions {
  run?: CommandRunner;
  /** %SystemRoot% on Windows (where the hosts file is). */
  systemRoot?: string;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export function osFacts(platform: NodeJS.Platform, opts: OsFactsOptions = {}): SystemFacts {
  const run = opts.run ?? execRunner;
  switch (platform) {
    case 'linux':
      return linuxFacts({ run, readFile: readText });
    case 'darwin':
      return darwinFacts({ run, readFile: readText });
    case 'win32':
      return windowsFacts({ run, readFile: readText, ...(opts.systemRoot ? { systemRoot: opts.systemRoot } : {}) });
    default: {
      const why = unavailable(`Netdiag reads routes, interfaces and TCP state on Linux, macOS and Windows, not on ${platform}`);
      return {
        os: platform,
        route: async () => why,
        defaultInterface: async () => why,
        link: async () => why,
        neighbour: async () => why,
        tcp: async () => why,
        resolverFiles: async () => why,
      };
    }
  }
}
