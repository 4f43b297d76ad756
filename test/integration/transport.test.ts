import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import type { DnsAddress } from '../../src/engine/model/dns';
import type { ConnectionResult } from '../../src/engine/model/report';
import { connectTcp, startConnects, transportFindings } from '../../src/engine/transport';
import { closedPort, startBlackholeServer, startTcpServer } from '../helpers/servers';
import type { RawTcpServer, RunningServer } from '../helpers/servers';

const now = (): number => performance.now();
const V4: DnsAddress = { address: '127.0.0.1', family: 4 };
const V6: DnsAddress = { address: '::1', family: 6 };
const idle = (): undefined => undefined;

/** Waits until `check` holds, polling, for at most `ms`. */
async function eventually(check: () => boolean, ms = 1000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('connectTcp', () => {
  let v4: RawTcpServer;
  let v6: RawTcpServer;
  let blackhole: RunningServer;
  before(async () => {
    v4 = await startTcpServer(idle, '127.0.0.1');
    v6 = await startTcpServer(idle, '::1');
    blackhole = await startBlackholeServer('127.0.0.1');
  });
  after(async () => {
    await v4.close();
    await v6.close();
    await blackhole.close();
  });

  it('connects over IPv4 and records the local end and the duration', async () => {
    const { result, socket } = await connectTcp('127.0.0.1', 4, v4.port, { timeoutMs: 2000, now });
    try {
      assert.equal(result.ok, true);
      assert.equal(result.error, undefined);
      assert.equal(result.address, '127.0.0.1');
      assert.equal(result.port, v4.port);
      assert.equal(result.localAddress, '127.0.0.1');
      assert.ok(result.localPort !== undefined && result.localPort > 0);
      assert.ok(result.durationMs >= 0 && result.durationMs < 2000);
      assert.ok(socket && !socket.destroyed);
      assert.equal(socket.remotePort, v4.port);
      await eventually(() => v4.connections() === 1);
      socket.destroy();
    } finally {
      socket?.destroy();
    }
  });

  it('connects over IPv6', async () => {
    const { result, socket } = await connectTcp('::1', 6, v6.port, { timeoutMs: 2000, now });
    socket?.destroy();
    assert.equal(result.ok, true);
    assert.equal(result.family, 6);
    assert.equal(result.localAddress, '::1');
  });

  it('reports a refused connection in plain words, with no socket left', async () => {
    const port = await closedPort();
    const { result, socket } = await connectTcp('127.0.0.1', 4, port, { timeoutMs: 2000, now });
    assert.equal(socket, null);
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'ECONNREFUSED');
    assert.equal(result.error?.message, `refused: nothing listens on 127.0.0.1:${port} or a firewall rejects the connection`);
    const v6port = await closedPort('::1');
    const r6 = await connectTcp('::1', 6, v6port, { timeoutMs: 2000, now });
    assert.match(r6.result.error?.message ?? '', new RegExp(`\\[::1\\]:${v6port}`));
  });

  it('a port Node refuses fails at once, with no socket or handle left behind', async () => {
    const tcpHandles = (): number => (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().filter((h) => h.constructor.name === 'Socket').length;
    // Earlier tests' sockets may still be closing: count once they have.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = tcpHandles();
    const { result, socket } = await connectTcp('127.0.0.1', 4, 65536, { timeoutMs: 2000, now });
    assert.equal(socket, null);
    assert.equal(result.error?.code, 'ERR_SOCKET_BAD_PORT');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(tcpHandles() <= before, `${tcpHandles()} socket handles open, ${before} before`);
  });

  it('times out on its own deadline when SYNs are dropped', async () => {
    const start = now();
    const { result, socket } = await connectTcp('127.0.0.1', 4, blackhole.port, { timeoutMs: 300, now });
    assert.equal(socket, null);
    assert.equal(result.error?.code, 'ETIMEDOUT');
    assert.equal(result.error?.message, 'timed out after 300 ms: filtered by a firewall, a wrong route, or the host is down');
    assert.ok(now() - start >= 290 && now() - start < 1500, `ended at the deadline (${now() - start} ms)`);
  });

  it('stops at once when cancelled while connecting, and before starting', async () => {
    const controller = new AbortController();
    const start = now();
    setTimeout(() => controller.abort(), 50);
    const { result, socket } = await connectTcp('127.0.0.1', 4, blackhole.port, { timeoutMs: 5000, now, signal: controller.signal });
    assert.equal(socket, null);
    assert.equal(result.error?.code, 'CANCELLED');
    assert.ok(now() - start < 1000, 'did not wait for the deadline');

    const before = v4.connections();
    const pre = await connectTcp('127.0.0.1', 4, v4.port, { timeoutMs: 5000, now, signal: AbortSignal.abort() });
    assert.equal(pre.result.error?.code, 'CANCELLED');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(v4.connections(), before, 'no connection was made');
  });
});

describe('startConnects', () => {
  let a: RawTcpServer;
  let b: RawTcpServer;
  let hole: RunningServer;
  let port: number;
  const A: DnsAddress = { address: '127.0.0.1', family: 4 };
  const B: DnsAddress = { address: '127.0.0.2', family: 4 };
  const H: DnsAddress = { address: '127.0.0.3', family: 4 };
  const R: DnsAddress = { address: '127.0.0.4', family: 4 };

  before(async () => {
    // The same port on several loopback addresses: one name, several A records.
    a = await startTcpServer(idle, '127.0.0.1');
    port = a.port;
    b = await startTcpServer(idle, '127.0.0.2', port);
    hole = await startBlackholeServer('127.0.0.3', port);
  });
  after(async () => {
    await a.close();
    await b.close();
    await hole.close();
  });

  const opts = { concurrency: 4, timeoutMs: 400, now };

  it('gives every result in input order, reports each as it ends, and closes all sockets but the primary', async () => {
    const seen: string[] = [];
    const closedBefore = b.closedByClient();
    const run = startConnects([H, A, R, B], port, { ...opts, onResult: (r) => seen.push(`${r.address}:${r.ok}`) });
    const primary = await run.primary;
    const results = await run.done;
    try {
      assert.deepEqual(results.map((r) => [r.address, r.ok, r.error?.code]), [
        ['127.0.0.3', false, 'ETIMEDOUT'],
        ['127.0.0.1', true, undefined],
        ['127.0.0.4', false, 'ECONNREFUSED'],
        ['127.0.0.2', true, undefined],
      ]);
      assert.equal(primary?.result.address, '127.0.0.1');
      assert.equal(primary?.socket.destroyed, false);
      assert.equal(seen.length, 4);
      assert.ok(seen.includes('127.0.0.1:true') && seen.includes('127.0.0.2:true'));
      // Completion order: the blackhole ends last, at its deadline.
      assert.equal(seen.at(-1), '127.0.0.3:false');
      await eventually(() => b.closedByClient() === closedBefore + 1);
    } finally {
      primary?.socket.destroy();
    }
  });

  it('honours the concurrency bound and cancellation', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const start = now();
    const results = await startConnects([H, H, A], port, { ...opts, timeoutMs: 5000, concurrency: 1, signal: controller.signal }).done;
    assert.ok(now() - start < 1000);
    assert.deepEqual(results.map((r) => r.error?.code), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    assert.equal(results[2]?.durationMs, 0, 'the queued address never started');
  });

  it('startConnects hands over the first address as soon as it connects, without waiting for slow ones', async () => {
    const start = now();
    const run = startConnects([A, H], port, opts);
    const primary = await run.primary;
    const primaryAt = now() - start;
    try {
      assert.equal(primary?.index, 0);
      assert.equal(primary?.result.address, '127.0.0.1');
      assert.equal(primary?.socket.destroyed, false);
      assert.ok(primaryAt < 200, `primary after ${primaryAt} ms, before the blackhole's 400 ms deadline`);
      const results = await run.done;
      assert.ok(now() - start >= 390, 'done waits for every address');
      assert.deepEqual(results.map((r) => r.ok), [true, false]);
    } finally {
      primary?.socket.destroy();
    }
  });

  it('startConnects keeps OS order: a later address that connects first waits for the earlier one to fail', async () => {
    const closedBefore = b.closedByClient();
    const run = startConnects([H, R, B, A], port, opts);
    const primary = await run.primary;
    try {
      assert.equal(primary?.index, 2);
      assert.equal(primary?.result.address, '127.0.0.2');
      const results = await run.done;
      assert.deepEqual(results.map((r) => r.error?.code ?? 'ok'), ['ETIMEDOUT', 'ECONNREFUSED', 'ok', 'ok']);
      assert.equal(primary?.socket.destroyed, false, 'the primary socket stays open');
      // 127.0.0.1 connected too, and was closed because 127.0.0.2 comes first.
      await eventually(() => a.closedByClient() >= 1);
      assert.equal(b.closedByClient(), closedBefore);
    } finally {
      primary?.socket.destroy();
    }
  });

  it('startConnects gives null when no address connects, and for no addresses', async () => {
    const run = startConnects([R], port, opts);
    assert.equal(await run.primary, null);
    assert.equal((await run.done)[0]?.error?.code, 'ECONNREFUSED');
    const empty = startConnects([], port, opts);
    assert.equal(await empty.primary, null);
    assert.deepEqual(await empty.done, []);
  });
});

describe('localhost on one family only (real sockets)', () => {
  let onlyV4: RawTcpServer;
  let onlyV6: RawTcpServer;
  before(async () => {
    onlyV4 = await startTcpServer(idle, '127.0.0.1');
    onlyV6 = await startTcpServer(idle, '::1');
  });
  after(async () => {
    await onlyV4.close();
    await onlyV6.close();
  });

  it('a server on 127.0.0.1 only: ::1 is refused and the finding explains why', async () => {
    const run = startConnects([V6, V4], onlyV4.port, { concurrency: 2, timeoutMs: 2000, now });
    const results = await run.done;
    (await run.primary)?.socket.destroy();
    assert.deepEqual(results.map((r) => [r.address, r.ok, r.error?.code]), [
      ['::1', false, 'ECONNREFUSED'],
      ['127.0.0.1', true, undefined],
    ]);
    const findings = transportFindings('localhost', results);
    assert.deepEqual(findings.map((f) => f.code), ['TCP_LOCALHOST_FAMILY_MISMATCH']);
    assert.equal(
      findings[0]?.message,
      "localhost resolves to ::1 and 127.0.0.1; the server accepts on 127.0.0.1 only; clients that try ::1 first (Node 17+, curl, browsers…) get 'connection refused'.",
    );
    assert.equal(findings[0]?.severity, 'warning');
    // The same results for another name are two separate problems.
    assert.deepEqual(transportFindings('api.example.com', results).map((f) => f.code), ['TCP_REFUSED', 'TCP_SOME_ADDRESSES_FAILED']);
  });

  it('a server on ::1 only: 127.0.0.1 is refused', async () => {
    const run = startConnects([V6, V4], onlyV6.port, { concurrency: 2, timeoutMs: 2000, now });
    const results = await run.done;
    (await run.primary)?.socket.destroy();
    assert.deepEqual(results.map((r) => r.ok), [true, false]);
    const [f] = transportFindings('localhost', results);
    assert.equal(f?.code, 'TCP_LOCALHOST_FAMILY_MISMATCH');
    assert.match(f?.message ?? '', /accepts on ::1 only; clients that try 127\.0\.0\.1 first/);
  });
});

describe('transportFindings rules', () => {
  const ok = (address: string, family: 4 | 6 = 4): ConnectionResult => ({ address, family, port: 443, ok: true, durationMs: 1 });
  const bad = (address: string, code: string, family: 4 | 6 = 4): ConnectionResult => ({ address, family, port: 443, ok: false, durationMs: 1, error: { code, message: `${code} message` } });

  it('says nothing when every address works', () => {
    assert.deepEqual(transportFindings('example.com', [ok('192.0.2.1'), ok('2001:db8::1', 6)]), []);
    assert.deepEqual(transportFindings('example.com', []), []);
  });

  it('maps each error code to its finding, one per failing address', () => {
    const findings = transportFindings('example.com', [
      bad('192.0.2.1', 'ECONNREFUSED'),
      bad('192.0.2.2', 'ETIMEDOUT'),
      bad('2001:db8::3', 'ENETUNREACH', 6),
      bad('192.0.2.4', 'EHOSTUNREACH'),
      bad('192.0.2.5', 'ECONNRESET'),
      bad('192.0.2.6', 'EADDRNOTAVAIL'),
    ]);
    assert.deepEqual(findings.map((f) => [f.code, f.subject]), [
      ['TCP_REFUSED', '192.0.2.1'],
      ['TCP_TIMEOUT', '192.0.2.2'],
      ['TCP_UNREACHABLE', '2001:db8::3'],
      ['TCP_UNREACHABLE', '192.0.2.4'],
      ['TCP_RESET', '192.0.2.5'],
      ['TCP_UNREACHABLE', '192.0.2.6'],
    ]);
    assert.equal(findings[2]?.message, '[2001:db8::3]:443: ENETUNREACH message');
    assert.ok(findings.every((f) => f.layer === 'transport' && f.severity === 'error'));
  });

  it('merges addresses that all failed the same way', () => {
    const findings = transportFindings('example.com', [bad('192.0.2.1', 'ETIMEDOUT'), bad('192.0.2.2', 'ETIMEDOUT')]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.code, 'TCP_TIMEOUT');
    assert.equal(findings[0]?.subject, 'example.com');
    assert.match(findings[0]?.message ?? '', /All 2 addresses of example\.com.*192\.0\.2\.1.*192\.0\.2\.2/);
  });

  it('adds TCP_SOME_ADDRESSES_FAILED when some work', () => {
    const findings = transportFindings('example.com', [ok('192.0.2.1'), bad('192.0.2.2', 'ETIMEDOUT'), bad('192.0.2.3', 'ETIMEDOUT')]);
    assert.deepEqual(findings.map((f) => f.code), ['TCP_TIMEOUT', 'TCP_TIMEOUT', 'TCP_SOME_ADDRESSES_FAILED']);
    const some = findings[2]!;
    assert.equal(some.severity, 'warning');
    assert.equal(some.subject, 'example.com');
    assert.equal(some.message, 'example.com: 2 of 3 addresses fail (192.0.2.2, 192.0.2.3); 192.0.2.1 accepts connections.');
  });

  it('leaves cancelled connects to the orchestrator', () => {
    assert.deepEqual(transportFindings('example.com', [bad('192.0.2.1', 'CANCELLED'), ok('192.0.2.2')]), []);
  });

  it('reports localhost mismatch only when exactly one family works', () => {
    assert.equal(transportFindings('LOCALHOST', [bad('::1', 'ECONNREFUSED', 6), ok('127.0.0.1')])[0]?.code, 'TCP_LOCALHOST_FAMILY_MISMATCH');
    // Both families partly broken, or only one family present: not a family mismatch.
    assert.deepEqual(transportFindings('localhost', [bad('::1', 'ECONNREFUSED', 6), bad('127.0.0.1', 'ECONNREFUSED')]).map((f) => f.code), ['TCP_REFUSED']);
    assert.deepEqual(transportFindings('localhost', [ok('127.0.0.1'), bad('127.0.0.2', 'ECONNREFUSED')]).map((f) => f.code), ['TCP_REFUSED', 'TCP_SOME_ADDRESSES_FAILED']);
    assert.match(transportFindings('localhost', [bad('::1', 'ETIMEDOUT', 6), ok('127.0.0.1')])[0]?.message ?? '', /get an error \(ETIMEDOUT message\)/);
  });
});
