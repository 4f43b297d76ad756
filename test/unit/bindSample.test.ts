// A whole sample project (compose + nginx + ASP.NET + Node + .env files): every finding asserted
// one by one, each quick fix applied to the text removes its finding and adds none, and editing
// one file re-analyses incrementally.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BindAnalysis, scanDirectory } from '../../src/engine/bind/analyze';
import type { BindFinding } from '../../src/engine/model/bind';

const SAMPLE = join(__dirname, '../fixtures/bind/sample');
const CTX = { interfaces: null, live: null };

function place(f: BindFinding): string {
  return `${f.code} ${f.range.file}:${f.range.line + 1}:${f.range.column + 1}`;
}

describe('sample project', () => {
  it('finds exactly these problems', async () => {
    const model = (await scanDirectory(SAMPLE)).model(CTX);
    assert.deepEqual(model.findings.map(place), [
      'BIND_LOCALHOST_FAMILY_MISMATCH .env:2:16',
      'BIND_LOOPBACK_IN_CONTAINER docker-compose.yml:12:25',
      'CLIENT_LOCALHOST_IN_CONTAINER docker-compose.yml:14:26',
      'CLIENT_UNKNOWN_TARGET docker-compose.yml:23:26',
      'CLIENT_UNKNOWN_TARGET docker-compose.yml:24:17',
      'BIND_ALL_INTERFACES_EXPOSED docker-compose.yml:28:10',
      'CLIENT_LOCALHOST_IN_CONTAINER web/.env:3:16',
    ]);
    const [family, loop, cache, rabbit, apiPort, exposed, webApi] = model.findings;
    assert.match(loop!.message, /"api" binds 127\.0\.0\.1:5000 \(ASPNETCORE_URLS\) inside its container, but it is published as 127\.0\.0\.1:5000 → 5000/);
    assert.match(exposed!.message, /"db" \(PostgreSQL\)/);
    assert.match(family!.message, /127\.0\.0\.1:5000 — IPv4 only/);
    assert.match(cache!.message, /port 6379 is served by "cache"/);
    assert.match(rabbit!.message, /no service in this project is named "rabbit"/);
    assert.match(apiPort!.message, /"api" listens on 5000, not 5001/);
    assert.match(webApi!.message, /"web" connects to localhost:5000/);
    assert.equal(model.services.find((s) => s.id === 'web')?.dirs[0], 'web');
  });

  it('links services: build contexts, env_file, nginx upstreams as clients', async () => {
    const model = (await scanDirectory(SAMPLE)).model(CTX);
    assert.deepEqual(model.services.map((s) => `${s.id}:${s.runtime}`), ['api:container', 'cache:container', 'db:container', 'host:.:host', 'proxy:container', 'web:container', 'worker:container']);
    assert.ok(model.binds.some((b) => b.service === 'proxy' && b.origin === 'listen' && b.port === 8080));
    assert.ok(model.clients.some((c) => c.service === 'proxy' && c.host === 'web' && c.port === 3000));
  });

  it('each quick fix removes its finding and introduces none', async () => {
    const analysis = await scanDirectory(SAMPLE);
    const before = analysis.model(CTX).findings;
    const fixable = before.filter((f) => f.fix);
    assert.deepEqual(fixable.map((f) => f.code), ['BIND_LOCALHOST_FAMILY_MISMATCH', 'BIND_LOOPBACK_IN_CONTAINER', 'CLIENT_LOCALHOST_IN_CONTAINER', 'BIND_ALL_INTERFACES_EXPOSED', 'CLIENT_LOCALHOST_IN_CONTAINER']);
    for (const f of fixable) {
      const copy = await scanDirectory(SAMPLE);
      const file = f.range.file;
      let text = readFileSync(join(SAMPLE, file), 'utf8');
      for (const e of [...f.fix!.edits].sort((a, b) => b.range.start - a.range.start)) text = text.slice(0, e.range.start) + e.newText + text.slice(e.range.end);
      copy.update(file, text);
      const after = copy.model(CTX).findings.map(place);
      assert.ok(!after.includes(place(f)), `${f.fix!.title} removes ${place(f)}`);
      const added = after.filter((p) => !before.map(place).includes(p));
      assert.deepEqual(added, [], `${f.fix!.title} adds nothing`);
    }
  });

  it('re-analyses one changed file without re-reading the others', () => {
    const a = new BindAnalysis();
    a.update('docker-compose.yml', 'services:\n  app:\n    image: x\n    ports: ["8080:80"]\n    environment:\n      PORT: "80"\n      HOST: 127.0.0.1\n');
    assert.deepEqual(a.model(CTX).findings.map((f) => f.code), ['BIND_LOOPBACK_IN_CONTAINER']);
    const first = a.model(CTX);
    assert.equal(a.model(CTX), first, 'the model is cached until a file changes');
    a.update('docker-compose.yml', 'services:\n  app:\n    image: x\n    ports: ["8080:80"]\n    environment:\n      PORT: "80"\n      HOST: 0.0.0.0\n');
    assert.deepEqual(a.model(CTX).findings, []);
    a.update('README.md', '# not a config');
    assert.deepEqual(a.files, ['docker-compose.yml']);
    a.remove('docker-compose.yml');
    assert.deepEqual(a.model(CTX).services, []);
  });
});
