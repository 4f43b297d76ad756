// One certificate check for the side panel, the certificate viewer and `netdiag cert`: the chain
// of an endpoint (as the server sent it) or of a file, its verification and every finding, and on
// request a TLS configuration scan, an OCSP check and the download of a missing intermediate.
// Network steps other than the handshake run only when the caller asks for them.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { TLSSocket } from 'node:tls';
import { errorInfo } from '../abort';
import { fetchCapped } from '../fetch';
import { finding } from '../findings';
import { standaloneContext } from '../hop/model';
import { runHop } from '../hop/pipeline';
import type { CertCheck, CertCheckSource } from '../model/certCheck';
import type { CertificateInfo, TlsVerification } from '../model/certificate';
import type { ErrorInfo, Finding } from '../model/common';
import type { DnsAddress } from '../model/dns';
import type { Report, TargetInfo } from '../model/report';
import type { LookupFn, ProxyConfig, TrustStores } from '../options';
import { chooseProxy, routeOf } from '../proxy';
import { CANCELLED_VERDICT } from '../verdict';
import { parseTarget } from '../target';
import { readCertFile } from './certFile';
import { describeCertificate, oneLineName, parseCertificates, shortName } from './certificate';
import { withProblems } from './certProblems';
import { sentOrderFindings, storeFindings } from './chainChecks';
import { checkOcsp, ocspFindings } from './ocsp';
import { readServerFlight } from './rawHello';
import { scanTls } from './scan';
import type { ClientCertificate } from './scan';
import { trustPath, verifyChain } from './verify';

export interface CertCheckOptions {
  trust: TrustStores;
  timeoutMs: number;
  signal?: AbortSignal;
  expiryWarningDays: number;
  /** Wall-clock milliseconds; Date.now by default. */
  wallClock?: () => number;
  clientCertificate?: ClientCertificate;
  /** Run the TLS configuration scan (endpoints only). */
  scan?: boolean;
  scanConcurrency?: number;
  /** Ask the leaf's OCSP responder (network: on explicit request only). */
  checkRevocation?: boolean;
  /** Download a missing intermediate from the AIA caIssuers URL (network: on explicit request only). */
  fetchMissingIssuer?: boolean;
  /** The system resolver for the endpoint, the OCSP responder and the AIA URL; the OS's by default. */
  lookup?: LookupFn;
  /** Names pinned to addresses (--resolve), keys lower case. */
  pinned?: Readonly<Record<string, readonly DnsAddress[]>>;
  /**
   * Proxy sources, chosen from as for a diagnosis of `https://host:port` (an endpoint is TLS from
   * the first byte, so through a proxy it is a CONNECT tunnel); absent means direct.
   */
  proxy?: ProxyConfig;
}

/** An issuer certificate (or a PKCS#7 bundle of a few) is a few KiB; anything near this is not one. */
const MAX_ISSUER_BYTES = 1024 * 1024;

/** What chainChecks.leafFindings says about a server certificate; meaningless for a CA certificate file. */
const LEAF_CODES: ReadonlySet<string> = new Set(['CERT_NO_SUBJECT', 'CERT_NO_COMMON_NAME', 'CERT_NO_SAN', 'CERT_MANY_NAMES', 'CERT_KEY_LARGE', 'CERT_VALIDITY_TOO_LONG', 'CERT_NO_SERVER_AUTH', 'CERT_LEAF_IS_CA']);

/**
 * Checks an endpoint; never throws. `host` is a name or IP literal; `servername` defaults to host.
 * With `scan`, the scan runs beside the check from the start (it needs only the issuer, for the
 * staple, which the check hands over once it has verified the chain), and even when the check's
 * own handshake fails: a server that speaks only SSL 3.0 is what a scan is for.
 */
export async function checkEndpoint(host: string, port: number, servername: string | null, opts: CertCheckOptions): Promise<CertCheck> {
  const sni = servername ?? (net.isIP(host) ? null : host);
  if (!opts.scan) return checkHandshake(host, port, sni, opts);
  let handIssuer: (issuer: X509Certificate | undefined) => void = () => undefined;
  const issuer = new Promise<X509Certificate | undefined>((resolve) => (handIssuer = resolve));
  const lookup = scanLookup(host, opts);
  const scanning = scanTls({ host, port, servername: sni, timeoutMs: opts.timeoutMs, issuer, ...(lookup ? { lookup } : {}), ...(opts.scanConcurrency ? { concurrency: opts.scanConcurrency } : {}), ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.clientCertificate ? { clientCertificate: opts.clientCertificate } : {}) });
  const result = await checkHandshake(host, port, sni, opts, handIssuer).finally(() => handIssuer(undefined));
  result.scan = await scanning;
  result.findings.push(...result.scan.findings.filter((f) => !result.findings.some((g) => g.code === f.code)));
  return finish(result);
}

