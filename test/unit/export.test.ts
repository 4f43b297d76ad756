// Exports of a Report: secrets redacted in JSON, Markdown, HAR and curl unless revealed; HAR
// timings for reused connections; Markdown tables survive network text with pipes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toCurl } from '../../src/engine/curl';
import { exportReport, toHar } from '../../src/engine/export';
import type { HttpExchange, Report } from '../../src/engine/model/report';
import { HOSTILE_TEXT, rawControls } from '../helpers/hostileText';

const base = JSON.parse(readFileSync(join(__dirname, '../fixtures/reports/ok.json'), 'utf8')) as Report;

function exchange(patch: Partial<HttpExchange>): HttpExchange {
  return {
    url: 'https://user:pw@example.test/a?x=1',
    method: 'POST',
    status: 200,
    statusText: 'OK',
    outcome: 'ok',
    httpVersion: '2.0',
    headers: { 'content-type': 'text/plain', 'set-cookie': 'sid=secret', server: 'edge | proxy' },
    bodyBytes: 2,
    bodyTruncated: false,
    remoteAddress: '127.0.0.1',
    reusedConnection: false,
    timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 4, downloadMs: 5, totalMs: 15 },
    requestHeaders: { authorization: 'Bearer t0ken', accept: '*/*' },
    requestBodyBytes: 3,
    ...patch,
  };
}

const report: Report = {
  ...base,
  http: { requests: [exchange({}), exchange({ url: 'https://example.test/b', reusedConnection: true, timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 4, downloadMs: 1, totalMs: 5 } })] },
  request: { method: 'POST', headers: { authorization: 'Bearer t0ken', 'x-trace': '1' }, bodyBytes: 3 },
};

