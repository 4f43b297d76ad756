// Serves the built report view the way a VS Code webview loads it: the same CSP (built from
// the same parts as src/vscode/webviewHtml.ts), a fake acquireVsCodeApi that records posted
// messages in window.__posted, theme variables on <html>, and a fixture as the initial state.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ThemeName } from './themes.ts';
import { THEMES, themeStyle } from './themes.ts';

const ROOT = path.resolve(__dirname, '../../..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.json': 'application/json' };

export interface Harness {
  /** The page URL for a fixture (file name under test/fixtures/reports) and theme. */
  url(fixture: string, theme: ThemeName, status?: string): string;
  close(): Promise<void>;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function page(origin: string, fixture: string, theme: ThemeName, status: string): Promise<string> {
  const report: unknown = JSON.parse(await readFile(path.join(ROOT, 'test/fixtures/reports', path.basename(fixture)), 'utf8'));
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin} 'nonce-${nonce}'; font-src ${origin}; img-src ${origin} data:;`;
  const state = escapeAttribute(JSON.stringify({ report, status }));
  return `<!DOCTYPE html>
<html lang="en" style="${escapeAttribute(themeStyle(theme))}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta property="csp-nonce" content="${nonce}">
    <link rel="stylesheet" href="${origin}/dist/webview/codicon.css" nonce="${nonce}">
    <link rel="stylesheet" href="${origin}/media/report.css" nonce="${nonce}">
    <link rel="stylesheet" href="${origin}/media/stack.css" nonce="${nonce}">
    <title>Netdiag report harness</title>
  </head>
  <body class="${THEMES[theme].bodyClass}" data-state="${state}">
    <script nonce="${nonce}">
      window.__posted = [];
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
      let saved;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => saved,
        setState: (s) => { saved = s; },
      });
    </script>
    <script nonce="${nonce}" src="${origin}/dist/webview/report.js"></script>
  </body>
</html>`;
}

export async function startHarness(): Promise<Harness> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      try {
        if (url.pathname === '/') {
          const body = await page(origin, url.searchParams.get('fixture') ?? 'ok.json', (url.searchParams.get('theme') ?? 'dark') as ThemeName, url.searchParams.get('status') ?? 'done');
          res.writeHead(200, { 'content-type': 'text/html' }).end(body);
          return;
        }
        const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
        if (!rel.startsWith('dist/webview/') && !rel.startsWith('media/')) throw new Error('outside the webview roots');
        const data = await readFile(path.join(ROOT, rel));
        res.writeHead(200, { 'content-type': TYPES[path.extname(rel)] ?? 'application/octet-stream' }).end(data);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (fixture, theme, status = 'done') => `${origin}/?fixture=${encodeURIComponent(fixture)}&theme=${theme}&status=${status}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
