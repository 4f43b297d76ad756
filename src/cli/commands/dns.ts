// netdiag dns <name>: records of any type with every section and flag, the trace from the root,
// the system resolver explained and resolvers side by side (docs/dns.md).
import { DnsInputError, lookupDns } from '../../engine/dns/lookup';
import { parseDnsServer } from '../../engine/dns/servers';
import { hasErrors } from '../../engine/findings';
import { DEFAULT_TIMEOUTS, LIMITS, type DnsServer } from '../../engine/options';
import { dnsLookupOptions } from '../../engine/setup';
import { numberOption, parseStrict } from '../args';
import { UsageError, type CliCommand } from '../command';
import { renderDnsText } from '../dnsText';
import { terminal } from '../terminal';

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
  --no-color                plain text even on a terminal`;

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
  };
}

export const dnsCommand: CliCommand = {
  name: 'dns',
  usage: USAGE,
  async run(argv, io) {
    const args = parseDnsArgs(argv);
    const opts = dnsLookupOptions(
      { types: args.types, servers: args.servers, timeoutMs: args.timeoutMs, trace: args.trace && { roots: args.roots }, explainSystem: args.system, compareWith: args.compare, tcp: args.tcp, dnssecOk: args.dnssec, authoritative: args.authoritative },
      io.signal,
    );
    let result;
    try {
      result = await lookupDns(args.name, opts);
    } catch (err) {
      if (err instanceof DnsInputError) throw new UsageError(err.message);
      throw err;
    }
    const term = terminal(io);
    if (args.json) term.printJson(result);
    else term.print(renderDnsText(result, term));
    if (result.cancelled) return 130;
    return hasErrors(result.findings) ? 1 : 0;
  },
};
