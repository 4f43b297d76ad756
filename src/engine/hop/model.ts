// The hop: what one pass of the pipeline (resolve → connect → tunnel → TLS → exchange) takes and
// what it gives back. The first request of a diagnosis, each redirect, the TLS-interception check,
// the certificate check and the capped fetch are each one hop; pipeline.ts runs it.
import type { ClientHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Resolution } from '../dns/system';
import type { HopRequest } from '../httpRequest';
import type { ErrorInfo, Finding } from '../model/common';
import type { DnsAddress } from '../model/dns';
import type { ConnectionResult, HttpExchange, ProxyInfo, TargetInfo, TlsResult, WaterfallEntry } from '../model/report';
import { DEFAULTS, type DiagnoseOptions, type LookupFn, type Timeouts, type TrustStores } from '../options';
import type { Route } from '../proxy';
import type { Quiet } from '../quiet';
import type { ParsedTarget } from '../target';
import { VERSION } from '../version';

/** What every hop of one run shares: limits, clocks, injected inputs. A value; a hop never changes it. */
export interface HopContext {
  signal?: AbortSignal;
  timeouts: Timeouts;
  /** Monotonic milliseconds. */
  now: () => number;
  /** The run's start on `now`'s clock: waterfall entries count from here. */
  t0: number;
  lookup?: LookupFn;
  pinned: Readonly<Record<string, readonly DnsAddress[]>>;
  connectConcurrency: number;
  /** How many addresses of a name are connected to (DEFAULTS.maxAddresses); the rest are named, not probed. */
  maxAddresses: number;
  trust: TrustStores;
  expiryWarningDays: number;
  /** Wall-clock milliseconds for certificate dates; Date.now by default. */
  wallClock?: () => number;
  clientCertificate?: DiagnoseOptions['clientCertificate'];
  userAgent: string;
  maxBodyBytes: number;
  revealSecrets: boolean;
  log?: (message: string) => void;
  /** The run's timed windows: each step of a hop opens one, and the work beside waits for it (quiet.ts). */
  quiet?: Quiet;
}

