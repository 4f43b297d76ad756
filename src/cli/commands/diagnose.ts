// netdiag diagnose <target>: the whole stack for one endpoint.
import { readFile } from 'node:fs/promises';
import { toCurl } from '../../engine/curl';
import { diagnose } from '../../engine/diagnose';
import { exportReport } from '../../engine/export';
import { hasErrors } from '../../engine/findings';
import { DEFAULTS, defaultHostsPath, LIMITS, type RequestSpec } from '../../engine/options';
import { parseProxyUrl } from '../../engine/proxy';
import { redactUrl } from '../../engine/redact';
import { headerProblem, methodProblem } from '../../engine/requestCheck';
import { attachRoute, traceRoute, traceTarget } from '../../engine/route';
import { prepareOptions, type SetupInput } from '../../engine/setup';
import { parseTarget } from '../../engine/target';
import type { Report } from '../../engine/model/report';
import { compareVantages } from '../../engine/vantage/compare';
import { describeSide } from '../../engine/vantage/describe';
import { diagnoseAt } from '../../engine/vantage/diagnoseAt';
import { VantageError } from '../../engine/vantage/errors';
import { vantageInfo, type VantageSpec } from '../../engine/vantage/spec';
import { numberOption, parseStrict } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { renderComparisonText } from '../comparisonText';
import { renderPathText } from '../httpText';
import { terminal, terminalLine } from '../terminal';
import { renderText } from '../text';
import { parseFrom, runAtOptions, VANTAGE_OPTIONS, VANTAGE_USAGE, type VantageValues } from '../vantageArgs';

const USAGE = `Usage: netdiag diagnose <target> [options]

  <target>                  a URL (http, https, ws, wss, postgres, redis, smtp…), host:port, host or IP

Options:
  --json                    print the Report as JSON (docs/report.md)
  --resolver ADDR[:PORT]    DNS server for wire-level queries (repeatable; default: /etc/resolv.conf)
  --resolve HOST:ADDR       pin HOST to ADDR like curl --resolve; skips the system lookup (repeatable)
  --ca FILE                 extra trusted CA certificates, PEM (repeatable)
  --timeout MS              timeout of each step: DNS query, connect, TLS handshake, HTTP exchange
                            (${LIMITS.timeoutMs.min}–${LIMITS.timeoutMs.max})
  --max-redirects N         follow at most N redirects, ${LIMITS.maxRedirects.min}–${LIMITS.maxRedirects.max} (default ${DEFAULTS.maxRedirects})
  --no-follow               do not follow redirects
  --proxy URL               send through this HTTP proxy (CONNECT for https); wins over HTTP(S)_PROXY
  --no-proxy                connect directly even when HTTP_PROXY/HTTPS_PROXY are set
  -X, --method METHOD       the request method (default GET)
  -H, --header 'NAME: VALUE'  a request header (repeatable)
  -d, --data BODY           a request body (@FILE reads it from a file); the method defaults to POST
  --format FORMAT           text (default), json, markdown (for a ticket), har (HTTP part), curl
  --show-secrets            keep the request's credentials (headers, query parameters) in the output
  --trace                   also trace the route to the server (tracepath/traceroute/tracert)
  --verbose                 log each probe to stderr
  --no-color                plain text even on a terminal
${VANTAGE_USAGE}
  --vantage-info            add this side's resolvers, hosts entries and interfaces to the report

With two or more --from, the output compares them: each layer side by side and what differs
(--json prints {kind: "vantage-comparison", vantages, layers, hops, differences, verdict}).`;

export type OutputFormat = 'text' | 'json' | 'markdown' | 'har' | 'curl';

export interface DiagnoseArgs {
  target: string;
  verbose: boolean;
  setup: Omit<SetupInput, 'sslCertFile'>;
  format: OutputFormat;
  /** --proxy URL, or false for --no-proxy; undefined: the environment decides. */
  proxy?: string | false;
  request?: RequestSpec;
  showSecrets: boolean;
  trace: boolean;
  /** --from, in order; empty: this machine only. */
  from: VantageSpec[];
  vantage: VantageValues;
  /** --vantage-info: the report describes this side (what a runner asks of a vantage). */
  vantageInfo: boolean;
}

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'markdown', 'har', 'curl'];
/** The variables curl and VS Code read for proxies; the engine reads no env, so the CLI passes them. */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;

