// The name lookup as the application-layer exchange it is, ahead of the connection: what
// answered the system resolver (a hosts-file line, the resolvers of resolv.conf over UDP or TCP,
// pinned addresses), its own layers, and Netdiag's wire queries beside it. Its status comes from
// the DNS findings (layer `dns`), so a name that does not resolve breaks here, not at the
// internet layer. Pure.
import { isIP } from 'node:net';
import type { DnsProbe } from '../dns/hops';
import { findHostsEntries, parseNsswitchHosts } from '../dns/systemResolver';
import { parseResolvConf } from '../dns/servers';
import type { Finding, LayerStatus } from '../model/common';
import type { TargetInfo } from '../model/report';
import type { DnsExchange, StackCell } from '../model/stack';
import type { ResolverFiles } from './facts';

export interface DnsExchangeInput {
  target: TargetInfo;
  /** Null for an IP literal and through a proxy. */
  dns: DnsProbe | null;
  /** The system resolver's files, once read (after the exchange). */
  resolver?: ResolverFiles;
  findings: readonly Finding[];
  addressesKnown: boolean;
  finished: boolean;
  cancelled: boolean;
}

/** glibc asks at most three nameservers (resolv.conf(5), MAXNS). */
const MAXNS = 3;

function ownStatus(input: DnsExchangeInput, found: boolean): LayerStatus {
  const mine = input.findings.filter((f) => f.layer === 'dns');
  if (mine.some((f) => f.severity === 'error')) return 'fail';
  if (!input.addressesKnown) return input.finished ? 'skipped' : 'pending';
  if (!found) return 'fail';
  return mine.some((f) => f.severity === 'warning') ? 'warn' : 'ok';
}

export function dnsExchange(input: DnsExchangeInput): DnsExchange | null {
  const { dns, target } = input;
  if (dns === null || target.ipFamily !== null) return null;
  const name = target.host;
  const sys = dns.system;
  const addresses = (dns.pinned ?? sys.addresses).map((a) => a.address);
  const found = addresses.length > 0;
  const files = input.resolver;
  const conf = files?.resolvConf ? parseResolvConf(files.resolvConf.text) : null;
  const tcp = conf?.options.some((o) => o === 'use-vc' || o === 'tcp') === true;
  const resolvers = (conf?.nameservers ?? []).slice(0, MAXNS).map((server) => ({ server, transport: tcp ? ('tcp' as const) : ('udp' as const) }));
  const order = files?.nsswitch ? parseNsswitchHosts(files.nsswitch.text) : null;
  const filesFirst = order === null || (order.includes('files') && (!order.includes('dns') || order.indexOf('files') < order.indexOf('dns')));
  const hostsEntry = files?.hosts && filesFirst ? findHostsEntries(files.hosts.text, files.hosts.path, name)[0] : undefined;

  let source: DnsExchange['source'];
  if (dns.pinned) source = 'pinned';
  else if (!found) source = input.addressesKnown ? 'none' : 'system';
  else if (hostsEntry) source = 'hosts';
  else if (resolvers.length > 0) source = 'dns';
  else source = 'system';

  const list = addresses.join(', ');
  const first = resolvers[0];
  const cells: StackCell[] = [];
  let how: string;
  switch (source) {
    case 'pinned':
      how = 'pinned with --resolve, no lookup';
      cells.push({ layer: 'application', text: `--resolve ${name} → ${list}` }, { layer: 'transport', text: 'none: no packet, the addresses were given' });
      break;
    case 'hosts':
      how = `from ${hostsEntry!.path} line ${hostsEntry!.line}`;
      cells.push({ layer: 'application', text: `hosts file ${hostsEntry!.path} line ${hostsEntry!.line}: ${hostsEntry!.text}` }, { layer: 'transport', text: 'none: answered on this machine, no packet sent' });
      break;
    case 'dns':
      how = `from the resolver ${first!.server} over ${first!.transport.toUpperCase()}`;
      cells.push(
        { layer: 'application', text: `DNS A/AAAA ${name} → ${list}` },
        { layer: 'transport', text: `${first!.transport.toUpperCase()} to port 53 of ${resolvers.map((r) => r.server).join(', ')}` },
        { layer: 'internet', text: `IPv${isIP(first!.server) === 6 ? 6 : 4} to ${first!.server}` },
      );
      break;
    case 'system':
      how = 'the system resolver';
      if (found) cells.push({ layer: 'application', text: `getaddrinfo ${name} → ${list}` });
      break;
    case 'none':
      how = 'no answer';
      cells.push({ layer: 'application', text: `getaddrinfo ${name}: ${sys.error ? `${sys.error.code}, ${sys.error.message}` : 'no address'}` });
      break;
  }
  const queries = dns.wire.map((q) => {
    const answers = q.answers.filter((a) => a.type === q.type).map((a) => a.data);
    const outcome = q.rcode === null ? (q.error?.code ?? 'no answer') : `${q.rcode}${answers.length > 0 ? `, ${answers.join(', ')}` : q.rcode === 'NOERROR' ? ', no records' : ''}`;
    return `${q.type} ${name} @${q.server} over ${q.transport.toUpperCase()} → ${outcome}, ${q.durationMs} ms`;
  });
  const time = sys.skipped ? '' : `, ${sys.durationMs} ms`;
  const wire = dns.wire.length > 0 ? `; ${dns.wire.filter((q) => q.status === 'ok').length} of ${dns.wire.length} wire queries answered` : '';
  const status = ownStatus(input, found);
  const summary =
    status === 'pending' ? `Looking up ${name}…` : status === 'skipped' && !found ? (input.cancelled ? 'Cancelled before the lookup ended' : `${name} was not looked up`) : found ? `${name} → ${list} (${how}${time})${wire}` : `${name} did not resolve (${sys.error?.code ?? 'no address'})${wire}`;
  const out: DnsExchange = { name, status, summary, source, resolvers, cells, queries };
  if (hostsEntry && source === 'hosts') out.hostsEntry = hostsEntry;
  return out;
}
