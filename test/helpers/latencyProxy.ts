// Proxies on loopback that add latency in user space (this machine has no netem). The TCP one
// holds every chunk `delayMs` before it is forwarded, in each direction, keeping order; the UDP
// one (startUdpLatencyProxy, for DNS) does the same to every datagram. A request and its answer
// therefore cost 2 × delayMs, like a link with that one-way delay. The TCP handshake itself
// cannot be delayed from user space (the kernel completes it on accept).
import dgram from 'node:dgram';
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

/**
 * A UDP relay on loopback (IPv4): each client (address and port) gets its own upstream socket,
 * so answers find their way back; every datagram waits `delayMs` in each direction.
 */
export async function startUdpLatencyProxy(target: { host: string; port: number }, delayMs: number, host = '127.0.0.1'): Promise<LatencyProxy> {
  const front = dgram.createSocket('udp4');
  const upstreams = new Map<string, dgram.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, delayMs);
    timers.add(t);
  };
  front.on('message', (msg, client) => {
    const key = `${client.address}:${client.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (answer) => later(() => front.send(answer, client.port, client.address)));
      socket.on('error', () => undefined);
      upstreams.set(key, socket);
      upstream = socket;
    }
    const to = upstream;
    later(() => to.send(msg, target.port, target.host));
  });
  front.on('error', () => undefined);
  await new Promise<void>((resolve) => front.bind(0, host, resolve));
  return {
    host,
    port: front.address().port,
    connections: () => upstreams.size,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const u of upstreams.values()) u.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
