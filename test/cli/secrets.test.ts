// Secrets, swept from every output of the built CLI: a diagnosis of the secrets peer (a URL
// password, a token as username, credential query parameters, eight kinds of credential header,
// a redirect whose Location carries a password and a signature, cookies and tokens in the
// response) as text, JSON, Markdown, HAR, curl and the --verbose log, and bind-scan of a project
// whose DATABASE_URL and REDIS_URL hold passwords. None may print a planted value; with
// --show-secrets the request's own secrets come back (the control that the sweep can fail).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cli';
import { PLANTED, PLANTED_HEADERS, startSecretsPeer, type SecretsPeer } from '../helpers/secretsPeer';

let peer: SecretsPeer;
let project: string;

before(async () => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  peer = await startSecretsPeer();
  project = mkdtempSync(join(tmpdir(), 'netdiag-secrets-'));
  writeFileSync(
    join(project, 'compose.yaml'),
    [
      'services:',
      '  app:',
      '    image: app:1',
      '    environment:',
      '      DATABASE_URL: postgres://app:planted-db-password@db:5432/app',
      '      REDIS_URL: redis://:planted-redis-password@cache:6379/0',
      '      QUEUE: amqp://planted-queue-token@broker:5672/',
      '  db:',
      '    image: postgres:16',
      '',
    ].join('\n'),
  );
});
after(async () => {
  await peer.close();
  rmSync(project, { recursive: true, force: true });
});

const headerArgs = Object.entries(PLANTED_HEADERS).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
const planted = (text: string): string[] => [...new Set(text.toLowerCase().match(/planted[-\w]*/g) ?? [])];

describe('no output holds a planted secret', () => {
  for (const format of ['text', 'json', 'markdown', 'har', 'curl']) {
    for (const which of ['urlWithPassword', 'urlWithTokenUser'] as const) {
      it(`diagnose --format ${format} --verbose of the ${which === 'urlWithPassword' ? 'URL with a password' : 'URL with a token as username'}`, async () => {
        const r = await runCli(['diagnose', peer[which], ...headerArgs, '--format', format, '--verbose', '--timeout', '3000']);
        assert.ok(r.code === 0 || r.code === 1, r.stderr);
        assert.ok(r.stdout.length > 0, 'something was printed');
        assert.deepEqual(planted(r.stdout), [], `stdout: ${r.stdout}`);
        assert.deepEqual(planted(r.stderr), [], `stderr (the log): ${r.stderr}`);
      });
    }
  }

  it('bind-scan --json and text: client URLs keep their host, never their password or token', async () => {
    for (const args of [[project, '--json'], [project]]) {
      const r = await runCli(['bind-scan', ...args]);
      assert.deepEqual(planted(r.stdout), [], r.stdout);
    }
    const json = JSON.parse((await runCli(['bind-scan', project, '--json'])).stdout) as { clients: { url: string | null }[] };
    assert.deepEqual(json.clients.map((c) => c.url).sort(), ['amqp://***@broker:5672/', 'postgres://app:***@db:5432/app', 'redis://:***@cache:6379/0']);
  });
});

describe('--show-secrets (the control: the sweep sees a secret when one is printed)', () => {
  it('brings the request headers and the query token back, and only when asked', async () => {
    const r = await runCli(['diagnose', peer.urlWithPassword, ...headerArgs, '--format', 'json', '--show-secrets', '--timeout', '3000']);
    const found = planted(r.stdout);
    for (const secret of ['planted-gitlab-token', 'planted-vault-token', 'planted-azure-key', 'planted-query-token']) assert.ok(found.includes(secret), `${secret} in ${found.join(', ')}`);
  });
});

// PLANTED is the marker every planted value holds; the sweep above looks for it.
assert.equal(PLANTED, 'planted');
