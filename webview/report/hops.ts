// The hop diagram: the path of the connection left to right (client interface, name and CNAMEs,
// address, TLS terminator, redirects, server). An ordered list, so it reads in order without
// the picture; it wraps on narrow panels.
import type { Hop } from '../../src/engine/model/common';
import { h, icon, section, srOnly, toneIcon } from './dom';
import { formatMs, HOP_ICONS, HOP_TITLES, statusLook } from './format';

export function renderHops(hops: readonly Hop[]): HTMLElement {
  if (hops.length === 0) return section('hops', 'Path', h('p', { class: 'muted' }, 'The path appears as the probes run.'));
  return section('hops', 'Path', hopList(hops));
}

/** The hops as an ordered list of cards (the report's Path, and each vantage of a comparison). */
export function hopList(hops: readonly Hop[]): HTMLOListElement {
  const list = h('ol', { class: 'hops', attrs: { 'aria-label': 'Hops of the connection, in order' } });
  hops.forEach((hop, i) => {
    const look = statusLook(hop.status);
    const item = h(
      'li',
      { class: `hop status-${hop.status}`, attrs: { 'data-testid': `hop-${i}`, 'data-kind': hop.kind, 'data-status': hop.status } },
      h(
        'div',
        { class: 'hop-card' },
        h('div', { class: 'hop-kind' }, icon(HOP_ICONS[hop.kind]), ` ${HOP_TITLES[hop.kind]}`, toneIcon(look.icon, hop.status, 'hop-status'), srOnly(`, ${look.label}`)),
        h('div', { class: 'hop-label' }, hop.label),
        hop.address !== undefined && !hop.label.includes(hop.address) ? h('div', { class: 'hop-address' }, hop.address) : null,
        hop.detail !== undefined ? h('div', { class: 'hop-detail' }, hop.detail) : null,
        hop.durationMs !== undefined ? h('div', { class: 'hop-time' }, icon('clock'), ` ${formatMs(hop.durationMs)}`) : null,
      ),
    );
    if (i < hops.length - 1) item.append(icon('arrow-right', 'hop-arrow'));
    list.append(item);
  });
  return list;
}
