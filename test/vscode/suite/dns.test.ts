// Look Up DNS Records in the extension host: the command with an argument (no prompts) against a
// loopback DNS server; the result and a webview tab. The name is `localhost`, so the system
// resolver part is answered by the hosts file and nothing reaches the machine's resolvers.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DnsLookupResult } from '../../../src/engine/model/dns';
import { startDnsServer } from '../../helpers/dnsServer';
import type { TestDnsServer } from '../../helpers/dnsServer';

suite('Look Up DNS Records', () => {
  let dns: TestDnsServer;

  suiteSetup(async () => {
    await vscode.extensions.getExtension('netdiag.netdiag')?.activate();
    dns = await startDnsServer({ zone: { localhost: [{ type: 'A', data: '127.0.0.1' }, { type: 'TXT', data: 'from the loopback test server' }] } });
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await dns.close();
  });

  test('asks the given server for every type and opens the DNS view', async () => {
    const result = await vscode.commands.executeCommand<DnsLookupResult | undefined>('netdiag.lookUpDns', { name: 'localhost', types: ['A', 'TXT'], servers: [`127.0.0.1:${dns.port}`] });
    assert.ok(result, 'netdiag.lookUpDns returned nothing');
    assert.equal(result.kind, 'dns-lookup');
    assert.deepEqual(result.verdict, { status: 'ok', text: '2 of 2 queries answered' });
    assert.deepEqual(result.queries.map((q) => [q.question.type, q.rcode, q.answers[0]?.data]), [['A', 'NOERROR', '127.0.0.1'], ['TXT', 'NOERROR', '"from the loopback test server"']]);
    assert.equal(result.system?.answeredFrom, 'hosts');
    assert.ok(dns.count('localhost') >= 2);
    // The tab model catches up with the new panel asynchronously.
    const tabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
    const deadline = Date.now() + 5000;
    while (!tabs().some((t) => t.label === 'DNS: localhost') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(tabs().some((t) => t.label === 'DNS: localhost'), `tabs: ${tabs().map((t) => t.label).join(', ')}`);
  });

  test('rejects an argument that is not a request without asking anything', async () => {
    const result = await vscode.commands.executeCommand<DnsLookupResult | undefined>('netdiag.lookUpDns', { name: 42 });
    assert.equal(result, undefined);
  });
});
