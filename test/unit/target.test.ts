import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetInfo } from '../../src/engine/model/report';
import { parseTarget, parseTlsEndpoint, TargetError } from '../../src/engine/target';
import type { TargetErrorCode } from '../../src/engine/target';

describe('parseTarget: good inputs', () => {
  const table: [string, Partial<TargetInfo>][] = [
    ['https://example.com', { url: 'https://example.com/', scheme: 'https', host: 'example.com', port: 443, defaultPort: true, path: '/', ipFamily: null, tls: true, application: 'http' }],
    ['HTTPS://EXAMPLE.COM/Path', { url: 'https://example.com/Path', host: 'example.com', path: '/Path' }],
    ['http://example.com:8080/a?b=c#frag', { url: 'http://example.com:8080/a?b=c', port: 8080, defaultPort: false, path: '/a?b=c', tls: false }],
    ['https://h?q=1', { url: 'https://h/?q=1', path: '/?q=1' }],
    ['https://example.com:443', { url: 'https://example.com/', port: 443, defaultPort: false }],
    ['https://example.com:/', { url: 'https://example.com/', port: 443, defaultPort: true }],
    ['ws://h/socket', { scheme: 'ws', port: 80, tls: false, application: 'http', path: '/socket' }],
    ['wss://h', { scheme: 'wss', port: 443, tls: true, application: 'http' }],
    ['postgres://db.internal/app', { url: 'postgres://db.internal/app', scheme: 'postgres', port: 5432, tls: false, application: 'none', path: '/' }],
    ['redis://cache:6380', { url: 'redis://cache:6380', port: 6380, application: 'none' }],
    ['rediss://cache', { port: 6379, tls: true, application: 'none' }],
    ['ldaps://dir.example.org', { port: 636, tls: true, application: 'none' }],
    ['smtps://mail.example.org', { port: 465, tls: true }],
    ['tcp://h:1', { scheme: 'tcp', port: 1, tls: false, application: 'none' }],
    ['tls://h:853', { scheme: 'tls', port: 853, tls: true, application: 'none' }],
    ['ftp://h/file.txt', { url: 'ftp://h/file.txt', port: 21, path: '/' }],
    // host:port picks the scheme a developer most likely means on that port.
    ['example.com:443', { scheme: 'https', url: 'https://example.com/', port: 443, defaultPort: false }],
    ['example.com:8443', { scheme: 'https', port: 8443 }],
    ['example.com:5432', { scheme: 'postgres', application: 'none' }],
    ['example.com:22', { scheme: 'ssh', application: 'none' }],
    ['example.com:8080', { scheme: 'http', url: 'http://example.com:8080/' }],
    ['example.com', { scheme: 'https', port: 443, defaultPort: true }],
    ['example.com.', { host: 'example.com' }],
    ['localhost:3000', { scheme: 'http', host: 'localhost', port: 3000 }],
    // IP literals
    ['192.168.1.1', { host: '192.168.1.1', ipFamily: 4, url: 'https://192.168.1.1/' }],
    ['127.0.0.1:9', { host: '127.0.0.1', port: 9, ipFamily: 4 }],
    ['[::1]:8080', { host: '::1', port: 8080, ipFamily: 6, url: 'http://[::1]:8080/' }],
    ['[::1]', { host: '::1', port: 443, ipFamily: 6 }],
    ['::1', { host: '::1', ipFamily: 6, url: 'https://[::1]/' }],
    ['2001:DB8::1', { host: '2001:db8::1', ipFamily: 6 }],
    ['https://[::ffff:127.0.0.1]/', { host: '::ffff:127.0.0.1', ipFamily: 6 }],
    ['fe80::1%eth0', { host: 'fe80::1', zoneId: 'eth0', ipFamily: 6, url: 'https://[fe80::1%25eth0]/' }],
    ['[fe80::1%25eth0]:80', { host: 'fe80::1', zoneId: 'eth0', port: 80, url: 'http://[fe80::1%25eth0]/' }],
    ['http://[fe80::1%25eth0]:8080/x', { host: 'fe80::1', zoneId: 'eth0', port: 8080, path: '/x' }],
    // International names → punycode, with the Unicode form kept for display.
    ['bücher.de', { host: 'xn--bcher-kva.de', hostUnicode: 'bücher.de', url: 'https://xn--bcher-kva.de/' }],
    ['https://münchen.example/pfad', { host: 'xn--mnchen-3ya.example', hostUnicode: 'münchen.example', path: '/pfad' }],
    ['https://xn--bcher-kva.de', { host: 'xn--bcher-kva.de' }],
    ['http://a_b.example/', { host: 'a_b.example' }],
    // Passwords never reach the report.
    ['https://user:pa55@host.test/x', { input: 'https://user:***@host.test/x', url: 'https://user:***@host.test/x', host: 'host.test' }],
    ['postgres://u:secret@db.internal/app', { input: 'postgres://u:***@db.internal/app', url: 'postgres://u:***@db.internal/app' }],
    ['user:secret@host.test:22', { input: 'user:***@host.test:22', url: 'ssh://user:***@host.test', scheme: 'ssh' }],
    ['https://TOKEN@host.test/', { input: 'https://***@host.test/', url: 'https://***@host.test/' }], // a username alone is often a token (issue 14 item 9)
    ['https://@host.test/', { url: 'https://host.test/' }],
    ['  https://example.com  ', { input: 'https://example.com' }],
  ];
  for (const [input, expected] of table) {
    it(JSON.stringify(input), () => {
      const { target } = parseTarget(input);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(target[key as keyof TargetInfo], value, `${key} of ${input}`);
      assert.ok(!JSON.stringify(target).includes('secret') && !JSON.stringify(target).includes('pa55'), 'no password in the target');
    });
  }

  it('keeps credentials apart from the target, decoded', () => {
    assert.deepEqual(parseTarget('https://user:p%40ss@h/').auth, { username: 'user', password: 'p@ss' });
    assert.deepEqual(parseTarget('https://user:p@ss@h/').auth, { username: 'user', password: 'p@ss' });
    assert.equal(parseTarget('https://h/').auth, undefined);
    assert.equal(parseTarget('https://@h/').auth, undefined);
  });
});

