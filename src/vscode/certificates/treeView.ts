// The "Certificates" tree: one item per chain (endpoint or file) with its verdict; under it the
// verdict in words, each certificate with every detail, the path to the trust anchor, the
// findings, and, when run, the TLS scan and the revocation check. Network text is only ever a
// TreeItem label, description or plain-string tooltip: never Markdown, never HTML.
import * as vscode from 'vscode';
import type { Finding } from '../../engine/model/common';
import { certificateRows, roleOf, shortVerdict, storeText } from '../../protocol/certificateView';
import type { CertificateEntries, CertificateEntry } from './entries';

export const CERTIFICATES_VIEW = 'netdiag.certificates';

export type CertNode =
  | { kind: 'entry'; entry: CertificateEntry }
  | { kind: 'cert'; entry: CertificateEntry; index: number }
  | { kind: 'group'; entry: CertificateEntry; group: 'path' | 'findings' | 'scan' | 'revocation' | 'keys' }
  | { kind: 'row'; id: string; label: string; value: string; tooltip?: string; icon?: string }
  | { kind: 'finding'; id: string; finding: Finding };

const SEVERITY_ICON: Record<Finding['severity'], [string, string]> = {
  error: ['error', 'errorForeground'],
  warning: ['warning', 'editorWarning.foreground'],
  info: ['info', 'editorInfo.foreground'],
};

const STATUS_ICON: Record<CertificateEntry['check']['status'], [string, string]> = {
  fail: ['error', 'errorForeground'],
  warn: ['warning', 'editorWarning.foreground'],
  ok: ['pass', 'testing.iconPassed'],
};

