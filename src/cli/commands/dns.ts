// netdiag dns <name>: records of any type with every section and flag, the trace from the root,
// the system resolver explained and resolvers side by side (docs/dns.md).
import { DnsInputError, lookupDns } from '../../engine/dns/lookup';
import { parseDnsServer } from '../../engine/dns/servers';
import { hasErrors } from '../../engine/findings';
import { DEFAULT_TIMEOUTS, LIMITS, type DnsServer } from '../../engine/options';
import { dnsLookupOptions } from '../../engine/setup';
import type { DnsLookupResult } from '../../engine/model/dns';
import type { VantageSpec } from '../../engine/vantage/spec';
import { numberOption, parseStrict } from '../args';
import { UsageError, type CliCommand } from '../command';
import { renderDnsText } from '../dnsText';
import { terminal } from '../terminal';
import { fromEach, parseFrom, printSides, VANTAGE_OPTIONS, VANTAGE_USAGE, withoutVantageFlags, type VantageValues } from '../vantageArgs';

const USAGE = `Usage: netdiag dns <name|IP> [options]

  <name|IP>                 a DNS name, or an IP address (asks its PTR record)

Options:
  --type T                  record type (repeatable): A AAAA CNAME NS SOA MX TXT SRV CAA PTR HTTPS SVCB DS DNSKEY
                            (default A and AAAA; PTR for an IP)
  --server ADDR[:PORT]      recursive resolver (repeatable, tried in order; default: /etc/resolv.conf)
  --tcp                     ask over TCP only
  --dnssec                  set the DNSSEC OK bit
  --trace                   resolve iteratively from the root servers and show every hop
  --root ADDR[:PORT]        root server for --trace (repeatable; default IANA's root hints);
                            its port is used for every server of the trace
  --authoritative           ask every authoritative server of the zone directly (SOA serials, NS sets)
  --compare ADDR[:PORT]     another resolver to compare with (repeatable), e.g. a public one
  --no-system               do not explain the system resolver (hosts file, search list)
  --timeout MS              timeout of each query (default ${DEFAULT_TIMEOUTS.dnsMs})
  --json                    print the result as JSON (docs/report.md, "netdiag dns --json")
  --no-color                plain text even on a terminal
${VANTAGE_USAGE}

With --from, the lookup runs there, with that side's resolvers and hosts file; --json then prints
{vantages: [{vantage, result, error?}]}.`;

export interface DnsArgs {
  name: string;
  json: boolean;
  types: string[];
  /** Empty: the system's resolvers. */
  servers: DnsServer[];
  tcp: boolean;
  dnssec: boolean;
  trace: boolean;
  roots: DnsServer[];
  authoritative: boolean;
  compare: DnsServer[];
  system: boolean;
  timeoutMs: number;
  from: VantageSpec[];
  vantage: VantageValues;
}

function servers(specs: readonly string[] | undefined, flag: string): DnsServer[] {
  return (specs ?? []).map((s) => {
    try {
      return parseDnsServer(s);
    } catch (err) {
      throw new UsageError(`${flag}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

export function parseDnsArgs(argv: readonly string[]): DnsArgs {
  const { values, positionals } = parseStrict(argv, {
    json: { type: 'boolean' },
    type: { type: 'string', multiple: true },
    server: { type: 'string', multiple: true },
    tcp: { type: 'boolean' },
    dnssec: { type: 'boolean' },
    trace: { type: 'boolean' },
    root: { type: 'string', multiple: true },
    authoritative: { type: 'boolean' },
    compare: { type: 'string', multiple: true },
    'no-system': { type: 'boolean' },
    timeout: { type: 'string' },
    ...VANTAGE_OPTIONS,
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'dns needs a name or an IP address.' : `dns takes one name, got ${positionals.length}.`);
  const roots = servers(values.root, '--root');
  if (new Set(roots.map((r) => r.port)).size > 1) throw new UsageError('--root: every root must use the same port (it is used for every server of the trace).');
  return {
    name: positionals[0]!,
    json: values.json === true,
    types: (values.type ?? []).flatMap((t) => t.split(',')).filter((t) => t !== ''),
    servers: servers(values.server, '--server'),
    tcp: values.tcp === true,
    dnssec: values.dnssec === true,
    trace: values.trace === true || roots.length > 0,
    roots,
    authoritative: values.authoritative === true,
    compare: servers(values.compare, '--compare'),
    system: values['no-system'] !== true,
    timeoutMs: values.timeout === undefined ? DEFAULT_TIMEOUTS.dnsMs : numberOption(values.timeout, '--timeout', LIMITS.timeoutMs),
    from: parseFrom(values),
    vantage: values,
  };
}

export const dnsCommand: CliCommand = {
  name: 'dns',
  usage: USAGE,
  async run(argv, io) {
    const args = parseDnsArgs(argv);
    const local = async (): Promise<DnsLookupResult> => {
      const opts = dnsLookupOptions(
        { types: args.types, servers: args.servers, timeoutMs: args.timeoutMs, trace: args.trace && { roots: args.roots }, explainSystem: args.system, compareWith: args.compare, tcp: args.tcp, dnssecOk: args.dnssec, authoritative: args.authoritative },
        io.signal,
      );
      try {
        return await lookupDns(args.name, opts);
      } catch (err) {
        if (err instanceof DnsInputError) throw new UsageError(err.message);
        throw err;
      }
    };
    const term = terminal(io);
    const exitOf = (r: DnsLookupResult): number => (r.cancelled ? 130 : hasErrors(r.findings) ? 1 : 0);
    if (args.from.length === 0) {
      const result = await local();
      if (args.json) term.printJson(result);
      else term.print(renderDnsText(result, term));
      return exitOf(result);
    }
    const isLookup = (json: unknown): json is DnsLookupResult => (json as { kind?: unknown } | null)?.kind === 'dns-lookup';
    const sides = await fromEach(args.from, ['dns', ...withoutVantageFlags(argv), '--json'], isLookup, local, args.vantage, io);
    if (args.json) {
      term.printJson({ vantages: sides });
      return sides.some((s) => s.error) ? 2 : Math.max(0, ...sides.map((s) => (s.result ? exitOf(s.result) : 0)));
    }
    return printSides(sides, (r) => renderDnsText(r, term), exitOf, io, term);
  },
};
