// Wires the bind analysis into VS Code: the workspace analysis, Problems, quick fixes, the Bind
// Map view, hovers and the commands. Nothing here parses: dist/bind.js loads on first use.
import * as vscode from 'vscode';
import type { ConfigSource } from '../config';
import { registerBindMap, type BindMapProvider } from './bindMapView';
import { registerBindDiagnostics } from './diagnostics';
import { registerBindHover, SHOW_IN_BIND_MAP } from './hoverProvider';
import { WorkspaceBindAnalysis } from './workspaceAnalysis';

export const ANALYZE_COMMAND = 'netdiag.analyzeBindAddresses';

/** The bind analysis, and what the live checks of its references need: the models and the Bind Map. */
export interface BindFeature extends vscode.Disposable {
  readonly analysis: WorkspaceBindAnalysis;
  readonly map: BindMapProvider;
}

export function registerBindAnalysis(config: ConfigSource, log: vscode.LogOutputChannel): BindFeature {
  const analysis = new WorkspaceBindAnalysis(log);
  const map = registerBindMap(analysis, log);
  const analyze = vscode.commands.registerCommand(ANALYZE_COMMAND, async () => {
    const finished = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Netdiag: analyzing bind addresses', cancellable: true }, (progress, token) => analysis.rescan({ progress, token }));
    if (!finished) {
      void vscode.window.showInformationMessage('Netdiag: bind analysis cancelled; Problems and the Bind Map keep the results of the last complete analysis.');
      return [];
    }
    const models = analysis.current();
    const findings = models.flatMap((m) => m.model.findings);
    const count = (s: string): number => findings.filter((f) => f.severity === s).length;
    await map.reveal(undefined);
    void vscode.window.showInformationMessage(`Netdiag: ${models.reduce((n, m) => n + m.model.services.length, 0)} service(s); ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info — see Problems and the Bind Map.`);
    return models.map((m) => ({ folder: m.folder.uri.toString(), model: m.model }));
  });
  const show = vscode.commands.registerCommand(SHOW_IN_BIND_MAP, (serviceId?: string | null) => map.reveal(serviceId ?? undefined));
  // The first scan runs after activation returns, so activation itself parses nothing.
  const first = setTimeout(() => void analysis.rescan(), 0);
  const disposable = vscode.Disposable.from(analysis, registerBindDiagnostics(analysis), map.disposable, registerBindHover(analysis, config), analyze, show, { dispose: () => clearTimeout(first) });
  return { analysis, map: map.provider, dispose: () => disposable.dispose() };
}
