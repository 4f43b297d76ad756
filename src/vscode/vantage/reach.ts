// The settings and the extension's own files as the engine's vantage options: the one-file CLI
// the runner ships (dist/vantage.js of this extension), this extension host's Node (Electron's, which
// runs as plain Node with ELECTRON_RUN_AS_NODE), the Compose project of the workspace folder.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { RunAtOptions } from '../../engine/vantage/runner';
import type { NetdiagConfig } from '../config';

export function vantageReach(config: NetdiagConfig, extensionUri: vscode.Uri, folder: vscode.WorkspaceFolder | undefined, log: vscode.LogOutputChannel): Omit<RunAtOptions, 'signal'> {
  const v = config.vantage;
  return {
    timeoutMs: v.timeoutMs,
    bundlePath: path.join(extensionUri.fsPath, 'dist', 'vantage.js'),
    setup: {
      containerEngine: v.containerEngine,
      image: v.image,
      containerMethod: v.containerMethod,
      composeDir: folder?.uri.scheme === 'file' ? folder.uri.fsPath : null,
      composeProject: null,
      sshOptions: [],
      kubeContext: null,
      nodePath: process.execPath,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      canEnterNamespaces: process.platform === 'linux' && process.getuid?.() === 0,
    },
    log: (m) => log.debug(m),
  };
}
