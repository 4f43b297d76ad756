// The stack as it really is, against a real network: the built CLI runs inside a client network
// namespace and diagnoses a server two links away (test/helpers/netnsLab.ts): a client link with
// an MTU of 1400, a server link of 1300, IP forwarding in the router, a second client link with a
// route of its own, and an iptables rule in the router that drops a share of the client's packets
// (the kernel here has no netem). The server's namespace runs a DNS server and an HTTP server
// (test/helpers/netnsPeer.ts); the client's /etc/hosts and resolv.conf are the namespace's own.
// Every address exists only inside these namespaces. Skipped, with the reason, without root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/engine/model/report';
import { makeCertificates } from '../harness/certs.mjs';
import { runCli } from '../helpers/cli';
import { namespacesUnavailable } from '../helpers/netns';
import { makeLab, type Lab } from '../helpers/netnsLab';

let lab: Lab | undefined;
let skip: string | false = namespacesUnavailable() ?? false;
let tmp = '';

before(async () => {
  if (skip) return;
  try {
    lab = makeLab({
      clientMtu: 1400,
      serverMtu: 1300,
      secondLink: true,
      clientEtc: { hosts: '127.0.0.1 localhost\n10.77.2.2 www.netdiag.test\n', 'resolv.conf': 'nameserver 10.77.2.2\n' },
    });
  } catch (err) {
    skip = `cannot make network namespaces here: ${(err as Error).message}`;
    return;
  }
  // 10.77.2.3, the server's second address, is reached through the second link.
  lab.exec(lab.ns.client, 'ip', 'route', 'add', '10.77.2.3/32', 'via', '10.77.3.1', 'dev', lab.dev.c1);
  // A network behind a gateway that does not exist: ARP for it fails (after 3 probes 100 ms apart).
  lab.exec(lab.ns.client, 'ip', 'route', 'add', '10.77.9.0/24', 'via', '10.77.1.99', 'dev', lab.dev.c0);
  lab.exec(lab.ns.client, 'sysctl', '-qw', `net.ipv4.neigh.${lab.dev.c0}.retrans_time_ms=100`);
  // One segment per packet on the client's link: with GSO the client hands the veth 64 KB at a time,
  // and the router's drop rule would see 16 packets for a 300 KB body instead of 240.
  lab.exec(lab.ns.client, 'ip', 'link', 'set', 'dev', lab.dev.c0, 'gso_max_segs', '1');
  tmp = mkdtempSync(join(tmpdir(), 'netdiag-stack-'));
  const certs = makeCertificates({ commonName: 'www.netdiag.test', dnsNames: ['www.netdiag.test'], ipAddresses: ['10.77.2.2'] });
  writeFileSync(join(tmp, 'cert.pem'), certs.certPem);
  writeFileSync(join(tmp, 'key.pem'), certs.keyPem);
  writeFileSync(join(tmp, 'ca.pem'), certs.caPem);
  const peer = lab.start(lab.ns.server, [process.execPath, '--import', 'tsx', join(__dirname, '../helpers/netnsPeer.ts')], { NETDIAG_PEER_CERT: join(tmp, 'cert.pem'), NETDIAG_PEER_KEY: join(tmp, 'key.pem') });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    peer.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    peer.once('exit', (code) => reject(new Error(`the server namespace's peer exited (${code}): ${out}`)));
  });
});

