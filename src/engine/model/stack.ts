// The stack as it really is: what the operating system knows of each connection (the route the
// kernel chose, the interface and the next hop on the link, what TCP did), the name lookup as the
// application-layer exchange it is, and the picture of the internet protocol suite the views draw
// (the client's layers, the path across, the server's layers). Decided by the engine; the views
// only lay it out. Public contract (docs/report.md): fields are added, never renamed.
import type { LayerName, LayerStatus } from './common';
import type { HostsEntry } from './dns';

/** What an interface is, from the OS's own words for it. */
export type InterfaceKind = 'ethernet' | 'wifi' | 'loopback' | 'tunnel' | 'bridge' | 'veth' | 'vlan' | 'bond' | 'ppp' | 'other';

/**
 * The neighbour table's word for the next hop (Linux `ip neigh`, Windows `Get-NetNeighbor`):
 * `resolved` where the OS gives the MAC but no state (macOS `arp`), `none` when the table has no
 * entry for it (not resolved), `unknown` when the table could not be read.
 */
export type NeighbourState = 'reachable' | 'stale' | 'delay' | 'probe' | 'incomplete' | 'failed' | 'permanent' | 'noarp' | 'resolved' | 'none' | 'unknown';

/** The route the kernel chose for one destination (Linux `ip route get`, macOS `route -n get`, Windows `Find-NetRoute`). */
export interface RouteFacts {
  /** The router the packets go to first; absent when the destination is on the link itself, or this host. */
  gateway?: string;
  /** The interface the packets leave through. */
  interface: string;
  /** The source address: the connection's local address, or the one the kernel would pick. */
  source: string;
  /** The destination is this host (a `local` route: loopback, or one of its own addresses). */
  local?: boolean;
  /** The interface is a tunnel (WireGuard, tun, GRE, IPIP…): a VPN or an overlay carries the packets. */
  viaTunnel?: boolean;
  /** The default route's interface, given when this route leaves through another one (a more specific route: a VPN, a second network, policy routing). */
  defaultInterface?: string;
  /** The path MTU: the kernel's (learnt from an ICMP "packet too big"), or the smallest a route trace measured. */
  pmtu?: number;
  /** Where `pmtu` comes from. */
  pmtuSource?: 'kernel' | 'trace';
}

/** The next hop on the link: the gateway, or the destination itself when it is on the same link. */
export interface NextHop {
  address: string;
  /** Its link-layer (MAC) address, when the neighbour table holds one. */
  mac?: string;
  state: NeighbourState;
  role: 'gateway' | 'destination';
}

/** The interface a route leaves through (Linux `ip -d link` and /sys/class/net, macOS `ifconfig`, Windows `Get-NetAdapter`). */
export interface LinkFacts {
  interface: string;
  kind: InterfaceKind;
  /** The OS's own name for the kind or driver (veth, wireguard, tun, bridge, Native 802.11…), when it gives one. */
  driver?: string;
  mtu: number;
  mac?: string;
  /** The operational state in lower case: up, down, dormant, lowerlayerdown, unknown (loopback and tunnels often say unknown). */
  state: string;
  /** Megabits per second, where the OS says (physical links; virtual ones usually do not). */
  speedMbps?: number;
  /** Null for loopback and point-to-point links, which have no link-layer neighbour. */
  nextHop: NextHop | null;
}

