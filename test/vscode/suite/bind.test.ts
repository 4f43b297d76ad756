// Extension-host suite for the bind analysis, on the sample workspace's docker-compose.yml (the
// api service binds 127.0.0.1 inside its container): the finding reaches the Problems panel, its
// quick fix applies and the finding goes away, the hover shows the verdict, and the commands run.
// The document is reverted at the end, so the fixture on disk never changes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

async function eventually<T>(get: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function bindDiagnostics(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Netdiag' && d.code === code);
}

suite('Bind analysis in the extension host', () => {
  const settings = vscode.workspace.getConfiguration('netdiag');
  let uri: vscode.Uri;

  suiteSetup(async () => {
    // Hovers over service names must never ask the machine's resolver from a test.
    await settings.update('bind.hoverDnsLookups', false, vscode.ConfigurationTarget.Global);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the sample workspace is open');
    uri = vscode.Uri.joinPath(folder.uri, 'docker-compose.yml');
  });

  suiteTeardown(async () => {
    await settings.update('bind.hoverDnsLookups', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Analyze Bind Addresses returns the model with the api service', async () => {
    const result = await vscode.commands.executeCommand<{ model: { services: { name: string }[] } }[]>('netdiag.analyzeBindAddresses');
    assert.ok(result.some((r) => r.model.services.some((s) => s.name === 'api')));
  });

  test('a loopback bind in a container appears in Problems at the HOST value', async () => {
    const [d] = await eventually(() => {
      const list = bindDiagnostics(uri, 'BIND_LOOPBACK_IN_CONTAINER');
      return list.length > 0 ? list : undefined;
    }, 20_000);
    assert.equal(d!.severity, vscode.DiagnosticSeverity.Error);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText(d!.range), '127.0.0.1');
    assert.match(d!.message, /"api" binds 127\.0\.0\.1:3000/);
  });

  test('the hover over the bind value shows the verdict and the address class', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = doc.positionAt(doc.getText().indexOf('127.0.0.1') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n')
      // appendText escapes Markdown and keeps spaces as &nbsp;: compare the text a user reads.
      .replace(/&nbsp;/g, ' ')
      .replace(/\\(.)/g, '$1');
    assert.match(text, /Problem: BIND_LOOPBACK_IN_CONTAINER/);
    assert.match(text, /Loopback: this container only/);
    assert.match(text, /Show in Bind Map/);
  });

  test('the quick fix binds 0.0.0.0 and the finding goes away', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [d] = bindDiagnostics(uri, 'BIND_LOOPBACK_IN_CONTAINER');
    assert.ok(d);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Bind 0.0.0.0 inside the container');
    assert.ok(fix?.edit, `quick fix offered (got: ${actions.map((a) => a.title).join(', ')})`);
    try {
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.match(doc.getText(), /HOST: 0\.0\.0\.0/);
      await eventually(() => (bindDiagnostics(uri, 'BIND_LOOPBACK_IN_CONTAINER').length === 0 ? true : undefined), 10_000);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await eventually(() => (bindDiagnostics(uri, 'BIND_LOOPBACK_IN_CONTAINER').length > 0 ? true : undefined), 10_000);
  });

  test('Show in Bind Map reveals the service', async () => {
    await vscode.commands.executeCommand('netdiag.showInBindMap', 'api');
  });
});
