// The TLS configuration scan against sslscan and testssl.sh, in one run, on the same loopback
// peers: an `openssl s_server` with one suite (TLS 1.2), one with 18 (15 TLS 1.2 suites in its
// own order plus the 3 TLS 1.3 ones), each in its own process; the same two configurations on
// nginx, which unlike s_server serves connections concurrently and never waits for a client to
// close; and a Node peer that speaks SSL 2.0 and SSL 3.0 (test/helpers/legacyTlsPeer.ts). Each tool runs as a user runs it — a fresh
// process: `node dist/cli.js cert HOST:PORT --scan --json` (the production bundle), `sslscan`
// with only the checks netdiag also makes (protocols, suites, groups) and with its defaults,
// `testssl --protocols --cipher-per-proto --fs`. Rounds alternate the tools after one warm-up
// round; the figures are wall-clock medians of whole processes. The findings are compared:
// protocols, suites per protocol (and their order where the server imposes one), groups. Then
// Scan TLS Configuration as a VS Code window runs it: dist/engine.js loaded the extension's way in
// a fresh process and prepared as the command prepares it while the endpoint is typed, its first
// scan and a warm one, each from the endpoint entered (settings read, checkEndpoint with `scan`)
// to the result, against sslscan's whole process run right after it.
//   RUNS=7 TESTSSL_RUNS=3 npm run bench -- tlsScan
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { suitesById } from '../../src/engine/tls/cipherSuites';
import { startLegacyTlsPeer } from '../helpers/legacyTlsPeer';
import { startNginxTls } from '../helpers/nginxPeer';
import { startSServer } from '../helpers/opensslPeers';
import { testPki } from '../helpers/pki';
import { startEngineRunner, windowReadyToRun } from './measure';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const RUNS = Number(process.env['RUNS'] ?? 7);
const TESTSSL_RUNS = Number(process.env['TESTSSL_RUNS'] ?? 3);
const EIGHTEEN = [
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA', 'ECDHE-RSA-AES128-SHA', 'AES256-GCM-SHA384',
  'AES128-GCM-SHA256', 'AES256-SHA256', 'AES128-SHA256', 'AES256-SHA',
];

/** What a tool found: supported protocols, suite ids per protocol (in its order), groups per protocol (or '*' when not per protocol). */
interface Findings {
  protocols: string[];
  suites: Record<string, number[]>;
  groups: Record<string, string[]>;
}

interface Tool {
  name: string;
  runs: number;
  command(port: number): [string, string[]];
  read(stdout: string): Findings;
  /** Lists suites in the server's order (not by strength). */
  ordered: boolean;
}