export class CertificatesTree implements vscode.TreeDataProvider<CertNode> {
  private readonly changed = new vscode.EventEmitter<CertNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly entries: CertificateEntries) {
    entries.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: CertNode): CertNode[] {
    if (!node) return this.entries.all.map((entry) => ({ kind: 'entry', entry }));
    switch (node.kind) {
      case 'entry':
        return entryChildren(node.entry);
      case 'cert': {
        const cert = node.entry.check.chain[node.index];
        if (!cert) return [];
        return certificateRows(cert).map((r) => ({ kind: 'row', id: `${node.entry.key}/cert${node.index}/${r.label}`, label: r.label, value: r.value }));
      }
      case 'group':
        return groupChildren(node.entry, node.group);
      default:
        return [];
    }
  }

  getTreeItem(node: CertNode): vscode.TreeItem {
    switch (node.kind) {
      case 'entry': {
        const { check } = node.entry;
        const item = new vscode.TreeItem(check.source.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.entry.key;
        item.description = shortVerdict(check);
        item.tooltip = check.verdict;
        const [icon, color] = STATUS_ICON[check.status];
        item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
        item.contextValue = `netdiag.certEntry.${check.source.kind}`;
        return item;
      }
      case 'cert': {
        const cert = node.entry.check.chain[node.index]!;
        const item = new vscode.TreeItem(`${roleOf(node.index, cert)}: ${cert.subject || '(empty subject)'}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.entry.key}/cert${node.index}`;
        item.description = cert.daysLeft < 0 ? `expired ${-cert.daysLeft} days ago` : `${cert.daysLeft} days left`;
        item.tooltip = `${cert.subject}\nissued by ${cert.issuer}\n${cert.fingerprint256}`;
        item.iconPath = new vscode.ThemeIcon(cert.isCA ? 'shield' : 'file-certificate');
        item.contextValue = 'netdiag.cert';
        return item;
      }
      case 'group': {
        const labels = { path: 'Path to the trust anchor', findings: 'Findings', scan: 'TLS configuration', revocation: 'Revocation (OCSP)', keys: 'Private keys in the file' } as const;
        const item = new vscode.TreeItem(labels[node.group], node.group === 'findings' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.entry.key}/${node.group}`;
        if (node.group === 'scan' && node.entry.check.scan) item.description = `grade ${node.entry.check.scan.grade.grade}`;
        if (node.group === 'findings') item.description = String(node.entry.check.findings.length);
        item.iconPath = new vscode.ThemeIcon({ path: 'type-hierarchy-sub', findings: 'list-unordered', scan: 'radio-tower', revocation: 'shield', keys: 'key' }[node.group]);
        return item;
      }
      case 'row': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.value;
        item.tooltip = node.tooltip ?? `${node.label}: ${node.value}`;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'netdiag.certDetail';
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const item = new vscode.TreeItem(f.message, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = f.code;
        item.tooltip = `${f.code} (${f.severity})\n${f.message}\n\n${f.hint}`;
        const [name, color] = SEVERITY_ICON[f.severity];
        item.iconPath = new vscode.ThemeIcon(name, new vscode.ThemeColor(color));
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function entryChildren(entry: CertificateEntry): CertNode[] {
  const { check } = entry;
  const out: CertNode[] = [{ kind: 'row', id: `${entry.key}/verdict`, label: 'Verdict', value: check.verdict, icon: 'comment' }];
  if (check.tls) out.push({ kind: 'row', id: `${entry.key}/tls`, label: 'Negotiated', value: [check.tls.protocol, check.tls.cipher, check.tls.keyExchange, check.tls.alpn && `ALPN ${check.tls.alpn}`].filter(Boolean).join(' · '), icon: 'lock' });
  out.push(...check.chain.map((_, index): CertNode => ({ kind: 'cert', entry, index })));
  if (check.path.length > 0) out.push({ kind: 'group', entry, group: 'path' });
  if (check.findings.length > 0) out.push({ kind: 'group', entry, group: 'findings' });
  if (check.privateKeys && check.privateKeys.length > 0) out.push({ kind: 'group', entry, group: 'keys' });
  if (check.revocation) out.push({ kind: 'group', entry, group: 'revocation' });
  if (check.scan) out.push({ kind: 'group', entry, group: 'scan' });
  return out;
}

function groupChildren(entry: CertificateEntry, group: Extract<CertNode, { kind: 'group' }>['group']): CertNode[] {
  const { check } = entry;
  const row = (label: string, value: string, icon?: string): CertNode => ({ kind: 'row', id: `${entry.key}/${group}/${label}`, label, value, ...(icon ? { icon } : {}) });
  switch (group) {
    case 'path':
      return check.path.map((p, i) => row(`${i + 1}`, `${p.subject}${p.store ? ` — anchored by ${storeText(p.store)}` : ''}`, p.store ? 'verified' : 'arrow-small-down'));
    case 'findings':
      return check.findings.map((finding, i) => ({ kind: 'finding', id: `${entry.key}/finding${i}`, finding }));
    case 'keys':
      return (check.privateKeys ?? []).map((k) => row(k.where, `${k.description}${k.matchesLeaf === true ? ', matches the first certificate' : k.matchesLeaf === false ? ', does not match the first certificate' : ''} (never shown)`, 'key'));
    case 'revocation': {
      const r = check.revocation;
      if (!r) return [];
      return [row('Status', r.status ?? `unknown: ${r.error?.message ?? 'no answer'}`), row('Responder', r.responder ?? 'stapled'), ...(r.thisUpdate ? [row('This update', r.thisUpdate)] : []), ...(r.nextUpdate ? [row('Next update', r.nextUpdate)] : []), row('Signature', r.signatureValid ? 'valid' : 'not verified')];
    }
    case 'scan': {
      const s = check.scan;
      if (!s) return [];
      const rows: CertNode[] = [row('Grade', `${s.grade.grade}: ${s.grade.reasons.join('; ')}`, 'star-full')];
      for (const p of s.protocols) rows.push(row(p.name, p.supported ? 'accepted' : p.tested ? 'refused' : `not tested (${p.note ?? ''})`));
      for (const p of s.protocols.filter((x) => x.supported)) {
        const order = s.cipherOrder.find((o) => o.protocol === p.name);
        const suites = s.ciphers.filter((c) => c.protocol === p.name).map((c) => (c.weak ? `${c.name} (weak)` : c.name));
        rows.push(row(`${p.name} suites`, `${order ? (order.serverOrder ? "server's order: " : "client's order: ") : ''}${suites.join(', ')}`));
      }
      rows.push(row('ALPN', s.alpn.join(', ') || 'none'), row('Groups', s.groups.join(', ') || 'none'));
      rows.push(row('Resumption', s.resumption.map((r) => `${r.protocol} ${r.resumed ? 'yes' : 'no'}`).join(', ') || 'n/a'));
      if (s.withoutSni) rows.push(row('Without SNI', s.withoutSni.handshake ? (s.withoutSni.sameCertificate === false ? `another certificate (${s.withoutSni.subject ?? ''})` : 'same certificate') : 'refused'));
      rows.push(row('OCSP stapling', `${s.ocsp.stapled ? 'stapled' : 'not stapled'}${s.ocsp.mustStaple ? ', must-staple' : ''}`));
      rows.push(row('Handshakes', `${s.handshakes} in ${s.durationMs} ms`));
      return rows;
    }
  }
}
