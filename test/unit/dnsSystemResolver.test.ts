// The system resolver explained, with injected files and an injected lookup (no real DNS):
// hosts-file lines, nsswitch order, search-list expansions and which one answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparisonFindings } from '../../src/engine/dns/compare';
import { explainSystemResolver, findHostsEntries, parseNsswitchHosts, searchCandidates } from '../../src/engine/dns/systemResolver';
import type { ComparisonRow } from '../../src/engine/model/dns';
import type { LookupFn } from '../../src/engine/options';

const files = (map: Record<string, string>) => (path: string): string => {
  const text = map[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
  return text;
};

/** A lookup that knows only `names` (trailing dot ignored) and records what it was asked. */
function fakeLookup(names: Record<string, string>, asked: string[]): LookupFn {
  return async (host) => {
    asked.push(host);
    const address = names[host.replace(/\.$/, '')];
    if (address === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
}

const base = { timeoutMs: 500, now: () => performance.now(), platform: 'linux' as const };

describe('system resolver pieces', () => {
  it('expands search domains per ndots (resolv.conf(5))', () => {
    assert.deepEqual(searchCandidates('db', ['corp.test', 'test'], 1), ['db.corp.test', 'db.test', 'db']);
    assert.deepEqual(searchCandidates('db.svc', ['corp.test'], 1), ['db.svc', 'db.svc.corp.test']);
    assert.deepEqual(searchCandidates('db.svc', ['corp.test'], 5), ['db.svc.corp.test', 'db.svc']);
    assert.deepEqual(searchCandidates('db.', ['corp.test'], 5), ['db']);
  });

  it('reads the nsswitch hosts order without [STATUS=action] items', () => {
    assert.deepEqual(parseNsswitchHosts('passwd: files\nhosts:  files mdns4_minimal [NOTFOUND=return] dns myhostname # comment\n'), ['files', 'mdns4_minimal', 'dns', 'myhostname']);
    assert.equal(parseNsswitchHosts('passwd: files\n'), null);
  });

  it('finds every hosts line naming the host, by alias and case-insensitively, skipping comments', () => {
    const text = '127.0.0.1 localhost\n# 10.0.0.1 api.test\n10.0.0.2  web api.TEST # pinned\n';
    assert.deepEqual(findHostsEntries(text, '/etc/hosts', 'api.test'), [{ path: '/etc/hosts', line: 3, text: '10.0.0.2  web api.TEST # pinned', address: '10.0.0.2' }]);
  });
});

describe('explainSystemResolver', () => {
  it('names the hosts-file line that answers when files come before dns', async () => {
    const asked: string[] = [];
    const { info, findings } = await explainSystemResolver('api.test', {
      ...base,
      lookup: fakeLookup({ 'api.test': '10.0.0.2' }, asked),
      readFile: files({ '/etc/hosts': '10.0.0.2 api.test\n', '/etc/nsswitch.conf': 'hosts: files dns\n', '/etc/resolv.conf': 'nameserver 127.0.0.53\nsearch corp.test\noptions ndots:2 edns0\n' }),
    });
    assert.equal(info.answeredFrom, 'hosts');
    assert.equal(info.hostsEntries[0]?.line, 1);
    assert.deepEqual(info.resolvConf, { path: '/etc/resolv.conf', nameservers: ['127.0.0.53'], search: ['corp.test'], ndots: 2, options: ['ndots:2', 'edns0'] });
    assert.deepEqual(info.nsswitch?.hosts, ['files', 'dns']);
    assert.deepEqual(findings.map((f) => f.code), ['DNS_HOSTS_OVERRIDE']);
    assert.match(findings[0]?.message ?? '', /\/etc\/hosts line 1/);
  });

  it('does not blame the hosts file when dns comes first in nsswitch', async () => {
    const { info, findings } = await explainSystemResolver('api.test', {
      ...base,
      lookup: fakeLookup({ 'api.test': '192.0.2.7' }, []),
      readFile: files({ '/etc/hosts': '10.0.0.2 api.test\n', '/etc/nsswitch.conf': 'hosts: dns files\n' }),
    });
    assert.equal(info.answeredFrom, 'dns');
    assert.deepEqual(findings, []);
  });

  it('says which search expansion answered a short name', async () => {
    const asked: string[] = [];
    const { info, findings } = await explainSystemResolver('db', {
      ...base,
      lookup: fakeLookup({ db: '10.1.1.1', 'db.corp.test': '10.1.1.1' }, asked),
      readFile: files({ '/etc/resolv.conf': 'search corp.test other.test\n', '/etc/hosts': '' }),
    });
    assert.deepEqual(info.candidates, ['db.corp.test', 'db.other.test', 'db']);
    assert.equal(info.answeredBy, 'db.corp.test');
    assert.deepEqual(info.addresses, ['10.1.1.1']);
    assert.ok(asked.includes('db.corp.test.'), 'candidates are asked as absolute names');
    assert.deepEqual(findings.map((f) => f.code), ['DNS_SEARCH_EXPANSION']);
  });

  it('keeps a failed lookup as data and survives missing files', async () => {
    const { info } = await explainSystemResolver('nothing.test', { ...base, lookup: fakeLookup({}, []), readFile: files({}) });
    assert.equal(info.error?.code, 'ENOTFOUND');
    assert.equal(info.resolvConf, null);
    assert.equal(info.answeredBy, null);
  });

  it('ends on time when the lookup hangs', async () => {
    const start = performance.now();
    // The engine's deadline timers are unref'd; this one keeps the test's event loop alive meanwhile.
    const keepAlive = setTimeout(() => undefined, 5000);
    const { info } = await explainSystemResolver('slow.test', { ...base, timeoutMs: 100, lookup: () => new Promise(() => undefined), readFile: files({}) });
    clearTimeout(keepAlive);
    assert.equal(info.error?.code, 'ETIMEDOUT');
    assert.ok(performance.now() - start < 1000);
  });
});

describe('comparisonFindings', () => {
  const row = (source: string, kind: ComparisonRow['kind'], answers: string[], extra: Partial<ComparisonRow> = {}): ComparisonRow => ({ source, kind, address: source, rcode: 'NOERROR', answers, durationMs: 1, differs: false, ...extra });

  it('flags the resolver that disagrees with the authoritative servers as split horizon or stale', () => {
    const rows = [row('10.0.0.53', 'resolver', ['10.0.0.5']), row('ns1', 'authoritative', ['192.0.2.5'], { serial: 3, nsSet: ['ns1', 'ns2'], aa: true }), row('ns2', 'authoritative', ['192.0.2.5'], { serial: 3, nsSet: ['ns1', 'ns2'], aa: true })];
    const findings = comparisonFindings('app.test', 'A', 'test', rows, ['ns1', 'ns2']);
    assert.deepEqual(findings.map((f) => f.code), ['DNS_SPLIT_HORIZON']);
    assert.match(findings[0]?.message ?? '', /10\.0\.0\.53/);
    assert.equal(rows[0]?.differs, true);
  });

  it('reports serial and NS-set differences and lame servers', () => {
    const rows = [row('ns1', 'authoritative', ['192.0.2.5'], { serial: 3, nsSet: ['ns1', 'ns2'], aa: true }), row('ns2', 'authoritative', ['192.0.2.6'], { serial: 4, nsSet: ['ns1', 'ns2', 'ns3'], aa: true }), row('ns3', 'authoritative', [], { rcode: 'REFUSED', aa: false })];
    const codes = comparisonFindings('app.test', 'A', 'test', rows, ['ns1', 'ns2']).map((f) => f.code).sort();
    assert.deepEqual(codes, ['DNS_INCONSISTENT_NS', 'DNS_LAME_DELEGATION', 'DNS_SOA_SERIAL_MISMATCH']);
  });

  it('stays quiet when everyone agrees', () => {
    const rows = [row('system', 'system', ['192.0.2.5']), row('a', 'resolver', ['192.0.2.5']), row('b', 'public', ['192.0.2.5'])];
    assert.deepEqual(comparisonFindings('app.test', 'A', null, rows, []), []);
  });
});
