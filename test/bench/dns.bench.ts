// npm run bench -- dns: `netdiag dns --trace` against `dig +trace` (Debian bind9-dnsutils) on the
// loopback hierarchy with a delay added to every answer; and one query to Knot DNS, on loopback
// and through a UDP relay that delays each datagram, cold (a fresh `netdiag dns` process) and
// warm (the engine after a first lookup), against the query time kdig (Debian knot-dnsutils)
// and dig report for the same server, and the processes' wall clocks. dig +trace finds the root servers' addresses (and glue-less NS names) with
// getaddrinfo, so it runs in a private mount namespace whose /etc/hosts names the loopback
// servers and whose resolv.conf points at 127.0.0.1: no query can leave loopback. Needs root
// (unshare -m), dig, kdig and knotd.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lookupDns } from '../../src/engine/dns/lookup';
import type { DnsLookupResult } from '../../src/engine/model/dns';
import { HIERARCHY, startDnsHierarchy } from '../helpers/dnsHierarchy';
import { haveKnot, startKnot } from '../helpers/knot';
import { startUdpLatencyProxy } from '../helpers/latencyProxy';
import { freeTcpPort } from '../helpers/nginx';
import { median, pairedRatio, ratio, startEngineRunner, table, timed, TYPING_MS, within } from './measure';

const DELAY_MS = 20;
const RUNS = 15;
const FIRST_RUNS = 5;
const NAME = 'host.example.test';
const KNOT_NAME = 'bench.test';
const KNOT_ADDRESS = '127.53.9.2';
const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

/** kdig's "From … in 0.4 ms" and dig's "Query time: 0 msec": each tool's own reading of its query. */
function reportedMs(out: string): number {
  const m = /;; From .* in ([\d.]+) ms/.exec(out) ?? /;; Query time: (\d+) msec/.exec(out);
  if (!m) throw new Error(`no query time in:\n${out}`);
  return Number(m[1]);
}

