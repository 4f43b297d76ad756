// The "Bind Map" view: each service with what it binds to, the names it answers as, how it is
// published and who reaches it, every line linked to its source; plus what listens on this machine
// right now, refreshed while the view is visible.
import * as vscode from 'vscode';
import type { BindModel, ClientRef, LiveListener, Service, SourceRange } from '../../engine/model/bind';
import type { EndpointCheck } from '../../engine/model/endpointCheck';
import { toRange } from './diagnostics';
import { loadBind } from './loadBind';
import type { FolderModel, WorkspaceBindAnalysis } from './workspaceAnalysis';

export const BIND_MAP_VIEW = 'netdiag.bindMap';
const LIVE_REFRESH_MS = 5000;

type Node =
  | { kind: 'service'; id: string; folder: vscode.WorkspaceFolder; service: Service; model: BindModel }
  | { kind: 'group'; id: string; parent: Node; label: string; children: Node[] }
  | { kind: 'item'; id: string; parent: Node; label: string; description: string; icon: string; at: { folder: vscode.WorkspaceFolder; range: SourceRange } | null; tooltip: string }
  | { kind: 'live'; id: string; listeners: LiveListener[] }
  | { kind: 'empty'; id: string };

/** A service the Bind Map can diagnose from: a Compose service in a container of its own network. */
export const SERVICE_CONTEXT = { container: 'service.container', other: 'service' } as const;

/** The Bind Map's node of a service, as menu commands receive it. */
export interface ServiceNode {
  kind: 'service';
  folder: vscode.WorkspaceFolder;
  service: Service;
  model: BindModel;
}

