// What the comparison view's and the endpoints table's panels share: one run at a time (a new
// one, or Cancel, aborts the last), the run's controls their webviews post, and everything closed
// with the webview.
import * as vscode from 'vscode';
import type { CancelMessage, RerunMessage } from '../../protocol/reportView';

export abstract class RunPanel implements vscode.Disposable {
  protected run: AbortController | undefined;
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.closed.event;

  constructor(
    protected readonly panel: vscode.WebviewPanel,
    private readonly rerun: () => void,
  ) {
    this.disposables.push(panel.onDidDispose(() => this.dispose()), this.closed);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Run again, or Cancel: what the webview may ask of the run. */
  protected control(message: RerunMessage | CancelMessage): void {
    if (message.type === 'rerun') this.rerun();
    else this.run?.abort();
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
