// The bind rules. Each one compares what a server binds with how clients reach it and says, in
// plain words, why the two differ. A rule fires only on a concrete contradiction in the configs
// (or between the configs and this machine); a right config gives no finding.
import { isIP } from 'node:net';
import { FINDINGS, type FindingCode } from '../findings';
import type { BindFinding, BindModel, BindSite, ClientRef, LiveListener, PublishedPort, QuickFix, Service, SourceRange } from '../model/bind';
import type { LocalInterface } from './facts';
import { bindKind } from './values';

export interface RuleContext {
  /** This machine's interface addresses; null skips BIND_ADDRESS_NOT_LOCAL. */
  interfaces: readonly LocalInterface[] | null;
  /** Sockets listening now; null skips the live cross-check. */
  live: readonly LiveListener[] | null;
}

/** Ports of services that should not face every network: data stores, brokers, admin and debug ports. */
const INTERNAL_PORTS = new Map<number, string>([
  [2375, 'the Docker API'], [2376, 'the Docker API'], [3306, 'MySQL'], [5432, 'PostgreSQL'], [6379, 'Redis'], [27017, 'MongoDB'],
  [9200, 'Elasticsearch'], [9300, 'Elasticsearch'], [11211, 'memcached'], [5672, 'RabbitMQ'], [15672, 'the RabbitMQ admin UI'],
  [5984, 'CouchDB'], [8086, 'InfluxDB'], [9042, 'Cassandra'], [2181, 'ZooKeeper'], [9092, 'Kafka'], [1433, 'SQL Server'],
  [9229, 'the Node.js inspector'], [5005, 'a Java debugger (JDWP)'], [5678, 'debugpy'], [4222, 'NATS'], [8500, 'Consul'],
]);

/** Settings whose host part Kestrel reads as "every interface" when it is a name (Kestrel docs, "Configure endpoints"). */
const URL_LIST_ORIGINS = /^(Urls|ASPNETCORE_URLS|URLS|DOTNET_URLS|applicationUrl|Kestrel:)/;

