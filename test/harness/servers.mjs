// Loopback servers for the browser tests and `npm run screenshots`: each counts what reaches it,
// so a test can prove that something was (or was not) contacted. All listen on 127.0.0.1, port 0.
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import dnsPacket from 'dns-packet';

function listenTcp(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function closeTcp(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * An HTTP or HTTPS server (HTTPS when `tls` holds certPem/keyPem) answering every request with
 * `respond(req, res)`, or 200 "ok". `requests` counts every request it received.
 */
export async function startWebServer({ tls, respond } = {}) {
  const counter = { requests: 0 };
  const handler = (req, res) => {
    counter.requests++;
    if (respond) respond(req, res);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  };
  const server = tls ? https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler) : http.createServer(handler);
  const port = await listenTcp(server);
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get requests() {
      return counter.requests;
    },
    close: () => closeTcp(server),
  };
}

/** A loopback port with nothing listening on it (bound, then closed). */
export async function refusedPort() {
  const server = http.createServer();
  const port = await listenTcp(server);
  await closeTcp(server);
  return port;
}

/**
 * A UDP DNS server answering every A question with 127.0.0.1 (and AAAA with no data), counting
 * queries. Netdiag's wire-level resolver is pointed at it, so no query leaves loopback.
 */
export async function startDnsServer() {
  const socket = dgram.createSocket('udp4');
  let queries = 0;
  socket.on('message', (msg, rinfo) => {
    queries++;
    let query;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const answers = (query.questions ?? [])
      .filter((q) => q.type === 'A')
      .map((q) => ({ type: 'A', name: q.name, ttl: 60, data: '127.0.0.1' }));
    const reply = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER,
      questions: query.questions,
      answers,
    });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', resolve);
  });
  return {
    server: `127.0.0.1:${socket.address().port}`,
    get queries() {
      return queries;
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
