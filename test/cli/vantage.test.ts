// `netdiag diagnose --from`, `bind-scan --check` and the vantage errors, end to end: the built CLI
// against a real Compose project (podman, podman-compose) and loopback servers. "This machine"
// asks a DNS server the test starts (withLocalResolver), the containers their network's own
// resolver: no lookup reaches the machine's resolver.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VantageComparison } from '../../src/engine/model/comparison';
import type { BindCheckJson } from '../../src/engine/model/endpointCheck';
import type { Report } from '../../src/engine/model/report';
import { startComposeProject, type ComposeProject } from '../helpers/composeProject';
import { NODE_IMAGE, podman, podmanReady } from '../helpers/containers';
import { startDnsServer, type TestDnsServer } from '../helpers/dnsServer';
import { withLocalResolver, type LocalResolver } from '../helpers/localResolver';
import { closedPort, startHttpServer, type HttpTestServer } from '../helpers/servers';
import { runCli } from '../helpers/cli';
import { runCliIn } from '../helpers/vantageCli';

const RESOLVER = '127.0.89.53';
const rootReason = process.getuid?.() === 0 ? null : 'the vantage tests enter namespaces, which needs root';

let dns: TestDnsServer;
let local: LocalResolver;

before(async () => {
  if (rootReason) return;
  // Answers nothing: every name is NXDOMAIN for "this machine".
  dns = await startDnsServer({ host: RESOLVER, port: 53 });
  local = withLocalResolver(RESOLVER);
});
after(async () => {
  local?.dispose();
  await dns?.close();
});

const reason = rootReason ?? podmanReady();
if (reason) console.log(`# vantage CLI tests with containers skipped: ${reason}`);

describe('diagnose --from compose:web --from local (a real Compose project)', { skip: reason ?? false }, () => {
  let project: ComposeProject;
  before(() => {
    project = startComposeProject('ndvantage', 'ndvantage-net', 213, { DATABASE_URL: 'http://db:8080/' });
  });
  after(() => project?.down());

  it('shows db resolving and answering from web, NXDOMAIN from this machine, and explains the difference', async () => {
    const r = await runCliIn(project.dir, local.prefix, ['diagnose', 'http://db:8080/', '--from', 'compose:web', '--from', 'local', '--timeout', '3000']);
    const db = project.address('db');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /from 2 vantages: Differs at DNS/);
    assert.match(r.stdout, new RegExp(`VANTAGE_DNS_DIFFERS: \`db\` resolves to ${db.replace(/\./g, '\\.')} from Compose service web \\(its resolver ${project.gateway}\\); from this machine it does not exist \\(NXDOMAIN\\)\\.`));
    assert.match(r.stdout, /Compose service names .* resolve only inside their network/);
    assert.match(r.stdout, /Compose service web\s+✔ ok\s+200 OK/);
    assert.ok(dns.count('db') > 0, 'this machine asked the test resolver');
  });

  it('prints the comparison as JSON: each vantage with its report, the layers side by side and the differences', async () => {
    const r = await runCliIn(project.dir, local.prefix, ['diagnose', 'http://db:8080/', '--from', 'compose:web', '--from', 'local', '--timeout', '3000', '--json']);
    const c = JSON.parse(r.stdout) as VantageComparison;
    assert.equal(c.kind, 'vantage-comparison');
    assert.deepEqual(c.vantages.map((v) => v.vantage.name), ['compose:web', 'local']);
    const [web, here] = c.vantages;
    assert.equal(web?.report?.verdict.status, 'ok');
    assert.deepEqual(web?.vantage.resolvers, [project.gateway]);
    assert.match(web?.vantage.how ?? '', /nsenter --net=\/proc\/\d+\/ns\/net/);
    assert.match(web?.report?.hops[0]?.label ?? '', /^from Compose service web$/);
    assert.match(web?.report?.hops[0]?.detail ?? '', /^eth0 10\.89\.213\.\d+/);
    assert.ok(here?.report?.findings.some((f) => f.code === 'DNS_NXDOMAIN' || f.code === 'DNS_LOOKUP_FAILED'));
    assert.deepEqual(c.differences.map((d) => d.code), ['VANTAGE_DNS_DIFFERS']);
    assert.equal(c.layers.find((l) => l.name === 'dns')?.differs, true);
  });

  it('runs in a helper container that joins the service (--vantage-method helper) and leaves nothing behind', async () => {
    const r = await runCliIn(project.dir, local.prefix, ['diagnose', 'http://db:8080/', '--from', 'compose:web', '--vantage-method', 'helper', '--vantage-image', NODE_IMAGE, '--timeout', '3000', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.vantage?.kind, 'compose');
    assert.match(report.vantage?.how ?? '', /podman run --rm -i --name netdiag-vantage-[0-9a-f]+ --network container:[0-9a-f]+/);
    assert.equal(report.http?.requests[0]?.status, 200);
    assert.equal(podman('ps', '--all', '--filter', 'name=netdiag-vantage-', '--format', '{{.Names}}'), '');
  });

  it('says in one line, exit 2, that a service has no running container', async () => {
    const r = await runCliIn(project.dir, local.prefix, ['diagnose', 'http://db:8080/', '--from', 'compose:cache']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^netdiag: compose:cache: no container of Compose service cache exists \(project ndvantage\): start the project with `podman-compose up -d`\.\n$/);
  });

  it('bind-scan --check diagnoses web\'s reference from this machine and from web, and the container decides', async () => {
    const r = await runCliIn(project.dir, local.prefix, ['bind-scan', '--check', '--timeout', '3000', '--json']);
    const json = JSON.parse(r.stdout) as BindCheckJson;
    const rows = json.checks.filter((c) => c.reference === 'http://db:8080/');
    assert.deepEqual(rows.map((c) => [c.from, c.status, c.dns]), [['local', 'fail', 'fail'], ['compose:web', 'ok', 'ok']]);
    assert.ok(!json.findings.some((f) => f.code === 'CLIENT_TARGET_UNREACHABLE'), 'it works where it is used');
  });
});

