// The DNS view models the engine makes: the hop diagram of a diagnosis' DNS (this machine, the
// stub resolver, each wire query) and of a lookup (resolvers, then the trace from the root), with
// each hop's status decided here, not in the view.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnosisDnsHops, lookupHops, withDnsHops } from '../../src/engine/dns/hops';
import type { DnsProbe } from '../../src/engine/dns/hops';
import type { DnsQueryResult, SystemResolverInfo, TraceHop, WireQuery } from '../../src/engine/model/dns';

function query(type: string, server: string, rcode: string | null, attempts: DnsQueryResult['attempts'] = [{ server, transport: 'udp', durationMs: 4, rcode, flags: ['RD', 'RA'] }]): DnsQueryResult {
  return { question: { name: 'www.example.test', type }, server, transport: 'udp', truncated: false, rcode, status: rcode === 'NOERROR' ? 'ok' : 'fail', flags: ['RD', 'RA'], edns: null, answers: [], authority: [], additional: [], durationMs: 4, attempts };
}
const wire = (type: 'A' | 'AAAA', server: string, rcode: string | null): WireQuery => ({ ...query(type, server, rcode), type, authoritative: false });
const summary = (hops: { label: string; status: string; durationMs?: number }[]): string[] => hops.map((h) => `${h.label}: ${h.status}${h.durationMs === undefined ? '' : ` ${h.durationMs} ms`}`);

describe("a diagnosis' DNS hops", () => {
  it('this machine, the stub resolver, then each wire query with the status the engine gave it', () => {
    const dns: DnsProbe = { system: { addresses: [{ address: '192.0.2.1', family: 4 }], durationMs: 3 }, wire: [wire('A', '10.0.0.53', 'NOERROR'), wire('AAAA', '10.0.0.53', 'NXDOMAIN')], cnameChain: [] };
    assert.deepEqual(summary(diagnosisDnsHops(dns)), ['This machine: ok', 'Stub resolver (getaddrinfo): ok 3 ms', 'Resolver 10.0.0.53 (A): ok 4 ms', 'Resolver 10.0.0.53 (AAAA): fail 4 ms']);
  });

  it('a failed system lookup fails its hop; a pinned name has none', () => {
    const failed: DnsProbe = { system: { addresses: [], durationMs: 2, error: { code: 'ENOTFOUND', message: 'not found' } }, wire: [], cnameChain: [] };
    assert.deepEqual(summary(diagnosisDnsHops(failed)), ['This machine: ok', 'Stub resolver (getaddrinfo): fail 2 ms']);
    const pinned: DnsProbe = { system: { addresses: [], durationMs: 0, skipped: 'pinned' }, pinned: [{ address: '127.0.0.1', family: 4 }], wire: [], cnameChain: [] };
    assert.deepEqual(summary(diagnosisDnsHops(pinned)), ['This machine: ok']);
  });

  it('withDnsHops keeps every field and adds the hops', () => {
    const dns: DnsProbe = { system: { addresses: [], durationMs: 1 }, wire: [wire('A', '10.0.0.53', 'SERVFAIL')], cnameChain: [{ name: 'a.test', target: 'b.test', ttl: 5 }] };
    const full = withDnsHops(dns);
    assert.deepEqual({ ...full, hops: undefined }, { ...dns, hops: undefined });
    assert.equal(full.hops.at(-1)?.status, 'fail');
  });
});

describe("a lookup's hops", () => {
  const system: SystemResolverInfo = { resolvConf: null, nsswitch: null, hostsEntries: [{ path: '/etc/hosts', line: 1, text: '10.0.0.7 www.example.test', address: '10.0.0.7' }], candidates: ['www.example.test'], answeredBy: 'www.example.test', answeredFrom: 'hosts', addresses: ['10.0.0.7'], durationMs: 2 };
  const traceHop = (zone: string, serverName: string, outcome: TraceHop['outcome']): TraceHop => ({ zone, name: 'www.example.test', type: 'A', server: '127.0.0.1:53', serverName, durationMs: 1, rcode: null, outcome, status: outcome === 'lame' ? 'fail' : 'ok', referral: [], ...(outcome === 'referral' ? { referralZone: 'test' } : {}), referralServers: [], answers: [], aa: false });

  it('a resolver that only failed or refused is a failed hop; one that answered anything is not', () => {
    const servfail = query('A', '10.0.0.1', 'SERVFAIL', [
      { server: '10.0.0.1', transport: 'udp', durationMs: 3, rcode: 'SERVFAIL', flags: ['RD', 'RA'] },
      { server: '10.0.0.2', transport: 'udp', durationMs: 5, rcode: 'NXDOMAIN', flags: ['RD', 'RA'] },
    ]);
    assert.deepEqual(summary(lookupHops(system, [servfail], [])), ['This machine: ok', 'Stub resolver (getaddrinfo): ok 2 ms', 'Recursive resolver 10.0.0.1: fail 3 ms', 'Recursive resolver 10.0.0.2: ok 5 ms']);
    assert.equal(lookupHops(system, [], [])[1]?.detail, 'hosts file /etc/hosts');
  });

  it('the trace from the root: a server that answered "no such name" did its part; a lame one did not', () => {
    const hops = lookupHops(null, [], [traceHop('.', 'a.root-servers.test', 'referral'), traceHop('test', 'ns1.lame.test', 'lame'), traceHop('example.test', 'ns1.example.test', 'nxdomain')]);
    assert.deepEqual(summary(hops), ['This machine: ok', 'Root: a.root-servers.test: ok 1 ms', 'Authoritative for test: ns1.lame.test: fail 1 ms', 'Authoritative for example.test: ns1.example.test: ok 1 ms']);
    assert.equal(hops[1]?.detail, 'refers to test');
  });
});
