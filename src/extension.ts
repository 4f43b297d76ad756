// Activation only wires features together; each register*() returns what disposes it, and the
// returned API exposes what tests and other extensions may read. The engine is not loaded here
// (see src/vscode/loadEngine.ts).
import * as vscode from 'vscode';
import type { NetdiagApi } from './vscode/api';
import { registerBindAnalysis } from './vscode/bind/registerBind';
import { registerCertificates } from './vscode/certificates/register';
import { watchConfig } from './vscode/config';
import { registerDiagnoseCommand } from './vscode/diagnoseCommand';
import { registerDnsCommand } from './vscode/dnsCommand';
import { registerTraceRouteCommand } from './vscode/httpActions';
import { setEngineCacheDir } from './vscode/loadEngine';
import { createLog } from './vscode/log';
import { UntrustedGate } from './vscode/untrustedGate';
import { registerVantage } from './vscode/vantage/register';

export function activate(context: vscode.ExtensionContext): NetdiagApi {
  try {
    const log = createLog();
    setEngineCacheDir(context.globalStorageUri.fsPath);
    const config = watchConfig((c) => {
      log.info('Settings changed');
      for (const w of c.warnings) log.warn(w);
    });
    const gate = new UntrustedGate();
    const certificates = registerCertificates(context, config, log, gate);
    context.subscriptions.push(log, config, certificates, registerDiagnoseCommand(context, config, log, gate, (report) => certificates.addReport(report)));
    const bind = registerBindAnalysis(config, log);
    context.subscriptions.push(bind, registerVantage(context, config, log, bind));
    context.subscriptions.push(registerTraceRouteCommand(log, gate));
    context.subscriptions.push(registerDnsCommand(context, config, log, gate));
    return { certificates: { list: () => certificates.list() } };
  } catch (err) {
    void vscode.window.showErrorMessage(`Netdiag failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
