// The TLS configuration scan: which protocol versions a server accepts, its cipher suites per
// version in its own order of preference, ALPN protocols, key-exchange groups, session
// resumption, what it does without SNI, OCSP stapling, and a grade with its reasons. Every probe
// is a full handshake through Node's OpenSSL, so what this OpenSSL cannot offer is reported as
// "not tested" rather than guessed. Handshakes run in parallel, at most `concurrency` at a time.
import type { X509Certificate } from 'node:crypto';
import { X509Certificate as X509 } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { deadline, errorInfo, reasonOf } from '../abort';
import { finding } from '../findings';
import type { ErrorInfo, Finding } from '../model/common';
import type { ProtocolName, ScanCipher, ScanProtocol, TlsScan } from '../model/tlsScan';
import { fieldsOf, oneLineName } from './certificate';
import { readOcspResponse } from './ocsp';

export const PROTOCOLS: readonly ProtocolName[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** A client certificate for servers that ask (mutual TLS): a PEM pair or PKCS#12. */
export type ClientCertificate = { cert: string; key: string; passphrase?: string } | { pfx: Buffer; passphrase?: string };

export interface ScanOptions {
  /** Where to connect: an IP literal or a name (then Node's resolver picks the address). */
  host: string;
  port: number;
  /** SNI; null or an IP literal sends none. */
  servername: string | null;
  /** Each handshake. */
  timeoutMs: number;
  /** Handshakes at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  clientCertificate?: ClientCertificate;
  /** The leaf's issuer, to read a stapled OCSP response; optional. */
  issuer?: X509Certificate;
}

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];
/** Groups offered one at a time (names SSL_CTX_set1_groups_list takes). */
const GROUPS = ['X25519', 'P-256', 'P-384', 'P-521', 'X448', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096'];
const ALPN = ['h2', 'http/1.1', 'http/1.0'];
/** How long to wait for a TLS 1.3 session ticket after the handshake. */
const TICKET_WAIT_MS = 500;
/** More suites than any OpenSSL build has for one protocol version. */
const MAX_SUITES = 400;
const CLIENT_LIMIT = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_SSL_UNSUPPORTED_PROTOCOL']);

interface Probe {
  protocol: ProtocolName;
  ciphers?: string;
  servername?: string | null;
  alpn?: string[];
  group?: string;
  session?: Buffer;
  /** Wait for a session ticket after the handshake (TLS 1.3 sends it afterwards). */
  wantSession?: boolean;
  requestOcsp?: boolean;
}

interface ProbeOk {
  ok: true;
  protocol: string | null;
  cipher: tls.CipherNameAndProtocol;
  alpn: string | null;
  group: string | null;
  leaf: X509Certificate | null;
  session: Buffer | null;
  reused: boolean;
  ocsp: Buffer | null;
}
type ProbeResult = ProbeOk | { ok: false; error: ErrorInfo; clientLimit: boolean };

/** Runs the whole scan; never throws (a cancelled scan returns what it had). */
export async function scanTls(opts: ScanOptions): Promise<TlsScan> {
  const started = performance.now();
  const sni = opts.servername && isIP(opts.servername) === 0 ? opts.servername : null;
  let handshakes = 0;
  const gate = semaphore(Math.max(1, opts.concurrency ?? 8));
  const probe = (p: Probe): Promise<ProbeResult> =>
    gate(() => {
      handshakes++;
      return handshake(opts, { servername: sni, ...p });
    });

  // 1. Each version on its own, with everything this OpenSSL has, at security level 0.
  const versionResults = await Promise.all(PROTOCOLS.map((protocol) => probe({ protocol, requestOcsp: true })));
  const protocols: ScanProtocol[] = PROTOCOLS.map((name, i) => {
    const r = versionResults[i]!;
    if (r.ok) return { name, supported: true, tested: true };
    if (r.clientLimit) return { name, supported: false, tested: false, note: `this machine's OpenSSL (${process.versions.openssl}) cannot offer ${name}` };
    return { name, supported: false, tested: true, note: r.error.message };
  });
  const supported = protocols.filter((p) => p.supported).map((p) => p.name);
  const newest = supported[supported.length - 1];

  // 2. Ciphers per version, orders, ALPN, groups, resumption, no-SNI: all beside each other.
  const [cipherLists, alpn, groups, resumption, withoutSni] = await Promise.all([
    Promise.all(supported.map((protocol) => cipherOrder(protocol, probe))),
    newest ? alpnProtocols(newest, probe) : Promise.resolve([]),
    newest ? acceptedGroups(newest, probe) : Promise.resolve([]),
    Promise.all(supported.filter((p) => p === 'TLSv1.2' || p === 'TLSv1.3').map((protocol) => resumes(protocol, probe))),
    newest && sni !== null ? noSni(newest, versionResults[PROTOCOLS.indexOf(newest)], probe) : Promise.resolve(null),
  ]);
  const ciphers = cipherLists.flatMap((l) => l.ciphers);
  const cipherOrderList = cipherLists.flatMap((l) => (l.serverOrder === null ? [] : [{ protocol: l.protocol, serverOrder: l.serverOrder }]));

  const best = newest ? versionResults[PROTOCOLS.indexOf(newest)] : undefined;
  const leaf = best?.ok ? best.leaf : null;
  const mustStaple = leaf ? fieldsOf(leaf).mustStaple : false;
  const staple = best?.ok ? best.ocsp : null;
  const ocsp: TlsScan['ocsp'] = { stapled: staple !== null, mustStaple };
  if (staple && leaf && opts.issuer) ocsp.status = readOcspResponse(staple, leaf, opts.issuer).status;

  const findings = scanFindings(protocols, ciphers, cipherOrderList, withoutSni, ocsp, sni);
  return {
    protocols,
    ciphers,
    cipherOrder: cipherOrderList,
    alpn,
    groups,
    resumption,
    withoutSni,
    ocsp,
    grade: grade(protocols, ciphers, findings),
    findings,
    handshakes,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The server's order by elimination (as testssl.sh and sslscan do): offer every suite, note the
 * one chosen, offer the rest, until the server refuses. Then the found suites offered in reverse:
 * the same first pick means the server imposes its order.
 */
async function cipherOrder(protocol: ProtocolName, probe: (p: Probe) => Promise<ProbeResult>): Promise<{ protocol: ProtocolName; ciphers: ScanCipher[]; serverOrder: boolean | null }> {
  const tls13 = protocol === 'TLSv1.3';
  const offered = [...TLS13_SUITES];
  const found: { openssl: string; name: string }[] = [];
  // Bounded by what OpenSSL has (a few hundred at most), so a server that keeps choosing a suite
  // it was not offered cannot loop us.
  for (let round = 0; round < MAX_SUITES; round++) {
    const r = await probe({ protocol, ciphers: tls13 ? offered.join(':') : remainingSuites(found.map((f) => f.openssl)) });
    if (!r.ok) break;
    const openssl = r.cipher.name.toUpperCase();
    if (found.some((f) => f.openssl.toUpperCase() === openssl)) break;
    if (tls13) {
      const index = offered.indexOf(openssl);
      if (index < 0) break;
      offered.splice(index, 1);
    }
    found.push({ openssl: r.cipher.name, name: r.cipher.standardName || r.cipher.name });
    if (tls13 && offered.length === 0) break;
  }
  let serverOrder: boolean | null = null;
  if (found.length >= 2) {
    const reversed = found.map((f) => f.openssl).reverse();
    const r = await probe({ protocol, ciphers: suiteString(reversed, tls13) });
    if (r.ok) serverOrder = r.cipher.name.toUpperCase() === found[0]!.openssl.toUpperCase();
  }
  return { protocol, ciphers: found.map((f) => ({ protocol, name: f.name, openssl: f.openssl, weak: isWeakSuite(f.openssl) })), serverOrder };
}

function suiteString(suites: readonly string[], tls13: boolean): string {
  // Security level 0 lets this OpenSSL offer what old servers still accept (OpenSSL 3 SSL_CTX_set_security_level).
  return tls13 ? suites.join(':') : `${suites.join(':')}:@SECLEVEL=0`;
}

/**
 * Every suite this OpenSSL has up to TLS 1.2 (ALL includes the anonymous ones; COMPLEMENTOFALL
 * the NULL ones), minus those already found. tls.getCiphers() would list only the DEFAULT set,
 * without CAMELLIA, ARIA, CCM or anonymous suites that servers still accept.
 */
function remainingSuites(found: readonly string[]): string {
  return ['ALL', 'COMPLEMENTOFALL', ...found.map((f) => `!${f}`), '@SECLEVEL=0'].join(':');
}

/** Static RSA key exchange (no forward secrecy), CBC, or under 128 bits. TLS 1.3 suites are all fine. */
export function isWeakSuite(openssl: string): boolean {
  const name = openssl.toUpperCase();
  if (name.startsWith('TLS_')) return false;
  const forwardSecret = /^(ECDHE|DHE|EDH)-/.test(name);
  const aead = /GCM|CHACHA20|CCM/.test(name);
  const small = /DES|RC4|NULL|EXP|IDEA|SEED/.test(name);
  return !forwardSecret || !aead || small || isAnonymousSuite(name);
}

/** Suites without server authentication (ADH, AECDH): anyone in the path can impersonate the server. */
export function isAnonymousSuite(openssl: string): boolean {
  return /^(ADH|AECDH)-|-anon-/i.test(openssl);
}

async function alpnProtocols(protocol: ProtocolName, probe: (p: Probe) => Promise<ProbeResult>): Promise<string[]> {
  const [preferred, ...single] = await Promise.all([probe({ protocol, alpn: ALPN }), ...ALPN.map((p) => probe({ protocol, alpn: [p] }))]);
  const accepted = ALPN.filter((p, i) => {
    const r = single[i];
    return r?.ok === true && r.alpn === p;
  });
  const first = preferred?.ok ? preferred.alpn : null;
  return first && accepted.includes(first) ? [first, ...accepted.filter((p) => p !== first)] : accepted;
}

async function acceptedGroups(protocol: ProtocolName, probe: (p: Probe) => Promise<ProbeResult>): Promise<string[]> {
  // TLS 1.2 negotiates a group only for ECDHE suites; the finite-field groups are TLS 1.3's (RFC 8446 §4.2.7).
  const candidates = protocol === 'TLSv1.3' ? GROUPS : GROUPS.filter((g) => !g.startsWith('ffdhe'));
  const results = await Promise.all(candidates.map((group) => probe({ protocol, group, ...(protocol === 'TLSv1.3' ? {} : { ciphers: 'ECDHE:@SECLEVEL=0' }) })));
  return candidates.filter((_, i) => results[i]?.ok === true);
}

async function resumes(protocol: ProtocolName, probe: (p: Probe) => Promise<ProbeResult>): Promise<{ protocol: ProtocolName; resumed: boolean }> {
  const first = await probe({ protocol, wantSession: true });
  if (!first.ok || !first.session) return { protocol, resumed: false };
  const second = await probe({ protocol, session: first.session });
  return { protocol, resumed: second.ok && second.reused };
}

async function noSni(protocol: ProtocolName, withSni: ProbeResult | undefined, probe: (p: Probe) => Promise<ProbeResult>): Promise<TlsScan['withoutSni']> {
  const r = await probe({ protocol, servername: null });
  if (!r.ok) return { handshake: false, sameCertificate: null };
  const theirs = withSni?.ok ? withSni.leaf : null;
  const out: NonNullable<TlsScan['withoutSni']> = { handshake: true, sameCertificate: theirs && r.leaf ? theirs.fingerprint256 === r.leaf.fingerprint256 : null };
  if (r.leaf) out.subject = oneLineName(r.leaf.subject);
  return out;
}

function scanFindings(protocols: ScanProtocol[], ciphers: ScanCipher[], order: TlsScan['cipherOrder'], withoutSni: TlsScan['withoutSni'], ocsp: TlsScan['ocsp'], sni: string | null): Finding[] {
  const out: Finding[] = [];
  const old = protocols.filter((p) => p.supported && (p.name === 'TLSv1' || p.name === 'TLSv1.1')).map((p) => p.name);
  if (old.length > 0) out.push(finding('TLS_DEPRECATED_PROTOCOL_OFFERED', `The server accepts ${old.join(' and ')}.`));
  if (protocols.some((p) => p.supported) && !protocols.find((p) => p.name === 'TLSv1.3')?.supported) out.push(finding('TLS_NO_TLS13', 'The server does not accept TLS 1.3.'));
  const weak = ciphers.filter((c) => c.weak);
  if (weak.length > 0) out.push(finding('TLS_WEAK_CIPHERS', `The server accepts ${weak.length} weak suite(s): ${weak.slice(0, 6).map((c) => `${c.name} (${c.protocol})`).join(', ')}${weak.length > 6 ? ', …' : ''}.`));
  const mixed = order.filter((o) => !o.serverOrder && o.protocol !== 'TLSv1.3' && ciphers.some((c) => c.protocol === o.protocol && c.weak));
  if (mixed.length > 0) out.push(finding('TLS_NO_SERVER_CIPHER_ORDER', `The server follows the client's order for ${mixed.map((o) => o.protocol).join(', ')}, where it also accepts weak suites.`));
  if (withoutSni && sni !== null) {
    if (!withoutSni.handshake) out.push(finding('TLS_SNI_REQUIRED', `Without a server name (SNI) the handshake fails; with "${sni}" it works.`));
    else if (withoutSni.sameCertificate === false) out.push(finding('TLS_SNI_DIFFERENT_CERT', `Without SNI the server sends another certificate${withoutSni.subject ? ` ("${withoutSni.subject}")` : ''} than for "${sni}".`));
  }
  if (ocsp.mustStaple && !ocsp.stapled) out.push(finding('CERT_MUST_STAPLE_MISSING', 'The certificate demands OCSP stapling (must-staple), but the server sent no OCSP response.'));
  return out;
}

/**
 * A summary grade in the spirit of SSL Labs' guide, from this scan only: F without a usable
 * protocol, C for suites under 128 bits or anonymous suites, B for TLS 1.0/1.1 or weak suites,
 * A+ for TLS 1.3 with nothing to fix, A otherwise. Certificate problems are the certificate
 * findings' business.
 */
function grade(protocols: ScanProtocol[], ciphers: ScanCipher[], findings: Finding[]): TlsScan['grade'] {
  const reasons: string[] = [];
  const has = (name: ProtocolName): boolean => protocols.find((p) => p.name === name)?.supported === true;
  if (!has('TLSv1.2') && !has('TLSv1.3')) {
    reasons.push(protocols.some((p) => p.supported) ? 'only TLS 1.0/1.1, which current clients refuse' : 'no TLS version could be negotiated');
    return { grade: 'F', reasons };
  }
  let result: TlsScan['grade']['grade'] = 'A+';
  const cap = (g: 'A' | 'B' | 'C', why: string): void => {
    reasons.push(why);
    const order = ['A+', 'A', 'B', 'C', 'F'];
    if (order.indexOf(g) > order.indexOf(result)) result = g;
  };
  if (ciphers.some((c) => /DES|RC4|NULL|EXP/.test(c.openssl.toUpperCase()))) cap('C', 'suites under 128 bits are accepted');
  if (ciphers.some((c) => isAnonymousSuite(c.openssl))) cap('C', 'anonymous suites (no server authentication) are accepted');
  if (has('TLSv1') || has('TLSv1.1')) cap('B', 'TLS 1.0/1.1 are accepted (RFC 8996)');
  if (ciphers.some((c) => c.weak)) cap('B', 'suites without forward secrecy or without AEAD are accepted');
  if (!has('TLSv1.3')) cap('A', 'no TLS 1.3');
  if (findings.some((f) => f.code === 'TLS_SNI_DIFFERENT_CERT' || f.code === 'CERT_MUST_STAPLE_MISSING')) cap('A', 'clients without SNI get another certificate, or a must-staple certificate is not stapled');
  if (reasons.length === 0) reasons.push('TLS 1.2 and 1.3 only, forward-secret AEAD suites only');
  return { grade: result, reasons };
}

/** One handshake to the target; never throws. */
function handshake(opts: ScanOptions, p: Probe): Promise<ProbeResult> {
  const limit = deadline(opts.signal, opts.timeoutMs, `${p.protocol} handshake`);
  return new Promise<ProbeResult>((resolve) => {
    let ocsp: Buffer | null = null;
    let session: Buffer | null = null;
    let settled = false;
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      limit.dispose();
      limit.signal.removeEventListener('abort', onAbort);
      socket?.destroy();
      resolve(r);
    };
    const fail = (err: unknown): void => {
      const error = errorInfo(err);
      finish({ ok: false, error, clientLimit: CLIENT_LIMIT.has(error.code) });
    };
    const onAbort = (): void => fail(reasonOf(limit.signal));
    if (limit.signal.aborted) return fail(reasonOf(limit.signal));
    limit.signal.addEventListener('abort', onAbort, { once: true });
    let socket: tls.TLSSocket | undefined;
    try {
      // tls.connect passes requestOCSP on to the TLSSocket; @types/node lists it only there.
      const options: tls.ConnectionOptions & { requestOCSP?: boolean } = {
        host: opts.host,
        port: opts.port,
        minVersion: p.protocol,
        maxVersion: p.protocol,
        ciphers: p.ciphers ?? (p.protocol === 'TLSv1.3' ? TLS13_SUITES.join(':') : 'ALL:@SECLEVEL=0'),
        rejectUnauthorized: false,
        requestOCSP: p.requestOcsp === true,
        checkServerIdentity: () => undefined,
      };
      const servername = p.servername;
      if (servername) options.servername = servername;
      // Without servername Node would send the host as SNI; an empty string sends none.
      else options.servername = '';
      if (p.alpn) options.ALPNProtocols = p.alpn;
      if (p.group) options.ecdhCurve = p.group;
      if (p.session) options.session = p.session;
      if (opts.clientCertificate) Object.assign(options, opts.clientCertificate);
      const s = tls.connect(options);
      socket = s;
      s.on('error', fail);
      // Node emits null when the server staples nothing, despite the Buffer in its types.
      s.on('OCSPResponse', (response: Buffer | null) => {
        if (response && response.length > 0) ocsp = response;
      });
      s.on('session', (data: Buffer) => {
        session = data;
        if (p.wantSession && s.listenerCount('secureConnect') === 0) done(s);
      });
      s.once('secureConnect', () => {
        // TLS 1.3 tickets arrive after the handshake (RFC 8446 §4.6.1): wait a moment for one.
        if (p.wantSession && session === null) {
          setTimeout(() => done(s), Math.min(TICKET_WAIT_MS, opts.timeoutMs)).unref();
          return;
        }
        done(s);
      });
      s.once('close', () => fail(Object.assign(new Error('The server closed the connection during the handshake'), { code: 'ECONNRESET' })));
    } catch (err) {
      fail(err);
    }
    function done(s: tls.TLSSocket): void {
      if (settled) return;
      let leaf: X509Certificate | null = null;
      try {
        const raw = s.getPeerCertificate().raw;
        if (raw) leaf = new X509(raw);
      } catch {
        leaf = null;
      }
      const info = s.getEphemeralKeyInfo();
      const group = info && typeof info === 'object' && 'name' in info && typeof info.name === 'string' ? info.name : null;
      finish({ ok: true, protocol: s.getProtocol(), cipher: s.getCipher(), alpn: s.alpnProtocol || null, group, leaf, session, reused: s.isSessionReused(), ocsp });
    }
  });
}

/** At most `n` tasks at once, the rest queued in order. */
function semaphore(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
