// Parsers of tracepath, traceroute and tracert output; the missing-tool message; attachRoute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '../../src/engine/model/report';
import type { CommandRunner } from '../../src/engine/command';
import { attachRoute, parseTracepath, parseTraceroute, parseTracert, routeHostProblem, traceRoute, traceTarget } from '../../src/engine/route';

describe('parseTracepath', () => {
  it('reads addresses, names, RTTs, no reply and reached; merges repeated TTLs', () => {
    const out = [
      ' 1?: [LOCALHOST]                      pmtu 1500',
      ' 1:  gw.lan (192.168.1.1)                                0.512ms ',
      ' 1:  gw.lan (192.168.1.1)                                0.430ms ',
      ' 2:  no reply',
      ' 3:  10.0.2.2                                            1.041ms reached',
      ' 4:  gw-only-name                                        2.000ms ',
      '     Resume: pmtu 1500 hops 3 back 3 ',
    ].join('\n');
    assert.deepEqual(parseTracepath(out), [
      { ttl: 1, address: '192.168.1.1', name: 'gw.lan', rttMs: [0.512, 0.43], note: 'pmtu 1500' },
      { ttl: 2, address: null, name: null, rttMs: [] },
      { ttl: 3, address: '10.0.2.2', name: null, rttMs: [1.041], note: 'reached' },
      { ttl: 4, address: null, name: 'gw-only-name', rttMs: [2] },
    ]);
  });
});

describe('parseTracepath when the path MTU shrinks', () => {
  // Recorded in the namespace lab: a client link of MTU 1400, the server's of 1300 behind the router.
  it('a router\'s "packet too big" at a TTL is not that hop: the retry at the same TTL is', () => {
    const out = [
      ' 1?: [LOCALHOST]                      pmtu 1400',
      ' 1:  10.77.1.1                                             0.211ms ',
      ' 1:  10.77.1.1                                             0.011ms ',
      ' 2:  10.77.1.1                                             0.013ms pmtu 1300',
      ' 2:  10.77.2.2                                             0.090ms reached',
      '     Resume: pmtu 1300 hops 2 back 2 ',
    ].join('\n');
    assert.deepEqual(parseTracepath(out), [
      { ttl: 1, address: '10.77.1.1', name: null, rttMs: [0.211, 0.011], note: 'pmtu 1400' },
      { ttl: 2, address: '10.77.2.2', name: null, rttMs: [0.09], note: 'pmtu 1300, reached' },
    ]);
  });
  it('with -b a router without a reverse name is ??? (its address), or its address twice', () => {
    assert.deepEqual(parseTracepath(' 1:  ??? (10.77.1.1)                                       0.021ms '), [{ ttl: 1, address: '10.77.1.1', name: null, rttMs: [0.021] }]);
    assert.deepEqual(parseTracepath(' 1:  10.77.1.1 (10.77.1.1)                                 0.334ms '), [{ ttl: 1, address: '10.77.1.1', name: null, rttMs: [0.334] }]);
  });
});

describe('parseTraceroute', () => {
  it('reads -n and named output, stars and !H flags', () => {
    const out = [
      'traceroute to example.test (10.0.2.2), 30 hops max, 60 byte packets',
      ' 1  router.lan (10.0.1.1)  0.050 ms  0.020 ms  0.019 ms',
      ' 2  * * *',
      ' 3  10.0.2.2  0.040 ms !H  0.030 ms !H  0.029 ms !H',
    ].join('\n');
    assert.deepEqual(parseTraceroute(out), [
      { ttl: 1, address: '10.0.1.1', name: 'router.lan', rttMs: [0.05, 0.02, 0.019] },
      { ttl: 2, address: null, name: null, rttMs: [] },
      { ttl: 3, address: '10.0.2.2', name: null, rttMs: [0.04, 0.03, 0.029], note: '!H' },
    ]);
  });
});

describe('parseTracert', () => {
  it('reads Windows output with <1 ms, names in brackets and timeouts', () => {
    const out = [
      'Tracing route to example.com [93.184.216.34]',
      'over a maximum of 30 hops:',
      '',
      '  1    <1 ms    <1 ms    <1 ms  192.168.1.1',
      '  2     5 ms     4 ms     4 ms  router.isp.net [10.0.0.1]',
      '  3     *        *        *     Request timed out.',
      '',
      'Trace complete.',
    ].join('\r\n');
    assert.deepEqual(parseTracert(out), [
      { ttl: 1, address: '192.168.1.1', name: null, rttMs: [1, 1, 1] },
      { ttl: 2, address: '10.0.0.1', name: 'router.isp.net', rttMs: [5, 4, 4] },
      { ttl: 3, address: null, name: null, rttMs: [], note: 'Request timed out' },
    ]);
  });
});

