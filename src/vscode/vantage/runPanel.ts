// What the comparison view's and the endpoints table's panels share: one run at a time (a new
// one, or Cancel, aborts the last), and everything closed with the webview.
import * as vscode from 'vscode';

export abstract class RunPanel implements vscode.Disposable {
  protected run: AbortController | undefined;
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.closed.event;

  constructor(protected readonly panel: vscode.WebviewPanel) {
    this.disposables.push(panel.onDidDispose(() => this.dispose()), this.closed);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** A new run; the one before it is aborted. */
  protected start(run: AbortController): void {
    this.run?.abort();
    this.run = run;
  }

  /** Whether `run` is still the current one, which it then ends. */
  protected end(run: AbortController): boolean {
    if (this.run !== run) return false;
    this.run = undefined;
    return true;
  }

  dispose(): void {
    this.run?.abort();
    this.closed.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
