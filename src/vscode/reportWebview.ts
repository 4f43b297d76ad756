// The report webview as its panels hold it: the document shown (a diagnosis or a DNS lookup) and
// the state of the run, each change posted through the panel's WebviewHost and the whole state
// replayed when the webview says `ready`. The report panel and the DNS lookup panel both use it.
import type * as vscode from 'vscode';
import { statusMessage, type HostToWebview, type ReportDocument, type ReportViewState, type RunStatus, type WebviewToHost } from '../protocol/reportView';
import { WebviewHost } from './webviewHost';
import type { WebviewHostOptions } from './webviewHost';

export interface ReportWebviewState<Doc extends ReportDocument> {
  document: Doc | null;
  status: RunStatus;
  error?: string;
}

export class ReportWebview<Doc extends ReportDocument, FromWebview extends WebviewToHost> implements vscode.Disposable {
  private readonly host: WebviewHost<HostToWebview, FromWebview>;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private state: ReportWebviewState<Doc>,
    options: Pick<WebviewHostOptions<HostToWebview, FromWebview>, 'accepts' | 'receive' | 'log' | 'name'>,
  ) {
    this.host = new WebviewHost(panel, extensionUri, {
      ...options,
      page: { script: 'report.js', styles: ['report.css', 'stack.css'] },
      replay: () => [...(this.state.document ? [{ type: 'report', report: this.state.document } as const] : []), statusMessage(this.state)],
    });
    this.host.render(this.viewState());
  }

  get document(): Doc | null {
    return this.state.document;
  }

  show(document: Doc): void {
    this.state.document = document;
    this.host.post({ type: 'report', report: document });
  }

  /** The run's state; `error` says why a run failed outright. */
  setStatus(status: RunStatus, error?: string): void {
    this.state = error === undefined ? { document: this.state.document, status } : { document: this.state.document, status, error };
    this.host.post(statusMessage(this.state));
  }

  dispose(): void {
    this.host.dispose();
  }

  private viewState(): ReportViewState {
    const { document, status, error } = this.state;
    return error === undefined ? { report: document, status } : { report: document, status, error };
  }
}
