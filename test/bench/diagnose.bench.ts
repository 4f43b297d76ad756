// Diagnose Endpoint against curl, one run, same conditions: a loopback HTTPS server behind a
// user-space proxy that adds DELAY_MS each way, a DNS server that answers after DNS_DELAY_MS,
// the name pinned for both tools (curl --resolve / netdiag --resolve) so the OS resolver is
// out of the picture. Netdiag also queries DNS on the wire (A and AAAA, beside the critical
// path), connects to every address and verifies the chain. Prints medians and the ratio.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { diagnose } from '../../src/engine/diagnose';
import type { Report } from '../../src/engine/model/report';
import { parseTarget } from '../../src/engine/target';
import { startDnsServer } from '../helpers/dnsServer';
import { startLatencyProxy } from '../helpers/latencyProxy';
import { testOptions } from '../helpers/options';

const DELAY_MS = 20;
const DNS_DELAY_MS = 30;
const RUNS = 15;
const NAME = 'bench.test';
const ROOT = join(__dirname, '../..');
// Asynchronous on purpose: the servers live in this process, so a synchronous spawn would
// block the very event loop that has to answer the child.
const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function certificate(dir: string): { key: string; cert: string; caFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`, '-addext', 'basicConstraints=critical,CA:FALSE'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), caFile: certFile };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-bench-'));
  const { key, cert, caFile } = certificate(dir);
  const server = https.createServer({ key, cert }, (_req, res) => res.end('x'.repeat(2048)));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const origin = server.address() as net.AddressInfo;
  const proxy = await startLatencyProxy({ host: '127.0.0.1', port: origin.port }, DELAY_MS);
  const dns = await startDnsServer({ zone: { [NAME]: [{ type: 'A', data: '127.0.0.1' }] }, behaviours: { [NAME]: { delayMs: DNS_DELAY_MS } } });
  const url = `https://${NAME}:${proxy.port}/`;
  const trust = { node: [], os: [], extra: [cert] };

  const engineRun = async (): Promise<Report> =>
    diagnose(parseTarget(url), testOptions({ dnsServers: [dns.server], pinned: { [NAME]: [{ address: '127.0.0.1', family: 4 }] }, trust, userAgent: 'netdiag-bench' }));
  const curlArgs = ['-sS', '-o', '/dev/null', '-w', '%{time_total}', '--cacert', caFile, '--resolve', `${NAME}:${proxy.port}:127.0.0.1`, url];
  const cliArgs = [join(ROOT, 'dist/cli.js'), 'diagnose', url, '--json', '--ca', caFile, '--resolve', `${NAME}:127.0.0.1`, '--resolver', `127.0.0.1:${dns.port}`];

  // Warm-up: JIT, the OpenSSL contexts, the page cache for curl and node.
  await engineRun();
  await run('curl', curlArgs);

  const engine: number[] = [];
  const curl: number[] = [];
  const cliWall: number[] = [];
  const curlWall: number[] = [];
  let last: Report | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    last = await engineRun();
    engine.push(performance.now() - t0);

    const c = await run('curl', curlArgs, { encoding: 'utf8' });
    curl.push(Number(c.stdout) * 1000);

    // Whole processes, start-up included: what a user waits for in a terminal.
    const t1 = performance.now();
    await run(process.execPath, cliArgs, { encoding: 'utf8' });
    cliWall.push(performance.now() - t1);
    const t2 = performance.now();
    await run('curl', curlArgs);
    curlWall.push(performance.now() - t2);
  }
  if (!last || last.findings.some((f) => f.severity === 'error')) throw new Error(`the diagnosis found errors: ${JSON.stringify(last?.findings)}`);
  if (last.dns?.wire.length !== 2 || last.dns.wire.some((q) => q.rcode !== 'NOERROR')) throw new Error('the wire DNS queries did not run');

  const critical = last.waterfall.filter((w) => w.critical);
  const fmt = (n: number): string => n.toFixed(1).padStart(7);
  console.log(`one-way delay ${DELAY_MS} ms (RTT ${2 * DELAY_MS} ms), DNS answers after ${DNS_DELAY_MS} ms, ${RUNS} runs, medians`);
  console.log(`                                   netdiag      curl   ratio`);
  console.log(`diagnosis total (in process / -w)  ${fmt(median(engine))}   ${fmt(median(curl))}   ${(median(engine) / median(curl)).toFixed(2)}`);
  console.log(`CLI wall time (process start-up)   ${fmt(median(cliWall))}   ${fmt(median(curlWall))}   ${(median(cliWall) / median(curlWall)).toFixed(2)}`);
  console.log(`critical path of the last run: ${critical.map((w) => `${w.phase} ${w.durationMs} ms`).join(' → ')}`);
  console.log(`beside it: ${last.waterfall.filter((w) => !w.critical).map((w) => `${w.label} ${w.durationMs} ms`).join(', ')}`);
  console.log(`round trips on the critical path: TLS 1.3 handshake 1 + HTTP 1 = 2 × ${2 * DELAY_MS} ms (DNS pinned, TCP connect not delayable in user space); floor ${4 * DELAY_MS} ms`);
  console.log(`proxy connections per netdiag run: 1 (${proxy.connections()} in total for ${RUNS * 2 + 1} netdiag runs and ${RUNS * 2 + 1} curl runs)`);
  console.log('\nbundle sizes:');
  for (const f of ['extension.js', 'engine.js', 'cli.js', 'webview/report.js']) {
    try {
      console.log(`  dist/${f.padEnd(18)} ${(statSync(join(ROOT, 'dist', f)).size / 1024).toFixed(1)} KiB`);
    } catch {
      console.log(`  dist/${f.padEnd(18)} (not built: npm run build)`);
    }
  }
  writeFileSync(join(dir, 'last-report.json'), JSON.stringify(last, null, 2));

  server.closeAllConnections();
  server.close();
  await proxy.close();
  await dns.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
