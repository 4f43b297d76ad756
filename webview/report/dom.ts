// A small element builder. Text always becomes text nodes: network text (names, subjects,
// headers) never goes through an HTML parser.
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Attribute values are set with setAttribute, never parsed as markup. */
  attrs?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props?.class) el.className = props.class;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) el.setAttribute(name, value);
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A decorative codicon; meaning is always given in text next to it. */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

export type Tone = 'ok' | 'warn' | 'fail' | 'skipped' | 'pending' | 'info';

/** A status icon coloured by its tone (spinning while pending); its meaning is said in text too. */
export function toneIcon(name: string, tone: Tone, extraClass = ''): HTMLSpanElement {
  return icon(name, `status-icon tone-${tone}${tone === 'pending' ? ' codicon-modifier-spin' : ''}${extraClass ? ` ${extraClass}` : ''}`);
}

/** An outcome the engine decided, in words: a pass or a failure. */
export function result(ok: boolean, text: string): HTMLElement {
  return h('span', { class: `result status-${ok ? 'ok' : 'fail'}` }, toneIcon(ok ? 'pass-filled' : 'error', ok ? 'ok' : 'fail'), srOnly(ok ? 'OK: ' : 'Failed: '), ` ${text}`);
}

/** Text for screen readers only. */
export function srOnly(text: string): HTMLSpanElement {
  return h('span', { class: 'sr-only' }, text);
}

/** A section with a heading, labelled by it. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  const headingId = `${id}-heading`;
  return h('section', { class: 'section', attrs: { id, 'data-testid': id, 'aria-labelledby': headingId } }, h('h2', { attrs: { id: headingId } }, title), ...children);
}

/**
 * A table with a header row, scrolling sideways when the panel is narrow. Columns listed in
 * `nowrap` (addresses, times) keep to one line.
 */
export function table(caption: string, headers: readonly string[], rows: readonly Child[][], nowrap: readonly number[] = []): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'grid' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, ...headers.map((t) => h('th', { attrs: { scope: 'col' } }, t)))),
      h('tbody', null, ...rows.map((cells) => h('tr', null, ...cells.map((c, i) => h('td', nowrap.includes(i) ? { class: 'nowrap' } : null, c))))),
    ),
  );
}

/** A definition list of label → value pairs, skipping empty values. */
export function facts(pairs: readonly [string, Child][]): HTMLDListElement {
  const dl = h('dl', { class: 'facts' });
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === false || value === '') continue;
    dl.append(h('dt', null, label), h('dd', null, value));
  }
  return dl;
}
