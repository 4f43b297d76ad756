// The picture of the internet protocol suite for one diagnosis, as the textbook draws it: each
// layer with the client's protocol data in one line, what the connection passes across at that
// layer (routers from the route trace and a NAT at the internet layer, the next hop at the link
// layer, proxies and CDNs at the application layer), and the server's line. Built from the
// report's parts, so a route trace added later redraws it the same way. Pure.
import { ROLE_TITLES } from '../intermediaries';
import type { LayerName } from '../model/common';
import type { Report } from '../model/report';
import type { PathElement, StackRow } from '../model/stack';
import { commonName } from '../tls/distinguishedName';
import { natHint } from './layers';
import { endpoint, ipLine, linkLine, nextHopLine, tcpLine } from './words';

/** What each layer does, in one sentence; docs/layers.md explains each with Netdiag's own examples. */
export const LAYER_ABOUT: Readonly<Record<LayerName, string>> = {
  application: 'What the programs say to each other: HTTP here. DNS, the lookup before it, is an application protocol too.',
  tls: 'Encrypts the bytes and proves the server owns the name, with its certificate chain.',
  transport: 'Carries bytes between two processes by port; TCP resends what is lost and paces itself to the path.',
  internet: 'Routes packets by IP address, router to router, best effort: they may be lost, duplicated or reordered.',
  link: 'Moves frames to the next hop on the same link by MAC address: Ethernet, Wi-Fi, a tunnel, or loopback.',
};

export type PictureInput = Pick<Report, 'target' | 'connections' | 'link' | 'internet' | 'tls' | 'http' | 'proxy' | 'intermediaries' | 'route' | 'request'>;

export function stackRows(r: PictureInput): StackRow[] {
  return (['application', 'tls', 'transport', 'internet', 'link'] as const).map((layer) => ({ layer, about: LAYER_ABOUT[layer], ...row(layer, r) }));
}

