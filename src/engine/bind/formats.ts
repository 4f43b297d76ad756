// Which extractor reads which file, decided from the path (and, for YAML, whether it is a
// Kubernetes manifest). Size and binary checks come first: a config file is text and small.
import { extractAspnet } from './extractors/aspnet';
import { FactsBuilder } from './extractors/common';
import { extractCompose } from './extractors/compose';
import { extractDockerfile } from './extractors/dockerfile';
import { extractDotenv } from './extractors/dotenv';
import { extractGeneric } from './extractors/generic';
import { extractKubernetes } from './extractors/kubernetes';
import { extractMongodb } from './extractors/mongodb';
import { extractMysql } from './extractors/mysql';
import { extractNginx } from './extractors/nginx';
import { extractDevServerConfig, extractPackageJson } from './extractors/node';
import { extractPostgres } from './extractors/postgres';
import { extractGunicornConf, extractProcfile } from './extractors/python';
import { extractRedis } from './extractors/redis';
import { extractSpring } from './extractors/spring';
import type { FileFacts } from './facts';

type Extractor = (file: string, text: string) => FileFacts;

/** Config files larger than this are skipped with a finding: no real config is this big. */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

const BY_NAME: [RegExp, string, Extractor][] = [
  [/^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/i, 'compose', extractCompose],
  [/^(Dockerfile|Containerfile)(\.[\w.-]+)?$|\.(dockerfile|containerfile)$/i, 'dockerfile', extractDockerfile],
  [/^\.env(\.[\w.-]+)?$|\.env$/, 'dotenv', extractDotenv],
  [/^(appsettings(\.[\w-]+)?|launchSettings)\.json$/i, 'aspnet', extractAspnet],
  [/^(application|bootstrap)(-[\w-]+)?\.(properties|ya?ml)$/, 'spring', extractSpring],
  [/^package\.json$/, 'package.json', extractPackageJson],
  [/^(vite|webpack|next|nuxt|astro|svelte)\.config\.(js|cjs|mjs|ts|mts)$/, 'dev-server config', extractDevServerConfig],
  [/^Procfile(\.[\w-]+)?$/, 'procfile', extractProcfile],
  [/^gunicorn(\.conf)?\.py$|^gunicorn\.conf$/, 'gunicorn', extractGunicornConf],
  [/^redis(-[\w-]+)?\.conf$/, 'redis', extractRedis],
  [/^postgresql(\.auto)?\.conf$/, 'postgresql', extractPostgres],
  [/^(my|mysqld|mariadb|server|50-server)\.cnf$/, 'mysql', extractMysql],
  [/^mongod(\.[\w-]+)?\.(conf|ya?ml)$/, 'mongodb', extractMongodb],
  [/^nginx(\.[\w-]+)?\.conf$|\.nginx$/, 'nginx', extractNginx],
];

/**
 * Formats told apart by their content: the path says only that a file may be one (nginx's
 * snippets in conf.d, Kubernetes manifests among other YAML, MySQL's option files among `.cnf`).
 */
