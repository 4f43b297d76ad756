// The one function that builds webview HTML. Scripts run only with this render's nonce; styles,
// fonts and images come only from the extension's own files (webview.cspSource), which
// localResourceRoots limits to the built webview bundles and media/.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  /** The document title (for screen readers; the tab title is the panel's). */
  readonly title: string;
  /** A bundle under dist/webview/, e.g. `report.js`. */
  readonly script: string;
  /** Stylesheets under media/, e.g. `report.css`. */
  readonly styles: readonly string[];
  /** Handed to the script through an escaped `data-state` attribute (plain JSON). */
  readonly initialState?: unknown;
}

/** The folders a webview may load from; pass as `localResourceRoots`. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Netdiag's icon on a panel's tab. */
export function setPanelIcon(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.iconPath = { light: vscode.Uri.joinPath(extensionUri, 'media', 'panel-light.svg'), dark: vscode.Uri.joinPath(extensionUri, 'media', 'panel-dark.svg') };
}

/** A panel in the active column, its scripts allowed and loading only from webviewRoots, with Netdiag's icon. */
export function createPanel(viewType: string, title: string, extensionUri: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: webviewRoots(extensionUri) });
  setPanelIcon(panel, extensionUri);
  return panel;
}

/** Puts `text` on the clipboard and says so in the status bar ("report copied as JSON"). */
export async function copyToClipboard(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(`$(check) Netdiag: ${what}`, 3000);
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  // The toolkit (FAST) reads this nonce from <meta property="csp-nonce"> for the <style> element
  // it creates to feature-detect :focus-visible; the style-src nonce lets that element load.
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  const asset = (...segments: string[]): string => escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString());
  // Codicons' stylesheet is copied next to the bundles by esbuild.js, with its font.
  const links = [asset('dist', 'webview', 'codicon.css'), ...page.styles.map((s) => asset('media', s))]
    .map((href) => `<link rel="stylesheet" href="${href}" nonce="${nonce}">`)
    .join('\n    ');
  const state = page.initialState === undefined ? '' : ` data-state="${escapeAttribute(JSON.stringify(page.initialState))}"`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta property="csp-nonce" content="${nonce}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${links}
    <title>${escapeText(page.title)}</title>
  </head>
  <body${state}>
    <script nonce="${nonce}" src="${asset('dist', 'webview', page.script)}"></script>
  </body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
