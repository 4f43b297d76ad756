// "Netdiag: Look Up DNS Records" (netdiag.lookUpDns): asks for a name (or an IP for PTR), the
// record types and the servers, runs the engine's lookupDns under a cancellable progress
// notification, and shows the result (a DnsLookupResult) in a panel of the report webview. The
// panel reruns the same lookup; it copies the JSON or the equivalent dig command. An argument
// ({ name, types?, servers?, trace? } or a name) skips the prompts (command links, tests).
import * as vscode from 'vscode';
import { RECORD_TYPES } from '../engine/model/dns';
import type { DnsLookupResult } from '../engine/model/dns';
import { isLookupMessage } from '../protocol/reportView';
import type { LookupToHost, RunStatus } from '../protocol/reportView';
import { errorMessage, type ConfigSource } from './config';
import { loadEngine, preloadEngine, saveEngineCodeCache } from './loadEngine';
import { ReportWebview } from './reportWebview';
import type { UntrustedGate } from './untrustedGate';
import { copyToClipboard, createPanel } from './webviewHtml';

export const LOOK_UP_DNS_COMMAND = 'netdiag.lookUpDns';
const VIEW_TYPE = 'netdiag.dnsLookup';

export interface DnsRequest {
  name: string;
  types: string[];
  /** `ADDR[:PORT]`; empty: the configured (or system) resolvers. */
  servers: string[];
  trace: boolean;
}

/** A command argument as a request, or null when it is not one. */
export function requestOf(arg: unknown): DnsRequest | null {
  if (typeof arg === 'string' && arg.trim() !== '') return { name: arg.trim(), types: [], servers: [], trace: false };
  if (typeof arg !== 'object' || arg === null) return null;
  const a = arg as Record<string, unknown>;
  if (typeof a['name'] !== 'string' || a['name'].trim() === '') return null;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return { name: a['name'].trim(), types: strings(a['types']), servers: strings(a['servers']), trace: a['trace'] === true };
}

/** The dig command that asks what this lookup asked (for "Copy"). */
export function digCommand(r: DnsLookupResult, request: DnsRequest): string {
  const server = r.servers[0];
  const at = server === undefined ? '' : ` @${server.replace(/^\[?([^\]]*?)\]?:(\d+)$/, '$1 -p $2')}`;
  return `dig${at} ${r.name} ${r.types.join(' ')}${request.trace ? ' +trace' : ''}`;
}

