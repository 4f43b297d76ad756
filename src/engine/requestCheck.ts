// What a request the user shaped (CLI -X/-H, the panel's Edit request…) may hold, checked before
// anything is sent: Node refuses an invalid method or header only when the request is written,
// which used to look like the server's fault ("No HTTP response… Invalid character in header
// content") although nothing left this machine. Pure; the front ends call it and say what is
// wrong as a usage error (CLI, exit 2) or an input validation message (VS Code).
import type { RequestSpec } from './options';

/** RFC 9110 §5.6.2: a method or a field name is a token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Why `method` cannot be sent, or null. CONNECT is refused: it asks a proxy for a tunnel to
 * `host:port` (RFC 9110 §9.3.6), takes no URL and gets no ordinary answer; Netdiag sends CONNECT
 * itself when a proxy is in the way (--proxy, http.proxy, HTTPS_PROXY), as curl does with -p.
 */
export function methodProblem(method: string): string | null {
  if (!TOKEN.test(method)) return `"${method}" is not an HTTP method (a token: letters, digits and !#$%&'*+.^_\`|~-)`;
  if (method.toUpperCase() === 'CONNECT') return 'CONNECT opens a tunnel through a proxy to host:port and takes no URL; to test a proxy, give it with --proxy (or http.proxy, HTTPS_PROXY): Netdiag sends CONNECT to it for https:// targets itself';
  return null;
}

/**
 * Why a header cannot be sent, or null. A name is a token (RFC 9110 §5.1); a value is visible
 * Latin-1 text, spaces and tabs (RFC 9110 §5.5): no line break (it would end the header and start
 * another: header injection), no other control character, nothing beyond U+00FF (a header value
 * is bytes: encode such text first, e.g. percent-encoding or RFC 8187's UTF-8'' form).
 */
export function headerProblem(name: string, value: string): string | null {
  if (name === '') return 'the header has no name';
  if (!TOKEN.test(name)) {
    const bad = [...name].find((c) => !TOKEN.test(c)) ?? '';
    return `the header name "${name}" has ${describeChar(bad)}, which a header name cannot hold (a token: letters, digits and !#$%&'*+.^_\`|~-)`;
  }
  const at = [...value].findIndex((c) => !isFieldChar(c));
  if (at === -1) return null;
  const c = [...value][at]!;
  const code = c.codePointAt(0) ?? 0;
  const why = code === 0x0d || code === 0x0a ? ' (a line break would end the header and start another)' : code > 0xff ? ' (a header value is Latin-1 bytes: encode the text first)' : '';
  return `the value of ${name} has ${describeChar(c)} at position ${at + 1}${why}`;
}

/** Every problem of a request, the first one found: its method, then each header. */
export function requestProblem(spec: Pick<RequestSpec, 'method' | 'headers'>): string | null {
  const method = methodProblem(spec.method);
  if (method !== null) return method;
  for (const [name, value] of Object.entries(spec.headers)) {
    const header = headerProblem(name, value);
    if (header !== null) return header;
  }
  return null;
}

function isFieldChar(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

const CHAR_NAMES: Readonly<Record<number, string>> = { 0x09: 'a tab', 0x0a: 'a line feed', 0x0d: 'a carriage return', 0x20: 'a space', 0x7f: 'a delete character' };

/** `a carriage return (U+000D)`, `a control character (U+001B)`, `"€" (U+20AC)`. */
function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CHAR_NAMES[code] ?? (code < 0x20 || (code >= 0x80 && code <= 0x9f) ? 'a control character' : `"${c}"`);
  return `${name} (${hex})`;
}