describe('traceRoute', () => {
  const missing: CommandRunner = async () => ({ stdout: '', stderr: '', errorCode: 'ENOENT' });

  it('says which tool to install when none exists', async () => {
    const { route, findings } = await traceRoute('10.0.0.1', { timeoutMs: 1000, maxHops: 5, names: false, platform: 'linux', run: missing });
    assert.equal(route.tool, null);
    assert.deepEqual(findings.map((f) => f.code), ['ROUTE_TOOL_MISSING']);
    assert.match(findings[0]!.message, /iputils-tracepath/);
  });

  it('falls back from tracepath to traceroute and flags an incomplete route', async () => {
    const calls: string[] = [];
    const run: CommandRunner = async (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      return file === 'tracepath' ? { stdout: '', stderr: '', errorCode: 'ENOENT' } : { stdout: ' 1  10.0.1.1  0.1 ms\n 2  * * *\n', stderr: '' };
    };
    const { route, findings } = await traceRoute('10.0.2.2', { timeoutMs: 1000, maxHops: 2, names: false, platform: 'linux', run });
    assert.deepEqual(calls, ['tracepath -n -m 2 -- 10.0.2.2', 'traceroute -n -m 2 -w 1 -- 10.0.2.2']);
    assert.equal(route.tool, 'traceroute');
    assert.equal(route.reached, false);
    assert.match(findings[0]?.message ?? '', /last router that answered is 10\.0\.1\.1 \(hop 1\)/);
  });

  it('runs nothing for a host the tool would take for an option', async () => {
    const calls: string[] = [];
    const run: CommandRunner = async (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      return { stdout: '', stderr: '' };
    };
    for (const host of ['-b', 'x.-oProxyCommand', '']) {
      const { route, findings } = await traceRoute(host, { timeoutMs: 1000, maxHops: 2, names: true, platform: 'linux', run });
      assert.equal(route.error?.code, 'ROUTE_HOST_INVALID', host);
      assert.deepEqual(findings, []);
    }
    assert.deepEqual(calls, []);
    assert.equal(routeHostProblem('example.com'), null);
    assert.equal(routeHostProblem('_srv.example.com'), null);
    assert.equal(routeHostProblem('::1'), null);
    assert.match(routeHostProblem('-n') ?? '', /"-n" is not a host name/);
  });

  it('uses tracert with -d on Windows', async () => {
    let seen = '';
    const run: CommandRunner = async (file, args) => {
      seen = `${file} ${args.join(' ')}`;
      return { stdout: '  1    <1 ms    <1 ms    <1 ms  10.0.0.9\r\n', stderr: '' };
    };
    const { route } = await traceRoute('10.0.0.9', { timeoutMs: 1000, maxHops: 4, names: false, platform: 'win32', run });
    assert.equal(seen, 'tracert -d -h 4 -w 1000 10.0.0.9');
    assert.equal(route.reached, true);
  });
});

describe('attachRoute', () => {
  it('puts route hops right after the client', () => {
    const report = { hops: [{ kind: 'client', label: 'eth0', status: 'ok' }, { kind: 'address', label: '10.0.2.2:80', status: 'ok' }], findings: [] } as unknown as Report;
    const out = attachRoute(report, { tool: 'tracepath', host: '10.0.2.2', command: 'tracepath', hops: [{ ttl: 1, address: '10.0.1.1', name: null, rttMs: [0.2, 0.1] }], reached: false, durationMs: 5 }, []);
    assert.deepEqual(out.hops.map((h) => h.kind), ['client', 'route', 'address']);
    assert.equal(out.hops[1]?.durationMs, 0.1);
    assert.equal(out.route?.tool, 'tracepath');
  });
});

