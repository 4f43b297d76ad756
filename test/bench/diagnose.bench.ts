// Diagnose Endpoint against curl, cold and warm, in one run against the same servers: nginx
// (HTTPS, HTTP/2, EC P-256 certificate verified by both tools against a CA file) on loopback,
// directly and behind a relay that holds every chunk DELAY_MS each way; Knot answering the wire
// DNS queries Netdiag sends beside its critical path; the name pinned for both tools.
//
// cold:  a fresh `node dist/cli.js diagnose … --json` process per run (what every CLI run is), its
//        report's phases and durationMs against curl -w, and both processes' wall clocks;
// first: the first diagnosis of a freshly loaded dist/engine.js (a VS Code window's first one),
//        loaded as the extension loads it (V8's code cache from an earlier window) and prepared
//        as it prepares it while the target is typed (windowReadyToRun), its partial reports
//        serialized as the extension posts them to its panel;
// warm:  the same engine process after that.
// curl runs between Netdiag's runs, so both see the same machine. curl's TLS phase holds its own
// set-up before the ClientHello, which Netdiag does before its clock: a second curl with -v
// --trace-time says how long that took (measure.ts, curlTlsSetup), and the handshake is also
// compared without it. Each shared phase is within max(1 ms, 10 %) of curl's or not (issue 11).
// Needs nginx, knotd, curl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/engine/model/report';
import { haveKnot, startKnot } from '../helpers/knot';
import { startLatencyProxy } from '../helpers/latencyProxy';
import { freeTcpPort, haveNginx, startNginx } from '../helpers/nginx';
import { curl, curlTlsSetup, median, pairedRatio, startEngineRunner, table, timed, windowReadyToRun, within, type CurlTimes } from './measure';

const DELAY_MS = 20;
const COLD_RUNS = 15;
const FIRST_RUNS = 5;
const WARM_RUNS = 15;
const NAME = 'bench.test';
const KNOT_ADDRESS = '127.53.9.1';
const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const ENGINE = join(ROOT, 'dist/engine.js');

/** What is compared per run: Netdiag's report against curl's -w of the same transfer. */
interface Sample {
  connect: number;
  tls: number;
  ttfb: number;
  total: number;
  setup: number;
  wall: number;
}

