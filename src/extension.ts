// Activation only wires features together; each register*() returns what disposes it. The engine
// is not loaded here (see src/vscode/loadEngine.ts).
import * as vscode from 'vscode';
import { registerCertificates } from './vscode/certificates/register';
import { registerBindAnalysis } from './vscode/bind/registerBind';
import { watchConfig } from './vscode/config';
import { registerDiagnoseCommand } from './vscode/diagnoseCommand';
import { registerDnsCommand } from './vscode/dnsCommand';
import { registerTraceRouteCommand } from './vscode/httpActions';
import { setEngineCacheDir } from './vscode/loadEngine';
import { createLog } from './vscode/log';

export function activate(context: vscode.ExtensionContext): void {
  try {
    const log = createLog();
    setEngineCacheDir(context.globalStorageUri.fsPath);
    const config = watchConfig((c) => {
      log.info('Settings changed');
      for (const w of c.warnings) log.warn(w);
    });
    const certificates = registerCertificates(context, config, log);
    context.subscriptions.push(log, config, certificates, registerDiagnoseCommand(context, config, log, (report) => certificates.addReport(report)));
    context.subscriptions.push(registerBindAnalysis(config, log));
    context.subscriptions.push(registerTraceRouteCommand(log));
    context.subscriptions.push(registerDnsCommand(context, config, log));
  } catch (err) {
    void vscode.window.showErrorMessage(`Netdiag failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
