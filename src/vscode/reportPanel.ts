// The report panels: one per target URL (revealed when it exists), each a diagnosis shown by the
// report webview (ReportWebview: the document and the run status, replayed on each `ready`), and
// restored after a window reload from the state the webview saved.
import * as vscode from 'vscode';
import type { Report, TargetInfo } from '../engine/model/report';
import { isDiagnosisMessage, isViewState, layerDocsSection } from '../protocol/reportView';
import type { DiagnosisToHost, RunStatus } from '../protocol/reportView';
import { storableInput } from './recentTargets';
import { ReportWebview } from './reportWebview';
import type { ReportWebviewState } from './reportWebview';
import { copyToClipboard, createPanel, setPanelIcon } from './webviewHtml';
import { redactUrl } from '../engine/redact';

export const REPORT_VIEW_TYPE = 'netdiag.report';

export interface ReportPanelHandlers {
  /** Runs the diagnosis again for `input` (what the user typed, with credentials), from the same vantage (null: this machine). */
  rerun(input: string, from: string | null): void;
  /** The curl command for a report (loads the engine). */
  toCurl(report: Report): Promise<string>;
  /** Asks for the request to send to this target, remembers it, and runs again. */
  editRequest(input: string, report: Report | null): Promise<void>;
  /** Traces the route to the report's server; the report with its route, or undefined. */
  traceRoute(report: Report): Promise<Report | undefined>;
  /** Saves or copies the report in the format the user picks. */
  /** Exports `report`; `input` is what the user typed (a curl command with secrets needs its real query). */
  exportReport(report: Report, input: string): Promise<void>;
}

export class ReportPanel implements vscode.Disposable {
  private disposed = false;
  /** The latest run's controller: it stops the run, and after its end the probes that outlived the report. */
  private run: AbortController | undefined;
  /** Between beginRun and endRun. */
  private running = false;
  private readonly view: ReportWebview<Report, DiagnosisToHost>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    readonly key: string,
    /** Kept only in the host, never sent to the webview: it may hold credentials. */
    private input: string,
    /** The vantage the panel's diagnoses run from (`compose:web`); null for this machine. */
    private readonly from: string | null,
    private readonly extensionUri: vscode.Uri,

