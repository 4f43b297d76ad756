import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findEndpointAt } from '../../src/engine/endpointText.ts';

/** The endpoint found with the cursor on the first occurrence of `marker` in `line`. */
function at(line: string, marker: string, offset = 1): string | null {
  const i = line.indexOf(marker);
  assert.notEqual(i, -1, `marker ${marker} not in line`);
  return findEndpointAt(line, i + offset);
}

describe('findEndpointAt', () => {
  it('finds a URL and drops sentence punctuation after it', () => {
    const line = 'See https://api.example.com/v1/items?x=1, then retry.';
    assert.equal(at(line, 'api'), 'https://api.example.com/v1/items?x=1');
    assert.equal(at(line, 'items'), 'https://api.example.com/v1/items?x=1');
  });

  it('stops a URL at quotes and parentheses', () => {
    assert.equal(at('fetch("http://localhost:3000/health")', 'localhost'), 'http://localhost:3000/health');
    assert.equal(at('[docs](https://example.org/a)', 'example'), 'https://example.org/a');
  });

  it('prefers the whole URL over the host:port inside it', () => {
    assert.equal(at('url: redis://cache.internal:6380/0', '6380'), 'redis://cache.internal:6380/0');
  });

  it('finds a URL with a bracketed IPv6 host', () => {
    assert.equal(at('curl http://[::1]:8080/x ok', '::1'), 'http://[::1]:8080/x');
  });

  it('finds host:port in config text', () => {
    assert.equal(at('DATABASE_HOST=db.internal:5432', 'db.'), 'db.internal:5432');
    assert.equal(at('  - "localhost:3000"', 'local'), 'localhost:3000');
    assert.equal(at('listen 10.0.0.5:8443;', '10.0'), '10.0.0.5:8443');
  });

  it('finds [v6]:port and a bracketed address without port', () => {
    assert.equal(at('bind [fe80::1%eth0]:9000 now', 'fe80'), '[fe80::1%eth0]:9000');
    assert.equal(at('addr = [2001:db8::5]', '2001'), '[2001:db8::5]');
  });

  it('finds bare IP literals', () => {
    assert.equal(at('server 192.168.1.20 weight=5', '192'), '192.168.1.20');
    assert.equal(at('nameserver 2001:db8::53', 'db8'), '2001:db8::53');
  });

  it('accepts the cursor just after the last character', () => {
    const line = 'host: example.net:8080';
    assert.equal(findEndpointAt(line, line.length), 'example.net:8080');
  });

  it('returns null away from any endpoint and for look-alikes', () => {
    assert.equal(at('const x = https://a.b; // note', 'note'), null);
    assert.equal(at('meeting at 12:30 today', '12'), null);
    assert.equal(at('version 1.2.3.4.5 released', '1.2'), null);
    assert.equal(at('std::vector<int> v;', 'std'), null);
    assert.equal(at('port 99999', '99'), null);
    assert.equal(at('host:99999', 'host'), null);
    assert.equal(findEndpointAt('', 0), null);
  });

  it('rejects invalid IPv4 and IPv6 literals', () => {
    assert.equal(at('ip 300.1.1.1 bad', '300'), null);
    assert.equal(at('x [zz::1]:80', 'zz'), null);
  });
});
