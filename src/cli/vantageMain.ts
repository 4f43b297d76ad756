// dist/vantage.js: the CLI as one file, for a vantage (docs/vantage.md). The runner pipes it to
// `node -` in a namespace, a container, a pod or over ssh, where no other file of Netdiag exists,
// so the commands a vantage runs are in it, and it writes nothing there (no code cache).
import type { BundleLoader } from './commands';
import * as diagnose from './commands/diagnose';
import * as dns from './commands/dns';
import * as trace from './commands/trace';
import { UsageError } from './command';
import { runCli } from './run';

const BUNDLES: Readonly<Record<string, unknown>> = { diagnose, dns, trace };

const load: BundleLoader = <T>(name: string): T => {
  const found = BUNDLES[name];
  if (found === undefined) throw new UsageError(`netdiag ${name} does not run at a vantage; diagnose, dns and trace do.`);
  return found as T;
};

runCli(process.argv.slice(2), { cacheDir: null, load, afterRun: () => undefined });
