// The questions a TLS scan asks with hand-written hellos (helloCodec.ts), each answered by the
// first message the server sends back, never by a full handshake: which versions it speaks (SSL
// 2.0 to TLS 1.3), its suites per version in its own order, the key-exchange groups it accepts,
// and its ALPN protocols. A TLS 1.3 hello carries no key share, so a server that accepts answers
// with a HelloRetryRequest naming its suite and group (RFC 8446 §4.1.4) — no key generation, no
// signature — unless it refuses such hellos, when the scan sends real shares instead.
import { offerList, SSL2_CIPHER_KINDS, suiteOf } from './cipherSuites';
import { clientHello, sslv2ClientHello, TLS13 } from './helloCodec';
import type { HelloSpec } from './helloCodec';
import { sendHello } from './helloProbe';
import { groupName, keyShareFor, NAMED_GROUPS } from './namedGroups';
import { protocolName } from './rawHello';
import { handshaker } from './scanHandshake';
import type { HandshakeRequest, HandshakeResult } from './scanHandshake';
import type { Reply, Want } from './serverReply';
import type { ProtocolName } from '../model/tlsScan';
import type { ClientCertificate } from './scan';

export const VERSION_OF: Readonly<Record<Exclude<ProtocolName, 'SSLv2'>, number>> = { SSLv3: 0x0300, TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 };

/** How TLS 1.3 hellos are sent: without a key share (the server answers HelloRetryRequest), or with real ones. */
export type ShareMode = 'none' | 'real';

export type TlsReply = Extract<Reply, { kind: 'tls' }>;

export type LegacyName = 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2';

export interface VersionAnswer<N extends ProtocolName = ProtocolName> {
  name: N;
  supported: boolean;
  /** False when the probe got no answer (timeout, connection error): then nothing is known. */
  tested: boolean;
  note?: string;
  /** The reply that showed support: the first suite of the elimination, the flight up to TLS 1.2. */
  reply?: TlsReply;
  /** SSL 2.0: the cipher kinds the SERVER-HELLO listed. */
  ssl2Kinds?: number[];
}

/**
 * Connections to one server, at most `concurrency` at a time, counted. Probes on a sequential
 * path (the rounds of an elimination, a resumption's second handshake) jump the queue: the
 * independent ones (a group, an ALPN protocol) keep the server busy meanwhile, and the scan does
 * not end on a tail of rounds with the server idle between them.
 */
export class Prober {
  connections = 0;
  fullHandshakes = 0;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];
  private readonly full: (request: HandshakeRequest) => Promise<HandshakeResult>;

  constructor(
    readonly target: { host: string; port: number; sni: string | null; timeoutMs: number; signal: AbortSignal },
    private readonly concurrency: number,
    clientCertificate: ClientCertificate | undefined,
  ) {
    this.full = handshaker({ host: target.host, port: target.port, timeoutMs: target.timeoutMs, signal: target.signal, ...(clientCertificate ? { clientCertificate } : {}) });
  }

  hello(spec: HelloSpec | Buffer, want: Want, urgent = false): Promise<Reply> {
    return this.gate(urgent, () => {
      this.connections++;
      return sendHello(this.target, Buffer.isBuffer(spec) ? spec : clientHello(spec), want);
    });
  }

  handshake(request: HandshakeRequest, urgent = false): Promise<HandshakeResult> {
    return this.gate(urgent, () => {
      this.connections++;
      this.fullHandshakes++;
      return this.full(request);
    });
  }

  private async gate<T>(urgent: boolean, task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => (urgent ? this.urgent : this.queue).push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      (this.urgent.shift() ?? this.queue.shift())?.();
    }
  }
}

/** The hello for `version` offering `suites`, SNI as the scan sends it. */
function spec(p: Prober, version: number, suites: readonly number[], mode: ShareMode, extra: Partial<HelloSpec> = {}): HelloSpec {
  const keyShares = version >= TLS13 && mode === 'real' ? [{ group: 0x001d, key: keyShareFor(NAMED_GROUPS[0]!)! }] : [];
  return { version, suites, servername: p.target.sni, keyShares, ...extra };
}

