// The one module that reads Netdiag's settings. Each use reads an immutable snapshot afresh, and
// maps it onto the engine's setup input (the CLI maps its flags onto the same input).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultHostsPath, type ProxyConfig } from '../engine/options';
import type { SetupInput } from '../engine/setup';
import { SETTING_DEFAULTS as D } from './settingDefaults';

export interface NetdiagConfig {
  /** Wire-level resolvers (`ADDR` or `ADDR:PORT`); empty means the system's resolvers. */
  readonly dnsServers: readonly string[];
  /** Extra resolvers (public ones the user enabled) that Look Up DNS Records compares with. */
  readonly dnsCompareWith: readonly string[];
  /** Absolute paths of extra CA files, `${workspaceFolder}` and `~` expanded. */
  readonly extraCaFiles: readonly string[];
  readonly timeouts: { readonly dnsMs: number; readonly connectMs: number; readonly tlsMs: number; readonly httpMs: number };
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly maxBodyBytes: number;
  readonly recentTargetsMax: number;
  /** Hovers in config files may resolve names (netdiag.bind.hoverDnsLookups); never in untrusted workspaces. */
  readonly bindHoverDnsLookups: boolean;
  /** Client certificate for mutual TLS (netdiag.tls.clientCertificate), paths expanded; null when unset. */
  readonly clientCertificate: ClientCertificateSetting | null;
  /** How to reach vantage points (docs/vantage.md). */
  readonly vantage: {
    /** null: the first of docker and podman whose `info` works. */
    readonly containerEngine: 'docker' | 'podman' | null;
    readonly image: string;
    readonly containerMethod: 'auto' | 'nsenter' | 'helper';
    readonly timeoutMs: number;
  };
  /** Problems met while reading (an unexpandable path); logged and shown once per change. */
  readonly warnings: readonly string[];
}

const SECTION = 'netdiag';

/** The defaults (settingDefaults.ts, package.json's own) apply only when a value has the wrong type. */
export function readConfig(): NetdiagConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const warnings: string[] = [];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? null;
  const extraCaFiles: string[] = [];
  for (const raw of stringArray(c.get('tls.extraCaFiles'))) {
    const expanded = expandPath(raw, folder);
    if (expanded === null) warnings.push(`netdiag.tls.extraCaFiles: "${raw}" is relative to the workspace folder (or uses \${workspaceFolder}) but no folder is open; skipped.`);
    else extraCaFiles.push(expanded);
  }
  const engine = oneOf(c.get('vantage.containerEngine'), ['auto', 'docker', 'podman'] as const, D['vantage.containerEngine']);
  return Object.freeze({
    dnsServers: Object.freeze(stringArray(c.get('dns.servers')).map((s) => s.trim()).filter((s) => s !== '')),
    dnsCompareWith: Object.freeze(stringArray(c.get('dns.compareWith')).map((s) => s.trim()).filter((s) => s !== '')),
    extraCaFiles: Object.freeze(extraCaFiles),
    timeouts: Object.freeze({
      dnsMs: positiveInt(c.get('timeouts.dnsMs'), D['timeouts.dnsMs']),
      connectMs: positiveInt(c.get('timeouts.connectMs'), D['timeouts.connectMs']),
      tlsMs: positiveInt(c.get('timeouts.tlsMs'), D['timeouts.tlsMs']),
      httpMs: positiveInt(c.get('timeouts.httpMs'), D['timeouts.httpMs']),
    }),
    followRedirects: boolean(c.get('http.followRedirects'), D['http.followRedirects']),
    maxRedirects: nonNegativeInt(c.get('http.maxRedirects'), D['http.maxRedirects']),
    maxBodyBytes: nonNegativeInt(c.get('http.maxBodyBytes'), D['http.maxBodyBytes']),
    recentTargetsMax: nonNegativeInt(c.get('recentTargets.max'), D['recentTargets.max']),
    clientCertificate: clientCertificate(c.get('tls.clientCertificate'), folder, warnings),
    bindHoverDnsLookups: boolean(c.get('bind.hoverDnsLookups'), D['bind.hoverDnsLookups']),
    vantage: Object.freeze({
      containerEngine: engine === 'auto' ? null : engine,
      image: nonEmptyString(c.get('vantage.image'), D['vantage.image']),
      containerMethod: oneOf(c.get('vantage.containerMethod'), ['auto', 'nsenter', 'helper'] as const, D['vantage.containerMethod']),
      timeoutMs: positiveInt(c.get('vantage.timeoutMs'), D['vantage.timeoutMs']),
    }),
    warnings: Object.freeze(warnings),
  });
}

/** The engine's setup input for this snapshot. */
export function toSetupInput(config: NetdiagConfig): SetupInput {
  return {
    dnsServers: config.dnsServers.length === 0 ? null : [...config.dnsServers],
    extraCaFiles: [...config.extraCaFiles],
    timeouts: { ...config.timeouts },
    followRedirects: config.followRedirects,
    maxRedirects: config.maxRedirects,
    maxBodyBytes: config.maxBodyBytes,
    // The extension host's environment, as curl and OpenSSL would read it; the engine reads none.
    sslCertFile: process.env.SSL_CERT_FILE,
    hostsFile: defaultHostsPath(process.platform, process.env.SystemRoot),
    systemRoot: process.env.SystemRoot,
  };
}

