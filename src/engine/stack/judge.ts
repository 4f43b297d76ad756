// What the OS's facts about the connections reveal, as findings: TCP resent data (loss on the
// path), the path carries smaller packets than the interface (a tunnel, the server's link, MSS
// clamping: the MTU black hole when ICMP is filtered), the route leaves through another interface
// than the default route, and the next hop never answered ARP or neighbour discovery. Pure, so a
// report with a route trace added later is judged again the same way.
import { isIP } from 'node:net';
import { finding } from '../findings';
import type { Finding } from '../model/common';
import type { ConnectionResult } from '../model/report';
import { endpoint } from './words';

/** The codes this module makes: replaced as a whole when a report is judged again. */
export const STACK_CODES: ReadonlySet<string> = new Set(['TCP_RETRANSMISSIONS', 'PATH_MTU_REDUCED', 'ROUTE_UNEXPECTED_INTERFACE', 'LINK_NEIGHBOUR_UNRESOLVED']);

/** A TLS or HTTP step of the diagnosed connection ended on a timeout. */
export function exchangeStalled(tlsErrorCode: string | undefined, httpErrorCode: string | undefined): boolean {
  return /TIMEOUT|ETIMEDOUT/.test(tlsErrorCode ?? httpErrorCode ?? '');
}

export interface JudgeContext {
  /** The exchange on the diagnosed connection stalled (an HTTP or TLS timeout): with a reduced MTU, a black hole. */
  stalled: boolean;
}

export function stackFindings(connections: readonly ConnectionResult[], ctx: JudgeContext): Finding[] {
  const findings: Finding[] = [];
  const used = connections.find((c) => c.used);
  const tcp = used?.tcp;
  if (used && tcp) {
    const where = endpoint(used.address, used.port);
    // Retransmissions the server said it already had (DSACK) lost nothing: a probe sent early on a busy host.
    const lost = tcp.retransmits - (tcp.spuriousRetransmits ?? 0);
    if (lost > 0) {
      const spurious = tcp.spuriousRetransmits ? ` (${tcp.retransmits} in all; the server already had ${tcp.spuriousRetransmits})` : '';
      findings.push(finding('TCP_RETRANSMISSIONS', `TCP resent ${lost} segment(s) to ${where} on this connection${spurious}: packets on the way to the server were lost${tcp.outOfOrder > 0 ? `, and ${tcp.outOfOrder} of the server's arrived out of order (lost and resent on the way back, or reordered)` : ''}.`, where));
    } else if (tcp.outOfOrder > 0) {
      findings.push(finding('TCP_RETRANSMISSIONS', `${tcp.outOfOrder} segment(s) from ${where} arrived out of order: the server resent what was lost on the way to you, or the path reorders packets.`, where));
    }
  }
  // Loopback never leaves this machine; its MTU (65536) is above IP's largest packet (65535).
  if (used && !used.route?.local && used.link?.kind !== 'loopback') {
    const mtu = used.link ? Math.min(used.link.mtu, 65535) : undefined;
    const viaTcp = tcp?.pathMtu;
    const viaRoute = used.route?.pmtu;
    const path = Math.min(viaTcp ?? Infinity, viaRoute ?? Infinity);
    if (mtu !== undefined && Number.isFinite(path) && path < mtu) {
      const evidence = viaTcp === path && tcp ? `TCP's MSS is ${tcp.mss}` : used.route?.pmtuSource === 'trace' ? 'the route trace measured it' : 'the kernel learnt it from an ICMP "packet too big"';
      findings.push(
        finding(
          'PATH_MTU_REDUCED',
          `The path to ${used.address} carries packets of at most ${path} bytes (${evidence}), less than the ${used.link?.mtu ?? mtu} of ${used.link?.interface ?? 'the interface'}: a tunnel, PPPoE, the server's own link or MSS clamping is on the way.${ctx.stalled ? ' The exchange stalled: if ICMP "packet too big" is filtered on the way, this is an MTU black hole.' : ''}`,
          used.address,
        ),
      );
    }
  }
  const seen = new Set<string>();
  for (const c of connections) {
    const r = c.route;
    if (r?.defaultInterface !== undefined && (r.gateway !== undefined || r.viaTunnel) && !seen.has(`route ${c.address}`)) {
      seen.add(`route ${c.address}`);
      const how = r.viaTunnel ? `the tunnel ${r.interface}` : `${r.interface} (gateway ${r.gateway ?? ''})`;
      findings.push(finding('ROUTE_UNEXPECTED_INTERFACE', `${c.address} leaves through ${how}, not through ${r.defaultInterface} where the default route points: a more specific route, a VPN or a policy rule takes it.`, c.address));
    }
    const hop = c.link?.nextHop;
    if (hop && (hop.state === 'failed' || hop.state === 'incomplete') && !seen.has(`neighbour ${hop.address}`)) {
      seen.add(`neighbour ${hop.address}`);
      const protocol = isIP(hop.address) === 6 ? 'neighbour discovery (NDP)' : 'ARP';
      findings.push(finding('LINK_NEIGHBOUR_UNRESOLVED', `${hop.address}, the ${hop.role === 'gateway' ? 'gateway' : 'destination'} on ${c.link?.interface ?? 'the link'}, did not answer ${protocol}: the neighbour table says ${hop.state}, so no frame could be addressed to it.`, hop.address));
    }
  }
  return findings;
}
