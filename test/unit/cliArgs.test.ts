import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand, UsageError } from '../../src/cli/args';
import { parseResolve, SetupError } from '../../src/engine/setup';

test('diagnose with every flag maps onto the setup input', () => {
  const c = parseCommand(['diagnose', 'https://example.com', '--json', '--resolver', '127.0.0.1:5353', '--resolver', '::1', '--resolve', 'example.com:127.0.0.1', '--ca', 'a.pem', '--timeout', '2000', '--max-redirects', '3', '--no-follow', '--no-color']);
  assert.equal(c.kind, 'diagnose');
  if (c.kind !== 'diagnose') return;
  assert.equal(c.target, 'https://example.com');
  assert.equal(c.json, true);
  assert.equal(c.color, false);
  assert.deepEqual(c.setup.dnsServers, ['127.0.0.1:5353', '::1']);
  assert.deepEqual(c.setup.resolve, ['example.com:127.0.0.1']);
  assert.deepEqual(c.setup.extraCaFiles, ['a.pem']);
  assert.deepEqual(c.setup.timeouts, { dnsMs: 2000, connectMs: 2000, tlsMs: 2000, httpMs: 2000 });
  assert.equal(c.setup.maxRedirects, 3);
  assert.equal(c.setup.followRedirects, false);
});

test('defaults: system resolvers, follow redirects, colour decided by the terminal', () => {
  const c = parseCommand(['diagnose', 'example.com']);
  assert.ok(c.kind === 'diagnose');
  assert.equal(c.setup.dnsServers, null);
  assert.equal(c.setup.followRedirects, true);
  assert.equal(c.color, null);
  assert.equal(c.setup.timeouts, undefined);
});

test('help and version', () => {
  assert.deepEqual(parseCommand(['--help']), { kind: 'help' });
  assert.deepEqual(parseCommand(['-v']), { kind: 'version' });
});

for (const [argv, message] of [
  [[], /No command/],
  [['frobnicate'], /Unknown command/],
  [['diagnose'], /needs a target/],
  [['diagnose', 'a', 'b'], /one target/],
  [['diagnose', 'a', '--timeout', '0'], /--timeout/],
  [['diagnose', 'a', '--timeout', 'soon'], /--timeout/],
  [['diagnose', 'a', '--max-redirects', '-1'], /max-redirects|argument/],
  [['diagnose', 'a', '--bogus'], /bogus/],
] as const) {
  test(`usage error: ${argv.join(' ') || '(nothing)'}`, () => {
    assert.throws(() => parseCommand(argv), (err: unknown) => err instanceof UsageError && message.test(err.message));
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
