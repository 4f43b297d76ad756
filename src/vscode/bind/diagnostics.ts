// Bind findings in the Problems panel, and their quick fixes where the engine marked a rewrite as
// safe (bind 0.0.0.0 inside a container, publish on 127.0.0.1, use the service name…).
import * as vscode from 'vscode';
import type { BindFinding, SourceRange } from '../../engine/model/bind';
import type { FolderModel, WorkspaceBindAnalysis } from './workspaceAnalysis';

const SOURCE = 'Netdiag';

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.line, r.column, r.endLine, r.endColumn);
}

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;

export function registerBindDiagnostics(analysis: WorkspaceBindAnalysis): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('netdiag-bind');
  /** The finding behind each diagnostic, for its quick fix. */
  const findings = new WeakMap<vscode.Diagnostic, BindFinding>();

  const publish = (models: FolderModel[]): void => {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const { folder, model } of models) {
      for (const f of model.findings) {
        const uri = vscode.Uri.joinPath(folder.uri, f.range.file);
        const d = new vscode.Diagnostic(toRange(f.range), `${f.message}\n${f.hint}`, SEVERITY[f.severity]);
        d.source = SOURCE;
        d.code = f.code;
        d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.joinPath(folder.uri, r.file), toRange(r)), 'related setting'));
        findings.set(d, f);
        const key = uri.toString();
        byFile.set(key, [...(byFile.get(key) ?? []), d]);
      }
    }
    collection.clear();
    for (const [uri, list] of byFile) collection.set(vscode.Uri.parse(uri), list);
  };

  const actions = vscode.languages.registerCodeActionsProvider(
    { scheme: 'file' },
    {
      provideCodeActions(document, _range, context) {
        const out: vscode.CodeAction[] = [];
        for (const d of context.diagnostics) {
          const f = d.source === SOURCE ? findings.get(d) : undefined;
          if (!f?.fix) continue;
          const action = new vscode.CodeAction(f.fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [d];
          action.isPreferred = true;
          action.edit = new vscode.WorkspaceEdit();
          for (const e of f.fix.edits) action.edit.replace(document.uri, toRange(e.range), e.newText);
          out.push(action);
        }
        return out;
      },
    },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );

  const sub = analysis.onDidChange(() => publish(analysis.current()));
  return vscode.Disposable.from(collection, actions, sub);
}
