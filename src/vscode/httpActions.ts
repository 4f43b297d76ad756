// The HTTP actions of the report panel and the Trace Route command: edit the request (method,
// headers, body), trace the route to the server, and export the report (JSON, Markdown, HAR, curl).
import * as vscode from 'vscode';
import type { Report, RouteResult } from '../engine/model/report';
import { DEFAULTS, type RequestSpec } from '../engine/options';
import { markdownCode, markdownText } from '../engine/safeText';
import { parseTarget, TargetError } from '../engine/target';
import { loadEngine } from './loadEngine';
import { formatHeaderLine, parseHeaderLine } from './requestStore';
import type { UntrustedGate } from './untrustedGate';
import { copyToClipboard } from './webviewHtml';

export const TRACE_ROUTE_COMMAND = 'netdiag.traceRoute';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Asks for method, headers and body, starting from `current`; undefined when dismissed. */
export async function askRequest(url: string, current: RequestSpec | undefined): Promise<RequestSpec | undefined> {
  const method = await vscode.window.showQuickPick(
    METHODS.map((m) => ({ label: m, picked: m === (current?.method ?? 'GET'), description: m === (current?.method ?? 'GET') ? 'current' : undefined })),
    { title: `Netdiag: request to ${url} (1/3): method`, placeHolder: 'The HTTP method', ignoreFocusOut: true },
  );
  if (!method) return undefined;
  const headerText = await vscode.window.showInputBox({
    title: `Netdiag: request to ${url} (2/3): headers`,
    prompt: 'Headers as "Name: value; Other: value". Authorization and Cookie values are kept in the secret storage and redacted in reports and exports.',
    value: current ? formatHeaderLine(current.headers) : '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const parsed = parseHeaderLine(v);
      return typeof parsed === 'string' ? parsed : null;
    },
  });
  if (headerText === undefined) return undefined;
  const headers = parseHeaderLine(headerText);
  if (typeof headers === 'string') return undefined;
  let body: string | undefined;
  if (method.label !== 'GET' && method.label !== 'HEAD') {
    body = await vscode.window.showInputBox({ title: `Netdiag: request to ${url} (3/3): body`, prompt: 'The request body (empty for none)', value: current?.body ?? '', ignoreFocusOut: true });
    if (body === undefined) return undefined;
    if (body === '') body = undefined;
  }
  return { method: method.label, headers, ...(body !== undefined ? { body } : {}) };
}

