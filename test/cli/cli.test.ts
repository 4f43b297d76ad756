// The built CLI (dist/cli.js), spawned as a user would run it, against loopback servers.
// `npm test` builds before it runs this suite.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/engine/model/report';
import { CLI, runCli } from '../helpers/cli';
import { startDnsServer, type TestDnsServer } from '../helpers/dnsServer';
import { serverOptions, testPki, type TestPki } from '../helpers/pki';
import { closedPort, startHttpServer, startSilentServer, type HttpTestServer } from '../helpers/servers';




let web: HttpTestServer;
let dns: TestDnsServer;
let pki: TestPki;
let tlsServer: https.Server;
let tlsPort: number;
let caFile: string;

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  web = await startHttpServer();
  dns = await startDnsServer({ zone: { 'app.test': [{ type: 'A', data: '127.0.0.1' }] } });
  pki = await testPki();
  tlsServer = https.createServer(serverOptions(pki.p256), (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => tlsServer.listen({ host: '127.0.0.1', port: 0 }, resolve));
  tlsPort = (tlsServer.address() as net.AddressInfo).port;
  caFile = join(mkdtempSync(join(tmpdir(), 'netdiag-cli-')), 'root.pem');
  writeFileSync(caFile, pki.root.cert);
});

after(async () => {
  await web.close();
  await dns.close();
  tlsServer.closeAllConnections();
  await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
});

describe('usage', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: netdiag <command>/);
    assert.match(r.stdout, /diagnose +DNS, TCP/);
    const sub = await runCli(['diagnose', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--resolve HOST:ADDR/);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  for (const [args, pattern] of [
    [[], /No command/],
    [['frobnicate'], /Unknown command/],
    [['diagnose'], /needs a target/],
    [['diagnose', 'http://1.2.3'], /not a valid IPv4/],
    [['diagnose', 'localhost:70000'], /Port "70000"/],
    [['diagnose', 'gopher://x'], /Unsupported scheme/],
    [['diagnose', 'x', '--timeout', 'abc'], /--timeout/],
    [['diagnose', 'x', '--resolver', 'not-an-ip'], /DNS server "not-an-ip"/],
  ] as const) {
    it(`exit 2 with one line, no stack: ${args.join(' ') || '(no arguments)'}`, async () => {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    });
  }
});