export function parseDiagnoseArgs(argv: readonly string[]): DiagnoseArgs {
  const { values, positionals } = parseStrict(argv, {
    json: { type: 'boolean' },
    resolver: { type: 'string', multiple: true },
    resolve: { type: 'string', multiple: true },
    ca: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    'max-redirects': { type: 'string' },
    'no-follow': { type: 'boolean' },
    verbose: { type: 'boolean' },
    proxy: { type: 'string' },
    'no-proxy': { type: 'boolean' },
    method: { type: 'string', short: 'X' },
    header: { type: 'string', short: 'H', multiple: true },
    data: { type: 'string', short: 'd' },
    format: { type: 'string' },
    'show-secrets': { type: 'boolean' },
    trace: { type: 'boolean' },
    'vantage-info': { type: 'boolean' },
    ...VANTAGE_OPTIONS,
  });
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'diagnose needs a target: a URL, host:port or host.' : `diagnose takes one target, got ${positionals.length}.`);
  }
  const setup: Omit<SetupInput, 'sslCertFile'> = {
    dnsServers: values.resolver ?? null,
    extraCaFiles: values.ca ?? [],
    resolve: values.resolve ?? [],
    followRedirects: !values['no-follow'],
  };
  if (values.timeout !== undefined) {
    const t = numberOption(values.timeout, '--timeout', LIMITS.timeoutMs);
    setup.timeouts = { dnsMs: t, connectMs: t, tlsMs: t, httpMs: t };
  }
  if (values['max-redirects'] !== undefined) setup.maxRedirects = numberOption(values['max-redirects'], '--max-redirects', LIMITS.maxRedirects);
  if (values.proxy !== undefined && values['no-proxy']) throw new UsageError('--proxy and --no-proxy exclude each other.');
  const format = (values.format ?? (values.json ? 'json' : 'text')) as OutputFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format takes ${FORMATS.join(', ')}; got "${values.format}".`);
  const from = parseFrom(values);
  if (from.length > 1 && format !== 'text' && format !== 'json') throw new UsageError(`--format ${format} shows one report; with ${from.length} vantages use text or json.`);
  const args: DiagnoseArgs = { target: positionals[0]!, verbose: values.verbose === true, setup, format, showSecrets: values['show-secrets'] === true, trace: values.trace === true, from, vantage: values, vantageInfo: values['vantage-info'] === true };
  if (values.proxy !== undefined) args.proxy = values.proxy;
  else if (values['no-proxy']) args.proxy = false;
  if (values.proxy !== undefined) {
    const proxy = parseProxyUrl(values.proxy);
    // Never a silent direct connection when the proxy asked for cannot be used.
    if (typeof proxy === 'string') throw new UsageError(`--proxy "${redactUrl(values.proxy)}": ${proxy}.`);
  }
  const headers: Record<string, string> = {};
  for (const h of values.header ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header "${h}": expected NAME: VALUE.`);
    const name = h.slice(0, colon).trim();
    const value = h.slice(colon + 1).trim();
    const problem = headerProblem(name, value);
    if (problem !== null) throw new UsageError(`--header "${h}": ${problem}; nothing was sent.`);
    headers[name] = value;
  }
  if (values.method !== undefined || values.header !== undefined || values.data !== undefined) {
    const method = values.method ?? (values.data !== undefined ? 'POST' : 'GET');
    const problem = methodProblem(method);
    if (problem !== null) throw new UsageError(`--method ${method}: ${problem}.`);
    args.request = { method: method.toUpperCase(), headers, ...(values.data !== undefined ? { body: values.data } : {}) };
  }
  return args;
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  usage: USAGE,
  async run(argv, io) {
    const args = parseDiagnoseArgs(argv);
    if (args.request?.body?.startsWith('@')) args.request = { ...args.request, body: await readBody(args.request.body.slice(1)) };
    const parsed = parseTarget(args.target);
    const term = terminal(io);
    const local = (): Promise<Report> => localDiagnosis(args, parsed, io);
    if (args.from.length === 0) {
      const report = await local();
      return print(args.vantageInfo ? { ...report, vantage: vantageInfo({ kind: 'local', name: 'local' }, null, describeSide(report.target.host)) } : report, parsed, args, io);
    }
    if (args.setup.extraCaFiles.length > 0 && args.from.some((f) => f.kind !== 'local')) term.warn('--ca applies on this machine only; other vantages use their own trust stores.');
    const log = args.verbose ? (m: string) => io.stderr(terminalLine(`netdiag: ${m}`)) : undefined;
    const reach = { ...runAtOptions(args.vantage, io, log), signal: io.signal, local, args: forwardedArgs(args) };
    const started = Date.now();
    const runs = await Promise.all(args.from.map((spec) => diagnoseAt(spec, args.target, reach)));
    if (runs.length === 1) {
      const [only] = runs;
      if (!only?.report) throw new VantageError('VANTAGE_FAILED', only?.error?.message ?? 'the vantage did not run');
      return print(only.report, parsed, args, io);
    }
    for (const run of runs) if (run.error) io.stderr(terminalLine(`netdiag: ${run.error.message}`));
    const comparison = compareVantages(parsed.target.input, runs, Date.now() - started);
    if (args.format === 'json') term.printJson(comparison);
    else term.print(renderComparisonText(comparison, term));
    if (runs.some((r) => r.error)) return 2;
    if (runs.some((r) => r.report?.cancelled)) return 130;
    return runs.some((r) => r.report && hasErrors(r.report.findings)) ? 1 : 0;
  },
};

