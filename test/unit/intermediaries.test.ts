// Intermediaries from response headers, Alt-Svc protocols, and secret redaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { altSvcProtocols, readIntermediaries } from '../../src/engine/intermediaries';

describe('readIntermediaries', () => {
  it('names Cloudflare from CF-Ray and its Server header', () => {
    const found = readIntermediaries({ 'cf-ray': '8a1b2c3d4e5f-FRA', server: 'cloudflare', 'cf-cache-status': 'HIT' });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.name, 'Cloudflare');
    assert.equal(found[0]!.role, 'cdn');
    assert.equal(found[0]!.evidence.length, 3);
  });

  it('names CloudFront from X-Amz-Cf-Id, Via and X-Cache', () => {
    const found = readIntermediaries({ 'x-amz-cf-id': 'abc==', via: '1.1 0123abcd.cloudfront.net (CloudFront)', 'x-cache': 'Hit from cloudfront', age: '42' });
    assert.deepEqual(found.map((i) => [i.role, i.name]), [['cdn', 'Amazon CloudFront']]);
    assert.ok(found[0]!.evidence.some((e) => e.startsWith('age: 42')));
  });

  it('names Fastly from X-Served-By cache nodes and Varnish in Via', () => {
    const found = readIntermediaries({ 'x-served-by': 'cache-fra-etou8220158-FRA', via: '1.1 varnish', 'x-cache': 'HIT' });
    assert.deepEqual(found.map((i) => [i.role, i.name]), [['cdn', 'Fastly']]);
  });

  it('orders CDN, proxy, cache, load balancer, reverse proxy; Forwarded shows a reverse proxy', () => {
    const found = readIntermediaries({ 'x-forwarded-for': '10.0.0.1', server: 'envoy', via: '1.1 squid.corp (squid/5.7)', 'cf-ray': 'x' });
    assert.deepEqual(found.map((i) => i.role), ['cdn', 'proxy', 'load-balancer']);
    assert.ok(found[2]!.evidence.includes('x-forwarded-for: 10.0.0.1'), 'Forwarded headers join the balancer');
    assert.deepEqual(readIntermediaries({ forwarded: 'for=10.0.0.1;proto=https' }).map((i) => [i.role, i.name]), [['reverse-proxy', 'A reverse proxy']]);
  });

  it('does not call an origin server an intermediary', () => {
    assert.deepEqual(readIntermediaries({ server: 'nginx/1.22.1', 'content-type': 'text/html' }), []);
  });

  it('reads Alt-Svc protocol ids', () => {
    assert.deepEqual(altSvcProtocols({ 'alt-svc': 'h3=":443"; ma=86400, h3-29=":443", h2="alt.example:443"' }), ['h3', 'h3-29', 'h2']);
    assert.deepEqual(altSvcProtocols({ 'alt-svc': 'clear' }), []);
    assert.deepEqual(altSvcProtocols({}), []);
  });
});

