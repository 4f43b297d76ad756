// docs/report.md follows the public JSON types in src/engine/model/, the way findingsDocs.test.ts
// holds docs/findings.md to the catalogue: every exported interface is named in a section of the
// docs that also names each of its fields (nested object fields too) and each string value its
// fields can take; every value of an exported string union is named somewhere.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const MODEL = join(__dirname, '../../src/engine/model');
const docs = readFileSync(join(__dirname, '../../docs/report.md'), 'utf8');
/** The `##` sections of the docs, each with its heading. */
const sections = docs.split(/^(?=## )/m);

interface Shape {
  name: string;
  file: string;
  fields: Set<string>;
  values: Set<string>;
}

/** Property names and string literals anywhere inside a type (object literals, unions, arrays). */
function collect(node: ts.Node, fields: Set<string>, values: Set<string>): void {
  if (ts.isPropertySignature(node) && ts.isIdentifier(node.name)) fields.add(node.name.text);
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) values.add(node.literal.text);
  ts.forEachChild(node, (child) => collect(child, fields, values));
}

function shapes(): { interfaces: Shape[]; unions: Shape[] } {
  const interfaces: Shape[] = [];
  const unions: Shape[] = [];
  for (const file of readdirSync(MODEL).filter((f) => f.endsWith('.ts'))) {
    const source = ts.createSourceFile(file, readFileSync(join(MODEL, file), 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exported) continue;
      const shape: Shape = { name: '', file, fields: new Set(), values: new Set() };
      if (ts.isInterfaceDeclaration(statement)) {
        shape.name = statement.name.text;
        for (const member of statement.members) collect(member, shape.fields, shape.values);
        interfaces.push(shape);
      } else if (ts.isTypeAliasDeclaration(statement)) {
        shape.name = statement.name.text;
        collect(statement.type, shape.fields, shape.values);
        unions.push(shape);
      }
    }
  }
  return { interfaces, unions };
}

const named = (text: string, word: string): boolean => new RegExp(`(?<![\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);

test('the model folder has the public types (a control: the parser finds them)', () => {
  const { interfaces } = shapes();
  for (const name of ['Report', 'DnsLookupResult', 'CertCheck', 'TlsScan', 'BindScanJson', 'CertificateInfo', 'Finding']) {
    assert.ok(interfaces.some((s) => s.name === name), `${name} not found in src/engine/model/`);
  }
  assert.ok(interfaces.find((s) => s.name === 'CertificateInfo')?.fields.has('permitted'), 'nested object fields are collected');
});

test('every public interface is named in a section of docs/report.md that names all its fields and values', () => {
  const problems: string[] = [];
  for (const shape of shapes().interfaces) {
    const candidates = sections.filter((s) => s.includes(`\`${shape.name}\``));
    if (candidates.length === 0) {
      problems.push(`${shape.name} (src/engine/model/${shape.file}) is not named as \`${shape.name}\``);
      continue;
    }
    const missing = (s: string): string[] => [...shape.fields, ...shape.values].filter((w) => !named(s, w));
    const best = candidates.map(missing).sort((a, b) => a.length - b.length)[0] ?? [];
    if (best.length > 0) problems.push(`the section naming ${shape.name} does not name ${best.join(', ')}`);
  }
  assert.deepEqual(problems, [], `docs/report.md:\n${problems.join('\n')}`);
});

test('every value of a public string union is named in docs/report.md', () => {
  const problems = shapes().unions.flatMap((shape) => [...shape.values].filter((v) => !named(docs, v)).map((v) => `${shape.name} (src/engine/model/${shape.file}): ${v}`));
  assert.deepEqual(problems, [], `docs/report.md does not name:\n${problems.join('\n')}`);
});
