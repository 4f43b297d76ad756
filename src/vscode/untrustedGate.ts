// The one question Netdiag asks before it sends anything from an untrusted workspace: a command
// link in an untrusted README or a task must not make this machine resolve or connect silently.
// One gate for the window: Diagnose Endpoint, Look Up DNS Records, Trace Route and the certificate
// actions each say what they will send, and the first "yes" stands for the rest of the window
// (as trusting the workspace would, without the workspace's settings).
import * as vscode from 'vscode';

export interface NetworkAction {
  /** The question: `Diagnose https://example.com/?`. */
  question: string;
  /** What Netdiag will send from this machine, in a sentence. */
  detail: string;
  /** The button that agrees: `Diagnose`, `Look Up`, `Trace`, `Connect`. */
  confirm: string;
}

export class UntrustedGate {
  private confirmed = false;

  /** True in a trusted workspace or once the user agreed in this window; otherwise asks. */
  async allow(action: NetworkAction): Promise<boolean> {
    if (vscode.workspace.isTrusted || this.confirmed) return true;
    const answer = await vscode.window.showWarningMessage(action.question, { modal: true, detail: `This workspace is not trusted. ${action.detail}` }, action.confirm);
    this.confirmed = answer === action.confirm;
    return this.confirmed;
  }
}