/** The scan resolves the endpoint as the check does: a pinned address first, then the injected lookup (the system's by default). */
function scanLookup(host: string, opts: CertCheckOptions): ((name: string, signal: AbortSignal) => Promise<string>) | undefined {
  const pinned = opts.pinned?.[host.toLowerCase()]?.[0];
  if (pinned) return async () => pinned.address;
  const lookup = opts.lookup;
  if (!lookup) return undefined;
  return async (name, signal) => {
    const [first] = await lookup(name, signal);
    if (!first) throw new Error(`${name} has no address`);
    return first.address;
  };
}

async function checkHandshake(host: string, port: number, sni: string | null, opts: CertCheckOptions, handIssuer?: (issuer: X509Certificate | undefined) => void): Promise<CertCheck> {
  const now = (opts.wallClock ?? Date.now)();
  const source: CertCheckSource = { kind: 'endpoint', label: `${net.isIP(host) === 6 ? `[${host}]` : host}:${port}`, host, port, servername: sni };
  const base = (): CertCheck => ({ source, chain: [], path: [], verification: { trusted: false, store: null, hostnameMatches: false, errors: [] }, findings: [], verdict: '', status: 'ok', checkedAt: new Date(now).toISOString() });

  const [flight, outcome] = await Promise.all([
    readServerFlight({ host, port, servername: sni, timeoutMs: opts.timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) }),
    connectAndHandshake(host, port, sni, opts),
  ]);
  const raw = 'error' in flight ? null : flight;
  const requested = raw ? raw.certificateRequested : null;
  const sent = opts.clientCertificate !== undefined;
  const result = base();
  result.clientCertificate = { requested, sent };

  if (outcome.error && (outcome.error.code === 'CANCELLED' || opts.signal?.aborted === true)) {
    // Cancelled (Ctrl-C, the view's Cancel): that is all there is to say, not a server's fault.
    result.error = { code: 'CANCELLED', message: 'cancelled before the handshake finished' };
    result.findings.push(finding('CANCELLED', 'Cancelled before the handshake finished: no certificate was read.'));
    return finish(result);
  }
  if (outcome.error) {
    result.error = outcome.error;
    const needsCert = /CERTIFICATE_REQUIRED/.test(outcome.error.code) || (requested === true && !sent && /HANDSHAKE_FAILURE|BAD_CERTIFICATE|ECONNRESET/.test(outcome.error.code));
    if (needsCert && !sent) {
      result.clientCertificate.requested = true;
      result.findings.push(finding('TLS_CLIENT_CERT_REQUIRED', `The server asked for a client certificate and refused the connection without one (${opensslReason(outcome.error.message)}).`));
    } else if (sent && (requested === true || outcome.late)) {
      result.findings.push(finding('TLS_HANDSHAKE_FAILED', `The server refused the client certificate that was sent (${opensslReason(outcome.error.message)}): it does not trust its issuer, or the certificate is expired or not for clientAuth.`));
    } else if (outcome.findings.length > 0) {
      result.findings.push(...outcome.findings);
    } else {
      result.findings.push(finding('TLS_HANDSHAKE_FAILED', `The server ended the connection right after the handshake (${opensslReason(outcome.error.message)}).`));
    }
    // Without a finished handshake the TLS 1.2 flight still shows the server's chain.
    if (!raw || raw.certificates.length === 0) return finish(result);
  }
  if (!outcome.error && requested && !sent) result.findings.push(finding('TLS_CLIENT_CERT_REQUESTED', 'The server asks for a client certificate but accepted the connection without one.'));
  if (outcome.tls) result.tls = outcome.tls;

  let certs: X509Certificate[];
  if (raw && raw.certificates.length > 0) {
    certs = raw.certificates.flatMap((der) => {
      try {
        return [new X509Certificate(der)];
      } catch {
        return [];
      }
    });
    result.sentOrderKnown = true;
  } else {
    certs = outcome.chain;
    result.sentOrderKnown = false;
  }
  const verified = { ...verifyChain(certs, sni ?? host, opts.trust, now, { expiryWarningDays: opts.expiryWarningDays }), path: trustPath(certs, opts.trust) };
  result.chain = certs.map((c) => describeCertificate(c, now));
  result.verification = verified.verification;
  result.path = pathOf(verified.path, verified.verification);
  result.findings.push(...(outcome.preFindings ?? []), ...verified.findings, ...(result.sentOrderKnown ? sentOrderFindings(certs, verified.verification) : []), ...storeFindings(verified.verification));
  handIssuer?.(verified.path[1]);
  await extras(result, certs, verified.path, opts, sni ?? host, now);
  return finish(result);
}

