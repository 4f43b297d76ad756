// The TLS scan against servers that misbehave on purpose (test/helpers/hostileTls.ts): each scan
// must end with what it could learn and a reason, never hang or throw. Timeouts are short so a
// probe that waits for a silent or dripping server ends quickly; nothing here times the scan.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { scanTls } from '../../src/engine/tls/scan';
import type { TlsScan } from '../../src/engine/model/tlsScan';
import { startHostileTlsServer } from '../helpers/hostileTls';
import { alertRecord, SERVER_HELLO_DONE, serverHello, startScriptedTlsServer, tlsRecord } from '../helpers/scriptedTls';
import type { HostileBehaviour } from '../helpers/hostileTls';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function scanHostile(behaviour: HostileBehaviour, timeoutMs = 400): Promise<TlsScan> {
  const server = await startHostileTlsServer(behaviour);
  closers.push(() => server.close());
  return scanTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', timeoutMs, concurrency: 8 });
}

const supported = (s: TlsScan): string[] => s.protocols.filter((p) => p.supported).map((p) => p.name);
const notes = (s: TlsScan): string => s.protocols.map((p) => `${p.name}: ${p.note ?? ''}`).join('\n');

describe('scanTls against hostile servers', () => {
  it('silent: every version not tested, timed out', async () => {
    const s = await scanHostile('silent');
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.every((p) => !p.tested && /timed out/.test(p.note ?? '')), notes(s));
    assert.equal(s.grade.grade, 'F');
  });

  it('drip: a ServerHello one byte at a time never completes within the timeout', async () => {
    const s = await scanHostile('drip');
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.filter((p) => p.name !== 'SSLv2').every((p) => !p.tested && /timed out/.test(p.note ?? '')), notes(s));
  });

  it('garbage: not TLS, said so, nothing supported', async () => {
    const s = await scanHostile('garbage');
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.every((p) => p.tested && /not TLS/.test(p.note ?? '')), notes(s));
  });

  it('an endless record: refused at its header (record overflow), not buffered', async () => {
    const s = await scanHostile('endless-record', 5000);
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.filter((p) => p.name !== 'SSLv2').every((p) => /65535-byte record/.test(p.note ?? '')), notes(s));
  });

  it('a 16 MiB handshake message: refused at its header', async () => {
    const s = await scanHostile('huge-message', 5000);
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.filter((p) => p.name !== 'SSLv2').every((p) => /16777215-byte handshake message/.test(p.note ?? '')), notes(s));
  });

  it('a wrong version: every hello answered with TLS 1.2 counts only for TLS 1.2', async () => {
    const s = await scanHostile('wrong-version');
    assert.deepEqual(supported(s), ['TLSv1.2']);
    assert.match(s.protocols.find((p) => p.name === 'TLSv1')!.note ?? '', /answered with TLSv1\.2/);
    assert.match(s.protocols.find((p) => p.name === 'TLSv1.3')!.note ?? '', /answered with TLSv1\.2/);
  });

  it('a suite nobody offered: the version answers, no suite is listed, the scan says why', async () => {
    const s = await scanHostile('unoffered-suite');
    assert.ok(supported(s).includes('TLSv1.2'));
    assert.deepEqual(s.ciphers, []);
    assert.ok(s.incomplete.some((n) => /the server chose UNKNOWN_0x1234, which was not offered/.test(n)), s.incomplete.join('\n'));
  });

  it('a sticky suite: chosen again after it was removed, the elimination stops with a note', async () => {
    const s = await scanHostile('sticky-suite');
    assert.deepEqual(supported(s), ['TLSv1.2']);
    assert.deepEqual(s.ciphers.map((c) => c.name), ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
    assert.ok(s.incomplete.some((n) => /TLSv1\.2 suites: the server chose TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, which was not offered/.test(n)), s.incomplete.join('\n'));
  });

  it('a reset after the hello: refused, tested', async () => {
    const s = await scanHostile('reset');
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.every((p) => p.tested), notes(s));
  });

  it('half a ServerHello, then the connection closes: refused', async () => {
    const s = await scanHostile('half-hello');
    assert.deepEqual(supported(s), []);
    assert.ok(s.protocols.filter((p) => p.name !== 'SSLv2').every((p) => p.tested && /in the middle of its answer/.test(p.note ?? '')), notes(s));
  });

  it('an SSL 2.0 SERVER-HELLO whose lengths lie: malformed, SSL 2.0 not supported', async () => {
    const s = await scanHostile('ssl2-lies');
    const ssl2 = s.protocols.find((p) => p.name === 'SSLv2')!;
    assert.deepEqual([ssl2.supported, ssl2.tested], [false, true]);
    assert.match(ssl2.note ?? '', /malformed/);
  });

  it('a TLS 1.3 server that refuses hellos without a key share: found with real shares, its suites and groups', async () => {
    const s = await scanHostile('share-required');
    assert.deepEqual(supported(s), ['TLSv1.3']);
    assert.ok(s.ciphers.length >= 5 && s.ciphers.every((c) => c.protocol === 'TLSv1.3'), JSON.stringify(s.ciphers));
    assert.deepEqual(s.groups, ['X25519', 'P-256']);
  });

  it('a name that never resolves: the lookup is bounded by the timeout, the scan says so', async () => {
    const s = await scanTls({ host: 'stuck.test', port: 9, servername: 'stuck.test', timeoutMs: 200, lookup: () => new Promise<string>(() => undefined) });
    assert.deepEqual(supported(s), []);
    assert.ok(s.incomplete.some((n) => /stuck\.test could not be resolved: Resolving stuck\.test timed out/.test(n)), s.incomplete.join('\n'));
  });

  it('a name that does not exist: said once, no crash', async () => {
    const s = await scanTls({ host: 'missing.test', port: 9, servername: 'missing.test', timeoutMs: 200, lookup: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND missing.test'), { code: 'ENOTFOUND' })) });
    assert.deepEqual(supported(s), []);
    assert.ok(s.incomplete.some((n) => /ENOTFOUND/.test(n)), s.incomplete.join('\n'));
  });

  it('an SSL 2.0 hello left unanswered holds up nothing else: the TLS 1.2 elimination runs while it waits', async () => {
    let ssl2Open = false;
    let roundsWhileOpen = 0;
    const server = await startScriptedTlsServer((hello, socket) => {
      if (hello.ssl2) {
        ssl2Open = true;
        socket.once('close', () => (ssl2Open = false));
        return;
      }
      const suite = [0xc030, 0xc02f].find((id) => hello.suites.includes(id));
      if (hello.version !== 0x0303 || hello.versions.length > 0 || suite === undefined) return void socket.end(alertRecord(0x0303, 40));
      // The rounds after the version probe offer fewer suites than the version probe did.
      if (ssl2Open && !hello.suites.includes(0xc030)) roundsWhileOpen++;
      socket.write(tlsRecord(22, 0x0303, Buffer.concat([serverHello({ version: 0x0303, cipher: suite }), SERVER_HELLO_DONE])));
    });
    closers.push(() => server.close());
    const s = await scanTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', timeoutMs: 1500 });
    assert.deepEqual(s.ciphers.map((c) => c.name), ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
    assert.ok(roundsWhileOpen > 0, 'no elimination round came while the SSL 2.0 probe was still waiting');
    assert.match(s.protocols.find((p) => p.name === 'SSLv2')!.note ?? '', /timed out/);
  });

  it('cancelled: returns at once with what it had', async () => {
    const server = await startHostileTlsServer('silent');
    closers.push(() => server.close());
    const controller = new AbortController();
    const scanning = scanTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const s = await scanning;
    assert.ok(s.protocols.every((p) => !p.supported && /Cancelled/.test(p.note ?? '')), notes(s));
  });

  it('the time budget: a scan of a silent server stops when the budget runs out, with a note', async () => {
    const server = await startHostileTlsServer('silent');
    closers.push(() => server.close());
    const s = await scanTls({ host: '127.0.0.1', port: server.port, servername: 'localhost', timeoutMs: 60_000, budgetMs: 200 });
    assert.ok(s.incomplete.some((n) => /time limit \(200 ms\)/.test(n)), s.incomplete.join('\n'));
  });
});