export function runRules(model: Omit<BindModel, 'findings'>, ctx: RuleContext): BindFinding[] {
  const out: BindFinding[] = [];
  const services = new Map(model.services.map((s) => [s.id, s]));
  const inContainer = (id: string): boolean => {
    const s = services.get(id);
    return s !== undefined && s.runtime === 'container' && !s.hostNetwork;
  };
  const add = (code: FindingCode, message: string, range: SourceRange, related: SourceRange[] = [], fix?: QuickFix, subject?: string): void => {
    const spec = FINDINGS[code];
    const f: BindFinding = { code, severity: spec.severity, layer: spec.layer, message, hint: spec.hint, range, related };
    if (fix) f.fix = fix;
    if (subject !== undefined) f.subject = subject;
    out.push(f);
  };
  const bindsOf = groupBy(model.binds, (b) => b.service);
  const publishedOf = groupBy(model.published, (p) => p.service);
  const clientsTo = (s: Service): ClientRef[] => model.clients.filter((c) => c.service !== s.id && c.host === s.name);
  const label = (b: BindSite): string => `${b.address ?? '(default address)'}${b.port !== null ? `:${b.port}` : ''}`;

  for (const b of model.binds) {
    const svc = services.get(b.service);
    const name = svc?.name ?? b.service;
    // BIND_LOOPBACK_IN_CONTAINER: loopback inside a container is the container's own lo.
    if (b.kind === 'loopback' && inContainer(b.service)) {
      const pubs = (publishedOf.get(b.service) ?? []).filter((p) => b.port === null || p.containerPort === b.port);
      const clients = svc ? clientsTo(svc).filter((c) => b.port === null || c.port === null || c.port === b.port) : [];
      if (pubs.length > 0 || clients.length > 0) {
        const via = pubs.find((p) => p.origin.startsWith('ports')) ?? pubs[0];
        const reach = via ? `${via.origin === 'ports' || via.origin.startsWith('ports') ? `published as ${via.hostIp ?? ''}${via.hostIp ? ':' : ''}${via.hostPort ?? '(random)'} → ${via.containerPort}` : `declared with ${via.origin} ${via.containerPort}`}` : `reached by ${clients[0]!.origin} in ${clients[0]!.service}`;
        const replacement = b.address !== null && isIP(b.address.replace(/^\[|\]$/g, '')) === 6 ? '::' : '0.0.0.0';
        add(
          'BIND_LOOPBACK_IN_CONTAINER',
          `"${name}" binds ${label(b)} (${b.origin}) inside its container, but it is ${reach}. Loopback inside a container is the container's own: traffic that Docker or Kubernetes forwards arrives on the container's network interface, where nothing listens, so clients get "connection refused" or "connection reset". Bind ${replacement} inside the container and limit exposure where the port is published.`,
          b.source,
          [...pubs.map((p) => p.source), ...clients.map((c) => c.source)],
          b.addressRange ? { title: `Bind ${replacement} inside the container`, edits: [{ range: b.addressRange, newText: replacement }] } : undefined,
          label(b),
        );
      }
    }
    // BIND_HOSTNAME: a name or URL where an address belongs.
    if ((b.kind === 'url' || b.kind === 'name') && !URL_LIST_ORIGINS.test(b.origin)) {
      add(
        'BIND_HOSTNAME',
        b.kind === 'url'
          ? `${b.origin} is "${b.address}": a URL where a bind address belongs. A server binds an address of one of its own interfaces (or 0.0.0.0 for all); the URL is what clients type to reach it. The server will fail to start or bind something unexpected.`
          : `${b.origin} is the name "${b.address}". A server binds addresses, not names: it resolves the name once at start-up and listens only on the address it got — if that is not one of its own interfaces, binding fails; if it is, other addresses of the machine are not served. Clients reaching the service by that name still need it to resolve to that same address.`,
        b.addressRange ?? b.source,
        [],
        undefined,
        b.address ?? undefined,
      );
    }
    // BIND_ADDRESS_NOT_LOCAL: EADDRNOTAVAIL at start-up.
    if (b.kind === 'specific' && b.address !== null && ctx.interfaces !== null && !inContainer(b.service) && !isLocal(b.address, ctx.interfaces)) {
      add(
        'BIND_ADDRESS_NOT_LOCAL',
        `"${name}" binds ${label(b)} (${b.origin}), but no interface of this machine has ${b.address} (it has ${ctx.interfaces.map((i) => i.address).join(', ')}). Binding fails with "cannot assign requested address" (EADDRNOTAVAIL). The address clients type may belong to a proxy, NAT or load balancer in front of the server; the server itself must bind its own address, or 0.0.0.0.`,
        b.addressRange ?? b.source,
        [],
        undefined,
        b.address,
      );
    }
    // BIND_PRIVILEGED_PORT: ports below 1024 need privileges on the host.
    if (b.port !== null && b.port < 1024 && !b.system && !inContainer(b.service)) {
      add(
        'BIND_PRIVILEGED_PORT',
        `"${name}" listens on port ${b.port} (${b.origin}) directly on the host. Ports below 1024 need root or CAP_NET_BIND_SERVICE on Linux (net.ipv4.ip_unprivileged_port_start is 1024 by default); run as a normal user, the server fails with "permission denied" (EACCES).`,
        b.source,
        [],
        undefined,
        label(b),
      );
    }
  }

  for (const p of model.published) {
    const svc = services.get(p.service);
    const name = svc?.name ?? p.service;
    const exposedEverywhere = p.origin.startsWith('ports') && (p.hostIp === null || bindKind(p.hostIp) === 'all' || bindKind(p.hostIp) === 'all-ipv4');
    const what = INTERNAL_PORTS.get(p.containerPort);
    const ownBinds = bindsOf.get(p.service) ?? [];
    const bindsAll = ownBinds.filter((b) => b.port === null || b.port === p.containerPort).every((b) => b.kind !== 'loopback');
    // BIND_ALL_INTERFACES_EXPOSED: an internal service on every host interface.
    if (exposedEverywhere && what !== undefined && bindsAll && inContainer(p.service)) {
      const text = p.origin === 'ports' ? `${p.hostPort ?? ''}${p.hostPort !== null ? ':' : ''}${p.containerPort}` : null;
      add(
        'BIND_ALL_INTERFACES_EXPOSED',
        `"${name}" (${what}) listens on every interface in its container and is published on every interface of the host (${p.hostPort ?? 'a random port'} → ${p.containerPort}). Anyone who can reach this machine can connect — Docker's published ports bypass host firewalls such as ufw. If only this machine needs it (development), publish it on loopback; if other containers need it, they reach it by service name without publishing.`,
        p.source,
        [],
        text !== null && p.hostPort !== null ? { title: `Publish on 127.0.0.1 only (127.0.0.1:${p.hostPort}:${p.containerPort})`, edits: [{ range: { ...p.source, end: p.source.start, endLine: p.source.line, endColumn: p.source.column }, newText: '127.0.0.1:' }] } : undefined,
        `${p.hostPort ?? ''}:${p.containerPort}`,
      );
    }
    // BIND_PORT_MISMATCH: a published port the app does not listen on.
    if ((p.origin.startsWith('ports') || p.origin.endsWith('Probe') || p.origin === 'Service port')) {
      const targets = p.origin === 'Service port' ? selectedPorts(p, model, services) : ownBinds.map((b) => b.port);
      const known = targets.filter((n): n is number => n !== null);
      if (known.length > 0 && !targets.includes(null) && !known.includes(p.containerPort)) {
        add(
          'BIND_PORT_MISMATCH',
          `"${name}" ${p.origin === 'Service port' ? `sends Service port ${p.hostPort} to targetPort ${p.containerPort}` : p.origin.endsWith('Probe') ? `is probed (${p.origin}) on port ${p.containerPort}` : `is published as ${p.hostPort ?? '(random)'} → ${p.containerPort}`}, but the app listens on ${unique(known).join(', ')}. Traffic arrives on a port where nothing listens: "connection refused", or a reset from the container runtime. The published (container-side) port must be the port the app binds.`,
          p.source,
          ownBinds.map((b) => b.source),
          undefined,
          String(p.containerPort),
        );
      }
    }
  }

  // BIND_PORT_CONFLICT: two things want the same host port on overlapping addresses.
  const hostSide: { port: number; protocol: string; address: string | null; service: string; source: SourceRange; file: string; what: string }[] = [];
  for (const p of model.published) {
    if (p.origin.startsWith('ports') && p.hostPort !== null) hostSide.push({ port: p.hostPort, protocol: p.protocol, address: p.hostIp, service: p.service, source: p.source, file: p.source.file, what: `published by "${services.get(p.service)?.name ?? p.service}"` });
  }
  for (const b of model.binds) {
    if (b.port !== null && !inContainer(b.service)) hostSide.push({ port: b.port, protocol: b.protocol, address: b.address, service: b.service, source: b.source, file: b.source.file, what: `bound by "${services.get(b.service)?.name ?? b.service}" (${b.origin})` });
  }
  const byPort = groupBy(hostSide, (h) => `${h.protocol}/${h.port}`);
  for (const group of byPort.values()) {
    for (let i = 1; i < group.length; i++) {
      const h = group[i]!;
      const other = group.slice(0, i).find((o) => o.service !== h.service && overlaps(o.address, h.address) && canRunTogether(services.get(o.service), services.get(h.service)));
      if (!other) continue;
      add(
        'BIND_PORT_CONFLICT',
        `Port ${h.port}/${h.protocol} is ${h.what} and also ${other.what} (${other.file}:${other.source.line + 1}), on overlapping addresses (${other.address ?? 'all'} and ${h.address ?? 'all'}). Only one socket can listen there: whichever starts second fails with "address already in use" (EADDRINUSE).${whenTogether(services.get(other.service), services.get(h.service))}`,
        h.source,
        [other.source],
        undefined,
        String(h.port),
      );
    }
  }

  // Loopback listeners on the host side, by port: family 4 or 6 only.
  const loopbackFamilies = new Map<number, { families: Set<number>; dual: boolean; source: SourceRange; text: string }>();
  const note = (port: number, address: string | null, source: SourceRange, text: string): void => {
    const e = loopbackFamilies.get(port) ?? { families: new Set<number>(), dual: false, source, text };
    const kind = bindKind(address);
    const bare = address?.replace(/^\[|\]$/g, '') ?? '';
    if (kind === 'loopback' && isIP(bare) !== 0) e.families.add(isIP(bare));
    else e.dual = true;
    loopbackFamilies.set(port, e);
  };
  for (const b of model.binds) if (b.port !== null && !inContainer(b.service)) note(b.port, b.address, b.source, label(b));
  for (const p of model.published) if (p.origin.startsWith('ports') && p.hostPort !== null) note(p.hostPort, p.hostIp, p.source, `${p.hostIp ?? '0.0.0.0'}:${p.hostPort}`);

  for (const c of model.clients) {
    const host = c.host.toLowerCase();
    const own = services.get(c.service);
    // CLIENT_LOCALHOST_IN_CONTAINER: localhost in a container is that container.
    if (inContainer(c.service) && bindKind(host) === 'loopback' && c.port !== null) {
      const samePod = (id: string): boolean => id === c.service || (id.startsWith('k8s:') && c.service.startsWith('k8s:') && id.split('/')[0] === c.service.split('/')[0]);
      const servesItself = model.binds.some((b) => samePod(b.service) && b.port === c.port) || model.published.some((p) => samePod(p.service) && p.containerPort === c.port);
      if (!servesItself) {
        const providers = model.services.filter((s) => !samePod(s.id) && s.runtime !== 'kubernetes' && provides(s, c.port!, bindsOf, publishedOf));
        const target = providers.length === 1 ? providers[0]! : null;
        add(
          'CLIENT_LOCALHOST_IN_CONTAINER',
          `"${own?.name ?? c.service}" connects to ${c.host}:${c.port} (${c.origin}) from inside its container. There, ${c.host} is the container itself, not the host or another service${target ? `; port ${c.port} is served by "${target.name}", which other containers reach by its service name` : ''}. Use the service name${target ? ` "${target.name}"` : ''} (Compose and Kubernetes DNS resolve it), or host.docker.internal for a server on the host.`,
          c.hostRange,
          target?.source ? [target.source] : [],
          target && !target.id.startsWith('k8s:') ? { title: `Use the service name "${target.name}"`, edits: [{ range: c.hostRange, newText: target.name }] } : undefined,
          c.url ?? `${c.host}:${c.port}`,
        );
        continue;
      }
    }
    // BIND_LOCALHOST_FAMILY_MISMATCH: `localhost` may resolve to ::1 first (RFC 6724 prefers IPv6).
    if (!inContainer(c.service) && host === 'localhost' && c.port !== null) {
      const e = loopbackFamilies.get(c.port);
      if (e && !e.dual && e.families.size === 1) {
        const fam = [...e.families][0]!;
        add(
          'BIND_LOCALHOST_FAMILY_MISMATCH',
          `${c.origin} reaches "localhost:${c.port}", but the server listens on ${e.text} — IPv${fam} only. "localhost" resolves to both 127.0.0.1 and ::1, and many clients try ${fam === 4 ? '::1' : '127.0.0.1'} first (Node.js 17+ keeps the resolver's order, which prefers IPv6 per RFC 6724): they get "connection refused" there, and some never try the other address. Type ${fam === 4 ? '127.0.0.1' : '[::1]'} in the client, or have the server listen on both loopbacks.`,
          c.hostRange,
          [e.source],
          { title: `Use ${fam === 4 ? '127.0.0.1' : '[::1]'} instead of localhost`, edits: [{ range: c.hostRange, newText: fam === 4 ? '127.0.0.1' : (c.url !== null ? '[::1]' : '::1') }] },
          `localhost:${c.port}`,
        );
      }
    }
    // CLIENT_UNKNOWN_TARGET: a service name or port no service provides.
    if (own && own.runtime === 'container' && !own.id.startsWith('k8s:') && !host.includes('.') && isIP(host) === 0 && bindKind(host) !== 'loopback' && host !== 'host.docker.internal') {
      const target = model.services.find((s) => s.name === c.host && !s.id.startsWith('k8s:') && !s.id.startsWith('host:') && !s.id.startsWith('image:'));
      if (!target) {
        add('CLIENT_UNKNOWN_TARGET', `"${own.name}" connects to "${c.host}"${c.port !== null ? `:${c.port}` : ''} (${c.origin}), but no service in this project is named "${c.host}" (services: ${model.services.filter((s) => s.runtime === 'container' && !s.id.startsWith('k8s:')).map((s) => s.name).join(', ')}). Inside a Compose network, a single-label name resolves only to a service name or alias; this lookup fails with "Name or service not known" (ENOTFOUND).`, c.hostRange, [], undefined, c.host);
      } else if (c.port !== null && !provides(target, c.port, bindsOf, publishedOf)) {
        const ports = knownPorts(target, bindsOf, publishedOf);
        if (ports.length > 0 && !ports.includes(null)) {
          add('CLIENT_UNKNOWN_TARGET', `"${own.name}" connects to ${c.host}:${c.port} (${c.origin}), but "${target.name}" listens on ${unique(ports.filter((n): n is number => n !== null)).join(', ')}, not ${c.port}. Between containers the container port counts, not the port published on the host.`, c.source, target.source ? [target.source] : [], undefined, `${c.host}:${c.port}`);
        }
      }
    }
  }

  // BIND_LIVE_MISMATCH: the configuration against the sockets listening now.
  if (ctx.live !== null) {
    for (const b of model.binds) {
      if (b.port === null || inContainer(b.service)) continue;
      const onPort = ctx.live.filter((l) => l.port === b.port && l.protocol === b.protocol);
      if (onPort.length === 0 || onPort.some((l) => overlaps(l.address, b.address) && matchesExactly(l.address, b.address))) continue;
      const who = onPort.map((l) => `${l.address}:${l.port}${l.pid !== null ? ` by pid ${l.pid}${l.process ? ` (${l.process})` : ''}` : ''}`).join(', ');
      add('BIND_LIVE_MISMATCH', `Configured to listen on ${label(b)} (${b.origin}), but port ${b.port} is actually taken on ${who}. Either another program holds the port (your server will fail with EADDRINUSE), or the running server was started with different settings than this file.`, b.source, [], undefined, label(b));
    }
  }
  return out;
}

