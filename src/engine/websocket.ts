// The WebSocket opening handshake (RFC 6455 §4), as a ws:// or wss:// target is diagnosed: the
// headers of the upgrade request with a fresh key, the close frame that ends a connection once it
// has switched, and the verdict on the server's answer. Pure but for the random key.
import { createHash, randomBytes } from 'node:crypto';
import { finding } from './findings';
import type { Finding } from './model/common';

/** RFC 6455 §1.3: appended to the key before hashing, for the Sec-WebSocket-Accept value. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 §4.1, item 7). */
export function websocketKey(): string {
  return randomBytes(16).toString('base64');
}

/** The Sec-WebSocket-Accept a server must answer `key` with: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2). */
export function expectedAccept(key: string): string {
  return createHash('sha1').update(`${key}${ACCEPT_GUID}`).digest('base64');
}

/** The headers that make a GET the opening handshake (RFC 6455 §4.1, items 5–9). */
export function upgradeHeaders(key: string): Record<string, string> {
  return { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': key, 'sec-websocket-version': '13' };
}

/**
 * A Close frame with status 1000 (normal closure), masked as every client frame must be
 * (RFC 6455 §5.1, §5.5.1): the polite end of a connection that switched to WebSocket.
 */
export function closeFrame(): Buffer {
  const mask = randomBytes(4);
  const payload = Buffer.from([0x03, 0xe8]);
  const frame = Buffer.alloc(2 + 4 + payload.length);
  frame[0] = 0x88;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}

/** A header's values as one comma-separated list, lower case ("Upgrade" → "upgrade"). */
function tokens(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((t) => t.trim().toLowerCase());
}

/**
 * Whether the answer to an opening handshake opened a WebSocket (RFC 6455 §4.1, "the client MUST
 * Fail the WebSocket Connection" unless: 101, Upgrade: websocket, Connection: Upgrade, and the
 * accept value of its key), and the findings when it did not. A 3xx is followed as a redirect and
 * judged there.
 */
export function judgeHandshake(url: string, key: string, status: number | null, headers: Readonly<Record<string, string | string[]>>): { accepted: boolean; findings: Finding[] } {
  if (status === null || (status >= 300 && status <= 399)) return { accepted: false, findings: [] };
  if (status !== 101) {
    return { accepted: false, findings: [finding('WEBSOCKET_NOT_UPGRADED', `${url} answered ${status} to the WebSocket opening handshake instead of 101 Switching Protocols: no WebSocket was opened.`, url)] };
  }
  const missing = [!tokens(headers['upgrade']).includes('websocket') ? 'Upgrade: websocket' : null, !tokens(headers['connection']).includes('upgrade') ? 'Connection: Upgrade' : null].filter((h): h is string => h !== null);
  if (missing.length > 0) {
    return { accepted: false, findings: [finding('WEBSOCKET_NO_UPGRADE_HEADER', `${url} answered 101 Switching Protocols without ${missing.join(' and ')}: a client must fail the connection (RFC 6455 §4.1).`, url)] };
  }
  const accept = headers['sec-websocket-accept'];
  const want = expectedAccept(key);
  if (accept !== want) {
    const got = accept === undefined ? 'no Sec-WebSocket-Accept' : `Sec-WebSocket-Accept "${Array.isArray(accept) ? accept.join(', ') : accept}"`;
    return { accepted: false, findings: [finding('WEBSOCKET_BAD_ACCEPT', `${url} switched to WebSocket with ${got}; the key sent needs "${want}" (RFC 6455 §4.2.2). Clients refuse the connection.`, url)] };
  }
  return { accepted: true, findings: [] };
}
