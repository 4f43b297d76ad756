// The built CLI against peers that put terminal controls, C1 controls, bidi overrides and markup
// where Netdiag prints data: a DNS delegation whose NS name carries them (the trace's referral
// line), a project whose .env and Compose values carry them (bind-scan), and a TLS server whose
// certificate CN and SAN carry them (diagnose as text and Markdown, cert). No raw control or bidi
// character may reach stdout, the hostile text must be shown escaped (so it did reach the output),
// and Markdown must keep markup as text.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostileNamesCert } from '../helpers/badCerts';
import { CLI, runCli } from '../helpers/cli';
import { HIERARCHY, hostileReferralHierarchy, startDnsHierarchy, type DnsHierarchy } from '../helpers/dnsHierarchy';
import { rawControls } from '../helpers/hostileText';
import { writeHostileWorkspace } from '../helpers/hostileWorkspace';
import { testPki } from '../helpers/pki';

let dns: DnsHierarchy;
let tls: https.Server;
let tlsPort = 0;
let dir = '';
let caFile = '';

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  dns = await startDnsHierarchy({ servers: hostileReferralHierarchy() });
  const pki = await testPki();
  const cert = hostileNamesCert(pki);
  tls = https.createServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end('ok\n'));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  tlsPort = (tls.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'netdiag-hostile-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pki.root.cert);
  mkdirSync(join(dir, 'project'));
  writeHostileWorkspace(join(dir, 'project'));
});

after(async () => {
  await dns.close();
  tls.closeAllConnections();
  await new Promise((resolve) => tls.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Asserts the output holds no raw control or bidi character and returns it. */
function clean(stdout: string, what: string): string {
  assert.deepEqual(rawControls(stdout), [], `${what}: raw control or bidi characters reached stdout`);
  return stdout;
}

describe('hostile text never reaches the terminal raw', () => {
  it('dns --trace: the NS name of a referral', async () => {
    const r = await runCli(['dns', 'web.other.test', '--type', 'A', '--trace', '--root', `${HIERARCHY.root}:${dns.port}`, '--server', `${HIERARCHY.root}:${dns.port}`, '--no-system']);
    const out = clean(r.stdout, 'dns --trace');
    assert.match(out, /→ other\.test: ns\\x1b\]0;pwned\\x07\\x9b31m\\u202eevil\\u2066x\\u2069\.other\.test 127\.53\.0\.5 \(glue\)/, 'the referral line shows the name escaped');
    clean((await runCli(['dns', 'web.other.test', '--type', 'A', '--trace', '--root', `${HIERARCHY.root}:${dns.port}`, '--server', `${HIERARCHY.root}:${dns.port}`, '--no-system', '--json'])).stdout, 'dns --json');
  });

  it('bind-scan: values from a .env and a Compose file', async () => {
    const r = await runCli(['bind-scan', join(dir, 'project')]);
    const out = clean(r.stdout, 'bind-scan');
    assert.match(out, /binds to {6}evil\\x1b\]0;PWNED\\x07\\x1b\[2J\\x9b31m\\u202eevil\\u2066x\\u2069\\u200f<b>bold<\/b>:8080/);
    assert.match(out, /^web\\x1b\]0;PWNED\\x07\\u202e \[container\]$/m);
    clean((await runCli(['bind-scan', join(dir, 'project'), '--json'])).stdout, 'bind-scan --json');
  });

  it('diagnose and cert: a certificate whose CN and SAN carry controls and markup', async () => {
    const url = `https://localhost:${tlsPort}/`;
    const common = ['--resolve', 'localhost:127.0.0.1', '--resolver', '127.0.0.1:9', '--timeout', '3000', '--ca', caFile];
    const text = clean((await runCli(['diagnose', url, ...common])).stdout, 'diagnose text');
    assert.match(text, /CERT_HOSTNAME_MISMATCH: The certificate covers evil<b>bold<\/b>\\x1b\]0;PWNED\\x07/);

    const md = clean((await runCli(['diagnose', url, ...common, '--format', 'markdown'])).stdout, 'diagnose markdown');
    assert.doesNotMatch(md, /<b>|\[x\]\(/, 'markup from the certificate is kept as text');
    // Node reads the certificate's UTF-8 bytes one by one: the C1 CSI arrives as U+00C2 U+009B.
    assert.match(md, /covers evil\\<b\\>bold\\<\/b\\>\\x1b\\\]0;PWNED\\x07\\x1b\\\[2J\u00c2\\x9b31m/);
    assert.match(md, /O=Evil \\\[x\\\]\(javascript:alert\(1\)\)/);
    for (const format of ['json', 'har']) clean((await runCli(['diagnose', url, ...common, '--format', format])).stdout, `diagnose ${format}`);

    const cert = clean((await runCli(['cert', `127.0.0.1:${tlsPort}`, '--servername', 'localhost', '--ca', caFile, '--timeout', '3000'])).stdout, 'cert');
    assert.match(cert, /names {7}DNS:evil<b>bold<\/b>\\x1b\]0;PWNED/);
  });
});
