// The hand-written hellos (helloCodec.ts) and the reader of server answers (serverReply.ts), as
// pure code: what the hellos carry, and every shape of answer — split anywhere, with warnings
// before it, alerts, HelloRetryRequest, a whole flight, SSL 2.0 — plus the limits that keep a
// hostile server from making the reader buffer, and a fuzz run that must never throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { offerList } from '../../src/engine/tls/cipherSuites';
import { clientHello, SSL3, sslv2ClientHello, TLS10, TLS12, TLS13 } from '../../src/engine/tls/helloCodec';
import { ReplyReader } from '../../src/engine/tls/serverReply';
import type { Reply, Want } from '../../src/engine/tls/serverReply';
import { prng } from '../helpers/prng';
import { alertRecord, certificateMessage, handshakeMessage, parseClientHello, SERVER_HELLO_DONE, serverHello, tlsRecord, u16 } from '../helpers/scriptedTls';

const read = (bytes: Buffer, want: Want = 'hello', chunk = bytes.length): Reply => {
  const reader = new ReplyReader(want, 1 << 20);
  for (let at = 0; at < bytes.length; at += chunk) {
    const reply = reader.feed(bytes.subarray(at, at + chunk));
    if (reply) return reply;
  }
  return reader.end();
};

describe('ClientHellos', () => {
  it('TLS 1.2: record 3.1, client_version 3.3, every suite plus the renegotiation SCSV, SNI', () => {
    const bytes = clientHello({ version: TLS12, suites: offerList(false), servername: 'example.test' });
    assert.deepEqual([...bytes.subarray(0, 3)], [22, 3, 1]);
    const hello = parseClientHello(bytes);
    assert.ok(hello && hello !== 'more');
    assert.equal(hello.version, TLS12);
    assert.deepEqual(hello.suites, [...offerList(false), 0x00ff]);
    assert.equal(hello.servername, 'example.test');
    assert.deepEqual(hello.versions, []);
  });

  it('no SNI for an IP literal or null', () => {
    for (const servername of ['192.0.2.1', '::1', null]) {
      const hello = parseClientHello(clientHello({ version: TLS10, suites: [0x002f], servername }));
      assert.ok(hello && hello !== 'more' && hello.servername === null, String(servername));
    }
  });

  it('TLS 1.3: legacy version 3.3, supported_versions 3.4, an empty key_share unless given', () => {
    const hello = parseClientHello(clientHello({ version: TLS13, suites: offerList(true), servername: 'a.test', groups: [0x0104] }));
    assert.ok(hello && hello !== 'more');
    assert.deepEqual([hello.version, hello.versions, hello.groups, hello.keyShareGroups], [TLS12, [TLS13], [0x0104], []]);
    const shared = parseClientHello(clientHello({ version: TLS13, suites: [0x1301], servername: null, keyShares: [{ group: 0x001d, key: Buffer.alloc(32, 1) }] }));
    assert.ok(shared && shared !== 'more' && shared.keyShareGroups[0] === 0x001d);
  });

  it('SSL 3.0: record 3.0, no extensions at all', () => {
    const bytes = clientHello({ version: SSL3, suites: [0x000a], servername: 'a.test' });
    assert.deepEqual([...bytes.subarray(0, 3)], [22, 3, 0]);
    // record(5) + handshake header(4) + version(2) + random(32) + session id(1) + suites(2+4) + compression(2)
    assert.equal(bytes.length, 5 + 4 + 2 + 32 + 1 + 6 + 2);
  });

  it('a hello of 256–511 bytes is padded to 512 (the F5 workaround of RFC 7685)', () => {
    for (let n = 1; n < 200; n += 7) {
      const bytes = clientHello({ version: TLS12, suites: offerList(false).slice(0, n), servername: 'a.test' });
      const length = bytes.length - 5;
      assert.ok(length < 256 || length >= 512, `${n} suites: a ${length}-byte ClientHello`);
    }
  });

  it('SSL 2.0: two-byte header, CLIENT-HELLO, version 0.2, three-byte kinds, a challenge', () => {
    const hello = parseClientHello(sslv2ClientHello([0x010080, 0x0700c0]));
    assert.ok(hello && hello !== 'more');
    assert.deepEqual([hello.ssl2, hello.version, hello.suites], [true, 0x0002, [0x010080, 0x0700c0]]);
  });
});

const HELLO12 = serverHello({ version: TLS12, cipher: 0xc02f, extensions: [[16, Buffer.from([0, 3, 2, 0x68, 0x32])]] });

