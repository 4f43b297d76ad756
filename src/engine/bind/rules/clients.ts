// Rules about how clients reach a server: localhost inside a container, `localhost` against a
// server on one loopback family only, and a service name or port no service in the project has.
import { isIP } from 'node:net';
import { unbracket } from '../../address';
import type { BindFinding, ClientRef, Service, SourceRange } from '../model';
import { bindFinding, bindLabel, inContainer, knownPorts, provides, unique, type RuleInput } from '../ruleInput';
import { bindKind } from '../values';

/** CLIENT_LOCALHOST_IN_CONTAINER: localhost in a container is that container. */
export function localhostInContainer(input: RuleInput): BindFinding[] {
  const out: BindFinding[] = [];
  for (const c of input.model.clients) {
    if (!inContainer(input, c.service) || bindKind(c.host.toLowerCase()) !== 'loopback' || c.port === null) continue;
    const port = c.port;
    const samePod = (id: string): boolean => id === c.service || (id.startsWith('k8s:') && c.service.startsWith('k8s:') && id.split('/')[0] === c.service.split('/')[0]);
    const servesItself = input.model.binds.some((b) => samePod(b.service) && b.port === port) || input.model.published.some((p) => samePod(p.service) && p.containerPort === port);
    if (servesItself) continue;
    const providers = input.model.services.filter((s) => !samePod(s.id) && s.runtime !== 'kubernetes' && provides(input, s, port));
    const target = providers.length === 1 ? providers[0]! : null;
    out.push(
      bindFinding(
        'CLIENT_LOCALHOST_IN_CONTAINER',
        `"${input.services.get(c.service)?.name ?? c.service}" connects to ${c.host}:${port} (${c.origin}) from inside its container. There, ${c.host} is the container itself, not the host or another service${target ? `; port ${port} is served by "${target.name}", which other containers reach by its service name` : ''}. Use the service name${target ? ` "${target.name}"` : ''} (Compose and Kubernetes DNS resolve it), or host.docker.internal for a server on the host.`,
        c.hostRange,
        {
          related: target?.source ? [target.source] : [],
          fix: target && !target.id.startsWith('k8s:') ? { title: `Use the service name "${target.name}"`, edits: [{ range: c.hostRange, newText: target.name }] } : undefined,
          subject: c.url ?? `${c.host}:${port}`,
        },
      ),
    );
  }
  return out;
}

/** BIND_LOCALHOST_FAMILY_MISMATCH: `localhost` may resolve to ::1 first (RFC 6724 prefers IPv6). */
export function localhostFamilyMismatch(input: RuleInput): BindFinding[] {
  const families = loopbackFamilies(input);
  const out: BindFinding[] = [];
  for (const c of input.model.clients) {
    if (inContainer(input, c.service) || c.host.toLowerCase() !== 'localhost' || c.port === null) continue;
    const e = families.get(c.port);
    if (!e || e.dual || e.families.size !== 1) continue;
    const fam = [...e.families][0]!;
    out.push(
      bindFinding(
        'BIND_LOCALHOST_FAMILY_MISMATCH',
        `${c.origin} reaches "localhost:${c.port}", but the server listens on ${e.text} — IPv${fam} only. "localhost" resolves to both 127.0.0.1 and ::1, and many clients try ${fam === 4 ? '::1' : '127.0.0.1'} first (Node.js 17+ keeps the resolver's order, which prefers IPv6 per RFC 6724): they get "connection refused" there, and some never try the other address. Type ${fam === 4 ? '127.0.0.1' : '[::1]'} in the client, or have the server listen on both loopbacks.`,
        c.hostRange,
        {
          related: [e.source],
          fix: { title: `Use ${fam === 4 ? '127.0.0.1' : '[::1]'} instead of localhost`, edits: [{ range: c.hostRange, newText: fam === 4 ? '127.0.0.1' : c.url !== null ? '[::1]' : '::1' }] },
          subject: `localhost:${c.port}`,
        },
      ),
    );
  }
  return out;
}

/** CLIENT_UNKNOWN_TARGET: a single-label name no Compose service has, or a port that service does not listen on. */
export function unknownTarget(input: RuleInput): BindFinding[] {
  const out: BindFinding[] = [];
  for (const c of input.model.clients) {
    const own = input.services.get(c.service);
    if (!own || !reachesByServiceName(own, c)) continue;
    const target = input.model.services.find((s) => s.name === c.host && !s.id.startsWith('k8s:') && !s.id.startsWith('host:') && !s.id.startsWith('image:'));
    if (!target) {
      const names = input.model.services.filter((s) => s.runtime === 'container' && !s.id.startsWith('k8s:')).map((s) => s.name);
      out.push(bindFinding('CLIENT_UNKNOWN_TARGET', `"${own.name}" connects to "${c.host}"${c.port !== null ? `:${c.port}` : ''} (${c.origin}), but no service in this project is named "${c.host}" (services: ${names.join(', ')}). Inside a Compose network, a single-label name resolves only to a service name or alias; this lookup fails with "Name or service not known" (ENOTFOUND).`, c.hostRange, { subject: c.host }));
      continue;
    }
    if (c.port === null || provides(input, target, c.port)) continue;
    const ports = knownPorts(input, target);
    if (ports.length === 0 || ports.includes(null)) continue;
    out.push(
      bindFinding(
        'CLIENT_UNKNOWN_TARGET',
        `"${own.name}" connects to ${c.host}:${c.port} (${c.origin}), but "${target.name}" listens on ${unique(ports.filter((n): n is number => n !== null)).join(', ')}, not ${c.port}. Between containers the container port counts, not the port published on the host.`,
        c.source,
        { related: target.source ? [target.source] : [], subject: `${c.host}:${c.port}` },
      ),
    );
  }
  return out;
}

/** A Compose container reaching a single-label name: one that only a service name or alias can answer (host.docker.internal has dots). */
function reachesByServiceName(own: Service, c: ClientRef): boolean {
  const host = c.host.toLowerCase();
  return own.runtime === 'container' && !own.id.startsWith('k8s:') && !host.includes('.') && isIP(host) === 0 && bindKind(host) !== 'loopback';
}

/** Host-side loopback listeners by port: which families (4, 6) they take, or `dual` when any other address does. */
function loopbackFamilies(input: RuleInput): Map<number, { families: Set<number>; dual: boolean; source: SourceRange; text: string }> {
  const byPort = new Map<number, { families: Set<number>; dual: boolean; source: SourceRange; text: string }>();
  const note = (port: number, address: string | null, source: SourceRange, text: string): void => {
    const e = byPort.get(port) ?? { families: new Set<number>(), dual: false, source, text };
    const bare = unbracket(address ?? '');
    if (bindKind(address) === 'loopback' && isIP(bare) !== 0) e.families.add(isIP(bare));
    else e.dual = true;
    byPort.set(port, e);
  };
  for (const b of input.model.binds) if (b.port !== null && !inContainer(input, b.service)) note(b.port, b.address, b.source, bindLabel(b));
  for (const p of input.model.published) if (p.origin.startsWith('ports') && p.hostPort !== null) note(p.hostPort, p.hostIp, p.source, `${p.hostIp ?? '0.0.0.0'}:${p.hostPort}`);
  return byPort;
}