/** One panel per name and types: the report webview showing the lookup (lookups rerun as lookups). */
class DnsPanel implements vscode.Disposable {
  private run: AbortController | undefined;
  private readonly view: ReportWebview<DnsLookupResult, LookupToHost>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private request: DnsRequest,
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    private readonly rerun: (request: DnsRequest) => void,
  ) {
    this.view = new ReportWebview<DnsLookupResult, LookupToHost>(panel, extensionUri, { document: null, status: 'running' }, { accepts: isLookupMessage, receive: (m) => this.handle(m), log, name: 'DNS view' });
    panel.onDidDispose(() => this.dispose());
  }

  begin(request: DnsRequest, run: AbortController): void {
    this.run?.abort();
    this.run = run;
    this.request = request;
    this.view.setStatus('running');
  }

  finish(run: AbortController, lookup: DnsLookupResult | null, status: Exclude<RunStatus, 'running'>, error?: string): void {
    if (this.run !== run) return;
    this.run = undefined;
    if (lookup) this.view.show(lookup);
    this.view.setStatus(status, error);
  }

  dispose(): void {
    this.run?.abort();
    this.view.dispose();
  }

  private async handle(message: Exclude<LookupToHost, { type: 'ready' }>): Promise<void> {
    const lookup = this.view.document;
    switch (message.type) {
      case 'rerun':
        this.rerun(this.request);
        return;
      case 'cancel':
        this.run?.abort();
        return;
      case 'copyJson':
        if (!lookup) return;
        await copyToClipboard(JSON.stringify(lookup, null, 2), 'lookup copied as JSON');
        return;
      case 'copyDig':
        if (!lookup) return;
        await copyToClipboard(digCommand(lookup, this.request), 'dig command copied');
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`Unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

export function registerDnsCommand(context: vscode.ExtensionContext, config: ConfigSource, log: vscode.LogOutputChannel, gate: UntrustedGate): vscode.Disposable {
  const panels = new Map<string, DnsPanel>();

  async function run(request: DnsRequest): Promise<DnsLookupResult | undefined> {
    const allowed = await gate.allow({
      question: `Look up ${request.name} in DNS?`,
      detail: 'Netdiag will send DNS queries for this name from this machine. Workspace settings for DNS servers are ignored until you trust the workspace.',
      confirm: 'Look Up',
    });
    if (!allowed) return undefined;
    const settings = config.current;
    const engine = loadEngine();
    let servers;
    try {
      const specs = request.servers.length > 0 ? request.servers : settings.dnsServers;
      servers = specs.map((s) => engine.parseDnsServer(s));
    } catch (err) {
      void vscode.window.showErrorMessage(`Netdiag: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const key = `${request.name}\n${request.types.join(',')}`;
    let panel = panels.get(key);
    if (panel) panel.panel.reveal(undefined, false);
    else {
      const webviewPanel = createPanel(VIEW_TYPE, `DNS: ${request.name}`, context.extensionUri);
      panel = new DnsPanel(webviewPanel, request, context.extensionUri, log, (r) => void run(r));
      panels.set(key, panel);
      webviewPanel.onDidDispose(() => panels.delete(key));
    }
    const controller = new AbortController();
    panel.begin(request, controller);
    log.info(`Look up ${request.name} ${request.types.join(' ')}${request.trace ? ' +trace' : ''}`);
    const target = panel;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Netdiag: looking up ${request.name}`, cancellable: true }, async (_progress, token) => {
      const onCancel = token.onCancellationRequested(() => controller.abort());
      try {
        const compareWith = settings.dnsCompareWith.flatMap((s) => {
          try {
            return [engine.parseDnsServer(s)];
          } catch {
            log.warn(`netdiag.dns.compareWith: "${s}" is not ADDR[:PORT]; skipped.`);
            return [];
          }
        });
        const options = engine.dnsLookupOptions({ types: request.types, servers, timeoutMs: settings.timeouts.dnsMs, trace: request.trace && { roots: [] }, explainSystem: true, compareWith }, controller.signal);
        const result = await engine.lookupDns(request.name, options);
        target.finish(controller, result, result.cancelled ? 'cancelled' : 'done');
        saveEngineCodeCache();
        log.info(`${request.name}: ${result.findings.length} finding(s) in ${Math.round(result.durationMs)} ms`);
        return result;
      } catch (err) {
        const message = errorMessage(err);
        log.error(`Look up ${request.name} failed: ${message}`);
        target.finish(controller, null, 'failed', message);
        void vscode.window.showErrorMessage(`Netdiag: ${message}`);
        return undefined;
      } finally {
        onCancel.dispose();
      }
    });
  }

  async function ask(): Promise<DnsRequest | undefined> {
    const name = await vscode.window.showInputBox({ title: 'Netdiag: Look Up DNS Records (1/3)', prompt: 'A DNS name, or an IP address for its PTR record', placeHolder: 'example.com', ignoreFocusOut: true, validateInput: (v) => (v.trim() === '' ? 'Enter a name or an IP address.' : undefined) });
    if (name === undefined) return undefined;
    const items: (vscode.QuickPickItem & { type?: string })[] = [
      ...RECORD_TYPES.map((t) => ({ label: t, type: t, picked: t === 'A' || t === 'AAAA' })),
      { label: 'Trace from the root servers', description: 'like dig +trace', picked: false },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Netdiag: Look Up DNS Records (2/3)', placeHolder: 'Record types to ask (and whether to trace)', canPickMany: true, ignoreFocusOut: true });
    if (picked === undefined) return undefined;
    const configured = config.current.dnsServers.join(', ');
    const servers = await vscode.window.showInputBox({ title: 'Netdiag: Look Up DNS Records (3/3)', prompt: 'DNS servers to ask, comma-separated ADDR[:PORT]; empty for the configured or system resolvers', value: configured, ignoreFocusOut: true });
    if (servers === undefined) return undefined;
    return {
      name: name.trim(),
      types: picked.flatMap((p) => (p.type ? [p.type] : [])),
      servers: servers.split(',').map((s) => s.trim()).filter((s) => s !== ''),
      trace: picked.some((p) => p.type === undefined),
    };
  }

  const command = vscode.commands.registerCommand(LOOK_UP_DNS_COMMAND, async (arg?: unknown) => {
    if (arg === undefined) preloadEngine();
    const request = requestOf(arg) ?? (arg === undefined ? await ask() : null);
    return request ? run(request) : undefined;
  });
  return vscode.Disposable.from(command, { dispose: () => [...panels.values()].forEach((p) => p.panel.dispose()) });
}