describe('reading the answer', () => {
  it('a ServerHello, whole or one byte at a time: version, suite, ALPN', () => {
    for (const chunk of [1, 3, 1000]) {
      const reply = read(tlsRecord(22, TLS12, HELLO12), 'hello', chunk);
      assert.ok(reply.kind === 'tls', JSON.stringify(reply));
      assert.deepEqual([reply.hello.version, reply.hello.cipher, reply.hello.alpn, reply.hello.helloRetry], [TLS12, 0xc02f, 'h2', false]);
    }
  });

  it('a warning alert before the ServerHello (unrecognized_name) is not a refusal', () => {
    const reply = read(Buffer.concat([alertRecord(TLS12, 112, 1), tlsRecord(22, TLS12, HELLO12)]));
    assert.equal(reply.kind, 'tls');
  });

  it('a fatal alert, or close_notify, is a refusal with its name', () => {
    const fatal = read(alertRecord(TLS12, 40));
    assert.ok(fatal.kind === 'refused' && /handshake_failure/.test(fatal.message));
    assert.equal(read(alertRecord(TLS12, 0, 1)).kind, 'refused');
  });

  it('a HelloRetryRequest: TLS 1.3 by supported_versions, its suite and selected group', () => {
    const hrr = serverHello({ version: TLS12, cipher: 0x1302, helloRetry: true, extensions: [[43, u16(TLS13)], [51, u16(0x0104)]] });
    const reply = read(tlsRecord(22, TLS12, hrr));
    assert.ok(reply.kind === 'tls');
    assert.deepEqual([reply.hello.version, reply.hello.helloRetry, reply.hello.cipher, reply.hello.group], [TLS13, true, 0x1302, 0x0104]);
  });

  it('a whole flight across records: the chain in order, the staple, the curve of an ECDHE key exchange', () => {
    const certs = [Buffer.from('leaf'), Buffer.from('intermediate')];
    const status = handshakeMessage(22, Buffer.concat([Buffer.from([1, 0, 0, 4]), Buffer.from('ocsp')]));
    const ske = handshakeMessage(12, Buffer.from([3, 0, 0x18, 1, 4]));
    const messages = Buffer.concat([HELLO12, certificateMessage(certs), status, ske, SERVER_HELLO_DONE]);
    const records = Buffer.concat([tlsRecord(22, TLS12, messages.subarray(0, 50)), tlsRecord(22, TLS12, messages.subarray(50))]);
    const reply = read(records, 'flight', 7);
    assert.ok(reply.kind === 'tls');
    assert.deepEqual(reply.certificates.map(String), ['leaf', 'intermediate']);
    assert.equal(String(reply.ocsp), 'ocsp');
    assert.equal(reply.keyExchangeGroup, 0x0018);
  });

  it('a DHE key exchange is not read as a curve, even when its prime length starts with 3', () => {
    const hello = serverHello({ version: TLS12, cipher: 0x009f });
    const ske = handshakeMessage(12, Buffer.from([3, 0, 0x18, 1, 4]));
    const reply = read(tlsRecord(22, TLS12, Buffer.concat([hello, ske, SERVER_HELLO_DONE])), 'keyExchange');
    assert.ok(reply.kind === 'tls' && reply.keyExchangeGroup === null);
  });

  it('SSL 2.0: the SERVER-HELLO lists its cipher kinds; an SSL 2.0 ERROR is a refusal', () => {
    const cert = Buffer.from('cert');
    const body = Buffer.concat([Buffer.from([4, 0, 1]), u16(2), u16(cert.length), u16(6), u16(0), cert, Buffer.from([1, 0, 0x80, 7, 0, 0xc0])]);
    const reply = read(Buffer.concat([Buffer.from([0x80, body.length]), body]), 'ssl2', 2);
    assert.ok(reply.kind === 'ssl2');
    assert.deepEqual([reply.version, reply.cipherKinds, String(reply.certificate)], [2, [0x010080, 0x0700c0], 'cert']);
    assert.equal(read(Buffer.from([0x80, 3, 0, 0, 1]), 'ssl2').kind, 'refused');
  });

  it('limits: an oversized record, an oversized message, too many bytes, not TLS at all', () => {
    assert.ok(read(Buffer.from([22, 3, 3, 0xff, 0xff])).kind === 'failed');
    assert.match(JSON.stringify(read(tlsRecord(22, TLS12, Buffer.from([2, 0x20, 0, 0])))), /handshake message/);
    const small = new ReplyReader('flight', 100);
    assert.equal(small.feed(tlsRecord(22, TLS12, Buffer.concat([HELLO12, certificateMessage([Buffer.alloc(200)])])))?.kind, 'failed');
    assert.match(JSON.stringify(read(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))), /not TLS/);
  });

  it('the connection ends: before anything, mid-answer, after a ServerHello without the rest of its flight', () => {
    assert.match(JSON.stringify(read(Buffer.alloc(0))), /without answering/);
    assert.match(JSON.stringify(read(tlsRecord(22, TLS12, HELLO12).subarray(0, 20))), /in the middle/);
    assert.equal(read(tlsRecord(22, TLS12, HELLO12), 'flight').kind, 'tls');
  });

  it('fuzz: mutated answers in random pieces never throw and always end in a reply', () => {
    const rand = prng(0x7157);
    const pick = (n: number): number => Math.floor(rand() * n);
    const seeds = [
      tlsRecord(22, TLS12, Buffer.concat([HELLO12, certificateMessage([Buffer.alloc(40, 1)]), SERVER_HELLO_DONE])),
      tlsRecord(22, TLS12, serverHello({ version: TLS12, cipher: 0x1301, helloRetry: true, extensions: [[43, u16(TLS13)], [51, u16(0x1d)]] })),
      alertRecord(TLS12, 40),
      Buffer.from([0x80, 14, 4, 0, 1, 0, 2, 0, 0, 0, 3, 0, 0, 1, 0, 0x80]),
    ];
    for (let i = 0; i < 5000; i++) {
      const input = Buffer.from(seeds[pick(seeds.length)]!);
      for (let n = 1 + pick(6); n > 0; n--) input[pick(input.length)] = pick(256);
      const cut = input.subarray(0, rand() < 0.2 ? pick(input.length) : input.length);
      const want = (['hello', 'keyExchange', 'flight', 'ssl2'] as const)[pick(4)]!;
      const reply = read(cut, want, 1 + pick(8));
      assert.ok(['tls', 'ssl2', 'refused', 'failed'].includes(reply.kind), `case ${i}`);
    }
  });
});
