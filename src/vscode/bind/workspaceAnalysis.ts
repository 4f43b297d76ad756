// Keeps one bind analysis per workspace folder current: a full scan on demand (findFiles, which
// applies files.exclude), then one file at a time from the file watcher and from open editors
// (debounced while typing). Huge files are not read; binary ones are reported by the engine. A
// scan reports its progress and can be cancelled between files; a cancelled scan keeps the
// previous results.
import * as vscode from 'vscode';
import type { BindAnalysis } from '../../engine/bind/analyze';
import { excluder } from '../../engine/bind/glob';
import type { BindModel, LiveListener } from '../../engine/model/bind';
import { readFilesExclude } from '../config';
import { loadBind } from './loadBind';

/** Config files the analysis reads (formats.ts decides precisely; this only narrows the search). */
export const CONFIG_GLOB = '**/{*compose*.yml,*compose*.yaml,Dockerfile*,Containerfile*,*.dockerfile,.env,.env.*,*.env,package.json,vite.config.*,webpack.config.*,next.config.*,nuxt.config.*,Procfile*,gunicorn*.py,*.json,*.jsonc,*.yml,*.yaml,*.toml,*.ini,*.properties,*.xml,*.conf,*.cnf,*.nginx}';

const MAX_FILES = 5000;
const DEBOUNCE_MS = 300;
/** Files read at once, then parsed one by one. */
const FILES_PER_TURN = 32;
/**
 * After this much parsing the scan pauses for YIELD_MS, so the extension host takes its messages
 * (a click on Cancel, a command, a hover): an immediate is not enough, measured in code-server,
 * where a command waited out a whole scan of 24 large files; a pause of 10 ms is.
 */
const SLICE_MS = 100;
const YIELD_MS = 10;

/** Who follows a scan: its progress, and a cancellation that stops it for everyone waiting. */
export interface ScanWatcher {
  token?: vscode.CancellationToken;
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
}

interface RunningScan {
  done: Promise<boolean>;
  controller: AbortController;
  watchers: Set<NonNullable<ScanWatcher['progress']>>;
}

export interface FolderModel {
  folder: vscode.WorkspaceFolder;
  model: BindModel;
}

export class WorkspaceBindAnalysis implements vscode.Disposable {
  private readonly analyses = new Map<string, BindAnalysis>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private scanned = false;
  private scanning: RunningScan | null = null;
  private live: LiveListener[] | null = null;
  private exclude = new Map<string, (file: string) => boolean>();

  /** Fires after any re-analysis. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.fromDocument(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.fromDocument(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidSaveTextDocument((d) => this.fromDocument(d, 0)),
      // Unsaved edits are dropped when an editor closes: go back to the file on disk.
      vscode.workspace.onDidCloseTextDocument((d) => void this.fromDisk(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude')) {
          this.exclude.clear();
          if (this.scanned) void this.rescan();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    this.subscriptions.push(
      watcher,
      watcher.onDidCreate((u) => void this.fromDisk(u)),
      watcher.onDidChange((u) => void this.fromDisk(u)),
      watcher.onDidDelete((u) => this.forget(u)),
    );
  }

  /** Every folder's model (scanning first when nothing was scanned yet). */
  async models(): Promise<FolderModel[]> {
    if (!this.scanned) await this.rescan();
    return this.current();
  }

