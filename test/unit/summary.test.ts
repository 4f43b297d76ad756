import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finding } from '../../src/engine/findings';
import type { ConnectionResult, TlsResult } from '../../src/engine/model/report';
import { buildHops, buildLayers, exchangeOutcome, initialState, type ProbeState } from '../../src/engine/summary';
import { parseTarget } from '../../src/engine/target';
import { diagnosisVerdict } from '../../src/engine/verdict';

function state(input: string, patch: Partial<ProbeState> = {}): ProbeState {
  return { ...initialState(parseTarget(input).target), ...patch };
}

const status = (s: ProbeState): Record<string, string> => Object.fromEntries(buildLayers(s).map((l) => [l.name, l.status]));

const okConn: ConnectionResult = { address: '127.0.0.1', family: 4, port: 443, ok: true, durationMs: 0.3, localAddress: '127.0.0.1', localPort: 50000, used: true };
const refused: ConnectionResult = { address: '::1', family: 6, port: 443, ok: false, durationMs: 0.2, error: { code: 'ECONNREFUSED', message: 'refused' } };

test('at the start every layer is pending except those the scheme skips', () => {
  assert.deepEqual(status(state('https://example.com')), { link: 'pending', internet: 'pending', transport: 'pending', tls: 'pending', application: 'pending' });
  assert.deepEqual(status(state('postgres://db.example.com')), { link: 'pending', internet: 'pending', transport: 'pending', tls: 'skipped', application: 'skipped' });
});

test('a failed lookup breaks at DNS: the internet layer has no address to route to, everything above is skipped', () => {
  const s = state('https://nx.example.com', {
    dns: { system: { addresses: [], durationMs: 3, error: { code: 'ENOTFOUND', message: 'not found' } }, wire: [], cnameChain: [] },
    addressesKnown: true,
    finished: true,
    findings: [finding('DNS_LOOKUP_FAILED', 'nope')],
  });
  assert.deepEqual(status(s), { link: 'skipped', internet: 'skipped', transport: 'skipped', tls: 'skipped', application: 'skipped' });
  assert.equal(diagnosisVerdict(buildLayers(s), s.findings, true, false).text, 'Breaks at DNS (1 error)');
  const hops = buildHops(s, buildLayers(s));
  assert.deepEqual(
    hops.map((h) => [h.kind, h.status]),
    [
      ['client', 'skipped'],
      ['dns', 'fail'],
      ['address', 'skipped'],
      ['tls', 'skipped'],
      ['server', 'skipped'],
    ],
  );
});

test('every address refused: transport fails, the address hop is the failing hop', () => {
  const s = state('http://localhost:9', {
    dns: { system: { addresses: [{ address: '::1', family: 6 }], durationMs: 1 }, wire: [], cnameChain: [] },
    addressesKnown: true,
    connections: [{ ...refused, port: 9 }],
    connectsDone: true,
    finished: true,
    findings: [finding('TCP_REFUSED', 'refused', '::1')],
  });
  assert.equal(status(s)['transport'], 'fail');
  assert.equal(status(s)['application'], 'skipped');
  const hops = buildHops(s, buildLayers(s));
  const failing = hops.filter((h) => h.status === 'fail');
  assert.equal(failing.length, 1);
  assert.equal(failing[0]!.kind, 'address');
  assert.equal(failing[0]!.label, '[::1]:9');
});

