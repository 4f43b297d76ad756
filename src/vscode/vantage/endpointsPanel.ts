// The workspace endpoints table's panel: the rows of the current check as they arrive, progress
// and Cancel, Check again; a row opens its full report or its source line.
import * as vscode from 'vscode';
import type { EndpointCheck } from '../../engine/model/endpointCheck';
import { isEndpointsMessage } from '../../protocol/endpointsView';
import type { EndpointsToHost, EndpointsViewState, HostToEndpoints } from '../../protocol/endpointsView';
import { statusMessage, type RunStatus } from '../../protocol/reportView';
import { toRange } from '../bind/diagnostics';
import { SHOW_REPORT_COMMAND } from '../diagnoseCommand';
import { WebviewHost } from '../webviewHost';
import { createPanel } from '../webviewHtml';
import { RunPanel } from './runPanel';

export const ENDPOINTS_VIEW_TYPE = 'netdiag.endpoints';

export interface EndpointRows {
  checks: EndpointCheck[];
  /** The folder each row's source is relative to, by index. */
  folders: vscode.WorkspaceFolder[];
}

export class EndpointsPanel extends RunPanel {
  private state: EndpointsViewState = { checks: [], total: 0, status: 'done' };
  private folders: vscode.WorkspaceFolder[] = [];
  private readonly host: WebviewHost<HostToEndpoints, EndpointsToHost>;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    rerun: () => void,
    log: vscode.LogOutputChannel,
  ) {
    super(panel, rerun);
    this.host = new WebviewHost(panel, extensionUri, {
      page: { script: 'endpoints.js', styles: ['report.css', 'vantage.css'] },
      accepts: isEndpointsMessage,
      replay: () => [{ type: 'checks', checks: this.state.checks, total: this.state.total }, statusMessage(this.state)],
      receive: (m) => this.handle(m),
      log,
      name: 'Endpoints view',
    });
    this.host.render(this.state);
    this.disposables.push(this.host);
  }

  static create(extensionUri: vscode.Uri, rerun: () => void, log: vscode.LogOutputChannel): EndpointsPanel {
    return new EndpointsPanel(createPanel(ENDPOINTS_VIEW_TYPE, 'Netdiag: Workspace Endpoints', extensionUri), extensionUri, rerun, log);
  }

  begin(run: AbortController, total: number): void {
    this.start(run);
    this.folders = [];
    this.state = { checks: [], total, status: 'running' };
    this.host.post({ type: 'checks', checks: [], total });
    this.host.post(statusMessage(this.state));
  }

  /** The rows so far, in the order they will keep. */
  show(run: AbortController, rows: EndpointRows): void {
    if (this.run !== run) return;
    this.folders = rows.folders;
    this.state = { ...this.state, checks: rows.checks };
    this.host.post({ type: 'checks', checks: rows.checks, total: this.state.total });
  }

  finish(run: AbortController, error?: string): void {
    if (!this.end(run)) return;
    const status: RunStatus = error !== undefined ? 'failed' : run.signal.aborted ? 'cancelled' : 'done';
    this.state = error === undefined ? { ...this.state, status } : { ...this.state, status, error };
    this.host.post(statusMessage(this.state));
  }

  private async handle(message: Exclude<EndpointsToHost, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'rerun':
      case 'cancel':
        this.control(message);
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
