// netdiag bind-scan [DIR] [--live] [--json]: what the configs in DIR bind, publish and connect to,
// and every bind finding, placed at file:line:column.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { scanDirectory } from '../../engine/bind/analyze';
import { listListeners, localInterfaces } from '../../engine/bind/live';
import { hasErrors } from '../../engine/findings';
import type { BindFinding, BindScanJson } from '../../engine/model/bind';
import { parseStrict } from '../args';
import { renderBindText } from '../bindText';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { terminal } from '../terminal';

const USAGE = `Usage: netdiag bind-scan [DIR] [options]

  DIR          the project folder to read (default: the current folder)

Options:
  --live       also read the sockets listening on this machine and compare
  --json       print {services, binds, published, clients, vhosts, findings, live} as JSON
  --no-color   plain text even on a terminal

Exit codes: 0 no error finding, 1 an error finding, 2 bad usage.`;

export const bindScanCommand: CliCommand = {
  name: 'bind-scan',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseStrict(argv, { json: { type: 'boolean' }, live: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError(`bind-scan takes one folder, got ${positionals.length}.`);
    const dir = path.resolve(positionals[0] ?? '.');
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`${dir} is not a folder.`);
    // Ctrl-C (io.signal) is seen between files and between the steps below: a step that parses or
    // links runs to its end, then the command stops with 130 instead of printing.
    const analysis = await scanDirectory(dir, { signal: io.signal }).catch((err: unknown) => {
      if (io.signal.aborted) return null;
      throw err;
    });
    if (analysis === null || (await interrupted(io))) return cancelled(io);
    const live = values.live ? await listListeners({ signal: io.signal }) : null;
    if (await interrupted(io)) return cancelled(io);
    const model = analysis.model({ interfaces: localInterfaces(), live });
    if (await interrupted(io)) return cancelled(io);
    const json: BindScanJson = {
      services: model.services,
      binds: model.binds,
      published: model.published,
      clients: model.clients,
      vhosts: model.vhosts ?? [],
      findings: model.findings.map(flat),
      live,
    };
    const term = terminal(io);
    if (values.json) term.printJson(json);
    else term.print(renderBindText(model, analysis.files.length, live, term));
    return hasErrors(model.findings) ? 1 : 0;
  },
};

/**
 * Whether Ctrl-C came. A signal that arrived while a file was being parsed is delivered on the
 * event loop's next turn (setImmediate runs after the poll that delivers it), not before.
 */
async function interrupted(io: CliIo): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  return io.signal.aborted;
}

function cancelled(io: CliIo): number {
  io.stderr('netdiag: bind-scan cancelled\n');
  return 130;
}

function flat(f: BindFinding): BindScanJson['findings'][number] {
  return { code: f.code, severity: f.severity, file: f.range.file, line: f.range.line + 1, column: f.range.column + 1, message: f.message, hint: f.hint };
}
