import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FINDINGS } from '../../src/engine/findings';

const docs = readFileSync(join(__dirname, '../../docs/findings.md'), 'utf8');

test('every finding code is documented in docs/findings.md with its severity', () => {
  for (const [code, spec] of Object.entries(FINDINGS)) {
    const heading = new RegExp(`^### \`${code}\` \\((\\w+)\\)$`, 'm').exec(docs);
    assert.ok(heading, `${code} has no heading in docs/findings.md`);
    assert.equal(heading[1], spec.severity, `${code}: docs say ${heading[1]}, the catalogue says ${spec.severity}`);
  }
});

test('docs/findings.md documents no code that does not exist', () => {
  for (const m of docs.matchAll(/^### `([A-Z0-9_]+)`/gm)) {
    assert.ok(m[1]! in FINDINGS, `docs/findings.md documents ${m[1]}, which the catalogue does not have`);
  }
});

test('every finding has a hint and a title', () => {
  for (const [code, spec] of Object.entries(FINDINGS)) {
    assert.ok(spec.hint.length > 20, `${code} needs a real hint`);
    assert.ok(spec.title.length > 5, `${code} needs a title`);
  }
});
