// Rules about what a server binds: an address that cannot work where the server runs (loopback in
// a container, a name or URL, an address this machine lacks), a privileged port, and a bind that the
// sockets listening now contradict.
import { isIP } from 'node:net';
import { unbracket } from '../../address';
import type { BindFinding } from '../../model/bind';
import { bindFinding, bindLabel, clientsTo, inContainer, nameOf, normalBind, overlaps, type RuleInput } from '../ruleInput';
import { bindKind } from '../values';

/** BIND_LOOPBACK_IN_CONTAINER: loopback inside a container is the container's own lo. */
export function loopbackInContainer(input: RuleInput): BindFinding[] {
  const out: BindFinding[] = [];
  for (const b of input.model.binds) {
    if (b.kind !== 'loopback' || !inContainer(input, b.service)) continue;
    const svc = input.services.get(b.service);
    const pubs = (input.publishedOf.get(b.service) ?? []).filter((p) => b.port === null || p.containerPort === b.port);
    const clients = svc ? clientsTo(input, svc).filter((c) => b.port === null || c.port === null || c.port === b.port) : [];
    if (pubs.length === 0 && clients.length === 0) continue;
    const via = pubs.find((p) => p.origin.startsWith('ports')) ?? pubs[0];
    const reach = via ? (via.origin.startsWith('ports') ? `published as ${via.hostIp ?? ''}${via.hostIp ? ':' : ''}${via.hostPort ?? '(random)'} → ${via.containerPort}` : `declared with ${via.origin} ${via.containerPort}`) : `reached by ${clients[0]!.origin} in ${clients[0]!.service}`;
    const replacement = b.address !== null && isIP(unbracket(b.address)) === 6 ? '::' : '0.0.0.0';
    out.push(
      bindFinding(
        'BIND_LOOPBACK_IN_CONTAINER',
        `"${nameOf(input, b.service)}" binds ${bindLabel(b)} (${b.origin}) inside its container, but it is ${reach}. Loopback inside a container is the container's own: traffic that Docker or Kubernetes forwards arrives on the container's network interface, where nothing listens, so clients get "connection refused" or "connection reset". Bind ${replacement} inside the container and limit exposure where the port is published.`,
        b.source,
        {
          related: [...pubs.map((p) => p.source), ...clients.map((c) => c.source)],
          fix: b.addressRange ? { title: `Bind ${replacement} inside the container`, edits: [{ range: b.addressRange, newText: replacement }] } : undefined,
          subject: bindLabel(b),
        },
      ),
    );
  }
  return out;
}

/** BIND_HOSTNAME: a name or URL where an address belongs. */
export function hostnameBind(input: RuleInput): BindFinding[] {
  return input.model.binds
    .filter((b) => b.kind === 'url' || b.kind === 'name')
    .map((b) =>
      bindFinding(
        'BIND_HOSTNAME',
        b.kind === 'url'
          ? `${b.origin} is "${b.address}": a URL where a bind address belongs. A server binds an address of one of its own interfaces (or 0.0.0.0 for all); the URL is what clients type to reach it. The server will fail to start or bind something unexpected.`
          : `${b.origin} is the name "${b.address}". A server binds addresses, not names: it resolves the name once at start-up and listens only on the address it got — if that is not one of its own interfaces, binding fails; if it is, other addresses of the machine are not served. Clients reaching the service by that name still need it to resolve to that same address.`,
        b.addressRange ?? b.source,
        { subject: b.address ?? undefined },
      ),
    );
}

/**
 * BIND_NAME_ALL_INTERFACES: a Kestrel URL names a host: Kestrel binds every interface for it and
 * never resolves it — the name is what clients type, not what the server binds.
 */
