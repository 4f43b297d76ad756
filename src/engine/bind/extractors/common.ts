// What every extractor shares: a FileFacts under construction, environment-variable and command
// line interpretation, and small helpers over the YAML (eemeli/yaml) and JSONC (jsonc-parser) trees.
import { isMap, isScalar, isSeq, type Node as YamlNode, type Scalar, type YAMLMap } from 'yaml';
import type { Node as JsonNode } from 'jsonc-parser';
import type { Protocol, Service } from '../../model/bind';
import type { FileFacts } from '../facts';
import { redactUrl } from '../../redact';
import { SourceText } from '../sourceText';
import { bindKind, commandBinds, envRole, parseHostPort, parseUrl, validPort } from '../values';

/** The service a file configures when it names none; analyze.ts links it to a real one. */
export const FILE_SERVICE = '';

export class FactsBuilder {
  readonly facts: FileFacts;
  readonly src: SourceText;

  constructor(file: string, text: string, format: string) {
    this.src = new SourceText(file, text);
    this.facts = { file, format, services: [], binds: [], published: [], clients: [], attachments: [], parseErrors: [] };
  }

  service(s: Omit<Service, 'dirs'> & { dirs?: string[] }): void {
    this.facts.services.push({ ...s, dirs: s.dirs ?? [] });
  }

  bind(o: { service: string; address: string | null; port: number | null; origin: string; start: number; end: number; addressStart?: number | null; system?: boolean; protocol?: Protocol; hostName?: string }): void {
    if (o.port !== null && !validPort(o.port)) return;
    const written = o.hostName ?? o.address;
    const addressStart = o.addressStart ?? (written === null ? null : o.start + Math.max(0, this.src.text.slice(o.start, o.end).indexOf(written)));
    this.facts.binds.push({
      service: o.service,
      // A URL where an address belongs may carry credentials: they never reach the model.
      address: o.address !== null && bindKind(o.address) === 'url' ? redactUrl(o.address) : o.address,
      kind: bindKind(o.address),
      port: o.port,
      protocol: o.protocol ?? 'tcp',
      origin: o.origin,
      source: this.src.range(o.start, o.end),
      addressRange: written === null || addressStart === null ? null : this.src.range(addressStart, addressStart + written.length),
      system: o.system ?? false,
      ...(o.hostName !== undefined ? { hostName: o.hostName } : {}),
    });
  }

  /**
   * A Kestrel URL list (`Urls`, `Kestrel:Endpoints:*:Url`, `applicationUrl`, ASPNETCORE_URLS)
   * starting at `start`. Kestrel binds every interface for a host that is neither an IP address
   * nor `localhost` ("Configure endpoints for the ASP.NET Core Kestrel web server": any other name
   * is treated as `*`), so such a bind is `*` with the name kept as `hostName`.
   */
  kestrelUrls(service: string, origin: string, value: string, start: number): void {
    for (const part of splitList(value)) {
      const u = parseUrl(part.text);
      const at = start + part.offset;
      if (!u) continue;
      const named = bindKind(u.host) === 'name';
      this.bind({ service, address: named ? '*' : u.host, port: u.port, origin, start: at, end: at + part.text.length, addressStart: at + u.hostOffset, ...(named ? { hostName: u.host } : {}) });
    }
  }

  client(o: { service: string; host: string; port: number | null; url: string | null; origin: string; start: number; end: number; hostStart: number }): void {
    if (o.host === '' || /[${}]/.test(o.host)) return;
    this.facts.clients.push({
      service: o.service,
      host: o.host,
      port: o.port,
      // Credentials in a client URL (DATABASE_URL's password, a token) never reach the model.
      url: o.url === null ? null : redactUrl(o.url),
      origin: o.origin,
      source: this.src.range(o.start, o.end),
      hostRange: this.src.range(o.hostStart, o.hostStart + o.host.length),
    });
  }

  parseError(message: string, start: number, end: number): void {
    this.facts.parseErrors.push({ message, range: this.src.range(start, Math.max(start, end)) });
  }

  /** A value that must be read as a URL or host:port a client connects to. */
  clientValue(service: string, origin: string, value: string, start: number): void {
    if (value.includes('${') || value.includes('$(')) return;
    for (const part of splitList(value)) {
      const at = start + part.offset;
      const u = parseUrl(part.text);
      if (u) {
        this.client({ service, host: u.host, port: u.port, url: part.text, origin, start: at, end: at + part.text.length, hostStart: at + u.hostOffset });
        continue;
      }
      const hp = parseHostPort(part.text);
      if (hp?.host && hp.port !== null) this.client({ service, host: hp.host, port: hp.port, url: null, origin, start: at, end: at + part.text.length, hostStart: at + hp.hostOffset });
    }
  }

