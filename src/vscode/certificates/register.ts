// Wires the certificate features: the "Certificates" view in the Netdiag activity-bar container,
// its actions, "Netdiag: Scan TLS Configuration", "Inspect Certificate" in the explorer, and the
// read-only certificate viewer. `addReport` lets Diagnose Endpoint list the chains it sees.
import * as vscode from 'vscode';
import type { CertCheck } from '../../engine/model/certCheck';
import type { Report } from '../../engine/model/report';
import { toSetupInput, type ConfigSource } from '../config';
import { prepareEngine } from '../loadEngine';
import type { UntrustedGate } from '../untrustedGate';
import { copyToClipboard } from '../webviewHtml';
import { CertificateEntries } from './entries';
import type { CertificateEntry } from './entries';
import { CertificateServices } from './services';
import type { EndpointActions } from './services';
import { CERTIFICATES_VIEW, CertificatesTree } from './treeView';
import type { CertNode } from './treeView';
import { CERTIFICATE_VIEWER, registerCertificateViewer } from './viewer';

export const CERT_COMMANDS = {
  inspectEndpoint: 'netdiag.certificates.inspectEndpoint',
  scanTls: 'netdiag.scanTls',
  inspectFile: 'netdiag.certificates.inspectFile',
  openFile: 'netdiag.certificates.openFile',
  copyPem: 'netdiag.certificates.copyPem',
  saveChain: 'netdiag.certificates.saveChain',
  recheck: 'netdiag.certificates.recheck',
  diagnose: 'netdiag.certificates.diagnose',
  remove: 'netdiag.certificates.remove',
  scanEntry: 'netdiag.certificates.scan',
  checkRevocation: 'netdiag.certificates.checkRevocation',
  fetchIssuer: 'netdiag.certificates.fetchIssuer',
} as const;

export interface CertificatesFeature extends vscode.Disposable {
  addReport(report: Report): void;
  /** The checks the view lists, as plain JSON (the extension's API). */
  list(): { key: string; check: CertCheck }[];
}

export function registerCertificates(context: vscode.ExtensionContext, config: ConfigSource, log: vscode.LogOutputChannel, gate: UntrustedGate): CertificatesFeature {
  const entries = new CertificateEntries();
  const services = new CertificateServices(entries, config, log, gate);
  const tree = new CertificatesTree(entries);
  const view = vscode.window.createTreeView(CERTIFICATES_VIEW, { treeDataProvider: tree, showCollapseAll: true });

  const entryOf = (node: unknown): CertificateEntry | undefined => {
    if (typeof node === 'string') return entries.get(node);
    const n = node as CertNode | undefined;
    if (n && (n.kind === 'entry' || n.kind === 'cert' || n.kind === 'group')) return n.entry;
    return view.selection.map((s) => ('entry' in s ? s.entry : undefined)).find((e) => e !== undefined);
  };
  // While the endpoint is typed, the engine is loaded and prepared (trust stores, TLS context,
  // first-use warm-up; no network), as Diagnose Endpoint does: the first check or scan of a window
  // does not pay for it.
  const askEndpoint = (title: string): Thenable<string | undefined> => {
    prepareEngine(toSetupInput(config.current));
    return vscode.window.showInputBox({ title, prompt: 'host:port, host name or https:// URL', placeHolder: 'example.com:443', ignoreFocusOut: true });
  };
  const endpointAction = (actions: EndpointActions) => async (node?: unknown): Promise<unknown> => {
    const entry = entryOf(node);
    if (entry?.check.source.kind === 'endpoint') return services.inspectEndpoint(entry.check.source.label, actions);
    if (entry?.uri) return services.inspectFile(entry.uri);
    return undefined;
  };

  const commands = [
    vscode.commands.registerCommand(CERT_COMMANDS.inspectEndpoint, async (arg?: unknown) => {
      const input = typeof arg === 'string' ? arg : await askEndpoint('Netdiag: Inspect Certificate of an Endpoint');
      return input ? services.inspectEndpoint(input) : undefined;
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.scanTls, async (arg?: unknown) => {
      const entry = typeof arg === 'string' ? undefined : entryOf(arg);
      const input = typeof arg === 'string' ? arg : entry?.check.source.kind === 'endpoint' ? entry.check.source.label : await askEndpoint('Netdiag: Scan TLS Configuration');
      return input ? services.inspectEndpoint(input, { scan: true }) : undefined;
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.scanEntry, endpointAction({ scan: true })),
    vscode.commands.registerCommand(CERT_COMMANDS.checkRevocation, endpointAction({ checkRevocation: true })),
    vscode.commands.registerCommand(CERT_COMMANDS.fetchIssuer, endpointAction({ fetchMissingIssuer: true })),
    vscode.commands.registerCommand(CERT_COMMANDS.recheck, endpointAction({})),
    vscode.commands.registerCommand(CERT_COMMANDS.inspectFile, async (uri?: unknown) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) return vscode.commands.executeCommand(CERT_COMMANDS.openFile);
      return vscode.commands.executeCommand('vscode.openWith', target, CERTIFICATE_VIEWER);
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.openFile, async () => {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Open a certificate file', filters: { Certificates: ['pem', 'crt', 'cer', 'der', 'p7b', 'p7c', 'p12', 'pfx'], 'All files': ['*'] } });
      const uri = picked?.[0];
      return uri ? vscode.commands.executeCommand('vscode.openWith', uri, CERTIFICATE_VIEWER) : undefined;
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.copyPem, async (node?: unknown) => {
      const n = node as CertNode | undefined;
      const entry = entryOf(node);
      if (!entry) return;
      const pem = n?.kind === 'cert' ? (entry.check.chain[n.index]?.pem ?? '') : entry.check.chain.map((c) => c.pem).join('');
      await copyToClipboard(pem, n?.kind === 'cert' ? 'certificate PEM copied' : 'chain PEM copied');
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.saveChain, async (node?: unknown) => {
      const entry = entryOf(node);
      if (!entry) return;
      const name = entry.check.source.label.replace(/[^A-Za-z0-9.-]+/g, '_');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await vscode.window.showSaveDialog({ title: 'Save the certificate chain (PEM)', filters: { PEM: ['pem'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${name}-chain.pem`) } : {}) });
      if (!uri) return;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(entry.check.chain.map((c) => c.pem).join(''), 'utf8'));
      void vscode.window.setStatusBarMessage(`Netdiag: chain saved to ${uri.fsPath}`, 3000);
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.diagnose, (node?: unknown) => {
      const entry = entryOf(node);
      if (entry?.check.source.kind !== 'endpoint') return undefined;
      return vscode.commands.executeCommand('netdiag.diagnoseEndpoint', `https://${entry.check.source.label}/`);
    }),
    vscode.commands.registerCommand(CERT_COMMANDS.remove, (node?: unknown) => {
      const entry = entryOf(node);
      if (entry) entries.remove(entry.key);
    }),
  ];

  const disposable = vscode.Disposable.from(entries, tree, view, registerCertificateViewer(context.extensionUri, services, log), ...commands);
  return {
    addReport: (report) => void services.addReport(report),
    list: () => entries.all.map((e) => ({ key: e.key, check: e.check })),
    dispose: () => disposable.dispose(),
  };
}