/**
 * Checks a certificate file. `host`, when given, is matched against the leaf; a file has no host
 * of its own, so the name check is skipped otherwise. Throws CertParseError / CertPasswordError
 * (from readCertFile) for a file that cannot be read.
 */
export async function checkFile(bytes: Buffer, label: string, opts: CertCheckOptions & { password?: string; host?: string | null }): Promise<CertCheck> {
  const now = (opts.wallClock ?? Date.now)();
  const file = readCertFile(bytes, opts.password);
  const certs = file.certificates;
  const leaf = certs[0]!;
  const host = opts.host ?? null;
  const verified = { ...verifyChain(certs, host ?? 'netdiag.invalid', opts.trust, now, { expiryWarningDays: opts.expiryWarningDays }), path: trustPath(certs, opts.trust) };
  const leafIsCa = describeCertificate(leaf, now).isCA;
  // verify.ts speaks of what a server sent; a file is not a server.
  for (const f of verified.findings) if (f.code === 'CERT_SELF_SIGNED') f.message = f.message.replace('The server sent a self-signed certificate', 'The file holds a self-signed certificate');
  let findings = verified.findings.filter((f) => (host !== null || f.code !== 'CERT_HOSTNAME_MISMATCH') && !(leafIsCa && LEAF_CODES.has(f.code)));
  // The order in a file matters when it is served as is (fullchain.pem); a root in it does not.
  findings = [...findings, ...sentOrderFindings(certs, verified.verification).filter((f) => f.code === 'CERT_CHAIN_MISORDERED'), ...storeFindings(verified.verification)];
  const verification: TlsVerification = {
    ...verified.verification,
    hostnameMatches: host === null ? true : verified.verification.hostnameMatches,
    errors: [...new Set(findings.map((f) => f.code))],
  };
  verification.trusted = verification.store !== null && !findings.some((f) => f.severity === 'error');
  const result: CertCheck = {
    source: { kind: 'file', label, format: file.format },
    chain: certs.map((c) => describeCertificate(c, now)),
    path: pathOf(verified.path, verification),
    verification,
    findings,
    verdict: '',
    status: 'ok',
    privateKeys: file.privateKeys,
    checkedAt: new Date(now).toISOString(),
  };
  for (const key of file.privateKeys) {
    if (key.matchesLeaf === false) findings.push(finding('CERT_CHAIN_MISORDERED', `The private key in ${key.where} (${key.description}) does not belong to the first certificate "${shortName(leaf.subject)}".`));
  }
  await extras(result, certs, verified.path, opts, host ?? 'netdiag.invalid', now);
  return finish(result);
}

/** The check a Diagnose Endpoint report already holds (its TLS part), without connecting again; null without a chain. */
export function checkFromReport(report: Report, trust: TrustStores): CertCheck | null {
  const tls = report.tls;
  if (!tls || tls.chain.length === 0) return null;
  const t = report.target;
  const result: CertCheck = {
    source: { kind: 'endpoint', label: `${t.ipFamily === 6 ? `[${t.host}]` : t.host}:${t.port}`, host: t.host, port: t.port, servername: tls.servername },
    chain: tls.chain,
    path: pathOf(trustPath(certificatesFromInfo(tls.chain), trust), tls.verification),
    verification: { ...tls.verification, errors: [...tls.verification.errors] },
    findings: report.findings.filter((f) => f.layer === 'tls'),
    verdict: '',
    status: 'ok',
    tls: { protocol: tls.protocol, cipher: tls.cipher, alpn: tls.alpn, keyExchange: tls.keyExchange },
    sentOrderKnown: false,
    checkedAt: report.startedAt,
  };
  return finish(result);
}

/** Parses PEM or DER text of a chain as the Report keeps it (CertificateInfo.pem). */
export function certificatesFromInfo(chain: readonly CertificateInfo[]): X509Certificate[] {
  return chain.flatMap((c) => parseCertificates(c.pem));
}

