// Hostile and out-of-range arguments (test/helpers/argCases.ts) against the built CLI: each ends
// with exit 2 and one line naming what is wrong, and nothing reaches the servers it names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INPUT_ARG_CASES, NUMERIC_ARG_CASES, type ArgCase } from '../helpers/argCases';
import { runCli } from '../helpers/cli';
import { startDnsServer, type TestDnsServer } from '../helpers/dnsServer';
import { startSilentServer, type RawTcpServer } from '../helpers/servers';

let silent: RawTcpServer;
let dns: TestDnsServer;

before(async () => {
  silent = await startSilentServer();
  dns = await startDnsServer({ zone: { 'app.test': [{ type: 'A', data: '127.0.0.1' }] } });
});

after(async () => {
  await silent.close();
  await dns.close();
});

function refuses(group: string, cases: readonly ArgCase[]): void {
  describe(group, () => {
    for (const c of cases) {
      it(`${c.name}: exit 2, one line, nothing sent`, async () => {
        const r = await runCli(c.args({ port: silent.port, dns: `127.0.0.1:${dns.port}` }));
        assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
        assert.equal(r.stdout, '');
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, /^netdiag: /);
        assert.match(lines[0]!, c.says);
        assert.equal(silent.connections(), 0, 'no connection was made');
        assert.equal(dns.count(), 0, 'no DNS query was sent');
      });
    }
  });
}

refuses('numeric options outside their range', NUMERIC_ARG_CASES);
refuses('requests, proxies and trace targets that cannot be sent', INPUT_ARG_CASES);