after(async () => {
  await lab?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const diagnose = async (target: string, ...more: string[]): Promise<{ report: Report; code: number | null }> => {
  const r = await runCli(['diagnose', target, '--json', '--resolver', '10.77.2.2', '--timeout', '3000', ...more], { netns: lab!.ns.client });
  assert.ok(r.stdout.startsWith('{'), r.stderr || r.stdout);
  return { report: JSON.parse(r.stdout) as Report, code: r.code };
};
const used = (r: Report) => r.connections.find((c) => c.used);
const codes = (r: Report): string[] => r.findings.map((f) => f.code).sort();

describe('the stack between network namespaces', () => {
  it('DNS as its own exchange; the route via the gateway; the link with MTU 1400, its MAC and the gateway\'s; TCP with its RTT, MSS and path MTU 1300', async (t) => {
    if (skip) return t.skip(skip);
    const { report, code } = await diagnose('http://www.netdiag.test:8080/');
    assert.equal(code, 0, JSON.stringify(report.findings));
    const dns = report.stack?.dns;
    assert.equal(dns?.source, 'hosts');
    assert.deepEqual(dns?.hostsEntry, { path: '/etc/hosts', line: 2, text: '10.77.2.2 www.netdiag.test', address: '10.77.2.2' });
    assert.deepEqual(dns?.queries.map((q) => q.replace(/, [\d.]+ ms$/, '')), ['A www.netdiag.test @10.77.2.2 over UDP → NOERROR, 10.77.2.2', 'AAAA www.netdiag.test @10.77.2.2 over UDP → NOERROR, no records']);

    const c = used(report);
    assert.deepEqual(c?.route, { interface: lab!.dev.c0, source: '10.77.1.2', gateway: '10.77.1.1' });
    assert.equal(c?.link?.kind, 'veth');
    assert.equal(c?.link?.mtu, 1400);
    assert.equal(c?.link?.mac, lab!.mac(lab!.ns.client, lab!.dev.c0));
    assert.equal(c?.link?.nextHop?.address, '10.77.1.1');
    assert.equal(c?.link?.nextHop?.mac, lab!.mac(lab!.ns.router, lab!.dev.r0));
    assert.match(c?.link?.nextHop?.state ?? '', /^(reachable|stale|delay|probe)$/);
    const tcp = c?.tcp;
    assert.ok(tcp && tcp.rttMs > 0, JSON.stringify(report.stack?.unavailable));
    assert.ok(tcp.mss >= 1236 && tcp.mss <= 1260, `MSS ${tcp.mss}`);
    assert.equal(tcp.pathMtu, 1300);
    assert.equal(tcp.retransmits, 0);
    // The hosts line that answers the name is itself worth saying (info), besides the reduced path MTU.
    assert.deepEqual(codes(report), ['DNS_HOSTS_OVERRIDE', 'PATH_MTU_REDUCED']);
    assert.match(report.findings.find((f) => f.code === 'PATH_MTU_REDUCED')?.message ?? '', /at most 1300 bytes .* less than the 1400 of /);
    const rows = Object.fromEntries((report.stack?.rows ?? []).map((r) => [r.layer, r]));
    assert.equal(rows['internet']?.client, `IPv4 10.77.1.2 → 10.77.2.2 via 10.77.1.1 (${lab!.dev.c0})`);
    assert.deepEqual(rows['internet']?.path.map((p) => p.label), ['gateway 10.77.1.1']);
    assert.match(rows['link']?.path[0]?.label ?? '', new RegExp(`^10\\.77\\.1\\.1 \\(gateway\\) at ${lab!.mac(lab!.ns.router, lab!.dev.r0)}, `));
  });

  it('the text and Markdown show the same stack', async (t) => {
    if (skip) return t.skip(skip);
    const common = ['diagnose', 'http://www.netdiag.test:8080/', '--resolver', '10.77.2.2', '--timeout', '3000'];
    const [text, md] = await Promise.all([runCli(common, { netns: lab!.ns.client }), runCli([...common, '--format', 'markdown'], { netns: lab!.ns.client })]);
    const gatewayMac = lab!.mac(lab!.ns.router, lab!.dev.r0);
    for (const [name, out] of [['text', text.stdout], ['markdown', md.stdout]] as const) {
      assert.match(out, /www\.netdiag\.test → 10\.77\.2\.2 \(from \/etc\/hosts line 2, [\d.]+ ms\)/, name);
      assert.match(out, /hosts file \/etc\/hosts line 2: 10\.77\.2\.2 www\.netdiag\.test/, name);
      assert.match(out, new RegExp(`IPv4 10\\.77\\.1\\.2 → 10\\.77\\.2\\.2 via 10\\.77\\.1\\.1 \\(${lab!.dev.c0}\\)`), name);
      assert.match(out, new RegExp(`veth ${lab!.dev.c0}, MTU 1400, ${lab!.mac(lab!.ns.client, lab!.dev.c0)}, up`), name);
      assert.ok(out.includes(`10.77.1.1 (gateway) at ${gatewayMac}`), name);
      assert.match(out, /TCP \d+ → 8080, rtt [\d.]+ ms ± [\d.]+, 0 retransmits, MSS 12\d\d, path MTU 1300/, name);
      assert.match(out, /PATH_MTU_REDUCED/, name);
    }
    assert.match(text.stdout, /^Stack/m);
    assert.match(md.stdout, /^### Stack$/m);
  });

  it('HTTPS over HTTP/2: the TLS layer\'s line at each end, and TCP_INFO read before the HTTP/2 session closed', async (t) => {
    if (skip) return t.skip(skip);
    const { report, code } = await diagnose('https://www.netdiag.test:8443/', '--ca', join(tmp, 'ca.pem'));
    assert.equal(code, 0, JSON.stringify(report.findings));
    assert.equal(report.http?.requests[0]?.httpVersion, '2.0');
    const rows = Object.fromEntries((report.stack?.rows ?? []).map((r) => [r.layer, r]));
    assert.match(rows['tls']?.client ?? '', /^TLS 1\.3 TLS_\w+, SNI www\.netdiag\.test, ALPN h2$/);
    assert.equal(rows['tls']?.server, 'certificate www.netdiag.test, trusted');
    assert.equal(rows['application']?.server, 'HTTP/2 200 OK · netns-peer');
    assert.ok(used(report)?.tcp, JSON.stringify(report.stack?.unavailable));
    assert.equal(used(report)?.tcp?.pathMtu, 1300);
  });

  it('a name the system resolver asks the resolv.conf resolver for: DNS over UDP to it', async (t) => {
    if (skip) return t.skip(skip);
    const { report } = await diagnose('http://api.netdiag.test:8080/');
    const dns = report.stack?.dns;
    assert.deepEqual([dns?.source, dns?.resolvers], ['dns', [{ server: '10.77.2.2', transport: 'udp' }]]);
    assert.deepEqual(dns?.cells.map((c) => c.text), ['DNS A/AAAA api.netdiag.test → 10.77.2.2', 'UDP to port 53 of 10.77.2.2', 'IPv4 to 10.77.2.2']);
  });

  it('a route through the second interface, not the default route\'s: marked, and ROUTE_UNEXPECTED_INTERFACE', async (t) => {
    if (skip) return t.skip(skip);
    const { report } = await diagnose('http://10.77.2.3:8080/');
    const c = used(report);
    assert.deepEqual(c?.route, { interface: lab!.dev.c1, source: '10.77.3.2', gateway: '10.77.3.1', defaultInterface: lab!.dev.c0 });
    assert.equal(c?.link?.mtu, 1500);
    assert.ok(codes(report).includes('ROUTE_UNEXPECTED_INTERFACE'), codes(report).join());
    assert.match(report.layers.find((l) => l.name === 'internet')?.summary ?? '', new RegExp(`not the default route's ${lab!.dev.c0}`));
  });

  it('a gateway that never answers ARP: LINK_NEIGHBOUR_UNRESOLVED, and the diagnosis breaks at the link layer', async (t) => {
    if (skip) return t.skip(skip);
    const { report, code } = await diagnose('http://10.77.9.9:8080/');
    assert.equal(code, 1);
    const c = report.connections[0];
    assert.equal(c?.ok, false);
    assert.match(c?.link?.nextHop?.state ?? '', /^(failed|incomplete)$/);
    assert.equal(c?.link?.nextHop?.address, '10.77.1.99');
    assert.ok(codes(report).includes('LINK_NEIGHBOUR_UNRESOLVED'), codes(report).join());
    assert.equal(report.layers.find((l) => l.name === 'link')?.status, 'fail');
    assert.match(report.verdict.text, /^Breaks at Link/);
  });

  it('with the router dropping a share of the packets, TCP resends: TCP_RETRANSMISSIONS', async (t) => {
    if (skip) return t.skip(skip);
    if (spawnSync('iptables', ['-V']).status !== 0) return t.skip('iptables is not installed (apt-get install iptables)');
    const body = join(tmp, 'body');
    writeFileSync(body, 'b'.repeat(300_000));
    // One direction only, the client's: about 24 of the body's 240 segments are lost, so TCP must
    // resend (never none: 0.9^240 ≈ 1e-11), while the server's acknowledgements all arrive and
    // recovery stays quick (losses both ways can stack retransmission timeouts past any timeout).
    const rule = ['FORWARD', '-i', lab!.dev.r0, '-m', 'statistic', '--mode', 'random', '--probability', '0.1', '-j', 'DROP'];
    lab!.exec(lab!.ns.router, 'iptables', '-A', ...rule);
    try {
      // An address, not a name: DNS queries the router may drop would only slow the test down.
      const { report } = await diagnose('http://10.77.2.2:8080/bytes/1000', '-d', `@${body}`, '--timeout', '10000');
      const tcp = used(report)?.tcp;
      assert.equal(report.http?.requests[0]?.status, 200, JSON.stringify(report.findings));
      assert.ok(tcp && tcp.retransmits + tcp.outOfOrder > 0, JSON.stringify(tcp));
      assert.ok(codes(report).includes('TCP_RETRANSMISSIONS'), codes(report).join());
      assert.equal(report.layers.find((l) => l.name === 'transport')?.status, 'warn');
    } finally {
      lab!.exec(lab!.ns.router, 'iptables', '-D', ...rule);
    }
  });

  it('--trace: tracepath inside the namespace measures the path MTU of 1300 and its router joins the picture', async (t) => {
    if (skip) return t.skip(skip);
    if (spawnSync('tracepath', ['-V']).error) return t.skip('tracepath is not installed (apt-get install iputils-tracepath)');
    const { report } = await diagnose('http://www.netdiag.test:8080/', '--trace');
    assert.equal(report.route?.reached, true, JSON.stringify(report.route));
    const c = used(report);
    assert.equal(c?.route?.pmtu, 1300);
    assert.match(c?.route?.pmtuSource ?? '', /^(trace|kernel)$/);
    assert.deepEqual(report.stack?.rows.find((r) => r.layer === 'internet')?.path.filter((p) => p.kind === 'router').map((p) => p.address), ['10.77.1.1']);
  });
});
