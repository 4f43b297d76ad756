// The timing waterfall: each step as a bar placed by its start and duration on one time axis.
// Critical-path steps and the ones that ran beside them differ in colour and in pattern (not
// colour alone), and every row states its timing in text for screen readers.
import type { WaterfallEntry } from '../../src/engine/model/report';
import { h, section, srOnly } from './dom';
import { formatMs } from './format';

export function renderWaterfall(entries: readonly WaterfallEntry[], complete: boolean): HTMLElement {
  if (entries.length === 0) {
    return section('waterfall', 'Timing', h('p', { class: 'muted' }, complete ? 'No timed steps.' : 'Timings appear as each step ends.'));
  }
  const end = Math.max(...entries.map((e) => e.startMs + e.durationMs), 1);
  const legend = h(
    'p',
    { class: 'legend', attrs: { 'aria-hidden': 'true' } },
    h('span', { class: 'swatch critical' }),
    ' critical path (DNS → connect → TLS → HTTP)',
    h('span', { class: 'swatch beside' }),
    ' beside it (other addresses, resolvers)',
  );
  const axis = h('div', { class: 'wf-row wf-axis', attrs: { 'aria-hidden': 'true' } }, h('span', { class: 'wf-label' }), h('span', { class: 'wf-track' }, h('span', { class: 'wf-tick start' }, '0'), h('span', { class: 'wf-tick end' }, formatMs(end))), h('span', { class: 'wf-ms' }));
  const list = h('ol', { class: 'waterfall', attrs: { 'aria-label': `Timing of each step, ${formatMs(end)} in all` } });
  entries.forEach((e, i) => {
    const bar = h('span', { class: `wf-bar phase-${e.phase} ${e.critical ? 'critical' : 'beside'}` });
    // CSSOM writes are allowed by the CSP (no inline style attribute is parsed).
    bar.style.left = `${(e.startMs / end) * 100}%`;
    bar.style.width = `max(2px, ${(e.durationMs / end) * 100}%)`;
    list.append(
      h(
        'li',
        { class: `wf-row ${e.critical ? 'critical' : 'beside'}`, attrs: { 'data-testid': `waterfall-${i}`, 'data-phase': e.phase, 'data-critical': String(e.critical) } },
        h('span', { class: 'wf-label', attrs: { title: e.label } }, e.label),
        h('span', { class: 'wf-track', attrs: { 'aria-hidden': 'true' } }, bar),
        h('span', { class: 'wf-ms' }, formatMs(e.durationMs)),
        srOnly(`, starts at ${formatMs(e.startMs)}${e.critical ? ', on the critical path' : ', beside the critical path'}`),
      ),
    );
  });
  return section('waterfall', 'Timing', legend, axis, list);
}
