// The TLS configuration scan: which protocol versions a server accepts (SSL 2.0 to TLS 1.3), its
// cipher suites per version in its own order of preference, the key-exchange groups it accepts,
// ALPN protocols, session resumption, what it does without SNI, OCSP stapling, and a grade with
// its reasons. Every question a ServerHello answers is asked with a hand-written hello
// (scanProbes.ts), so the scan does not depend on what this machine's OpenSSL can offer and the
// server never has to finish a handshake; only resumption (and, for a TLS 1.3-only server, its
// encrypted certificate, staple and ALPN) takes full handshakes through Node (scanHandshake.ts).
// Connections run in parallel, at most `concurrency` at a time, within one time budget.
import type { X509Certificate } from 'node:crypto';
import { X509Certificate as X509 } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import { abortPromise, deadline, ProbeTimeoutError } from '../abort';
import type { ProtocolName, ScanCipher, ScanProtocol, TlsScan } from '../model/tlsScan';
import { fieldsOf, oneLineName } from './certificate';
import { hex4, isWeakSuite, offerList, SSL2_CIPHER_KINDS, suiteOf } from './cipherSuites';
import { readOcspResponse } from './ocsp';
import { acceptedGroups, alpnRaw, alpnTls13, probeLegacy, probeSsl2, probeTls13, Prober, suiteOrder, VERSION_OF } from './scanProbes';
import type { LegacyName, SuiteOrder, VersionAnswer } from './scanProbes';
import type { HandshakeResult } from './scanHandshake';
import { grade, scanFindings } from './scanVerdict';

export const PROTOCOLS: readonly ProtocolName[] = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** A client certificate for servers that ask (mutual TLS): a PEM pair or PKCS#12. */
export type ClientCertificate = { cert: string; key: string; passphrase?: string } | { pfx: Buffer; passphrase?: string };

export interface ScanOptions {
  /** Where to connect: an IP literal or a name (resolved once, then every probe uses that address). */
  host: string;
  port: number;
  /** SNI; null or an IP literal sends none. */
  servername: string | null;
  /** Each connection. */
  timeoutMs: number;
  /** Connections at once (default 8). */
  concurrency?: number;
  /** The whole scan (default 20 × timeoutMs, at least a minute); when it runs out the scan returns what it found. */
  budgetMs?: number;
  signal?: AbortSignal;
  clientCertificate?: ClientCertificate;
  /** The leaf's issuer, to read a stapled OCSP response; may arrive while the scan runs. */
  issuer?: X509Certificate | Promise<X509Certificate | undefined>;
  /** Name → address, asked once (default: the system resolver); bounded by the timeout either way. */
  lookup?: (host: string, signal: AbortSignal) => Promise<string>;
}

/** Runs the whole scan; never throws (a cancelled or timed-out scan returns what it had). */
export async function scanTls(opts: ScanOptions): Promise<TlsScan> {
  const started = performance.now();
  const sni = opts.servername && isIP(opts.servername) === 0 ? opts.servername : null;
  const budgetMs = opts.budgetMs ?? Math.max(60_000, 20 * opts.timeoutMs);
  const budget = deadline(opts.signal, budgetMs, 'TLS scan');
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  // Every connection in flight listens on the budget's signal; more than ten is not a leak here.
  setMaxListeners(concurrency + 10, budget.signal);
  const incomplete: string[] = [];
  try {
    const host = await resolve(opts, budget.signal);
    if (typeof host !== 'string') {
      incomplete.push(`${opts.host} could not be resolved: ${host.error}`);
      return { ...unreachable(host.error, sni), handshakes: 0, fullHandshakes: 0, incomplete, durationMs: Math.round(performance.now() - started) };
    }
    const p = new Prober({ host, port: opts.port, sni, timeoutMs: opts.timeoutMs, signal: budget.signal }, concurrency, opts.clientCertificate);
    const result = await scanWith(p, sni, incomplete, opts.issuer);
    if (budget.signal.reason instanceof ProbeTimeoutError) incomplete.push(`the scan stopped at its time limit (${budgetMs} ms); what it found by then is listed`);
    return { ...result, handshakes: p.connections, fullHandshakes: p.fullHandshakes, incomplete, durationMs: Math.round(performance.now() - started) };
  } finally {
    budget.dispose();
  }
}

/** The address every probe connects to, resolved once; getaddrinfo takes no signal, so it is raced against the timeout. */
async function resolve(opts: ScanOptions, signal: AbortSignal): Promise<string | { error: string }> {
  if (isIP(opts.host) !== 0) return opts.host;
  const limit = deadline(signal, opts.timeoutMs, `Resolving ${opts.host}`);
  try {
    const lookup = (opts.lookup ?? (async (name: string) => (await dnsLookup(name)).address))(opts.host, limit.signal);
    // A lookup that fails after it lost the race must not become an unhandled rejection.
    lookup.catch(() => undefined);
    return await Promise.race([lookup, abortPromise(limit.signal)]);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    limit.dispose();
  }
}

