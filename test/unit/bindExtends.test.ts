// Compose `extends`: a service inherits its base's ports and environment (merged key by key in the
// same file, by origin across files), chains stop at loops and missing bases, and a base read from
// another file is a template, never in a port conflict with the service that extends it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanDirectory } from '../../src/engine/bind/analyze';
import type { BindModel } from '../../src/engine/model/bind';

const FIXTURE = join(__dirname, '../fixtures/bind/extends');

async function model(): Promise<BindModel> {
  return (await scanDirectory(FIXTURE)).model({ interfaces: null, live: null });
}

const bindsOf = (m: BindModel, id: string): string[] => m.binds.filter((b) => b.service === id).map((b) => `${b.address ?? '(default)'}:${b.port ?? '?'}`);
const publishedOf = (m: BindModel, id: string): string[] => m.published.filter((p) => p.service === id).map((p) => `${p.hostPort ?? '-'}→${p.containerPort}`);

describe('Compose extends', () => {
  it('in the same file: ports joined, environment merged with what the service sets winning', async () => {
    const m = await model();
    assert.deepEqual(m.services.find((s) => s.id === 'web')?.extends, { service: 'base', file: 'compose.yaml' });
    assert.deepEqual(publishedOf(m, 'web'), ['8080→3000']);
    // web sets PORT itself and takes HOST from base: one bind, not a portless one beside it.
    assert.deepEqual(bindsOf(m, 'web'), ['127.0.0.1:3000']);
    const loop = m.findings.filter((f) => f.code === 'BIND_LOOPBACK_IN_CONTAINER').map((f) => f.message);
    assert.equal(loop.length, 2);
    assert.match(loop.join('\n'), /^"web" binds 127\.0\.0\.1:3000 \(HOST\)/m);
  });

  it('from another file: the base is inherited, and as a template it conflicts with nothing', async () => {
    const m = await model();
    assert.deepEqual(m.services.find((s) => s.id === 'api')?.extends, { service: 'api-base', file: 'compose.common.yaml' });
    assert.deepEqual(publishedOf(m, 'api'), ['9000→9000']);
    assert.deepEqual(bindsOf(m, 'api'), ['0.0.0.0:9000']);
    const conflicts = m.findings.filter((f) => f.code === 'BIND_PORT_CONFLICT');
    assert.deepEqual(conflicts.map((f) => `${f.range.file}:${f.range.line + 1}`), ['compose.yaml:9']);
    assert.match(conflicts[0]!.message, /"base" starts with the profile "template", and the other always\.$/);
  });

  it('a loop or a base that is nowhere adds nothing', async () => {
    const m = await model();
    for (const id of ['loop-a', 'loop-b', 'orphan']) {
      assert.ok(m.services.some((s) => s.id === id), id);
      assert.deepEqual([...bindsOf(m, id), ...publishedOf(m, id)], [], id);
    }
  });
});
