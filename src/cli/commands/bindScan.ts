// netdiag bind-scan [DIR] [--live] [--json]: what the configs in DIR bind, publish and connect to,
// and every bind finding, placed at file:line:column.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { scanDirectory } from '../../engine/bind/analyze';
import { listListeners, localInterfaces } from '../../engine/bind/live';
import { diagnose } from '../../engine/diagnose';
import { hasErrors } from '../../engine/findings';
import type { BindFinding, BindScanJson } from '../../engine/model/bind';
import type { BindCheckJson } from '../../engine/model/endpointCheck';
import { DEFAULTS, defaultHostsPath, LIMITS } from '../../engine/options';
import { prepareOptions } from '../../engine/setup';
import { parseTarget } from '../../engine/target';
import { checkReferences } from '../../engine/vantage/check';
import { diagnoseAt } from '../../engine/vantage/diagnoseAt';
import { numberOption, parseStrict } from '../args';
import { renderBindText } from '../bindText';
import { renderCheckText } from '../checkText';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { terminal } from '../terminal';
import { runAtOptions, VANTAGE_OPTIONS, type VantageValues } from '../vantageArgs';

const USAGE = `Usage: netdiag bind-scan [DIR] [options]

  DIR          the project folder to read (default: the current folder)

Options:
  --live       also read the sockets listening on this machine and compare
  --check      diagnose every client reference live: from this machine, and from the container of
               its Compose service when that runs (CLIENT_TARGET_UNREACHABLE where one fails)
  --concurrency N        diagnoses at once with --check (default ${DEFAULTS.checkConcurrency})
  --check-timeout MS     the most one diagnosis may take with --check (default ${DEFAULTS.checkTimeoutMs})
  --timeout MS           timeout of each step of a diagnosis (DNS query, connect, TLS, HTTP)
  --engine, --vantage-image, --vantage-method, --vantage-timeout, --compose-project:
               how to reach the containers (netdiag diagnose --help)
  --json       print {services, binds, published, clients, vhosts, findings, live} as JSON
               (with --check also checks: one row per reference and vantage)
  --no-color   plain text even on a terminal

Exit codes: 0 no error finding, 1 an error finding, 2 bad usage.`;

export const bindScanCommand: CliCommand = {
  name: 'bind-scan',
  usage: USAGE,
  async run(argv, io) {
    const { from: _from, 'ssh-option': _ssh, 'kube-context': _kube, ...containerOptions } = VANTAGE_OPTIONS;
    const { values, positionals } = parseStrict(argv, { json: { type: 'boolean' }, live: { type: 'boolean' }, check: { type: 'boolean' }, concurrency: { type: 'string' }, 'check-timeout': { type: 'string' }, timeout: { type: 'string' }, ...containerOptions });
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
    if (!values.check) {
      if (values.json) term.printJson(json);
      else term.print(renderBindText(model, analysis.files.length, live, term));
      return hasErrors(model.findings) ? 1 : 0;
    }
    const stepMs = values.timeout === undefined ? undefined : numberOption(values.timeout, '--timeout', LIMITS.timeoutMs);
    const { checks, findings } = await checkReferences(model, {
      signal: io.signal,
      concurrency: values.concurrency === undefined ? DEFAULTS.checkConcurrency : numberOption(values.concurrency, '--concurrency', LIMITS.checkConcurrency),
      perTargetTimeoutMs: values['check-timeout'] === undefined ? DEFAULTS.checkTimeoutMs : numberOption(values['check-timeout'], '--check-timeout', LIMITS.timeoutMs),
      fromContainers: true,
      diagnose: checkDiagnosis(dir, stepMs, values, io),
    });
    const all = [...model.findings, ...findings];
    if (values.json) term.printJson({ ...json, findings: all.map(flat), checks } satisfies BindCheckJson);
    else term.print([...renderBindText({ ...model, findings: all }, analysis.files.length, live, term), '', ...renderCheckText(checks, term)]);
    if (io.signal.aborted) return cancelled(io);
    return hasErrors(all) ? 1 : 0;
  },
};

/** How --check diagnoses one reference: in this process for this machine, through the runner for a container. */
function checkDiagnosis(dir: string, stepMs: number | undefined, values: VantageValues, io: CliIo): Parameters<typeof checkReferences>[1]['diagnose'] {
  const reach = runAtOptions(values, io);
  reach.setup.composeDir = dir;
  const timeouts = stepMs === undefined ? {} : { timeouts: { dnsMs: stepMs, connectMs: stepMs, tlsMs: stepMs, httpMs: stepMs } };
  const prepared = prepareOptions({ dnsServers: null, extraCaFiles: [], followRedirects: true, ...timeouts, sslCertFile: io.env['SSL_CERT_FILE'], hostsFile: defaultHostsPath(process.platform, io.env['SystemRoot']) });
  const args = stepMs === undefined ? [] : ['--timeout', String(stepMs)];
  return (spec, input, signal) =>
    diagnoseAt(spec, input, {
      ...reach,
      signal,
      args,
      local: async () => diagnose(parseTarget(input), { ...(await prepared).options, signal }),
    });
}

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