  /** The models as they are now, without waiting for a scan. */
  current(): FolderModel[] {
    const out: FolderModel[] = [];
    const { localInterfaces } = loadBind();
    const interfaces = localInterfaces();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const a = this.analyses.get(folder.uri.toString());
      if (a) out.push({ folder, model: a.model({ interfaces: folder.uri.scheme === 'file' ? interfaces : null, live: this.live }) });
    }
    return out;
  }

  /** The model of the folder that holds `uri`, and the file's path inside it. */
  modelFor(uri: vscode.Uri): { model: BindModel; file: string; folder: vscode.WorkspaceFolder } | null {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return null;
    const found = this.current().find((m) => m.folder.uri.toString() === folder.uri.toString());
    return found ? { model: found.model, file: relative(folder, uri), folder } : null;
  }

  /** The file's path as the analysis names it: relative to its workspace folder, else its base name. */
  fileOf(uri: vscode.Uri): string {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? relative(folder, uri) : uri.path.slice(uri.path.lastIndexOf('/') + 1);
  }

  get liveListeners(): LiveListener[] | null {
    return this.live;
  }

  /** Live listeners to cross-check against (null switches the live check off). */
  setLive(live: LiveListener[] | null): void {
    this.live = live;
    this.changed.fire();
  }

  /**
   * Scans every folder again, or joins the scan already running. Resolves true when the scan
   * finished, false when it was cancelled (by any watcher's token): the previous results stay.
   */
  rescan(watcher: ScanWatcher = {}): Promise<boolean> {
    if (!this.scanning) {
      const controller = new AbortController();
      const watchers = new Set<NonNullable<ScanWatcher['progress']>>();
      const done = this.scan(controller.signal, (update) => watchers.forEach((p) => p.report(update))).finally(() => {
        this.scanning = null;
      });
      this.scanning = { done, controller, watchers };
    }
    const run = this.scanning;
    if (watcher.progress) run.watchers.add(watcher.progress);
    const cancel = watcher.token?.onCancellationRequested(() => run.controller.abort());
    return run.done.finally(() => cancel?.dispose());
  }

  private async scan(signal: AbortSignal, report: (update: { message?: string; increment?: number }) => void): Promise<boolean> {
    const started = Date.now();
    const { BindAnalysis, SKIPPED_DIRS } = loadBind();
    const fresh = new Map<string, BindAnalysis>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) fresh.set(folder.uri.toString(), new BindAnalysis());
    const search = new vscode.CancellationTokenSource();
    const stopSearch = (): void => search.cancel();
    signal.addEventListener('abort', stopSearch, { once: true });
    // `undefined` as the exclude applies files.exclude (vscode.workspace.findFiles).
    let uris: vscode.Uri[];
    try {
      uris = await vscode.workspace.findFiles(CONFIG_GLOB, undefined, MAX_FILES, search.token);
    } finally {
      signal.removeEventListener('abort', stopSearch);
      search.dispose();
    }
    let read = 0;
    let lastYield = Date.now();
    for (let i = 0; i < uris.length && !signal.aborted; i += FILES_PER_TURN) {
      const chunk = uris.slice(i, i + FILES_PER_TURN);
      // Read a turn's files at once, parse them one by one (a parse is what takes time).
      const reads = await Promise.all(
        chunk.map(async (uri) => {
          const folder = vscode.workspace.getWorkspaceFolder(uri);
          const analysis = folder && fresh.get(folder.uri.toString());
          if (!folder || !analysis) return null;
          const file = relative(folder, uri);
          if (file.split('/').some((part) => SKIPPED_DIRS.has(part))) return null;
          const content = await readContent(uri);
          return content === null ? null : { analysis, file, content };
        }),
      );
      for (const [j, r] of reads.entries()) {
        if (signal.aborted) break;
        if (r !== null && r.analysis.update(r.file, r.content.bytes, r.content.size)) read++;
        report({ message: `${i + j + 1} of ${uris.length} candidate files`, increment: 100 / uris.length });
        if (Date.now() - lastYield >= SLICE_MS) {
          await new Promise((resolve) => setTimeout(resolve, YIELD_MS));
          lastYield = Date.now();
        }
      }
    }
    if (signal.aborted) {
      this.log.info(`Bind analysis cancelled after ${Date.now() - started} ms; the previous results stay`);
      return false;
    }
    // Open editors may hold unsaved text that differs from the disk.
    for (const doc of vscode.workspace.textDocuments) {
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
      const analysis = folder && fresh.get(folder.uri.toString());
      if (folder && analysis && doc.isDirty) analysis.update(relative(folder, doc.uri), doc.getText());
    }
    this.analyses.clear();
    for (const [k, v] of fresh) this.analyses.set(k, v);
    this.scanned = true;
    this.log.info(`Bind analysis: ${read} config file(s) of ${uris.length} candidate(s) in ${Date.now() - started} ms`);
    this.changed.fire();
    return true;
  }

  private target(uri: vscode.Uri): { analysis: BindAnalysis; file: string } | null {
    if (!this.scanned) return null;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const analysis = folder && this.analyses.get(folder.uri.toString());
    if (!folder || !analysis) return null;
    const file = relative(folder, uri);
    const { SKIPPED_DIRS } = loadBind();
    if (file.split('/').some((part) => SKIPPED_DIRS.has(part)) || this.excluded(folder, file)) return null;
    return { analysis, file };
  }

  private excluded(folder: vscode.WorkspaceFolder, file: string): boolean {
    const key = folder.uri.toString();
    let ex = this.exclude.get(key);
    if (!ex) {
      ex = excluder(readFilesExclude(folder.uri));
      this.exclude.set(key, ex);
    }
    return ex(file);
  }

  /** Applies a pending (debounced) edit of `doc` now, so a hover sees the text under the cursor. */
  flush(doc: vscode.TextDocument): void {
    if (this.timers.has(doc.uri.toString())) this.fromDocument(doc, 0);
  }

  private fromDocument(doc: vscode.TextDocument, delayMs: number): void {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'vscode-remote' && doc.uri.scheme !== 'vscode-vfs') return;
    const t = this.target(doc.uri);
    if (!t || !loadBind().isCandidate(t.file)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    const apply = (): void => {
      this.timers.delete(key);
      t.analysis.update(t.file, doc.getText());
      this.changed.fire();
    };
    if (delayMs === 0) apply();
    else this.timers.set(key, setTimeout(apply, delayMs));
  }

  private async fromDisk(uri: vscode.Uri): Promise<void> {
    const t = this.target(uri);
    if (!t || !loadBind().isCandidate(t.file)) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
    if (open) return;
    const content = await readContent(uri);
    if (content === null) t.analysis.remove(t.file);
    else t.analysis.update(t.file, content.bytes, content.size);
    this.changed.fire();
  }

  private forget(uri: vscode.Uri): void {
    const t = this.target(uri);
    if (!t) return;
    t.analysis.remove(t.file);
    this.changed.fire();
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
  }
}

function relative(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path;
}

/** The file's bytes and size; no bytes for a file too large to analyse (never read); null when unreadable. */
async function readContent(uri: vscode.Uri): Promise<{ bytes: Uint8Array; size: number } | null> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) return null;
    if (stat.size > loadBind().MAX_CONFIG_BYTES) return { bytes: new Uint8Array(0), size: stat.size };
    const bytes = await vscode.workspace.fs.readFile(uri);
    return { bytes, size: bytes.length };
  } catch {
    return null;
  }
}
