// Rules about ports on the host side: an internal service published on every interface, a
// published port the app does not listen on, and two things that want the same host port.
import type { BindFinding, BindModel, PublishedPort, Service, SourceRange } from '../model';
import { bindFinding, groupBy, inContainer, nameOf, overlaps, unique, type RuleInput } from '../ruleInput';
import { bindKind } from '../values';

/** Ports of services that should not face every network: data stores, brokers, admin and debug ports. */
const INTERNAL_PORTS = new Map<number, string>([
  [2375, 'the Docker API'], [2376, 'the Docker API'], [3306, 'MySQL'], [5432, 'PostgreSQL'], [6379, 'Redis'], [27017, 'MongoDB'],
  [9200, 'Elasticsearch'], [9300, 'Elasticsearch'], [11211, 'memcached'], [5672, 'RabbitMQ'], [15672, 'the RabbitMQ admin UI'],
  [5984, 'CouchDB'], [8086, 'InfluxDB'], [9042, 'Cassandra'], [2181, 'ZooKeeper'], [9092, 'Kafka'], [1433, 'SQL Server'],
  [9229, 'the Node.js inspector'], [5005, 'a Java debugger (JDWP)'], [5678, 'debugpy'], [4222, 'NATS'], [8500, 'Consul'],
]);

/** BIND_ALL_INTERFACES_EXPOSED: an internal service on every host interface. */
export function allInterfacesExposed(input: RuleInput): BindFinding[] {
  const out: BindFinding[] = [];
  for (const p of input.model.published) {
    const exposedEverywhere = p.origin.startsWith('ports') && (p.hostIp === null || bindKind(p.hostIp) === 'all' || bindKind(p.hostIp) === 'all-ipv4');
    const what = INTERNAL_PORTS.get(p.containerPort);
    const bindsAll = (input.bindsOf.get(p.service) ?? []).filter((b) => b.port === null || b.port === p.containerPort).every((b) => b.kind !== 'loopback');
    if (!exposedEverywhere || what === undefined || !bindsAll || !inContainer(input, p.service)) continue;
    const fixable = p.origin === 'ports' && p.hostPort !== null;
    out.push(
      bindFinding(
        'BIND_ALL_INTERFACES_EXPOSED',
        `"${nameOf(input, p.service)}" (${what}) listens on every interface in its container and is published on every interface of the host (${p.hostPort ?? 'a random port'} → ${p.containerPort}). Anyone who can reach this machine can connect — Docker's published ports bypass host firewalls such as ufw. If only this machine needs it (development), publish it on loopback; if other containers need it, they reach it by service name without publishing.`,
        p.source,
        {
          fix: fixable ? { title: `Publish on 127.0.0.1 only (127.0.0.1:${p.hostPort}:${p.containerPort})`, edits: [{ range: { ...p.source, end: p.source.start, endLine: p.source.line, endColumn: p.source.column }, newText: '127.0.0.1:' }] } : undefined,
          subject: `${p.hostPort ?? ''}:${p.containerPort}`,
        },
      ),
    );
  }
  return out;
}

/** BIND_PORT_MISMATCH: a published (or probed, or Service target) port the app does not listen on. */
export function portMismatch(input: RuleInput): BindFinding[] {
  const out: BindFinding[] = [];
  for (const p of input.model.published) {
    if (!(p.origin.startsWith('ports') || p.origin.endsWith('Probe') || p.origin === 'Service port')) continue;
    const ownBinds = input.bindsOf.get(p.service) ?? [];
    const targets = p.origin === 'Service port' ? selectedPorts(p, input.model, input.services) : ownBinds.map((b) => b.port);
    const known = targets.filter((n): n is number => n !== null);
    if (known.length === 0 || targets.includes(null) || known.includes(p.containerPort)) continue;
    const how = p.origin === 'Service port' ? `sends Service port ${p.hostPort} to targetPort ${p.containerPort}` : p.origin.endsWith('Probe') ? `is probed (${p.origin}) on port ${p.containerPort}` : `is published as ${p.hostPort ?? '(random)'} → ${p.containerPort}`;
    out.push(
      bindFinding(
        'BIND_PORT_MISMATCH',
        `"${nameOf(input, p.service)}" ${how}, but the app listens on ${unique(known).join(', ')}. Traffic arrives on a port where nothing listens: "connection refused", or a reset from the container runtime. The published (container-side) port must be the port the app binds.`,
        p.source,
        { related: ownBinds.map((b) => b.source), subject: String(p.containerPort) },
      ),
    );
  }
  return out;
}

