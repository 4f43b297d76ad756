import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/command';
import { parseDiagnoseArgs } from '../../src/cli/commands/diagnose';
import { parseResolve, SetupError } from '../../src/engine/setup';

test('diagnose with every flag maps onto the setup input', () => {
  const c = parseDiagnoseArgs(['https://example.com', '--json', '--resolver', '127.0.0.1:5353', '--resolver', '::1', '--resolve', 'example.com:127.0.0.1', '--ca', 'a.pem', '--timeout', '2000', '--max-redirects', '3', '--no-follow']);
  assert.equal(c.target, 'https://example.com');
  assert.equal(c.format, 'json');
  assert.deepEqual(c.setup.dnsServers, ['127.0.0.1:5353', '::1']);
  assert.deepEqual(c.setup.resolve, ['example.com:127.0.0.1']);
  assert.deepEqual(c.setup.extraCaFiles, ['a.pem']);
  assert.deepEqual(c.setup.timeouts, { dnsMs: 2000, connectMs: 2000, tlsMs: 2000, httpMs: 2000 });
  assert.equal(c.setup.maxRedirects, 3);
  assert.equal(c.setup.followRedirects, false);
});

test('defaults: system resolvers, follow redirects, default timeouts', () => {
  const c = parseDiagnoseArgs(['example.com']);
  assert.equal(c.setup.dnsServers, null);
  assert.equal(c.setup.followRedirects, true);
  assert.equal(c.setup.timeouts, undefined);
  assert.equal(c.format, 'text');
});

for (const [argv, message] of [
  [[], /needs a target/],
  [['a', 'b'], /one target/],
  [['a', '--timeout', '0'], /--timeout/],
  [['a', '--timeout', 'soon'], /--timeout/],
  [['a', '--max-redirects', '-1'], /max-redirects|argument|-1/],
  [['a', '--bogus'], /bogus/],
] as const) {
  test(`usage error: diagnose ${argv.join(' ') || '(nothing)'}`, () => {
    assert.throws(() => parseDiagnoseArgs(argv), (err: unknown) => err instanceof UsageError && message.test(err.message));
  });
}

test('--resolve accepts HOST:ADDR, lists, IPv6 and curl HOST:PORT:ADDR', () => {
  assert.deepEqual(parseResolve('Example.COM:127.0.0.1'), { host: 'example.com', addresses: [{ address: '127.0.0.1', family: 4 }] });
  assert.deepEqual(parseResolve('a.test:::1'), { host: 'a.test', addresses: [{ address: '::1', family: 6 }] });
  assert.deepEqual(parseResolve('a.test:[::1],127.0.0.2'), {
    host: 'a.test',
    addresses: [
      { address: '::1', family: 6 },
      { address: '127.0.0.2', family: 4 },
    ],
  });
  assert.deepEqual(parseResolve('a.test:443:127.0.0.3'), { host: 'a.test', addresses: [{ address: '127.0.0.3', family: 4 }] });
  assert.throws(() => parseResolve('a.test:not-an-ip'), SetupError);
  assert.throws(() => parseResolve('nocolon'), SetupError);
});
