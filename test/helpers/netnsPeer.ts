// The server side of the namespace lab (test/helpers/netnsLab.ts), run inside the server's
// namespace (`ip netns exec … node --import tsx test/helpers/netnsPeer.ts`): a DNS server on port
// 53 of 10.77.2.2 answering the lab's names, and an HTTP server on port 8080 of every address of
// the namespace. Prints "ready" once both listen; stops on SIGTERM.
import http from 'node:http';
import { startDnsServer } from './dnsServer';

async function main(): Promise<void> {
  const dns = await startDnsServer({
    host: '10.77.2.2',
    port: 53,
    zone: {
      'www.netdiag.test': [{ type: 'A', data: '10.77.2.2', ttl: 60 }],
      'api.netdiag.test': [{ type: 'A', data: '10.77.2.2', ttl: 60 }],
      'ops.netdiag.test': [{ type: 'A', data: '10.77.2.3', ttl: 60 }],
    },
  });
  // GET /bytes/N answers N bytes; a body sent is read to its end first, and its size ends the answer.
  const web = http.createServer((req, res) => {
    let received = 0;
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => {
      const size = Number(/^\/bytes\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      const body = `${'a'.repeat(size)}${received}`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, server: 'netns-peer' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => web.listen(8080, '0.0.0.0', resolve));
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    web.closeAllConnections();
    web.close();
    void dns.close();
  });
}

void main();
