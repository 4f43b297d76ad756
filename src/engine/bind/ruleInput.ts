// What every bind rule reads: the linked model with its lookups built once (services by id, binds
// and published ports by service, who reaches a service), this machine's facts, and the one way a
// rule makes a finding — the catalogue's finding() plus the places in the files it is about.
import { finding, type FindingCode } from '../findings';
import type { BindFinding, BindModel, BindSite, ClientRef, LiveListener, LocalInterface, PublishedPort, QuickFix, Service, SourceRange } from './model';
import { unbracket } from '../address';
import { bindKind } from './values';

export interface RuleContext {
  /** This machine's interface addresses; null skips BIND_ADDRESS_NOT_LOCAL. */
  interfaces: readonly LocalInterface[] | null;
  /** Sockets listening now; null skips the live cross-check. */
  live: readonly LiveListener[] | null;
}

export interface RuleInput {
  model: Omit<BindModel, 'findings'>;
  ctx: RuleContext;
  services: ReadonlyMap<string, Service>;
  bindsOf: ReadonlyMap<string, BindSite[]>;
  publishedOf: ReadonlyMap<string, PublishedPort[]>;
}

/** A bind rule: the findings of one code for the whole model. */
export type BindRule = (input: RuleInput) => BindFinding[];

export function ruleInput(model: Omit<BindModel, 'findings'>, ctx: RuleContext): RuleInput {
  return {
    model,
    ctx,
    services: new Map(model.services.map((s) => [s.id, s])),
    bindsOf: groupBy(model.binds, (b) => b.service),
    publishedOf: groupBy(model.published, (p) => p.service),
  };
}

/** A catalogue finding placed at `range` in a config file. */
export function bindFinding(code: FindingCode, message: string, range: SourceRange, more: { related?: SourceRange[]; fix?: QuickFix | undefined; subject?: string | undefined } = {}): BindFinding {
  const f: BindFinding = { ...finding(code, message, more.subject), range, related: more.related ?? [] };
  if (more.fix) f.fix = more.fix;
  return f;
}

/** A service in a container of its own network: its loopback and ports are the container's. */
export function inContainer(input: RuleInput, id: string): boolean {
  const s = input.services.get(id);
  return s !== undefined && s.runtime === 'container' && !s.hostNetwork;
}

export function nameOf(input: RuleInput, id: string): string {
  return input.services.get(id)?.name ?? id;
}

/** Client references to `s` from other services. */
export function clientsTo(input: RuleInput, s: Service): ClientRef[] {
  return input.model.clients.filter((c) => c.service !== s.id && c.host === s.name);
}

/** A bind as people write it: `127.0.0.1:8080`, `(default address):80`. */
export function bindLabel(b: BindSite): string {
  return `${b.address ?? '(default address)'}${b.port !== null ? `:${b.port}` : ''}`;
}

export function knownPorts(input: RuleInput, s: Service): (number | null)[] {
  return [...(input.bindsOf.get(s.id) ?? []).map((b) => b.port), ...(input.publishedOf.get(s.id) ?? []).map((p) => p.containerPort)];
}

export function provides(input: RuleInput, s: Service, port: number): boolean {
  return knownPorts(input, s).includes(port);
}

/** Whether two bind addresses can take the same port (null, 0.0.0.0, :: and * cover the rest). */
export function overlaps(a: string | null, b: string | null): boolean {
  const ka = bindKind(a);
  const kb = bindKind(b);
  const wide = (k: string): boolean => k === 'all' || k === 'all-ipv4' || k === 'default';
  if (wide(ka) || wide(kb)) return true;
  const na = normalBind(a);
  const nb = normalBind(b);
  if (na === 'localhost' || nb === 'localhost') return ka === 'loopback' && kb === 'loopback';
  return na === nb;
}

/** A bind address compared as text: brackets off, lower case; '' for none. */
export function normalBind(a: string | null): string {
  return unbracket(a ?? '').toLowerCase();
}

export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
