// The workspace endpoints table's panel: the rows of the current check as they arrive, progress
// and Cancel, Check again; a row opens its full report or its source line.
import * as vscode from 'vscode';
import type { EndpointCheck } from '../../engine/model/endpointCheck';
import { isEndpointsMessage } from '../../protocol/endpointsView';
import type { EndpointsToHost, EndpointsViewState, HostToEndpoints } from '../../protocol/endpointsView';
import type { RunStatus } from '../../protocol/reportView';
import { toRange } from '../bind/diagnostics';
import { SHOW_REPORT_COMMAND } from '../diagnoseCommand';
import { WebviewHost } from '../webviewHost';
import { webviewRoots } from '../webviewHtml';

export const ENDPOINTS_VIEW_TYPE = 'netdiag.endpoints';

export interface EndpointRows {
  checks: EndpointCheck[];
  /** The folder each row's source is relative to, by index. */
  folders: vscode.WorkspaceFolder[];
}

export class EndpointsPanel implements vscode.Disposable {
  private state: EndpointsViewState = { checks: [], total: 0, status: 'done' };
  private folders: vscode.WorkspaceFolder[] = [];
  private readonly host: WebviewHost<HostToEndpoints, EndpointsToHost>;
  private run: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.closed.event;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly rerun: () => void,
    log: vscode.LogOutputChannel,
  ) {
    this.host = new WebviewHost(panel, extensionUri, {
      page: { script: 'endpoints.js', styles: ['report.css', 'vantage.css'] },
      accepts: isEndpointsMessage,
      replay: () => [{ type: 'checks', checks: this.state.checks, total: this.state.total }, this.statusMessage()],
      receive: (m) => this.handle(m),
      log,
      name: 'Endpoints view',
    });
    this.host.render(this.state);
    this.disposables.push(this.host, panel.onDidDispose(() => this.dispose()), this.closed);
  }

  static create(extensionUri: vscode.Uri, rerun: () => void, log: vscode.LogOutputChannel): EndpointsPanel {
    const panel = vscode.window.createWebviewPanel(ENDPOINTS_VIEW_TYPE, 'Netdiag: Workspace Endpoints', vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: webviewRoots(extensionUri) });
    panel.iconPath = { light: vscode.Uri.joinPath(extensionUri, 'media', 'panel-light.svg'), dark: vscode.Uri.joinPath(extensionUri, 'media', 'panel-dark.svg') };
    return new EndpointsPanel(panel, extensionUri, rerun, log);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  begin(run: AbortController, total: number): void {
    this.run?.abort();
    this.run = run;
    this.folders = [];
    this.state = { checks: [], total, status: 'running' };
    this.host.post({ type: 'checks', checks: [], total });
    this.host.post(this.statusMessage());
  }

  /** The rows so far, in the order they will keep. */
  show(run: AbortController, rows: EndpointRows): void {
    if (this.run !== run) return;
    this.folders = rows.folders;
    this.state = { ...this.state, checks: rows.checks };
    this.host.post({ type: 'checks', checks: rows.checks, total: this.state.total });
  }

  finish(run: AbortController, error?: string): void {
    if (this.run !== run) return;
    this.run = undefined;
    const status: RunStatus = error !== undefined ? 'failed' : run.signal.aborted ? 'cancelled' : 'done';
    this.state = error === undefined ? { ...this.state, status } : { ...this.state, status, error };
    this.host.post(this.statusMessage());
  }

  dispose(): void {
    this.run?.abort();
    this.closed.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private statusMessage(): HostToEndpoints {
    return this.state.error === undefined ? { type: 'status', status: this.state.status } : { type: 'status', status: this.state.status, error: this.state.error };
  }

  private async handle(message: Exclude<EndpointsToHost, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'rerun':
        this.rerun();
        return;
      case 'cancel':
        this.run?.abort();
        return;
      case 'openReport': {
        const report = this.state.checks[message.index]?.report;
        if (report) await vscode.commands.executeCommand(SHOW_REPORT_COMMAND, report);
        return;
      }
      case 'openSource': {
        const check = this.state.checks[message.index];
        const folder = this.folders[message.index];
        if (!check || !folder) return;
        await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, check.hostRange.file), { selection: toRange(check.hostRange), viewColumn: vscode.ViewColumn.Beside });
        return;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`Unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
