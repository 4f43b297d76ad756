// The read-only certificate viewer (a custom editor) for .pem/.crt/.cer/.der/.p7b/.p12/.pfx. It
// reads the file, asks for a PKCS#12 password when needed (used once, never stored or logged),
// checks the chain without any network access, shows it in a webview and adds it to the
// Certificates view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCertificateViewMessage } from '../../protocol/certificateView';
import type { CertificateViewState, CertificateViewToHost } from '../../protocol/certificateView';
import { WebviewHost } from '../webviewHost';
import type { CertificateServices } from './services';

export const CERTIFICATE_VIEWER = 'netdiag.certificateViewer';

interface CertDocument extends vscode.CustomDocument {
  readonly uri: vscode.Uri;
}

export class CertificateViewerProvider implements vscode.CustomReadonlyEditorProvider<CertDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: CertificateServices,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  openCustomDocument(uri: vscode.Uri): CertDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: CertDocument, panel: vscode.WebviewPanel): Promise<void> {
    const title = path.basename(document.uri.path);
    const host = new WebviewHost<never, CertificateViewToHost>(panel, this.extensionUri, {
      page: { title: `Certificate: ${title}`, script: 'certificate.js', styles: ['report.css', 'certificate.css'] },
      accepts: isCertificateViewMessage,
      // Everything the viewer shows is in its page: nothing to send, nothing to hear.
      replay: () => [],
      receive: () => undefined,
      log: this.log,
      name: 'Certificate viewer',
    });
    panel.onDidDispose(() => host.dispose());
    const state = await this.services.inspectFile(document.uri);
    const page: CertificateViewState = { title, ...state };
    host.render(page);
  }
}

export function registerCertificateViewer(extensionUri: vscode.Uri, services: CertificateServices, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(CERTIFICATE_VIEWER, new CertificateViewerProvider(extensionUri, services, log), {
    // Several tabs of the same file show the same static content; no need to keep hidden ones alive.
    webviewOptions: { retainContextWhenHidden: false },
    supportsMultipleEditorsPerDocument: true,
  });
}
