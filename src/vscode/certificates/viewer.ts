// The read-only certificate viewer (a custom editor) for .pem/.crt/.cer/.der/.p7b/.p12/.pfx. It
// reads the file, asks for a PKCS#12 password when needed (used once, never stored or logged),
// checks the chain without any network access, shows it in a webview and adds it to the
// Certificates view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertificateViewState } from '../../protocol/certificateView';
import { renderWebviewHtml, webviewRoots } from '../webviewHtml';
import type { CertificateServices } from './services';

export const CERTIFICATE_VIEWER = 'netdiag.certificateViewer';

interface CertDocument extends vscode.CustomDocument {
  readonly uri: vscode.Uri;
}

export class CertificateViewerProvider implements vscode.CustomReadonlyEditorProvider<CertDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: CertificateServices,
  ) {}

  openCustomDocument(uri: vscode.Uri): CertDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: CertDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    const title = path.basename(document.uri.path);
    const state = await this.services.inspectFile(document.uri);
    const page: CertificateViewState = { title, ...state };
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, { title: `Certificate: ${title}`, script: 'certificate.js', styles: ['report.css', 'certificate.css'], initialState: page });
  }
}

export function registerCertificateViewer(extensionUri: vscode.Uri, services: CertificateServices): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(CERTIFICATE_VIEWER, new CertificateViewerProvider(extensionUri, services), {
    // Several tabs of the same file show the same static content; no need to keep hidden ones alive.
    webviewOptions: { retainContextWhenHidden: false },
    supportsMultipleEditorsPerDocument: true,
  });
}
