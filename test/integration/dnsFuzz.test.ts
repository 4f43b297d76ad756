// Fuzzing the decoder path with mutated real responses (fixed seed, so a failure reproduces):
// decodeMessage must return a message or a reason for every input, never throw or hang, and the
// full exchange over a real UDP socket must end as data (an answer or DNS_BAD_RESPONSE/timeout).
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { decodeMessage } from '../../src/engine/dns/codec';
import { queryServers } from '../../src/engine/dns/query';
import { encodeSvcb } from '../helpers/svcb';
import { authoritativeAnswer, defaultHierarchy } from '../helpers/dnsHierarchy';
import { prng } from '../helpers/prng';

/** Real responses of the test hierarchy's servers: referrals, answers, CNAMEs, HTTPS, big TXT. */
function corpus(): Buffer[] {
  const servers = defaultHierarchy();
  const out: Buffer[] = [];
  const questions: [string, string][] = [['www.example.test', 'A'], ['example.test', 'UNKNOWN_65'], ['example.test', 'MX'], ['big.example.test', 'TXT'], ['_sip._tcp.example.test', 'SRV'], ['example.test', 'CAA'], ['example.test', 'DS'], ['www.split.test', 'A'], ['nothing.example.test', 'A'], ['example.test', 'DNSKEY']];
  for (const server of servers) {
    for (const [name, type] of questions) {
      const q = { name, type: type as dnsPacket.RecordType, class: 'IN' as const };
      const r = authoritativeAnswer(server.zones, q);
      out.push(dnsPacket.encode({ type: 'response', id: 4242, flags: r.rcode | dnsPacket.AUTHORITATIVE_ANSWER, questions: [q], answers: r.answers, authorities: r.authorities ?? [], additionals: r.additionals ?? [] }));
    }
  }
  out.push(dnsPacket.encode({ type: 'response', id: 4242, questions: [{ name: 'svc.test', type: 'UNKNOWN_64' as dnsPacket.RecordType }], answers: [{ type: 'UNKNOWN_64', name: 'svc.test', ttl: 1, data: encodeSvcb({ priority: 2, target: 'x.test', alpn: ['h2'], ipv4hint: ['192.0.2.1'] }) } as unknown as dnsPacket.Answer] }));
  return out;
}

function mutate(buf: Buffer, rand: () => number): Buffer {
  const b = Buffer.from(buf);
  const n = 1 + Math.floor(rand() * 4);
  let out = b;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * out.length);
    switch (Math.floor(rand() * 6)) {
      case 0:
        out[at] = (out[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
        break;
      case 1:
        out[at] = Math.floor(rand() * 256);
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3: {
        // A compression pointer to anywhere, often forward or to itself (loops).
        const target = Math.floor(rand() * Math.max(out.length, 1));
        if (at + 1 < out.length) {
          out[at] = 0xc0 | ((target >> 8) & 0x3f);
          out[at + 1] = target & 0xff;
        }
        break;
      }
      case 4:
        out = Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), out.subarray(at)]);
        break;
      default:
        // Section counts blown up.
        if (out.length >= 12) out.writeUInt16BE(Math.floor(rand() * 65536), 4 + 2 * Math.floor(rand() * 4));
    }
  }
  return out;
}

describe('decoder fuzz', () => {
  it('decodes 20000 mutated real responses without throwing, each in bounded time', () => {
    const rand = prng(0x5eed);
    const inputs = corpus();
    let decoded = 0;
    let rejected = 0;
    let slowest = 0;
    for (let i = 0; i < 20000; i++) {
      const input = mutate(inputs[i % inputs.length]!, rand);
      const start = performance.now();
      const m = decodeMessage(input);
      slowest = Math.max(slowest, performance.now() - start);
      if (typeof m === 'string') rejected++;
      else {
        decoded++;
        // What the views do with it must not throw either.
        JSON.stringify(m);
      }
    }
    assert.ok(decoded > 1000 && rejected > 1000, `decoded ${decoded}, rejected ${rejected}: the mutations must exercise both paths`);
    // A loop in the decoder would take the whole run; a GC pause or a busy machine only one decode.
    assert.ok(slowest < 1000, `slowest decode took ${slowest} ms`);
  });
});

describe('exchange fuzz over UDP', () => {
  let server: dgram.Socket;
  let port = 0;
  const rand = prng(0xd15);
  const inputs = corpus();

  before(async () => {
    server = dgram.createSocket('udp4');
    server.on('message', (msg, rinfo) => {
      // Keep the query's ID and question so most mutations reach the decoder past the ID check.
      const base = inputs[Math.floor(rand() * inputs.length)]!;
      const q = dnsPacket.decode(msg);
      const answer = dnsPacket.decode(base);
      const reply = dnsPacket.encode({ ...answer, id: q.id ?? 0, questions: q.questions ?? [] });
      server.send(mutate(reply, rand), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    port = server.address().port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('ends every one of 400 queries as data within its timeout', async () => {
    let answered = 0;
    let bad = 0;
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => queryServers([{ address: '127.0.0.1', port }], { name: 'fuzz.test', type: 'A', rd: true }, { timeoutMs: 150, now: () => performance.now() })),
      );
      for (const r of results) {
        assert.ok(r.durationMs < 1000, `took ${r.durationMs} ms`);
        if (r.error === undefined) answered++;
        else {
          assert.ok(['DNS_BAD_RESPONSE', 'DNS_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET'].includes(r.error.code), `unexpected ${r.error.code}: ${r.error.message}`);
          bad++;
        }
      }
    }
    assert.ok(answered > 0 && bad > 0, `answered ${answered}, bad ${bad}`);
  });
});
