// When Netdiag starts (package.json activationEvents): where it has something to say. A folder
// pattern names each config the bind analysis reads by name; languages only where a name cannot
// (a Compose file with any name, a Dockerfile, a .env file, nginx); never a general format such as
// JSON, YAML or XML, and no event VS Code (1.74 and later) generates from the contributions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { detectFormat, isCandidate } from '../../src/engine/bind/formats';
import { globToRegExp } from '../../src/engine/bind/glob';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { activationEvents: string[]; engines: { vscode: string }; devDependencies: Record<string, string> };
const events = manifest.activationEvents;
const folderGlobs = events.filter((e) => e.startsWith('workspaceContains:')).map((e) => globToRegExp(e.slice('workspaceContains:'.length)));
const activates = (file: string): boolean => folderGlobs.some((g) => g.test(file));

describe('activation events', () => {
  it('a folder holding a config Netdiag reads by name activates it; the file is read as that format', () => {
    const configs: [string, string][] = [
      ['docker-compose.yml', 'compose'], ['deploy/compose.prod.yaml', 'compose'],
      ['api/Dockerfile', 'dockerfile'], ['Containerfile.dev', 'dockerfile'], ['build/app.dockerfile', 'dockerfile'],
      ['.env', 'dotenv'], ['svc/.env.local', 'dotenv'], ['prod.env', 'dotenv'], ['Procfile', 'procfile'],
      ['appsettings.Development.json', 'aspnet'], ['shop/Properties/launchSettings.json', 'aspnet'],
      ['src/main/resources/application.yml', 'spring'], ['bootstrap-dev.properties', 'spring'],
      ['nginx.conf', 'nginx'], ['site.nginx', 'nginx'], ['redis.conf', 'redis'], ['postgresql.conf', 'postgresql'],
      ['my.cnf', 'mysql'], ['mongod.conf', 'mongodb'], ['gunicorn.conf.py', 'gunicorn'],
    ];
    for (const [file, format] of configs) {
      assert.ok(activates(file), `${file} does not activate Netdiag`);
      assert.equal(detectFormat(file), format, file);
    }
    assert.ok(activates('etc/nginx/sites-enabled/default') && isCandidate('etc/nginx/sites-enabled/default'));
  });

  it('a folder of files Netdiag does not read does not activate it', () => {
    for (const file of ['tsconfig.json', '.vscode/settings.json', 'src/index.ts', 'README.md', 'package-lock.json', '.github/workflows/ci.yml', 'data/config.xml', 'Cargo.toml']) {
      assert.ok(!activates(file), `${file} activates Netdiag`);
    }
  });

  it('activates on no general language and on no event VS Code generates', () => {
    const languages = events.filter((e) => e.startsWith('onLanguage:')).map((e) => e.slice('onLanguage:'.length));
    assert.deepEqual(languages.filter((l) => ['json', 'jsonc', 'xml', 'yaml', 'toml', 'ini', 'properties'].includes(l)), []);
    assert.deepEqual(events.filter((e) => /^(onCommand|onView|onCustomEditor):/.test(e)), []);
    // Restoring a report panel after a reload needs its serializer: no contribution generates this one.
    assert.ok(events.includes('onWebviewPanel:netdiag.report'));
  });

  it('the vscode types are those of the oldest VS Code engines.vscode allows', () => {
    assert.equal(`^${manifest.devDependencies['@types/vscode']}`, manifest.engines.vscode);
  });
});
