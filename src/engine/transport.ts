// TCP: connect to each address of the target, and explain the failures.
//
// API, from low to high level:
// - connectTcp(address, family, port, opts): one connect under its own deadline. Never throws;
//   gives the ConnectionResult and, when it worked, the open socket (Nagle off). Its durationMs
//   runs from the socket's 'connectionAttempt' event, which Node emits right before it calls
//   connect(2), to its 'connect' event, the first JavaScript that learns the handshake is done:
//   the socket's construction and Node's own set-up before the system call are not network time.
// - startConnects(addresses, port, opts): the orchestrator's entry point. Connects to every
//   address (at most `concurrency` at once, started in input order) and returns two promises:
//   `primary` settles as soon as the first address *in input (OS) order* that works is known:
//   that address connected and every address before it failed. Its socket is handed over for
//   TLS/HTTP at that moment, without waiting for slower addresses, so the critical path is one
//   connect when the first address works. `done` settles when every connect has ended, with
//   results in input order; every socket except the primary's is closed by then.
// - transportFindings(host, results): TCP_* findings from the results.
//
// A socket handed to the caller carries a no-op 'error' listener: an 'error' event without
// listeners is thrown by EventEmitter and would crash the process between our hand-over and the
// caller attaching its own. Every other listener still sees the error.
import net from 'node:net';
import { deadline, ms, ProbeTimeoutError, reasonOf } from './abort';
import { finding } from './findings';
import type { FindingCode } from './findings';
import type { ErrorInfo, Family, Finding } from './model/common';
import type { DnsAddress } from './model/dns';
import type { ConnectionResult } from './model/report';

export interface ConnectOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Monotonic milliseconds. */
  now: () => number;
  /** IPv6 zone id for link-local addresses (`eth0`). */
  zoneId?: string;
}

export interface ConnectOutcome {
  result: ConnectionResult;
  /** The open socket when `result.ok`, else null. */
  socket: net.Socket | null;
  /** When the attempt started on `now`'s clock (connect(2), or the call when it never got there). */
  startedAt: number;
}

const ignoreError = (): void => undefined;

