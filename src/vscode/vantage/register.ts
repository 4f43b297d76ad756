// Vantage points in VS Code: the comparison of one target from several places (the Bind Map's
// "Compare with This Machine"), "Diagnose from This Service…", and Check Workspace Endpoints (a
// table of every client reference diagnosed live, Problems for what fails, statuses on the Bind
// Map). Each runs only when asked, and never in an untrusted workspace: it runs a container
// engine, nsenter or ssh on this machine.
import * as vscode from 'vscode';
import type { ClientRef } from '../../engine/model/bind';
import type { VantageComparison, VantageRun } from '../../engine/model/comparison';
import type { EndpointCheck } from '../../engine/model/endpointCheck';
import { redactUrl } from '../../engine/redact';
import { referenceInput } from '../../engine/vantage/check';
import { parseVantage, vantageLabel, VantageSpecError } from '../../engine/vantage/spec';
import { parseTarget, TargetError } from '../../engine/target';
import type { ServiceNode } from '../bind/bindMapView';
import { toRange } from '../bind/diagnostics';
import type { BindFeature } from '../bind/registerBind';
import { loadClientCertificate } from '../certificates/clientCertificate';
import { proxyConfig, toSetupInput, type ConfigSource } from '../config';
import { DIAGNOSE_COMMAND, type DiagnoseArgument } from '../diagnoseCommand';
import { loadEngine } from '../loadEngine';
import { ComparisonPanel } from './comparisonPanel';
import { EndpointsPanel } from './endpointsPanel';
import { vantageReach } from './reach';

export const COMPARE_COMMAND = 'netdiag.compareVantages';
export const DIAGNOSE_FROM_SERVICE_COMMAND = 'netdiag.bindMap.diagnoseFromService';
export const COMPARE_WITH_LOCAL_COMMAND = 'netdiag.bindMap.compareWithThisMachine';
export const CHECK_ENDPOINTS_COMMAND = 'netdiag.checkWorkspaceEndpoints';

const UNTRUSTED = 'Netdiag runs diagnoses from containers, services and other hosts, and checks workspace endpoints, only in a trusted workspace.';