    private readonly handlers: ReportPanelHandlers,
    log: vscode.LogOutputChannel,
    initial: ReportWebviewState<Report> | null,
  ) {
    // A run cannot survive a reload: what was running is shown as stopped.
    const state: ReportWebviewState<Report> = initial ? { ...initial, status: initial.status === 'running' ? 'cancelled' : initial.status } : { document: null, status: 'done' };
    this.view = new ReportWebview(panel, extensionUri, state, { accepts: isDiagnosisMessage, receive: (m) => this.handle(m), log, name: 'Report view' });
    this.disposables.push(this.view, panel.onDidDispose(() => this.dispose()), this.disposeEmitter);
  }

  get currentReport(): Report | null {
    return this.view.document;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /**
   * Starts showing a run for `input` whose controller the panel aborts on Cancel, on a newer
   * run, or when it closes. The previous run of this panel is aborted.
   */
  beginRun(input: string, run: AbortController, pending: Report): void {
    this.run?.abort();
    this.run = run;
    this.running = true;
    this.input = input;
    this.panel.title = panelTitle(pending.target, this.from);
    this.view.show(pending);
    this.view.setStatus('running');
  }

  /** Shows a finished report that no run of this panel made (a row of a check, a side of a comparison). */
  present(report: Report): void {
    this.run?.abort();
    this.run = undefined;
    this.running = false;
    this.panel.title = panelTitle(report.target, this.from);
    this.view.show(report);
    this.view.setStatus('done');
  }

  /**
   * A report of the run `signal` belongs to; ignored once a newer run started. A run that has
   * ended may still send one: probes that outlived the report (Report.unfinished) bring their
   * results later, until the next run or the panel's closing aborts them.
   */
  update(signal: AbortSignal, report: Report): void {
    if (this.run?.signal !== signal) return;
    this.view.show(report);
  }

  endRun(signal: AbortSignal, status: Exclude<RunStatus, 'running'>, error?: string): void {
    if (this.run?.signal !== signal) return;
    this.running = false;
    this.view.setStatus(status, error);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.run?.abort();
    this.run = undefined;
    this.disposeEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private async handle(message: Exclude<DiagnosisToHost, { type: 'ready' }>): Promise<void> {
    const report = this.view.document;
    switch (message.type) {
      case 'rerun':
        this.handlers.rerun(this.input, this.from);
        return;
      case 'cancel':
        this.run?.abort();
        return;
      case 'copyJson':
        if (!report) return;
        await copyToClipboard(JSON.stringify(report, null, 2), 'report copied as JSON');
        return;
      case 'copyCurl':
        if (!report) return;
        await copyToClipboard(await this.handlers.toCurl(report), 'curl command copied');
        return;
      case 'editRequest':
        await this.handlers.editRequest(this.input, report);
        return;
      case 'traceRoute': {
        if (!report || this.running) return;
        // The route is drawn into this report: probes of its run still out (Report.unfinished)
        // stop here, so no later update replaces the report that carries the route.
        const run = this.run;
        run?.abort();
        const traced = await this.handlers.traceRoute(report);
        // A rerun that started meanwhile has a newer report; the trace belongs to the old one.
        if (traced && this.run === run) this.view.show(traced);
        return;
      }
      case 'export':
        if (!report) return;
        await this.handlers.exportReport(report, this.input);
        return;
      case 'openLayerDocs': {
        const section = layerDocsSection(message);
        if (section === null) return;
        // docs/layers.md ships in the extension; its headings are the layers' names (#transport…).
        const doc = vscode.Uri.joinPath(this.extensionUri, 'docs', 'layers.md').with({ fragment: section });
        await vscode.commands.executeCommand('markdown.showPreviewToSide', doc);
        return;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`Unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/** Owns every report panel; also restores panels after a window reload. */
export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: ReportPanelHandlers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          this.revive(panel, state);
        },
      }),
    );
  }

  /** The panel for `target` diagnosed from `from` (null: this machine), revealed; created when there is none. */
  open(target: TargetInfo, input: string, from: string | null = null): ReportPanel {
    const key = panelKey(target.url, from);
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    return this.adopt(createPanel(REPORT_VIEW_TYPE, panelTitle(target, from), this.extensionUri), key, input, from, null);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private revive(webviewPanel: vscode.WebviewPanel, state: unknown): void {
    const report = isViewState(state) && state.report?.kind === 'diagnosis' ? state.report : null;
    if (!isViewState(state) || !report) {
      // Nothing to show or rerun (or a state an older version saved): the panel is closed rather than left blank.
      webviewPanel.dispose();
      return;
    }
    const from = report.vantage && report.vantage.kind !== 'local' ? report.vantage.name : null;
    const key = panelKey(report.target.url, from);
    const existing = this.panels.get(key);
    if (existing) existing.dispose();
    this.adopt(webviewPanel, key, storableInput(report.target), from, state.error === undefined ? { document: report, status: state.status } : { document: report, status: state.status, error: state.error });
  }

  private adopt(webviewPanel: vscode.WebviewPanel, key: string, input: string, from: string | null, state: ReportWebviewState<Report> | null): ReportPanel {
    setPanelIcon(webviewPanel, this.extensionUri);
    const panel = new ReportPanel(webviewPanel, key, input, from, this.extensionUri, this.handlers, this.log, state);
    this.panels.set(key, panel);
    const sub = panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
      sub.dispose();
    });
    return panel;
  }
}

function panelTitle(target: TargetInfo, from: string | null): string {
  const host = target.hostUnicode ?? (target.ipFamily === 6 ? `[${target.host}]` : target.host);
  return `Netdiag: ${host}:${target.port}${from ? ` (from ${from.slice(from.indexOf(':') + 1)})` : ''}`;
}

/**
 * One panel per target and vantage. The report's own URL (secrets masked), so a panel restored
 * from its report finds its key again.
 */
function panelKey(url: string, from: string | null): string {
  const masked = redactUrl(url);
  return from ? `${masked} from ${from}` : masked;
}
