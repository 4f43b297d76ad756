// The one escaping of network and file text (src/engine/safeText.ts) and the terminal writer built
// on it (src/cli/terminal.ts): what is escaped, what is left alone, and that colours survive while
// nothing from the text can become a control sequence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminal, terminalLine } from '../../src/cli/terminal';
import { jsonText, markdownCode, markdownText, visible } from '../../src/engine/safeText';
import { HOSTILE_TEXT, rawControls } from '../helpers/hostileText';

describe('visible', () => {
  it('shows C0, DEL, C1, bidi controls and line separators as escapes', () => {
    assert.equal(visible('a\x1b[2Jb\x07c\x00d\x7fe\u009bf\n\t'), 'a\\x1b[2Jb\\x07c\\x00d\\x7fe\\x9bf\\x0a\\x09');
    assert.equal(visible('\u202e\u202a\u2066\u2069\u200e\u200f\u061c\u2028\u2029'), '\\u202e\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029');
    assert.deepEqual(rawControls(visible(HOSTILE_TEXT)), []);
  });
  it('leaves printable text alone: accents, IDN, CJK, emoji, backslashes', () => {
    for (const text of ['münchen.de', 'xn--mnchen-3ya.de', '例え.テスト', 'ok ✔ 🙂', 'C:\\path', 'a\\x1b (typed)']) assert.equal(visible(text), text);
  });
});

describe('markdownText and markdownCode', () => {
  it('escapes what opens markup, then shows controls', () => {
    assert.equal(markdownText('<b>x</b> [l](u) *a* _b_ `c` | ~d~ &amp; #h \\'), '\\<b\\>x\\</b\\> \\[l\\](u) \\*a\\* \\_b\\_ \\`c\\` \\| \\~d\\~ \\&amp; \\#h \\\\');
    assert.equal(markdownText('a\x1bb\u202ec'), 'a\\x1bb\\u202ec');
  });
  it('fences a code span with more backticks than it holds', () => {
    assert.equal(markdownCode('GET /'), '`GET /`');
    assert.equal(markdownCode('a`b'), '``a`b``');
    assert.equal(markdownCode('``x'), '``` ``x ```');
    assert.equal(markdownCode('a\x07b'), '`a\\x07b`');
  });
});

describe('jsonText', () => {
  it('escapes C1, DEL and bidi inside strings and parses back to the same data', () => {
    const value = { s: HOSTILE_TEXT, n: [1, 'x\u2028y'] };
    const text = jsonText(value);
    assert.deepEqual(rawControls(text), []);
    assert.deepEqual(JSON.parse(text), value);
    assert.ok(text.endsWith('}\n'));
  });
});

describe('terminal', () => {
  const capture = (color: boolean): { out: string[]; err: string[]; term: ReturnType<typeof terminal> } => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, term: terminal({ color, stdout: (s) => out.push(s), stderr: (s) => err.push(s) }) };
  };

  it('prints each line escaped whole, line breaks inside a line included', () => {
    const { out, term } = capture(false);
    term.print([`name ${HOSTILE_TEXT}`, 'two\nlines']);
    assert.deepEqual(rawControls(out.join('')), []);
    assert.equal(out.join('').split('\n').length, 3, 'two lines and the final line feed');
  });

  it('keeps its own colours and nothing else: text cannot forge one', () => {
    const { out, term } = capture(true);
    term.print([`${term.paint('red', `bad ${HOSTILE_TEXT}`)} ${term.severity('warning')}`]);
    const text = out.join('');
    const sgr = new RegExp(String.raw`\x1b\[(\d+)m`, 'g');
    assert.deepEqual([...text.matchAll(sgr)].map((m) => m[1]), ['31', '0', '33', '0'], 'only the SGR codes paint() made');
    assert.deepEqual(rawControls(text.replace(sgr, '')), []);
    assert.ok(text.includes('\\x1b]0;PWNED\\x07'));
  });

  it('writes no colour at all when colour is off', () => {
    const { out, term } = capture(false);
    term.print([term.paint('bold', 'x'), ...term.finding({ code: 'DNS_NXDOMAIN', severity: 'error', layer: 'internet', message: 'm', hint: 'h' })]);
    assert.equal(out.join(''), 'x\n  ✖ error DNS_NXDOMAIN: m\n    h\n');
  });

  it('escapes warnings on stderr and JSON on stdout', () => {
    const { out, err, term } = capture(false);
    term.warn(`CA file ${HOSTILE_TEXT}`);
    term.printJson({ s: HOSTILE_TEXT });
    assert.match(err.join(''), /^netdiag: warning: CA file \\x1b/);
    assert.deepEqual(rawControls(err.join('') + out.join('')), []);
    assert.equal(terminalLine('a\x1bb'), 'a\\x1bb\n');
  });
});