/** BIND_PORT_CONFLICT: two things want the same host port on overlapping addresses. */
export function portConflict(input: RuleInput): BindFinding[] {
  const hostSide: { port: number; protocol: string; address: string | null; service: string; source: SourceRange; what: string }[] = [];
  for (const p of input.model.published) {
    if (p.origin.startsWith('ports') && p.hostPort !== null) hostSide.push({ port: p.hostPort, protocol: p.protocol, address: p.hostIp, service: p.service, source: p.source, what: `published by "${nameOf(input, p.service)}"` });
  }
  for (const b of input.model.binds) {
    if (b.port !== null && !inContainer(input, b.service)) hostSide.push({ port: b.port, protocol: b.protocol, address: b.address, service: b.service, source: b.source, what: `bound by "${nameOf(input, b.service)}" (${b.origin})` });
  }
  const byPort = groupBy(hostSide, (h) => `${h.protocol}/${h.port}`);
  const out: BindFinding[] = [];
  for (const group of byPort.values()) {
    for (let i = 1; i < group.length; i++) {
      const h = group[i]!;
      const other = group.slice(0, i).find((o) => o.service !== h.service && overlaps(o.address, h.address) && canRunTogether(input.services.get(o.service), input.services.get(h.service)));
      if (!other) continue;
      out.push(
        bindFinding(
          'BIND_PORT_CONFLICT',
          `Port ${h.port}/${h.protocol} is ${h.what} and also ${other.what} (${other.source.file}:${other.source.line + 1}), on overlapping addresses (${other.address ?? 'all'} and ${h.address ?? 'all'}). Only one socket can listen there: whichever starts second fails with "address already in use" (EADDRINUSE).${whenTogether(input.services.get(other.service), input.services.get(h.service))}`,
          h.source,
          { related: [other.source], subject: String(h.port) },
        ),
      );
    }
  }
  return out;
}

/** The ports of the pods a Kubernetes Service selects (the containers sharing its folders). */
function selectedPorts(p: PublishedPort, model: Omit<BindModel, 'findings'>, services: ReadonlyMap<string, Service>): (number | null)[] {
  const svc = services.get(p.service);
  if (!svc) return [];
  const pods = model.services.filter((s) => s.runtime === 'container' && s.dirs.some((d) => svc.dirs.includes(d)));
  const ids = new Set(pods.map((s) => s.id));
  return [...model.published.filter((x) => ids.has(x.service) && x.origin === 'containerPort').map((x) => x.containerPort), ...model.binds.filter((b) => ids.has(b.service)).map((b) => b.port)];
}

/**
 * Whether two services can run at the same time. Compose services whose profiles do not meet are
 * alternatives (`--profile dev` or `--profile prod`); a service without profiles always starts.
 * A base that a service `extends` from another file is a template: that file is read for the
 * base's settings, not run beside it.
 */
function canRunTogether(a: Service | undefined, b: Service | undefined): boolean {
  const template = (x: Service | undefined, base: Service | undefined): boolean => x?.extends !== undefined && x.extends.service === base?.id && x.extends.file !== x.source?.file;
  if (template(a, b) || template(b, a)) return false;
  if (!a?.profiles || !b?.profiles) return true;
  return a.profiles.some((p) => b.profiles?.includes(p));
}

/** When Compose profiles gate one or both services: which profiles start them together. */
function whenTogether(a: Service | undefined, b: Service | undefined): string {
  const profiles = (names: readonly string[]): string => `the profile${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;
  if (a?.profiles && b?.profiles) return ` Both start with ${profiles(a.profiles.filter((p) => b.profiles?.includes(p)))}.`;
  const gated = a?.profiles ? a : b?.profiles ? b : null;
  return gated?.profiles ? ` "${gated.name}" starts with ${profiles(gated.profiles)}, and the other always.` : '';
}