function row(layer: LayerName, r: PictureInput): Omit<StackRow, 'layer' | 'about'> {
  const used = r.connections.find((c) => c.used);
  const shown = used ?? r.connections.find((c) => c.route !== undefined) ?? r.connections[0];
  switch (layer) {
    case 'application': {
      const reqs = r.http?.requests ?? [];
      const first = reqs[0];
      const last = reqs[reqs.length - 1];
      const path: PathElement[] = [];
      if (r.proxy?.url) path.push({ kind: 'proxy', label: r.proxy.url, detail: r.proxy.mode === 'tunnel' ? 'CONNECT tunnel' : 'forward proxy', status: r.proxy.error ? 'fail' : 'ok', ...(r.proxy.address ? { address: r.proxy.address } : {}) });
      for (const i of r.intermediaries ?? []) path.push({ kind: i.role, label: i.name, detail: `${ROLE_TITLES[i.role]}: ${i.evidence.join('; ')}`, status: 'ok' });
      if (r.target.application === 'none') return { client: `${r.target.scheme}: connect${r.target.tls ? ' and handshake' : ''} only (Netdiag does not speak it)`, path, server: null };
      const method = r.request?.method ?? first?.method ?? 'GET';
      const client = `${method} ${r.target.path}${first?.httpVersion ? ` (HTTP/${first.httpVersion === '2.0' ? '2' : first.httpVersion})` : ''}`;
      let server: string | null = null;
      if (last) {
        const software = typeof last.headers['server'] === 'string' ? ` · ${last.headers['server']}` : '';
        server = last.status === null ? `no response: ${last.error?.message ?? 'unknown error'}` : `HTTP/${last.httpVersion === '2.0' ? '2' : (last.httpVersion ?? '?')} ${last.status} ${last.statusText}${software}`.trim();
      }
      return { client, path, server };
    }
    case 'tls': {
      if (!r.target.tls) return { client: `none: ${r.target.scheme}:// is not encrypted from the first byte`, path: [], server: null };
      const t = r.tls;
      if (!t) return { client: null, path: [], server: null };
      if (t.error) return { client: `TLS handshake failed: ${t.error.message}`, path: [], server: null };
      const leaf = t.chain[0];
      const client = [`${(t.protocol ?? 'TLS').replace('TLSv', 'TLS ')} ${t.cipher ?? ''}`.trim(), t.servername ? `SNI ${t.servername}` : 'no SNI', t.alpn ? `ALPN ${t.alpn}` : null].filter(Boolean).join(', ');
      const server = leaf ? `certificate ${commonName(leaf.subject) ?? leaf.subject}, ${t.verification.trusted ? 'trusted' : 'not trusted'}` : null;
      const path: PathElement[] = r.proxy?.url && r.proxy.mode === 'tunnel' ? [{ kind: 'tunnel', label: 'through the proxy\'s CONNECT tunnel', status: 'ok' }] : [];
      return { client, path, server };
    }
    case 'transport': {
      if (!shown) return { client: null, path: [], server: null };
      const client = shown.ok ? tcpLine(shown) : `TCP → ${endpoint(shown.address, shown.port)}: ${shown.error?.code ?? 'failed'}`;
      const server = shown.ok ? `TCP port ${shown.port}, accepted in ${shown.durationMs} ms` : shown.error?.code === 'ECONNREFUSED' ? `port ${shown.port} closed (refused)` : null;
      const path: PathElement[] = r.proxy?.url ? [{ kind: 'proxy', label: 'TCP ends at the proxy; it opens its own connection', status: 'ok' }] : [];
      return { client, path, server };
    }
    case 'internet': {
      if (!shown) return { client: null, path: [], server: null };
      const remote = r.internet.remote.find((a) => a.address === shown.address);
      const path: PathElement[] = [];
      if (shown.route?.viaTunnel) path.push({ kind: 'tunnel', label: `tunnel ${shown.route.interface}`, status: 'ok' });
      const trace = r.route?.hops ?? [];
      if (trace.length > 0) {
        for (const h of trace) {
          if (h.address === shown.address) continue;
          path.push({ kind: 'router', label: h.address === null && h.name === null ? `hop ${h.ttl}: no reply` : `hop ${h.ttl}: ${h.name ?? h.address}`, ...(h.address !== null ? { address: h.address } : {}), ...(h.rttMs.length > 0 ? { detail: `${Math.min(...h.rttMs)} ms${h.note ? `, ${h.note}` : ''}` } : h.note ? { detail: h.note } : {}), status: h.address === null && h.name === null ? 'warn' : 'ok' });
        }
      } else if (shown.route?.gateway !== undefined) {
        path.push({ kind: 'router', label: `gateway ${shown.route.gateway}`, address: shown.route.gateway, detail: 'the first router; trace the route for the rest', status: 'ok' });
      }
      const nat = natHint(r.internet.local, remote);
      if (nat) path.push({ kind: 'nat', label: 'NAT (inferred)', detail: nat, status: 'ok' });
      return { client: ipLine(shown), path, server: `IPv${shown.family} ${shown.address}${remote ? ` (${remote.class})` : ''}` };
    }
    case 'link': {
      const l = (used?.link ? used : r.connections.find((c) => c.link !== undefined))?.link;
      if (!l) {
        const itf = r.link?.interface;
        return { client: itf ? `${itf.name}${itf.internal ? ' (loopback)' : ''}${itf.mac ? `, ${itf.mac}` : ''}` : null, path: [], server: null };
      }
      const hop = l.nextHop;
      const path: PathElement[] = hop ? [{ kind: 'neighbour', label: nextHopLine(hop), address: hop.address, status: hop.state === 'failed' || hop.state === 'incomplete' ? 'fail' : hop.state === 'none' || hop.state === 'unknown' ? 'warn' : 'ok' }] : [];
      const server = l.kind === 'loopback' ? 'the same machine: no frame leaves it' : hop?.role === 'destination' && hop.mac ? `${hop.mac}, on the same link` : null;
      return { client: linkLine(l), path, server };
    }
  }
}
