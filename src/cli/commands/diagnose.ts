// netdiag diagnose <target>: the whole stack for one endpoint.
import { parseArgs } from 'node:util';
import { diagnose } from '../../engine/diagnose';
import { hasErrors } from '../../engine/findings';
import { prepareOptions, type SetupInput } from '../../engine/setup';
import { parseTarget } from '../../engine/target';
import { UsageError, type CliCommand } from '../command';
import { renderText } from '../text';

const USAGE = `Usage: netdiag diagnose <target> [options]

  <target>                  a URL (http, https, ws, wss, postgres, redis, smtp…), host:port, host or IP

Options:
  --json                    print the Report as JSON (docs/report.md)
  --resolver ADDR[:PORT]    DNS server for wire-level queries (repeatable; default: /etc/resolv.conf)
  --resolve HOST:ADDR       pin HOST to ADDR like curl --resolve; skips the system lookup (repeatable)
  --ca FILE                 extra trusted CA certificates, PEM (repeatable)
  --timeout MS              timeout of each step: DNS query, connect, TLS handshake, HTTP exchange
  --max-redirects N         follow at most N redirects (default 10)
  --no-follow               do not follow redirects
  --verbose                 log each probe to stderr
  --no-color                plain text even on a terminal`;

export interface DiagnoseArgs {
  target: string;
  json: boolean;
  verbose: boolean;
  setup: Omit<SetupInput, 'sslCertFile'>;
}

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
    const t = wholeNumber(values.timeout, '--timeout');
    setup.timeouts = { dnsMs: t, connectMs: t, tlsMs: t, httpMs: t };
  }
  if (values['max-redirects'] !== undefined) setup.maxRedirects = wholeNumber(values['max-redirects'], '--max-redirects', true);
  return { target: positionals[0]!, json: values.json === true, verbose: values.verbose === true, setup };
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary: 'DNS, TCP to every address, TLS and HTTP for a URL, host:port or host',
  usage: USAGE,
  async run(argv, io) {
    const args = parseDiagnoseArgs(argv);
    const parsed = parseTarget(args.target);
    const { options, warnings } = await prepareOptions({ ...args.setup, sslCertFile: io.env['SSL_CERT_FILE'] });
    for (const w of warnings) io.stderr(`netdiag: warning: ${w}\n`);
    const report = await diagnose(parsed, {
      ...options,
      signal: io.signal,
      ...(args.verbose ? { log: (m: string) => io.stderr(`netdiag: ${m}\n`) } : {}),
    });
    io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, io.color));
    if (report.cancelled) return 130;
    return hasErrors(report.findings) ? 1 : 0;
  },
};

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs in strict mode, with its errors turned into one-line usage errors. */
export function parseStrict<T extends NonNullable<OptionSpec>>(argv: readonly string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
}

/** A whole number for a flag; 0 only when allowed. */
export function wholeNumber(raw: string, flag: string, allowZero = false): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || (!allowZero && n === 0) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} takes a whole number${allowZero ? '' : ' above 0'}, got "${raw}".`);
  }
  return n;
}