  /** Environment variables of one service (dotenv, compose `environment`, Kubernetes `env`). */
  env(service: string, entries: readonly EnvEntry[]): void {
    let address: EnvEntry | null = null;
    let portEntry: EnvEntry | null = null;
    const hosts = new Map<string, EnvEntry>();
    const ports = new Map<string, EnvEntry>();
    for (const e of entries) {
      const value = e.value.trim();
      if (value === '' || value.includes('${')) continue;
      const role = envRole(e.key);
      if (role === 'bind-address') address = e;
      else if (role === 'bind-port') {
        if (/^\d{1,5}$/.test(value)) portEntry = e;
      } else if (role === 'bind-urls') this.kestrelUrls(service, e.key, e.value, e.start);
      else if (role === 'bind') {
        const hp = parseHostPort(value);
        const u = parseUrl(value);
        if (u) this.bind({ service, address: value, port: u.port, origin: e.key, start: e.start, end: e.end });
        else if (hp) this.bind({ service, address: hp.host, port: hp.port, origin: e.key, start: e.start, end: e.end, addressStart: hp.host === null ? null : e.start + e.value.indexOf(value) + hp.hostOffset });
      } else if (role === 'client' || (role === null && parseUrl(value) !== null)) this.clientValue(service, e.key, e.value, e.start);
      else if (role === 'client-host') hosts.set(e.key.slice(0, -'_HOST'.length).toUpperCase(), e);
      else if (role === 'client-port') ports.set(e.key.slice(0, -'_PORT'.length).toUpperCase(), e);
    }
    if (address !== null || portEntry !== null) {
      const anchor = address ?? portEntry!;
      const value = address?.value.trim() ?? null;
      this.bind({
        service,
        address: value,
        port: portEntry ? Number(portEntry.value.trim()) : null,
        origin: address ? address.key : portEntry!.key,
        start: anchor.start,
        end: anchor.end,
        addressStart: address ? address.start + address.value.indexOf(value!) : null,
      });
    }
    for (const [prefix, h] of hosts) {
      const host = h.value.trim();
      if (host === '' || host.includes('${')) continue;
      const p = ports.get(prefix);
      const n = p && /^\d{1,5}$/.test(p.value.trim()) ? Number(p.value.trim()) : null;
      const hostStart = h.start + h.value.indexOf(host);
      if (parseUrl(host)) this.clientValue(service, h.key, h.value, h.start);
      else this.client({ service, host, port: n, url: null, origin: h.key, start: h.start, end: h.end, hostStart });
    }
  }

  /** A server command line (CMD, Procfile, scripts, compose `command`) starting at `start`. */
  command(service: string, text: string, start: number): void {
    for (const b of commandBinds(text)) {
      this.bind({ service, address: b.address, port: b.port, origin: b.origin, start: start + b.start, end: start + b.end, addressStart: b.addressStart === null ? null : start + b.addressStart });
    }
  }
}

export interface EnvEntry {
  key: string;
  value: string;
  /** Offsets of the value in the file. */
  start: number;
  end: number;
}

/** `a;b`, `a,b`, `a b`: the parts of a list value with their offsets. */
export function splitList(value: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  for (const m of value.matchAll(/[^;,\s]+/g)) out.push({ text: m[0], offset: m.index });
  return out;
}

/** The text range of a YAML scalar's value, without its quotes. */
export function yamlValueRange(node: YamlNode): { start: number; end: number } | null {
  if (!node.range) return null;
  const [start, end] = node.range;
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
  return quoted ? { start: start + 1, end: end - 1 } : { start, end };
}

/** A YAML scalar as text, or null for maps, sequences and null values. */
export function yamlText(node: unknown): string | null {
  if (!isScalar(node)) return null;
  const v = (node as Scalar).value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
}

export function yamlGet(map: unknown, key: string): YamlNode | null {
  if (!isMap(map)) return null;
  const v = (map as YAMLMap).get(key, true);
  return (v ?? null) as YamlNode | null;
}