async function main(): Promise<void> {
  for (const [tool, flag] of [['dig', '-v'], ['kdig', '-V']] as const) if (spawnSync(tool, [flag]).status !== 0) throw new Error(`${tool} is not installed (Debian bind9-dnsutils, knot-dnsutils)`);
  if (!haveKnot) throw new Error('knotd is not installed (Debian knot)');
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-dns-bench-'));
  writeFileSync(join(dir, 'hosts'), `${HIERARCHY.root} a.root-servers.test\n${HIERARCHY.tld} ns1.nic.test\n${HIERARCHY.example1} ns1.example.test\n${HIERARCHY.example2} ns2.example.test\n`);
  writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  const isolated = (command: string): [string, string[]] => ['unshare', ['-m', 'sh', '-c', `mount --bind ${dir}/hosts /etc/hosts && mount --bind ${dir}/resolv.conf /etc/resolv.conf && ${command}`]];
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  // The engine's code cache, as the extension keeps it in its storage (filled below by a first lookup).
  const engineCache = join(dir, 'engine-cache');

  const slow = await startDnsHierarchy({ delayMs: DELAY_MS });
  const zone = `$ORIGIN ${KNOT_NAME}.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A ${KNOT_ADDRESS}\n@ A 127.0.0.1\n`;
  const knot = await startKnot(KNOT_ADDRESS, await freeTcpPort(KNOT_ADDRESS), { [KNOT_NAME]: zone });
  try {
    const traceArgs = (port: number): string[] => [CLI, 'dns', NAME, '--type', 'A', '--trace', '--root', `${HIERARCHY.root}:${port}`, '--server', `${HIERARCHY.example1}:${port}`, '--no-system', '--json'];

    // Trace, as processes: what a user waits for.
    const ours: number[] = [];
    const digs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const n = await timed(process.execPath, traceArgs(slow.port), env);
      if (!n.stdout.includes('"traceAnswer"')) throw new Error(`netdiag dns --trace failed:\n${n.stdout}${n.stderr}`);
      ours.push(n.ms);
      const [cmd, args] = isolated(`dig -4 @${HIERARCHY.root} -p ${slow.port} +trace ${NAME} A`);
      const d = await timed(cmd, args);
      if (!d.stdout.includes('192.0.2.1')) throw new Error(`dig +trace failed:\n${d.stdout}${d.stderr}`);
      digs.push(d.ms);
    }
    // Trace in-process (no Node start-up), against dig's process.
    const engine: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await lookupDns(NAME, { timeoutMs: 2000, types: ['A'], servers: [], trace: { roots: slow.roots, port: slow.port }, authoritative: false });
      if (r.traceAnswer?.[0]?.data !== '192.0.2.1') throw new Error('engine trace failed');
      engine.push(r.durationMs);
    }
    console.log(`median of ${RUNS} runs, ms; dig ${spawnSync('dig', ['-v'], { encoding: 'utf8' }).stderr.trim()}, kdig ${spawnSync('kdig', ['-V'], { encoding: 'utf8' }).stdout.trim()}`);
    console.log(`\ntrace from the loopback root, ${DELAY_MS} ms per answer`);
    console.log(
      table([
        ['', 'netdiag', 'dig +trace', 'ratio'],
        ['process (netdiag dns --trace)', median(ours), median(digs), pairedRatio(ours, digs)],
        ['engine in-process vs dig process', median(engine), median(digs), ratio(median(engine), median(digs))],
      ]),
    );

    // One query to Knot, directly and through a UDP relay that holds each datagram DELAY_MS
    // each way: each tool's own reading of its query, and the processes' wall clocks.
    const queryMs = (r: DnsLookupResult): number => {
      const q = r.queries[0];
      if (q?.rcode !== 'NOERROR' || q.answers[0]?.data !== '127.0.0.1') throw new Error(`the query failed: ${JSON.stringify(q)}`);
      return q.durationMs;
    };
    const relay = await startUdpLatencyProxy({ host: KNOT_ADDRESS, port: knot.port }, DELAY_MS);
    try {
      for (const [label, server] of [
        ['Knot on loopback', { address: KNOT_ADDRESS, port: knot.port }],
        [`Knot through a UDP relay (+${DELAY_MS} ms each way)`, { address: relay.host, port: relay.port }],
      ] as const) {
        const dnsArgs = [CLI, 'dns', KNOT_NAME, '--type', 'A', '--server', `${server.address}:${server.port}`, '--no-system', '--json'];
        await timed(process.execPath, dnsArgs, env); // fills the CLI's caches, as any earlier run would
        const cold: number[] = [];
        const coldWall: number[] = [];
        const kdig: number[] = [];
        const kdigWall: number[] = [];
        const dig: number[] = [];
        const digWall: number[] = [];
        const tools = async (): Promise<void> => {
          const k = await timed('kdig', [`@${server.address}`, '-p', String(server.port), KNOT_NAME, 'A']);
          kdig.push(reportedMs(k.stdout));
          kdigWall.push(k.ms);
          const d = await timed('dig', [`@${server.address}`, '-p', String(server.port), KNOT_NAME, 'A']);
          dig.push(reportedMs(d.stdout));
          digWall.push(d.ms);
        };
        for (let i = 0; i < RUNS; i++) {
          const n = await timed(process.execPath, dnsArgs, env);
          cold.push(queryMs(JSON.parse(n.stdout) as DnsLookupResult));
          coldWall.push(n.ms);
          await tools();
        }
        // The first lookup of a freshly loaded engine (Look Up DNS Records in a new window, which
        // loads the engine while the name is typed), five times, after an earlier window's.
        const earlierWindow = startEngineRunner(join(ROOT, 'dist/engine.js'), engineCache);
        await earlierWindow.run<DnsLookupResult>({ kind: 'dns', name: KNOT_NAME, server });
        await earlierWindow.close();
        const firsts: number[] = [];
        for (let i = 0; i < FIRST_RUNS; i++) {
          const fresh = startEngineRunner(join(ROOT, 'dist/engine.js'), engineCache);
          await sleep(TYPING_MS);
          firsts.push(queryMs(await fresh.run<DnsLookupResult>({ kind: 'dns', name: KNOT_NAME, server })));
          await fresh.close();
        }
        const first = median(firsts);
        const runner = startEngineRunner(join(ROOT, 'dist/engine.js'), engineCache);
        await runner.run<DnsLookupResult>({ kind: 'dns', name: KNOT_NAME, server });
        const warm: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          warm.push(queryMs(await runner.run<DnsLookupResult>({ kind: 'dns', name: KNOT_NAME, server })));
          await tools();
        }
        await runner.close();
        const k = median(kdig);
        console.log(`\none A query to ${label}: each tool's reading of its query; × kdig pairs each run with the kdig run after it; within: max(1 ms, 10 %) of kdig`);
        console.log(
          table(
            [
              ['', 'netdiag', 'kdig', 'dig', '× kdig', 'within'],
              ['cold (a fresh netdiag dns process)', median(cold), median(kdig.slice(0, RUNS)), median(dig.slice(0, RUNS)), pairedRatio(cold, kdig.slice(0, RUNS)), within(median(cold), median(kdig.slice(0, RUNS)))],
              ['first lookup of a fresh engine process', first, k, median(dig), ratio(first, k), within(first, k)],
              ['warm (the engine after a first lookup)', median(warm), median(kdig.slice(RUNS)), median(dig.slice(RUNS)), pairedRatio(warm, kdig.slice(RUNS)), within(median(warm), median(kdig.slice(RUNS)))],
              ['process wall clock', median(coldWall), median(kdigWall), median(digWall), pairedRatio(coldWall, kdigWall.slice(0, RUNS)), ''],
            ],
            2,
          ),
        );
      }
    } finally {
      await relay.close();
    }
  } finally {
    await slow.close();
    await knot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
