// The fallback for other YAML, JSON, TOML, INI, properties and XML files: URLs and host:port
// values under keys that name an endpoint are client references. YAML, JSON(C) and TOML are
// parsed first with real parsers so a syntax error becomes CONFIG_PARSE_ERROR.
import { parse as parseToml, TomlError } from 'smol-toml';
import type { FileFacts } from '../facts';
import { findClientValues, parseHostPort } from '../values';
import { FactsBuilder, FILE_SERVICE } from './common';
import { parseJson } from './jsonDoc';
import { parseYaml } from './yamlDocs';

export function extractGeneric(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'generic');
  const ext = /\.([\w]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  if (ext === 'yaml' || ext === 'yml') parseYaml(b);
  else if (ext === 'json' || ext === 'jsonc') parseJson(b);
  else if (ext === 'toml') {
    try {
      parseToml(text);
    } catch (err) {
      const at = err instanceof TomlError ? lineOffset(text, err.line - 1) + err.column - 1 : 0;
      b.parseError(`TOML syntax error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, at, at + 1);
    }
  }
  for (const c of findClientValues(text)) {
    if (/^(www\.)?(w3\.org|schemas\.|json-schema\.org|xmlns)/.test(c.host) || c.host.includes('schema')) continue;
    b.client({ service: FILE_SERVICE, host: c.host, port: c.port, url: c.url, origin: keyBefore(text, c.start) ?? 'url', start: c.start, end: c.end, hostStart: c.hostStart });
  }
  // host:port values under keys that name an endpoint (`"upstream": "api:8080"`, `addr = "db:5432"`).
  for (const m of text.matchAll(/["']?([\w.-]*(?:host|addr|address|endpoint|server|upstream|target)s?)["']?\s*[:=]\s*["']?([\w.-]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5})["']?/gi)) {
    const value = m[2]!;
    const hp = parseHostPort(value);
    const at = m.index + m[0].lastIndexOf(value);
    if (hp?.host && hp.port !== null && !/^\d+$/.test(hp.host)) b.client({ service: FILE_SERVICE, host: hp.host, port: hp.port, url: null, origin: m[1]!, start: at, end: at + value.length, hostStart: at + hp.hostOffset });
  }
  return b.facts;
}

function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) break;
    offset = nl + 1;
  }
  return offset;
}

/** The key a value belongs to, read back on the same line (`key: value`, `key = value`, `"key": value`). */
function keyBefore(text: string, at: number): string | null {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const m = /["']?([\w.-]+)["']?\s*[:=]\s*["']?$/.exec(text.slice(lineStart, at));
  return m ? m[1]! : null;
}
