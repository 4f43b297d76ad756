// The bind analysis (`netdiag bind-scan`) for a terminal: each service with what it binds, how it
// is published and who reaches it, then every finding as `file:line:column: severity CODE` (the
// form editors' problem matchers read). Config values are text from a file of the project, maybe a
// cloned one: the terminal module escapes these lines whole.
import type { BindModel, LiveListener } from '../engine/model/bind';
import type { Terminal } from './terminal';

export function renderBindText(model: BindModel, files: number, live: LiveListener[] | null, term: Terminal): string[] {
  const { paint } = term;
  const lines: string[] = [];
  // Grouped once, so the output is linear in the model: 63,881 services must not mean 63,881 scans.
  const bindsOf = groupBy(model.binds, (b) => b.service);
  const publishedOf = groupBy(model.published, (p) => p.service);
  const clientsOf = groupBy(model.clients, (c) => c.host);
  for (const s of model.services) {
    const binds = (bindsOf.get(s.id) ?? []).map((b) => `${b.address ?? '(default)'}${b.port !== null ? `:${b.port}` : ''}${b.hostName !== undefined ? ` (every interface: Kestrel does not bind the name "${b.hostName}")` : ''}`);
    const pubs = (publishedOf.get(s.id) ?? []).filter((p) => p.hostPort !== null).map((p) => `${p.hostIp ?? '*'}:${p.hostPort}→${p.containerPort}`);
    const reached = (clientsOf.get(s.name) ?? []).filter((x) => x.service !== s.id).map((x) => `${x.service} (${x.origin})`);
    lines.push(`${s.name} ${paint('dim', `[${s.runtime}${s.hostNetwork ? ', host network' : ''}]`)}`);
    if (binds.length > 0) lines.push(`  binds to      ${[...new Set(binds)].join(', ')}`);
    if (pubs.length > 0) lines.push(`  published as  ${pubs.join(', ')}`);
    if (reached.length > 0) lines.push(`  reached by    ${[...new Set(reached)].join(', ')}`);
  }
  if (live !== null) lines.push('', `Listening now: ${live.length} socket(s)`);
  lines.push('');
  for (const f of model.findings) {
    lines.push(`${f.range.file}:${f.range.line + 1}:${f.range.column + 1}: ${term.severityWord(f.severity)} ${f.code}`, `  ${f.message}`, paint('dim', `  hint: ${f.hint}`));
  }
  const count = (s: string): number => model.findings.filter((f) => f.severity === s).length;
  lines.push(`${files} config file(s), ${model.services.length} service(s): ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info.`);
  return lines;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
