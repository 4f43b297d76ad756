// The request checks both front ends run before anything is sent (CLI -X/-H, the panel's Edit
// request), and the ranges every numeric option is held to in the engine's setup (the path the
// VS Code settings take).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../src/engine/options';
import { headerProblem, methodProblem, requestProblem } from '../../src/engine/requestCheck';
import { dnsLookupOptions, prepareOptions, SetupError } from '../../src/engine/setup';

describe('requestCheck', () => {
  it('accepts tokens and visible Latin-1 values, tabs and spaces included', () => {
    assert.equal(requestProblem({ method: 'PATCH', headers: { 'X-Custom_1': 'a b\tc é ÿ', Accept: '*/*' } }), null);
  });

  it('refuses CONNECT and a method that is not a token', () => {
    assert.match(methodProblem('connect') ?? '', /CONNECT opens a tunnel/);
    assert.match(methodProblem('GE T') ?? '', /not an HTTP method/);
  });

  it('names the character that cannot be sent, and where', () => {
    assert.match(headerProblem('X', 'a\r\nInjected: 1') ?? '', /carriage return \(U\+000D\) at position 2 \(a line break would end the header/);
    assert.match(headerProblem('X', 'a\nb') ?? '', /line feed \(U\+000A\)/);
    assert.match(headerProblem('X', 'bell\x07') ?? '', /control character \(U\+0007\) at position 5/);
    assert.match(headerProblem('X', '5 €') ?? '', /"€" \(U\+20AC\) at position 3 \(a header value is Latin-1 bytes/);
    assert.match(headerProblem('Bad:Name', 'v') ?? '', /header name "Bad:Name" has ":" \(U\+003A\)/);
    assert.match(headerProblem('', 'v') ?? '', /no name/);
  });
});

describe('setup ranges', () => {
  const base = { dnsServers: ['127.0.0.1'], extraCaFiles: [] };

  it('rejects a timeout Node would clamp to 1 ms, naming the field and the range', async () => {
    await assert.rejects(prepareOptions({ ...base, timeouts: { httpMs: 2 ** 31 } }), (err: unknown) => err instanceof SetupError && err.field === 'timeouts.httpMs' && err.message === 'timeouts.httpMs takes a whole number of ms from 1 to 600000; got 2147483648.');
    await assert.rejects(prepareOptions({ ...base, timeouts: { connectMs: 0 } }), (err: unknown) => err instanceof SetupError && err.field === 'timeouts.connectMs');
    await assert.rejects(prepareOptions({ ...base, timeouts: { tlsMs: 1.5 } }), (err: unknown) => err instanceof SetupError && err.field === 'timeouts.tlsMs');
  });

  it('bounds the redirect limit and the body cap', async () => {
    await assert.rejects(prepareOptions({ ...base, maxRedirects: 100_000 }), (err: unknown) => err instanceof SetupError && err.field === 'maxRedirects' && /from 0 to 50/.test(err.message));
    await assert.rejects(prepareOptions({ ...base, maxBodyBytes: -1 }), (err: unknown) => err instanceof SetupError && err.field === 'maxBodyBytes');
    const { options } = await prepareOptions({ ...base, maxRedirects: LIMITS.maxRedirects.max, timeouts: { dnsMs: LIMITS.timeoutMs.max } });
    assert.equal(options.maxRedirects, 50);
    assert.equal(options.timeouts.dnsMs, 600_000);
  });

  it('holds a DNS lookup to the same timeout range', () => {
    const input = { types: [], servers: [], trace: false as const, explainSystem: false };
    assert.throws(() => dnsLookupOptions({ ...input, timeoutMs: 2 ** 30 }, new AbortController().signal), (err: unknown) => err instanceof SetupError && err.field === 'timeouts.dnsMs');
  });
});
