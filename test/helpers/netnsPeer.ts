// The server side of the namespace lab (test/helpers/netnsLab.ts), run inside the server's
// namespace (`ip netns exec … node --import tsx test/helpers/netnsPeer.ts`): a DNS server on port
// 53 of 10.77.2.2 answering the lab's names, an HTTP server on port 8080 of every address of the
// namespace, and with NETDIAG_PEER_CERT and NETDIAG_PEER_KEY (PEM files) the same over HTTPS, HTTP/2
// and HTTP/1.1, on 8443. Prints "ready" once all listen; exits on SIGTERM.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { startDnsServer } from './dnsServer';

async function main(): Promise<void> {
  await startDnsServer({
    host: '10.77.2.2',
    port: 53,
    zone: {
      'www.netdiag.test': [{ type: 'A', data: '10.77.2.2', ttl: 60 }],
      'api.netdiag.test': [{ type: 'A', data: '10.77.2.2', ttl: 60 }],
      'ops.netdiag.test': [{ type: 'A', data: '10.77.2.3', ttl: 60 }],
    },
  });
  // GET /bytes/N answers N bytes; a body sent is read to its end first, and its size ends the answer.
  const answer = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
    let received = 0;
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => {
      const size = Number(/^\/bytes\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      const body = `${'a'.repeat(size)}${received}`;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, server: 'netns-peer' });
      res.end(body);
    });
  };
  const web = http.createServer(answer);
  await new Promise<void>((resolve) => web.listen(8080, '0.0.0.0', resolve));
  const cert = process.env['NETDIAG_PEER_CERT'];
  const key = process.env['NETDIAG_PEER_KEY'];
  const secure = cert && key ? http2.createSecureServer({ cert: readFileSync(cert), key: readFileSync(key), allowHTTP1: true }, answer) : null;
  if (secure) await new Promise<void>((resolve) => secure.listen(8443, '0.0.0.0', resolve));
  process.stdout.write('ready\n');
  // The namespace goes away with the test: nothing to flush, so stop at once.
  process.once('SIGTERM', () => process.exit(0));
}

void main();