/** The scan of a server that could not be reached at all: every version not tested. */
function unreachable(why: string, sni: string | null): Omit<TlsScan, 'handshakes' | 'fullHandshakes' | 'incomplete' | 'durationMs'> {
  const protocols = PROTOCOLS.map((name) => ({ name, supported: false, tested: false, note: why }));
  const ocsp = { stapled: false, mustStaple: false };
  const findings = scanFindings(protocols, [], [], null, ocsp, sni);
  return { protocols, ciphers: [], cipherOrder: [], alpn: [], groups: [], groupsByProtocol: [], resumption: [], withoutSni: null, ocsp, grade: grade(protocols, [], findings), findings };
}

/**
 * Each version is asked on its own, all at once, and every later question starts as soon as the
 * versions it depends on have answered: a server that leaves the SSL 2.0 hello unanswered until
 * the timeout delays nothing else.
 */
async function scanWith(p: Prober, sni: string | null, incomplete: string[], issuerInput: ScanOptions['issuer']): Promise<Omit<TlsScan, 'handshakes' | 'fullHandshakes' | 'incomplete' | 'durationMs'>> {
  const ssl2P = probeSsl2(p);
  const tls13P = probeTls13(p);
  const tls12P = probeLegacy(p, 'TLSv1.2');
  const legacyP: Promise<VersionAnswer<LegacyName>>[] = [probeLegacy(p, 'SSLv3'), probeLegacy(p, 'TLSv1'), probeLegacy(p, 'TLSv1.1'), tls12P];
  const answersP: Promise<VersionAnswer>[] = [ssl2P, ...legacyP, tls13P];
  const ordersP = answersP.map(async (answerP) => {
    const answer = await answerP;
    if (!answer.supported) return null;
    return suiteOrder(p, answer, answer.name === 'TLSv1.3' ? (await tls13P).mode : 'none');
  });
  // The newest TLS version whose first flight is in the clear answers the certificate, staple, ALPN and no-SNI questions.
  const clearP = (async (): Promise<VersionAnswer<LegacyName> | undefined> => {
    for (const answer of [...legacyP].reverse()) if ((await answer).supported && (await answer).name !== 'SSLv3') return answer;
    return undefined;
  })();
  const groups13P = tls13P.then((t) => (t.supported ? acceptedGroups(p, 'TLSv1.3', t.mode) : null));
  const groupsLegacyP = clearP.then((clear) => (clear ? acceptedGroups(p, clear.name, 'none') : null));
  const alpnP = clearP.then(async (clear) => (clear ? alpnRaw(p, clear.name) : (await tls13P).supported ? alpnTls13(p) : []));
  const resumptionP = Promise.all([tls12P, tls13P].map(async (answerP: Promise<VersionAnswer<'TLSv1.2' | 'TLSv1.3'>>) => {
    const answer = await answerP;
    return answer.supported ? resumes(p, answer.name, sni) : null;
  }));
  const noSniP = clearP.then(async (clear) => (sni === null ? null : clear ? noSniRaw(p, clear) : (await tls13P).supported ? p.handshake({ protocol: 'TLSv1.3', servername: null }) : null));

  const answers = await Promise.all(answersP);
  const [orders, groups13, groupsLegacy, alpn, resumptions, noSni, clear] = await Promise.all([Promise.all(ordersP), groups13P, groupsLegacyP, alpnP, resumptionP, noSniP, clearP]);
  const protocols: ScanProtocol[] = answers.map((a) => ({ name: a.name, supported: a.supported, tested: a.tested, ...(a.supported || !a.note ? {} : { note: a.note }) }));
  for (const a of answers) if (!a.tested) incomplete.push(`${a.name} not tested: ${a.note ?? 'no answer'}`);
  const ciphers = answers.flatMap((a, i) => (orders[i] ? ciphersOf(a, orders[i]) : []));
  const cipherOrder = answers.flatMap((a, i) => (orders[i]?.serverOrder == null ? [] : [{ protocol: a.name, serverOrder: orders[i].serverOrder }]));
  answers.forEach((a, i) => orders[i]?.note && incomplete.push(`${a.name} suites: ${orders[i].note}`));
  const groupsByProtocol = [...(groups13 ? [{ protocol: 'TLSv1.3' as const, ...groups13 }] : []), ...(clear && groupsLegacy ? [{ protocol: clear.name, ...groupsLegacy }] : [])];
  for (const g of groupsByProtocol) if (g.note) incomplete.push(`${g.protocol} groups: ${g.note}`);
  const resumption = resumptions.filter((r) => r !== null);

  // The leaf and the staple: from the clear flight (SSL 3.0's if nothing newer), else from the TLS 1.3 resumption handshake.
  const flight = clear ?? answers.find((a) => a.name === 'SSLv3' && a.supported);
  const tls13Handshake = resumption.find((r) => r.protocol === 'TLSv1.3')?.first;
  const leafDer = flight?.reply?.certificates[0] ?? null;
  const leaf = leafDer ? parseCertificate(leafDer) : tls13Handshake?.ok ? tls13Handshake.leaf : null;
  const staple = flight?.reply ? flight.reply.ocsp : tls13Handshake?.ok ? tls13Handshake.ocsp : null;
  const ocsp: TlsScan['ocsp'] = { stapled: staple !== null, mustStaple: leaf ? fieldsOf(leaf).mustStaple : false };
  const issuer = await issuerInput;
  if (staple && leaf && issuer) ocsp.status = readOcspResponse(staple, leaf, issuer).status;
  const withoutSni = noSni === null ? null : compareLeaf(leaf, noSni);

  const findings = scanFindings(protocols, ciphers, cipherOrder, withoutSni, ocsp, sni);
  return {
    protocols,
    ciphers,
    cipherOrder,
    alpn,
    groups: (groups13 ?? groupsLegacy)?.groups ?? [],
    groupsByProtocol: groupsByProtocol.map(({ protocol, groups }) => ({ protocol, groups })),
    resumption: resumption.map(({ protocol, resumed }) => ({ protocol, resumed })),
    withoutSni,
    ocsp,
    grade: grade(protocols, ciphers, findings),
    findings,
  };
}

