// How bind and client values are written across formats: addresses, host:port, URLs, port
// mappings, environment keys and server command lines. Pure text logic shared by the extractors.
import { isIP } from 'node:net';
import { classifyAddress, unbracket } from '../address';
import type { BindAddressKind } from './model';

/** What a bind address means (see BindAddressKind). */
export function bindKind(address: string | null): BindAddressKind {
  if (address === null || address === '') return 'default';
  const a = unbracket(address.trim()).toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(a)) return 'url';
  if (a === '0.0.0.0') return 'all-ipv4';
  // Kestrel's `+` and `*`, nginx's `*`, and `::` mean every interface (`::` is dual-stack unless
  // net.ipv6.bindv6only=1 or the server sets IPV6_V6ONLY, RFC 3493 §5.3).
  if (a === '::' || a === '*' || a === '+' || a === '[::]') return 'all';
  if (a === 'localhost' || a === 'ip6-localhost' || a === 'localhost.localdomain') return 'loopback';
  const bare = a.replace(/%.*$/, '');
  if (isIP(bare) !== 0) {
    const cls = classifyAddress(bare).class;
    if (cls === 'loopback') return 'loopback';
    if (cls === 'unspecified') return 'all-ipv4';
    return 'specific';
  }
  return 'name';
}

export function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return validPort(n) ? n : null;
}

export interface HostPort {
  host: string | null;
  port: number | null;
  /** Offset of `host` inside the parsed text (0 when there is no host). */
  hostOffset: number;
}

/** `[::1]:80`, `10.0.0.1:80`, `db:5432`, `:80`, `*:80`, `80`, `::1`, `0.0.0.0`, `localhost`. */
export function parseHostPort(raw: string): HostPort | null {
  const text = raw.trim();
  const lead = raw.indexOf(text);
  if (text === '') return null;
  const bracket = /^\[([0-9a-fA-F:.]+(?:%[\w.-]+)?)\](?::(\d{1,5}))?$/.exec(text);
  if (bracket) return { host: bracket[1]!, port: port(bracket[2]), hostOffset: lead + 1 };
  if (/^\d{1,5}$/.test(text)) return { host: null, port: port(text), hostOffset: 0 };
  if (isIP(text.replace(/%.*$/, '')) === 6) return { host: text, port: null, hostOffset: lead };
  const m = /^([\w.*+-]*):(\d{1,5})$/.exec(text);
  if (m) return { host: m[1] === '' ? null : m[1]!, port: port(m[2]), hostOffset: lead };
  if (/^[\w*+][\w.-]*$/.test(text)) return { host: text, port: null, hostOffset: lead };
  return null;
}

const DEFAULT_PORTS: Record<string, number> = {
  http: 80, https: 443, ws: 80, wss: 443, ftp: 21, postgres: 5432, postgresql: 5432, mysql: 3306, mariadb: 3306,
  redis: 6379, rediss: 6380, mongodb: 27017, amqp: 5672, amqps: 5671, nats: 4222, mqtt: 1883, smtp: 25, ldap: 389,
  ldaps: 636, grpc: 443, 'sqlserver': 1433, 'jdbc:postgresql': 5432, 'jdbc:mysql': 3306,
};

export interface UrlParts {
  scheme: string;
  host: string;
  port: number | null;
  /** Offset of the host inside the URL text. */
  hostOffset: number;
}

