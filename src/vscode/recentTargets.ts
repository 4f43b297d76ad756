// Recently diagnosed targets, most recent first, kept in globalState across windows. Stored
// without secrets: the redacted forms (`user:***@`, `***@`, `token=***`) would otherwise be sent.
import type * as vscode from 'vscode';
import type { TargetInfo } from '../engine/model/report';

const KEY = 'netdiag.recentTargets';

export class RecentTargets {
  constructor(private readonly state: vscode.Memento) {}

  list(): string[] {
    const value = this.state.get<unknown>(KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  async add(target: TargetInfo, max: number): Promise<void> {
    const entry = storableInput(target);
    const next = [entry, ...this.list().filter((t) => t !== entry)].slice(0, max);
    await this.state.update(KEY, next);
  }
}

/**
 * What the user typed, with the redacted secrets dropped rather than kept as text: the password
 * (`:***`), a username that was a token (`***@`), and query parameters whose value was masked.
 */
export function storableInput(target: TargetInfo): string {
  return target.input
    .replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#@]*?):\*\*\*@/, '$1@')
    .replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)\*\*\*@/, '$1')
    .replace(/([?&])[^=&#]+=\*\*\*(&|(?=#)|$)/g, (_m, sep: string, next: string) => (next === '&' ? sep : ''));
}