export class BindMapProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Node[] = [];
  live: LiveListener[] | null = null;
  /** The last live check of each reference, by `folder#file:offset`. */
  private checks = new Map<string, EndpointCheck[]>();

  /** Shows each reference's live status (Check Workspace Endpoints) on its "connects to" line. */
  setChecks(checks: readonly { folder: vscode.WorkspaceFolder; check: EndpointCheck }[]): void {
    this.checks = new Map();
    for (const { folder, check } of checks) {
      const key = refKey(folder, check.source);
      this.checks.set(key, [...(this.checks.get(key) ?? []), check]);
    }
    this.changed.fire(undefined);
  }

  private checkText(folder: vscode.WorkspaceFolder, c: ClientRef): { text: string; icon: string | null } {
    const rows = (this.checks.get(refKey(folder, c.source)) ?? []).filter((r) => r.status !== 'skipped');
    if (rows.length === 0) return { text: '', icon: null };
    const text = rows.map((r) => `${r.status === 'ok' ? '✓' : r.status === 'warn' ? '▲' : '✗'} ${r.from === 'local' ? 'here' : r.from.slice(r.from.indexOf(':') + 1)}`).join(' ');
    const worst = rows.some((r) => r.status === 'fail') ? 'error' : rows.some((r) => r.status === 'warn') ? 'warning' : 'pass';
    return { text: ` · ${text}`, icon: worst };
  }

  refresh(models: FolderModel[]): void {
    const roots: Node[] = [];
    if (this.live !== null) roots.push({ kind: 'live', id: 'live', listeners: this.live });
    for (const { folder, model } of models) {
      for (const service of model.services) roots.push({ kind: 'service', id: `${folder.uri.toString()}#${service.id}`, folder, service, model });
    }
    if (roots.filter((r) => r.kind === 'service').length === 0) roots.push({ kind: 'empty', id: 'empty' });
    this.roots = roots;
    this.changed.fire(undefined);
  }

  serviceNode(id: string): Node | undefined {
    return this.roots.find((r) => r.kind === 'service' && (r.service.id === id || r.service.name === id));
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.roots;
    if (node.kind === 'group') return node.children;
    if (node.kind === 'live') {
      return [...node.listeners]
        .sort((a, b) => a.port - b.port)
        .map((l) => ({ kind: 'item', id: `live:${l.protocol}:${l.address}:${l.port}`, parent: node, label: `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}/${l.protocol}`, description: l.pid !== null ? `pid ${l.pid}${l.process ? ` (${l.process})` : ''}` : '', icon: 'plug', at: null, tooltip: 'Listening now on this machine' }));
    }
    if (node.kind !== 'service') return [];
    const { service: s, model, folder } = node;
    const item = (id: string, parent: Node, label: string, description: string, icon: string, range: SourceRange | null, tooltip: string): Node => ({ kind: 'item', id: `${node.id}/${id}`, parent, label, description, icon, at: range ? { folder, range } : null, tooltip });
    const groups: Node[] = [];
    const group = (label: string, build: (g: Node) => Node[]): void => {
      const g: Node = { kind: 'group', id: `${node.id}/${label}`, parent: node, label, children: [] };
      g.children = build(g);
      if (g.children.length > 0) groups.push(g);
    };
    group('binds to', (g) => model.binds.filter((b) => b.service === s.id).map((b, i) => item(`b${i}`, g, `${b.address ?? '(default)'}${b.port !== null ? `:${b.port}` : ''}`, `${b.kind}${b.hostName !== undefined ? ` (Kestrel, for the name ${b.hostName})` : ''} · ${b.origin} · ${b.source.file}:${b.source.line + 1}`, 'server', b.source, `Bind (${b.origin}) in ${b.source.file}`)));
    group('answers as', (g) => (model.vhosts ?? []).filter((v) => v.service === s.id).map((v, i) => item(`v${i}`, g, v.name, `server_name · ${v.source.file}:${v.source.line + 1}`, 'globe', v.source, 'Virtual-host name (Host header / TLS SNI), not a bind address')));
    group('published as', (g) => model.published.filter((p) => p.service === s.id).map((p, i) => item(`p${i}`, g, p.hostPort !== null ? `${p.hostIp ?? '*'}:${p.hostPort} → ${p.containerPort}/${p.protocol}` : `${p.containerPort}/${p.protocol}`, `${p.origin} · ${p.source.file}:${p.source.line + 1}`, 'arrow-right', p.source, `${p.origin} in ${p.source.file}`)));
    group('reached by', (g) =>
      model.clients.filter((c) => c.service !== s.id && c.host === s.name).map((c, i) => item(`c${i}`, g, `${model.services.find((x) => x.id === c.service)?.name ?? c.service}`, `${c.host}${c.port !== null ? `:${c.port}` : ''} · ${c.origin} · ${c.source.file}:${c.source.line + 1}`, 'arrow-left', c.source, `Client (${c.origin}) in ${c.source.file}`)),
    );
    group('connects to', (g) =>
      model.clients
        .filter((c) => c.service === s.id)
        .map((c, i) => {
          const live = this.checkText(folder, c);
          return item(`o${i}`, g, `${c.host}${c.port !== null ? `:${c.port}` : ''}`, `${c.origin} · ${c.source.file}:${c.source.line + 1}${live.text}`, live.icon ?? 'link-external', c.source, c.url ?? '');
        }),
    );
    const files = new Set([...model.binds, ...model.published, ...model.clients].filter((x) => x.service === s.id).map((x) => x.source.file));
    group('findings', (g) => model.findings.filter((f) => files.has(f.range.file) && belongs(f.range, s, model)).map((f, i) => item(`f${i}`, g, f.code, f.message, f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info', f.range, f.message)));
    return groups;
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'group' || node.kind === 'item' ? node.parent : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'service': {
        const t = new vscode.TreeItem(node.service.name, vscode.TreeItemCollapsibleState.Expanded);
        const profiles = node.service.profiles ? `, profile${node.service.profiles.length > 1 ? 's' : ''} ${node.service.profiles.join(', ')}` : '';
        t.description = `${node.service.runtime}${node.service.hostNetwork ? ', host network' : ''}${profiles}`;
        t.iconPath = new vscode.ThemeIcon(node.service.runtime === 'host' ? 'vm' : node.service.runtime === 'kubernetes' ? 'cloud' : 'package');
        t.id = node.id;
        if (node.service.source) t.command = openCommand(node.folder, node.service.source);
        t.contextValue = node.service.runtime === 'container' && !node.service.hostNetwork ? SERVICE_CONTEXT.container : SERVICE_CONTEXT.other;
        return t;
      }
      case 'group': {
        const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        t.id = node.id;
        return t;
      }
      case 'item': {
        const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        t.description = node.description;
        t.tooltip = node.tooltip;
        t.iconPath = new vscode.ThemeIcon(node.icon);
        t.id = node.id;
        if (node.at) t.command = openCommand(node.at.folder, node.at.range);
        return t;
      }
      case 'live': {
        const t = new vscode.TreeItem(`Listening now (${node.listeners.length})`, vscode.TreeItemCollapsibleState.Collapsed);
        t.iconPath = new vscode.ThemeIcon('radio-tower');
        t.id = node.id;
        return t;
      }
      case 'empty': {
        const t = new vscode.TreeItem('No bind settings found in the config files of this workspace');
        t.id = node.id;
        return t;
      }
    }
  }
}

/** Whether a finding's place is one of the service's settings. */
function belongs(r: SourceRange, s: Service, model: BindModel): boolean {
  const overlaps = (x: SourceRange): boolean => x.file === r.file && x.start <= r.end && x.end >= r.start;
  return [...model.binds, ...model.published, ...model.clients].some((x) => x.service === s.id && (overlaps(x.source) || ('hostRange' in x && overlaps(x.hostRange))));
}

function refKey(folder: vscode.WorkspaceFolder, r: SourceRange): string {
  return `${folder.uri.toString()}#${r.file}:${r.start}`;
}

function openCommand(folder: vscode.WorkspaceFolder, range: SourceRange): vscode.Command {
  return { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.joinPath(folder.uri, range.file), { selection: toRange(range) } satisfies vscode.TextDocumentShowOptions] };
}

