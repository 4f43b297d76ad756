// The child of startEngineRunner (measure.ts): loads the built engine bundle named on its command
// line once, the extension's way (through V8's code cache in the directory named after it, saved
// after each job as the extension saves it after a command), then runs one job per line of stdin
// and answers each with one line of JSON. A diagnosis goes the extension's way too: the settings
// prepared (with the cache directory, as the extension's loadEngine passes its storage; a
// `prepare` job's, made while the target is typed, serve the next run), then diagnose.
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadBundle } from '../../src/engine/loadBundle';
import { parseTarget } from '../../src/engine/target';
import type { SetupInput } from '../../src/engine/setup';
import type * as EngineModule from '../../src/vscode/engineEntry';
import { PreparedOptions } from '../../src/vscode/preparedOptions';
import type { RunnerJob } from './measure';

const file = resolve(process.argv[2] ?? 'dist/engine.js');
const cacheDir = process.argv[3] ?? null;
const bundle = loadBundle(file, cacheDir);
const loaded = bundle.exports as typeof EngineModule;
// As src/vscode/loadEngine.ts hands it out: the trust stores' facts kept in the extension's storage.
const engine: typeof EngineModule = { ...loaded, prepareOptions: (input) => loaded.prepareOptions({ ...input, ...(cacheDir ? { cacheDir: input.cacheDir ?? cacheDir } : {}) }) };

// As src/vscode/loadEngine.ts does: the options prepared while the target is typed serve the run.
const prepared = new PreparedOptions<Awaited<ReturnType<typeof engine.prepareOptions>>>();
const optionsFor = (setup: SetupInput): ReturnType<typeof engine.prepareOptions> => prepared.take(setup, () => engine.prepareOptions(setup));

async function runJob(job: RunnerJob): Promise<unknown> {
  if (job.kind === 'dns') return engine.lookupDns(job.name, { timeoutMs: 2000, types: ['A'], servers: [job.server] });
  if (job.kind === 'prepare') {
    const setup = job.setup as unknown as SetupInput;
    const options = engine.prepareOptions(setup);
    prepared.hold(setup, options);
    const setupMs = await engine.prepareRun((await options).options);
    engine.collectYoungGeneration();
    return setupMs;
  }
  if (job.kind === 'scan') {
    const { options } = await optionsFor(job.setup as unknown as SetupInput);
    return engine.checkEndpoint(job.host, job.port, null, { ...engine.certCheckOptions(options), scan: true });
  }
  const { options } = await optionsFor(job.setup as unknown as SetupInput);
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