/** The hop context of a diagnosis. */
export function hopContext(options: DiagnoseOptions, now: () => number, t0: number, quiet?: Quiet): HopContext {
  return {
    ...(quiet ? { quiet } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    timeouts: options.timeouts,
    now,
    t0,
    ...(options.lookup ? { lookup: options.lookup } : {}),
    pinned: options.pinned,
    connectConcurrency: options.connectConcurrency,
    maxAddresses: DEFAULTS.maxAddresses,
    trust: options.trust,
    expiryWarningDays: options.certExpiryWarningDays,
    ...(options.clientCertificate ? { clientCertificate: options.clientCertificate } : {}),
    userAgent: options.userAgent,
    maxBodyBytes: options.maxBodyBytes,
    revealSecrets: options.revealSecrets === true,
    ...(options.log ? { log: options.log } : {}),
  };
}

/** What a check outside a diagnosis (the certificate check, a capped fetch) says about its hop. */
export interface StandaloneOptions {
  /** For each step; the caller bounds the whole through `signal` when it must. */
  timeoutMs: number;
  signal?: AbortSignal;
  lookup?: LookupFn;
  pinned?: Readonly<Record<string, readonly DnsAddress[]>>;
  /** For a TLS hop; a plain-HTTP fetch has none. */
  trust?: TrustStores;
  expiryWarningDays?: number;
  wallClock?: () => number;
  clientCertificate?: DiagnoseOptions['clientCertificate'];
  maxBodyBytes?: number;
}

/** The hop context of a single check: every step may take the whole timeout; its own clock. */
export function standaloneContext(o: StandaloneOptions): HopContext {
  const now = (): number => performance.now();
  const t = o.timeoutMs;
  return {
    ...(o.signal ? { signal: o.signal } : {}),
    timeouts: { dnsMs: t, connectMs: t, tlsMs: t, httpMs: t },
    now,
    t0: now(),
    ...(o.lookup ? { lookup: o.lookup } : {}),
    pinned: o.pinned ?? {},
    connectConcurrency: DEFAULTS.connectConcurrency,
    maxAddresses: DEFAULTS.maxAddresses,
    trust: o.trust ?? { node: [], os: [], extra: [] },
    expiryWarningDays: o.expiryWarningDays ?? DEFAULTS.certExpiryWarningDays,
    ...(o.wallClock ? { wallClock: o.wallClock } : {}),
    ...(o.clientCertificate ? { clientCertificate: o.clientCertificate } : {}),
    userAgent: `netdiag/${VERSION}`,
    maxBodyBytes: o.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    revealSecrets: false,
  };
}

export interface HopSpec {
  target: TargetInfo;
  /** Credentials from the target URL, sent as Basic authorization (never in the URL). */
  auth?: ParsedTarget['auth'];
  route: Route;
  /** The request; null: connect and handshake only, and the caller gets the open connection. */
  request: HopRequest | null;
  /** A later hop of a redirect chain: its connect and TLS steps say "(redirect)", its findings name its URL. */
  redirect?: boolean;
  /** The SNI and the name the certificate must cover, when not the target host (`cert --servername`). */
  servername?: string | null;
  /** ALPN to offer; by default what the scheme speaks (h2 and http/1.1 for https). */
  alpn?: string[];
  /** An open connection to the same origin (HTTP keep-alive) to send the request on. */
  reuse?: Connection;
  /**
   * False: once an address carried the hop, the connects to the others are stopped (a side check
   * has no use for them). True (the default): they finish beside, for the report.
   */
  probeOthers?: boolean;
  /** Keep the response body (the capped fetch); otherwise it is only counted. */
  keepBody?: boolean;
  /**
   * Settles once the caller has read what the kernel knows of the connection (TCP_INFO): the hop
   * closes the sockets it would close, and an HTTP/2 session it ended, only then, without waiting
   * for it itself.
   */
  holdOpen?: Promise<void>;
}

/** An open connection a hop hands back; the caller owns it and closes it. */
export interface Connection {
  /** What the next exchange talks on: the TLS socket, or the TCP one. */
  socket: Socket;
  /** `scheme://host:port`: the origin it may carry requests for. */
  origin: string;
  /** The ALPN protocol TLS negotiated, or null. */
  alpn: string | null;
  /** HTTP/2: the session the last exchange left open, which the next request is sent on. */
  session?: ClientHttp2Session;
  route: Route;
  close(): void;
}

/** What a hop measured about its proxy: the ProxyInfo fields a connection fills in. */
export type ProxyLeg = Pick<ProxyInfo, 'address' | 'connectMs' | 'tunnelStatus' | 'tunnelMs' | 'authenticate' | 'error'>;

/** Where a hop can stop: `route` when its route is unusable (an invalid proxy), before anything is sent. */
export type HopStage = 'route' | 'resolve' | 'connect' | 'tunnel' | 'tls' | 'exchange';

/**
 * One hop's part of the report, filled in as the hop runs. The orchestrator copies fields from it
 * into the Report; never the part as a whole: its route carries the proxy's credentials.
 */
export interface HopPart {
  target: TargetInfo;
  route: Route;
  /** How the host connected to (the target's, or the proxy's) resolved; null before, or on a reused connection. */
  resolution: Resolution | null;
  /** The addresses connected to: the first `maxAddresses` of the resolution, in its order. */
  probed: DnsAddress[];
  /** The addresses beyond them, left out (TCP_ADDRESSES_NOT_PROBED). */
  notProbed: DnsAddress[];
  /** Each connect as it ends; once `connectsDone`, every one in the OS order. */
  connections: ConnectionResult[];
  connectsDone: boolean;
  /** The connection that carried the hop (`used: true`), once elected. */
  used: ConnectionResult | null;
  /** With a proxy: its address, connect time, tunnel and failure. */
  proxy: ProxyLeg | null;
  tls: TlsResult | null;
  exchange: HttpExchange | null;
  /** Where the hop ended early, and why; null when it ran to its end. */
  stopped: { stage: HopStage; error: ErrorInfo } | null;
  /** Of this hop's connection: DNS, TCP connect (plus CONNECT) and TLS. */
  timings: { dnsMs: number; connectMs: number; tlsMs: number };
  findings: Finding[];
  waterfall: WaterfallEntry[];
}

export interface HopOutcome {
  part: HopPart;
  /** Open after a request the server keeps alive, or after a request-less hop; else null. */
  connection: Connection | null;
  /** Settles when the connects beside the one used have ended and their findings are in `part`. */
  beside: Promise<void>;
  /**
   * Settles when `part.tls` holds the chain described (with its findings): after a request, that
   * waits for the run's quiet (pipeline.ts, handshake), so the hop ends without waiting for it.
   */
  described: Promise<void>;
  /** With `keepBody`: the response body, up to the cap. */
  body?: Buffer;
}

/** Each step that changed the part, as it happens: for streaming partial reports. */
export type HopObserver = (event: HopEvent, part: HopPart) => void;
export type HopEvent = 'resolved' | 'connect' | 'connects-done' | 'connected' | 'tunnel' | 'tls' | 'exchange';

/** `scheme://host:port` of a URL: what a kept-alive connection may be reused for. */
export function originOf(url: string): string {
  const u = new URL(url.replace(/%[^\]]*\]/, ']'));
  return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80')}`;
}

/** Whether a kept connection can still carry a request: its socket, and its HTTP/2 session if any, still open. */
export function isOpen(connection: Connection): boolean {
  const { session } = connection;
  return !connection.socket.destroyed && (session === undefined || (!session.closed && !session.destroyed));
}
