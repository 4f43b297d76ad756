// npm run bench -- bind: the bind analysis on a generated workspace of 10,000 files, 300 of them
// config files of every format, against the floor of reading those files: `rg --files` to list
// them plus `rg` for the same file patterns (ripgrep, Debian package `ripgrep`), in one run.
// Targets (issue 6): full analysis ≤ 1 s, one-file update ≤ 20 ms, hover without network ≤ 10 ms p95.
// Then the largest Compose file the analysis reads (63,881 services, just under 2 MiB): its text
// output must cost no more than its JSON (issue 14: the text renderer was quadratic, 91 s vs 11 s).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanDirectory } from '../../src/engine/bind/analyze';
import { hoverAt } from '../../src/engine/bind/hover';
import { renderBindText } from '../../src/cli/bindText';
import type { Terminal } from '../../src/cli/terminal';
import { writeHugeCompose } from '../helpers/hostileWorkspace';

const FILES = 10_000;
const CONFIGS = 300;
const SERVICES = 100;
const CTX = { interfaces: null, live: null };

function configFiles(i: number): [string, string][] {
  const dir = `services/svc${i}`;
  const port = 3000 + i;
  const kinds: [string, string][][] = [
    [[`${dir}/docker-compose.yml`, `services:\n  svc${i}:\n    build: .\n    ports:\n      - "${8000 + i}:${port}"\n    environment:\n      HOST: 0.0.0.0\n      PORT: "${port}"\n      DATABASE_URL: postgres://app@db${i}:5432/app\n  db${i}:\n    image: postgres:16\n    ports:\n      - "${15432 + i}:5432"\n`]],
    [[`${dir}/.env`, `HOST=0.0.0.0\nPORT=${port}\nAPI_URL=http://svc${(i + 1) % SERVICES}:${port + 1}/v1\nREDIS_HOST=cache\nREDIS_PORT=6379\n`]],
    [[`${dir}/appsettings.json`, `{\n  // comments are allowed\n  "Kestrel": { "Endpoints": { "Http": { "Url": "http://0.0.0.0:${port}" } } },\n  "ConnectionStrings": { "Db": "Host=db;Port=5432" }\n}\n`]],
    [[`${dir}/src/main/resources/application.yml`, `server:\n  address: 0.0.0.0\n  port: ${port}\nspring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app\n`]],
    [[`${dir}/nginx.conf`, `events {}\nhttp {\n  server {\n    listen ${port};\n    location / { proxy_pass http://svc${i}:${port}; }\n  }\n}\n`]],
    [[`${dir}/package.json`, `{\n  "name": "svc${i}",\n  "scripts": { "dev": "vite --host 127.0.0.1 --port ${port}", "build": "vite build" }\n}\n`]],
    [[`${dir}/Dockerfile`, `FROM node:22\nEXPOSE ${port}\nCMD ["node", "server.js", "--host", "0.0.0.0", "--port", "${port}"]\n`]],
    [[`${dir}/k8s.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc${i}\nspec:\n  template:\n    metadata:\n      labels:\n        app: svc${i}\n    spec:\n      containers:\n        - name: app\n          image: svc:1\n          ports:\n            - containerPort: ${port}\n`]],
    [[`${dir}/config.toml`, `[upstream]\nurl = "http://api.internal:${port}/v1"\n`]],
    [[`${dir}/redis.conf`, `bind 127.0.0.1 -::1\nport ${6379 + i}\n`]],
  ];
  return kinds[i % kinds.length]!;
}