/** The authority of a URL (`postgres://u:p@db:5432/x`, `jdbc:postgresql://db/x`), or null. */
export function parseUrl(text: string): UrlParts | null {
  const m = /^((?:jdbc:)?[a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:[^@/?#\s]*@)?(\[[0-9a-fA-F:.]+(?:%[\w.-]+)?\]|[^:/?#\s,]*)(?::(\d{1,5}))?(?=[/?#,]|$)/.exec(text);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  const rawHost = m[2]!;
  const hostStart = m[0].length - (m[3] !== undefined ? m[3].length + 1 : 0) - rawHost.length;
  const bracketed = rawHost.startsWith('[');
  const host = bracketed ? rawHost.slice(1, -1) : rawHost;
  const explicit = port(m[3]);
  return { scheme, host, port: explicit ?? DEFAULT_PORTS[scheme.replace(/\+.*$/, '')] ?? null, hostOffset: hostStart + (bracketed ? 1 : 0) };
}

export interface PortMapping {
  hostIp: string | null;
  hostPort: number | null;
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** Offset of the host IP inside the text, when there is one. */
  hostIpOffset: number;
}

/**
 * A compose short-syntax port: `80`, `8080:80`, `127.0.0.1:8080:80`, `[::1]:8080:80`,
 * `8000-8001:80-81` (the first of a range), with `/udp` (compose spec, "ports" short syntax).
 */
export function parsePortMapping(raw: string): PortMapping | null {
  const text = raw.trim();
  const proto = /\/(tcp|udp|sctp)$/i.exec(text);
  const body = proto ? text.slice(0, proto.index) : text;
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[\d.]+|[\w.-]*):)?(?:(\d{1,5})?(?:-\d{1,5})?:)?(\d{1,5})(?:-\d{1,5})?$/.exec(body);
  if (!m) return null;
  const containerPort = port(m[3]);
  if (containerPort === null) return null;
  let hostIp = m[1] ?? null;
  let hostPort = port(m[2]);
  // `8080:80` matches with the host port in the IP group; a number alone is a port, not an IP.
  if (hostIp !== null && m[2] === undefined && /^\d{1,5}$/.test(hostIp)) {
    hostPort = port(hostIp);
    hostIp = null;
  }
  if (hostIp === '') hostIp = null;
  const hostIpOffset = hostIp === null ? 0 : raw.indexOf(hostIp);
  if (hostIp?.startsWith('[')) hostIp = hostIp.slice(1, -1);
  return { hostIp, hostPort, containerPort, protocol: proto?.[1]?.toLowerCase() === 'udp' ? 'udp' : 'tcp', hostIpOffset: hostIp !== null && raw[hostIpOffset] === '[' ? hostIpOffset + 1 : hostIpOffset };
}

export type EnvRole = 'bind-address' | 'bind-port' | 'bind-urls' | 'bind' | 'client' | 'client-host' | 'client-port' | null;

const BIND_ADDRESS_KEYS = new Set(['HOST', 'BIND', 'BIND_HOST', 'BIND_ADDR', 'BIND_ADDRESS', 'SERVER_HOST', 'SERVER_ADDRESS', 'APP_HOST', 'FLASK_RUN_HOST', 'UVICORN_HOST', 'MANAGEMENT_SERVER_ADDRESS', 'NITRO_HOST', 'WEB_HOST']);
const BIND_PORT_KEYS = new Set(['PORT', 'SERVER_PORT', 'APP_PORT', 'HTTP_PORT', 'FLASK_RUN_PORT', 'UVICORN_PORT', 'MANAGEMENT_SERVER_PORT', 'NITRO_PORT', 'WEB_PORT', 'ASPNETCORE_HTTP_PORTS', 'ASPNETCORE_HTTPS_PORTS']);

/** What an environment variable (dotenv, compose `environment`, Kubernetes `env`) configures. */
export function envRole(key: string): EnvRole {
  const k = key.toUpperCase();
  if (k === 'ASPNETCORE_URLS' || k === 'URLS' || k === 'DOTNET_URLS') return 'bind-urls';
  if (BIND_ADDRESS_KEYS.has(k)) return 'bind-address';
  if (BIND_PORT_KEYS.has(k)) return 'bind-port';
  if (k.startsWith('LISTEN')) return /PORT$/.test(k) ? 'bind-port' : 'bind';
  if (k === 'HOSTNAME' || k === 'VIRTUAL_HOST') return null;
  if (/(_URL|_URI|_DSN|_ENDPOINT|_ADDR|_ADDRESS)$/.test(k) || k === 'DATABASE_URL' || k === 'REDIS_URL') return 'client';
  if (/_HOST$/.test(k)) return 'client-host';
  if (/_PORT$/.test(k)) return 'client-port';
  return null;
}

export interface CommandBind {
  address: string | null;
  port: number | null;
  origin: string;
  /** Offsets inside the command text. */
  start: number;
  end: number;
  addressStart: number | null;
}

interface Token {
  text: string;
  start: number;
}

function tokens(command: string): Token[] {
  const out: Token[] = [];
  // Commas and brackets separate the items of an exec-form JSON array (CMD ["a", "b"]).
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|([^\s"',[\]]+)/g)) {
    const inner = m[1] ?? m[2];
    out.push({ text: inner ?? m[3]!, start: m.index + (inner !== undefined ? 1 : 0) });
  }
  return out;
}

const SERVER_WORDS = /\b(gunicorn|uvicorn|hypercorn|daphne|flask|runserver|vite|next|nuxt|webpack(?:-dev-server)?|ng|serve|http-server|http\.server|rails|puma|astro|remix|react-scripts|vue-cli-service|streamlit|jupyter|node|deno|bun|php|dotnet|mkdocs|hugo|jekyll|sveltekit|svelte-kit|gatsby)\b/;

/**
 * Bind flags in a server command line (CMD, ENTRYPOINT, Procfile, package.json scripts, compose
 * `command`): `--host`/`-H`/`--hostname`, `--port`/`-p`, gunicorn `-b`/`--bind`, `--listen`,
 * Django `runserver ADDR:PORT`, `python -m http.server PORT --bind ADDR`, rails `-b`.
 */
export function commandBinds(command: string): CommandBind[] {
  if (!SERVER_WORDS.test(command)) return [];
  const toks = tokens(command);
  let host: { text: string; start: number; flag: string } | null = null;
  let portTok: { n: number | null; start: number; end: number; flag: string } | null = null;
  const explicit: CommandBind[] = [];
  const isHttpServer = /http\.server/.test(command);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const eq = /^(--?[\w-]+)=(.*)$/.exec(t.text);
    const flag = eq ? eq[1]! : t.text;
    const valueTok: Token | undefined = eq ? { text: eq[2]!, start: t.start + eq[1]!.length + 1 } : toks[i + 1];
    const take = (): Token | undefined => {
      if (!eq) i++;
      return valueTok;
    };
    if (flag === '-b' || flag === '--bind' || flag === '--listen' || flag === '--address' || flag === '--addr') {
      const v = take();
      if (!v) continue;
      // rails -b and http.server --bind take an address; gunicorn takes HOST:PORT or unix:PATH.
      if (v.text.startsWith('unix:') || v.text.startsWith('fd://')) continue;
      // `0.0.0.0:$PORT`: the address is known, the port comes from the environment at run time.
      const variable = /^(.*):\$\{?\w+\}?$/.exec(v.text);
      if (variable) {
        host = { text: variable[1]!, start: v.start, flag };
        continue;
      }
      const hp = parseHostPort(v.text);
      if (hp && hp.host !== null && hp.port !== null) explicit.push({ address: hp.host, port: hp.port, origin: flag, start: v.start, end: v.start + v.text.length, addressStart: v.start + hp.hostOffset });
      else if (hp && hp.host !== null) host = { text: hp.host, start: v.start + hp.hostOffset, flag };
      else if (hp && hp.port !== null) portTok = { n: hp.port, start: v.start, end: v.start + v.text.length, flag };
      else host = { text: v.text, start: v.start, flag };
    } else if (flag === '--host' || flag === '-H' || flag === '--hostname' || flag === '--ip' || flag === '--server.address' || flag === '--bind-address') {
      const v = take();
      if (v) host = { text: v.text, start: v.start, flag };
    } else if (flag === '--port' || flag === '-p' || flag === '--server.port' || flag === '-P') {
      const v = take();
      if (v && /^\d{1,5}$/.test(v.text)) portTok = { n: Number(v.text), start: v.start, end: v.start + v.text.length, flag };
    } else if (t.text === 'runserver') {
      const v = toks[i + 1];
      if (v && !v.text.startsWith('-')) {
        const hp = parseHostPort(v.text);
        if (hp) explicit.push({ address: hp.host, port: hp.port, origin: 'runserver', start: v.start, end: v.start + v.text.length, addressStart: hp.host === null ? null : v.start + hp.hostOffset });
        i++;
      }
    } else if (isHttpServer && /^\d{1,5}$/.test(t.text) && portTok === null) {
      portTok = { n: Number(t.text), start: t.start, end: t.start + t.text.length, flag: 'http.server' };
    }
  }
  if (host !== null || portTok !== null) {
    const start = Math.min(host?.start ?? Infinity, portTok?.start ?? Infinity);
    const end = Math.max(host ? host.start + host.text.length : -1, portTok?.end ?? -1);
    explicit.push({
      address: host?.text ?? null,
      port: portTok?.n ?? null,
      origin: host?.flag ?? portTok!.flag,
      start: host?.start ?? start,
      end: host ? host.start + host.text.length : end,
      addressStart: host?.start ?? null,
    });
  }
  return explicit.filter((b) => b.port === null || validPort(b.port));
}

/** URLs and host:port in free text (generic fallback), with their offsets. */
export function findClientValues(text: string): { host: string; port: number | null; url: string | null; start: number; end: number; hostStart: number }[] {
  const out: { host: string; port: number | null; url: string | null; start: number; end: number; hostStart: number }[] = [];
  for (const m of text.matchAll(/(?:jdbc:)?[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>`,;)]+/g)) {
    const u = parseUrl(m[0]);
    if (u && u.host !== '') out.push({ host: u.host, port: u.port, url: m[0], start: m.index, end: m.index + m[0].length, hostStart: m.index + u.hostOffset });
  }
  return out;
}