export function registerVantage(context: vscode.ExtensionContext, config: ConfigSource, log: vscode.LogOutputChannel, bind: BindFeature): vscode.Disposable {
  const comparisons = new Map<string, ComparisonPanel>();
  let endpoints: EndpointsPanel | undefined;
  const problems = vscode.languages.createDiagnosticCollection('netdiag-endpoints');

  /** One target from each vantage (this machine in this window, the others through the runner). */
  async function diagnoseFrom(input: string, from: string, signal: AbortSignal, folder: vscode.WorkspaceFolder | undefined): Promise<VantageRun> {
    const settings = config.current;
    const engine = loadEngine();
    return engine.diagnoseAt(parseVantage(from), input, {
      ...vantageReach(settings, context.extensionUri, folder, log),
      signal,
      args: settings.followRedirects ? ['--max-redirects', String(settings.maxRedirects)] : ['--no-follow'],
      local: async () => {
        const { options } = await engine.prepareOptions(toSetupInput(settings));
        const clientCertificate = await loadClientCertificate(settings.clientCertificate);
        return engine.diagnose(parseTarget(input), { ...options, ...(clientCertificate ? { clientCertificate } : {}), proxy: proxyConfig(), signal, log: (m) => log.debug(m) });
      },
    });
  }

  async function compare(arg: { target: string; from: readonly string[] } | undefined): Promise<VantageComparison | undefined> {
    if (!arg || typeof arg.target !== 'string' || !Array.isArray(arg.from) || arg.from.length < 2) return undefined;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(UNTRUSTED);
      return undefined;
    }
    let labels: string[];
    try {
      parseTarget(arg.target);
      labels = arg.from.map((f) => vantageLabel(parseVantage(f)));
    } catch (err) {
      if (!(err instanceof TargetError) && !(err instanceof VantageSpecError)) throw err;
      void vscode.window.showErrorMessage(`Netdiag: ${err.message}`);
      return undefined;
    }
    const key = `${arg.target} ${arg.from.join(' ')}`;
    let panel = comparisons.get(key);
    if (panel) panel.reveal();
    else {
      panel = ComparisonPanel.create(context.extensionUri, `Netdiag: ${parseTarget(arg.target).target.host} — ${arg.from.map((f) => f.slice(f.indexOf(':') + 1)).join(' vs ')}`, labels, () => void compare(arg), log);
      const created = panel;
      comparisons.set(key, created);
      created.onDidDispose(() => comparisons.get(key) === created && comparisons.delete(key));
    }
    const run = new AbortController();
    panel.begin(run);
    const started = Date.now();
    const folder = vscode.workspace.workspaceFolders?.[0];
    try {
      const runs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Netdiag: diagnosing ${arg.target} from ${labels.join(' and ')}`, cancellable: true }, async (_p, token) => {
        const sub = token.onCancellationRequested(() => run.abort());
        try {
          return await Promise.all(arg.from.map((f) => diagnoseFrom(arg.target, f, run.signal, folder)));
        } finally {
          sub.dispose();
        }
      });
      const comparison = loadEngine().compareVantages(parseTarget(arg.target).target.input, runs, Date.now() - started);
      panel.finish(run, comparison);
      log.info(`Compare ${arg.target} from ${arg.from.join(', ')}: ${comparison.verdict.text}`);
      return comparison;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`Compare ${arg.target}: ${message}`);
      panel.finish(run, null, message);
      return undefined;
    }
  }

  /** A target for a service: one of its own client references, or one typed. */
  async function pickReference(node: ServiceNode, title: string): Promise<string | undefined> {
    const refs = node.model.clients.filter((c) => c.service === node.service.id);
    const items: (vscode.QuickPickItem & { input: string })[] = refs.map((c) => ({ label: referenceLabel(c), description: c.origin, detail: `${c.source.file}:${c.source.line + 1}`, input: referenceInput(c) }));
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { input: string }>();
    pick.title = title;
    pick.placeholder = refs.length > 0 ? `${node.service.name}'s own references, or type a URL or host:port` : 'A URL, host:port or host';
    pick.items = items;
    pick.ignoreFocusOut = true;
    return new Promise((resolve) => {
      const subs = [
        pick.onDidChangeValue((v) => {
          const typed = v.trim();
          pick.items = typed === '' ? items : [{ label: typed, description: 'typed', input: typed, alwaysShow: true }, ...items];
        }),
        pick.onDidAccept(() => {
          const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
          if (!chosen) return;
          resolve(chosen.input);
          pick.hide();
        }),
        pick.onDidHide(() => {
          resolve(undefined);
          for (const s of subs) s.dispose();
          pick.dispose();
        }),
      ];
      pick.show();
    });
  }

  const fromService = vscode.commands.registerCommand(DIAGNOSE_FROM_SERVICE_COMMAND, async (node?: ServiceNode, target?: string) => {
    if (!node || node.kind !== 'service') return undefined;
    const input = target ?? (await pickReference(node, `Netdiag: diagnose from ${node.service.name}`));
    if (input === undefined) return undefined;
    return vscode.commands.executeCommand(DIAGNOSE_COMMAND, { target: input, from: `compose:${node.service.name}` } satisfies DiagnoseArgument);
  });

  const compareWithLocal = vscode.commands.registerCommand(COMPARE_WITH_LOCAL_COMMAND, async (node?: ServiceNode, target?: string) => {
    if (!node || node.kind !== 'service') return undefined;
    const input = target ?? (await pickReference(node, `Netdiag: compare ${node.service.name} with this machine`));
    if (input === undefined) return undefined;
    return compare({ target: input, from: [`compose:${node.service.name}`, 'local'] });
  });

  async function checkEndpoints(): Promise<EndpointCheck[] | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(UNTRUSTED);
      return undefined;
    }
    if (endpoints) endpoints.reveal();
    else {
      endpoints = EndpointsPanel.create(context.extensionUri, () => void checkEndpoints(), log);
      endpoints.onDidDispose(() => (endpoints = undefined));
    }
    const panel = endpoints;
    const run = new AbortController();
    const models = await bind.analysis.models();
    const settings = config.current;
    const engine = loadEngine();
    const rows: { folder: vscode.WorkspaceFolder; check: EndpointCheck }[] = [];
    const total = models.reduce((n, m) => n + m.model.clients.length + m.model.clients.filter((c) => isContainerised(m.model, c)).length, 0);
    panel.begin(run, total);
    problems.clear();
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Netdiag: checking workspace endpoints', cancellable: true }, async (progress, token) => {
        const sub = token.onCancellationRequested(() => run.abort());
        try {
          for (const { folder, model } of models) {
            const result = await engine.checkReferences(model, {
              signal: run.signal,
              concurrency: engine.CHECK_DEFAULTS.concurrency,
              perTargetTimeoutMs: Math.max(engine.CHECK_DEFAULTS.perTargetTimeoutMs, settings.vantage.timeoutMs),
              fromContainers: true,
              diagnose: (spec, input, signal) => diagnoseFrom(input, spec.name, signal, folder),
              onCheck: (check) => {
                rows.push({ folder, check });
                // In the order of the files and lines, whatever order the answers come in.
                rows.sort(byPlace);
                panel.show(run, { checks: rows.map((r) => r.check), folders: rows.map((r) => r.folder) });
                progress.report({ message: `${rows.length} of ${total}`, increment: total > 0 ? 100 / total : 0 });
              },
            });
            publishProblems(folder, result.findings);
          }
        } finally {
          sub.dispose();
        }
      });
      panel.finish(run);
    } catch (err) {
      panel.finish(run, err instanceof Error ? err.message : String(err));
    }
    bind.map.setChecks(rows);
    log.info(`Check Workspace Endpoints: ${rows.length} check(s), ${rows.filter((r) => r.check.status === 'fail').length} failed`);
    return rows.map((r) => r.check);
  }

  function publishProblems(folder: vscode.WorkspaceFolder, findings: Awaited<ReturnType<ReturnType<typeof loadEngine>['checkReferences']>>['findings']): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of findings) {
      const d = new vscode.Diagnostic(toRange(f.range), `${f.message}\n${f.hint}`, vscode.DiagnosticSeverity.Error);
      d.source = 'Netdiag';
      d.code = f.code;
      byFile.set(f.range.file, [...(byFile.get(f.range.file) ?? []), d]);
    }
    for (const [file, list] of byFile) problems.set(vscode.Uri.joinPath(folder.uri, file), list);
  }

  return vscode.Disposable.from(
    problems,
    vscode.commands.registerCommand(COMPARE_COMMAND, compare),
    fromService,
    compareWithLocal,
    vscode.commands.registerCommand(CHECK_ENDPOINTS_COMMAND, checkEndpoints),
    { dispose: () => [...comparisons.values(), ...(endpoints ? [endpoints] : [])].forEach((p) => p.dispose()) },
  );
}

function byPlace(a: { folder: vscode.WorkspaceFolder; check: EndpointCheck }, b: { folder: vscode.WorkspaceFolder; check: EndpointCheck }): number {
  return a.folder.index - b.folder.index || a.check.source.file.localeCompare(b.check.source.file) || a.check.source.start - b.check.source.start || Number(a.check.from !== 'local') - Number(b.check.from !== 'local');
}

function referenceLabel(c: ClientRef): string {
  return c.url !== null ? redactUrl(c.url) : `${c.host}${c.port !== null ? `:${c.port}` : ''}`;
}

function isContainerised(model: { services: { id: string; runtime: string; hostNetwork: boolean }[] }, c: ClientRef): boolean {
  const s = model.services.find((x) => x.id === c.service);
  return s?.runtime === 'container' && !s.hostNetwork;
}
