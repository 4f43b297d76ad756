// parseTarget: what the user typed (URL, host:port, bare host, IP literal with zone id,
// international name) → a normalised Target. Pure; throws TargetError with a stable code.
//
// WHATWG URL is not used for the authority: it rejects IPv6 zone ids (RFC 6874) and leaves hosts
// of non-special schemes (postgres://, redis://…) opaque and percent-encoded, so the authority is
// split here and only the host name goes through domainToASCII (UTS #46).
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { dnsNameProblem, MAX_LABEL_OCTETS, MAX_NAME_OCTETS } from './dns/names';
import type { Family } from './model/common';
import type { TargetInfo } from './model/report';
import { redactUrl } from './redact';

export type TargetErrorCode =
  | 'TARGET_EMPTY'
  | 'TARGET_SCHEME_UNSUPPORTED'
  | 'TARGET_PORT_INVALID'
  | 'TARGET_HOST_INVALID'
  | 'TARGET_NAME_TOO_LONG';

export class TargetError extends Error {
  constructor(
    readonly code: TargetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

interface SchemeSpec {
  port: number | null;
  tls: boolean;
  http: boolean;
}

/** Schemes we understand, their default ports (IANA), TLS from the first byte, and HTTP. */
export const SCHEMES: Readonly<Record<string, SchemeSpec>> = {
  http: { port: 80, tls: false, http: true },
  https: { port: 443, tls: true, http: true },
  ws: { port: 80, tls: false, http: true },
  wss: { port: 443, tls: true, http: true },
  tcp: { port: null, tls: false, http: false },
  tls: { port: null, tls: true, http: false },
  ftp: { port: 21, tls: false, http: false },
  ftps: { port: 990, tls: true, http: false },
  ssh: { port: 22, tls: false, http: false },
  sftp: { port: 22, tls: false, http: false },
  telnet: { port: 23, tls: false, http: false },
  smtp: { port: 25, tls: false, http: false },
  smtps: { port: 465, tls: true, http: false },
  submission: { port: 587, tls: false, http: false },
  dns: { port: 53, tls: false, http: false },
  pop3: { port: 110, tls: false, http: false },
  pop3s: { port: 995, tls: true, http: false },
  imap: { port: 143, tls: false, http: false },
  imaps: { port: 993, tls: true, http: false },
  ldap: { port: 389, tls: false, http: false },
  ldaps: { port: 636, tls: true, http: false },
  rtsp: { port: 554, tls: false, http: false },
  mssql: { port: 1433, tls: false, http: false },
  sqlserver: { port: 1433, tls: false, http: false },
  oracle: { port: 1521, tls: false, http: false },
  mqtt: { port: 1883, tls: false, http: false },
  mqtts: { port: 8883, tls: true, http: false },
  mysql: { port: 3306, tls: false, http: false },
  mariadb: { port: 3306, tls: false, http: false },
  nats: { port: 4222, tls: false, http: false },
  postgres: { port: 5432, tls: false, http: false },
  postgresql: { port: 5432, tls: false, http: false },
  amqp: { port: 5672, tls: false, http: false },
  amqps: { port: 5671, tls: true, http: false },
  xmpp: { port: 5222, tls: false, http: false },
  redis: { port: 6379, tls: false, http: false },
  rediss: { port: 6379, tls: true, http: false },
  cassandra: { port: 9042, tls: false, http: false },
  kafka: { port: 9092, tls: false, http: false },
  git: { port: 9418, tls: false, http: false },
  memcached: { port: 11211, tls: false, http: false },
  mongodb: { port: 27017, tls: false, http: false },
};

/** For `host:port` without a scheme: the scheme a developer most likely means on that port. */
function schemeForPort(port: number): string {
  if (port === 443 || port === 8443 || port === 9443) return 'https';
  for (const [name, spec] of Object.entries(SCHEMES)) {
    if (spec.port === port && !spec.http && name !== 'tcp' && name !== 'tls') return name;
  }
  return 'http';
}


export interface ParsedTarget {
  target: TargetInfo;
  /** Credentials from the URL, kept out of the Report and used only for the request. */
  auth?: { username: string; password: string };
}

export function parseTarget(raw: string): ParsedTarget {
  const input = raw.trim();
  if (input === '') throw new TargetError('TARGET_EMPTY', 'Enter a URL, host:port, host name or IP address.');
  if (/\s/.test(input)) throw new TargetError('TARGET_HOST_INVALID', 'A target cannot contain spaces.');

  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(input);
  let scheme: string | null = null;
  let rest = input;
  if (schemeMatch) {
    scheme = schemeMatch[1]!.toLowerCase();
    rest = input.slice(schemeMatch[0].length);
    if (!(scheme in SCHEMES)) {
      const hint = scheme === 'mongodb+srv' ? ' It names hosts through SRV records: diagnose one of those hosts.' : '';
      throw new TargetError('TARGET_SCHEME_UNSUPPORTED', `Unsupported scheme "${scheme}://".${hint}`);
    }
  } else if (isIP(input) === 6 || isIP(input.split('%')[0] ?? '') === 6) {
    // A bare IPv6 literal: its colons are not a port separator.
    rest = `[${input}]`;
  }

  const pathStart = rest.search(/[/?#]/);
  const authority = pathStart === -1 ? rest : rest.slice(0, pathStart);
  // The fragment stays with the client: it is never part of the request target (RFC 9112 §3.2).
  let path = pathStart === -1 ? '/' : rest.slice(pathStart).replace(/#.*$/s, '');
  if (!path.startsWith('/')) path = `/${path}`;

  const at = authority.lastIndexOf('@');
  let auth: ParsedTarget['auth'];
  let hostPort = authority;
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    auth = {
      username: safeDecode(colon === -1 ? userinfo : userinfo.slice(0, colon)),
      password: colon === -1 ? '' : safeDecode(userinfo.slice(colon + 1)),
    };
  }

  const { host: rawHost, port: rawPort } = splitHostPort(hostPort);
  if (rawHost === '') throw new TargetError('TARGET_HOST_INVALID', `No host in "${redactUrl(input)}".`);

  let port: number | null = null;
  // RFC 3986 §3.2.3: an empty port ("host:") means the scheme's default.
  if (rawPort !== null && rawPort !== '') {
    if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      throw new TargetError('TARGET_PORT_INVALID', `Port "${rawPort}" is not a number from 1 to 65535.`);
    }
    port = Number(rawPort);
  }

  const hostInfo = normaliseHost(rawHost);
  if (scheme === null) scheme = port === null ? 'https' : schemeForPort(port);
  const spec = SCHEMES[scheme]!;
  const defaultPort = port === null;
  if (port === null) {
    if (spec.port === null) throw new TargetError('TARGET_PORT_INVALID', `${scheme}:// has no default port: add one, as in ${scheme}://host:PORT.`);
    port = spec.port;
  }

  const urlHost = hostInfo.family === 6 ? `[${hostInfo.host}${hostInfo.zoneId ? `%25${hostInfo.zoneId}` : ''}]` : hostInfo.host;
  const portPart = port === spec.port ? '' : `:${port}`;
  // A username alone is often a token (`https://TOKEN@host`): masked like a password.
  const userPart = auth && (auth.username !== '' || auth.password !== '') ? (auth.password ? `${encodeURIComponent(auth.username)}:***@` : '***@') : '';
  const target: TargetInfo = {
    input: redactUrl(input),
    url: `${scheme}://${userPart}${urlHost}${portPart}${spec.http ? path : path === '/' ? '' : path}`,
    scheme,
    host: hostInfo.host,
    port,
    defaultPort,
    path: spec.http ? path : '/',
    ipFamily: hostInfo.family,
    tls: spec.tls,
    application: spec.http ? 'http' : 'none',
  };
  if (hostInfo.unicode !== undefined) target.hostUnicode = hostInfo.unicode;
  if (hostInfo.zoneId !== undefined) target.zoneId = hostInfo.zoneId;
  const parsed: ParsedTarget = { target };
  if (auth && (auth.username !== '' || auth.password !== '')) parsed.auth = auth;
  return parsed;
}

function splitHostPort(hostPort: string): { host: string; port: string | null } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw new TargetError('TARGET_HOST_INVALID', `Unclosed "[" in "${hostPort}".`);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new TargetError('TARGET_HOST_INVALID', `Unexpected "${after}" after "]".`);
    return { host: hostPort.slice(0, close + 1), port: after === '' ? null : after.slice(1) };
  }
  const colon = hostPort.lastIndexOf(':');
  if (colon === -1) return { host: hostPort, port: null };
  if (hostPort.indexOf(':') !== colon) {
    throw new TargetError('TARGET_HOST_INVALID', `"${hostPort}" looks like an IPv6 address: write it in brackets, as in [${hostPort}]:443.`);
  }
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

interface HostInfo {
  host: string;
  family: Family | null;
  zoneId?: string;
  unicode?: string;
}

function normaliseHost(rawHost: string): HostInfo {
  if (rawHost.startsWith('[')) {
    const inner = rawHost.slice(1, -1);
    // RFC 6874: the zone id is introduced by "%25" in a URL; accept a bare "%" too.
    const zoneMatch = /^(.*?)%(?:25)?(.+)$/.exec(inner);
    const address = (zoneMatch ? zoneMatch[1]! : inner).toLowerCase();
    if (isIP(address) !== 6) throw new TargetError('TARGET_HOST_INVALID', `"${inner}" is not a valid IPv6 address.`);
    if (zoneMatch && !/^[A-Za-z0-9_.-]{1,64}$/.test(zoneMatch[2]!)) {
      throw new TargetError('TARGET_HOST_INVALID', `"${zoneMatch[2]}" is not a valid IPv6 zone id.`);
    }
    return zoneMatch ? { host: address, family: 6, zoneId: zoneMatch[2]! } : { host: address, family: 6 };
  }
  const decoded = safeDecode(rawHost);
  if (isIP(decoded) === 4) return { host: decoded, family: 4 };
  if (/^[\d.]+$/.test(decoded)) throw new TargetError('TARGET_HOST_INVALID', `"${decoded}" is not a valid IPv4 address.`);
  const withoutDot = decoded.endsWith('.') ? decoded.slice(0, -1) : decoded;
  if (withoutDot.length > MAX_NAME_OCTETS * 4) throw new TargetError('TARGET_NAME_TOO_LONG', `The host name is longer than ${MAX_NAME_OCTETS} characters.`);
  const ascii = domainToASCII(withoutDot);
  if (ascii === '') throw new TargetError('TARGET_HOST_INVALID', `"${decoded}" is not a valid host name.`);
  const problem = dnsNameProblem(ascii);
  if (problem?.kind === 'too-long') throw new TargetError('TARGET_NAME_TOO_LONG', `The host name is ${problem.octets} characters long; DNS allows ${MAX_NAME_OCTETS}.`);
  if (problem?.kind === 'empty-label') throw new TargetError('TARGET_HOST_INVALID', `"${decoded}" has an empty label.`);
  if (problem?.kind === 'label-too-long') throw new TargetError('TARGET_NAME_TOO_LONG', `The label "${problem.label.slice(0, 20)}…" is ${problem.octets} characters long; DNS allows ${MAX_LABEL_OCTETS}.`);
  // Underscores appear in real names (SRV, some internal hosts); anything else is refused.
  if (ascii.split('.').some((label) => !/^[a-z0-9_-]+$/.test(label))) throw new TargetError('TARGET_HOST_INVALID', `"${decoded}" contains characters not allowed in a host name.`);
  const info: HostInfo = { host: ascii, family: null };
  if (ascii !== withoutDot.toLowerCase()) info.unicode = withoutDot;
  return info;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A TLS endpoint whose certificate is checked: `host:port`, a URL, or a bare host (https, port
 * 443). The name to send as SNI and check the certificate against is the host, unless it is an IP.
 */
export function parseTlsEndpoint(input: string): { host: string; port: number; servername: string | null } {
  const { target } = parseTarget(/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || /:\d+$/.test(input) ? input : `https://${input}`);
  return { host: target.host, port: target.port, servername: target.ipFamily === null ? target.host : null };
}