describe('diagnose', () => {
  it('a healthy endpoint: layered text, exit 0', async () => {
    const r = await runCli(['diagnose', `http://127.0.0.1:${web.port}/`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const layer of ['link', 'internet', 'transport', 'tls', 'application']) assert.match(r.stdout, new RegExp(`^. ${layer}`, 'm'));
    assert.match(r.stdout, /200 OK/);
    assert.ok(!r.stdout.includes('\x1b['), 'NO_COLOR: no escape sequences');
  });

  it('the text says the set-up before the clock and the OS facts after it apart from the run’s time', async () => {
    const r = await runCli(['diagnose', `http://127.0.0.1:${web.port}/`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const facts = process.platform === 'linux' ? ', OS facts [\\d.]+ ms after' : '(, OS facts [\\d.]+ ms after)?';
    assert.match(r.stdout.split('\n')[0] ?? '', new RegExp(`^http://127\\.0\\.0\\.1:\\d+/ {2}[\\d.]+ ms {2}\\(set-up [\\d.]+ ms before it${facts}\\)$`));
  });

  it('--json prints the Report', async () => {
    const r = await runCli(['diagnose', `http://127.0.0.1:${web.port}/status/404`, '--json']);
    assert.equal(r.code, 0, 'a 4xx is a warning, not an error');
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.complete, true);
    assert.equal(report.target.port, web.port);
    assert.equal(report.http?.requests[0]?.status, 404);
    assert.deepEqual(report.findings.map((f) => f.code), ['HTTP_CLIENT_ERROR']);
  });

  it('an error finding exits 1', async () => {
    const port = await closedPort();
    const r = await runCli(['diagnose', `127.0.0.1:${port}`, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.findings.map((f) => f.code), ['TCP_REFUSED']);
  });

  it('--resolve pins the name and the wire resolver still answers beside it', async () => {
    const r = await runCli(['diagnose', `http://app.test:${web.port}/`, '--json', '--resolve', 'app.test:127.0.0.1', '--resolver', `127.0.0.1:${dns.port}`]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.dns?.system.skipped, 'pinned');
    assert.deepEqual(report.dns?.pinned, [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(
      report.dns?.wire.map((q) => [q.server, q.type, q.rcode]),
      [
        [`127.0.0.1:${dns.port}`, 'A', 'NOERROR'],
        [`127.0.0.1:${dns.port}`, 'AAAA', 'NOERROR'],
      ],
    );
  });

  it('--ca makes a private CA trusted; without it the chain is untrusted and the exit code is 1', async () => {
    const url = `https://localhost:${tlsPort}/`;
    const trusted = await runCli(['diagnose', url, '--json', '--ca', caFile]);
    assert.equal(trusted.code, 0, trusted.stdout);
    assert.equal((JSON.parse(trusted.stdout) as Report).tls?.verification.store, 'extra');
    const untrusted = await runCli(['diagnose', url, '--json']);
    assert.equal(untrusted.code, 1);
    const report = JSON.parse(untrusted.stdout) as Report;
    assert.equal(report.tls?.verification.trusted, false);
    assert.ok(report.findings.some((f) => f.layer === 'tls' && f.severity === 'error'));
  });

  it('the text renders what the engine decided: its verdict, the stack, each certificate\'s problems', async () => {
    const url = `https://localhost:${tlsPort}/`;
    const [text, json] = await Promise.all([runCli(['diagnose', url]), runCli(['diagnose', url, '--json'])]);
    assert.equal(text.code, 1);
    const report = JSON.parse(json.stdout) as Report;
    assert.ok(text.stdout.split('\n').includes(`✖ ${report.verdict.text}`), text.stdout);
    const problems = report.tls?.chain.flatMap((c) => c.problems) ?? [];
    assert.ok(problems.length > 0);
    for (const p of problems) assert.ok(text.stdout.includes(`${p.severity === 'error' ? '✖' : '▲'} ${p.text}`), `${p.text} not shown`);
    assert.match(text.stdout, /^Stack/m);
    assert.match(text.stdout, /^ {2}✔ DNS {10}the name lookup, before the connection$/m);
    assert.match(text.stdout, /^ {4}client {7}TLS 1\.3 /m);
    assert.match(text.stdout, /^ {4}server {7}certificate localhost, not trusted$/m);
  });

  it('--no-follow stops at the first redirect; --max-redirects limits the chain', async () => {
    const once = JSON.parse((await runCli(['diagnose', `http://127.0.0.1:${web.port}/redirect/3`, '--json', '--no-follow'])).stdout) as Report;
    assert.equal(once.http?.requests.length, 1);
    const limited = await runCli(['diagnose', `http://127.0.0.1:${web.port}/redirect/3`, '--json', '--max-redirects', '1']);
    assert.equal(limited.code, 1);
    assert.deepEqual((JSON.parse(limited.stdout) as Report).findings.map((f) => f.code), ['HTTP_TOO_MANY_REDIRECTS']);
  });

  it('--timeout bounds a silent server', async () => {
    const silent = await startSilentServer();
    try {
      const r = await runCli(['diagnose', `https://127.0.0.1:${silent.port}/`, '--timeout', '300']);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /TLS_HANDSHAKE_TIMEOUT/);
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    } finally {
      await silent.close();
    }
  });

  it('Ctrl-C stops every probe, prints what finished, and exits 130', async () => {
    const silent = await startSilentServer();
    try {
      const r = await runCli(['diagnose', `https://127.0.0.1:${silent.port}/`, '--json', '--timeout', '15000'], { interruptAfterMs: 700 });
      assert.equal(r.code, 130, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.cancelled, true);
      assert.ok(report.findings.some((f) => f.code === 'CANCELLED'));
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    } finally {
      await silent.close();
    }
  });
});