function ciphersOf(answer: VersionAnswer, order: SuiteOrder): ScanCipher[] {
  if (answer.name === 'SSLv2') {
    return (answer.ssl2Kinds ?? []).map((id) => {
      const kind = SSL2_CIPHER_KINDS.find((k) => k.id === id);
      return { protocol: 'SSLv2', name: kind?.name ?? `SSL_CK_0x${id.toString(16)}`, openssl: kind?.openssl ?? `0x${id.toString(16)}`, id: `0x${id.toString(16).toUpperCase().padStart(6, '0')}`, weak: true };
    });
  }
  return order.suites.map((id) => {
    const suite = suiteOf(id);
    return { protocol: answer.name, name: suite.name, openssl: suite.openssl ?? suite.name, id: `0x${hex4(id)}`, weak: isWeakSuite(suite) };
  });
}

async function resumes(p: Prober, protocol: 'TLSv1.2' | 'TLSv1.3', sni: string | null): Promise<{ protocol: ProtocolName; resumed: boolean; first: HandshakeResult }> {
  // The first TLS 1.3 handshake also asks for a staple: for a TLS 1.3-only server it is the scan's only view of its certificate.
  const first = await p.handshake({ protocol, servername: sni, wantSession: true, requestOcsp: protocol === 'TLSv1.3' }, true);
  if (!first.ok || !first.session) return { protocol, resumed: false, first };
  const second = await p.handshake({ protocol, servername: sni, session: first.session }, true);
  return { protocol, resumed: second.ok && second.reused, first };
}

/** The hello flight without a server name, at the version whose flight is in the clear. */
async function noSniRaw(p: Prober, answer: VersionAnswer<LegacyName>): Promise<HandshakeResult> {
  // Every suite again: the default certificate may be of another key type than the named one.
  const reply = await p.hello({ version: VERSION_OF[answer.name], suites: offerList(false), servername: null }, 'flight');
  if (reply.kind !== 'tls') return { ok: false, error: { code: reply.kind === 'ssl2' ? 'TLS_NOT_TLS' : reply.code, message: reply.kind === 'ssl2' ? 'SSL 2.0 answer' : reply.message } };
  const der = reply.certificates[0];
  return { ok: true, alpn: null, leaf: der ? parseCertificate(der) : null, session: null, reused: false, ocsp: reply.ocsp };
}

function compareLeaf(withSni: X509Certificate | null, without: HandshakeResult): NonNullable<TlsScan['withoutSni']> {
  if (!without.ok) return { handshake: false, sameCertificate: null };
  const out: NonNullable<TlsScan['withoutSni']> = { handshake: true, sameCertificate: withSni && without.leaf ? withSni.fingerprint256 === without.leaf.fingerprint256 : null };
  if (without.leaf) out.subject = oneLineName(without.leaf.subject);
  return out;
}

function parseCertificate(der: Buffer): X509Certificate | null {
  try {
    return new X509(der);
  } catch {
    return null;
  }
}
