// One hand-written hello over one TCP connection: connect, write the ClientHello, read the answer
// with serverReply.ts until it is known, then reset the connection at once (nothing is sent after
// the hello, and a server that serves one connection at a time, like `openssl s_server`, is free
// for the next probe immediately). Bounded by a timeout and the caller's AbortSignal; never throws.
import net from 'node:net';
import { deadline, errorInfo, reasonOf } from '../abort';
import { ReplyReader } from './serverReply';
import type { Reply, Want } from './serverReply';

export interface HelloTarget {
  /** An IP address: resolve names once, before the probes. */
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A hello answer fits in a few records; a flight with its certificate chain in far less than this. */
const MAX_HELLO_BYTES = 64 * 1024;
const MAX_FLIGHT_BYTES = 16 * 1024 * 1024;

export function sendHello(target: HelloTarget, hello: Buffer, want: Want): Promise<Reply> {
  const limit = deadline(target.signal, target.timeoutMs, 'TLS hello');
  const reader = new ReplyReader(want, want === 'flight' ? MAX_FLIGHT_BYTES : MAX_HELLO_BYTES);
  return new Promise<Reply>((resolve) => {
    let connected = false;
    let settled = false;
    const socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    const finish = (reply: Reply): void => {
      if (settled) return;
      settled = true;
      limit.dispose();
      limit.signal.removeEventListener('abort', onAbort);
      // A reset frees the server's side at once and leaves no TIME_WAIT behind on ours.
      if (connected && !socket.destroyed) socket.resetAndDestroy();
      else socket.destroy();
      resolve(reply);
    };
    const onAbort = (): void => {
      const error = errorInfo(reasonOf(limit.signal));
      finish({ kind: 'failed', code: error.code, message: error.message });
    };
    if (limit.signal.aborted) return onAbort();
    limit.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      connected = true;
      socket.write(hello);
    });
    socket.on('data', (chunk: Buffer) => {
      const reply = reader.feed(chunk);
      if (reply) finish(reply);
    });
    socket.once('end', () => finish(reader.end()));
    socket.once('close', () => finish(reader.end()));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the hello is the server's way of saying no (many close without an alert).
      if (connected && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return finish(reader.end());
      const error = errorInfo(err);
      finish({ kind: 'failed', code: error.code, message: error.message });
    });
  });
}
