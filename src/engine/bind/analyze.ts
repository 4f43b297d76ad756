// The bind analysis of a folder: per-file facts cached by path (re-extracting one changed file is
// the only parse an edit costs), linked into services across files, then the rules. Reading the
// folder skips dependency and build output folders, huge and binary files.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BindFinding, BindModel, Service } from '../model/bind';
import type { FileFacts } from './facts';
import { FILE_SERVICE } from './extractors/common';
import { extractFile, isCandidate, MAX_CONFIG_BYTES } from './formats';
import { bindFinding, type RuleContext } from './ruleInput';
import { runRules } from './rules';

/** Folders never read: dependencies, VCS data, build output and caches. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', 'build', 'target', 'vendor', 'bin', 'obj', '.venv', 'venv', '__pycache__', '.tox', '.next', '.nuxt', '.cache', 'coverage', '.terraform', '.idea', '.vscode-test', '.gradle']);

export class BindAnalysis {
  private readonly facts = new Map<string, FileFacts>();
  private cached: BindModel | null = null;
  /** The live listeners the cached model was checked against (the same array means the same answer). */
  private cachedLive: RuleContext['live'] = null;

  /** Files currently contributing facts. */
  get files(): string[] {
    return [...this.facts.keys()].sort();
  }

  /**
   * (Re)reads one file (path relative to the folder, `/`-separated). Returns false when it is not
   * a config file. `size`: the real size of a file too large to read (`content` then is empty).
   */
  update(file: string, content: string | Uint8Array, size?: number): boolean {
    const facts = extractFile(file, content, size);
    this.cached = null;
    if (facts === null) {
      this.facts.delete(file);
      return false;
    }
    this.facts.set(file, facts);
    return true;
  }

  remove(file: string): void {
    if (this.facts.delete(file)) this.cached = null;
  }

  /** Facts of one file as extracted (before linking), for hovers. */
  factsOf(file: string): FileFacts | undefined {
    return this.facts.get(file);
  }

  /** The linked model and its findings; computed once per change (or per new context). */
  model(ctx: RuleContext): BindModel {
    if (this.cached && ctx.live === this.cachedLive) return this.cached;
    // Files in name order and findings in file order: the same folder always gives the same output.
    const all = [...this.facts.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const linked = link(all);
    const findings: BindFinding[] = [...parseFindings(all), ...runRules(linked, ctx)].sort(
      (a, b) => (a.range.file < b.range.file ? -1 : a.range.file > b.range.file ? 1 : a.range.start - b.range.start || a.code.localeCompare(b.code)),
    );
    const model = { ...linked, findings };
    this.cached = model;
    this.cachedLive = ctx.live;
    return model;
  }

  invalidate(): void {
    this.cached = null;
  }
}

function parseFindings(all: Iterable<FileFacts>): BindFinding[] {
  const out: BindFinding[] = [];
  for (const f of all) {
    for (const e of f.parseErrors) out.push(bindFinding('CONFIG_PARSE_ERROR', `${f.file} (${f.format}): ${e.message}. What this file binds or connects to is not analysed.`, e.range, { subject: f.file }));
  }
  return out;
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i === -1 ? '' : file.slice(0, i);
}

/**
 * The folder of the project a file configures. Some frameworks keep configs below the project's
 * own folder: ASP.NET's Properties/launchSettings.json, Spring Boot's src/main/resources[/config]
 * and config/. Those belong to the project above, with its appsettings.json or Dockerfile, so the
 * same app is one service, not two whose identical binds would look like a port conflict.
 */
function projectDirOf(file: string): string {
  const dir = dirOf(file);
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (/^launchSettings\.json$/i.test(name)) return dir.replace(/(^|\/)Properties$/, '');
  if (/^application[\w.-]*\.(properties|ya?ml)$/i.test(name)) return dir.replace(/(^|\/)(src\/main\/resources(\/config)?|config)$/, '');
  return dir;
}

function within(dir: string, parent: string): boolean {
  return parent === '' || dir === parent || dir.startsWith(`${parent}/`);
}

