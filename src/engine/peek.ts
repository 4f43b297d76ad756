// What the first bytes of an answer are, in words a user can act on: quoted safely (never raw
// network bytes in a message), with a guess at the protocol that sent them. Used wherever a peer
// answered something other than what was asked for (HTTP, a proxy's answer to CONNECT).

/** What the first bytes of an answer are, quoted safely, with a guess at the protocol. */
export function describeBytes(bytes: Buffer): string {
  if (bytes.length === 0) return 'nothing';
  // A TLS record starts with its content type (22 handshake, 21 alert) and version 3.x (RFC 8446 §5.1).
  if ((bytes[0] === 0x16 || bytes[0] === 0x15) && bytes[1] === 0x03) return 'TLS bytes: the port speaks TLS, try https://';
  const text = bytes.subarray(0, 48).toString('latin1');
  const quoted = `"${text.replace(/[^\x20-\x7e]|["\\]/g, (c) => escapeChar(c))}"${bytes.length > 48 ? '…' : ''}`;
  const protocols: [RegExp, string][] = [
    [/^SSH-/, 'an SSH server'],
    [/^220[ -]/, 'an SMTP or FTP greeting'],
    [/^\+OK/, 'a POP3 greeting'],
    [/^\* OK/, 'an IMAP greeting'],
    [/^RFB \d/, 'a VNC server'],
    [/^-ERR|^-DENIED/, 'a Redis error reply'],
    [/^AMQP/, 'an AMQP broker'],
  ];
  const guess = protocols.find(([re]) => re.test(text));
  return guess ? `${quoted} (${guess[1]})` : quoted;
}

function escapeChar(c: string): string {
  const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '"': '\\"', '\\': '\\\\' };
  return named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}