export async function probeSsl2(p: Prober): Promise<VersionAnswer<'SSLv2'>> {
  const reply = await p.hello(sslv2ClientHello(SSL2_CIPHER_KINDS.map((k) => k.id)), 'ssl2');
  if (reply.kind === 'ssl2' && reply.version === 0x0002) return { name: 'SSLv2', supported: true, tested: true, ssl2Kinds: reply.cipherKinds };
  return refusal('SSLv2', reply);
}

/**
 * SSL 3.0 to TLS 1.2: a hello of that version with every suite; read up to ServerHelloDone,
 * whose Certificate and CertificateStatus show the chain and the staple in the clear.
 */
export async function probeLegacy<N extends LegacyName>(p: Prober, name: N): Promise<VersionAnswer<N>> {
  const version = VERSION_OF[name];
  const reply = await p.hello(spec(p, version, offerList(false), 'none', { statusRequest: true }), 'flight');
  if (reply.kind === 'tls' && reply.hello.version === version) return { name, supported: true, tested: true, reply };
  return refusal(name, reply);
}

/** TLS 1.3 without a key share; when refused, once more with an X25519 share (mode 'real'). */
export async function probeTls13(p: Prober): Promise<VersionAnswer<'TLSv1.3'> & { mode: ShareMode }> {
  let answer: VersionAnswer<'TLSv1.3'> | null = null;
  for (const mode of ['none', 'real'] as const) {
    const reply = await p.hello(spec(p, TLS13, offerList(true), mode), 'hello');
    if (reply.kind === 'tls' && reply.hello.version === TLS13) return { name: 'TLSv1.3', supported: true, tested: true, reply, mode };
    answer = refusal('TLSv1.3', reply);
    if (reply.kind !== 'refused') break;
  }
  return { ...answer!, mode: 'none' };
}

function refusal<N extends ProtocolName>(name: N, reply: Reply): VersionAnswer<N> {
  if (reply.kind === 'tls') return { name, supported: false, tested: true, note: `the server answered with ${protocolName(reply.hello.version)}` };
  if (reply.kind === 'ssl2') return { name, supported: false, tested: true, note: 'the server answered in SSL 2.0' };
  if (reply.kind === 'refused') return { name, supported: false, tested: true, note: reply.message };
  // Garbage is an answer too (not this protocol); a timeout or a connection error is none.
  return { name, supported: false, tested: reply.code.startsWith('TLS_'), note: reply.message };
}

export interface SuiteOrder {
  suites: number[];
  /** Whether the server imposes its own order; null with fewer than two suites or no answer. */
  serverOrder: boolean | null;
  /** Why the list may be incomplete. */
  note?: string;
}

/**
 * The server's order by elimination (as testssl.sh and sslscan do): the version probe offered
 * every suite and got the first; offer the rest, note the one chosen, and so on until the server
 * refuses. Then the found suites in reverse: the same first pick means the server's own order.
 */
export async function suiteOrder(p: Prober, answer: VersionAnswer, mode: ShareMode): Promise<SuiteOrder> {
  const first = answer.reply?.hello.cipher;
  if (answer.name === 'SSLv2' || first === undefined) return { suites: [], serverOrder: null };
  const version = VERSION_OF[answer.name];
  const offered = offerList(version >= TLS13);
  if (!offered.includes(first)) return { suites: [], serverOrder: null, note: odd(answer.reply!, version, offered) };
  const found = [first];
  const taken = new Set(found);
  let note: string | undefined;
  // Bounded by the list: a server that keeps choosing cannot loop the scan.
  while (taken.size < offered.length) {
    const remaining = offered.filter((id) => !taken.has(id));
    const reply = await p.hello(spec(p, version, remaining, mode), 'hello', true);
    if (reply.kind === 'refused') break;
    note = odd(reply, version, remaining);
    if (note !== undefined || reply.kind !== 'tls') break;
    found.push(reply.hello.cipher);
    taken.add(reply.hello.cipher);
  }
  if (found.length < 2) return { suites: found, serverOrder: null, ...(note ? { note } : {}) };
  const reply = await p.hello(spec(p, version, [...found].reverse(), mode), 'hello', true);
  const serverOrder = reply.kind === 'tls' && reply.hello.version === version ? reply.hello.cipher === found[0] : null;
  return { suites: found, serverOrder, ...(note ? { note } : {}) };
}