const PROTOCOL: Readonly<Record<string, string>> = { SSLv2: 'SSLv2', SSLv3: 'SSLv3', 'TLSv1.0': 'TLSv1', 'TLS 1': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLS 1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLS 1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3', 'TLS 1.3': 'TLSv1.3' };
const GROUP: Readonly<Record<string, string>> = { 'secp256r1 (NIST P-256)': 'P-256', 'secp384r1 (NIST P-384)': 'P-384', 'secp521r1 (NIST P-521)': 'P-521', prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', x25519: 'X25519', x448: 'X448' };

function idOf(name: string): number {
  for (const s of suitesById().values()) if (s.openssl === name || s.name === name) return s.id;
  throw new Error(`unknown suite ${name}`);
}

const netdiag: Tool = {
  name: 'netdiag cert --scan',
  runs: RUNS,
  ordered: true,
  command: (port) => [process.execPath, [join(ROOT, 'dist/cli.js'), 'cert', `127.0.0.1:${port}`, '--scan', '--json', '--timeout', '5000']],
  read(stdout) {
    const scan = (JSON.parse(stdout) as { scan: { protocols: { name: string; supported: boolean }[]; ciphers: { protocol: string; id: string }[]; groupsByProtocol: { protocol: string; groups: string[] }[] } }).scan;
    const suites: Record<string, number[]> = {};
    for (const c of scan.ciphers) (suites[c.protocol] ??= []).push(Number(c.id));
    return { protocols: scan.protocols.filter((p) => p.supported).map((p) => p.name), suites, groups: Object.fromEntries(scan.groupsByProtocol.map((g) => [g.protocol, g.groups])) };
  },
};

function readSslscan(stdout: string): Findings {
  const protocols = [...stdout.matchAll(/^(SSLv[23]|TLSv1\.[0-3])\s+enabled/gm)].map((m) => PROTOCOL[m[1]!]!);
  const suites: Record<string, number[]> = {};
  for (const m of stdout.matchAll(/^(?:Preferred|Accepted)\s+(\S+)\s+\d+ bits\s+(\S+)/gm)) (suites[PROTOCOL[m[1]!]!] ??= []).push(idOf(m[2]!));
  const groups: Record<string, string[]> = {};
  for (const m of stdout.matchAll(/^(TLSv1\.[0-3])\s+\d+ bits\s+(.+?)\s*$/gm)) (groups[PROTOCOL[m[1]!]!] ??= []).push(GROUP[m[2]!] ?? m[2]!);
  return { protocols, suites, groups };
}

const SAME_COVERAGE = ['--no-heartbleed', '--no-renegotiation', '--no-compression', '--no-fallback', '--no-check-certificate'];
const sslscan: Tool = { name: 'sslscan, same checks', runs: RUNS, ordered: true, command: (port) => ['sslscan', ['--no-colour', ...SAME_COVERAGE, `127.0.0.1:${port}`]], read: readSslscan };
const sslscanDefault: Tool = { name: 'sslscan, defaults', runs: RUNS, ordered: true, command: (port) => ['sslscan', ['--no-colour', `127.0.0.1:${port}`]], read: readSslscan };

const testssl: Tool = {
  name: 'testssl.sh',
  runs: TESTSSL_RUNS,
  ordered: false,
  // --nodns none: no reverse lookup of the address (it would go to the machine's resolver).
  command: (port) => ['testssl', ['--protocols', '--cipher-per-proto', '--fs', '--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', `127.0.0.1:${port}`]],
  read(stdout) {
    const protocols = [...stdout.matchAll(/^ (SSLv[23]|TLS 1(?:\.[123])?)\s+offered/gm)].map((m) => PROTOCOL[m[1]!]!);
    const suites: Record<string, number[]> = {};
    let current = '';
    for (const line of stdout.split('\n')) {
      const header = /^(SSLv[23]|TLS 1(?:\.[123])?)\s*$/.exec(line);
      if (header) current = PROTOCOL[header[1]!]!;
      const suite = /^ x([0-9a-f]{2,6})\s/i.exec(line);
      if (suite && current) (suites[current] ??= []).push(Number.parseInt(suite[1]!, 16));
    }
    const curves = /Elliptic curves offered:\s+(.*)$/m.exec(stdout)?.[1]?.trim().split(/\s+/) ?? [];
    const ffdhe = /Finite field group:\s+(.*)$/m.exec(stdout)?.[1]?.trim().split(/\s+/) ?? [];
    return { protocols, suites, groups: { '*': [...curves.map((c) => GROUP[c] ?? c), ...ffdhe] } };
  },
};

async function timed(tool: Tool, port: number): Promise<{ ms: number; stdout: string }> {
  const [file, args] = tool.command(port);
  const started = performance.now();
  let stdout: string;
  try {
    ({ stdout } = await run(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000, env: { ...process.env, NO_COLOR: '1' } }));
  } catch (err) {
    // netdiag and testssl.sh exit non-zero when they find problems; the output is still the result.
    stdout = (err as { stdout?: string }).stdout ?? '';
    if (!stdout) throw err;
  }
  return { ms: performance.now() - started, stdout };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Where two tools' findings differ, in words; empty when they agree. */
function compare(a: Findings, b: Findings, ordered: boolean, suitesToo: boolean): string[] {
  const out: string[] = [];
  const sorted = (xs: readonly (string | number)[]): string => JSON.stringify([...xs].sort());
  if (sorted(a.protocols) !== sorted(b.protocols)) out.push(`protocols ${a.protocols.join(' ')} vs ${b.protocols.join(' ')}`);
  for (const p of suitesToo ? new Set([...Object.keys(a.suites), ...Object.keys(b.suites)]) : []) {
    const x = a.suites[p] ?? [];
    const y = b.suites[p] ?? [];
    if (sorted(x) !== sorted(y)) out.push(`${p} suites ${x.length} vs ${y.length}`);
    else if (ordered && JSON.stringify(x) !== JSON.stringify(y)) out.push(`${p} suite order`);
  }
  const flat = (g: Record<string, string[]>): string[] => [...new Set(Object.values(g).flat())];
  const groupsOf = (f: Findings, other: Findings): Record<string, string[]> => ('*' in other.groups ? { '*': flat(f.groups) } : f.groups);
  const ga = groupsOf(a, b);
  const gb = groupsOf(b, a);
  for (const p of new Set([...Object.keys(ga), ...Object.keys(gb)])) if (sorted(ga[p] ?? []) !== sorted(gb[p] ?? [])) out.push(`${p} groups ${(ga[p] ?? []).join(',')} vs ${(gb[p] ?? []).join(',')}`);
  return out;
}

async function main(): Promise<void> {
  await run(process.execPath, [join(ROOT, 'esbuild.js'), '--only=cli', '--production'], { cwd: ROOT });
  const pki = await testPki();
  const one = await startSServer({ key: pki.rsa.key, cert: pki.rsa.chain }, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384']);
  const eighteen = await startSServer({ key: pki.rsa.key, cert: pki.rsa.chain }, ['-serverpref', '-cipher', EIGHTEEN.join(':')]);
  const nginxOne = await startNginxTls({ key: pki.rsa.key, cert: pki.rsa.chain, protocols: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' });
  const nginxEighteen = await startNginxTls({ key: pki.rsa.key, cert: pki.rsa.chain, protocols: 'TLSv1.2 TLSv1.3', ciphers: EIGHTEEN.join(':') });
  const legacy = await startLegacyTlsPeer({ ssl2: [0x0700c0, 0x010080], ssl3: [0x002f, 0x000a, 0x0005], certificate: new X509Certificate(pki.rsa.cert).raw });
  const peers = [
    { label: 's_server, one suite (TLS 1.2)', port: one.port, suitesWithSslscan: true },
    { label: 's_server, 18 suites (TLS 1.2 + 1.3, server order)', port: eighteen.port, suitesWithSslscan: true },
    { label: 'nginx, one suite (TLS 1.2)', port: nginxOne.port, suitesWithSslscan: true },
    { label: 'nginx, 18 suites (TLS 1.2 + 1.3, server order)', port: nginxEighteen.port, suitesWithSslscan: true },
    // sslscan's OpenSSL has no SSL 2.0/3.0: it says whether they are enabled, not with which suites.
    { label: 'SSL 2.0 + 3.0 (Node peer)', port: legacy.port, suitesWithSslscan: false },
  ];
  const tools = [netdiag, sslscan, sslscanDefault, testssl];
  try {
    console.log(`\nTLS scan: wall-clock medians of whole processes (${RUNS} runs; testssl.sh ${TESTSSL_RUNS}), after one warm-up round\n`);
    console.log('| server | netdiag | sslscan, same checks | sslscan, defaults | testssl.sh | netdiag / sslscan (same, defaults) | netdiag / testssl.sh |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const notes: string[] = [];
    for (const peer of peers) {
      const times = new Map<Tool, number[]>(tools.map((t) => [t, []]));
      const last = new Map<Tool, string>();
      const inside: { durationMs: number; handshakes: number; fullHandshakes: number }[] = [];
      for (let round = 0; round <= RUNS; round++) {
        for (const tool of tools) {
          if (round > tool.runs || (round === 0 && tool === testssl)) continue;
          const { ms, stdout } = await timed(tool, peer.port);
          if (round > 0) times.get(tool)!.push(ms);
          if (round > 0 && tool === netdiag) inside.push((JSON.parse(stdout) as { scan: (typeof inside)[number] }).scan);
          last.set(tool, stdout);
        }
      }
      const m = new Map(tools.map((t) => [t, median(times.get(t)!)]));
      const s = (t: Tool): string => `${(m.get(t)! / 1000).toFixed(3)} s`;
      console.log(`| ${peer.label} | ${s(netdiag)} | ${s(sslscan)} | ${s(sslscanDefault)} | ${s(testssl)} | ${(m.get(netdiag)! / m.get(sslscan)!).toFixed(2)}, ${(m.get(netdiag)! / m.get(sslscanDefault)!).toFixed(2)} | ${(m.get(netdiag)! / m.get(testssl)!).toFixed(3)} |`);
      const mine = netdiag.read(last.get(netdiag)!);
      for (const other of [sslscan, testssl]) {
        const diff = compare(mine, other.read(last.get(other)!), other.ordered, other !== sslscan || peer.suitesWithSslscan);
        notes.push(`${peer.label}: netdiag vs ${other.name}: ${diff.length === 0 ? 'same findings' : diff.join('; ')}`);
      }
      notes.push(`${peer.label}: netdiag's own scan ${median(inside.map((x) => x.durationMs))} ms (median, inside the process), ${inside[0]!.handshakes} connections, ${inside[0]!.fullHandshakes} of them full handshakes`);
      const ranges = tools.map((t) => `${t.name} ${(Math.min(...times.get(t)!) / 1000).toFixed(3)}–${(Math.max(...times.get(t)!) / 1000).toFixed(3)} s`);
      notes.push(`${peer.label}: ranges ${ranges.join(', ')}`);
    }
    console.log('');
    for (const n of notes) console.log(n);
    for (const t of tools) console.log(`  ${t.name}: ${t.command(0)[0]} ${t.command(0)[1].join(' ').replace(':0', ':PORT')}`);
    await inAWindow(peers);
  } finally {
    await Promise.all([one.stop(), eighteen.stop(), nginxOne.stop(), nginxEighteen.stop(), legacy.close()]);
  }
}

/**
 * Scan TLS Configuration in a VS Code window, against sslscan's process on the same peer right
 * after it: the first scan of a freshly loaded engine (its code cache from an earlier window) and
 * a warm one in the same process.
 */
async function inAWindow(peers: readonly { label: string; port: number }[]): Promise<void> {
  const engine = join(ROOT, 'dist/engine.js');
  await run(process.execPath, [join(ROOT, 'esbuild.js'), '--only=engine', '--production'], { cwd: ROOT });
  const cache = mkdtempSync(join(tmpdir(), 'netdiag-bench-engine-'));
  const setup = { dnsServers: ['127.0.0.1'], extraCaFiles: [] };
  const scan = (runner: ReturnType<typeof startEngineRunner>, port: number): Promise<number> => {
    const started = performance.now();
    return runner.run({ kind: 'scan', host: '127.0.0.1', port, setup }).then(() => performance.now() - started);
  };
  try {
    const earlier = startEngineRunner(engine, cache);
    await scan(earlier, peers[0]!.port);
    await earlier.close();
    console.log(`
Scan TLS Configuration in a VS Code window: from the command to the result, medians of ${RUNS}, against sslscan's whole process (same checks) right after each
`);
    console.log('| server | first scan of a window | warm | sslscan | first / sslscan | warm / sslscan |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const peer of peers) {
      const first: number[] = [];
      const warm: number[] = [];
      const reference: number[] = [];
      for (let round = 0; round < RUNS; round++) {
        // The command prepares the engine while the endpoint is typed (src/vscode/certificates/register.ts).
        const runner = await windowReadyToRun(engine, cache, setup);
        first.push(await scan(runner, peer.port));
        reference.push((await timed(sslscan, peer.port)).ms);
        warm.push(await scan(runner, peer.port));
        await runner.close();
      }
      const [f, w, r] = [median(first), median(warm), median(reference)];
      console.log(`| ${peer.label} | ${(f / 1000).toFixed(3)} s | ${(w / 1000).toFixed(3)} s | ${(r / 1000).toFixed(3)} s | ${(f / r).toFixed(2)} | ${(w / r).toFixed(2)} |`);
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
