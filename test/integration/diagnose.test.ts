// diagnose() end to end against real servers on loopback: DNS (a dns-packet server), TLS with the
// generated PKI, HTTP (normal and hostile). The system resolver is the OS's for `localhost` and
// an injected lookup for test names, so nothing leaves loopback.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import { osLookup } from '../../src/engine/dns/system';
import type { DnsAddress } from '../../src/engine/model/dns';
import type { Report } from '../../src/engine/model/report';
import type { DiagnoseOptions, LookupFn } from '../../src/engine/options';
import { parseTarget } from '../../src/engine/target';
import { startDnsServer, type Behaviour, type TestDnsServer } from '../helpers/dnsServer';
import { testOptions } from '../helpers/options';
import { serverOptions, testPki, type TestPki } from '../helpers/pki';
import { closedPort, startGarbageServer, startHttpServer, startSilentServer, startTcpServer, type HttpTestServer, type RawTcpServer } from '../helpers/servers';

let pki: TestPki;
let dns: TestDnsServer;
/** Read by the DNS server on every query: tests set a misbehaviour and delete it after. */
const behaviours: Record<string, Behaviour> = { 'gone.test': { nxdomain: true } };
let web: HttpTestServer;
let tlsPort: number;
const tlsServers: https.Server[] = [];
let tlsHandshakes = 0;
let tlsConnections = 0;
let tlsRequests = 0;

/** The system resolver: the OS's for `localhost` (the hosts file), `table` for test names. */
function lookupFrom(table: Record<string, DnsAddress[]>): LookupFn {
  return async (hostname, signal) => {
    if (hostname === 'localhost') return osLookup(hostname, signal);
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
}

function options(patch: Partial<DiagnoseOptions> = {}): DiagnoseOptions {
  return testOptions({
    timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 2000 },
    dnsServers: [dns.server],
    trust: pki.trust,
    connectConcurrency: 4,
    lookup: lookupFrom({ 'app.test': [{ address: '127.0.0.1', family: 4 }], 'alias.test': [{ address: '127.0.0.1', family: 4 }] }),
    ...patch,
  });
}

const run = (input: string, patch?: Partial<DiagnoseOptions>): Promise<Report> => diagnose(parseTarget(input), options(patch));
const layer = (r: Report, name: string): string => r.layers.find((l) => l.name === name)?.status ?? 'missing';
const codes = (r: Report): string[] => r.findings.map((f) => f.code).sort();

async function listenHttps(server: https.Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ host, port, ipv6Only: host.includes(':') }, resolve));
  return (server.address() as net.AddressInfo).port;
}

before(async () => {
  pki = await testPki();
  dns = await startDnsServer({
    zone: {
      'app.test': [{ type: 'A', data: '127.0.0.1' }],
      'alias.test': [{ type: 'CNAME', data: 'app.test', ttl: 60 }],
      'moved.test': [{ type: 'A', data: '127.0.0.9' }],
    },
    behaviours,
  });
  web = await startHttpServer('127.0.0.1');
  // One HTTPS port on both loopbacks, like a dual-stack server, counting connections and
  // handshakes to prove HTTP runs on the diagnosed socket.
  const handler = (_req: unknown, res: ServerResponse): void => {
    tlsRequests++;
    res.writeHead(200, { 'content-type': 'text/plain', server: 'test-https' });
    res.end('hello over tls\n');
  };
  for (const host of ['127.0.0.1', '::1']) {
    const server = https.createServer(serverOptions(pki.rsa), handler);
    server.on('connection', () => tlsConnections++);
    server.on('secureConnection', () => tlsHandshakes++);
    tlsPort = await listenHttps(server, host, host === '127.0.0.1' ? 0 : tlsPort);
    tlsServers.push(server);
  }
});