export function connectTcp(address: string, family: Family, port: number, opts: ConnectOptions): Promise<ConnectOutcome> {
  let start = opts.now();
  const base = { address, family, port };
  const d = deadline(opts.signal, opts.timeoutMs, `TCP connect to ${hostPort(address, family, port)}`);
  return new Promise<ConnectOutcome>((resolve) => {
    const fail = (code: string, socket: net.Socket | null): void => {
      const end = opts.now();
      d.dispose();
      socket?.destroy();
      resolve({ result: { ...base, ok: false, durationMs: ms(end - start), error: describeConnectError(code, address, family, port, opts.timeoutMs) }, socket: null, startedAt: start });
    };
    if (d.signal.aborted) {
      fail(codeOfAbort(d.signal), null);
      return;
    }
    const host = family === 6 && opts.zoneId ? `${address}%${opts.zoneId}` : address;
    // net.connect() is this pair; made apart, a connect() that throws still leaves the socket
    // (and the handle it already made) to destroy.
    const socket = new net.Socket();
    try {
      // family pins the literal: no lookup and no happy-eyeballs inside Node (autoSelectFamily).
      socket.connect({ host, port, family, autoSelectFamily: false });
    } catch (err) {
      // Synchronous throws are argument errors (a bad zone id, a port Node refuses).
      fail((err as NodeJS.ErrnoException).code ?? 'EINVAL', socket);
      return;
    }
    const onAbort = (): void => {
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      socket.on('error', ignoreError);
      fail(codeOfAbort(d.signal), socket);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      d.signal.removeEventListener('abort', onAbort);
      socket.removeListener('connect', onConnect);
      socket.on('error', ignoreError);
      fail(err.code ?? 'UNKNOWN', socket);
    };
    const onConnect = (): void => {
      const end = opts.now();
      d.signal.removeEventListener('abort', onAbort);
      d.dispose();
      socket.removeListener('error', onError);
      socket.on('error', ignoreError);
      socket.setNoDelay(true);
      const result: ConnectionResult = { ...base, ok: true, durationMs: ms(end - start) };
      if (socket.localAddress !== undefined) result.localAddress = socket.localAddress;
      if (socket.localPort !== undefined) result.localPort = socket.localPort;
      resolve({ result, socket, startedAt: start });
    };
    // Node ≥ 20.12 emits it synchronously before connect(2); older versions keep the call's time.
    socket.once('connectionAttempt', () => (start = opts.now()));
    socket.once('connect', onConnect);
    socket.once('error', onError);
    d.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function codeOfAbort(signal: AbortSignal): string {
  return reasonOf(signal) instanceof ProbeTimeoutError ? 'ETIMEDOUT' : 'CANCELLED';
}

function hostPort(address: string, family: Family, port: number): string {
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Node's error code → a sentence that says what it means for this address, in plain words. */
export function describeConnectError(code: string, address: string, family: Family, port: number, timeoutMs: number): ErrorInfo {
  const where = hostPort(address, family, port);
  const messages: Record<string, string> = {
    ECONNREFUSED: `refused: nothing listens on ${where} or a firewall rejects the connection`,
    ETIMEDOUT: `timed out after ${timeoutMs} ms: filtered by a firewall, a wrong route, or the host is down`,
    EHOSTUNREACH: `host unreachable: no route to ${address} (a router answered "host unreachable", or the host did not answer ARP/neighbour discovery on the local network)`,
    ENETUNREACH:
      family === 6
        ? `network unreachable: this machine has no IPv6 route to ${address} (often: no IPv6 connectivity here at all)`
        : `network unreachable: this machine has no route to ${address} (no default route, or a VPN route is missing)`,
    ENETDOWN: `network down: the interface that routes to ${address} is down`,
    EHOSTDOWN: `host down: ${address} does not answer on the local network`,
    ECONNRESET: `reset: the peer or a middlebox reset the connection to ${where} during the handshake`,
    EADDRNOTAVAIL: `no usable local address to reach ${address} (a link-local IPv6 address needs a zone id such as %eth0, or the interface lost its address)`,
    EACCES: `not permitted: a local firewall or security policy blocks connecting to ${where}`,
    EPERM: `not permitted: a local firewall or security policy blocks connecting to ${where}`,
    EINVAL: `invalid destination ${where} (a zone id that names no interface, or an address that cannot be connected to)`,
    CANCELLED: 'cancelled before the connection was established',
  };
  return { code, message: messages[code] ?? `connect to ${where} failed (${code})` };
}

export interface ConnectManyOptions extends ConnectOptions {
  /** How many connects run at once; they start in input order. */
  concurrency: number;
  /** Called as each connect ends (in completion order), for streaming progress; `startedAt` as in ConnectOutcome. */
  onResult?: (result: ConnectionResult, startedAt: number) => void;
}

/**
 * Runs connectTcp for every address with a concurrency bound and calls `settled` as each ends;
 * `settled` owns the socket it gets. Addresses not started before cancellation end as CANCELLED
 * without a connect.
 */
async function connectEach(addresses: readonly DnsAddress[], port: number, opts: ConnectManyOptions, settled: (index: number, outcome: ConnectOutcome) => void): Promise<ConnectionResult[]> {
  const results = new Array<ConnectionResult>(addresses.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < addresses.length) {
      const index = next++;
      const { address, family } = addresses[index]!;
      const outcome = opts.signal?.aborted
        ? { result: { address, family, port, ok: false, durationMs: 0, error: describeConnectError('CANCELLED', address, family, port, opts.timeoutMs) }, socket: null, startedAt: opts.now() }
        : await connectTcp(address, family, port, opts);
      results[index] = outcome.result;
      settled(index, outcome);
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency, addresses.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

export interface ConnectRun {
  /** The first address in input order that connects, once every earlier one has failed; null when none connects. The socket is the caller's. */
  primary: Promise<(ConnectOutcome & { index: number; socket: net.Socket }) | null>;
  /** Every result, in input order; all sockets but the primary's are closed. */
  done: Promise<ConnectionResult[]>;
}

export function startConnects(addresses: readonly DnsAddress[], port: number, opts: ConnectManyOptions): ConnectRun {
  const outcomes = new Array<ConnectOutcome | undefined>(addresses.length);
  let elected = false;
  let resolvePrimary!: (value: Awaited<ConnectRun['primary']>) => void;
  const primary = new Promise<Awaited<ConnectRun['primary']>>((resolve) => (resolvePrimary = resolve));

  // Walks the addresses in order: past failures, up to the first success (elected) or the first
  // still-running connect (wait for it). Sockets that can no longer win are closed.
  const elect = (): void => {
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i];
      if (o === undefined) return;
      if (o.socket !== null) {
        elected = true;
        for (const other of outcomes) if (other !== o) other?.socket?.destroy();
        resolvePrimary({ ...o, index: i, socket: o.socket });
        return;
      }
    }
    elected = true;
    resolvePrimary(null);
  };

  const done = connectEach(addresses, port, opts, (index, outcome) => {
    if (elected) outcome.socket?.destroy();
    outcomes[index] = elected ? { ...outcome, socket: null } : outcome;
    if (!elected) elect();
    opts.onResult?.(outcome.result, outcome.startedAt);
  });
  if (addresses.length === 0) resolvePrimary(null);
  return { primary, done };
}

type TcpFailureCode = Extract<FindingCode, 'TCP_REFUSED' | 'TCP_TIMEOUT' | 'TCP_UNREACHABLE' | 'TCP_RESET'>;

/** Which finding an error code is; null for cancellation (the orchestrator reports CANCELLED once). */
function failureCode(error: ErrorInfo | undefined): TcpFailureCode | null {
  switch (error?.code) {
    case 'CANCELLED':
      return null;
    case 'ECONNREFUSED':
      return 'TCP_REFUSED';
    case 'ETIMEDOUT':
      return 'TCP_TIMEOUT';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'TCP_RESET';
    default:
      return 'TCP_UNREACHABLE';
  }
}

/**
 * Findings for the connects to `host`:
 * - one TCP_REFUSED / TCP_TIMEOUT / TCP_UNREACHABLE / TCP_RESET per failing address (subject:
 *   the address), merged into one (subject: the host) when several addresses all failed the
 *   same way and none worked;
 * - TCP_SOME_ADDRESSES_FAILED (subject: the host) when some work and some fail;
 * - for `localhost` where one family works and the other fails entirely, a single
 *   TCP_LOCALHOST_FAMILY_MISMATCH replaces both: it is one mistake (the server binds one
 *   loopback), not several.
 */
export function transportFindings(host: string, connections: readonly ConnectionResult[]): Finding[] {
  const failed = connections.filter((c) => !c.ok && failureCode(c.error) !== null);
  const working = connections.filter((c) => c.ok);
  if (failed.length === 0) return [];

  const mismatch = localhostMismatch(host, working, failed);
  if (mismatch) return [mismatch];

  const out: Finding[] = [];
  const codes = new Set(failed.map((c) => failureCode(c.error)));
  const [onlyCode] = codes;
  if (working.length === 0 && failed.length > 1 && codes.size === 1 && onlyCode) {
    const list = failed.map((c) => `${c.address}: ${c.error?.message ?? 'failed'}`).join('; ');
    out.push(finding(onlyCode, `All ${failed.length} addresses of ${host} failed the same way. ${list}`, host));
  } else {
    for (const c of failed) {
      const code = failureCode(c.error);
      if (code) out.push(finding(code, `${hostPort(c.address, c.family, c.port)}: ${c.error?.message ?? 'failed'}`, c.address));
    }
  }
  if (working.length > 0) {
    const bad = failed.map((c) => c.address).join(', ');
    const good = working.map((c) => c.address).join(', ');
    out.push(finding('TCP_SOME_ADDRESSES_FAILED', `${host}: ${failed.length} of ${failed.length + working.length} addresses fail (${bad}); ${good} accept${working.length === 1 ? 's' : ''} connections.`, host));
  }
  return out;
}

function localhostMismatch(host: string, working: readonly ConnectionResult[], failed: readonly ConnectionResult[]): Finding | null {
  if (host.toLowerCase().replace(/\.$/, '') !== 'localhost' || working.length === 0) return null;
  const goodFamilies = new Set(working.map((c) => c.family));
  const badFamilies = new Set(failed.map((c) => c.family));
  if (goodFamilies.size !== 1 || badFamilies.size !== 1) return null;
  const [good] = goodFamilies;
  const [bad] = badFamilies;
  if (good === bad) return null;
  const goodAddr = working[0]!.address;
  const badAddr = failed[0]!.address;
  const kind = failed[0]!.error?.code === 'ECONNREFUSED' ? "'connection refused'" : `an error (${failed[0]!.error?.message ?? 'failed'})`;
  // Node 17+ keeps the resolver's order (often ::1 first); curl and browsers use happy eyeballs
  // but still try ::1 first when it is listed first. Old Node sorted IPv4 first.
  const who = bad === 6 ? 'clients that try ::1 first (Node 17+, curl, browsers…)' : 'clients that try 127.0.0.1 first (Node before 17, Java with preferIPv4Stack, many tools)';
  return finding(
    'TCP_LOCALHOST_FAMILY_MISMATCH',
    `localhost resolves to ${badAddr} and ${goodAddr}; the server accepts on ${goodAddr} only; ${who} get ${kind}.`,
    host,
  );
}
