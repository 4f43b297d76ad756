// Text a hostile server, certificate or cloned repository puts where Netdiag shows data: terminal
// control sequences, C1 controls, bidirectional overrides and markup. Used by the fixtures and
// peers that carry it (hostile DNS referrals, config files, certificates) and by the assertions
// that none of it reaches an output raw.

/** An OSC window-title sequence ended by BEL, a CSI screen clear, the one-byte C1 CSI, RLO/LRI/PDI/RLM and markup. */
export const HOSTILE_TEXT = '\x1b]0;PWNED\x07\x1b[2J\u009b31m\u202eevil\u2066x\u2069\u200f<b>bold</b>';

/** The same controls in a form a DNS label can carry: no dots, lower case (names are compared case-insensitively). */
export const HOSTILE_LABEL = 'ns\x1b]0;pwned\x07\u009b31m\u202eevil\u2066x\u2069';

/** What must never reach an output raw: C0 but the line feed, DEL, C1, the bidi controls, U+2028/U+2029. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/** The raw control and bidi characters in `text`, as code points (`U+001B`…); empty when it is clean. */
export function rawControls(text: string): string[] {
  return [...new Set(text.match(RAW) ?? [])].map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}