const BY_CONTENT: { name: string; path: (file: string, base: string) => boolean; content: (head: string) => boolean }[] = [
  { name: 'nginx', path: (file) => /(^|\/)(nginx|sites-(available|enabled)|conf\.d)\//.test(file) && /\.conf$|sites-/.test(file), content: (head) => /\b(listen|server_name|proxy_pass)\b/.test(head) },
  { name: 'kubernetes', path: (_file, base) => /\.ya?ml$/i.test(base), content: (head) => /^kind:\s*\w+/m.test(head) && /^apiVersion:/m.test(head) },
  { name: 'mysql', path: (_file, base) => /\.cnf$/.test(base), content: (head) => /^\s*\[(mysqld|mariadb)\]/m.test(head) },
];

const GENERIC_EXT = /\.(ya?ml|json|jsonc|toml|ini|properties|xml|conf|cfg|cnf)$/i;

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

function byName(base: string): string | null {
  return BY_NAME.find(([re]) => re.test(base))?.[1] ?? null;
}

/** Any other file with a config extension, except lock files and tool configs that bind nothing. */
function generic(file: string, base: string): string | null {
  return GENERIC_EXT.test(base) && !/(^|\/)(package-lock|tsconfig|jsconfig|composer\.lock|yarn\.lock)/.test(file) && !/\.lock$/.test(base) ? 'generic' : null;
}

/** The format name for a path (relative, `/`-separated) and the file's first bytes, or null when it is not a config file. */
export function detectFormat(file: string, head = ''): string | null {
  const base = baseName(file);
  return byName(base) ?? BY_CONTENT.find((r) => r.path(file, base) && r.content(head))?.name ?? generic(file, base);
}

/** Whether a path is worth reading at all: its name says it is a config file, or may be one. */
export function isCandidate(file: string): boolean {
  const base = baseName(file);
  return byName(base) !== null || BY_CONTENT.some((r) => r.path(file, base)) || generic(file, base) !== null;
}

const EXTRACTORS: Record<string, Extractor> = {
  ...Object.fromEntries(BY_NAME.map(([, name, fn]) => [name, fn])),
  kubernetes: extractKubernetes,
  generic: extractGeneric,
};

/**
 * Extracts one file's facts. Never throws: a crash in a parser becomes CONFIG_PARSE_ERROR.
 * `size` is the file's real size when `content` is not the file (a file above MAX_CONFIG_BYTES is
 * not read: the caller passes no bytes and its size, which the finding then says).
 */
export function extractFile(file: string, content: string | Uint8Array, size?: number): FileFacts | null {
  const bytes = typeof content === 'string' ? null : content;
  const realSize = size ?? (bytes ? bytes.length : Buffer.byteLength(content as string));
  const text = typeof content === 'string' ? content : '';
  const format = detectFormat(file, bytes ? Buffer.from(bytes.subarray(0, 4096)).toString('utf8') : text.slice(0, 4096));
  if (format === null) return null;
  const error = (message: string): FileFacts => {
    const b = new FactsBuilder(file, '', format);
    b.parseError(message, 0, 0);
    return b.facts;
  };
  if (realSize > MAX_CONFIG_BYTES) return error(`Skipped: the file is ${sizeText(realSize)}, larger than the ${MAX_CONFIG_BYTES / 1024 / 1024} MiB a config file can be`);
  if (bytes && isBinary(bytes)) return error('Skipped: the file is binary (it contains NUL bytes), not a text config file');
  const decoded = bytes ? Buffer.from(bytes).toString('utf8') : text;
  if (!bytes && decoded.includes('\0')) return error('Skipped: the file is binary (it contains NUL bytes), not a text config file');
  const depth = nestingDepth(decoded);
  if (depth > MAX_NESTING) return error(`Skipped: nested ${depth > 10_000 ? 'more than 10,000' : depth} levels deep; a config file needs at most ${MAX_NESTING}`);
  try {
    return EXTRACTORS[format]!(file, decoded);
  } catch (err) {
    // Deeply nested input can exhaust the parser's stack (RangeError); the file is still reported.
    return error(`Could not be read as ${format}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/**
 * Parsers recurse once per nesting level. Deep input is refused before parsing, not caught after:
 * a stack overflow while V8 compiles a regular expression aborts the whole process instead of
 * throwing a RangeError. Brackets are counted without regard to quoting, which can only overcount.
 */
const MAX_NESTING = 256;

function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let indent = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > 10_000) return max;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
    // YAML block nesting: one level per two columns of indentation, at least.
    if (c === 0x0a) {
      atLineStart = true;
      indent = 0;
    } else if (atLineStart && c === 0x20) {
      if (++indent / 2 > max) max = indent / 2;
    } else atLineStart = false;
  }
  return Math.floor(max);
}

/** `50.0 MiB (52428800 bytes)`: the rounded size to read, the exact one to compare with the limit. */
function sizeText(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;
}

function isBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}