export function yamlPath(root: unknown, path: readonly string[]): YamlNode | null {
  let node: unknown = root;
  for (const key of path) {
    node = yamlGet(node, key);
    if (node === null) return null;
  }
  return node as YamlNode;
}

/** The items of a YAML sequence (or []). */
export function yamlItems(node: unknown): YamlNode[] {
  return isSeq(node) ? (node.items as YamlNode[]) : [];
}

/** The pairs of a YAML map as [key text, value node, key node]. */
export function yamlPairs(node: unknown): [string, YamlNode | null, YamlNode | null][] {
  if (!isMap(node)) return [];
  const out: [string, YamlNode | null, YamlNode | null][] = [];
  for (const pair of (node as YAMLMap).items) {
    const key = yamlText(pair.key);
    if (key !== null) out.push([key, (pair.value ?? null) as YamlNode | null, (pair.key ?? null) as YamlNode | null]);
  }
  return out;
}

/** Environment entries from a YAML map (`KEY: value`) or list (`- KEY=value`). */
export function yamlEnv(node: unknown, text: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const [key, value] of yamlPairs(node)) {
    const v = value ? yamlText(value) : null;
    const r = value ? yamlValueRange(value) : null;
    if (v !== null && r) out.push({ key, value: v, start: r.start, end: r.end });
  }
  for (const item of yamlItems(node)) {
    // Kubernetes: `- name: KEY` + `value: …`.
    const k8sName = yamlText(yamlGet(item, 'name'));
    const k8sValue = yamlGet(item, 'value');
    const k8sText = yamlText(k8sValue);
    const k8sRange = k8sValue ? yamlValueRange(k8sValue) : null;
    if (k8sName !== null && k8sText !== null && k8sRange) {
      out.push({ key: k8sName, value: k8sText, start: k8sRange.start, end: k8sRange.end });
      continue;
    }
    const v = yamlText(item);
    const r = yamlValueRange(item);
    if (v === null || !r) continue;
    const eq = v.indexOf('=');
    if (eq <= 0) continue;
    const valueStart = r.start + text.slice(r.start, r.end).indexOf('=') + 1;
    out.push({ key: v.slice(0, eq), value: v.slice(eq + 1), start: valueStart, end: r.end });
  }
  return out;
}

/** A JSON node's string or number value with its range (without quotes). */
export function jsonValue(node: JsonNode | undefined): { text: string; start: number; end: number } | null {
  if (!node) return null;
  if (node.type === 'string') return { text: String(node.value), start: node.offset + 1, end: node.offset + node.length - 1 };
  if (node.type === 'number') return { text: String(node.value), start: node.offset, end: node.offset + node.length };
  return null;
}

/** The [key, value] children of a JSON object node. */
export function jsonProps(node: JsonNode | undefined): [string, JsonNode][] {
  if (!node || node.type !== 'object') return [];
  const out: [string, JsonNode][] = [];
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k && v && typeof k.value === 'string') out.push([k.value, v]);
  }
  return out;
}

/** Case-insensitive property lookup (.NET configuration keys are case-insensitive). */
export function jsonGet(node: JsonNode | undefined, key: string): JsonNode | undefined {
  const lower = key.toLowerCase();
  return jsonProps(node).find(([k]) => k.toLowerCase() === lower)?.[1];
}

/** `key=value` / `key: value` / `key value` lines (dotenv, properties, INI, redis.conf…), comments skipped. */
export function keyValueLines(text: string, separator: RegExp): { key: string; value: string; start: number; end: number; keyStart: number }[] {
  const out: { key: string; value: string; start: number; end: number; keyStart: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const trimmed = line.replace(/\r$/, '');
    if (/^\s*([#;!]|\/\/|$)/.test(trimmed)) continue;
    const m = separator.exec(trimmed);
    if (!m) continue;
    const key = m[1]!;
    let value = m[2] ?? '';
    let valueStart = lineStart + m.index + m[0].length - value.length;
    // A quoted value ends at its closing quote; otherwise a ` #` or ` ;` starts a comment.
    const q = /^(["'])(.*?)\1/.exec(value);
    if (q) {
      value = q[2]!;
      valueStart += 1;
    } else {
      const hash = /\s+[#;].*$/.exec(value);
      if (hash) value = value.slice(0, hash.index);
    }
    value = value.replace(/\s+$/, '');
    out.push({ key, value, start: valueStart, end: valueStart + value.length, keyStart: lineStart + trimmed.indexOf(key) });
  }
  return out;
}
