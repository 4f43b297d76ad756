// Intermediaries read from a response's headers: the CDN, cache, load balancer or reverse proxy
// that handled it on the way. Pure; header names lower case, as in HttpExchange. Only headers
// that name or show an intermediary count: Server alone names the origin's software, unless it
// is a known edge (cloudflare, AkamaiGHost…) or load balancer (awselb, envoy…).
import type { IntermediaryRole } from './model/common';
import type { Intermediary } from './model/report';

type Headers = Readonly<Record<string, string | string[]>>;

const ROLE_ORDER: Record<IntermediaryRole, number> = { cdn: 0, proxy: 1, cache: 2, 'load-balancer': 3, 'reverse-proxy': 4 };

/** Server header values (lower case, prefix) that are an edge or balancer, not the origin. */
const KNOWN_SERVERS: readonly [RegExp, IntermediaryRole, string][] = [
  [/^cloudflare/i, 'cdn', 'Cloudflare'],
  [/^akamaighost/i, 'cdn', 'Akamai'],
  [/^cloudfront/i, 'cdn', 'Amazon CloudFront'],
  [/^awselb/i, 'load-balancer', 'AWS Elastic Load Balancing'],
  [/^envoy/i, 'load-balancer', 'Envoy'],
  [/^haproxy/i, 'load-balancer', 'HAProxy'],
  [/^traefik/i, 'reverse-proxy', 'Traefik'],
  [/^varnish/i, 'cache', 'Varnish'],
  [/^squid/i, 'proxy', 'Squid'],
  [/^(?:ats|apachetrafficserver)/i, 'cache', 'Apache Traffic Server'],
];

export function readIntermediaries(headers: Headers): Intermediary[] {
  const found = new Map<string, Intermediary>();
  const add = (role: IntermediaryRole, name: string, evidence: string): void => {
    const existing = found.get(name);
    if (existing) {
      if (!existing.evidence.includes(evidence)) existing.evidence.push(evidence);
      if (ROLE_ORDER[role] < ROLE_ORDER[existing.role]) existing.role = role;
    } else found.set(name, { role, name, evidence: [evidence] });
  };
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const shown = (name: string): string => `${name}: ${one(name) ?? ''}`;

  if (one('cf-ray') !== undefined) add('cdn', 'Cloudflare', shown('cf-ray'));
  if (one('cf-cache-status') !== undefined) add('cdn', 'Cloudflare', shown('cf-cache-status'));
  if (one('x-amz-cf-id') !== undefined) add('cdn', 'Amazon CloudFront', shown('x-amz-cf-id'));
  if (one('x-amz-cf-pop') !== undefined) add('cdn', 'Amazon CloudFront', shown('x-amz-cf-pop'));
  if (one('x-azure-ref') !== undefined) add('cdn', 'Azure Front Door', shown('x-azure-ref'));
  if (one('x-fastly-request-id') !== undefined) add('cdn', 'Fastly', shown('x-fastly-request-id'));
  const servedBy = one('x-served-by');
  // Fastly names its cache nodes cache-<pop>… (docs.fastly.com "Understanding cache HIT and MISS headers").
  if (servedBy !== undefined) add(/(^|,\s*)cache-/i.test(servedBy) ? 'cdn' : 'reverse-proxy', /(^|,\s*)cache-/i.test(servedBy) ? 'Fastly' : servedBy.split(',')[0]!.trim(), shown('x-served-by'));
  if (one('x-envoy-upstream-service-time') !== undefined) add('load-balancer', 'Envoy', shown('x-envoy-upstream-service-time'));

  const server = one('server');
  if (server !== undefined) {
    const known = KNOWN_SERVERS.find(([re]) => re.test(server.trim()));
    if (known) add(known[1], known[2], shown('server'));
  }

  // RFC 9110 §7.6.3: Via entries are `protocol received-by [comment]`, one per intermediary.
  for (const entry of (one('via') ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const m = /^(?:[a-z]+\/)?[\d.]+\s+(\S+)(?:\s+\((.*)\))?/i.exec(entry);
    const receivedBy = m?.[1] ?? entry;
    const comment = m?.[2] ?? '';
    const text = `${receivedBy} ${comment}`;
    if (/cloudfront/i.test(text)) add('cdn', 'Amazon CloudFront', `via: ${entry}`);
    else if (/varnish/i.test(text)) add(servedBy !== undefined && /cache-/i.test(servedBy) ? 'cdn' : 'cache', servedBy !== undefined && /cache-/i.test(servedBy) ? 'Fastly' : 'Varnish', `via: ${entry}`);
    else if (/squid/i.test(text)) add('proxy', `Squid (${receivedBy})`, `via: ${entry}`);
    else if (/akamai/i.test(text)) add('cdn', 'Akamai', `via: ${entry}`);
    else if (/google/i.test(text)) add('load-balancer', 'Google Cloud Load Balancing', `via: ${entry}`);
    else add('proxy', comment !== '' ? `${receivedBy} (${comment})` : receivedBy, `via: ${entry}`);
  }

  const xcache = one('x-cache');
  if (xcache !== undefined) {
    const from = /\bfrom\s+(\S+)/i.exec(xcache)?.[1];
    const cacheLike = [...found.values()].find((i) => i.role === 'cdn' || i.role === 'cache' || i.role === 'proxy');
    const owner = from !== undefined && /cloudfront/i.test(from) ? 'Amazon CloudFront' : (cacheLike?.name ?? from ?? 'A cache');
    add(found.get(owner)?.role ?? (owner === 'Amazon CloudFront' ? 'cdn' : 'cache'), owner, shown('x-cache'));
  }
  const age = one('age');
  if (age !== undefined && /^\d+$/.test(age.trim())) {
    // RFC 9111 §5.1: Age is set by a cache; the response was stored for that many seconds.
    const cache = [...found.values()].find((i) => i.role === 'cdn' || i.role === 'cache' || i.role === 'proxy');
    add(cache?.role ?? 'cache', cache?.name ?? 'A cache', `age: ${age.trim()} (served from a cache, ${age.trim()} s old)`);
  }

  const forwarded = ['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip'].filter((n) => one(n) !== undefined);
  if (forwarded.length > 0) {
    const proxy = [...found.values()].find((i) => i.role === 'reverse-proxy' || i.role === 'load-balancer');
    for (const n of forwarded) add(proxy?.role ?? 'reverse-proxy', proxy?.name ?? 'A reverse proxy', shown(n));
  }

  return [...found.values()].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

/** Protocol ids advertised in Alt-Svc (RFC 7838 §3), e.g. `h3`, `h3-29`; `clear` gives none. */
export function altSvcProtocols(headers: Headers): string[] {
  const raw = headers['alt-svc'];
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  if (value === undefined || value.trim() === 'clear') return [];
  const ids = new Set<string>();
  for (const m of value.matchAll(/(?:^|,)\s*([!#$%&'*+.^_`|~0-9a-z-]+)\s*=\s*"/gi)) ids.add(m[1]!.toLowerCase());
  return [...ids];
}

export const ROLE_TITLES: Readonly<Record<IntermediaryRole, string>> = {
  cdn: 'CDN',
  cache: 'cache',
  'load-balancer': 'load balancer',
  'reverse-proxy': 'reverse proxy',
  proxy: 'proxy',
};
