// Secrets in what Netdiag shows, logs and exports: request headers that carry credentials and
// passwords in URLs. Everything that leaves the engine (reports, logs, curl, HAR, Markdown) goes
// through here unless the user asked to reveal them.

/** Header names whose values are credentials (lower case). */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'set-cookie2', 'x-api-key', 'api-key', 'x-auth-token']);

export const REDACTED = '<redacted>';

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Lower-cased names; secret values become `<redacted>` unless `reveal`. */
export function redactHeaders(headers: Readonly<Record<string, string>>, reveal = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = !reveal && isSecretHeader(name) ? REDACTED : value;
  return out;
}

/** A URL with the password of its userinfo replaced by `***` (RFC 3986 §3.2.1 deprecates it). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*):[^/?#@]*@/i, '$1:***@');
}
