// The request each target is diagnosed with (method, headers, body), remembered per target in the
// workspace's state. Secret header values (Authorization, Cookie…) go to SecretStorage instead, so
// they never sit in plain workspace state.
import type * as vscode from 'vscode';
import type { RequestSpec } from '../engine/options';
import { isSecretHeader } from '../engine/redact';
import { headerProblem } from '../engine/requestCheck';

const STATE_KEY = 'netdiag.requests';

interface StoredRequest {
  method: string;
  /** Non-secret headers. */
  headers: Record<string, string>;
  /** Names of the headers whose values are in SecretStorage. */
  secretHeaders: string[];
  body?: string;
}

export class RequestStore {
  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  async get(target: string): Promise<RequestSpec | undefined> {
    const stored = this.all()[target];
    if (!stored) return undefined;
    const headers: Record<string, string> = { ...stored.headers };
    for (const name of stored.secretHeaders) {
      const value = await this.secrets.get(secretKey(target, name));
      if (value !== undefined) headers[name] = value;
    }
    return { method: stored.method, headers, ...(stored.body !== undefined ? { body: stored.body } : {}) };
  }

  /** Remembers `spec` for `target`; undefined (or a plain GET) forgets it. */
  async set(target: string, spec: RequestSpec | undefined): Promise<void> {
    const all = this.all();
    const previous = all[target];
    for (const name of previous?.secretHeaders ?? []) await this.secrets.delete(secretKey(target, name));
    if (!spec || (spec.method === 'GET' && Object.keys(spec.headers).length === 0 && spec.body === undefined)) {
      delete all[target];
    } else {
      const headers: Record<string, string> = {};
      const secretHeaders: string[] = [];
      for (const [name, value] of Object.entries(spec.headers)) {
        if (isSecretHeader(name)) {
          secretHeaders.push(name);
          await this.secrets.store(secretKey(target, name), value);
        } else headers[name] = value;
      }
      all[target] = { method: spec.method, headers, secretHeaders, ...(spec.body !== undefined ? { body: spec.body } : {}) };
    }
    await this.state.update(STATE_KEY, all);
  }

  private all(): Record<string, StoredRequest> {
    const value = this.state.get<unknown>(STATE_KEY);
    return typeof value === 'object' && value !== null ? { ...(value as Record<string, StoredRequest>) } : {};
  }
}

function secretKey(target: string, header: string): string {
  return `netdiag.request:${target}:${header.toLowerCase()}`;
}

/**
 * `Name: value; Other: value` → headers, or what is wrong with them (engine/requestCheck.ts, as
 * the CLI checks -H). A `;` splits only before another `Name:`, so cookies keep theirs.
 */
export function parseHeaderLine(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(/;\s*(?=[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*:)/)) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    const name = part.slice(0, colon).trim();
    if (colon <= 0) return `"${part.trim()}" is not NAME: VALUE`;
    const value = part.slice(colon + 1).trim();
    const problem = headerProblem(name, value);
    if (problem !== null) return problem;
    out[name] = value;
  }
  return out;
}

export function formatHeaderLine(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers).map(([n, v]) => `${n}: ${v}`).join('; ');
}
