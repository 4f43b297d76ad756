// The comparison view's panel: one per target and set of vantages. It shows the comparison the
// engine made (each vantage diagnosed, then compareVantages), re-runs it, copies it as JSON and
// opens a side's full report. The webview's state is replayed on each `ready`.
import * as vscode from 'vscode';
import type { VantageComparison } from '../../engine/model/comparison';
import { isComparisonMessage } from '../../protocol/comparisonView';
import type { ComparisonToHost, ComparisonViewState, HostToComparison } from '../../protocol/comparisonView';
import { statusMessage, type RunStatus } from '../../protocol/reportView';
import { SHOW_REPORT_COMMAND } from '../diagnoseCommand';
import { WebviewHost } from '../webviewHost';
import { copyToClipboard, createPanel } from '../webviewHtml';
import { RunPanel } from './runPanel';

export const COMPARISON_VIEW_TYPE = 'netdiag.comparison';

export class ComparisonPanel extends RunPanel {
  private state: ComparisonViewState;
  private readonly host: WebviewHost<HostToComparison, ComparisonToHost>;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    pending: readonly string[],
    rerun: () => void,
    log: vscode.LogOutputChannel,
  ) {
    super(panel, rerun);
    this.state = { comparison: null, pending, status: 'done' };
    this.host = new WebviewHost(panel, extensionUri, {
      page: { script: 'comparison.js', styles: ['report.css', 'vantage.css'] },
      accepts: isComparisonMessage,
      replay: () => [...(this.state.comparison ? [{ type: 'comparison', comparison: this.state.comparison } as const] : []), statusMessage(this.state)],
      receive: (m) => this.handle(m),
      log,
      name: 'Comparison view',
    });
    this.host.render(this.state);
    this.disposables.push(this.host);
  }

  static create(extensionUri: vscode.Uri, title: string, pending: readonly string[], rerun: () => void, log: vscode.LogOutputChannel): ComparisonPanel {
    return new ComparisonPanel(createPanel(COMPARISON_VIEW_TYPE, title, extensionUri), extensionUri, pending, rerun, log);
  }

  get comparison(): VantageComparison | null {
    return this.state.comparison;
  }

  /** A new run; the previous one is aborted. */
  begin(run: AbortController): void {
    this.start(run);
    this.setStatus('running');
  }

  finish(run: AbortController, comparison: VantageComparison | null, error?: string): void {
    if (!this.end(run)) return;
    if (comparison) {
      this.state = { ...this.state, comparison };
      this.host.post({ type: 'comparison', comparison });
    }
    this.setStatus(error !== undefined ? 'failed' : run.signal.aborted ? 'cancelled' : 'done', error);
  }

  private setStatus(status: RunStatus, error?: string): void {
    this.state = error === undefined ? { comparison: this.state.comparison, pending: this.state.pending, status } : { comparison: this.state.comparison, pending: this.state.pending, status, error };
    this.host.post(statusMessage(this.state));
  }

  private async handle(message: Exclude<ComparisonToHost, { type: 'ready' }>): Promise<void> {
    const c = this.state.comparison;
    switch (message.type) {
      case 'rerun':
      case 'cancel':
        this.control(message);
        return;
      case 'copyJson':
        if (!c) return;
        await copyToClipboard(JSON.stringify(c, null, 2), 'comparison copied as JSON');
        return;
      case 'openReport': {
        const report = c?.vantages[message.index]?.report;
        if (report) await vscode.commands.executeCommand(SHOW_REPORT_COMMAND, report);
        return;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`Unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
