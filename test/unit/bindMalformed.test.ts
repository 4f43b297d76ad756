// Broken input never crashes the analysis: syntax errors, huge and binary files and deep nesting
// become CONFIG_PARSE_ERROR findings where that helps the user, and nothing at all otherwise.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BindAnalysis, scanDirectory } from '../../src/engine/bind/analyze';
import { extractFile, MAX_CONFIG_BYTES } from '../../src/engine/bind/formats';

const CTX = { interfaces: null, live: null };

function codes(file: string, content: string | Uint8Array): string[] {
  const a = new BindAnalysis();
  a.update(file, content);
  return a.model(CTX).findings.map((f) => `${f.code} ${f.range.line + 1}:${f.range.column + 1}`);
}

describe('malformed config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-bind-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a YAML syntax error is placed where the parser stopped', () => {
    assert.deepEqual(codes('compose.yaml', 'services:\n  web:\n    ports: [80\n  db: {\n'), ['CONFIG_PARSE_ERROR 4:3']);
  });

  it('a JSON syntax error (appsettings, package.json) is placed at the bad token', () => {
    assert.deepEqual(codes('appsettings.json', '{ "Urls": }'), ['CONFIG_PARSE_ERROR 1:11']);
    assert.deepEqual(codes('package.json', '{"scripts": {"dev": "vite --host 0.0.0.0"'), ['CONFIG_PARSE_ERROR 1:42']);
  });

  it('a huge file is skipped with a finding, not read', async () => {
    const big = join(dir, 'huge');
    rmSync(big, { recursive: true, force: true });
    writeFileSync(join(dir, 'docker-compose.yml'), `services:\n${'  # padding\n'.repeat(MAX_CONFIG_BYTES / 10)}`);
    const model = (await scanDirectory(dir)).model(CTX);
    assert.equal(model.findings.length, 1);
    assert.equal(model.findings[0]!.code, 'CONFIG_PARSE_ERROR');
    assert.match(model.findings[0]!.message, /larger than the 2 MiB/);
    rmSync(join(dir, 'docker-compose.yml'));
  });

  it('a 50 MB file is said to be 50 MB, not "2.0 MiB", and is never read', async () => {
    const sub = mkdtempSync(join(dir, 'fifty-'));
    // Sparse: 50 MiB on paper, no disk used; reading it would show in the time, not the disk.
    writeFileSync(join(sub, 'docker-compose.yml'), '');
    truncateSync(join(sub, 'docker-compose.yml'), 50 * 1024 * 1024);
    const model = (await scanDirectory(sub)).model(CTX);
    assert.deepEqual(model.findings.map((f) => f.message), ['docker-compose.yml (compose): Skipped: the file is 50.0 MiB (52428800 bytes), larger than the 2 MiB a config file can be. What this file binds or connects to is not analysed.']);
  });

  it('a binary file with a config name is reported; a binary file of another name is ignored', () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff]);
    assert.deepEqual(codes('docker-compose.yml', bytes), ['CONFIG_PARSE_ERROR 1:1']);
    assert.equal(extractFile('logo.png', bytes), null);
  });

  it('deep nesting (100,000 levels) in YAML and JSON does not crash', () => {
    const deepJson = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepYaml = `a: ${'['.repeat(100_000)}`;
    for (const [file, text] of [['appsettings.json', deepJson], ['settings.json', deepJson], ['compose.yaml', deepYaml], ['application.yml', deepYaml], ['k8s.yaml', `kind: Pod\napiVersion: v1\nspec: ${'{a: '.repeat(50_000)}`]] as const) {
      assert.doesNotThrow(() => new BindAnalysis().update(file, text), file);
      const a = new BindAnalysis();
      a.update(file, text);
      const found = a.model(CTX).findings;
      assert.equal(found.length, 1, file);
      assert.equal(found[0]!.code, 'CONFIG_PARSE_ERROR');
      assert.match(found[0]!.message, /nested more than 10,000 levels deep|nested \d+ levels deep/, file);
    }
  });

  it('a YAML alias bomb costs nothing (aliases are never expanded)', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const start = performance.now();
    assert.deepEqual(codes('compose.yaml', bomb), []);
    // Expanded, the bomb would be 9^10 nodes: no machine gets through that in two seconds.
    assert.ok(performance.now() - start < 2000);
  });

  it('random bytes in every format never throw', () => {
    const names = ['docker-compose.yml', 'Dockerfile', '.env', 'appsettings.json', 'application.properties', 'application.yml', 'nginx.conf', 'package.json', 'vite.config.ts', 'Procfile', 'k8s.yaml', 'redis.conf', 'postgresql.conf', 'my.cnf', 'mongod.conf', 'x.toml', 'x.ini', 'x.xml', 'gunicorn.conf.py'];
    for (let round = 0; round < 20; round++) {
      for (const name of names) {
        const text = randomBytes(2000).toString('latin1').replace(/\0/g, ' ');
        assert.doesNotThrow(() => new BindAnalysis().update(name, text), name);
      }
    }
  });
});
