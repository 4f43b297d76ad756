// Secrets in what Netdiag shows, logs and exports, found by rule rather than by a list: a header,
// cookie or query parameter whose name is made of a credential word (token, key, secret, auth,
// password, session, signature, cookie…), and the userinfo of every URL (`user:***@`, and a
// username alone, `https://TOKEN@host`, as `***@`). Everything that leaves the engine — reports,
// logs, curl, HAR, Markdown, the bind model's client URLs — goes through here unless the user
// asked to reveal secrets (`--show-secrets`, the panel's export items that say so).

export const REDACTED = '<redacted>';
/** What replaces a secret inside a URL: `<` and `>` would be percent-encoded there. */
const MASK = '***';

/**
 * The words a credential's name is made of (`Private-Token`, `X-Goog-Api-Key`, `access_token`,
 * `X-Amz-Signature`, `Set-Cookie`, `sessionid`…); a name is split at every non-alphanumeric.
 * `authenticate` is no such word: WWW-Authenticate names a scheme, not a secret.
 */
const SECRET_WORD = /^(?:auth|authorization|\w*token|\w*key|\w*secret|password|passwd|pwd|passphrase|pass|\w*session|sessionid|sid|signature|sig|cookie2?|credentials?|jwt|csrf|xsrf|sas|otp)$/;

/**
 * Names the rule would catch that carry no secret by design: the WebSocket handshake's nonce and
 * its hash (RFC 6455 §4.2.2, needed to explain WEBSOCKET_BAD_ACCEPT), and OAuth's token type
 * (RFC 6749 §7.1, "Bearer").
 */
const PUBLIC_NAMES: ReadonlySet<string> = new Set(['sec-websocket-key', 'sec-websocket-accept', 'token_type']);

/** True when `name` (a header, cookie or query parameter) names a credential. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return !PUBLIC_NAMES.has(lower) && lower.split(/[^a-z0-9]+/).some((word) => SECRET_WORD.test(word));
}

/** A header whose value is a credential (the same rule as every other name). */
export function isSecretHeader(name: string): boolean {
  return isSecretName(name);
}

/** Lower-cased names; secret values become `<redacted>` unless `reveal`. */
export function redactHeaders(headers: Readonly<Record<string, string>>, reveal = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = !reveal && isSecretHeader(name) ? REDACTED : value;
  return out;
}

/**
 * A URL (absolute, scheme-less like `user:pw@host:22`, or a relative reference such as a
 * Location's `/cb?access_token=…`) with its userinfo masked — `user:***@`, or `***@` for a
 * username alone (often a token) — and the value of every query or fragment parameter with a
 * credential's name replaced by `***`.
 */
export function redactUrl(url: string): string {
  const userinfo = url.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?([^/?#@\s]+)@/i, (whole, start: string | undefined, info: string) =>
    info === MASK || info.endsWith(`:${MASK}`) ? whole : `${start ?? ''}${info.includes(':') ? `${info.slice(0, info.indexOf(':'))}:${MASK}` : MASK}@`,
  );
  return userinfo.replace(/([?#&;])([^=&#;?]+)=([^&#;]*)/g, (whole, sep: string, name: string, value: string) => (value !== '' && value !== MASK && isSecretName(safeDecode(name)) ? `${sep}${name}=${MASK}` : whole));
}

/** Every URL in free text (a message, a log line) through redactUrl. */
export function redactText(text: string): string {
  return text.includes('://') || text.includes('?') ? text.replace(/(?:[a-z][a-z0-9+.-]*:)?\/\/[^\s"'<>`]+|\/[^\s"'<>`?]*\?[^\s"'<>`]+/gi, redactUrl) : text;
}

/** Keys whose string value is a URL or a path with a query (Report, HAR, bind model). */
const URL_KEYS = new Set(['url', 'input', 'path', 'location', 'content-location', 'redirectURL']);
/** Keys whose value is a header map, each value judged by its header's name. */
const HEADER_KEYS = new Set(['headers', 'requestHeaders']);

/**
 * A deep copy of plain JSON (a Report, a HAR log) with every secret replaced: header values by
 * name, URL fields by redactUrl, and URLs inside every other string (findings, hops, layers,
 * errors) by redactText. One pass over the whole document, so a field added later is covered.
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, null) as T;
}

function walk(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') return key !== null && URL_KEYS.has(key) ? redactUrl(value) : redactText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, key));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const headers = key !== null && HEADER_KEYS.has(key);
  for (const [k, v] of Object.entries(value)) {
    if (headers && isSecretHeader(k)) out[k] = Array.isArray(v) ? v.map(() => REDACTED) : REDACTED;
    else if (headers && typeof v !== 'string' && !Array.isArray(v)) out[k] = walk(v, k);
    else out[k] = walk(v, headers ? k.toLowerCase() : k);
  }
  // A HAR header list: [{name, value}] pairs.
  if (typeof out['name'] === 'string' && typeof out['value'] === 'string' && Object.keys(out).length === 2 && isSecretHeader(out['name'])) out['value'] = REDACTED;
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