/** Links per-file facts into one model: which service each file's settings belong to. */
export function link(all: readonly FileFacts[]): Omit<BindModel, 'findings'> {
  const services = new Map<string, Service>();
  const envOwners = new Map<string, string[]>();
  for (const f of all) {
    for (const s of f.services) services.set(s.id, { ...s, dirs: [...s.dirs] });
  }
  for (const f of all) {
    for (const a of f.attachments) {
      const s = services.get(a.service);
      if (!s) continue;
      if (a.kind === 'env_file') envOwners.set(a.path, [...(envOwners.get(a.path) ?? []), a.service]);
      else s.dirs.push(a.path.replace(/^k8s-selector:/, 'k8s-app:'));
    }
  }
  // A Dockerfile no compose service builds is still an image: its folder runs in a container.
  for (const f of all) {
    if (f.format !== 'dockerfile') continue;
    const dir = dirOf(f.file);
    if ([...services.values()].some((s) => s.dirs.includes(dir))) continue;
    const id = `image:${dir === '' ? '.' : dir}`;
    services.set(id, { id, name: dir === '' ? 'image' : dir.slice(dir.lastIndexOf('/') + 1), runtime: 'container', hostNetwork: false, source: null, dirs: [dir] });
  }
  const fileDirs = [...services.values()].flatMap((s) => s.dirs.filter((d) => !d.startsWith('k8s-')).map((d) => ({ dir: d, id: s.id })));
  const owners = (file: string): string[] => {
    const env = envOwners.get(file);
    if (env) return env;
    const dir = projectDirOf(file);
    const matches = fileDirs.filter((d) => within(dir, d.dir));
    if (matches.length > 0) {
      const longest = Math.max(...matches.map((m) => m.dir.length));
      return [...new Set(matches.filter((m) => m.dir.length === longest).map((m) => m.id))];
    }
    const id = `host:${dir === '' ? '.' : dir}`;
    if (!services.has(id)) services.set(id, { id, name: dir === '' ? 'project' : dir.slice(dir.lastIndexOf('/') + 1), runtime: 'host', hostNetwork: false, source: null, dirs: [dir] });
    return [id];
  };
  const vhosts: NonNullable<BindModel['vhosts']> = [];
  const model: Omit<BindModel, 'findings'> = { services: [], binds: [], published: [], clients: [], vhosts };
  for (const f of all) {
    const own = [f.binds, f.published, f.clients, f.vhosts ?? []].some((items) => items.some((x) => x.service === FILE_SERVICE)) ? owners(f.file) : [];
    const expand = <T extends { service: string }>(items: T[], into: T[]): void => {
      for (const it of items) {
        if (it.service !== FILE_SERVICE) into.push(it);
        else for (const id of own) into.push({ ...it, service: id });
      }
    };
    expand(f.binds, model.binds);
    expand(f.published, model.published);
    expand(f.clients, model.clients);
    expand(f.vhosts ?? [], vhosts);
  }
  inheritExtends(model, services);
  const used = new Set([...model.binds, ...model.published, ...model.clients, ...vhosts].map((x) => x.service));
  model.services = [...services.values()].filter((s) => !s.id.startsWith('host:') || used.has(s.id)).sort((a, b) => a.id.localeCompare(b.id));
  return model;
}

/**
 * Compose `extends` from another file (the compose extractor resolves bases in the same file, where
 * it can merge `environment` key by key): a service gets its base's published ports (Compose joins
 * the `ports` lists), and the base's binds and client references except those it sets itself (same
 * origin: the same variable or key). Bases are resolved first, so chains inherit through; a loop or
 * a base the analysis does not hold (a file not read as Compose) adds nothing.
 */
function inheritExtends(model: Omit<BindModel, 'findings'>, services: ReadonlyMap<string, Service>): void {
  const done = new Set<string>();
  const resolve = (s: Service, path: ReadonlySet<string>): void => {
    if (done.has(s.id) || !s.extends || s.extends.file === s.source?.file) return;
    done.add(s.id);
    const base = services.get(s.extends.service);
    if (!base || base.source?.file !== s.extends.file || path.has(base.id)) return;
    resolve(base, new Set([...path, s.id]));
    model.published.push(...model.published.filter((p) => p.service === base.id).map((p) => ({ ...p, service: s.id })));
    const inherit = <T extends { service: string; origin: string }>(items: T[]): void => {
      const own = new Set(items.filter((x) => x.service === s.id).map((x) => x.origin));
      items.push(...items.filter((x) => x.service === base.id && !own.has(x.origin)).map((x) => ({ ...x, service: s.id })));
    };
    inherit(model.binds);
    inherit(model.clients);
  };
  for (const s of services.values()) resolve(s, new Set([s.id]));
}

export interface ScanOptions {
  /** Stops the walk and the reading (scanDirectory then rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Relative paths (`/`-separated) to leave out, e.g. from files.exclude. */
  exclude?: (file: string) => boolean;
}

/**
 * Reads every candidate config file under `root` into a new analysis. Cancellable between files:
 * a file is parsed in one go (a 2 MiB Compose file takes a second or two), the next one is not
 * read once `signal` aborts.
 */
export async function scanDirectory(root: string, options: ScanOptions = {}): Promise<BindAnalysis> {
  const analysis = new BindAnalysis();
  const files: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    options.signal?.throwIfAborted();
    let entries;
    try {
      entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (options.exclude?.(rel)) continue;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) subdirs.push(walk(rel, depth + 1));
      } else if (e.isFile() && isCandidate(rel)) files.push(rel);
    }
    await Promise.all(subdirs);
  };
  await walk('', 0);
  files.sort();
  // Huge files are not read at all (extractFile reports them from their size); a file deleted or
  // unreadable between listing and reading is simply not analysed.
  const read = async (rel: string): Promise<{ rel: string; bytes: Uint8Array; size?: number } | null> => {
    const full = path.join(root, rel);
    try {
      const stat = await fs.stat(full);
      return stat.size > MAX_CONFIG_BYTES ? { rel, bytes: new Uint8Array(0), size: stat.size } : { rel, bytes: await fs.readFile(full) };
    } catch {
      return null;
    }
  };
  for (let i = 0; i < files.length; i += 64) {
    options.signal?.throwIfAborted();
    // Read 64 at once, parse one at a time: an immediate set now runs after the next poll, where a
    // signal (Ctrl-C) is delivered, so a cancellation is heard between two parses.
    for (const r of await Promise.all(files.slice(i, i + 64).map(read))) {
      options.signal?.throwIfAborted();
      if (r !== null) analysis.update(r.rel, r.bytes, r.size);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  options.signal?.throwIfAborted();
  return analysis;
}
