// npm run bench -- dns: `netdiag dns --trace` against `dig +trace` (Debian bind9-dnsutils) on the
// loopback hierarchy with a delay added to every answer, and one query's overhead against dig.
// dig +trace finds the root servers' addresses (and glue-less NS names) with getaddrinfo, so it
// runs in a private mount namespace whose /etc/hosts names the loopback servers and whose
// resolv.conf points at 127.0.0.1: no query can leave loopback. Needs root (unshare -m) and dig.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupDns } from '../../src/engine/dns/lookup';
import { HIERARCHY, startDnsHierarchy } from '../helpers/dnsHierarchy';

const DELAY_MS = 20;
const RUNS = 9;
const NAME = 'host.example.test';
const CLI = join(__dirname, '../../dist/cli.js');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Runs a process without blocking the event loop: the DNS servers live in this process. */
function timed(cmd: string, args: string[]): Promise<{ ms: number; out: string; ok: boolean }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ ms: performance.now() - start, out, ok: code === 0 || code === 1 }));
  });
}

async function main(): Promise<void> {
  if (spawnSync('dig', ['-v']).status !== 0) throw new Error('dig is not installed (Debian bind9-dnsutils)');
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-dns-bench-'));
  writeFileSync(join(dir, 'hosts'), `${HIERARCHY.root} a.root-servers.test\n${HIERARCHY.tld} ns1.nic.test\n${HIERARCHY.example1} ns1.example.test\n${HIERARCHY.example2} ns2.example.test\n`);
  writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
  const isolated = (command: string): [string, string[]] => ['unshare', ['-m', 'sh', '-c', `mount --bind ${dir}/hosts /etc/hosts && mount --bind ${dir}/resolv.conf /etc/resolv.conf && ${command}`]];

  const slow = await startDnsHierarchy({ delayMs: DELAY_MS });
  const fast = await startDnsHierarchy();
  try {
    const rows: [string, number, number][] = [];
    const traceArgs = (port: number): string[] => [CLI, 'dns', NAME, '--type', 'A', '--trace', '--root', `${HIERARCHY.root}:${port}`, '--server', `${HIERARCHY.example1}:${port}`, '--no-system', '--json'];

    // Trace, as processes: what a user waits for.
    const ours: number[] = [];
    const digs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const n = await timed(process.execPath, traceArgs(slow.port));
      if (!n.ok || !n.out.includes('"traceAnswer"')) throw new Error(`netdiag dns --trace failed:\n${n.out}`);
      ours.push(n.ms);
      const [cmd, args] = isolated(`dig -4 @${HIERARCHY.root} -p ${slow.port} +trace ${NAME} A`);
      const d = await timed(cmd, args);
      if (!d.out.includes('192.0.2.1')) throw new Error(`dig +trace failed:\n${d.out}`);
      digs.push(d.ms);
    }
    rows.push([`trace, ${DELAY_MS} ms per answer (process)`, median(ours), median(digs)]);

    // Trace in-process (no Node start-up), against dig's process.
    const engine: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await lookupDns(NAME, { timeoutMs: 2000, types: ['A'], servers: [], trace: { roots: slow.roots, port: slow.port }, authoritative: false });
      if (r.traceAnswer?.[0]?.data !== '192.0.2.1') throw new Error('engine trace failed');
      engine.push(r.durationMs);
    }
    rows.push([`trace, ${DELAY_MS} ms per answer (engine, in-process)`, median(engine), median(digs)]);

    // One query, no delay: the overhead of a single lookup.
    const one: number[] = [];
    const digOne: number[] = [];
    const oneEngine: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      one.push((await timed(process.execPath, [CLI, 'dns', NAME, '--type', 'A', '--server', `${HIERARCHY.example1}:${fast.port}`, '--no-system', '--json'])).ms);
      const [cmd, args] = isolated(`dig -4 @${HIERARCHY.example1} -p ${fast.port} ${NAME} A`);
      digOne.push((await timed(cmd, args)).ms);
      oneEngine.push((await lookupDns(NAME, { timeoutMs: 2000, types: ['A'], servers: [{ address: HIERARCHY.example1, port: fast.port }] })).durationMs);
    }
    rows.push(['one query (process)', median(one), median(digOne)]);
    rows.push(['one query (engine, in-process)', median(oneEngine), median(digOne)]);

    console.log(`median of ${RUNS} runs; dig ${spawnSync('dig', ['-v'], { encoding: 'utf8' }).stderr.trim()}`);
    console.log(`${'case'.padEnd(46)} ${'netdiag ms'.padStart(11)} ${'dig ms'.padStart(9)} ${'ratio'.padStart(7)}`);
    for (const [label, n, d] of rows) console.log(`${label.padEnd(46)} ${n.toFixed(1).padStart(11)} ${d.toFixed(1).padStart(9)} ${(n / d).toFixed(2).padStart(7)}`);
  } finally {
    await slow.close();
    await fast.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
