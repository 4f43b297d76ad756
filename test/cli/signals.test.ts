// Ctrl-C: every command against a peer that never answers ends with exit 130 and prints what
// finished, saying it was cancelled and nothing else (test/helpers/signals.ts sends the SIGINT
// once the peer has seen the run). Each step's timeout is 15 s, so ending well before the 20 s
// kill means the command stopped on the signal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDnsServer, type TestDnsServer } from '../helpers/dnsServer';
import { namespacesUnavailable, startDropNamespace, type DropNamespace } from '../helpers/netns';
import { startSilentServer, type RawTcpServer } from '../helpers/servers';
import { runInterrupted } from '../helpers/signals';

let silent: RawTcpServer;
let dns: TestDnsServer;
let sink: DropNamespace | null;

before(async () => {
  silent = await startSilentServer();
  dns = await startDnsServer({ zone: {}, behaviours: { 'never.test': { silent: true } } });
  sink = await startDropNamespace();
});

after(async () => {
  await silent.close();
  await dns.close();
  await sink?.close();
});

/** Exit 130 from the command itself (not the forced exit after the grace), with its partial output. */
function endedByCtrlC(r: { code: number | null; stdout: string; stderr: string }): void {
  assert.equal(r.code, 130, `${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /interrupted|internal error/);
}

describe('Ctrl-C ends every command with 130, printing what finished', () => {
  it('diagnose, waiting for an answer', async () => {
    const seen = silent.connections();
    const r = await runInterrupted(['diagnose', `http://127.0.0.1:${silent.port}/`, '--timeout', '15000'], () => silent.connections() > seen);
    endedByCtrlC(r);
    assert.match(r.stdout, /\(cancelled\)/);
    assert.match(r.stdout, /^· application Cancelled before http:\/\/127\.0\.0\.1:\d+\/ answered$/m);
    assert.match(r.stdout, /CANCELLED: Cancelled/);
  });

  it('cert, waiting for the handshake: it says cancelled, not that the server ended the connection', async () => {
    const seen = silent.connections();
    const r = await runInterrupted(['cert', `127.0.0.1:${silent.port}`, '--timeout', '15000'], () => silent.connections() > seen);
    endedByCtrlC(r);
    assert.match(r.stdout, /Cancelled/);
    assert.doesNotMatch(r.stdout, /ended the connection|TLS_HANDSHAKE_FAILED/);
  });

  it('dns, waiting for a server that never answers', async () => {
    const seen = dns.count('never.test');
    const r = await runInterrupted(['dns', 'never.test', '--server', `127.0.0.1:${dns.port}`, '--no-system', '--timeout', '15000'], () => dns.count('never.test') > seen);
    endedByCtrlC(r);
    assert.match(r.stdout, /[Cc]ancelled/);
  });

  it('trace, towards routers that never answer', async (t) => {
    if (!sink) return t.skip(namespacesUnavailable() ?? 'no namespace');
    const started = Date.now();
    // Nothing outside shows that tracepath is under way; half a second is ample to start it.
    const r = await runInterrupted(['trace', sink.addresses(1)[0]!, '-n', '--timeout', '15000'], () => Date.now() - started > 500);
    endedByCtrlC(r);
    assert.match(r.stdout, /cancelled/);
  });
});
