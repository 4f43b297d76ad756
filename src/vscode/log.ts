// The extension's one log: an output channel with levels, so the user picks how much to see
// (Output ▸ Netdiag, "Set Log Level…"). Targets and reports are already redacted by the engine;
// request headers are never logged.
import * as vscode from 'vscode';

export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Netdiag', { log: true });
}
