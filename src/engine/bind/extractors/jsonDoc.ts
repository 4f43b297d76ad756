// Parses JSON with comments and trailing commas (jsonc-parser, the parser VS Code uses for its own
// settings) and turns syntax errors into CONFIG_PARSE_ERROR facts.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { FactsBuilder } from './common';

export function parseJson(b: FactsBuilder): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(b.src.text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) b.parseError(`JSON syntax error: ${printParseErrorCode(first.error)}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, first.offset, first.offset + first.length);
  return root;
}
