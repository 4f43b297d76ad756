// What a hover over a config value says: whether it is a bind, a published port, a client
// reference or a virtual-host name, what the address means, and the findings at that spot. Pure and synchronous (no DNS:
// the extension adds a name's answer within its own time budget).
import { isIP } from 'node:net';
import { classifyAddress, unbracket } from '../address';
import { findEndpointAt } from '../endpointText';
import type { BindAddressKind, BindFinding, BindModel, Service, SourceRange } from '../model/bind';
import { bindKind } from './values';

export type HoverKind = 'bind' | 'published' | 'client' | 'vhost' | 'endpoint';

export interface HoverSpot {
  kind: HoverKind;
  /** Offsets in the file of the value hovered. */
  start: number;
  end: number;
  /** One line: "Bind 127.0.0.1:5000 (ASPNETCORE_URLS) of "api" (container)". */
  title: string;
  /** The address class in plain words. */
  meaning: string;
  /** The host to look up (a name), when there is one worth resolving. */
  name: string | null;
  /** What Diagnose Endpoint should get (a URL or host:port), or null for a pure bind value. */
  target: string | null;
  service: Service | null;
  findings: BindFinding[];
  /** The verdict: "OK" or the worst finding's title, for a glance. */
  verdict: string;
}

const contains = (r: SourceRange, offset: number): boolean => offset >= r.start && offset <= r.end;
const size = (r: SourceRange): number => r.end - r.start;

/** The spot under `offset` in `file` (relative path), using the linked model; falls back to any URL/host:port on the line. */
export function hoverAt(model: BindModel | null, file: string, text: string, offset: number): HoverSpot | null {
  const services = new Map((model?.services ?? []).map((s) => [s.id, s]));
  const findingsAt = (r: SourceRange): BindFinding[] => (model?.findings ?? []).filter((f) => f.range.file === file && f.range.start <= r.end && f.range.end >= r.start);
  if (model) {
    const candidates: { r: SourceRange; make: () => HoverSpot }[] = [];
    for (const b of model.binds) {
      if (b.source.file !== file || !contains(b.source, offset)) continue;
      candidates.push({
        r: b.source,
        make: () => {
          const svc = services.get(b.service) ?? null;
          const where = svc ? ` of "${svc.name}" (${svc.hostNetwork ? 'container on the host network' : svc.runtime})` : '';
          const kestrel = b.hostName !== undefined ? ` Kestrel reads the host name "${b.hostName}" as every interface and never resolves it: it is what clients type, not what the server binds.` : '';
          return spot('bind', b.source, `Bind ${b.address ?? '(default address)'}${b.port !== null ? `:${b.port}` : ''} (${b.origin})${where}`, `${bindMeaning(b.kind, b.address, svc)}${kestrel}`, b.kind === 'name' ? b.address : null, null, svc, findingsAt(b.source));
        },
      });
    }
    for (const p of model.published) {
      if (p.source.file !== file || !contains(p.source, offset)) continue;
      candidates.push({
        r: p.source,
        make: () => {
          const svc = services.get(p.service) ?? null;
          const published = p.hostPort !== null && p.origin.startsWith('ports');
          const title = published ? `Port mapping: host ${p.hostIp ?? 'every interface'}:${p.hostPort} → container port ${p.containerPort}/${p.protocol}` : `${p.origin} ${p.containerPort}/${p.protocol}${p.hostPort !== null ? ` (port ${p.hostPort})` : ''}`;
          const meaning = published
            ? p.hostIp === null || bindKind(p.hostIp) === 'all' || bindKind(p.hostIp) === 'all-ipv4'
              ? 'Published on every interface of the host: anyone who can reach this machine can connect (Docker bypasses host firewalls). Inside, the app must listen on 0.0.0.0 (or ::) at the container port.'
              : `Published on ${p.hostIp} only: ${describeAddress(p.hostIp).toLowerCase()}. Inside, the app must listen on 0.0.0.0 (or ::) at the container port.`
            : p.origin === 'expose' || p.origin === 'EXPOSE'
              ? 'Declared, not published: other containers on the same network can reach it by service name; the host cannot unless it is also under ports.'
              : 'The port the workload is expected to listen on.';
          const target = published && p.hostPort !== null ? `${hostForUrl(p.hostIp ?? '127.0.0.1')}:${p.hostPort}` : null;
          return spot('published', p.source, title, meaning, null, target, svc, findingsAt(p.source));
        },
      });
    }
    for (const c of model.clients) {
      if (c.source.file !== file || !contains(c.source, offset)) continue;
      candidates.push({
        r: c.source,
        make: () => {
          const svc = services.get(c.service) ?? null;
          const target = c.url ?? `${hostForUrl(c.host)}${c.port !== null ? `:${c.port}` : ''}`;
          const provider = model.services.find((s) => s.name === c.host);
          const inside = svc?.runtime === 'container' && !svc.hostNetwork;
          let meaning = describeAddress(c.host);
          if (provider) meaning = `The service "${provider.name}" of this project (${provider.runtime}); ${inside ? 'containers on its network resolve the name' : 'the name resolves only inside its container network'}.`;
          else if (inside && bindKind(c.host) === 'loopback') meaning = `${meaning} Inside a container, that is the container itself.`;
          const name = isIP(unbracket(c.host)) === 0 && bindKind(c.host) !== 'loopback' ? c.host : null;
          return spot('client', c.source, `Client: ${svc ? `"${svc.name}"` : 'this config'} connects to ${c.host}${c.port !== null ? `:${c.port}` : ''} (${c.origin})`, meaning, name, target, svc, findingsAt(c.source));
        },
      });
    }
    for (const v of model.vhosts ?? []) {
      if (v.source.file !== file || !contains(v.source, offset)) continue;
      candidates.push({
        r: v.source,
        make: () => {
          const svc = services.get(v.service) ?? null;
          const listens = v.listens.length > 0 ? `listen ${v.listens.join(', ')}` : 'no listen in this server block: nginx listens on *:80 (*:8000 when not started as root)';
          // A virtual host is chosen after the connection is accepted (nginx docs, "How nginx processes a request").
          const meaning = `A virtual-host name: nginx picks this server block when the client's Host header (or TLS SNI) ${v.name.startsWith('~') ? 'matches this regular expression' : v.name.includes('*') ? 'matches this wildcard' : 'is this name'}; it is not an address nginx binds — clients must resolve it to an address this server listens on (${listens}).`;
          return spot('vhost', v.source, `Virtual host ${v.name} (server_name)${svc ? ` of "${svc.name}" (${svc.runtime})` : ''}`, meaning, null, null, svc, findingsAt(v.source));
        },
      });
    }
    candidates.sort((a, b) => size(a.r) - size(b.r));
    const best = candidates[0];
    if (best) return best.make();
  }
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  const endpoint = findEndpointAt(line, offset - lineStart);
  if (endpoint === null) return null;
  const start = lineStart + line.indexOf(endpoint);
  const host = endpointHost(endpoint);
  const r: SourceRange = { file, start, end: start + endpoint.length, line: 0, column: 0, endLine: 0, endColumn: 0 };
  const name = host !== null && isIP(host) === 0 && bindKind(host) !== 'loopback' ? host : null;
  return spot('endpoint', r, `Endpoint ${endpoint}`, host === null ? 'A network endpoint.' : describeAddress(host), name, endpoint, null, findingsAt(r));
}