describe('parseTarget: bad inputs', () => {
  const table: [string, TargetErrorCode][] = [
    ['', 'TARGET_EMPTY'],
    ['   ', 'TARGET_EMPTY'],
    ['a b', 'TARGET_HOST_INVALID'],
    ['https://exa mple.com', 'TARGET_HOST_INVALID'],
    ['h:0', 'TARGET_PORT_INVALID'],
    ['h:65536', 'TARGET_PORT_INVALID'],
    ['h:abc', 'TARGET_PORT_INVALID'],
    ['h:+80', 'TARGET_PORT_INVALID'],
    ['https://h:99999999', 'TARGET_PORT_INVALID'],
    ['tcp://h', 'TARGET_PORT_INVALID'],
    ['gopher://x', 'TARGET_SCHEME_UNSUPPORTED'],
    ['mongodb+srv://cluster.example.net', 'TARGET_SCHEME_UNSUPPORTED'],
    [`${'x'.repeat(64)}.com`, 'TARGET_NAME_TOO_LONG'],
    [`${`${'a'.repeat(60)}.`.repeat(5)}com`, 'TARGET_NAME_TOO_LONG'],
    ['192.168.1.300', 'TARGET_HOST_INVALID'],
    ['1.2.3', 'TARGET_HOST_INVALID'],
    ['a..b', 'TARGET_HOST_INVALID'],
    ['exa!mple.com', 'TARGET_HOST_INVALID'],
    ['https://:80', 'TARGET_HOST_INVALID'],
    ['[::1', 'TARGET_HOST_INVALID'],
    ['[::1]x', 'TARGET_HOST_INVALID'],
    ['[zz::1]:80', 'TARGET_HOST_INVALID'],
    ['[fe80::1%eth 0]:80', 'TARGET_HOST_INVALID'],
    ['[fe80::1%e/th0]:80', 'TARGET_HOST_INVALID'],
    ['fe80::1:80:', 'TARGET_HOST_INVALID'],
  ];
  for (const [input, code] of table) {
    it(`${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)} → ${code}`, () => {
      assert.throws(
        () => parseTarget(input),
        (err: unknown) => err instanceof TargetError && err.code === code && err.message.length > 0,
      );
    });
  }

  it('never echoes a password in an error message', () => {
    assert.throws(
      () => parseTarget('https://user:secret@:80/'),
      (err: unknown) => err instanceof TargetError && !err.message.includes('secret'),
    );
  });
});

describe('parseTlsEndpoint', () => {
  it('takes host:port, a URL or a bare host (port 443), with the host as the name to check', () => {
    assert.deepEqual(parseTlsEndpoint('example.com'), { host: 'example.com', port: 443, servername: 'example.com' });
    assert.deepEqual(parseTlsEndpoint('db.internal:5432'), { host: 'db.internal', port: 5432, servername: 'db.internal' });
    assert.deepEqual(parseTlsEndpoint('https://example.com:8443/x'), { host: 'example.com', port: 8443, servername: 'example.com' });
  });
  it('sends no name for an IP literal', () => {
    assert.deepEqual(parseTlsEndpoint('127.0.0.1:8443'), { host: '127.0.0.1', port: 8443, servername: null });
    assert.deepEqual(parseTlsEndpoint('[::1]:443'), { host: '::1', port: 443, servername: null });
  });
  it('refuses what is not an endpoint', () => {
    assert.throws(() => parseTlsEndpoint('bad host'), TargetError);
  });
});
