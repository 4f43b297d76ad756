// Text that came from the network or a file, made safe to show. One character class decides what
// a terminal, a Markdown viewer or a reader must never receive raw: every control character (C0,
// DEL and C1 — ESC starts CSI/OSC sequences, U+009B is CSI by itself, BEL ends an OSC title),
// the bidirectional controls that reorder what is shown (U+202A–U+202E, U+2066–U+2069, U+200E,
// U+200F, U+061C: Unicode TR9, the "Trojan Source" trick) and the line and paragraph separators.
// Each becomes a visible escape (`\x1b`, `\u202e`), so the reader sees that it was there.

const UNSAFE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/gu;

function escapeOf(c: string): string {
  const n = c.codePointAt(0) ?? 0;
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character shown as an escape: ESC → `\x1b`, U+202E → `\u202e`. */
export function visible(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

/**
 * Text for Markdown prose or a table cell: a backslash before each character that can open
 * Markdown or HTML markup (CommonMark §2.4: any ASCII punctuation may be escaped), so a
 * certificate name `<b>bold</b>` or `[x](javascript:…)` stays text, `|` included for tables;
 * then visible(), whose `\x1b` a Markdown viewer shows as written (a backslash before a letter
 * is literal).
 */
export function markdownText(text: string): string {
  return visible(text.replace(/[\\`*_[\]<>|~&#]/g, '\\$&'));
}

/** Text as a Markdown code span: visible(), fenced by one more backtick than its longest run (CommonMark §6.1). */
export function markdownCode(text: string): string {
  const shown = visible(text);
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * JSON of `value`, indented, with the unsafe characters as `\u` escapes inside its strings: the
 * same data for a parser, and nothing raw for a terminal that shows it. JSON.stringify escapes C0
 * inside strings (the only raw control left is the line feed of its indentation) but leaves DEL,
 * C1, the bidi controls and U+2028/U+2029 raw.
 */
export function jsonText(value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(UNSAFE, (c) => (c === '\n' ? c : `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`));
  return `${json}\n`;
}
