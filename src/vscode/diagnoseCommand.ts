// "Netdiag: Diagnose Endpoint": asks for a target (or takes it as the argument), opens its report
// panel at once, runs the engine under a cancellable progress notification and streams each
// partial report to the panel. Returns the final Report (for command links and tests).
import * as vscode from 'vscode';
import { findEndpointAt } from '../engine/endpointText';
import type { Report } from '../engine/model/report';
import { pendingReport } from '../engine/summary';
import { parseTarget, TargetError } from '../engine/target';
import type { ParsedTarget } from '../engine/target';
import { loadClientCertificate } from './certificates/clientCertificate';
import { errorMessage, proxyConfig, toSetupInput } from './config';
import type { ConfigSource } from './config';
import { askRequest, exportFromPanel, runTrace } from './httpActions';
import { loadEngine, prepareEngine, saveEngineCodeCache } from './loadEngine';
import { RecentTargets } from './recentTargets';
import { ReportPanels } from './reportPanel';
import { RequestStore } from './requestStore';
import { redactUrl } from '../engine/redact';
import type { UntrustedGate } from './untrustedGate';

export const DIAGNOSE_COMMAND = 'netdiag.diagnoseEndpoint';

/** `onReport` receives each final report (the Certificates view lists its chain). */
export function registerDiagnoseCommand(context: vscode.ExtensionContext, config: ConfigSource, log: vscode.LogOutputChannel, gate: UntrustedGate, onReport?: (report: Report) => void): vscode.Disposable {
  const recent = new RecentTargets(context.globalState);
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');

  const requests = new RequestStore(context.workspaceState, context.secrets);
  const panels = new ReportPanels(context.extensionUri, {
    rerun: (input) => void run(input),
    toCurl: async (report) => {
      const request = await requests.get(report.target.url);
      return loadEngine().toCurl(report, request ? { request } : {});
    },
    editRequest: async (input, report) => {
      const key = report?.target.url ?? redactUrl(parseTarget(input).target.url);
      const spec = await askRequest(key, await requests.get(key));
      if (!spec) return;
      await requests.set(key, spec);
      void run(input);
    },
    traceRoute: async (report) => {
      const result = await runTrace(loadEngine().traceTarget(report), log);
      return result ? loadEngine().attachRoute(report, result.route, result.findings) : undefined;
    },
    exportReport: async (report, input) => exportFromPanel(report, await requests.get(report.target.url), parseTarget(input).target.url),
  }, log);

  async function run(input: string): Promise<Report | undefined> {
    let parsed: ParsedTarget;
    try {
      parsed = parseTarget(input);
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      void vscode.window.showErrorMessage(`Netdiag: ${err.message}`);
      return undefined;
    }
    // The URL as shown, logged and used as a key: its secrets masked, as in the report (redact.ts).
    const shown = redactUrl(parsed.target.url);
    const allowed = await gate.allow({
      question: `Diagnose ${shown}?`,
      detail: 'Netdiag will resolve the name and connect to it from this machine. Workspace settings for DNS servers and CA files are ignored until you trust the workspace.',
      confirm: 'Diagnose',
    });
    if (!allowed) return undefined;
    const settings = config.current;
    await recent.add(parsed.target, settings.recentTargetsMax);

    const panel = panels.open(parsed.target, input);
    const controller = new AbortController();
    const { signal } = controller;
    panel.beginRun(input, controller, pendingReport(parsed.target, version, new Date()));
    log.info(`Diagnose ${shown}`);

    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Netdiag: diagnosing ${shown}`, cancellable: true },
      async (progress, token) => {
        const onCancel = token.onCancellationRequested(() => controller.abort());
        try {
          const engine = loadEngine();
          const { options, warnings } = await engine.prepareOptions(toSetupInput(settings));
          const allWarnings = [...settings.warnings, ...warnings];
          for (const w of allWarnings) log.warn(w);
          if (allWarnings.length > 0) void vscode.window.showWarningMessage(`Netdiag: ${allWarnings[0]}${allWarnings.length > 1 ? ` (and ${allWarnings.length - 1} more in the Netdiag output)` : ''}`);
          const request = await requests.get(shown);
          const clientCertificate = await loadClientCertificate(settings.clientCertificate);
          const report = await engine.diagnose(parsed, {
            ...options,
            ...(clientCertificate ? { clientCertificate } : {}),
            proxy: proxyConfig(),
            ...(request ? { request } : {}),
            signal,
            onUpdate: (partial) => {
              panel.update(signal, partial);
              const done = partial.layers.filter((l) => l.status !== 'pending').length;
              progress.report({ message: `${done} of ${partial.layers.length} layers` });
            },
            log: (message) => log.debug(message),
          });
          panel.update(signal, report);
          panel.endRun(signal, report.cancelled ? 'cancelled' : 'done');
          saveEngineCodeCache();
          // The engine sends nothing through an unusable proxy (and never falls back to a direct
          // connection): say so where it cannot be missed, not only in the panel.
          if (report.proxy?.error?.code === 'PROXY_INVALID') void vscode.window.showErrorMessage(`Netdiag: nothing was sent. ${report.proxy.reason}.`);
          onReport?.(report);
          log.info(`${report.target.url}: ${report.verdict.text} in ${Math.round(report.durationMs)} ms`);
          return report;
        } catch (err) {
          // The engine turns network failures into findings; reaching here is a bug or a broken
          // setup (an unreadable CA file), so say so rather than show an empty report.
          const message = errorMessage(err);
          log.error(`Diagnose ${shown} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
          panel.endRun(signal, 'failed', message);
          void vscode.window.showErrorMessage(`Netdiag: the diagnosis failed: ${message}`);
          return undefined;
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  const command = vscode.commands.registerCommand(DIAGNOSE_COMMAND, async (arg?: unknown) => {
    if (typeof arg !== 'string') prepareEngine(toSetupInput(config.current));
    const input = typeof arg === 'string' ? arg : await askTarget(initialValue(), recent.list());
    return input === undefined ? undefined : run(input);
  });
  return vscode.Disposable.from(command, panels);
}

/** The selection when it is one line, else the endpoint-looking text under the cursor. */
function initialValue(): string {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return '';
  const { selection, document } = editor;
  if (!selection.isEmpty && selection.isSingleLine) return document.getText(selection).trim();
  const line = document.lineAt(selection.active.line).text;
  return findEndpointAt(line, selection.active.character) ?? '';
}

interface TargetItem extends vscode.QuickPickItem {
  /** What runs when the item is accepted; undefined for the typed value when it is invalid. */
  readonly input: string | undefined;
}

/**
 * A QuickPick rather than an InputBox so recent targets are one keystroke away. QuickPick has no
 * validationMessage in the VS Code API (engines.vscode), so the typed value's own item carries the parse error.
 */
function askTarget(initial: string, recent: readonly string[]): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<TargetItem>();
  pick.title = 'Netdiag: Diagnose Endpoint';
  pick.placeholder = 'URL, host:port, host name or IP address (https://example.com, db:5432, [::1]:8080)';
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  const recentItems: TargetItem[] = recent.map((r) => ({ label: r, description: 'recent', input: r, iconPath: new vscode.ThemeIcon('history') }));

  const refresh = (): void => {
    const value = pick.value.trim();
    const items: TargetItem[] = [];
    if (value !== '') items.push(typedItem(value));
    const others = recentItems.filter((i) => i.input !== value);
    if (others.length > 0) items.push({ label: 'recent', kind: vscode.QuickPickItemKind.Separator, input: undefined }, ...others);
    pick.items = items;
  };

  return new Promise((resolve) => {
    const subscriptions = [
      pick.onDidChangeValue(refresh),
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        // An invalid typed value keeps the picker open with its error shown.
        if (!item || item.input === undefined) return;
        resolve(item.input);
        pick.hide();
      }),
      pick.onDidHide(() => {
        resolve(undefined);
        for (const s of subscriptions) s.dispose();
        pick.dispose();
      }),
    ];
    pick.value = initial;
    refresh();
    pick.show();
  });
}

function typedItem(value: string): TargetItem {
  try {
    const { target } = parseTarget(value);
    const what = target.application === 'http' ? 'DNS, TCP, TLS and HTTP' : target.tls ? 'DNS, TCP and TLS' : 'DNS and TCP';
    return { label: value, description: target.url === value ? undefined : target.url, detail: `Diagnose ${what}`, input: value, alwaysShow: true, iconPath: new vscode.ThemeIcon('debug-start') };
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    return { label: value, detail: `$(error) ${err.message}`, input: undefined, alwaysShow: true, iconPath: new vscode.ThemeIcon('error') };
  }
}
