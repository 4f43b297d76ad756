// The child of startEngineRunner (measure.ts): loads the built engine bundle named on its command
// line once, the extension's way (through V8's code cache in the directory named after it, saved
// after each job as the extension saves it after a command), then runs one job per line of stdin
// and answers each with one line of JSON. A diagnosis goes the extension's way too: prepareOptions
// for the settings (with the cache directory, as the extension's loadEngine passes its storage),
// then diagnose.
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadBundle } from '../../src/engine/loadBundle';
import { parseTarget } from '../../src/engine/target';
import type { SetupInput } from '../../src/engine/setup';
import type * as EngineModule from '../../src/vscode/engineEntry';
import type { RunnerJob } from './measure';

const file = resolve(process.argv[2] ?? 'dist/engine.js');
const cacheDir = process.argv[3] ?? null;
const bundle = loadBundle(file, cacheDir);
const loaded = bundle.exports as typeof EngineModule;
// As src/vscode/loadEngine.ts hands it out: the trust stores' facts kept in the extension's storage.
const engine: typeof EngineModule = { ...loaded, prepareOptions: (input) => loaded.prepareOptions({ ...input, ...(cacheDir ? { cacheDir: input.cacheDir ?? cacheDir } : {}) }) };

async function runJob(job: RunnerJob): Promise<unknown> {
  if (job.kind === 'dns') return engine.lookupDns(job.name, { timeoutMs: 2000, types: ['A'], servers: [job.server] });
  if (job.kind === 'prepare') return engine.prepareRun((await engine.prepareOptions(job.setup as unknown as SetupInput)).options);
  if (job.kind === 'scan') {
    const { options } = await engine.prepareOptions(job.setup as unknown as SetupInput);
    return engine.checkEndpoint(job.host, job.port, null, { ...engine.certCheckOptions(options), scan: true });
  }
  const { options } = await engine.prepareOptions(job.setup as unknown as SetupInput);
  return engine.diagnose(parseTarget(job.url), { ...options, proxy: { env: {} }, ...(job.stream ? { onUpdate: (r) => void JSON.stringify(r) } : {}) });
}

const lines = createInterface({ input: process.stdin });
// One job at a time, in order: the timings must not overlap.
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let answer: string;
    try {
      answer = JSON.stringify({ ok: true, result: await runJob(JSON.parse(line) as RunnerJob) });
      bundle.saveCodeCache();
    } catch (err) {
      answer = JSON.stringify({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
    process.stdout.write(`${answer}\n`);
  });
});
