// netdiag bind-scan [DIR] [--live] [--json]: what the configs in DIR bind, publish and connect to,
// and every bind finding, placed at file:line:column.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { scanDirectory } from '../../engine/bind/analyze';
import { listListeners, localInterfaces } from '../../engine/bind/live';
import type { BindFinding, BindModel, LiveListener } from '../../engine/bind/model';
import { hasErrors } from '../../engine/findings';
import { UsageError, type CliCommand } from '../command';
import { parseStrict } from '../args';

const USAGE = `Usage: netdiag bind-scan [DIR] [options]

  DIR          the project folder to read (default: the current folder)

Options:
  --live       also read the sockets listening on this machine and compare
  --json       print {services, binds, published, clients, vhosts, findings, live} as JSON
  --no-color   plain text even on a terminal

Exit codes: 0 no error finding, 1 an error finding, 2 bad usage.`;

export interface BindScanJson {
  services: BindModel['services'];
  binds: BindModel['binds'];
  published: BindModel['published'];
  clients: BindModel['clients'];
  /** nginx server_name values: the Host names a server block answers to. */
  vhosts: NonNullable<BindModel['vhosts']>;
  findings: { code: string; severity: string; file: string; line: number; column: number; message: string; hint: string }[];
  live: LiveListener[] | null;
}

export const bindScanCommand: CliCommand = {
  name: 'bind-scan',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseStrict(argv, { json: { type: 'boolean' }, live: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError(`bind-scan takes one folder, got ${positionals.length}.`);
    const dir = path.resolve(positionals[0] ?? '.');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder.`);
    const analysis = await scanDirectory(dir, { signal: io.signal });
    const live = values.live ? await listListeners({ signal: io.signal }) : null;
    const model = analysis.model({ interfaces: localInterfaces(), live });
    const json: BindScanJson = {
      services: model.services,
      binds: model.binds,
      published: model.published,
      clients: model.clients,
      vhosts: model.vhosts ?? [],
      findings: model.findings.map(flat),
      live,
    };
    io.stdout(values.json ? `${JSON.stringify(json, null, 2)}\n` : renderText(model, analysis.files.length, live, io.color));
    return hasErrors(model.findings) ? 1 : 0;
  },
};

function flat(f: BindFinding): BindScanJson['findings'][number] {
  return { code: f.code, severity: f.severity, file: f.range.file, line: f.range.line + 1, column: f.range.column + 1, message: f.message, hint: f.hint };
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

function renderText(model: BindModel, files: number, live: LiveListener[] | null, color: boolean): string {
  const c = (k: keyof typeof COLORS, s: string): string => (color ? `${COLORS[k]}${s}${COLORS.reset}` : s);
  const lines: string[] = [];
  for (const s of model.services) {
    const binds = model.binds.filter((b) => b.service === s.id).map((b) => `${b.address ?? '(default)'}${b.port !== null ? `:${b.port}` : ''}`);
    const pubs = model.published.filter((p) => p.service === s.id && p.hostPort !== null).map((p) => `${p.hostIp ?? '*'}:${p.hostPort}→${p.containerPort}`);
    const reached = model.clients.filter((x) => x.host === s.name && x.service !== s.id).map((x) => `${x.service} (${x.origin})`);
    lines.push(`${s.name} ${c('dim', `[${s.runtime}${s.hostNetwork ? ', host network' : ''}]`)}`);
    if (binds.length > 0) lines.push(`  binds to      ${[...new Set(binds)].join(', ')}`);
    if (pubs.length > 0) lines.push(`  published as  ${pubs.join(', ')}`);
    if (reached.length > 0) lines.push(`  reached by    ${[...new Set(reached)].join(', ')}`);
  }
  if (live !== null) lines.push('', `Listening now: ${live.length} socket(s)`);
  lines.push('');
  for (const f of model.findings) {
    lines.push(`${f.range.file}:${f.range.line + 1}:${f.range.column + 1}: ${c(f.severity, f.severity)} ${f.code}`, `  ${f.message}`, c('dim', `  hint: ${f.hint}`));
  }
  const count = (s: string): number => model.findings.filter((f) => f.severity === s).length;
  lines.push(`${files} config file(s), ${model.services.length} service(s): ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info.`);
  return `${lines.join('\n')}\n`;
}
