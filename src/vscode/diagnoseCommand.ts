// "Netdiag: Diagnose Endpoint": asks for a target (or takes it as the argument), opens its report
// panel at once, runs the engine under a cancellable progress notification and streams each
// partial report to the panel. Returns the final Report (for command links and tests).
import * as vscode from 'vscode';
import { findEndpointAt } from '../engine/endpointText';
import type { Report } from '../engine/model/report';
import { pendingReport } from '../engine/summary';
import { parseTarget, TargetError } from '../engine/target';
import type { ParsedTarget } from '../engine/target';
import { parseVantage, vantageLabel, VantageSpecError, type VantageSpec } from '../engine/vantage/spec';
import { loadClientCertificate } from './certificates/clientCertificate';
import { errorMessage, proxyConfig, toSetupInput } from './config';
import type { ConfigSource } from './config';
import { askRequest, exportFromPanel, runTrace } from './httpActions';
import { loadEngine, optionsFor, prepareEngine, saveEngineCodeCache } from './loadEngine';
import { RecentTargets, storableInput } from './recentTargets';

import { ReportPanels } from './reportPanel';
import { RequestStore } from './requestStore';
import { redactUrl } from '../engine/redact';
import type { UntrustedGate } from './untrustedGate';
import { pickVantage } from './vantage/pickVantage';
import { vantageReach } from './vantage/reach';

export const DIAGNOSE_COMMAND = 'netdiag.diagnoseEndpoint';
/** Opens a finished Report in its panel (a check's row, a comparison's side); not in the palette. */
export const SHOW_REPORT_COMMAND = 'netdiag.showReport';

/** What Diagnose Endpoint takes as its argument: a target, or a target and where to diagnose it from. */
export type DiagnoseArgument = string | { target: string; from?: string };

/** `onReport` receives each final report (the Certificates view lists its chain). */
export function registerDiagnoseCommand(context: vscode.ExtensionContext, config: ConfigSource, log: vscode.LogOutputChannel, gate: UntrustedGate, onReport?: (report: Report) => void): vscode.Disposable {
  const recent = new RecentTargets(context.globalState);
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');

  const requests = new RequestStore(context.workspaceState, context.secrets);
  const panels = new ReportPanels(context.extensionUri, {
    rerun: (input, from) => void run(input, from),
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

  async function run(input: string, from: string | null = null): Promise<Report | undefined> {
    let parsed: ParsedTarget;
    let spec: VantageSpec;
    try {
      parsed = parseTarget(input);
      spec = parseVantage(from ?? 'local');
    } catch (err) {
      if (!(err instanceof TargetError) && !(err instanceof VantageSpecError)) throw err;
      void vscode.window.showErrorMessage(`Netdiag: ${err.message}`);
      return undefined;
    }
    if (spec.kind !== 'local') {
      // A vantage runs commands (a container engine, ssh) on this machine: never from an untrusted workspace.
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Netdiag diagnoses from containers, services and other hosts only in a trusted workspace.');
        return undefined;
      }
      return runAt(input, parsed, spec);
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
          const { options, warnings } = await optionsFor(toSetupInput(settings));
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

  /** The diagnosis at a vantage: the engine runs there and its Report streams back whole. */
  async function runAt(input: string, parsed: ParsedTarget, spec: Exclude<VantageSpec, { kind: 'local' }>): Promise<Report | undefined> {
    const settings = config.current;
    const shown = redactUrl(parsed.target.url);
    const panel = panels.open(parsed.target, input, spec.name);
    const controller = new AbortController();
    const { signal } = controller;
    panel.beginRun(input, controller, pendingReport(parsed.target, version, new Date()));
    log.info(`Diagnose ${shown} from ${spec.name}`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Netdiag: diagnosing ${shown} from ${vantageLabel(spec)}`, cancellable: true },
      async (_progress, token) => {
        const onCancel = token.onCancellationRequested(() => controller.abort());
        try {
          const args = settings.followRedirects ? ['--max-redirects', String(settings.maxRedirects)] : ['--no-follow'];
          const result = await loadEngine().diagnoseAt(spec, input, {
            ...vantageReach(settings, context.extensionUri, vscode.workspace.workspaceFolders?.[0], log),
            signal,
            args,
            local: () => Promise.reject(new Error('not a local run')),
          });
          if (!result.report) {
            const message = result.error?.message ?? `${spec.name}: no report`;
            log.warn(message);
            panel.endRun(signal, signal.aborted ? 'cancelled' : 'failed', message);
            if (!signal.aborted) void vscode.window.showErrorMessage(`Netdiag: ${message}`);
            return undefined;
          }
          panel.update(signal, result.report);
          panel.endRun(signal, result.report.cancelled ? 'cancelled' : 'done');
          log.info(`${shown} from ${spec.name}: ${result.report.verdict.text}`);
          return result.report;
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  const command = vscode.commands.registerCommand(DIAGNOSE_COMMAND, async (arg?: DiagnoseArgument) => {
    if (typeof arg === 'string') return run(arg);
    // Set-up (trust stores, TLS context) runs while the user types a target.
    if (arg === undefined) prepareEngine(toSetupInput(config.current));
    if (arg && typeof arg === 'object' && typeof arg.target === 'string') return run(arg.target, typeof arg.from === 'string' ? arg.from : null);
    const asked = await askTarget(initialValue(), recent.list());
    if (asked === undefined) return undefined;
    if (!asked.elsewhere) return run(asked.input);
    const from = await pickVantage(config.current, `Netdiag: diagnose ${asked.input} from…`);
    return from === undefined ? undefined : run(asked.input, from);
  });
  const show = vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (report: Report) => {
    const from = report.vantage && report.vantage.kind !== 'local' ? report.vantage.name : null;
    panels.open(report.target, storableInput(report.target), from).present(report);
  });
  return vscode.Disposable.from(command, show, panels);
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
  /** The "from another place…" item: a vantage is picked next. */
  readonly elsewhere?: boolean;
}

/**
 * A QuickPick rather than an InputBox so recent targets are one keystroke away. QuickPick has no
 * validationMessage in the VS Code API (engines.vscode), so the typed value's own item carries the parse error.
 */
function askTarget(initial: string, recent: readonly string[]): Promise<{ input: string; elsewhere: boolean } | undefined> {
  const pick = vscode.window.createQuickPick<TargetItem>();
  pick.title = 'Netdiag: Diagnose Endpoint';
  pick.placeholder = 'URL, host:port, host name or IP address (https://example.com, db:5432, [::1]:8080)';
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  const recentItems: TargetItem[] = recent.map((r) => ({ label: r, description: 'recent', input: r, iconPath: new vscode.ThemeIcon('history') }));

  const refresh = (): void => {
    const value = pick.value.trim();
    const items: TargetItem[] = [];
    if (value !== '') {
      const typed = typedItem(value);
      items.push(typed);
      if (typed.input !== undefined) items.push({ label: `${value} — from another place…`, detail: 'Diagnose it from a Compose service, a container, a network namespace or an ssh host', input: value, elsewhere: true, alwaysShow: true, iconPath: new vscode.ThemeIcon('remote-explorer') });
    }
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
        resolve({ input: item.input, elsewhere: item.elsewhere === true });
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
