// Parses YAML with eemeli/yaml, keeping every document and turning syntax errors into
// CONFIG_PARSE_ERROR facts with their position. Aliases are never expanded (no toJS), so an
// alias bomb costs nothing.
import { parseAllDocuments, type Document } from 'yaml';
import type { FactsBuilder } from './common';

export function parseYaml(b: FactsBuilder): Document.Parsed[] {
  const docs = parseAllDocuments(b.src.text, { uniqueKeys: false, strict: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    for (const err of doc.errors) {
      b.parseError(`YAML syntax error: ${err.message.split('\n')[0]}`, err.pos[0], err.pos[1]);
    }
  }
  return list.filter((d) => d.errors.length === 0);
}
