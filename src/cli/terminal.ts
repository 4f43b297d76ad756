// The one way the CLI writes for people: colours, severity labels, and the escaping of every
// character it prints. Renderers build lines of plain text; `print` passes each whole line through
// the engine's visible(), so a host name, header, certificate field, DNS record or config value
// can never send a raw control byte (ESC, BEL, C1) or a bidi override to the terminal, whichever
// renderer it went through. Colours are the one exception: `paint` marks its text with a
// per-process nonce that network text cannot know, and only those marks become SGR sequences.
import { randomBytes } from 'node:crypto';
import type { Finding, Severity } from '../engine/report';
import { jsonText, visible } from '../engine/safeText';
import type { CliIo } from './command';

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const SGR: Readonly<Record<Style, string>> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' };

const SEVERITY: Readonly<Record<Severity, { label: string; style: Style }>> = {
  error: { label: '✖ error', style: 'red' },
  warning: { label: '▲ warning', style: 'yellow' },
  info: { label: 'ℹ info', style: 'cyan' },
};

/** Brackets an SGR code inside a line until print(); unguessable, so text from outside cannot forge it. */
const MARK = `\u{10FFFD}${randomBytes(8).toString('hex')}\u{10FFFD}`;

export interface Terminal {
  /** `text` in `style` when colour is on (a TTY without --no-color or NO_COLOR); the text itself otherwise. */
  paint(style: Style, text: string): string;
  /** `✖ error`, `▲ warning` or `ℹ info`, coloured like its severity. */
  severity(severity: Severity): string;
  /** `error`, `warning` or `info`, coloured (for `file:line:column: error CODE` lines). */
  severityWord(severity: Severity): string;
  /** A finding as the text outputs show it: severity, code and message, then the hint, dimmed. */
  finding(f: Finding): string[];
  /** Writes lines to stdout, each escaped whole (line breaks inside a line included). */
  print(lines: readonly string[]): void;
  /** Writes JSON to stdout (see jsonText). */
  printJson(value: unknown): void;
  /** `netdiag: warning: …` on stderr, escaped. */
  warn(message: string): void;
}

export function terminal(io: Pick<CliIo, 'stdout' | 'stderr' | 'color'>): Terminal {
  const paint = (style: Style, text: string): string => (io.color ? `${MARK}${SGR[style]}${MARK}${text}${MARK}0${MARK}` : text);
  const severity = (s: Severity): string => paint(SEVERITY[s].style, SEVERITY[s].label);
  return {
    paint,
    severity,
    severityWord: (s) => paint(SEVERITY[s].style, s),
    finding: (f) => [`  ${severity(f.severity)} ${paint('bold', f.code)}: ${f.message}`, paint('dim', `    ${f.hint}`)],
    print: (lines) => io.stdout(lines.map(terminalLine).join('')),
    printJson: (value) => io.stdout(jsonText(value)),
    warn: (message) => io.stderr(terminalLine(`netdiag: warning: ${message}`)),
  };
}

/** One line for the terminal: every part escaped, the marked codes as SGR, a line feed at the end. */
export function terminalLine(line: string): string {
  // Split on the marks: even parts are text, odd parts the codes paint() put between them.
  return `${line
    .split(MARK)
    .map((part, i) => (i % 2 === 0 ? visible(part) : `\x1b[${part}m`))
    .join('')}\n`;
}
