// The built CLI against every hostile HTTP peer (test/helpers/hostileHttp.ts): no run ends without
// a report. A 101 used to end the process with no output and exit 0, because the request promise
// never settled and nothing else kept Node running.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Report } from '../../src/engine/model/report';
import { runCli } from '../helpers/cli';
import { startHostileHttpServer, type HostileHttpBehaviour, type HostileHttpServer } from '../helpers/hostileHttp';

const peers: HostileHttpServer[] = [];

after(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

async function peer(behaviour: HostileHttpBehaviour): Promise<HostileHttpServer> {
  const p = await startHostileHttpServer(behaviour);
  peers.push(p);
  return p;
}

const CASES: readonly { behaviour: HostileHttpBehaviour; scheme: 'http' | 'ws'; exit: 0 | 1 }[] = [
  { behaviour: 'switch-unasked', scheme: 'http', exit: 1 },
  { behaviour: 'switch-unasked', scheme: 'ws', exit: 1 },
  { behaviour: 'websocket', scheme: 'ws', exit: 0 },
  { behaviour: 'websocket-200', scheme: 'ws', exit: 1 },
  { behaviour: 'websocket-bad-accept', scheme: 'ws', exit: 1 },
  { behaviour: 'websocket-no-accept', scheme: 'ws', exit: 1 },
  { behaviour: 'websocket-no-upgrade', scheme: 'ws', exit: 1 },
  { behaviour: 'continue-websocket', scheme: 'ws', exit: 0 },
  { behaviour: 'keepalive-race', scheme: 'http', exit: 0 },
  { behaviour: 'close-after-response', scheme: 'http', exit: 0 },
  { behaviour: 'header-overflow', scheme: 'http', exit: 1 },
  { behaviour: 'redirect-file', scheme: 'http', exit: 1 },
];

describe('no run ends without a report', () => {
  for (const c of CASES) {
    it(`${c.scheme}:// against ${c.behaviour}: a complete report, exit ${c.exit}`, async () => {
      const p = await peer(c.behaviour);
      const url = `${c.scheme}://${p.authority}/`;
      const json = await runCli(['diagnose', url, '--json', '--timeout', '3000']);
      assert.equal(json.code, c.exit, `${json.stdout}${json.stderr}`);
      const report = JSON.parse(json.stdout) as Report;
      assert.equal(report.complete, true);
      assert.ok((report.http?.requests.length ?? 0) > 0);
      const text = await runCli(['diagnose', url, '--timeout', '3000']);
      assert.equal(text.code, c.exit);
      assert.match(text.stdout, /^. application /m);
    });
  }
});

describe('what the text says', () => {
  it('a WebSocket that opened, and one that did not', async () => {
    const good = await runCli(['diagnose', `ws://${(await peer('websocket')).authority}/`]);
    assert.match(good.stdout, /✔ application WebSocket opened: 101 Switching Protocols over HTTP\/1\.1/);
    const bad = await runCli(['diagnose', `ws://${(await peer('websocket-bad-accept')).authority}/`]);
    assert.match(bad.stdout, /WEBSOCKET_BAD_ACCEPT: .*Sec-WebSocket-Accept/);
  });

  it('a request sent again after the server closed the kept-alive connection says so', async () => {
    const r = await runCli(['diagnose', `${(await peer('keepalive-race')).origin}/`]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /GET http:\/\/[^ ]+\/next → 200 OK\n +sent again on a fresh connection: the server had closed the kept-alive one \(ECONNRESET\)/);
    assert.doesNotMatch(r.stdout, /HTTP_BAD_RESPONSE/);
  });
});
