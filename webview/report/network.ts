// Connections (every address tried) and DNS (the system answer, each resolver's wire answer,
// the CNAME chain).
import type { DnsResult } from '../../src/engine/model/dns';
import type { ClassifiedAddress, ConnectionResult, InternetInfo, LinkInfo, TargetInfo } from '../../src/engine/model/report';
import { facts, h, icon, section, srOnly, table, toneIcon } from './dom';
import type { Child } from './dom';
import { endpoint, formatMs } from './format';

function result(ok: boolean, text: string): HTMLElement {
  return h('span', { class: `result status-${ok ? 'ok' : 'fail'}` }, toneIcon(ok ? 'pass-filled' : 'error', ok ? 'ok' : 'fail'), srOnly(ok ? 'OK: ' : 'Failed: '), ` ${text}`);
}

export function renderConnections(connections: readonly ConnectionResult[], internet: InternetInfo, link: LinkInfo | null, target: TargetInfo): HTMLElement | null {
  if (connections.length === 0 && !link) return null;
  const carried = [target.tls ? 'TLS' : null, target.application === 'http' ? 'HTTP' : null].filter(Boolean).join(' and ');
  const classOf = (address: string): ClassifiedAddress | undefined => internet.remote.find((r) => r.address === address);
  const rows: Child[][] = connections.map((c) => [
    h('span', { class: 'mono' }, endpoint(c.address, c.port)),
    h('span', { attrs: { title: classOf(c.address)?.description ?? '' } }, `IPv${c.family}${classOf(c.address) ? `, ${classOf(c.address)?.class}` : ''}`),
    c.ok ? result(true, 'connected') : result(false, c.error ? `${c.error.code}: ${c.error.message}` : 'failed'),
    formatMs(c.durationMs),
    c.localAddress !== undefined ? h('span', { class: 'mono' }, endpoint(c.localAddress, c.localPort ?? 0).replace(/:0$/, '')) : '',
    c.used ? h('span', { class: 'used' }, icon('arrow-right'), carried ? ` carried ${carried}` : ' used') : '',
  ]);
  const local = internet.local;
  return section(
    'connections',
    'Connections',
    link
      ? facts([
          ['Local address', h('span', { class: 'mono' }, link.localAddress)],
          ['Interface', link.interface ? `${link.interface.name}${link.interface.internal ? ' (loopback)' : ''}` : 'none owns this address'],
          ['Local class', local ? local.description : null],
        ])
      : null,
    rows.length > 0 ? table('TCP connections to every address', ['Address', 'Family', 'Result', 'Time', 'Local', ''], rows, [0, 3, 4, 5]) : null,
  );
}

export function renderDns(dns: DnsResult | null, target: TargetInfo): HTMLElement | null {
  if (!dns) return null;
  const sys = dns.system;
  const systemText: Child = sys.skipped === 'pinned'
    ? 'Skipped: the name is pinned'
    : sys.skipped === 'ip-literal'
      ? 'Skipped: IP address given'
      : sys.error
        ? result(false, `${sys.error.code}: ${sys.error.message}`)
        : sys.addresses.length > 0
          ? h('span', { class: 'mono' }, sys.addresses.map((a) => a.address).join(', '))
          : result(false, 'no addresses');
  const chain = dns.cnameChain.length > 0
    ? h('ol', { class: 'cname-chain', attrs: { 'aria-label': 'CNAME chain' } }, h('li', { class: 'mono' }, target.host), ...dns.cnameChain.map((c) => h('li', { class: 'mono' }, icon('arrow-right', 'chain-arrow'), ` ${c.target} `, h('span', { class: 'muted' }, `(TTL ${c.ttl} s)`))))
    : null;
  const wireRows: Child[][] = dns.wire.map((q) => [
    h('span', { class: 'mono' }, q.server),
    q.type,
    q.rcode === null ? result(false, q.error ? `${q.error.code}: ${q.error.message}` : 'no answer') : q.rcode === 'NOERROR' ? result(true, q.rcode) : result(false, q.rcode),
    q.answers.length > 0 ? h('ul', { class: 'answers' }, ...q.answers.map((a) => h('li', { class: 'mono' }, `${a.name} ${a.ttl} ${a.type} ${a.data}`))) : h('span', { class: 'muted' }, 'none'),
    `${q.transport.toUpperCase()}${q.truncated ? ' (truncated UDP, retried)' : ''}${q.authoritative ? ', authoritative' : ''}`,
    formatMs(q.durationMs),
  ]);
  return section(
    'dns',
    'DNS',
    facts([
      ['System resolver', systemText],
      ['Lookup time', sys.skipped ? null : formatMs(sys.durationMs)],
      ['Pinned', dns.pinned ? h('span', { class: 'mono' }, dns.pinned.map((a) => a.address).join(', ')) : null],
    ]),
    chain ? h('h3', null, 'CNAME chain') : null,
    chain,
    h('h3', null, 'DNS servers asked directly'),
    wireRows.length > 0
      ? table('Answers of each DNS server', ['Server', 'Type', 'Result', 'Answers', 'Transport', 'Time'], wireRows, [0, 5])
      : h('p', { class: 'muted' }, target.host === 'localhost' || target.host.endsWith('.localhost') ? 'None: names under localhost are never sent to DNS servers (RFC 6761).' : 'None asked.'),
  );
}