export function registerBindMap(analysis: WorkspaceBindAnalysis, log: vscode.LogOutputChannel): { disposable: vscode.Disposable; reveal: (serviceId: string | undefined) => Promise<void>; provider: BindMapProvider } {
  const provider = new BindMapProvider();
  const view = vscode.window.createTreeView(BIND_MAP_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  let timer: ReturnType<typeof setInterval> | undefined;
  const controller = new AbortController();

  const refreshLive = async (): Promise<void> => {
    try {
      analysis.setLive(await loadBind().listListeners({ signal: controller.signal, timeoutMs: 3000 }));
    } catch (err) {
      log.warn(`Live listeners: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const visibility = (visible: boolean): void => {
    clearInterval(timer);
    timer = undefined;
    if (visible) {
      void analysis.models().then((m) => provider.refresh(m));
      void refreshLive();
      timer = setInterval(() => void refreshLive(), LIVE_REFRESH_MS);
    } else analysis.setLive(null);
  };
  const subs = [
    view,
    view.onDidChangeVisibility((e) => visibility(e.visible)),
    analysis.onDidChange(() => {
      provider.live = analysis.liveListeners;
      provider.refresh(analysis.current());
    }),
    { dispose: () => { clearInterval(timer); controller.abort(); } },
  ];
  if (view.visible) visibility(true);

  const reveal = async (serviceId: string | undefined): Promise<void> => {
    await vscode.commands.executeCommand(`${BIND_MAP_VIEW}.focus`);
    provider.refresh(await analysis.models());
    const node = serviceId === undefined ? undefined : provider.serviceNode(serviceId);
    if (node) await view.reveal(node, { select: true, focus: true, expand: true });
  };
  return { disposable: vscode.Disposable.from(...subs), reveal, provider };
}
