// A redirect chain of five hops against curl -L, in the same run and conditions: a loopback HTTP
// server behind a user-space proxy that adds DELAY_MS each way (this machine has no netem), so
// every request/response costs 2 × DELAY_MS. Then the same chain through an HTTP proxy (Node,
// absolute-form) for both tools. Netdiag runs in-process (diagnose(), wall clock around the
// call); curl reports its own %{time_total}. Prints medians and the ratio; target ≤ 1.1 × curl.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { diagnose } from '../../src/engine/diagnose';
import type { DiagnoseOptions } from '../../src/engine/options';
import { testOptions } from '../helpers/options';
import { parseTarget } from '../../src/engine/target';
import { startLatencyProxy } from '../helpers/latencyProxy';
import { startForwardProxy } from '../helpers/proxies';

const DELAY_MS = 20;
const HOPS = 5;
const RUNS = 7;
// Asynchronous: the servers live in this process and must keep answering while curl runs.
const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const server = http.createServer((req, res) => {
    const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    if (n > 0) res.writeHead(302, { location: `/hop/${n - 1}`, 'content-length': '0' }).end();
    else res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = (server.address() as net.AddressInfo).port;
  const slow = await startLatencyProxy({ host: '127.0.0.1', port: origin }, DELAY_MS);
  const url = `http://127.0.0.1:${slow.port}/hop/${HOPS}`;
  const proxy = await startForwardProxy();

  const options = (patch: Partial<DiagnoseOptions>): DiagnoseOptions => testOptions({ userAgent: 'netdiag-bench', ...patch });

  const rows: [string, number, number][] = [];
  for (const [label, patch, curlArgs] of [
    ['5 redirects, direct', {}, []],
    ['5 redirects, through an HTTP proxy', { proxy: { override: proxy.url } }, ['-x', proxy.url]],
  ] as const) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const start = performance.now();
      const report = await diagnose(parseTarget(url), options(patch));
      const took = performance.now() - start;
      const statuses = report.http?.requests.map((r) => r.status).join(',');
      if (statuses !== '302,302,302,302,302,200') throw new Error(`netdiag did not follow the chain: ${statuses}`);
      const { stdout } = await run('curl', ['-sS', '-L', '-o', '/dev/null', '--noproxy', curlArgs.length ? '' : '*', ...curlArgs, '-w', '%{time_total} %{num_redirects} %{http_code}', url]);
      const [total, redirects, code] = stdout.trim().split(' ');
      if (redirects !== String(HOPS) || code !== '200') throw new Error(`curl did not follow the chain: ${stdout}`);
      // The first round warms up both (JIT, curl's page cache); it is not counted.
      if (i === 0) continue;
      ours.push(took);
      theirs.push(Number(total) * 1000);
    }
    rows.push([label, median(ours), median(theirs)]);
  }

  console.log(`redirect chain of ${HOPS} hops, ${DELAY_MS} ms added each way by a user-space proxy; median of ${RUNS} runs\n`);
  console.log('| case | netdiag | curl -L | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  let worst = 0;
  for (const [label, a, b] of rows) {
    const ratio = a / b;
    worst = Math.max(worst, ratio);
    console.log(`| ${label} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms | ${ratio.toFixed(2)} |`);
  }
  console.log(`\ntarget ≤ 1.10 × curl: ${worst <= 1.1 ? 'met' : 'NOT met'} (worst ratio ${worst.toFixed(2)})`);
  await proxy.close();
  await slow.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.exitCode = worst <= 1.1 ? 0 : 1;
}

void main();
