// Connections: every address tried, with the local interface that carried the one used.
import type { ClassifiedAddress, ConnectionResult, InternetInfo, LinkInfo, TargetInfo } from '../../src/engine/model/report';
import { facts, h, icon, result, section, table } from './dom';
import type { Child } from './dom';
import { endpoint, formatMs } from './format';

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
    c.used ? h('span', { class: 'used' }, icon('arrow-right'), carried ? ` carried ${carried}` : ' used') : c.dnsOnly ? 'only DNS gives it: what other clients get' : '',
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