/** The setting behind each SetupInput field the engine's setup checks (setup.ts, checkRange). */
const SETTING_OF_FIELD: Readonly<Record<string, string>> = {
  'timeouts.dnsMs': 'netdiag.timeouts.dnsMs',
  'timeouts.connectMs': 'netdiag.timeouts.connectMs',
  'timeouts.tlsMs': 'netdiag.timeouts.tlsMs',
  'timeouts.httpMs': 'netdiag.timeouts.httpMs',
  maxRedirects: 'netdiag.http.maxRedirects',
  maxBodyBytes: 'netdiag.http.maxBodyBytes',
};

/**
 * What went wrong, for a notification: an engine setup error about one field names the setting
 * the user can fix (`The setting netdiag.timeouts.httpMs takes a whole number of ms from 1 to
 * 600000; got 2147483648.`); anything else is its message. Checked by code, not class: the engine
 * is a bundle of its own (loadEngine.ts), so its SetupError is not this bundle's class.
 */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const { code, field } = (err ?? {}) as { code?: unknown; field?: unknown };
  const setting = code === 'SETUP_INVALID' && typeof field === 'string' ? SETTING_OF_FIELD[field] : undefined;
  return setting !== undefined && message.startsWith(`${String(field)} `) ? `The setting ${setting}${message.slice(String(field).length)}` : message;
}

/** A PEM pair, or a PKCS#12 file; the password is asked when used, never stored. */
export interface ClientCertificateSetting {
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly pfxFile?: string;
}

function clientCertificate(value: unknown, folder: string | null, warnings: string[]): ClientCertificateSetting | null {
  if (typeof value !== 'object' || value === null) return null;
  const out: { certFile?: string; keyFile?: string; pfxFile?: string } = {};
  for (const key of ['certFile', 'keyFile', 'pfxFile'] as const) {
    const raw = (value as Record<string, unknown>)[key];
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const expanded = expandPath(raw, folder);
    if (expanded === null) warnings.push(`netdiag.tls.clientCertificate.${key}: "${raw}" needs an open workspace folder; skipped.`);
    else out[key] = expanded;
  }
  if (out.pfxFile) return Object.freeze({ pfxFile: out.pfxFile });
  if (out.certFile && out.keyFile) return Object.freeze({ certFile: out.certFile, keyFile: out.keyFile });
  if (out.certFile || out.keyFile) warnings.push('netdiag.tls.clientCertificate: give both certFile and keyFile (or pfxFile); ignored.');
  return null;
}

export interface ConfigSource extends vscode.Disposable {
  /** The settings now: a fresh snapshot on each read. */
  readonly current: NetdiagConfig;
}

/**
 * The settings, read afresh on each access (a few `get`s), and `onChange` after each change.
 * Not cached: VS Code can update the configuration without an event naming `netdiag`, as when
 * restricted settings (package.json capabilities) appear once workspace trust settles; a cached
 * snapshot then kept the settings from before, such as no extra CA files.
 */
export function watchConfig(onChange: (config: NetdiagConfig) => void): ConfigSource {
  const changed = (): void => onChange(readConfig());
  const subscriptions = [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) changed();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(changed),
    vscode.workspace.onDidChangeWorkspaceFolders(changed),
  ];
  return {
    get current() {
      return readConfig();
    },
    dispose() {
      for (const s of subscriptions) s.dispose();
    },
  };
}

/** The `files.exclude` globs switched on for a folder: the bind analysis skips what the Explorer hides. */
export function readFilesExclude(folder: vscode.Uri): string[] {
  const value = vscode.workspace.getConfiguration('files', folder).get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(value)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/**
 * The proxy sources for a diagnosis: VS Code's own `http.proxy`, `http.proxyStrictSSL` and
 * `http.noProxy` (what the editor's requests use), and the extension host's proxy variables.
 * Read at each run, so a changed proxy setting applies to the next diagnosis.
 */
export function proxyConfig(env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  const h = vscode.workspace.getConfiguration('http');
  const url = h.get('proxy');
  const names = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];
  return {
    setting: { url: typeof url === 'string' ? url : '', strictSSL: h.get('proxyStrictSSL') !== false, noProxy: stringArray(h.get('noProxy')) },
    env: Object.fromEntries(names.map((n) => [n, env[n]])),
  };
}

/** `~` and `${workspaceFolder}` expanded, relative paths taken from the folder; null when it needs a folder and none is open. */
function expandPath(raw: string, folder: string | null): string | null {
  let p = raw.trim();
  if (p.includes('${workspaceFolder}')) {
    if (folder === null) return null;
    p = p.split('${workspaceFolder}').join(folder);
  }
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(os.homedir(), p.slice(1));
  if (!path.isAbsolute(p)) {
    if (folder === null) return null;
    p = path.resolve(folder, p);
  }
  return p;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function boolean(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function nonNegativeInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function nonEmptyString(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}
