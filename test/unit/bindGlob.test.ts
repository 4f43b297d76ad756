import assert from 'node:assert/strict';
import { it } from 'node:test';
import { excluder, globToRegExp } from '../../src/engine/bind/glob';

it('files.exclude globs match paths and everything under a matched folder', () => {
  const ex = excluder(['**/.git', '**/node_modules', 'build/*.yml', '**/*.{bak,tmp}', 'secret?.env', 'x/[ab].json']);
  for (const p of ['.git/config', 'a/.git/HEAD', 'node_modules/x/package.json', 'build/ci.yml', 'deep/a.bak', 'secret1.env', 'x/a.json']) assert.ok(ex(p), p);
  for (const p of ['gitx/config', 'build/sub/ci.yml', 'docker-compose.yml', 'secret12.env', 'x/c.json', 'a.bakx']) assert.ok(!ex(p), p);
  assert.ok(globToRegExp('**/docker-compose.yml').test('docker-compose.yml'));
});