function spot(kind: HoverKind, r: SourceRange, title: string, meaning: string, name: string | null, target: string | null, service: Service | null, findings: BindFinding[]): HoverSpot {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const worst = [...findings].sort((a, b) => order[a.severity] - order[b.severity])[0];
  return { kind, start: r.start, end: r.end, title, meaning, name, target, service, findings, verdict: worst ? `${worst.severity === 'error' ? 'Problem' : worst.severity === 'warning' ? 'Warning' : 'Note'}: ${worst.code}` : 'OK: no bind problem found here' };
}

function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function endpointHost(endpoint: string): string | null {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(endpoint);
  const raw = url ? url[1]! : /^\[([^\]]+)\]/.exec(endpoint)?.[1] ?? (isIP(endpoint) ? endpoint : endpoint.replace(/:\d+$/, ''));
  return unbracket(raw) || null;
}

/** The address class in plain words, for any host text. */
export function describeAddress(host: string): string {
  const bare = unbracket(host);
  if (bindKind(bare) === 'loopback' && isIP(bare) === 0) return 'localhost: the loopback name, 127.0.0.1 and/or ::1 (this machine only). Which one a client tries first depends on its resolver.';
  if (isIP(bare.replace(/%.*$/, '')) !== 0) {
    const c = classifyAddress(bare);
    return `IPv${c.family}, ${c.description}.`;
  }
  if (bare === '*' || bare === '+') return 'Every interface (wildcard).';
  return `A host name: clients resolve it through DNS (or /etc/hosts, or a container network's DNS).`;
}

function bindMeaning(kind: BindAddressKind, address: string | null, svc: Service | null): string {
  const place = svc?.runtime === 'container' && !svc.hostNetwork ? 'this container' : 'this machine';
  switch (kind) {
    case 'all-ipv4':
      return `Every IPv4 interface of ${place}: reachable from wherever the network lets traffic in (published ports, the LAN). Clients type an address of ${place} or a name for it, never 0.0.0.0.`;
    case 'all':
      return `Every interface of ${place}, IPv4 and IPv6 (dual-stack unless IPV6_V6ONLY is set). Clients type an address or name of ${place}.`;
    case 'loopback':
      return `Loopback: ${place} only. ${place === 'this container' ? 'Nothing outside the container — not published ports, not other services — can reach it.' : 'Other machines and containers cannot reach it.'}${address !== null && isIP(unbracket(address)) !== 0 ? ` Only IPv${isIP(unbracket(address))}: clients typing "localhost" may try the other family first.` : ''}`;
    case 'specific':
      return `One interface's address. ${address ? describeAddress(address) : ''} The server is reachable only at this address.`;
    case 'name':
      return 'A host name where an address belongs: the server resolves it once at start-up and binds whatever address it gets.';
    case 'url':
      return 'A URL where an address belongs: a URL is what clients type, not what a server binds.';
    case 'default':
      return "No address given: the server's default applies (all interfaces for most servers, loopback for some development servers).";
  }
}