async function extras(result: CertCheck, certs: X509Certificate[], path: X509Certificate[], opts: CertCheckOptions, host: string, now: number): Promise<void> {
  const leaf = certs[0];
  if (!leaf) return;
  if (opts.fetchMissingIssuer && result.verification.errors.includes('CERT_INCOMPLETE_CHAIN')) {
    const last = path[path.length - 1] ?? leaf;
    const url = describeCertificate(last, now).caIssuerUrls[0];
    if (url) {
      const fetched = await fetchIssuer(url, opts);
      result.fetchedIssuer = { url, ...('error' in fetched ? { error: fetched.error } : { certificate: describeCertificate(fetched.cert, now) }) };
      if (!('error' in fetched)) {
        const again = verifyChain([...certs, fetched.cert], host, opts.trust, now, { expiryWarningDays: opts.expiryWarningDays });
        const missing = result.findings.find((f) => f.code === 'CERT_INCOMPLETE_CHAIN');
        if (missing) {
          missing.message += again.verification.store
            ? ` Downloaded "${oneLineName(fetched.cert.subject)}" from ${url}: with it the chain reaches the ${again.verification.store} store, so adding it to the server's chain fixes this.`
            : ` Downloaded "${oneLineName(fetched.cert.subject)}" from ${url}, but the chain still does not reach a trusted root.`;
        }
      }
    }
  }
  if (opts.checkRevocation) {
    const issuer = path[1] ?? certs[1];
    if (issuer) {
      result.revocation = await checkOcsp(leaf, issuer, { timeoutMs: opts.timeoutMs, ...reachOf(opts) });
      result.findings.push(...ocspFindings(leaf, result.revocation));
    } else {
      result.findings.push(finding('CERT_OCSP_FAILED', `The revocation status of "${shortName(leaf.subject)}" cannot be checked: its issuer is not known (not sent, in no store).`));
    }
  }
}

function finish(result: CertCheck): CertCheck {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  result.findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
  result.verification.errors = [...new Set([...result.verification.errors, ...result.findings.filter((f) => f.severity !== 'info').map((f) => f.code)])];
  result.chain = withProblems(result.chain, result.findings);
  result.verdict = verdictOf(result);
  result.status = result.findings.some((f) => f.severity === 'error') ? 'fail' : result.findings.some((f) => f.severity === 'warning') ? 'warn' : 'ok';
  return result;
}

/** The plain-words verdict the panel and the CLI show first. */
export function verdictOf(check: Pick<CertCheck, 'findings' | 'verification' | 'error' | 'chain'>): string {
  if (check.error?.code === 'CANCELLED') return CANCELLED_VERDICT.text;
  const first = check.findings.find((f) => f.severity === 'error');
  if (first) return first.message;
  if (check.error && check.chain.length === 0) return `No certificate: ${opensslReason(check.error.message)}`;
  const store = { node: "Node's bundled roots", os: 'the OS store', extra: 'an extra CA file' } as const;
  const warnings = check.findings.filter((f) => f.severity === 'warning').length;
  const anchored = check.verification.store ? `Trusted by ${store[check.verification.store]}` : 'Not anchored in any trust store';
  return warnings > 0 ? `${anchored}, with ${warnings} warning(s).` : `${anchored}; no problems found.`;
}

function pathOf(path: X509Certificate[], verification: TlsVerification): CertCheck['path'] {
  return path.map((c, i) => ({ subject: oneLineName(c.subject), fingerprint256: c.fingerprint256, store: i === path.length - 1 ? verification.store : null }));
}

interface HandshakeOutcome {
  error?: ErrorInfo;
  /** The error came after the handshake (a TLS 1.3 refusal of the client). */
  late?: boolean;
  findings: Finding[];
  preFindings?: Finding[];
  chain: X509Certificate[];
  tls?: CertCheck['tls'];
}

/**
 * Connects and handshakes as one request-less hop: the endpoint's addresses (or the proxy's, and
 * a CONNECT tunnel, when the proxy choice names one), the first in OS order that accepts, TLS
 * with the SNI asked for. Only the handshake's own findings explain a TLS failure; a connection
 * that never got that far is explained by the hop's DNS, connect and proxy findings.
 */