export function nameMeansAllInterfaces(input: RuleInput): BindFinding[] {
  return input.model.binds
    .filter((b) => b.hostName !== undefined)
    .map((b) =>
      bindFinding(
        'BIND_NAME_ALL_INTERFACES',
        `${b.origin} names the host "${b.hostName}"${b.port !== null ? ` on port ${b.port}` : ''}. Kestrel does not resolve it: for any host name other than localhost it binds every interface, as for "*", so "${nameOf(input, b.service)}" listens on *${b.port !== null ? `:${b.port}` : ''}. "${b.hostName}" is what clients type to reach the server, not what it binds.`,
        b.addressRange ?? b.source,
        { subject: b.hostName },
      ),
    );
}

/** BIND_ADDRESS_NOT_LOCAL: an address no interface of this machine has fails with EADDRNOTAVAIL. */
export function addressNotLocal(input: RuleInput): BindFinding[] {
  const interfaces = input.ctx.interfaces;
  if (interfaces === null) return [];
  const local = new Set(interfaces.map((i) => i.address.toLowerCase()));
  return input.model.binds
    .filter((b) => b.kind === 'specific' && b.address !== null && !inContainer(input, b.service) && !local.has(normalBind(b.address).replace(/%.*$/, '')))
    .map((b) =>
      bindFinding(
        'BIND_ADDRESS_NOT_LOCAL',
        `"${nameOf(input, b.service)}" binds ${bindLabel(b)} (${b.origin}), but no interface of this machine has ${b.address} (it has ${interfaces.map((i) => i.address).join(', ')}). Binding fails with "cannot assign requested address" (EADDRNOTAVAIL). The address clients type may belong to a proxy, NAT or load balancer in front of the server; the server itself must bind its own address, or 0.0.0.0.`,
        b.addressRange ?? b.source,
        { subject: b.address ?? undefined },
      ),
    );
}

/** BIND_PRIVILEGED_PORT: ports below 1024 need privileges on the host. */
export function privilegedPort(input: RuleInput): BindFinding[] {
  return input.model.binds
    .filter((b) => b.port !== null && b.port < 1024 && !b.system && !inContainer(input, b.service))
    .map((b) =>
      bindFinding(
        'BIND_PRIVILEGED_PORT',
        `"${nameOf(input, b.service)}" listens on port ${b.port} (${b.origin}) directly on the host. Ports below 1024 need root or CAP_NET_BIND_SERVICE on Linux (net.ipv4.ip_unprivileged_port_start is 1024 by default); run as a normal user, the server fails with "permission denied" (EACCES).`,
        b.source,
        { subject: bindLabel(b) },
      ),
    );
}

/** BIND_LIVE_MISMATCH: the configuration against the sockets listening now. */
export function liveMismatch(input: RuleInput): BindFinding[] {
  const live = input.ctx.live;
  if (live === null) return [];
  const out: BindFinding[] = [];
  for (const b of input.model.binds) {
    if (b.port === null || inContainer(input, b.service)) continue;
    const onPort = live.filter((l) => l.port === b.port && l.protocol === b.protocol);
    if (onPort.length === 0 || onPort.some((l) => overlaps(l.address, b.address) && matchesExactly(l.address, b.address))) continue;
    const who = onPort.map((l) => `${l.address}:${l.port}${l.pid !== null ? ` by pid ${l.pid}${l.process ? ` (${l.process})` : ''}` : ''}`).join(', ');
    out.push(bindFinding('BIND_LIVE_MISMATCH', `Configured to listen on ${bindLabel(b)} (${b.origin}), but port ${b.port} is actually taken on ${who}. Either another program holds the port (your server will fail with EADDRINUSE), or the running server was started with different settings than this file.`, b.source, { subject: bindLabel(b) }));
  }
  return out;
}

function matchesExactly(live: string, configured: string | null): boolean {
  const k = bindKind(configured);
  if (k === 'default' || k === 'name' || k === 'url') return true;
  if (k === 'all' || k === 'all-ipv4') return bindKind(live) === 'all' || bindKind(live) === 'all-ipv4';
  if (normalBind(configured) === 'localhost') return bindKind(live) === 'loopback';
  return normalBind(live) === normalBind(configured);
}
