// The set-up a diagnosis does before its clock starts (src/engine/prepare.ts, warmUp.ts): it must
// send nothing anywhere, leave nothing running, and be reported apart from the network phases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { diagnose } from '../../src/engine/diagnose';
import { parseTarget } from '../../src/engine/target';
import { loadTrustStores } from '../../src/engine/tls/trustStore';
import { testOptions } from '../helpers/options';
import { serverOptions, testPki, type TestPki } from '../helpers/pki';

const haveStrace = spawnSync('strace', ['-V']).status === 0;
const WARM_UP = join(__dirname, '../../src/engine/warmUp.ts');

let pki: TestPki;
let server: https.Server;
let port: number;

before(async () => {
  pki = await testPki();
  server = https.createServer(serverOptions(pki.p256), (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  port = (server.address() as net.AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the warm-up before the clock', () => {
  it('connects, binds and sends nothing on any network socket, and leaves nothing open', { skip: haveStrace ? false : 'strace is not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdiag-warm-up-'));
    try {
      const log = join(dir, 'strace.log');
      const script = `const { warmUp } = require(${JSON.stringify(WARM_UP)});
        warmUp().then(() => warmUp()).then(() => {
          // Later, as the test's own loader (tsx) may still be finishing its requests.
          setTimeout(() => {
            const stdio = [process.stdin, process.stdout, process.stderr];
            const handles = process._getActiveHandles().filter((h) => !stdio.includes(h));
            process.stdout.write(JSON.stringify({ handles: handles.length, requests: process._getActiveRequests().length }));
          }, 300);
        });`;
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=connect,bind,sendto,sendmsg,sendmmsg', '-o', log, process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { handles: 0, requests: 0 });
      const calls = readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '');
      // The test's own loader (tsx) talks over a Unix socket; nothing may use IPv4 or IPv6.
      const network = calls.filter((l) => /AF_INET6?\b|sin6?_port/.test(l));
      assert.deepEqual(network, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a diagnosis', () => {
  it('reports its set-up apart from the network phases, in every update and the final report', async () => {
    const updates: number[] = [];
    const report = await diagnose(parseTarget(`https://localhost:${port}/`), testOptions({ trust: pki.trust, pinned: { localhost: [{ address: '127.0.0.1', family: 4 }] }, onUpdate: (r) => updates.push(r.setupMs ?? -1) }));
    assert.equal(report.http?.requests[0]?.status, 200);
    assert.deepEqual(report.findings.filter((f) => f.severity === 'error'), []);
    assert.equal(typeof report.setupMs, 'number');
    assert.ok((report.setupMs ?? -1) >= 0);
    assert.ok(updates.length > 1 && updates.every((s) => s === report.setupMs), 'each update carries the same set-up time');
  });

  it('anchors in a loaded OS bundle or CA file Node does not bundle, with the context built from the stores’ facts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdiag-prepare-'));
    try {
      writeFileSync(join(dir, 'os.crt'), `${tls.rootCertificates[0]}${pki.root.cert}`);
      writeFileSync(join(dir, 'other.crt'), pki.otherRoot.cert);
      writeFileSync(join(dir, 'ca.pem'), pki.root.cert);
      for (const [osBundle, caFiles, store] of [
        ['os.crt', [], 'os'],
        ['other.crt', ['ca.pem'], 'extra'],
      ] as const) {
        const { stores } = await loadTrustStores(caFiles.map((f) => join(dir, f)), { osBundlePaths: [join(dir, osBundle)], cacheDir: join(dir, 'cache') });
        const report = await diagnose(parseTarget(`https://localhost:${port}/`), testOptions({ trust: stores, pinned: { localhost: [{ address: '127.0.0.1', family: 4 }] } }));
        assert.equal(report.tls?.authorized, true, `${store}: ${report.tls?.authorizationError}`);
        assert.deepEqual(report.tls?.verification, { trusted: true, store, hostnameMatches: true, errors: [] });
      }
      const { stores } = await loadTrustStores([], { osBundlePaths: [join(dir, 'other.crt')], cacheDir: join(dir, 'cache') });
      const untrusted = await diagnose(parseTarget(`https://localhost:${port}/`), testOptions({ trust: stores, pinned: { localhost: [{ address: '127.0.0.1', family: 4 }] } }));
      assert.equal(untrusted.tls?.authorized, false);
      assert.equal(untrusted.tls?.verification.store, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies the same with a client certificate prepared before the clock', async () => {
    // The server refuses a handshake without a client certificate its CA issued.
    const mutual = https.createServer({ ...serverOptions(pki.p256), requestCert: true, rejectUnauthorized: true, ca: pki.root.cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => mutual.listen({ host: '127.0.0.1', port: 0 }, resolve));
    try {
      const mutualPort = (mutual.address() as net.AddressInfo).port;
      const options = testOptions({ trust: pki.trust, pinned: { localhost: [{ address: '127.0.0.1', family: 4 }] }, clientCertificate: { cert: pki.rsa.chain, key: pki.rsa.key } });
      for (let i = 0; i < 2; i++) {
        const report = await diagnose(parseTarget(`https://localhost:${mutualPort}/`), options);
        assert.equal(report.http?.requests[0]?.status, 200, JSON.stringify(report.findings));
        assert.equal(report.tls?.verification.trusted, true);
      }
    } finally {
      mutual.closeAllConnections();
      await new Promise<void>((resolve) => mutual.close(() => resolve()));
    }
  });
});
