// wireQuery against a real DNS server on loopback: answers, rcodes, TCP fallback, timeouts,
// spoofed or broken answers, cancellation, and IPv6 transport.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { wireQuery } from '../../src/engine/dns/wire';
import { startDnsServer } from '../helpers/dnsServer';
import type { TestDnsServer } from '../helpers/dnsServer';

const now = (): number => performance.now();
const fast = { timeoutMs: 1000, now };

describe('wireQuery over loopback', () => {
  let dns: TestDnsServer;

  before(async () => {
    dns = await startDnsServer({
      zone: {
        'www.example.test': [{ type: 'CNAME', data: 'edge.example.test', ttl: 30 }],
        'edge.example.test': [{ type: 'CNAME', data: 'Web.Example.Test', ttl: 40 }],
        'web.example.test': [
          { type: 'A', data: '192.0.2.10', ttl: 60 },
          { type: 'A', data: '192.0.2.11', ttl: 60 },
          { type: 'AAAA', data: '2001:db8::10', ttl: 70 },
        ],
        'txt.example.test': [{ type: 'TXT', data: 'v=spf1 -all' }],
        'big.example.test': [{ type: 'A', data: '192.0.2.20' }],
        'split.example.test': [{ type: 'A', data: '192.0.2.21' }],
        'spoofed.example.test': [{ type: 'A', data: '192.0.2.30' }],
        'slow.example.test': [{ type: 'A', data: '192.0.2.40' }],
      },
      behaviours: {
        'gone.example.test': { nxdomain: true },
        'broken.example.test': { servfail: true },
        'private.example.test': { refused: true },
        'silent.example.test': { silent: true },
        'big.example.test': { truncate: true },
        'split.example.test': { truncate: true, tcpSplit: true },
        'early.example.test': { truncate: true, tcpCloseEarly: true },
        'junk-tcp.example.test': { truncate: true, tcpGarbage: true },
        'reset.example.test': { truncate: true, tcpRefused: true },
        'garbage.example.test': { garbage: true },
        'wrongid.example.test': { wrongId: true },
        'wrongq.example.test': { wrongQuestion: true },
        'spoofed.example.test': { wrongId: true, wrongQuestion: true, garbage: true, thenAnswer: true },
        'slow.example.test': { delayMs: 150 },
      },
    });
  });
  after(() => dns.close());

  it('answers A with every record, the server name and the AA flag', async () => {
    const r = await wireQuery(dns.server, 'web.example.test', 'A', fast);
    assert.equal(r.error, undefined);
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.transport, 'udp');
    assert.equal(r.truncated, false);
    assert.equal(r.authoritative, true);
    assert.equal(r.server, `${dns.address}:${dns.port}`);
    assert.deepEqual(
      r.answers.map((a) => [a.type, a.data, a.ttl]),
      [
        ['A', '192.0.2.10', 60],
        ['A', '192.0.2.11', 60],
      ],
    );
    assert.ok(r.durationMs >= 0 && r.durationMs < 1000);
  });

  it('keeps the whole query result: question, status, header flags, EDNS, every section, the attempt', async () => {
    const r = await wireQuery(dns.server, 'web.example.test', 'A', fast);
    assert.deepEqual(r.question, { name: 'web.example.test', type: 'A' });
    assert.equal(r.type, r.question.type);
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.flags, ['AA', 'RD', 'RA']);
    assert.equal(r.authoritative, r.flags.includes('AA'));
    assert.ok(Array.isArray(r.authority) && Array.isArray(r.additional));
    assert.equal(r.edns, null, 'the test server sends no OPT record');
    assert.deepEqual(r.attempts.map((a) => [a.server, a.transport, a.rcode]), [[r.server, 'udp', 'NOERROR']]);
    assert.doesNotThrow(() => JSON.stringify(r));
  });

  it('answers AAAA', async () => {
    const r = await wireQuery(dns.server, 'web.example.test', 'AAAA', fast);
    assert.deepEqual(r.answers, [{ name: 'web.example.test', type: 'AAAA', ttl: 70, data: '2001:db8::10' }]);
  });

  it('returns the CNAME chain with each TTL, in order, and matches the name case-insensitively', async () => {
    const r = await wireQuery(dns.server, 'WWW.Example.TEST.', 'A', fast);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(
      r.answers.map((a) => `${a.name} ${a.ttl} ${a.type} ${a.data}`),
      [
        // The query goes out lower-case; names inside answers keep the zone's case.
        'www.example.test 30 CNAME edge.example.test',
        'edge.example.test 40 CNAME Web.Example.Test',
        'Web.Example.Test 60 A 192.0.2.10',
        'Web.Example.Test 60 A 192.0.2.11',
      ],
    );
  });

  it('gives NOERROR with no records when the name has no record of the type', async () => {
    const r = await wireQuery(dns.server, 'txt.example.test', 'AAAA', fast);
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.status, 'ok', 'NODATA is an answer');
    assert.deepEqual(r.answers, []);
  });

  for (const [name, rcode] of [
    ['gone.example.test', 'NXDOMAIN'],
    ['nowhere.example.test', 'NXDOMAIN'],
    ['broken.example.test', 'SERVFAIL'],
    ['private.example.test', 'REFUSED'],
  ] as const) {
    it(`reports ${rcode} for ${name} as an rcode, not an error`, async () => {
      const r = await wireQuery(dns.server, name, 'A', fast);
      assert.equal(r.rcode, rcode);
      assert.equal(r.status, 'fail');
      assert.equal(r.error, undefined);
      assert.deepEqual(r.answers, []);
    });
  }

  it('retries over TCP when the UDP answer is truncated', async () => {
    const before = dns.count('big.example.test', 'tcp');
    const r = await wireQuery(dns.server, 'big.example.test', 'A', fast);
    assert.equal(r.error, undefined);
    assert.equal(r.truncated, true);
    assert.equal(r.transport, 'tcp');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.20']);
    assert.equal(dns.count('big.example.test', 'tcp'), before + 1);
  });

  it('reads a TCP answer that arrives in several segments', async () => {
    const r = await wireQuery(dns.server, 'split.example.test', 'A', fast);
    assert.equal(r.error, undefined);
    assert.equal(r.transport, 'tcp');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.21']);
  });

  it('turns a TCP peer that closes mid-answer into DNS_BAD_RESPONSE', async () => {
    const r = await wireQuery(dns.server, 'early.example.test', 'A', fast);
    assert.equal(r.rcode, null);
    assert.equal(r.error?.code, 'DNS_BAD_RESPONSE');
    assert.match(r.error.message, /closed the connection after \d+ byte/);
  });

  it('turns undecodable TCP bytes into DNS_BAD_RESPONSE', async () => {
    const r = await wireQuery(dns.server, 'junk-tcp.example.test', 'A', fast);
    assert.equal(r.error?.code, 'DNS_BAD_RESPONSE');
    assert.equal(r.transport, 'tcp');
  });

  it('reports a reset TCP retry with its system code', async () => {
    const r = await wireQuery(dns.server, 'reset.example.test', 'A', fast);
    assert.equal(r.rcode, null);
    assert.equal(r.error?.code, 'ECONNRESET');
  });

  it('times out on a silent server with DNS_TIMEOUT, within the timeout', async () => {
    const start = now();
    const r = await wireQuery(dns.server, 'silent.example.test', 'A', { timeoutMs: 300, now });
    const took = now() - start;
    assert.equal(r.rcode, null);
    assert.equal(r.error?.code, 'DNS_TIMEOUT');
    assert.match(r.error.message, /within 300 ms/);
    assert.ok(took >= 290 && took < 600, `took ${took} ms`);
    // The query is retransmitted over UDP before giving up.
    assert.ok(dns.count('silent.example.test', 'udp') >= 3);
  });

  it('waits for a slow server within the timeout', async () => {
    const r = await wireQuery(dns.server, 'slow.example.test', 'A', fast);
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.40']);
    assert.ok(r.durationMs >= 140, `durationMs ${r.durationMs}`);
  });

  for (const name of ['garbage.example.test', 'wrongid.example.test', 'wrongq.example.test']) {
    it(`ignores a bad answer (${name}) and ends with DNS_BAD_RESPONSE`, async () => {
      const r = await wireQuery(dns.server, name, 'A', { timeoutMs: 300, now });
      assert.equal(r.rcode, null);
      assert.equal(r.error?.code, 'DNS_BAD_RESPONSE');
      assert.match(r.error.message, /unusable repl(y|ies) to the query/);
    });
  }

  it('times the answer when its datagram arrived, however much later it is read (defer)', async () => {
    const r = await wireQuery(dns.server, 'web.example.test', 'A', { ...fast, defer: (read) => setTimeout(read, 300) });
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.10', '192.0.2.11']);
    assert.ok(r.durationMs < 150, `durationMs ${r.durationMs}: the 300 ms before it was read are not the server's`);
  });

  it('an answer that arrived in time counts when its reading is deferred past the deadline', async () => {
    const r = await wireQuery(dns.server, 'web.example.test', 'A', { timeoutMs: 200, now, defer: (read) => setTimeout(read, 1000) });
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.error, undefined);
  });

  it('takes the good answer that follows bad ones', async () => {
    const r = await wireQuery(dns.server, 'spoofed.example.test', 'A', fast);
    assert.equal(r.error, undefined);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers.map((a) => a.data), ['192.0.2.30']);
  });

  it('ends at once when cancelled', async () => {
    const controller = new AbortController();
    const start = now();
    setTimeout(() => controller.abort(), 50);
    const r = await wireQuery(dns.server, 'silent.example.test', 'A', { signal: controller.signal, timeoutMs: 5000, now });
    const took = now() - start;
    assert.equal(r.error?.code, 'CANCELLED');
    assert.ok(took < 500, `took ${took} ms`);
  });

  it('does not send anything when the signal is already aborted', async () => {
    const before = dns.count('web.example.test');
    const r = await wireQuery(dns.server, 'web.example.test', 'A', { signal: AbortSignal.abort(), timeoutMs: 1000, now });
    assert.equal(r.error?.code, 'CANCELLED');
    assert.equal(dns.count('web.example.test'), before);
  });

  it('rejects a server that is not an IP address or has a bad port', async () => {
    assert.equal((await wireQuery({ address: 'dns.example.test', port: 53 }, 'web.example.test', 'A', fast)).error?.code, 'EINVAL');
    assert.equal((await wireQuery({ address: '127.0.0.1', port: 0 }, 'web.example.test', 'A', fast)).error?.code, 'EINVAL');
  });

  it('rejects an invalid name without sending', async () => {
    const r = await wireQuery(dns.server, `${'a'.repeat(64)}.example.test`, 'A', fast);
    assert.equal(r.error?.code, 'EINVAL');
    assert.equal(r.status, 'fail');
    assert.deepEqual(r.attempts, []);
  });
});