function selectedPorts(p: PublishedPort, model: Omit<BindModel, 'findings'>, services: Map<string, Service>): (number | null)[] {
  const svc = services.get(p.service);
  if (!svc) return [];
  const pods = model.services.filter((s) => s.runtime === 'container' && s.dirs.some((d) => svc.dirs.includes(d)));
  const ids = new Set(pods.map((s) => s.id));
  return [...model.published.filter((x) => ids.has(x.service) && x.origin === 'containerPort').map((x) => x.containerPort), ...model.binds.filter((b) => ids.has(b.service)).map((b) => b.port)];
}

function knownPorts(s: Service, binds: Map<string, BindSite[]>, published: Map<string, PublishedPort[]>): (number | null)[] {
  return [...(binds.get(s.id) ?? []).map((b) => b.port), ...(published.get(s.id) ?? []).map((p) => p.containerPort)];
}

function provides(s: Service, port: number, binds: Map<string, BindSite[]>, published: Map<string, PublishedPort[]>): boolean {
  return knownPorts(s, binds, published).includes(port);
}

function isLocal(address: string, interfaces: readonly LocalInterface[]): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  return interfaces.some((i) => i.address.toLowerCase() === a);
}

/** Whether two bind addresses can take the same port (null, 0.0.0.0, :: and * cover the rest). */
export function overlaps(a: string | null, b: string | null): boolean {
  const ka = bindKind(a);
  const kb = bindKind(b);
  const wide = (k: string): boolean => k === 'all' || k === 'all-ipv4' || k === 'default';
  if (wide(ka) || wide(kb)) return true;
  const na = norm(a);
  const nb = norm(b);
  if (na === 'localhost' || nb === 'localhost') return ka === 'loopback' && kb === 'loopback';
  return na === nb;
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

function matchesExactly(live: string, configured: string | null): boolean {
  const k = bindKind(configured);
  if (k === 'default' || k === 'name' || k === 'url') return true;
  if (k === 'all' || k === 'all-ipv4') return bindKind(live) === 'all' || bindKind(live) === 'all-ipv4';
  if (norm(configured) === 'localhost') return bindKind(live) === 'loopback';
  return norm(live) === norm(configured);
}

function norm(a: string | null): string {
  return (a ?? '').replace(/^\[|\]$/g, '').toLowerCase();
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