/**
 * The diagnosis on this machine, in this process. The report comes at most one step timeout after
 * the last request; the probes still running then (Report.unfinished) are stopped once it is
 * returned, so the process ends with it.
 */
async function localDiagnosis(args: DiagnoseArgs, parsed: ReturnType<typeof parseTarget>, io: CliIo): Promise<Report> {
  const env = Object.fromEntries(PROXY_VARIABLES.map((n) => [n, io.env[n]]));
  const { options, warnings } = await prepareOptions({ ...args.setup, sslCertFile: io.env['SSL_CERT_FILE'], systemRoot: io.env['SystemRoot'], cacheDir: io.cacheDir ?? undefined, hostsFile: defaultHostsPath(process.platform, io.env['SystemRoot']) });
  for (const w of warnings) terminal(io).warn(w);
  const run = new AbortController();
  const stop = (): void => run.abort();
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    let report = await diagnose(parsed, {
      ...options,
      signal: run.signal,
      proxy: args.proxy === undefined ? { env } : { override: args.proxy, env },
      ...(args.request ? { request: args.request } : {}),
      ...(args.showSecrets ? { revealSecrets: true } : {}),
      // The engine redacts its log lines (redact.ts), revealed run or not.
      ...(args.verbose ? { log: (m: string) => io.stderr(terminalLine(`netdiag: ${m}`)) } : {}),
    });
    if (args.trace && !report.cancelled) {
      const { route, findings } = await traceRoute(traceTarget(report), { signal: io.signal, timeoutMs: DEFAULTS.traceTimeoutMs, maxHops: DEFAULTS.traceMaxHops, names: true });
      report = attachRoute(report, route, findings);
    }
    return report;
  } finally {
    io.signal.removeEventListener('abort', stop);
    run.abort();
  }
}

/** One report in the chosen format; the exit code from its findings. */
function print(report: Report, parsed: ReturnType<typeof parseTarget>, args: DiagnoseArgs, io: CliIo): number {
  const term = terminal(io);
  const reveal = { revealSecrets: args.showSecrets };
  switch (args.format) {
    case 'text':
      term.print([...renderText(report, term), ...renderPathText(report, term)]);
      break;
    case 'curl':
      term.print([toCurl(report, { ...(args.request ? { request: args.request } : {}), url: parsed.target.url, ...reveal })]);
      break;
    case 'markdown':
      term.print(exportReport(report, 'markdown', reveal).replace(/\n$/, '').split('\n'));
      break;
    default:
      io.stdout(exportReport(report, args.format, reveal));
  }
  if (report.cancelled || io.signal.aborted) return 130;
  return hasErrors(report.findings) ? 1 : 0;
}

/** The flags a vantage's own `netdiag diagnose` is given: the request and its limits, never local files. */
export function forwardedArgs(args: DiagnoseArgs): string[] {
  const out: string[] = [];
  const t = args.setup.timeouts;
  if (t?.dnsMs !== undefined) out.push('--timeout', String(t.dnsMs));
  for (const r of args.setup.dnsServers ?? []) out.push('--resolver', r);
  for (const r of args.setup.resolve ?? []) out.push('--resolve', r);
  if (args.setup.maxRedirects !== undefined) out.push('--max-redirects', String(args.setup.maxRedirects));
  if (args.setup.followRedirects === false) out.push('--no-follow');
  if (args.proxy === false) out.push('--no-proxy');
  else if (args.proxy !== undefined) out.push('--proxy', args.proxy);
  if (args.request) {
    out.push('--method', args.request.method);
    for (const [name, value] of Object.entries(args.request.headers)) out.push('--header', `${name}: ${value}`);
    if (args.request.body !== undefined) out.push('--data', args.request.body);
  }
  if (args.showSecrets) out.push('--show-secrets');
  if (args.trace) out.push('--trace');
  return out;
}

/** curl's `--data @FILE`. */
async function readBody(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--data @${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
