// argv → a command and the same SetupInput the extension builds from its settings. Pure.
import { parseArgs } from 'node:util';
import type { SetupInput } from '../engine/setup';

export class UsageError extends Error {}

export const USAGE = `Usage: netdiag <command> [options]

Commands:
  diagnose <target>     DNS, TCP to every address, TLS and HTTP for a URL, host:port or host

Options for diagnose:
  --json                    print the Report as JSON (docs/report.md)
  --resolver ADDR[:PORT]    DNS server for wire-level queries (repeatable; default: /etc/resolv.conf)
  --resolve HOST:ADDR       pin HOST to ADDR like curl --resolve; skips the system lookup (repeatable)
  --ca FILE                 extra trusted CA certificates, PEM (repeatable)
  --timeout MS              timeout of each step: DNS query, connect, TLS handshake, HTTP exchange
  --max-redirects N         follow at most N redirects (default 10)
  --no-follow               do not follow redirects
  --verbose                 log each probe to stderr
  --no-color                plain text even on a terminal

  -h, --help                this help
  -v, --version             the version

Exit codes: 0 no error finding, 1 an error finding, 2 bad usage or input, 130 interrupted.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'diagnose'; target: string; json: boolean; verbose: boolean; color: boolean | null; setup: Omit<SetupInput, 'sslCertFile'> };

export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        resolver: { type: 'string', multiple: true },
        resolve: { type: 'string', multiple: true },
        ca: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        'max-redirects': { type: 'string' },
        'no-follow': { type: 'boolean' },
        verbose: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('No command given. Try: netdiag diagnose https://example.com');
  if (command !== 'diagnose') throw new UsageError(`Unknown command "${command}". Try: netdiag --help`);
  if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'diagnose needs a target: a URL, host:port or host.' : `diagnose takes one target, got ${rest.length}.`);

  const setup: Omit<SetupInput, 'sslCertFile'> = {
    dnsServers: values.resolver ?? null,
    extraCaFiles: values.ca ?? [],
    resolve: values.resolve ?? [],
    followRedirects: !values['no-follow'],
  };
  if (values.timeout !== undefined) {
    const t = positiveInt(values.timeout, '--timeout');
    setup.timeouts = { dnsMs: t, connectMs: t, tlsMs: t, httpMs: t };
  }
  if (values['max-redirects'] !== undefined) setup.maxRedirects = positiveInt(values['max-redirects'], '--max-redirects', true);
  return {
    kind: 'diagnose',
    target: rest[0]!,
    json: values.json === true,
    verbose: values.verbose === true,
    color: values['no-color'] ? false : null,
    setup,
  };
}

function positiveInt(raw: string, flag: string, allowZero = false): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || (!allowZero && n === 0) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} takes a whole number${allowZero ? '' : ' above 0'}, got "${raw}".`);
  }
  return n;
}