/** Runs the trace under a cancellable progress notification. */
export async function runTrace(host: string, log: vscode.LogOutputChannel): Promise<{ route: RouteResult; findings: Report['findings'] } | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Netdiag: tracing the route to ${host}`, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const result = await loadEngine().traceRoute(host, { signal: controller.signal, timeoutMs: DEFAULTS.traceTimeoutMs, maxHops: DEFAULTS.traceMaxHops, names: true });
      log.info(`Trace to ${host}: ${result.route.command ?? result.route.error?.message ?? ''} → ${result.route.hops.length} hop(s), ${result.route.reached ? 'reached' : 'not reached'}`);
      if (result.route.error?.code === 'ROUTE_TOOL_MISSING') void vscode.window.showWarningMessage(`Netdiag: ${result.route.error.message}`);
      return result;
    } finally {
      sub.dispose();
    }
  });
}

/** `Netdiag: Trace Route`: traces a host and shows the hops in a Markdown document. */
export function registerTraceRouteCommand(log: vscode.LogOutputChannel, gate: UntrustedGate): vscode.Disposable {
  return vscode.commands.registerCommand(TRACE_ROUTE_COMMAND, async (arg?: unknown) => {
    const input =
      typeof arg === 'string'
        ? arg
        : await vscode.window.showInputBox({
            title: 'Netdiag: Trace Route',
            prompt: 'Host name, IP address or URL',
            ignoreFocusOut: true,
            validateInput: (v) => traceInputProblem(v),
          });
    if (input === undefined || input.trim() === '') return undefined;
    const problem = traceInputProblem(input);
    if (problem !== null) {
      void vscode.window.showErrorMessage(`Netdiag: ${problem}`);
      return undefined;
    }
    const host = parseTarget(input.trim()).target.host;
    if (!(await gate.allow({ question: `Trace the route to ${host}?`, detail: 'Netdiag will send probes towards it from this machine.', confirm: 'Trace' }))) return undefined;
    const result = await runTrace(host, log);
    if (!result) return undefined;
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: routeMarkdown(result.route, result.findings) });
    await vscode.window.showTextDocument(doc, { preview: true });
    return result.route;
  });
}

/** Why the Trace Route input cannot be traced (not a target, or a host the tools would take for an option), or null. */
function traceInputProblem(input: string): string | null {
  try {
    return loadEngine().routeHostProblem(parseTarget(input.trim()).target.host);
  } catch (err) {
    if (err instanceof TargetError) return err.message;
    throw err;
  }
}

/** The route as a Markdown document. Router names come from reverse DNS: network text, escaped as text. */
function routeMarkdown(route: RouteResult, findings: Report['findings']): string {
  const lines = [`# Route to ${markdownText(route.host)}`, '', route.command ? `${markdownCode(route.command)} — ${route.reached ? `reached in ${route.hops.length} hop(s)` : 'did not reach the host'}, ${Math.round(route.durationMs)} ms` : markdownText(route.error?.message ?? ''), ''];
  if (route.hops.length > 0) {
    lines.push('| Hop | Router | Round trips | Note |', '| --- | --- | --- | --- |');
    for (const h of route.hops) lines.push(`| ${h.ttl} | ${h.address === null && h.name === null ? '*' : markdownText(h.name && h.address ? `${h.name} (${h.address})` : (h.name ?? h.address ?? ''))} | ${h.rttMs.map((r) => `${r} ms`).join(', ')} | ${markdownText(h.note ?? '')} |`);
  }
  for (const f of findings) lines.push('', `**${f.code}**: ${markdownText(f.message)}`, '', `_${markdownText(f.hint)}_`);
  return `${lines.join('\n')}\n`;
}

interface ExportItem extends vscode.QuickPickItem {
  readonly action: 'json' | 'markdown' | 'har' | 'copy-markdown' | 'copy-curl-secrets';
}

/** The panel's Export action: a file (JSON, Markdown, HAR) or the clipboard. */
export async function exportFromPanel(report: Report, request: RequestSpec | undefined, url: string): Promise<void> {
  const items: ExportItem[] = [
    { label: '$(json) Save the report as JSON…', action: 'json' },
    { label: '$(markdown) Save the report as Markdown…', description: 'for a ticket', action: 'markdown' },
    { label: '$(globe) Save the HTTP requests as HAR…', description: 'opens in browser devtools', action: 'har' },
    { label: '$(copy) Copy the report as Markdown', action: 'copy-markdown' },
    { label: '$(key) Copy the curl command with secrets', description: 'includes credential headers and query parameters', action: 'copy-curl-secrets' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Netdiag: export', placeHolder: 'Secrets (credential headers and query parameters, URL userinfo) are redacted unless an item says otherwise' });
  if (!pick) return;
  const engine = loadEngine();
  switch (pick.action) {
    case 'copy-markdown':
      await copyToClipboard(engine.exportReport(report, 'markdown'), 'report copied as Markdown');
      return;
    case 'copy-curl-secrets':
      await copyToClipboard(engine.toCurl(report, { ...(request ? { request } : {}), url, revealSecrets: true }), 'curl command copied (with secrets)');
      return;
    default: {
      const ext = pick.action === 'markdown' ? 'md' : pick.action;
      const name = `netdiag-${report.target.host.replace(/[^a-z0-9.-]/gi, '_')}.${pick.action === 'har' ? 'har' : ext}`;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { [pick.action.toUpperCase()]: [pick.action === 'har' ? 'har' : ext] }, title: 'Netdiag: export' });
      if (!uri) return;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(engine.exportReport(report, pick.action), 'utf8'));
      vscode.window.setStatusBarMessage(`$(check) Netdiag: saved ${vscode.workspace.asRelativePath(uri)}`, 3000);
    }
  }
}