function certificate(dir: string): { key: string; cert: string; caFile: string } {
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '30', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`, '-addext', 'basicConstraints=critical,CA:FALSE'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(caFile, 'utf8'), caFile };
}

function sampleOf(report: Report, wall = NaN): Sample {
  const first = report.http?.requests[0];
  const errors = report.findings.filter((f) => f.severity === 'error');
  if (!first || first.status === null || errors.length > 0) throw new Error(`the diagnosis failed: ${JSON.stringify(errors)}`);
  if (!report.dns?.wire.length || report.dns.wire.some((q) => q.rcode !== 'NOERROR')) throw new Error('the wire DNS queries did not run');
  return { connect: first.timings.connectMs, tls: first.timings.tlsMs, ttfb: first.timings.ttfbMs, total: report.durationMs, setup: report.setupMs ?? NaN, wall };
}

function curlSample(c: CurlTimes): Sample {
  return { connect: c.connect, tls: c.tls, ttfb: c.ttfb, total: c.total, setup: NaN, wall: c.wall };
}

const pick = (xs: readonly Sample[], k: keyof Sample): number => median(xs.map((x) => x[k]));

async function main(): Promise<void> {
  if (!haveNginx || !haveKnot) throw new Error('needs nginx and knotd (Debian nginx-light, knot)');
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-bench-'));
  const { key, cert, caFile } = certificate(dir);
  const nginx = await startNginx({ host: '127.0.0.1', cert, key, bodyBytes: 2048 });
  const relay = await startLatencyProxy({ host: '127.0.0.1', port: nginx.port }, DELAY_MS);
  const zone = `$ORIGIN ${NAME}.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A ${KNOT_ADDRESS}\n@ A 127.0.0.1\n`;
  const knot = await startKnot(KNOT_ADDRESS, await freeTcpPort(KNOT_ADDRESS), { [NAME]: zone });
  const resolver = `${KNOT_ADDRESS}:${knot.port}`;
  // The CLI's caches (trust-store index, code cache) start empty in a directory of this run.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k))), NO_COLOR: '1', XDG_CACHE_HOME: join(dir, 'cache') };

  const cli = async (url: string): Promise<Sample> => {
    const r = await timed(process.execPath, [CLI, 'diagnose', url, '--json', '--ca', caFile, '--resolve', `${NAME}:127.0.0.1`, '--resolver', resolver], env);
    if (r.code !== 0) throw new Error(`netdiag exited with ${r.code}:\n${r.stderr}`);
    return sampleOf(JSON.parse(r.stdout) as Report, r.ms);
  };
  const curlArgs = (port: number, path: string, follow: boolean): string[] => [...(follow ? ['-L'] : []), '--cacert', caFile, '--resolve', `${NAME}:${port}:127.0.0.1`, `https://${NAME}:${port}${path}`];
  const setup = { dnsServers: [resolver], extraCaFiles: [caFile], resolve: [`${NAME}:127.0.0.1`] };

  // The engine's code cache, as the extension keeps it in its storage: filled by an earlier window.
  const engineCache = join(dir, 'engine-cache');
  try {
    const emptyCache = await cli(`https://${NAME}:${nginx.port}/`);
    const earlierWindow = startEngineRunner(ENGINE, engineCache);
    await earlierWindow.run({ kind: 'diagnose', url: `https://${NAME}:${nginx.port}/`, setup, stream: true });
    await earlierWindow.close();
    console.log(`one-way delay through the relay ${DELAY_MS} ms (RTT ${2 * DELAY_MS} ms); ${COLD_RUNS} cold and ${WARM_RUNS} warm runs per case, medians, ms`);
    // Netdiag spends about ten times curl's CPU per run (start-up, set-up): other load on the
    // machine stretches its wall clock more than curl's, so say how loaded it was.
    console.log(`load average at the start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(`the CLI's very first run (empty caches, plain loopback): wall ${emptyCache.wall.toFixed(1)} ms, durationMs ${emptyCache.total.toFixed(1)}, set-up ${emptyCache.setup.toFixed(1)}`);
    for (const [label, port] of [
      ['plain loopback', nginx.port],
      [`through the relay (+${DELAY_MS} ms each way)`, relay.port],
    ] as const) {
      const url = `https://${NAME}:${port}/`;
      const redirects = `https://${NAME}:${port}/r1`;
      const cold: Sample[] = [];
      const coldCurl: Sample[] = [];
      const curlSetup: number[] = [];
      const coldRedirect: number[] = [];
      const coldCurlRedirect: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        cold.push(await cli(url));
        coldCurl.push(curlSample(await curl(curlArgs(port, '/', false))));
        curlSetup.push(await curlTlsSetup(curlArgs(port, '/', false)));
        coldRedirect.push((await cli(redirects)).total);
        coldCurlRedirect.push((await curl(curlArgs(port, '/r1', true))).total);
      }
      // A VS Code window's first diagnosis: a freshly loaded engine each time, prepared as the
      // extension prepares it when the command starts, then the time it takes to type the target.
      const firsts: Sample[] = [];
      const firstCurl: Sample[] = [];
      for (let i = 0; i < FIRST_RUNS; i++) {
        const fresh = await windowReadyToRun(ENGINE, engineCache, setup);
        firsts.push(sampleOf(await fresh.run<Report>({ kind: 'diagnose', url, setup, stream: true })));
        await fresh.close();
        firstCurl.push(curlSample(await curl(curlArgs(port, '/', false))));
      }
      const runner = startEngineRunner(ENGINE, engineCache);
      await runner.run<Report>({ kind: 'diagnose', url, setup, stream: true });
      const warm: Sample[] = [];
      const warmCurl: Sample[] = [];
      const warmRedirect: number[] = [];
      const warmCurlRedirect: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) {
        warm.push(sampleOf(await runner.run<Report>({ kind: 'diagnose', url, setup, stream: true })));
        warmCurl.push(curlSample(await curl(curlArgs(port, '/', false))));
        curlSetup.push(await curlTlsSetup(curlArgs(port, '/', false)));
        warmRedirect.push((await runner.run<Report>({ kind: 'diagnose', url: redirects, setup, stream: true })).durationMs);
        warmCurlRedirect.push((await curl(curlArgs(port, '/r1', true))).total);
      }
      await runner.close();

      // Ratios pair each Netdiag run with the curl run right after it, then take the median:
      // the machine's load drifts less within a pair than across the whole run.
      const values = (xs: readonly Sample[], k: keyof Sample): number[] => xs.map((x) => x[k]);
      const both = [...coldCurl, ...firstCurl, ...warmCurl];
      const phase = (name: string, k: keyof Sample, reference = pick(both, k)): (string | number)[] => [
        name,
        pick(cold, k),
        pick(firsts, k),
        pick(warm, k),
        reference,
        within(pick(cold, k), reference),
        within(pick(firsts, k), reference),
        within(pick(warm, k), reference),
      ];
      const total = (name: string, k: keyof Sample): (string | number)[] => [
        name,
        pick(cold, k),
        pick(firsts, k),
        pick(warm, k),
        pick(both, k),
        pairedRatio(values(cold, k), values(coldCurl, k)),
        pairedRatio(values(firsts, k), values(firstCurl, k)),
        pairedRatio(values(warm, k), values(warmCurl, k)),
      ];
      console.log(`\n${label}: phases, each against curl's reading of the same server (within max(1 ms, 10 %))`);
      console.log(
        table([
          ['', 'cold CLI', 'first in process', 'warm', 'curl', 'cold', 'first', 'warm'],
          phase('TCP connect', 'connect'),
          phase('TLS handshake (curl: appconnect − connect)', 'tls'),
          phase('TLS handshake (curl: without its set-up before the ClientHello)', 'tls', pick(both, 'tls') - median(curlSetup)),
          phase('time to first byte', 'ttfb'),
        ]),
      );
      console.log(`curl's set-up between its connect and its ClientHello (its trace): ${median(curlSetup).toFixed(1)} ms`);
      console.log(`\n${label}: the whole`);
      console.log(
        table([
          ['', 'cold CLI', 'first in process', 'warm', 'curl', 'cold/curl', 'first/curl', 'warm/curl'],
          total('durationMs / curl time_total', 'total'),
          [
            'redirects /r1→/r2→/r3→/ (curl -L)',
            median(coldRedirect),
            null,
            median(warmRedirect),
            median([...coldCurlRedirect, ...warmCurlRedirect]),
            pairedRatio(coldRedirect, coldCurlRedirect),
            '',
            pairedRatio(warmRedirect, warmCurlRedirect),
          ],
          ['set-up before the clock (setupMs)', pick(cold, 'setup'), pick(firsts, 'setup'), pick(warm, 'setup'), null, '', '', ''],
          ['process wall clock', pick(cold, 'wall'), null, null, pick(coldCurl, 'wall'), pairedRatio(values(cold, 'wall'), values(coldCurl, 'wall')), '', ''],
        ]),
      );
    }
    console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('\nbundle sizes:');
    for (const f of ['extension.js', 'engine.js', 'cli.js', 'cli/diagnose.js', 'webview/report.js']) {
      try {
        console.log(`  dist/${f.padEnd(18)} ${(statSync(join(ROOT, 'dist', f)).size / 1024).toFixed(1)} KiB`);
      } catch {
        console.log(`  dist/${f.padEnd(18)} (not built)`);
      }
    }
  } finally {
    await relay.close();
    await nginx.stop();
    await knot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
