// Which files the bind analysis reads: by name, by name and content (nginx snippets, Kubernetes
// manifests, MySQL option files), or as a generic config; and which it never opens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat, isCandidate } from '../../src/engine/bind/formats';

describe('isCandidate', () => {
  it('reads files whose name makes them a config, or may make them one once the content is known', () => {
    for (const file of ['compose.yaml', 'api/Dockerfile.dev', '.env.local', 'Properties/launchSettings.json', 'conf.d/site.conf', 'sites-enabled/default', 'k8s/deploy.yaml', 'my.cnf', 'other.cnf', 'settings.toml']) {
      assert.equal(isCandidate(file), true, file);
    }
  });
  it('never opens sources, docs, lock files or tool configs', () => {
    for (const file of ['src/index.ts', 'README.md', 'package-lock.json', 'yarn.lock', 'tsconfig.json', 'web/jsconfig.json', 'Cargo.lock', 'conf.d/notes.txt']) {
      assert.equal(isCandidate(file), false, file);
    }
  });
});

describe('detectFormat', () => {
  it('tells formats apart by content where the name cannot', () => {
    assert.equal(detectFormat('conf.d/site.conf', 'server { listen 80; }'), 'nginx');
    assert.equal(detectFormat('conf.d/site.conf', '# nothing here'), 'generic');
    assert.equal(detectFormat('k8s/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\n'), 'kubernetes');
    assert.equal(detectFormat('k8s/values.yaml', 'replicas: 2\n'), 'generic');
    assert.equal(detectFormat('other.cnf', '[mysqld]\nbind-address = 0.0.0.0\n'), 'mysql');
    assert.equal(detectFormat('compose.yaml', 'apiVersion: v1\nkind: Pod\n'), 'compose', 'a name wins over content');
  });
});
