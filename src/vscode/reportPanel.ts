// The report webview's host: one panel per target URL (revealed when it exists). Until the
// webview says `ready`, messages are held back; since every message sets state (the report, the
// run status), the queue is coalesced into that state and replayed on each `ready`, which also
// covers the webview reloading when a hidden panel is shown again (retainContextWhenHidden off).
import * as vscode from 'vscode';
import type { Report, TargetInfo } from '../engine/model/report';
import { isWebviewToHost } from '../protocol/reportView';
import type { HostToWebview, ReportViewState, RunStatus, WebviewToHost } from '../protocol/reportView';
import { storableInput } from './recentTargets';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

export const REPORT_VIEW_TYPE = 'netdiag.report';

export interface ReportPanelHandlers {
  /** Runs the diagnosis again for `input` (what the user typed, with credentials). */
  rerun(input: string): void;
  /** The curl command for a report (loads the engine). */
  toCurl(report: Report): Promise<string>;
  /** Asks for the request to send to this target, remembers it, and runs again. */
  editRequest(input: string, report: Report | null): Promise<void>;
  /** Traces the route to the report's server; the report with its route, or undefined. */
  traceRoute(report: Report): Promise<Report | undefined>;
  /** Saves or copies the report in the format the user picks. */
  exportReport(report: Report): Promise<void>;
}

export class ReportPanel implements vscode.Disposable {
  private report: Report | null = null;
  private status: RunStatus = 'done';
  private error: string | undefined;
  private ready = false;
  private disposed = false;
  private run: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    readonly key: string,
    /** Kept only in the host, never sent to the webview: it may hold credentials. */
    private input: string,
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: ReportPanelHandlers,
    private readonly log: vscode.LogOutputChannel,
    initial: ReportViewState | null,
  ) {
    if (initial) {
      this.report = initial.report;
      // A run cannot survive a reload: what was running is shown as stopped.
      this.status = initial.status === 'running' ? 'cancelled' : initial.status;
      this.error = initial.error;
    }
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is discarded; it says `ready` again when shown.
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      this.disposeEmitter,
    );
    this.render();
  }

  get currentReport(): Report | null {
    return this.report;
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
    this.input = input;
    this.report = pending;
    this.error = undefined;
    this.status = 'running';
    this.panel.title = panelTitle(pending.target);
    this.post({ type: 'report', report: pending });
    this.post({ type: 'status', status: 'running' });
  }

  /** A report of the run `signal` belongs to; ignored once a newer run started. */
  update(signal: AbortSignal, report: Report): void {
    if (this.run?.signal !== signal) return;
    this.report = report;
    this.post({ type: 'report', report });
  }

  endRun(signal: AbortSignal, status: Exclude<RunStatus, 'running'>, error?: string): void {
    if (this.run?.signal !== signal) return;
    this.run = undefined;
    this.status = status;
    this.error = error;
    this.post(this.statusMessage());
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

  private render(): void {
    this.ready = false;
    const state: ReportViewState = this.error === undefined ? { report: this.report, status: this.status } : { report: this.report, status: this.status, error: this.error };
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, this.extensionUri, {
      title: this.panel.title,
      script: 'report.js',
      styles: ['report.css'],
      initialState: state,
    });
  }

  /** Sends now when the webview listens; otherwise the state it carries is replayed on `ready`. */
  private post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private statusMessage(): HostToWebview {
    return this.error === undefined ? { type: 'status', status: this.status } : { type: 'status', status: this.status, error: this.error };
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      this.log.warn('Report view: ignored an unknown message');
      return;
    }
    void this.handle(message).catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      this.log.error(`Report view: ${message.type} failed: ${text}`);
      void vscode.window.showErrorMessage(`Netdiag: ${text}`);
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.report) this.post({ type: 'report', report: this.report });
        this.post(this.statusMessage());
        return;
      case 'rerun':
        this.handlers.rerun(this.input);
        return;
      case 'cancel':
        this.run?.abort();
        return;
      case 'copyJson':
        if (!this.report) return;
        await vscode.env.clipboard.writeText(JSON.stringify(this.report, null, 2));
        vscode.window.setStatusBarMessage('$(check) Netdiag: report copied as JSON', 3000);
        return;
      case 'copyCurl':
        if (!this.report) return;
        await vscode.env.clipboard.writeText(await this.handlers.toCurl(this.report));
        vscode.window.setStatusBarMessage('$(check) Netdiag: curl command copied', 3000);
        return;
      case 'editRequest':
        await this.handlers.editRequest(this.input, this.report);
        return;
      case 'traceRoute': {
        if (!this.report || this.run) return;
        const traced = await this.handlers.traceRoute(this.report);
        // A rerun that started meanwhile has a newer report; the trace belongs to the old one.
        if (traced && !this.run) {
          this.report = traced;
          this.post({ type: 'report', report: traced });
        }
        return;
      }
      case 'export':
        if (!this.report) return;
        await this.handlers.exportReport(this.report);
        return;
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
          this.revive(panel, isViewState(state) ? state : null);
        },
      }),
    );
  }

  /** The panel for `target`, revealed; created when there is none. */
  open(target: TargetInfo, input: string): ReportPanel {
    const key = target.url;
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, panelTitle(target), vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: webviewRoots(this.extensionUri),
    });
    return this.adopt(webviewPanel, key, input, null);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private revive(webviewPanel: vscode.WebviewPanel, state: ReportViewState | null): void {
    const target = state?.report?.target;
    if (!target) {
      // Nothing to show or rerun: a panel without state is closed rather than left blank.
      webviewPanel.dispose();
      return;
    }
    const existing = this.panels.get(target.url);
    if (existing) existing.dispose();
    this.adopt(webviewPanel, target.url, storableInput(target), state);
  }

  private adopt(webviewPanel: vscode.WebviewPanel, key: string, input: string, state: ReportViewState | null): ReportPanel {
    webviewPanel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'panel-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'panel-dark.svg'),
    };
    const panel = new ReportPanel(webviewPanel, key, input, this.extensionUri, this.handlers, this.log, state);
    this.panels.set(key, panel);
    const sub = panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
      sub.dispose();
    });
    return panel;
  }
}

function panelTitle(target: TargetInfo): string {
  const host = target.hostUnicode ?? (target.ipFamily === 6 ? `[${target.host}]` : target.host);
  return `Netdiag: ${host}:${target.port}`;
}

function isViewState(value: unknown): value is ReportViewState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { report?: unknown; status?: unknown };
  return typeof v.status === 'string' && (v.report === null || (typeof v.report === 'object' && v.report !== null && 'target' in v.report));
}
