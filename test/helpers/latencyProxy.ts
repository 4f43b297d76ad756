// A TCP proxy on loopback that adds latency in user space (this machine has no netem): every
// chunk is held `delayMs` before it is forwarded, in each direction, keeping order. A request
// and its answer therefore cost 2 × delayMs, like a link with that one-way delay. The TCP
// handshake itself cannot be delayed from user space (the kernel completes it on accept).
import net from 'node:net';

export interface LatencyProxy {
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: { host: string; port: number }, delayMs: number, host = '127.0.0.1'): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const pipeDelayed = (from: net.Socket, to: net.Socket): void => {
    // Each chunk leaves delayMs after it arrived; chained so order is kept.
    let last = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const due = Date.now() + delayMs;
      last = last.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, Math.max(0, due - Date.now())),
          ),
      );
    });
    from.on('end', () => void last.then(() => to.end()));
  };
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host,
    port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
