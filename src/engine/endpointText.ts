// Finds the endpoint-looking text under a cursor (a URL, host:port, [v6]:port or an IP literal)
// so that "Diagnose Endpoint" can pre-fill its input. Pure text logic; the result is only a
// suggestion, validated afterwards by parseTarget.
import { isIP } from 'node:net';

interface Candidate {
  start: number;
  text: string;
}

// Characters that end a URL in running text or code: whitespace, quotes, angle brackets,
// backticks and the delimiters that usually enclose a URL (RFC 3986 Appendix C).
const URL_RE = /[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:\[[0-9a-fA-F:.]+(?:%(?:25)?[\w.-]+)?\]|[^\s/?#"'<>`()[\]{}]+)[^\s"'<>`()[\]{}]*/g;
const BRACKETED_V6_RE = /\[[0-9a-fA-F:.]+(?:%(?:25)?[\w.-]+)?\](?::\d{1,5})?/g;
const HOST_PORT_RE = /(?<![\w.:/@-])(?:[a-zA-Z0-9_-]+\.)*[a-zA-Z0-9_-]+:\d{1,5}(?![\w:])/g;
const IPV4_RE = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]*\w)/g;
const BARE_V6_RE = /(?<![\w:[])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:%[\w.-]+)?(?![\w\]])/g;

// Punctuation that ends a sentence or closes a construct around a URL, not part of it.
const TRAILING_PUNCTUATION = /[.,;:!?'"]+$/;

/**
 * The endpoint at `column` (0-based, the cursor may sit just after the last character) in
 * `line`, or null. When several candidates overlap the cursor, the longest wins, so a URL
 * beats the host:port inside it.
 */
export function findEndpointAt(line: string, column: number): string | null {
  let best: Candidate | null = null;
  for (const candidate of candidates(line)) {
    const end = candidate.start + candidate.text.length;
    if (column < candidate.start || column > end) continue;
    if (best === null || candidate.text.length > best.text.length) best = candidate;
  }
  return best?.text ?? null;
}

function* candidates(line: string): Generator<Candidate> {
  for (const m of line.matchAll(URL_RE)) {
    const text = m[0].replace(TRAILING_PUNCTUATION, '');
    yield { start: m.index, text };
  }
  for (const m of line.matchAll(BRACKETED_V6_RE)) {
    const inner = m[0].slice(1, m[0].indexOf(']')).replace(/%.*$/, '');
    if (isIP(inner) === 6 && validPortSuffix(m[0])) yield { start: m.index, text: m[0] };
  }
  for (const m of line.matchAll(HOST_PORT_RE)) {
    const host = m[0].slice(0, m[0].lastIndexOf(':'));
    // A bare number before the colon is a time (12:30) or a ratio, not a host.
    if (/^\d+$/.test(host)) continue;
    if (/^[\d.]+$/.test(host) && isIP(host) !== 4) continue;
    if (validPortSuffix(m[0])) yield { start: m.index, text: m[0] };
  }
  for (const m of line.matchAll(IPV4_RE)) {
    if (isIP(m[0]) === 4) yield { start: m.index, text: m[0] };
  }
  for (const m of line.matchAll(BARE_V6_RE)) {
    const address = m[0].replace(/%.*$/, '');
    // "::" alone and short colon runs (C++ scopes, YAML keys) are not worth suggesting.
    if (address.length > 2 && isIP(address) === 6) yield { start: m.index, text: m[0] };
  }
}

function validPortSuffix(text: string): boolean {
  const m = /\]?:(\d{1,5})$/.exec(text);
  if (!m) return true;
  const port = Number(m[1]);
  return port >= 1 && port <= 65535;
}