after(async () => {
  await dns.close();
  await web.close();
  for (const s of tlsServers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

describe('a healthy HTTPS endpoint', () => {
  it('every layer is ok, HTTP runs on the diagnosed socket, and the partial reports come before the final one', async () => {
    const updates: Report[] = [];
    const before = { connections: tlsConnections, handshakes: tlsHandshakes, requests: tlsRequests };
    const report = await run(`https://localhost:${tlsPort}/`, {
      pinned: { localhost: [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }] },
      onUpdate: (r) => updates.push(r),
    });

    assert.equal(report.complete, true);
    assert.deepEqual(report.layers.map((l) => [l.name, l.status]), [
      ['link', 'ok'],
      ['internet', 'ok'],
      ['transport', 'ok'],
      ['tls', 'ok'],
      ['application', 'ok'],
    ]);
    assert.deepEqual(codes(report), []);
    assert.equal(report.dns?.system.skipped, 'pinned');
    assert.deepEqual(report.dns?.wire, [], 'localhost is never sent to DNS servers (RFC 6761)');
    assert.deepEqual(report.connections.map((c) => [c.address, c.ok, c.used === true]), [
      ['::1', true, true],
      ['127.0.0.1', true, false],
    ]);
    assert.equal(report.link?.interface?.name, 'lo');
    assert.equal(report.tls?.verification.trusted, true);
    assert.equal(report.tls?.verification.store, 'extra');
    assert.equal(report.tls?.chain.length, 2);
    assert.equal(report.tls?.servername, 'localhost');
    const [req] = report.http?.requests ?? [];
    assert.equal(req?.status, 200);
    assert.equal(req?.outcome, 'ok');
    assert.equal(req?.httpVersion, '1.1');
    assert.equal(req?.bodyBytes, 'hello over tls\n'.length);
    assert.ok(req && req.timings.totalMs >= req.timings.connectMs + req.timings.tlsMs);

    // One connect per address, but a single handshake and request: the one on the used socket.
    assert.equal(tlsConnections - before.connections, 2);
    assert.equal(tlsHandshakes - before.handshakes, 1);
    assert.equal(tlsRequests - before.requests, 1);

    assert.deepEqual(report.hops.map((h) => [h.kind, h.status]), [
      ['client', 'ok'],
      ['dns', 'ok'],
      ['address', 'ok'],
      ['tls', 'ok'],
      ['server', 'ok'],
    ]);
    const critical = report.waterfall.filter((w) => w.critical).map((w) => w.phase);
    assert.deepEqual(critical, ['connect', 'tls', 'ttfb', 'download']);

    // A fast diagnosis has no quiet moment before its end: its partial report comes there.
    assert.ok(updates.length >= 2, `expected a partial and the final report, got ${updates.length}`);
    assert.ok(updates.slice(0, -1).every((u) => !u.complete));
    assert.equal(updates.at(-1)?.complete, true);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'the report is plain JSON');
  });

  it('an IP literal skips DNS and checks the certificate against the IP', async () => {
    const report = await run(`https://127.0.0.1:${tlsPort}/`);
    assert.equal(report.dns, null);
    assert.equal(report.tls?.servername, null);
    assert.equal(report.tls?.verification.hostnameMatches, true);
    assert.equal(layer(report, 'application'), 'ok');
  });
});

describe('DNS', () => {
  it('follows the wire CNAME chain and finds no mismatch when both answers agree', async () => {
    const report = await run(`http://alias.test:${web.port}/`);
    assert.deepEqual(report.dns?.cnameChain, [{ name: 'alias.test', target: 'app.test', ttl: 60 }]);
    assert.ok(report.dns?.wire.some((q) => q.type === 'A' && q.rcode === 'NOERROR'));
    assert.equal(layer(report, 'application'), 'ok');
    assert.ok(!codes(report).includes('DNS_SYSTEM_WIRE_MISMATCH'));
    assert.deepEqual(report.hops.filter((h) => h.kind === 'dns').map((h) => h.label), ['alias.test', 'app.test']);
  });

  it('flags a system answer that differs from DNS and says which one is used', async () => {
    const report = await run(`http://moved.test:${web.port}/`, { lookup: lookupFrom({ 'moved.test': [{ address: '127.0.0.1', family: 4 }] }) });
    const mismatch = report.findings.find((f) => f.code === 'DNS_SYSTEM_WIRE_MISMATCH');
    assert.ok(mismatch, codes(report).join());
    assert.match(mismatch.message, /127\.0\.0\.1/);
    assert.match(mismatch.message, /127\.0\.0\.9/);
    assert.equal(report.stack?.dns?.status, 'warn', 'the DNS exchange warns, not the internet layer');
    assert.equal(layer(report, 'internet'), 'ok');
    assert.equal(layer(report, 'application'), 'ok', 'the system answer is what connects');
  });

  it('NXDOMAIN breaks at DNS, the exchange before the connection: nothing after it runs', async () => {
    const report = await run('https://gone.test/');
    assert.ok(codes(report).includes('DNS_NXDOMAIN'), codes(report).join());
    assert.equal(report.stack?.dns?.status, 'fail');
    assert.match(report.verdict.text, /^Breaks at DNS \(\d+ errors?\)$/);
    assert.equal(layer(report, 'internet'), 'skipped');
    assert.deepEqual(report.connections, []);
    assert.equal(layer(report, 'transport'), 'skipped');
    assert.equal(report.hops.find((h) => h.status === 'fail')?.kind, 'dns');
  });

  it('wire queries run beside the critical path: a slow DNS server does not delay the connection', async () => {
    behaviours['app.test'] = { delayMs: 400 };
    try {
      const report = await run(`http://app.test:${web.port}/`);
      const request = report.waterfall.find((w) => w.phase === 'ttfb');
      const wire = report.waterfall.filter((w) => w.phase === 'wire-dns');
      assert.ok(request && request.startMs < 300, `the request started at ${request?.startMs} ms`);
      assert.ok(wire.every((w) => w.durationMs >= 350));
      assert.ok(report.durationMs >= 350, 'the report waits for the wire answers before it is complete');
    } finally {
      delete behaviours['app.test'];
    }
  });
});

describe('transport', () => {
  it('a refused port fails the transport layer and marks the address hop', async () => {
    const port = await closedPort();
    const report = await run(`https://127.0.0.1:${port}/`);
    assert.deepEqual(codes(report), ['TCP_REFUSED']);
    assert.equal(layer(report, 'transport'), 'fail');
    assert.equal(layer(report, 'tls'), 'skipped');
    assert.equal(layer(report, 'application'), 'skipped');
    assert.equal(report.hops.find((h) => h.status === 'fail')?.kind, 'address');
  });

  it('localhost on one family only is explained', async () => {
    const port = web.port; // the plain HTTP server listens on 127.0.0.1 only
    const report = await run(`http://localhost:${port}/`, { pinned: { localhost: [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }] } });
    assert.deepEqual(codes(report), ['TCP_LOCALHOST_FAMILY_MISMATCH']);
    assert.equal(layer(report, 'transport'), 'warn');
    assert.equal(report.connections.find((c) => c.used)?.address, '127.0.0.1');
    assert.equal(layer(report, 'application'), 'ok');
  });

  it('a service scheme connects without speaking its protocol', async () => {
    const server: RawTcpServer = await startTcpServer(() => undefined);
    try {
      const report = await run(`postgres://127.0.0.1:${server.port}/db`);
      assert.equal(layer(report, 'transport'), 'ok');
      assert.equal(layer(report, 'tls'), 'skipped');
      assert.equal(layer(report, 'application'), 'skipped');
      assert.equal(report.http, null);
    } finally {
      await server.close();
    }
  });
});