describe('wireQuery edge servers', () => {
  it('reports ECONNREFUSED when nothing listens on the UDP port', async () => {
    const dns = await startDnsServer();
    const port = dns.port;
    await dns.close();
    const r = await wireQuery({ address: '127.0.0.1', port }, 'web.example.test', 'A', fast);
    assert.equal(r.rcode, null);
    // The connected UDP socket turns ICMP port-unreachable into ECONNREFUSED instead of a timeout.
    assert.equal(r.error?.code, 'ECONNREFUSED');
    assert.ok(r.durationMs < 500, `durationMs ${r.durationMs}`);
  });

  it('reports ECONNREFUSED when a truncated answer cannot be retried over TCP', async () => {
    const dns = await startDnsServer({ tcp: false, zone: { 'big.test': [{ type: 'A', data: '192.0.2.1' }] }, behaviours: { 'big.test': { truncate: true } } });
    try {
      const r = await wireQuery(dns.server, 'big.test', 'A', fast);
      assert.equal(r.truncated, true);
      assert.equal(r.transport, 'tcp');
      assert.equal(r.error?.code, 'ECONNREFUSED');
    } finally {
      await dns.close();
    }
  });

  it('queries an IPv6 loopback server over UDP and TCP', async () => {
    const dns = await startDnsServer({
      host: '::1',
      zone: { 'v6.test': [{ type: 'AAAA', data: '2001:db8::1' }], 'big6.test': [{ type: 'AAAA', data: '2001:db8::2' }] },
      behaviours: { 'big6.test': { truncate: true } },
    });
    try {
      const udp = await wireQuery(dns.server, 'v6.test', 'AAAA', fast);
      assert.equal(udp.error, undefined);
      assert.equal(udp.server, `[::1]:${dns.port}`);
      assert.deepEqual(udp.answers.map((a) => a.data), ['2001:db8::1']);
      const tcp = await wireQuery(dns.server, 'big6.test', 'AAAA', fast);
      assert.equal(tcp.transport, 'tcp');
      assert.deepEqual(tcp.answers.map((a) => a.data), ['2001:db8::2']);
      // The answer's source (::1) is matched against a server address written in long form.
      const long = await wireQuery({ address: '0:0:0:0:0:0:0:1', port: dns.port }, 'v6.test', 'AAAA', fast);
      assert.equal(long.error, undefined);
      assert.deepEqual(long.answers.map((a) => a.data), ['2001:db8::1']);
    } finally {
      await dns.close();
    }
  });
});
