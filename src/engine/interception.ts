// TLS interception by a proxy: the chain a server presents through the proxy, compared with the
// one it presents directly. Runs beside a diagnosis through a proxy, as one request-less hop
// (connect + TLS) on the direct route.
import { finding } from './findings';
import type { HopContext } from './hop/model';
import { runHop } from './hop/pipeline';
import { DIRECT, type ParsedProxy } from './proxy';
import type { Finding, TargetInfo, TlsResult } from './report';
import { commonName } from './tls/distinguishedName';

/** Where only the proxy gets out, direct connects time out; this bounds how long the check waits for them. */
const DIRECT_CONNECT_MS = 3000;

/**
 * Another issuer directly than through the proxy means the proxy re-signs TLS (TLS_INTERCEPTED,
 * naming its CA). When no direct connection is possible, a chain that only the OS store or an
 * extra CA anchors is suspicious (TLS_INTERCEPTION_SUSPECTED). Never throws.
 */
export async function checkInterception(target: TargetInfo, proxied: TlsResult, proxy: ParsedProxy, ctx: HopContext): Promise<Finding[]> {
  const top = proxied.chain[proxied.chain.length - 1];
  if (!top) return [];
  const proxiedCa = top.selfSigned ? top.subject : top.issuer;
  const log = ctx.log;
  const direct = await runHop(
    { target, route: DIRECT, request: null, alpn: [] },
    { ...ctx, timeouts: { ...ctx.timeouts, connectMs: Math.min(ctx.timeouts.connectMs, DIRECT_CONNECT_MS) }, ...(log ? { log: (m: string) => log(`interception check: ${m}`) } : {}) },
  );
  direct.connection?.close();
  await direct.beside;
  const { part } = direct;
  let directNote: string;
  if (part.resolution?.addresses.length === 0) directNote = `${target.host} does not resolve here`;
  else if (part.used === null) directNote = `a direct connection to ${target.host}:${target.port} failed`;
  else {
    const chain = part.tls?.chain ?? [];
    const dTop = chain[chain.length - 1];
    if (!dTop) directNote = `the direct TLS handshake failed (${part.tls?.error?.message ?? 'no certificate'})`;
    else {
      const directCa = dTop.selfSigned ? dTop.subject : dTop.issuer;
      if (chain[0]?.fingerprint256 === proxied.chain[0]?.fingerprint256 || directCa === proxiedCa) return [];
      return [
        finding('TLS_INTERCEPTED', `Through the proxy ${proxy.url}, ${target.host} presents a certificate issued by "${commonNameOf(proxiedCa)}" (${proxiedCa}); directly it presents one issued by "${commonNameOf(directCa)}". ${commonNameOf(proxiedCa)} re-signs TLS on the way.`, target.host),
      ];
    }
  }
  const store = proxied.verification.store;
  if (store !== 'os' && store !== 'extra') return [];
  return [
    finding('TLS_INTERCEPTION_SUSPECTED', `Through the proxy ${proxy.url}, the chain of ${target.host} is anchored in "${commonNameOf(proxiedCa)}", which only the ${store === 'os' ? 'OS store' : 'extra CA files'} trust, not Node's bundled roots; ${directNote}, so it could not be compared.`, target.host),
  ];
}

/** A CA's name in a message: its CN, else its O, else the whole name. */
function commonNameOf(dn: string): string {
  return commonName(dn) ?? /(?:^|,\s*)O=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
}
