// diagnose() with the OS's real facts on loopback (Linux: ip and ss read this machine's own tables;
// every packet stays on loopback): the route, the interface and TCP_INFO arrive after the exchange
// and land in the report, its stack and its layers; the diagnosed socket stays open until they are
// read (TCP_INFO lives only as long as the connection). The namespace topology with a router,
// MTUs and loss is test/cli/stack.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import { osFacts } from '../../src/engine/stack/osFacts';
import { parseTarget } from '../../src/engine/target';
import { testOptions } from '../helpers/options';
import { startHttpServer, startTcpServer, type HttpTestServer, type RawTcpServer } from '../helpers/servers';

const linux = process.platform === 'linux';
let web: HttpTestServer;
let closing: RawTcpServer;

before(async () => {
  web = await startHttpServer();
  // Answers with Connection: close: Node's HTTP client then closes the socket itself at the end of the response.
  closing = await startTcpServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 3\r\n\r\nok\n'));
  });
});

after(async () => {
  await Promise.all([web?.close(), closing?.close()]);
});

const run = (url: string, patch: Parameters<typeof testOptions>[0] = {}): Promise<Report> => diagnose(parseTarget(url), testOptions({ timeouts: { dnsMs: 1000, connectMs: 1000, tlsMs: 1000, httpMs: 2000 }, systemFacts: osFacts('linux'), ...patch }));

describe('the stack on loopback', { skip: linux ? false : 'reads Linux tools (ip, ss)' }, () => {
  it('the route, the loopback interface and TCP_INFO of the diagnosed connection', async () => {
    const r = await run(`${web.origin}/`);
    const used = r.connections.find((c) => c.used);
    assert.deepEqual(used?.route, { interface: 'lo', source: '127.0.0.1', local: true });
    assert.equal(used?.link?.kind, 'loopback');
    assert.equal(used?.link?.nextHop, null);
    assert.ok(used?.tcp && used.tcp.rttMs > 0 && used.tcp.mss > 0, JSON.stringify(r.stack?.unavailable));
    assert.equal(used.tcp.retransmits, 0);
    assert.equal(r.stack?.systemFacts, 'read');
    assert.deepEqual(r.stack?.unavailable, []);
    assert.deepEqual(r.findings.map((f) => f.code), []);
    const rows = Object.fromEntries((r.stack?.rows ?? []).map((row) => [row.layer, row]));
    assert.match(rows['transport']?.client ?? '', new RegExp(`^TCP ${used.localPort} → ${web.port}, rtt [\\d.]+ ms ± [\\d.]+, 0 retransmits, MSS \\d+, path MTU 65535$`));
    assert.equal(rows['internet']?.client, 'IPv4 127.0.0.1 → 127.0.0.1 on lo (this host)');
    assert.equal(rows['link']?.client, 'loopback lo, MTU 65536');
    assert.match(r.layers.find((l) => l.name === 'transport')?.summary ?? '', /rtt [\d.]+ ms/);
  });

  it('a connection the server closes after its answer (Connection: close): its TCP_INFO while it lingers, else the report says why', async () => {
    const r = await run(`http://127.0.0.1:${closing.port}/`);
    const used = r.connections.find((c) => c.used);
    assert.equal(r.http?.requests[0]?.status, 200);
    assert.equal(used?.route?.interface, 'lo');
    // A race the kernel decides: the half-closed socket may still be listed when ss looks.
    if (used?.tcp) assert.match(used.tcp.state, /^(CLOSE-WAIT|LAST-ACK|FIN-WAIT-[12]|CLOSING|ESTAB)$/);
    else {
      assert.deepEqual(r.stack?.unavailable.map((u) => u.fact), ['tcp']);
      assert.match(r.stack?.unavailable[0]?.reason ?? '', /closed before ss could read/);
    }
  });

  it('a socket the hop itself would close (tcp://: no request sent) stays open until the facts are read', async () => {
    const r = await run(`tcp://127.0.0.1:${web.port}`);
    assert.ok(r.connections.find((c) => c.used)?.tcp, JSON.stringify(r.stack?.unavailable));
  });

  it('streams the facts as a late update: partial reports say pending, then read', async () => {
    const seen: string[] = [];
    await run(`${web.origin}/`, { onUpdate: (report) => seen.push(report.stack?.systemFacts ?? 'none') });
    assert.equal(seen[0], 'pending');
    assert.equal(seen.at(-1), 'read');
  });

  it('a cancelled run does not read them', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await run(`${web.origin}/`, { signal: controller.signal });
    assert.equal(r.stack?.systemFacts, 'not-asked');
  });

  it('reading the facts is not in durationMs: the run ends with its last network step, factsMs says how long the OS took', async () => {
    // The clock jumps a second while TCP_INFO is read, as a slow `ss` would take.
    let offset = 0;
    const real = osFacts('linux');
    const slow = {
      ...real,
      // Each tool run when asked, as where the OS's tools cannot wait for their questions (macOS, Windows).
      standby: undefined,
      tcp: async (...args: Parameters<typeof real.tcp>) => {
        const tcp = await real.tcp(...args);
        offset += 1000;
        return tcp;
      },
    };
    const r = await run(`${web.origin}/`, { systemFacts: slow, now: () => performance.now() + offset });
    assert.equal(r.stack?.systemFacts, 'read');
    assert.ok((r.factsMs ?? 0) >= 1000, `factsMs ${r.factsMs}`);
    assert.ok(r.durationMs < 1000, `durationMs ${r.durationMs}`);
    const lastStep = Math.max(...r.waterfall.map((w) => w.startMs + w.durationMs));
    // Each figure is rounded to 0.1 ms: a step's start plus its duration may pass the rounded end by that.
    assert.ok(r.durationMs + 0.1 >= lastStep, `durationMs ${r.durationMs} ends before the last step at ${lastStep}`);
  });

  it('without system facts (an engine given none) the stack says so and the layers keep their words', async () => {
    const r = await diagnose(parseTarget(`${web.origin}/`), testOptions());
    assert.equal(r.stack?.systemFacts, 'not-asked');
    assert.equal(r.connections.find((c) => c.used)?.tcp, undefined);
    assert.match(r.layers.find((l) => l.name === 'link')?.summary ?? '', /^Leaves through lo/);
  });
});