async function connectAndHandshake(host: string, port: number, sni: string | null, opts: CertCheckOptions): Promise<HandshakeOutcome> {
  let target: TargetInfo;
  try {
    target = parseTarget(`https://${net.isIP(host) === 6 ? `[${host}]` : host}:${port}/`).target;
  } catch (err) {
    const error = errorInfo(err);
    return { error, findings: [finding('DNS_LOOKUP_FAILED', `${host} cannot be looked up: ${error.message}`, host)], chain: [] };
  }
  const ctx = standaloneContext({
    timeoutMs: opts.timeoutMs,
    trust: opts.trust,
    expiryWarningDays: opts.expiryWarningDays,
    ...reachOf(opts),
    ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
    ...(opts.clientCertificate ? { clientCertificate: opts.clientCertificate } : {}),
  });
  const choice = chooseProxy(target, opts.proxy);
  const hop = await runHop({ target, route: routeOf(choice), request: null, servername: sni, alpn: ['h2', 'http/1.1'], probeOthers: false }, ctx);
  await hop.beside;
  const { part, connection } = hop;
  const tls = part.tls;
  if (!connection || !tls || tls.error) {
    connection?.close();
    if (tls) return { error: tls.error ?? { code: 'TLS_FAILED', message: 'The TLS handshake failed' }, findings: part.findings.filter((f) => f.layer === 'tls'), chain: [] };
    // Why nothing was reached: the proxy choice (an unusable proxy sends nothing), DNS, connects.
    const findings = [...choice.findings, ...part.findings];
    if (part.stopped?.stage === 'resolve' && part.route.kind === 'direct') findings.push(finding('DNS_LOOKUP_FAILED', `${host} does not resolve: ${part.resolution?.lookup?.error?.message ?? 'no address'}.`, host));
    return { error: part.stopped?.error ?? { code: 'ECONNREFUSED', message: `${host}:${port} could not be reached` }, findings, chain: [] };
  }
  const negotiated = { protocol: tls.protocol, cipher: tls.cipher, alpn: tls.alpn, keyExchange: tls.keyExchange };
  const chain = certificatesFromInfo(tls.chain);
  const preFindings = part.findings.filter((f) => f.code === 'TLS_PROTOCOL_DEPRECATED');
  // TLS 1.3 servers check the client certificate after the client's Finished (RFC 8446 §4.4.2):
  // a refusal arrives as an alert just after the handshake, a welcome as a session ticket.
  const late = tls.protocol === 'TLSv1.3' && connection.socket instanceof TLSSocket ? await lateRefusal(connection.socket, Math.min(500, opts.timeoutMs)) : null;
  connection.close();
  if (late) return { error: late, late: true, findings: [], chain, tls: negotiated };
  return { findings: [], preFindings, chain, tls: negotiated };
}

function lateRefusal(socket: TLSSocket, waitMs: number): Promise<ErrorInfo | null> {
  // The alert may already have been read (and swallowed by the handshake's own error listener).
  if (socket.errored) return Promise.resolve(errorInfo(socket.errored));
  return new Promise((resolve) => {
    const done = (value: ErrorInfo | null): void => {
      clearTimeout(timer);
      socket.off('session', onSession);
      socket.off('error', onError);
      socket.off('end', onSession);
      resolve(value);
    };
    // A ticket, or a clean close, means the server accepted the client as it is.
    const onSession = (): void => done(null);
    const onError = (err: Error): void => done(errorInfo(err));
    const timer = setTimeout(() => done(null), waitMs);
    socket.on('session', onSession);
    socket.on('end', onSession);
    socket.on('error', onError);
    // Reading makes OpenSSL process the records that follow the handshake.
    socket.resume();
  });
}

/** GET the caIssuers URL: DER, PEM or a PKCS#7 bundle (RFC 5280 §4.2.2.1). */
async function fetchIssuer(url: string, opts: CertCheckOptions): Promise<{ cert: X509Certificate } | { error: ErrorInfo }> {
  const fetched = await fetchCapped(url, {
    timeoutMs: opts.timeoutMs,
    maxBytes: MAX_ISSUER_BYTES,
    what: 'the issuer certificate',
    ...reachOf(opts),
  });
  if ('error' in fetched) return fetched;
  try {
    const cert = readCertFile(fetched.body).certificates[0];
    return cert ? { cert } : { error: { code: 'CERT_PARSE_ERROR', message: `${url} holds no certificate` } };
  } catch (err) {
    return { error: errorInfo(err) };
  }
}

/** What every network step of a check shares: cancellation, how names resolve, the proxy. */
function reachOf(opts: CertCheckOptions): Pick<CertCheckOptions, 'signal' | 'lookup' | 'pinned' | 'proxy'> {
  return {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
    ...(opts.pinned ? { pinned: opts.pinned } : {}),
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
  };
}

/** OpenSSL 3 messages read `<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:`; keep the reason. */
function opensslReason(message: string): string {
  return /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.trim().split('\n')[0] ?? message;
}