describe('TLS', () => {
  for (const [name, code] of [
    ['expired', 'CERT_EXPIRED'],
    ['selfSigned', 'CERT_SELF_SIGNED'],
    ['incompleteChain', 'CERT_INCOMPLETE_CHAIN'],
    ['wrongHost', 'CERT_HOSTNAME_MISMATCH'],
  ] as const) {
    it(`${name}: ${code} fails the TLS layer; HTTP still answers so the app layer is shown`, async () => {
      const server = https.createServer(serverOptions(pki[name]), (_req, res) => res.end('ok'));
      const port = await listenHttps(server, '127.0.0.1', 0);
      try {
        const report = await run(`https://localhost:${port}/`);
        assert.ok(codes(report).includes(code), codes(report).join());
        assert.equal(layer(report, 'tls'), 'fail');
        assert.equal(report.tls?.verification.trusted, false);
        assert.ok((report.tls?.chain.length ?? 0) >= 1, 'the chain is shown even when it fails');
        assert.equal(report.http?.requests[0]?.status, 200);
        assert.equal(report.hops.find((h) => h.status === 'fail')?.kind, 'tls');
        assert.equal(report.hops.find((h) => h.kind === 'server')?.status, 'ok', 'the server answered: its hop is not skipped');
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  }

  it('a silent server ends in TLS_HANDSHAKE_TIMEOUT within the timeout', async () => {
    const silent = await startSilentServer();
    try {
      const start = Date.now();
      const report = await run(`https://127.0.0.1:${silent.port}/`, { timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 300, httpMs: 1000 } });
      assert.ok(Date.now() - start < 1500);
      assert.deepEqual(codes(report), ['TLS_HANDSHAKE_TIMEOUT']);
      assert.equal(layer(report, 'application'), 'skipped');
    } finally {
      await silent.close();
    }
  });

  it('plain HTTP on an https:// URL fails the handshake with a clear message', async () => {
    const report = await run(`https://127.0.0.1:${web.port}/`);
    assert.deepEqual(codes(report), ['TLS_HANDSHAKE_FAILED']);
    assert.match(report.findings[0]!.message, /not TLS/i);
  });
});

describe('HTTP', () => {
  it('follows a redirect chain, each hop with its own timings', async () => {
    const report = await run(`http://127.0.0.1:${web.port}/redirect/3`);
    const reqs = report.http?.requests ?? [];
    assert.deepEqual(reqs.map((r) => r.status), [302, 302, 302, 200]);
    assert.ok(reqs.every((r) => r.timings.totalMs > 0));
    assert.equal(report.hops.filter((h) => h.kind === 'redirect').length, 3);
    assert.deepEqual(codes(report), []);
  });

  it('detects a redirect loop', async () => {
    const report = await run(`http://127.0.0.1:${web.port}/loop/a`);
    assert.deepEqual(codes(report), ['HTTP_REDIRECT_LOOP']);
    assert.equal(report.http?.requests.length, 2);
  });

  it('stops at the redirect limit', async () => {
    const report = await run(`http://127.0.0.1:${web.port}/redirect/5`, { maxRedirects: 2 });
    assert.deepEqual(codes(report), ['HTTP_TOO_MANY_REDIRECTS']);
    assert.equal(report.http?.requests.length, 3);
  });

  it('does not follow when told not to', async () => {
    const report = await run(`http://127.0.0.1:${web.port}/redirect/2`, { followRedirects: false });
    assert.equal(report.http?.requests.length, 1);
    assert.equal(report.http?.requests[0]?.status, 302);
  });

  it('partial reports stream while a slow answer is awaited; the wait is time to first byte', async () => {
    const updates: Report[] = [];
    const report = await run(`http://app.test:${web.port}/slow?ms=600`, { onUpdate: (r) => updates.push(r) });
    const [request] = report.http?.requests ?? [];
    assert.equal(request?.status, 200);
    assert.ok((request?.timings.ttfbMs ?? 0) >= 590, `ttfb ${request?.timings.ttfbMs} ms`);
    assert.ok((request?.timings.downloadMs ?? Infinity) < 100, `download ${request?.timings.downloadMs} ms`);
    const waiting = updates.find((u) => !u.complete && u.layers.find((l) => l.name === 'transport')?.status === 'ok');
    assert.ok(waiting, 'a partial report showed the connection while the answer was awaited');
    assert.equal(waiting.layers.find((l) => l.name === 'application')?.status, 'pending');
    assert.equal(updates.at(-1)?.complete, true);
  });

  it('a 503 is a server error at the application layer only', async () => {
    const report = await run(`http://127.0.0.1:${web.port}/status/503`);
    assert.deepEqual(codes(report), ['HTTP_SERVER_ERROR']);
    assert.equal(layer(report, 'transport'), 'ok');
    assert.equal(layer(report, 'application'), 'fail');
    assert.equal(report.http?.requests[0]?.outcome, 'fail');
    assert.deepEqual(report.verdict, { status: 'fail', text: 'Breaks at Application (1 error)' });
  });

  it('caps a huge body', async () => {
    const report = await run(`http://127.0.0.1:${web.port}/mib/16`, { maxBodyBytes: 256 * 1024 });
    const req = report.http?.requests[0];
    assert.equal(req?.bodyTruncated, true);
    assert.ok(req && req.bodyBytes >= 256 * 1024 && req.bodyBytes < 1024 * 1024);
    assert.deepEqual(codes(report), ['HTTP_BODY_TRUNCATED']);
  });

  it('a server that drips ends at the HTTP timeout', async () => {
    const start = Date.now();
    const report = await run(`http://127.0.0.1:${web.port}/drip?bytes=100&interval=100`, { timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 500 } });
    assert.ok(Date.now() - start < 2000);
    assert.deepEqual(codes(report), ['HTTP_TIMEOUT']);
  });

  it('garbage instead of HTTP is HTTP_BAD_RESPONSE', async () => {
    const garbage = await startGarbageServer();
    try {
      const report = await run(`http://127.0.0.1:${garbage.port}/`);
      assert.deepEqual(codes(report), ['HTTP_BAD_RESPONSE']);
      assert.match(report.findings[0]!.message, /SSH-2\.0/);
    } finally {
      await garbage.close();
    }
  });
});

describe('cancellation', () => {
  it('stops every probe at once and returns a partial report', async () => {
    const silent = await startSilentServer();
    behaviours['app.test'] = { silent: true };
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const start = Date.now();
      const report = await run(`https://app.test:${silent.port}/`, { signal: controller.signal, timeouts: { dnsMs: 10_000, connectMs: 10_000, tlsMs: 10_000, httpMs: 10_000 } });
      assert.ok(Date.now() - start < 1000, `took ${Date.now() - start} ms`);
      assert.equal(report.cancelled, true);
      assert.equal(report.complete, true);
      assert.ok(codes(report).includes('CANCELLED'));
      assert.ok(report.layers.every((l) => l.status !== 'pending'));
    } finally {
      delete behaviours['app.test'];
      await silent.close();
    }
  });
});