describe('attachRoute and the stack', () => {
  it('the path MTU tracepath measured joins the traced address\' route, is judged, and the routers are drawn at the internet layer', () => {
    const report = {
      target: { host: '10.77.2.2', tls: false, application: 'http', scheme: 'http', path: '/' },
      connections: [{ address: '10.77.2.2', family: 4, port: 80, ok: true, durationMs: 1, localAddress: '10.77.1.2', localPort: 40000, used: true, route: { interface: 'c0', source: '10.77.1.2', gateway: '10.77.1.1' }, link: { interface: 'c0', kind: 'veth', mtu: 1400, state: 'up', mac: '46:91:ec:dd:a8:9d', nextHop: null } }],
      link: null,
      internet: { local: null, remote: [] },
      tls: null,
      http: null,
      hops: [{ kind: 'client', label: 'c0', status: 'ok' }],
      findings: [],
      layers: [],
      complete: true,
      cancelled: false,
      stack: { dns: null, rows: [], systemFacts: 'read', unavailable: [] },
    } as unknown as Report;
    const hops = [
      { ttl: 1, address: '10.77.1.1', name: null, rttMs: [0.05], note: 'pmtu 1300' },
      { ttl: 2, address: '10.77.2.2', name: null, rttMs: [0.09], note: 'reached' },
    ];
    const out = attachRoute(report, { tool: 'tracepath', host: '10.77.2.2', command: 'tracepath -n 10.77.2.2', hops, reached: true, durationMs: 30 }, []);
    assert.deepEqual(out.connections[0]?.route, { interface: 'c0', source: '10.77.1.2', gateway: '10.77.1.1', pmtu: 1300, pmtuSource: 'trace' });
    assert.deepEqual(out.findings.map((f) => f.code), ['PATH_MTU_REDUCED']);
    assert.deepEqual(out.stack?.rows.find((r) => r.layer === 'internet')?.path.map((p) => p.label), ['hop 1: 10.77.1.1']);
    const again = attachRoute(out, { tool: 'tracepath', host: '10.77.2.2', command: 'tracepath -n 10.77.2.2', hops, reached: true, durationMs: 30 }, []);
    assert.deepEqual(again.findings.map((f) => f.code), ['PATH_MTU_REDUCED'], 'a second trace does not repeat the finding');
  });
});

describe('traceTarget', () => {
  const report = (patch: Partial<Report>): Report =>
    ({ target: { host: 'example.test' }, proxy: null, connections: [{ address: '10.0.0.1', used: false }, { address: '10.0.0.2', used: true }], ...patch }) as unknown as Report;
  it('traces to the address the diagnosis used', () => {
    assert.equal(traceTarget(report({})), '10.0.0.2');
  });
  it('traces to the proxy when the connection went through one, else to the host', () => {
    assert.equal(traceTarget(report({ proxy: { url: 'http://proxy:3128', address: '10.9.9.9' } as Report['proxy'] })), '10.9.9.9');
    assert.equal(traceTarget(report({ proxy: { url: 'http://proxy:3128', address: null } as unknown as Report['proxy'] })), 'example.test');
    assert.equal(traceTarget(report({ connections: [] })), 'example.test');
  });
});

describe('tracepath placeholders and the path MTU (issue 14 item 7)', () => {
  // `netdiag trace ::1` as tracepath -b prints it where it cannot name the hop.
  const out = [' 1?: [LOCALHOST]                        0.022ms pmtu 65536', ' 1:  ??? (::1)                                             0.254ms reached', ' 2:  ???                                                   1.000ms ', '     Resume: pmtu 65536 hops 1 back 1 '].join('\n');

  it('never takes ??? for a router name', () => {
    assert.deepEqual(parseTracepath(out), [
      { ttl: 1, address: '::1', name: null, rttMs: [0.254], note: 'pmtu 65536, reached' },
      { ttl: 2, address: null, name: null, rttMs: [1] },
    ]);
    assert.equal(parseTraceroute(' 1  ??? (10.0.1.1)  0.05 ms')[0]?.name, null);
  });

  it('keeps the path MTU in the route and in the report', async () => {
    const run: CommandRunner = async () => ({ stdout: out, stderr: '' });
    const { route } = await traceRoute('::1', { timeoutMs: 1000, maxHops: 2, names: true, platform: 'linux', run });
    assert.equal(route.pmtu, 65536);
    assert.equal(route.hops[0]?.note, 'pmtu 65536, reached');
    const report = { hops: [{ kind: 'client', label: 'lo', status: 'ok' }], findings: [] } as unknown as Report;
    const attached = attachRoute(report, route, []);
    assert.equal(attached.route?.pmtu, 65536);
    assert.deepEqual(attached.hops.map((h) => [h.label, h.detail]), [['lo', undefined], ['hop 1: ::1', 'pmtu 65536, reached'], ['hop 2: no reply', undefined]]);
  });
});
