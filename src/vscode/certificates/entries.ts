// The chains the Certificates view lists in this window: endpoints diagnosed or inspected, and
// certificate files opened. Kept in memory only (a window's working set, like the report panels);
// no password or private key is ever part of an entry.
import * as vscode from 'vscode';
import type { CertCheck } from '../../engine/model/certCheck';

export interface CertificateEntry {
  /** Stable per source: `endpoint:host:port` or `file:<uri>`. */
  readonly key: string;
  readonly check: CertCheck;
  /** The file, for file entries (re-check reads it again). */
  readonly uri?: vscode.Uri;
}

export class CertificateEntries implements vscode.Disposable {
  private readonly list: CertificateEntry[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  get all(): readonly CertificateEntry[] {
    return this.list;
  }

  /** Adds a check, or replaces the entry of the same source (keeping its place). */
  add(check: CertCheck, uri?: vscode.Uri): CertificateEntry {
    const key = uri ? `file:${uri.toString()}` : `endpoint:${check.source.label}`;
    const entry: CertificateEntry = uri ? { key, check, uri } : { key, check };
    const at = this.list.findIndex((e) => e.key === key);
    if (at >= 0) this.list[at] = entry;
    else this.list.unshift(entry);
    this.changed.fire();
    return entry;
  }

  get(key: string): CertificateEntry | undefined {
    return this.list.find((e) => e.key === key);
  }

  remove(key: string): void {
    const at = this.list.findIndex((e) => e.key === key);
    if (at < 0) return;
    this.list.splice(at, 1);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