describe('bind-scan --check: a working, a refused and an unresolvable reference', { skip: rootReason ?? false }, () => {
  let web: HttpTestServer;
  let dir: string;
  let refused: number;
  before(async () => {
    web = await startHttpServer();
    refused = await closedPort();
    dir = mkdtempSync(join(tmpdir(), 'netdiag-check-'));
    writeFileSync(join(dir, '.env'), `API_URL=http://127.0.0.1:${web.port}/\nCACHE_URL=http://127.0.0.1:${refused}/\nDATABASE_URL=http://nowhere.invalid:8080/\n`);
  });
  after(async () => web?.close());

  it('shows all three, with a problem at each failing line', async () => {
    const r = await runCliIn(dir, local.prefix, ['bind-scan', '--check', '--timeout', '3000', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const json = JSON.parse(r.stdout) as BindCheckJson;
    const row = (ref: string) => json.checks.find((c) => c.reference === ref);
    assert.deepEqual([row(`http://127.0.0.1:${web.port}/`)?.status, row(`http://127.0.0.1:${web.port}/`)?.http], ['ok', 'ok']);
    assert.deepEqual([row(`http://127.0.0.1:${refused}/`)?.status, row(`http://127.0.0.1:${refused}/`)?.tcp], ['fail', 'fail']);
    assert.deepEqual([row('http://nowhere.invalid:8080/')?.status, row('http://nowhere.invalid:8080/')?.dns], ['fail', 'fail']);
    const problems = json.findings.filter((f) => f.code === 'CLIENT_TARGET_UNREACHABLE').map((f) => [f.file, f.line]);
    assert.deepEqual(problems, [['.env', 2], ['.env', 3]]);
  });

  it('prints the table for people', async () => {
    const r = await runCliIn(dir, local.prefix, ['bind-scan', '--check', '--timeout', '3000']);
    assert.match(r.stdout, /reference\s+source\s+from\s+DNS\s+TCP\s+TLS\s+HTTP\s+verdict\s+time/);
    assert.match(r.stdout, /3 check\(s\): 1 ok, 0 with warnings, 2 failed, 0 skipped\./);
    assert.match(r.stdout, /\.env:3:\d+: error CLIENT_TARGET_UNREACHABLE\n {2}http:\/\/nowhere\.invalid:8080\/ fails from this machine: Breaks at/);
  });
});

describe('a vantage that cannot be reached: one line with the fix, exit 2', () => {
  it('no container engine answers (docker without its daemon, or no docker at all)', async () => {
    const r = await runCli(['diagnose', 'http://db:8080/', '--from', 'container:web', '--engine', 'docker']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^netdiag: container:web: no container engine answers \(docker (is not installed|info: .+)\): start Docker or install Podman, or name one in netdiag\.vantage\.containerEngine \(--engine\)\.\n$/);
  });

  it('kubectl cannot reach the cluster (a kubeconfig naming a closed loopback port)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdiag-kube-'));
    const port = await closedPort();
    writeFileSync(join(dir, 'config'), `apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster:\n    server: https://127.0.0.1:${port}\ncontexts:\n- name: t\n  context:\n    cluster: t\n    user: u\ncurrent-context: t\nusers:\n- name: u\n  user:\n    token: x\n`);
    const r = await runCli(['diagnose', 'http://db:8080/', '--from', 'pod:shop/api', '--vantage-timeout', '15000'], { env: { KUBECONFIG: join(dir, 'config') } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^netdiag: pod:shop\/api: (kubectl cannot reach the cluster \(.*\): check the kubeconfig and context\.|kubectl is not installed: install kubectl and point it at the cluster\.)\n$/);
  });

  it('a --from that is not a vantage', async () => {
    const r = await runCli(['diagnose', 'http://db:8080/', '--from', 'docker:web']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^netdiag: --from "docker:web": expected local, netns:NAME, container:NAME, compose:SERVICE, pod:\[NS\/\]POD\[\/CONTAINER\] or ssh:\[USER@\]HOST\[:PORT\]\.\n$/);
  });
});