/** Why a reply is not a usable answer to a hello offering `offered` at `version`; undefined when it is. */
function odd(reply: Reply, version: number, offered: readonly number[]): string | undefined {
  if (reply.kind !== 'tls') return reply.kind === 'ssl2' ? 'the server answered in SSL 2.0' : reply.message;
  if (reply.hello.version !== version) return `the server answered a ${protocolName(version)} hello with ${protocolName(reply.hello.version)}`;
  if (!offered.includes(reply.hello.cipher)) return `the server chose ${suiteOf(reply.hello.cipher).name}, which was not offered`;
  return undefined;
}

/**
 * The named groups the server accepts at a version, by elimination like the suites: offer every
 * group not yet found, note the one the server names, until it refuses. TLS 1.3: the groups in
 * supported_groups, answered by a HelloRetryRequest (or, with real shares, a ServerHello) naming
 * one. TLS 1.2 and older: ECDHE suites only, and the ServerKeyExchange names the curve (RFC 8422
 * §5.4). A server that accepts a group picks one of the offered groups it accepts, so this finds
 * the same set as one hello per group (sslscan's way) with one connection per accepted group
 * plus one, instead of one per group in the registry. Returned in NAMED_GROUPS' order.
 */
export async function acceptedGroups(p: Prober, name: Exclude<ProtocolName, 'SSLv2'>, mode: ShareMode): Promise<{ groups: string[]; note?: string }> {
  const version = VERSION_OF[name];
  const tls13 = version >= TLS13;
  // In real-share mode only groups a share can be made for are offered: the server must pick one of the shares.
  const candidates = NAMED_GROUPS.filter((g) => (tls13 ? mode === 'none' || g.share !== undefined : g.legacy));
  const ecdhe = offerList(false).filter((id) => /ECDHE|ECDH_anon|AECDH/.test(suiteOf(id).name));
  const found = new Set<number>();
  let note: string | undefined;
  while (found.size < candidates.length) {
    const remaining = candidates.filter((g) => !found.has(g.id));
    const ids = remaining.map((g) => g.id);
    const keyShares = tls13 && mode === 'real' ? remaining.map((g) => ({ group: g.id, key: keyShareFor(g)! })) : [];
    const reply = tls13 ? await p.hello(spec(p, TLS13, offerList(true), 'none', { groups: ids, keyShares }), 'hello', true) : await p.hello(spec(p, version, ecdhe, 'none', { groups: ids }), 'keyExchange', true);
    if (reply.kind === 'refused') break;
    const group = reply.kind === 'tls' ? (tls13 ? reply.hello.group : reply.keyExchangeGroup) : null;
    note = odd(reply, version, tls13 ? offerList(true) : ecdhe);
    if (note === undefined && (group === null || !ids.includes(group))) note = `the server named group ${group === null ? 'none' : groupName(group)}, which was not offered`;
    if (note !== undefined || group === null) break;
    found.add(group);
  }
  return { groups: candidates.filter((g) => found.has(g.id)).map((g) => g.name), ...(note ? { note } : {}) };
}

const ALPN = ['h2', 'http/1.1', 'http/1.0'];

/**
 * ALPN protocols the server accepts, its preferred first, at a version up to TLS 1.2 (the
 * ServerHello carries the choice): offer all, note the one chosen, offer the rest, until the
 * server chooses none. A server without ALPN answers the first hello without it: one connection.
 */
export async function alpnRaw(p: Prober, name: LegacyName): Promise<string[]> {
  const version = VERSION_OF[name];
  return alpnByElimination(async (alpn) => {
    const reply = await p.hello(spec(p, version, offerList(false), 'none', { alpn }), 'hello', true);
    return reply.kind === 'tls' ? reply.hello.alpn : null;
  });
}

/** The same with full handshakes, for a server that speaks only TLS 1.3 (its choice is encrypted). */
export function alpnTls13(p: Prober): Promise<string[]> {
  return alpnByElimination(async (alpn) => {
    const r = await p.handshake({ protocol: 'TLSv1.3', servername: p.target.sni, alpn }, true);
    return r.ok ? r.alpn : null;
  });
}

async function alpnByElimination(ask: (alpn: string[]) => Promise<string | null>): Promise<string[]> {
  const found: string[] = [];
  for (;;) {
    const remaining = ALPN.filter((protocol) => !found.includes(protocol));
    const chosen = remaining.length > 0 ? await ask(remaining) : null;
    if (chosen === null || !remaining.includes(chosen)) return found;
    found.push(chosen);
  }
}
