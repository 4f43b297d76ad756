// The TLS configuration scan against testssl.sh and sslscan, one run each, same server: an
// `openssl s_server` on loopback offering TLS 1.0 to 1.3 at security level 0 (so every tool has
// old versions and many suites to find), in its own process so it competes with no tool's event
// loop. Each tool is run as a user runs it (a fresh process) for the same coverage: protocols and
// the suites of each protocol (netdiag adds ALPN, groups, resumption, no-SNI and stapling on top).
// Prints the times and the ratios; the target is netdiag ≤ 0.5 × testssl.sh.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startSServer } from '../helpers/opensslPeers';
import { testPki } from '../helpers/pki';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

interface Row {
  tool: string;
  command: string;
  ms: number;
  found: string;
}

async function timed(tool: string, file: string, args: string[], summarise: (stdout: string) => string): Promise<Row> {
  const started = performance.now();
  let stdout: string;
  try {
    ({ stdout } = await run(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000, env: { ...process.env, NO_COLOR: '1' } }));
  } catch (err) {
    // testssl.sh exits non-zero when it finds problems; its output is still the result.
    stdout = (err as { stdout?: string }).stdout ?? '';
    if (!stdout) throw err;
  }
  return { tool, command: `${file} ${args.join(' ')}`, ms: performance.now() - started, found: summarise(stdout) };
}

async function main(): Promise<void> {
  await run('node', [join(ROOT, 'esbuild.js'), '--only=cli'], { cwd: ROOT });
  const pki = await testPki();
  const peer = await startSServer({ key: pki.rsa.key, cert: pki.rsa.chain }, ['-cipher', 'ALL:@SECLEVEL=0', '-alpn', 'h2,http/1.1']);
  const target = `127.0.0.1:${peer.port}`;
  try {
    const rows: Row[] = [];
    rows.push(
      await timed('netdiag cert --scan', process.execPath, [join(ROOT, 'dist/cli.js'), 'cert', target, '--scan', '--json', '--timeout', '5000'], (out) => {
        const scan = (JSON.parse(out) as { scan: { protocols: { name: string; supported: boolean }[]; ciphers: unknown[]; handshakes: number } }).scan;
        return `${scan.protocols.filter((p) => p.supported).map((p) => p.name).join(' ')}; ${scan.ciphers.length} suites; ${scan.handshakes} handshakes`;
      }),
    );
    rows.push(
      // --cipher-per-proto (-E): the suites of each protocol, as netdiag and sslscan list them;
      // --nodns none: no reverse lookup of the address (it would go to the machine's resolver).
      await timed('testssl.sh', 'testssl', ['--protocols', '--cipher-per-proto', '--server-preference', '--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', target], (out) => {
        const suites = out.split('\n').filter((l) => /^\s*x[0-9a-f]{2,6}\s/i.test(l)).length;
        return `${suites} suites`;
      }),
    );
    rows.push(
      await timed('sslscan', 'sslscan', ['--no-colour', '--no-heartbleed', '--no-renegotiation', '--no-compression', '--no-fallback', '--no-check-certificate', '--show-ciphers', target], (out) => {
        const suites = out.split('\n').filter((l) => /^(Preferred|Accepted)\s/.test(l)).length;
        return `${suites} suites`;
      }),
    );
    const testssl = rows[1]!.ms;
    console.log('\nTLS configuration scan of a loopback openssl s_server (TLS 1.0–1.3, SECLEVEL=0), one run each\n');
    console.log(`| tool | time | × testssl.sh | found |`);
    console.log(`| --- | ---: | ---: | --- |`);
    for (const r of rows) console.log(`| ${r.tool} | ${(r.ms / 1000).toFixed(2)} s | ${(r.ms / testssl).toFixed(3)} | ${r.found} |`);
    const ratio = rows[0]!.ms / testssl;
    console.log(`\nnetdiag / testssl.sh = ${ratio.toFixed(3)} (target ≤ 0.5): ${ratio <= 0.5 ? 'met' : 'NOT met'}`);
    console.log(`netdiag / sslscan = ${(rows[0]!.ms / rows[2]!.ms).toFixed(3)}`);
    for (const r of rows) console.log(`  ${r.tool}: ${r.command}`);
  } finally {
    await peer.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
