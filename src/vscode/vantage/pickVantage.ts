// "From where?": a quick pick of this machine, the running Compose services and containers the
// container engine lists, the ssh hosts of ~/.ssh/config, or a vantage typed as `--from` takes
// it (netns:NAME, pod:NS/POD…). Returns the `--from` value, or undefined when dismissed.
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseVantage, VantageSpecError } from '../../engine/vantage/spec';
import type { NetdiagConfig } from '../config';
import { loadEngine } from '../loadEngine';

interface VantageItem extends vscode.QuickPickItem {
  readonly from: string | undefined;
}

export async function pickVantage(config: NetdiagConfig, title: string): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<VantageItem>();
  pick.title = title;
  pick.placeholder = 'This machine, a Compose service, a container, an ssh host — or type netns:NAME, pod:NS/POD, ssh:USER@HOST';
  pick.matchOnDescription = true;
  pick.ignoreFocusOut = true;
  pick.busy = true;
  const fixed: VantageItem[] = [{ label: 'This machine', description: 'local', from: 'local', iconPath: new vscode.ThemeIcon('vm') }];
  let found: VantageItem[] = [];
  const refresh = (): void => {
    const typed = pick.value.trim();
    const items: VantageItem[] = [];
    if (typed !== '' && typed.includes(':')) {
      try {
        const spec = parseVantage(typed);
        items.push({ label: typed, detail: `Diagnose from ${spec.name}`, from: spec.name, alwaysShow: true, iconPath: new vscode.ThemeIcon('debug-start') });
      } catch (err) {
        if (!(err instanceof VantageSpecError)) throw err;
        items.push({ label: typed, detail: `$(error) ${err.message}`, from: undefined, alwaysShow: true });
      }
    }
    pick.items = [...items, ...fixed, ...found];
  };
  void discover(config).then((items) => {
    found = items;
    pick.busy = false;
    refresh();
  });
  return new Promise((resolve) => {
    const subs = [
      pick.onDidChangeValue(refresh),
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (!item || item.from === undefined) return;
        resolve(item.from);
        pick.hide();
      }),
      pick.onDidHide(() => {
        resolve(undefined);
        for (const s of subs) s.dispose();
        pick.dispose();
      }),
    ];
    refresh();
    pick.show();
  });
}

/** The running containers (Compose services first) and the ssh hosts; nothing when none answers. */
async function discover(config: NetdiagConfig): Promise<VantageItem[]> {
  const engine = loadEngine();
  const [containers, sshText] = await Promise.all([engine.listContainers(config.vantage.containerEngine, process.env).catch(() => []), readFile(path.join(os.homedir(), '.ssh', 'config'), 'utf8').catch(() => '')]);
  const items: VantageItem[] = [];
  const services = containers.filter((c) => c.service !== null);
  if (services.length > 0) items.push({ label: 'Compose services', kind: vscode.QuickPickItemKind.Separator, from: undefined });
  for (const c of services) items.push({ label: c.service!, description: `compose:${c.service!}`, detail: `${c.engine} · project ${c.project ?? '?'} · ${c.name}`, from: `compose:${c.service!}`, iconPath: new vscode.ThemeIcon('layers') });
  if (containers.length > 0) items.push({ label: 'Containers', kind: vscode.QuickPickItemKind.Separator, from: undefined });
  for (const c of containers) items.push({ label: c.name, description: `container:${c.name}`, detail: `${c.engine} · ${c.image}`, from: `container:${c.name}`, iconPath: new vscode.ThemeIcon('package') });
  const hosts = engine.sshConfigHosts(sshText);
  if (hosts.length > 0) items.push({ label: 'ssh hosts', kind: vscode.QuickPickItemKind.Separator, from: undefined });
  for (const host of hosts) items.push({ label: host, description: `ssh:${host}`, from: `ssh:${host}`, iconPath: new vscode.ThemeIcon('remote') });
  return items;
}