/** What TCP did on the diagnosed connection: the kernel's TCP_INFO (Linux `ss -tin`), read after the exchange. */
export interface TcpFacts {
  /** The socket's state when read: ESTAB, CLOSE-WAIT… */
  state: string;
  /** The congestion control algorithm (cubic, bbr…), when the OS names it. */
  congestion?: string;
  /** Smoothed round-trip time and its mean deviation (tcpi_rtt, tcpi_rttvar). */
  rttMs: number;
  rttVarMs: number;
  minRttMs?: number;
  /** Segments this side sent again (tcpi_total_retrans): loss on the way to the server. */
  retransmits: number;
  /** Of those, the ones the server reported it already had (DSACK, RFC 2883; tcpi_dsack_dups): sent again though nothing was lost, as a tail-loss probe on a busy host does. */
  spuriousRetransmits?: number;
  /** Segments from the server that arrived out of order (tcpi_rcv_ooopack): it resent lost ones, or the path reorders. */
  outOfOrder: number;
  /** The largest segment this side sends (tcpi_snd_mss). */
  mss: number;
  /** The MSS this side announced (tcpi_advmss), from its own interface's MTU. */
  advmss?: number;
  /** Congestion window, in segments. */
  cwnd: number;
  /** The kernel's path MTU for the socket (tcpi_pmtu). */
  pmtu: number;
  /** The largest IP packet the connection carries: `pmtu`, or less when the MSS shows a smaller MTU on the way (the server's link, a tunnel, MSS clamping). */
  pathMtu: number;
  bytesSent?: number;
  bytesReceived?: number;
}

/** A fact the OS could not give, and why (a tool missing, another OS, a timeout). */
export interface UnavailableFact {
  fact: 'route' | 'link' | 'neighbour' | 'tcp' | 'resolver';
  reason: string;
  /** What it was about: an address, an interface. */
  subject?: string;
}

/** One layer's line in a lane: its protocol data, as the engine words it. */
export interface StackCell {
  layer: LayerName;
  text: string;
}

/** The name lookup: an application-layer exchange of its own (UDP or TCP to a resolver, or a hosts file), before the connection. */
export interface DnsExchange {
  /** The name looked up (ASCII). */
  name: string;
  status: LayerStatus;
  /** One line: what answered, with what, in how long. */
  summary: string;
  /**
   * Where the answer applications get came from: `hosts` (a hosts-file line), `dns` (the stub
   * resolver asked the resolvers of resolv.conf), `pinned` (`--resolve`), `system` (getaddrinfo
   * answered; its source unknown on this OS), `none` (nothing answered).
   */
  source: 'hosts' | 'dns' | 'pinned' | 'system' | 'none';
  /** The hosts-file line that answered. */
  hostsEntry?: HostsEntry;
  /** The resolvers the stub resolver asks (resolv.conf), and over which transport. */
  resolvers: { server: string; transport: 'udp' | 'tcp' }[];
  /** The system lookup's own layers, top to bottom (application, transport, internet). */
  cells: StackCell[];
  /** Netdiag's own wire queries beside it, one line each: `A www.example.com @10.0.0.53 over UDP → NOERROR, 93.184.216.34, 0.4 ms`. */
  queries: string[];
}

/** Something the connection passes across the path, at one layer. */
export interface PathElement {
  kind: 'router' | 'nat' | 'neighbour' | 'tunnel' | 'proxy' | 'cdn' | 'cache' | 'load-balancer' | 'reverse-proxy';
  label: string;
  detail?: string;
  address?: string;
  status: LayerStatus;
}

/** One layer of the picture: what it does, the client's line, what is across, the server's line. */
export interface StackRow {
  layer: LayerName;
  /** What the layer does, in one sentence (docs/layers.md explains it with examples). */
  about: string;
  /** The client's protocol data at this layer, in one line; null when not known (yet). */
  client: string | null;
  /** What the connection passes at this layer, client side first: routers, a NAT, the next hop on the link, proxies and CDNs. */
  path: PathElement[];
  /** The server's protocol data at this layer, in one line; null when not known. */
  server: string | null;
}

/** The stack of a diagnosis: the DNS exchange ahead of the connection, then the connection's layers. */
export interface StackReport {
  /** Null for an IP literal, and through a proxy (the proxy resolves the name). */
  dns: DnsExchange | null;
  /** Top to bottom: application, tls, transport, internet, link. */
  rows: StackRow[];
  /** `pending` until the OS's facts (route, link, neighbour, TCP_INFO) are read after the exchange; `not-asked` when the run was given no way to read them. */
  systemFacts: 'pending' | 'read' | 'not-asked';
  unavailable: UnavailableFact[];
}
