// Connections kept alive between the hops of one run, by origin: a redirect to the same origin
// is sent on the connection the previous answer left open (RFC 9112 §9.3), as browsers and curl
// do. The pool owns what it holds and closes it at the end of the run.
import { isOpen, originOf, type Connection } from './model';

export class KeepAlive {
  private readonly idle = new Map<string, Connection>();

  keep(connection: Connection): void {
    const previous = this.idle.get(connection.origin);
    if (previous && previous !== connection) previous.close();
    this.idle.set(connection.origin, connection);
  }

  /** The open connection to the origin of `url`, now the caller's; null when none is still open. */
  take(url: string): Connection | null {
    const origin = originOf(url);
    const connection = this.idle.get(origin);
    this.idle.delete(origin);
    if (!connection) return null;
    if (isOpen(connection)) return connection;
    connection.close();
    return null;
  }

  closeAll(): void {
    for (const connection of this.idle.values()) connection.close();
    this.idle.clear();
  }
}
