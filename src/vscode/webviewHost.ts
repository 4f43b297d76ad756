// The host side of every webview panel: it sets the webview's options and page (webviewHtml.ts,
// the one place that builds webview HTML) and keeps the handshake of STYLE.md rule 3 — the
// webview says `ready` first; until then nothing is posted, and on each `ready` the owner's
// current state is sent again as messages (a hidden webview is discarded and reloads when shown,
// so it says `ready` again). What the webview posts is narrowed by the owner's guard and handed
// to the owner's handler; a handler that fails is logged and shown, never thrown into VS Code.
import * as vscode from 'vscode';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';
import type { WebviewPage } from './webviewHtml';

export interface WebviewHostOptions<ToWebview, FromWebview extends { readonly type: string }> {
  /** The page: bundle and styles; the title is the panel's unless given. */
  readonly page: Omit<WebviewPage, 'initialState' | 'title'> & { readonly title?: string };
  /** Narrows what the webview posted; anything else is logged and ignored. */
  readonly accepts: (message: unknown) => message is FromWebview;
  /** The messages that bring a (re)loaded webview up to date, sent on each `ready`. */
  readonly replay: () => readonly ToWebview[];
  /** Every accepted message but `ready`, which the host answers itself. */
  readonly receive: (message: Exclude<FromWebview, ReadyLike>) => Promise<void> | void;
  readonly log: vscode.LogOutputChannel;
  /** Names the view in log lines: "Report view". */
  readonly name: string;
}

interface ReadyLike {
  readonly type: 'ready';
}

function isReady(message: { readonly type: string }): message is ReadyLike {
  return message.type === 'ready';
}

export class WebviewHost<ToWebview, FromWebview extends { readonly type: string }> implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly options: WebviewHostOptions<ToWebview, FromWebview>,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(extensionUri) };
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      // A hidden webview is discarded; it says `ready` again when shown.
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
    );
  }

  /** Loads the page with `initialState` in its `data-state`; the webview then says `ready` again. */
  render(initialState: unknown): void {
    this.ready = false;
    const { title, ...page } = this.options.page;
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, this.extensionUri, { ...page, title: title ?? this.panel.title, initialState });
  }

  /** Sends now when the webview listens; otherwise the state it carries is replayed on `ready`. */
  post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private receive(message: unknown): void {
    const { accepts, log, name } = this.options;
    if (!accepts(message)) {
      log.warn(`${name}: ignored an unknown message`);
      return;
    }
    if (isReady(message)) {
      this.ready = true;
      for (const m of this.options.replay()) this.post(m);
      return;
    }
    // Not `ready`, so the rest of FromWebview; TypeScript does not narrow a type parameter itself.
    const rest = message as Exclude<FromWebview, ReadyLike>;
    void Promise.resolve()
      .then(() => this.options.receive(rest))
      .catch((err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        log.error(`${name}: ${message.type} failed: ${text}`);
        void vscode.window.showErrorMessage(`Netdiag: ${text}`);
      });
  }
}