test('one of two addresses works: transport warns through its finding, TLS and HTTP proceed', () => {
  const tls: TlsResult = {
    servername: 'localhost',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_128_GCM_SHA256',
    keyExchange: 'X25519',
    alpn: 'h2',
    durationMs: 4,
    authorized: true,
    chain: [],
    verification: { trusted: true, store: 'extra', hostnameMatches: true, errors: [] },
  };
  const s = state('https://localhost', {
    dns: { system: { addresses: [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }], durationMs: 1 }, wire: [], cnameChain: [] },
    addressesKnown: true,
    connections: [refused, okConn],
    connectsDone: true,
    link: { localAddress: '127.0.0.1', interface: { name: 'lo', addresses: [{ address: '127.0.0.1', family: 4, cidr: '127.0.0.1/8' }], internal: true } },
    tls,
    tlsDone: true,
    findings: [finding('TCP_LOCALHOST_FAMILY_MISMATCH', 'only v4')],
  });
  const layers = buildLayers(s);
  assert.deepEqual(status(s), { link: 'ok', internet: 'ok', transport: 'warn', tls: 'ok', application: 'pending' });
  assert.match(layers.find((l) => l.name === 'tls')!.summary, /TLSv1\.3.*h2.*trusted \(extra roots\)/);
  const hops = buildHops(s, layers);
  assert.equal(hops[0]!.label, 'lo');
  assert.equal(hops.find((h) => h.kind === 'address')!.label, '127.0.0.1:443');
});

test('a cancelled run marks what never ran as skipped, not pending', () => {
  const s = state('https://example.com', { finished: true, cancelled: true });
  assert.ok(buildLayers(s).every((l) => l.status === 'skipped'));
  assert.match(buildLayers(s)[1]!.summary, /Cancelled/);
});

test('an HTTP exchange fails without a response or with a 5xx, warns with a 4xx, else is fine', () => {
  assert.deepEqual([null, 503, 500, 404, 400, 399, 302, 200].map((status) => exchangeOutcome({ status })), ['fail', 'fail', 'fail', 'warn', 'warn', 'ok', 'ok', 'ok']);
});

test('a switch of protocols is fine only when it opened the WebSocket the request asked for', () => {
  assert.equal(exchangeOutcome({ status: 101 }), 'fail', 'nobody asked for it');
  assert.equal(exchangeOutcome({ status: 101, websocket: { accepted: true } }), 'ok');
  assert.equal(exchangeOutcome({ status: 101, websocket: { accepted: false } }), 'fail');
  assert.equal(exchangeOutcome({ status: 200, websocket: { accepted: false } }), 'fail');
  assert.equal(exchangeOutcome({ status: 302, websocket: { accepted: false } }), 'ok', 'a redirect is followed');
});

test("a layer's details hold its findings, so a layer a finding fails says why (issue 14 item 6)", () => {
  // The Internet layer fails on ADDRESS_NOT_ROUTABLE although a connection was made; a DNS
  // finding belongs to the DNS exchange (layer "dns"), not to any of the five layers.
  const s = state('https://app.example.com', {
    dns: { system: { addresses: [{ address: '127.0.0.1', family: 4 }], durationMs: 2 }, wire: [], cnameChain: [] },
    addressesKnown: true,
    connections: [okConn],
    connectsDone: true,
    finished: true,
    findings: [finding('ADDRESS_NOT_ROUTABLE', '0.0.0.0 is unspecified: it cannot be a destination.'), finding('DNS_NXDOMAIN', '10.0.0.53 answers NXDOMAIN for app.example.com (A).'), finding('TCP_REFUSED', '[::1]:443: refused'), finding('CANCELLED')],
  });
  const layers = buildLayers(s);
  const internet = layers.find((l) => l.name === 'internet');
  assert.equal(internet?.status, 'fail');
  assert.deepEqual(
    internet?.details.filter((d) => /^[A-Z_]+: /.test(d)),
    ['ADDRESS_NOT_ROUTABLE: 0.0.0.0 is unspecified: it cannot be a destination.'],
  );
  assert.ok(!layers.some((l) => l.details.some((d) => d.startsWith('DNS_'))), 'DNS findings are the DNS exchange\'s');
  const transport = layers.find((l) => l.name === 'transport');
  assert.deepEqual(transport?.details, ['127.0.0.1:443: connected in 0.3 ms from port 50000', 'TCP_REFUSED: [::1]:443: refused'], 'its own facts first, then its findings');
  assert.ok(!layers.some((l) => l.details.some((d) => d.startsWith('CANCELLED'))), 'cancellation is the run, not a layer');
});