describe('exportReport', () => {
  it('redacts credential headers and URL passwords in every format', () => {
    for (const format of ['json', 'markdown', 'har'] as const) {
      const out = exportReport(report, format);
      assert.doesNotMatch(out, /t0ken|sid=secret|:pw@/, format);
    }
    assert.match(exportReport(report, 'json', { revealSecrets: true }), /t0ken/);
  });

  it('writes HAR 1.2 with per-request timings and -1 for a reused connection', () => {
    const har = toHar(report) as { log: { version: string; entries: { request: { httpVersion: string; queryString: unknown[]; bodySize: number }; timings: Record<string, number> }[] } };
    assert.equal(har.log.version, '1.2');
    assert.deepEqual(har.log.entries[0]?.timings, { blocked: -1, dns: 1, connect: 5, ssl: 3, send: 0, wait: 4, receive: 5 });
    assert.equal(har.log.entries[1]?.timings['dns'], -1);
    assert.equal(har.log.entries[0]?.request.httpVersion, 'HTTP/2');
    assert.deepEqual(har.log.entries[0]?.request.queryString, [{ name: 'x', value: '1' }]);
    assert.equal(har.log.entries[0]?.request.bodySize, 3);
  });

  it('keeps Markdown tables intact when network text has pipes', () => {
    const md = exportReport({ ...report, intermediaries: [{ role: 'proxy', name: 'a | b', evidence: ['via: 1.1 a | b'] }] }, 'markdown');
    assert.match(md, /a \\\| b/);
    assert.match(md, /\| 1 \| POST https:\/\/user:\\\*\\\*\\\*@example\.test\/a\?x=1/);
  });

  it('keeps network text as text in Markdown: markup escaped, controls and bidi shown as escapes', () => {
    const subject = `CN=<b>bold</b> [x](javascript:alert(1)) ${HOSTILE_TEXT}`;
    const tls = { ...base.tls!, chain: [{ ...base.tls!.chain[0]!, subject }] };
    const md = exportReport({ ...report, tls, findings: [{ code: 'CERT_WRONG_HOST', severity: 'error', layer: 'tls', message: `names ${subject}`, hint: 'h' }] }, 'markdown');
    assert.deepEqual(rawControls(md), [], 'no raw control or bidi character');
    assert.doesNotMatch(md, /<b>|\[x\]\(/, 'no markup survives');
    assert.match(md, /\\<b\\>bold\\<\/b\\> \\\[x\\\]\(javascript:alert\(1\)\) \\x1b\\\]0;PWNED\\x07\\x1b\\\[2J\\x9b31m\\u202eevil\\u2066x\\u2069\\u200f/);
  });

  it('Markdown shows the engine\'s verdict and the same stack as the text: the DNS exchange, then each layer across, network text kept as text', () => {
    const stack: NonNullable<Report['stack']> = {
      dns: { name: 'example.com', status: 'ok', summary: 'example.com → 93.184.215.14 (from the resolver 10.0.0.53 over UDP, 3 ms)', source: 'dns', resolvers: [{ server: '10.0.0.53', transport: 'udp' }], cells: [{ layer: 'application', text: 'DNS A/AAAA example.com → 93.184.215.14' }], queries: ['A example.com @10.0.0.53 over UDP → NOERROR, 93.184.215.14, 3 ms'] },
      rows: [
        { layer: 'application', about: 'a', client: 'GET / (HTTP/2)', path: [{ kind: 'cdn', label: 'edge | <i>cdn</i>', status: 'ok' }], server: 'HTTP/2 200 OK' },
        { layer: 'internet', about: 'i', client: 'IPv4 192.168.1.23 → 93.184.215.14 via 192.168.1.1 (wlan0)', path: [{ kind: 'router', label: 'gateway 192.168.1.1', status: 'ok' }], server: null },
      ],
      systemFacts: 'read',
      unavailable: [{ fact: 'tcp', reason: 'macOS shows no other process\'s TCP_INFO' }],
    };
    const md = exportReport({ ...report, stack }, 'markdown');
    assert.ok(md.split('\n').includes(`**⚠️ ${report.verdict.text}**`), 'the engine\'s verdict, marked by its status');
    assert.match(md, /^\| dns \| ✅ ok \| example\.com → 93\.184\.215\.14 \(from the resolver 10\.0\.0\.53 over UDP, 3 ms\) \|$/m);
    assert.match(md, /^\| DNS, before the connection \| application: DNS A\/AAAA example\.com → 93\.184\.215\.14 \| A example\.com @10\.0\.0\.53 over UDP → NOERROR, 93\.184\.215\.14, 3 ms \| \|$/m);
    assert.match(md, /^\| application \| GET \/ \(HTTP\/2\) \| edge \\\| \\<i\\>cdn\\<\/i\\> \| HTTP\/2 200 OK \|$/m);
    assert.match(md, /^_No tcp: macOS shows no other process's TCP\\_INFO_$/m);
  });

  it('writes JSON and HAR with C1 and bidi characters as \\u escapes, the same data for a parser', () => {
    const hostile: Report = { ...report, target: { ...report.target, hostUnicode: 'a\u009bb\u202ec' }, http: { requests: [exchange({ headers: { server: 'x\u009by\u202ez' } })] } };
    for (const format of ['json', 'har'] as const) assert.deepEqual(rawControls(exportReport(hostile, format)), [], format);
    assert.equal((JSON.parse(exportReport(hostile, 'json')) as Report).target.hostUnicode, 'a\u009bb\u202ec');
    assert.match(exportReport(hostile, 'har'), /"value": "x\\u009by\\u202ez"/);
  });
});

describe('toCurl', () => {
  it('adds method, headers, body and proxy; redacts unless asked', () => {
    const proxied: Report = { ...report, proxy: { url: 'http://proxy:3128', source: 'env', name: 'HTTPS_PROXY', reason: '', strictSSL: true, mode: 'tunnel', address: null, connectMs: null, tunnelStatus: 200, tunnelMs: 1 } };
    const request = { method: 'POST', headers: { Authorization: 'Bearer t0ken' }, body: '{"a":1}' };
    const redacted = toCurl(proxied, { request });
    assert.match(redacted, /--proxy http:\/\/proxy:3128 -X POST -H 'authorization: <redacted>' --data-raw '\{"a":1\}'/);
    assert.match(toCurl(proxied, { request, revealSecrets: true }), /-H 'authorization: Bearer t0ken'/);
    assert.match(toCurl({ ...report, proxy: { ...proxied.proxy!, url: null } }), /--noproxy '\*'/);
  });
});
