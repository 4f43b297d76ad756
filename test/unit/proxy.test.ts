// Which proxy applies and why: --proxy/--no-proxy, VS Code's http.proxy + http.noProxy, then the
// environment's variables with NO_PROXY; proxy URLs and their redaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProxyConfig } from '../../src/engine/options';
import { chooseProxy, noProxyMatch, parseProxyUrl, routeOf } from '../../src/engine/proxy';
import { parseTarget } from '../../src/engine/target';

const choose = (url: string, config: ProxyConfig | undefined): ReturnType<typeof chooseProxy> => chooseProxy(parseTarget(url).target, config);

describe('chooseProxy', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, lower case first', () => {
    const env = { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', HTTP_PROXY: 'plain:8080' };
    const s = choose('https://example.com/', { env });
    assert.equal(s.proxy?.url, 'http://lower:3128');
    assert.equal(s.info.source, 'env');
    assert.equal(s.info.name, 'https_proxy');
    assert.equal(s.info.mode, 'tunnel');
    const p = choose('http://example.com/', { env });
    assert.equal(p.proxy?.url, 'http://plain:8080');
    assert.equal(p.info.name, 'HTTP_PROXY');
    assert.equal(p.info.mode, 'forward');
  });

  it('honours NO_PROXY by suffix, leading dot, star, CIDR and port', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'internal.corp, .svc.local,10.0.0.0/8,api.test:8443' };
    assert.equal(choose('https://git.internal.corp/', { env }).proxy, null);
    assert.match(choose('https://git.internal.corp/', { env }).info.reason, /NO_PROXY entry "internal\.corp"/);
    assert.equal(choose('https://a.svc.local/', { env }).proxy, null);
    assert.equal(choose('https://10.1.2.3/', { env }).proxy, null);
    assert.notEqual(choose('https://11.1.2.3/', { env }).proxy, null);
    assert.equal(choose('https://api.test:8443/', { env }).proxy, null);
    assert.notEqual(choose('https://api.test/', { env }).proxy, null);
    assert.notEqual(choose('https://notinternal.corp/', { env }).proxy, null, 'a suffix matches at a dot boundary only');
    assert.equal(choose('https://anything/', { env: { ...env, NO_PROXY: '*' } }).proxy, null);
  });

  it('VS Code http.proxy wins over the environment, and http.noProxy applies to it', () => {
    const config: ProxyConfig = { setting: { url: 'http://vscode-proxy:8080', strictSSL: false, noProxy: ['localhost'] }, env: { HTTPS_PROXY: 'http://env:3128' } };
    const s = choose('https://example.com/', config);
    assert.equal(s.proxy?.host, 'vscode-proxy');
    assert.equal(s.info.name, 'http.proxy');
    assert.equal(s.info.strictSSL, false);
    const local = choose('https://localhost:8443/', config);
    assert.equal(local.proxy, null);
    assert.equal(local.info.name, 'http.noProxy');
  });

  it('--proxy wins over everything, --no-proxy turns proxies off', () => {
    const env = { HTTPS_PROXY: 'http://env:3128', NO_PROXY: '*' };
    assert.equal(choose('https://example.com/', { override: 'http://cli:1', env }).proxy?.url, 'http://cli:1');
    const off = choose('https://example.com/', { override: false, env });
    assert.equal(off.proxy, null);
    assert.equal(off.info.source, 'cli');
  });

  it('applies proxy settings to web schemes only, unless --proxy asks', () => {
    const env = { HTTPS_PROXY: 'http://env:3128', HTTP_PROXY: 'http://env:3128' };
    assert.equal(choose('postgres://db.test:5432', { env }).proxy, null);
    const forced = choose('postgres://db.test:5432', { override: 'http://p:3128' });
    assert.equal(forced.info.mode, 'tunnel');
  });

  it('reports an unusable proxy URL as PROXY_INVALID, and its route goes nowhere (no direct fallback)', () => {
    const s = choose('https://example.com/', { env: { HTTPS_PROXY: 'socks5://user:secret@p:1080' } });
    assert.equal(s.proxy, null);
    assert.deepEqual(s.findings.map((f) => f.code), ['PROXY_INVALID']);
    assert.doesNotMatch(JSON.stringify(s), /secret/);
    assert.match(s.info.reason, /does not fall back to a direct connection/);
    assert.deepEqual(routeOf(s), { kind: 'unusable', error: { code: 'PROXY_INVALID', message: 'socks5:// proxies are not supported (only http://)' } });
  });

  it('sends ws:// through a CONNECT tunnel, as browsers do', () => {
    assert.equal(choose('ws://example.com/chat', { env: { HTTP_PROXY: 'http://p:3128' } }).info.mode, 'tunnel');
  });

  it('no configuration means direct, and says so', () => {
    const s = choose('https://example.com/', { env: {} });
    assert.equal(s.proxy, null);
    assert.equal(s.info.source, 'none');
    assert.match(s.info.reason, /no proxy is configured/);
  });
});

describe('parseProxyUrl', () => {
  it('reads host:port, credentials and IPv6 literals', () => {
    const p = parseProxyUrl('user:p%40ss@proxy.corp:3128');
    assert.ok(typeof p !== 'string');
    assert.equal(p.url, 'http://proxy.corp:3128');
    assert.equal(p.authorization, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    const v6 = parseProxyUrl('http://[::1]:8080');
    assert.ok(typeof v6 !== 'string');
    assert.equal(v6.host, '::1');
    assert.equal(v6.ipFamily, 6);
    assert.equal(typeof parseProxyUrl('https://p:443'), 'string');
  });


  it('matches IPv6 CIDRs', () => {
    assert.equal(noProxyMatch({ host: 'fd00::5', port: 443 }, ['fd00::/8']), 'fd00::/8');
    assert.equal(noProxyMatch({ host: 'fe80::5', port: 443 }, ['fd00::/8']), null);
  });
});
