// Parses YAML with eemeli/yaml, keeping every document and turning syntax errors into one
// CONFIG_PARSE_ERROR fact per file, at the first error (later ones are often its echoes).
// Aliases are never expanded (no toJS), so an alias bomb costs nothing.
import { parseAllDocuments, type Document } from 'yaml';
import type { FactsBuilder } from './common';

export function parseYaml(b: FactsBuilder): Document.Parsed[] {
  const docs = parseAllDocuments(b.src.text, { uniqueKeys: false, strict: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const errors = list.flatMap((d) => d.errors);
  const first = errors[0];
  if (first) b.parseError(`YAML syntax error: ${first.message.split('\n')[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, first.pos[0], first.pos[1]);
  return list.filter((d) => d.errors.length === 0);
}
