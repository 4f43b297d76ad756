// The one redaction rule (src/engine/redact.ts): credential names by their words, the userinfo of
// every URL, credential query parameters, URLs inside text, and a whole document in one pass.
// (test/cli/secrets.test.ts sweeps every output format of the real CLI for planted secrets.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecretName, redactHeaders, redactSecrets, redactText, redactUrl } from '../../src/engine/redact';
import { storableInput } from '../../src/vscode/recentTargets';
import type { TargetInfo } from '../../src/engine/model/report';

describe('credential names, by their words', () => {
  it('knows the headers of issue 14 and the classic ones, in any case', () => {
    for (const name of ['Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'Private-Token', 'X-Goog-Api-Key', 'X-Vault-Token', 'Ocp-Apim-Subscription-Key', 'X-Access-Token', 'X-Amz-Security-Token', 'X-API-KEY', 'X-Auth-Token', 'X-CSRF-Token', 'X-Session-Id', 'x-amz-signature', 'apikey']) {
      assert.ok(isSecretName(name), name);
    }
  });
  it('knows credential query parameters', () => {
    for (const name of ['access_token', 'api_key', 'sig', 'signature', 'password', 'client_secret', 'X-Amz-Credential', 'sessionid', 'token', 'key']) assert.ok(isSecretName(name), name);
  });
  it('leaves ordinary names alone: a WWW-Authenticate challenge, keep-alive, a content type', () => {
    for (const name of ['WWW-Authenticate', 'Proxy-Authenticate', 'Keep-Alive', 'Content-Type', 'Location', 'Cache-Control', 'Strict-Transport-Security', 'page', 'q', 'id', 'Sec-WebSocket-Key', 'Sec-WebSocket-Accept', 'token_type']) assert.ok(!isSecretName(name), name);
  });
  it('redacts header values by that rule unless revealed', () => {
    const h = { 'Private-Token': 'glpat-1', Accept: 'x' };
    assert.deepEqual(redactHeaders(h), { 'private-token': '<redacted>', accept: 'x' });
    assert.equal(redactHeaders(h, true)['private-token'], 'glpat-1');
  });
});

describe('URLs', () => {
  it('masks a password, and a username alone (a token)', () => {
    assert.equal(redactUrl('https://alice:s3cret@example.com/x'), 'https://alice:***@example.com/x');
    assert.equal(redactUrl('https://ghp_TOKEN@github.com/o/r.git'), 'https://***@github.com/o/r.git');
    assert.equal(redactUrl('user:pw@host.test:22'), 'user:***@host.test:22');
    assert.equal(redactUrl('https://example.com/a:b@c'), 'https://example.com/a:b@c');
    assert.equal(redactUrl(redactUrl('https://u:pw@h/')), 'https://u:***@h/', 'idempotent');
  });
  it('masks credential query and fragment parameters, absolute or relative', () => {
    assert.equal(redactUrl('https://h/cb?state=1&access_token=abc&x=2'), 'https://h/cb?state=1&access_token=***&x=2');
    assert.equal(redactUrl('/next?X-Amz-Signature=f00&X-Amz-Expires=60'), '/next?X-Amz-Signature=***&X-Amz-Expires=60');
    assert.equal(redactUrl('https://h/#access_token=abc&expires_in=3600'), 'https://h/#access_token=***&expires_in=3600');
    assert.equal(redactUrl('https://h/search?q=token'), 'https://h/search?q=token', 'a value is not a name');
  });
  it('finds URLs inside free text', () => {
    assert.equal(redactText('redirect to http://u:pw@h/x?api_key=1 then'), 'redirect to http://u:***@h/x?api_key=*** then');
    assert.equal(redactText('GET /cb?sig=abc → 302'), 'GET /cb?sig=*** → 302');
    assert.equal(redactText('no url here'), 'no url here');
  });
});

describe('a whole document in one pass', () => {
  it('redacts header maps by name, URL fields, URLs in messages and HAR name/value pairs', () => {
    const doc = {
      target: { input: 'https://TOKEN@h/p?access_token=a', url: 'https://***@h/p?access_token=a', path: '/p?access_token=a' },
      http: { requests: [{ url: 'https://h/p?access_token=a', headers: { location: '/next?sig=b', 'set-cookie': ['sid=1', 'x=2'], server: 'nginx' }, requestHeaders: { 'x-vault-token': 'v' } }] },
      findings: [{ message: 'A redirect to https://u:pw@h/next leaves TLS' }],
      har: { headers: [{ name: 'X-Goog-Api-Key', value: 'k' }, { name: 'Accept', value: '*/*' }] },
    };
    const out = redactSecrets(doc);
    assert.deepEqual(out, {
      target: { input: 'https://***@h/p?access_token=***', url: 'https://***@h/p?access_token=***', path: '/p?access_token=***' },
      http: { requests: [{ url: 'https://h/p?access_token=***', headers: { location: '/next?sig=***', 'set-cookie': ['<redacted>', '<redacted>'], server: 'nginx' }, requestHeaders: { 'x-vault-token': '<redacted>' } }] },
      findings: [{ message: 'A redirect to https://u:***@h/next leaves TLS' }],
      har: { headers: [{ name: 'X-Goog-Api-Key', value: '<redacted>' }, { name: 'Accept', value: '*/*' }] },
    });
    assert.equal(doc.target.path, '/p?access_token=a', 'the input is not changed');
  });
});

describe('recent targets keep no redacted secret', () => {
  const input = (text: string): TargetInfo => ({ input: text }) as TargetInfo;
  it('drops a masked password, a masked username and masked parameters', () => {
    assert.equal(storableInput(input('https://u:***@h/x')), 'https://u@h/x');
    assert.equal(storableInput(input('https://***@h/x')), 'https://h/x');
    assert.equal(storableInput(input('https://h/x?a=1&access_token=***&b=2')), 'https://h/x?a=1&b=2');
    assert.equal(storableInput(input('https://h/x?token=***')), 'https://h/x');
  });
});