function generate(root: string): { configs: string[] } {
  const configs: string[] = [];
  let written = 0;
  for (let i = 0; configs.length < CONFIGS; i++) {
    for (const [path, text] of configFiles(i)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
      configs.push(path);
      written++;
    }
  }
  for (let i = 0; written < FILES; i++, written++) {
    const dir = join(root, 'services', `svc${i % SERVICES}`, 'src', `m${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const ext = ['ts', 'md', 'css', 'html', 'py', 'go'][i % 6]!;
    writeFileSync(join(dir, `file${i}.${ext}`), `// generated source ${i}\nexport const value${i} = "http://localhost:${i % 60000}";\n`.repeat(8));
  }
  return { configs };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const median = (xs: number[]): number => percentile(xs, 50);

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'netdiag-bind-bench-'));
  try {
    const { configs } = generate(root);
    // Full analysis: list the folder, read every candidate, extract, link, run the rules.
    const full: number[] = [];
    let analysis = await scanDirectory(root);
    for (let run = 0; run < 7; run++) {
      const t = performance.now();
      analysis = await scanDirectory(root);
      const model = analysis.model(CTX);
      full.push(performance.now() - t);
      if (model.services.length === 0) throw new Error('nothing analysed');
    }
    const model = analysis.model(CTX);

    // The floor: ripgrep lists the files and reads those matching the same patterns.
    const globs = ['*compose*.y*ml', 'Dockerfile*', '.env*', '*.env', 'appsettings*.json', 'application*.y*ml', 'application*.properties', 'package.json', '*.conf', '*.cnf', '*.toml', '*.ini', '*.y*ml', '*.json', '*.properties', '*.xml', 'Procfile*'];
    const gargs = globs.flatMap((g) => ['-g', g]);
    const rg: number[] = [];
    for (let run = 0; run < 7; run++) {
      const t = performance.now();
      const list = spawnSync('rg', ['--files', '--hidden', ...gargs, root], { encoding: 'utf8' });
      const grep = spawnSync('rg', ['--hidden', '-c', '-e', 'HOST|PORT|listen|bind|ports|://|Url|address', ...gargs, root], { encoding: 'utf8' });
      rg.push(performance.now() - t);
      if (list.status !== 0 || grep.status !== 0) throw new Error(`rg failed: ${list.stderr}${grep.stderr}`);
    }

    // One changed file: re-extract it and re-run linking and the rules.
    const update: number[] = [];
    const changed = configs.find((c) => c.endsWith('docker-compose.yml'))!;
    const original = readFileSync(join(root, changed), 'utf8');
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      analysis.update(changed, original.replace('HOST: 0.0.0.0', i % 2 === 0 ? 'HOST: 127.0.0.1' : 'HOST: 0.0.0.0'));
      analysis.model(CTX);
      update.push(performance.now() - t);
    }

    // Hovers at every bind and client value of the model, no network.
    const m = analysis.model(CTX);
    const texts = new Map<string, string>();
    const hover: number[] = [];
    const spots = [...m.binds.map((b) => b.source), ...m.clients.map((c) => c.source)].slice(0, 1000);
    for (const r of spots) {
      const text = texts.get(r.file) ?? readFileSync(join(root, r.file), 'utf8');
      texts.set(r.file, text);
      const t = performance.now();
      const spot = hoverAt(m, r.file, text, r.start + 1);
      hover.push(performance.now() - t);
      if (!spot) throw new Error(`no hover at ${r.file}:${r.line + 1}`);
    }

    const fmt = (ms: number): string => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
    console.log(`workspace: ${FILES} files, ${configs.length} config files; model: ${model.services.length} services, ${model.binds.length} binds, ${model.clients.length} clients, ${model.findings.length} findings`);
    console.log('| measure | Netdiag | rg --files + rg | ratio | target |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| full analysis (median of 7) | ${fmt(median(full))} | ${fmt(median(rg))} | **${(median(full) / median(rg)).toFixed(2)}** | ≤ 1 s |`);
    console.log(`| one-file update (p50 / p95 of 200) | ${fmt(median(update))} / ${fmt(percentile(update, 95))} | | | ≤ 20 ms |`);
    console.log(`| hover, no network (p50 / p95 of ${hover.length}) | ${fmt(median(hover))} / ${fmt(percentile(hover, 95))} | | | ≤ 10 ms p95 |`);
    const huge = await hugeCompose();
    console.log(`| 63,881-service Compose file: scan / text / JSON (median of 3) | ${fmt(huge.scan)} / ${fmt(huge.text)} / ${fmt(huge.json)} | | text/JSON **${(huge.text / huge.json).toFixed(2)}** | text ≤ 2 × JSON |`);
    const ok = median(full) <= 1000 && percentile(update, 95) <= 20 && percentile(hover, 95) <= 10 && huge.text <= 2 * huge.json;
    if (!ok) {
      console.log('a target was missed');
      process.exitCode = 1;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A plain terminal for the renderer: no colour, lines kept (what `netdiag bind-scan` prints). */
const PLAIN = { paint: (_style: string, text: string) => text, severityWord: (s: string) => s } as unknown as Terminal;

/** The scan of the huge Compose file, then the text lines and the JSON of its model: medians of 3. */
async function hugeCompose(): Promise<{ scan: number; text: number; json: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-bind-huge-'));
  try {
    writeHugeCompose(dir);
    const scan: number[] = [];
    const text: number[] = [];
    const json: number[] = [];
    for (let run = 0; run < 3; run++) {
      let t = performance.now();
      const analysis = await scanDirectory(dir);
      const model = analysis.model(CTX);
      scan.push(performance.now() - t);
      if (model.services.length < 63_881) throw new Error(`only ${model.services.length} services read`);
      t = performance.now();
      renderBindText(model, analysis.files.length, null, PLAIN);
      text.push(performance.now() - t);
      t = performance.now();
      JSON.stringify(model, null, 2);
      json.push(performance.now() - t);
    }
    return { scan: median(scan), text: median(text), json: median(json) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
