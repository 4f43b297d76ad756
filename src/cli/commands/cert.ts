// netdiag cert <file|host:port|url>: a certificate chain from a file or a server, verified and
// explained; with --scan the server's TLS configuration (docs/certificates.md).
import { readFile, stat } from 'node:fs/promises';
import { hasErrors } from '../../engine/findings';
import type { Finding } from '../../engine/report';
import { prepareOptions } from '../../engine/setup';
import { parseTarget } from '../../engine/target';
import { checkEndpoint, checkFile } from '../../engine/tls/certCheck';
import type { CertCheck, CertCheckOptions } from '../../engine/tls/certCheck';
import { CertPasswordError } from '../../engine/tls/certFile';
import type { ClientCertificate } from '../../engine/tls/scan';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { parseStrict, wholeNumber } from '../args';

const USAGE = `Usage: netdiag cert <file|host:port|url> [options]

  <file>                    .pem/.crt/.cer (PEM bundle or DER), .der, .p7b, .p12/.pfx
  <host:port|url>           a TLS server (port 443 when none is given)

Options:
  --servername NAME         SNI to send, and the name the certificate must cover
                            (for a file: the host to check the leaf against)
  --ca FILE                 extra trusted CA certificates, PEM (repeatable)
  --scan                    scan the server's TLS configuration: protocols, suites in the
                            server's order, ALPN, groups, resumption, no-SNI, OCSP stapling, grade
  --ocsp                    ask the certificate's OCSP responder whether it is revoked
  --fetch-issuer            download a missing intermediate from the AIA caIssuers URL
  --password-env VAR        the PKCS#12 password is in environment variable VAR (never on the
                            command line); used for a .p12/.pfx file and for --pfx
  --cert FILE --key FILE    client certificate and key (PEM) for servers that ask (mutual TLS)
  --pfx FILE                client certificate as PKCS#12
  --timeout MS              timeout of each handshake and request (default 5000)
  --concurrency N           handshakes at once during --scan (default 8)
  --json                    print the result as JSON (docs/report.md, "netdiag cert --json")
  --no-color                plain text even on a terminal`;

export interface CertArgs {
  input: string;
  servername: string | null;
  ca: string[];
  scan: boolean;
  ocsp: boolean;
  fetchIssuer: boolean;
  passwordEnv: string | null;
  cert: string | null;
  key: string | null;
  pfx: string | null;
  timeoutMs: number;
  concurrency: number;
  json: boolean;
}

export function parseCertArgs(argv: readonly string[]): CertArgs {
  const { values, positionals } = parseStrict(argv, {
    servername: { type: 'string' },
    ca: { type: 'string', multiple: true },
    scan: { type: 'boolean' },
    ocsp: { type: 'boolean' },
    'fetch-issuer': { type: 'boolean' },
    'password-env': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    pfx: { type: 'string' },
    timeout: { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'cert needs a certificate file, host:port or URL.' : `cert takes one file or endpoint, got ${positionals.length}.`);
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together.');
  if (values.pfx !== undefined && values.cert !== undefined) throw new UsageError('Give either --pfx or --cert/--key, not both.');
  return {
    input: positionals[0]!,
    servername: values.servername ?? null,
    ca: values.ca ?? [],
    scan: values.scan === true,
    ocsp: values.ocsp === true,
    fetchIssuer: values['fetch-issuer'] === true,
    passwordEnv: values['password-env'] ?? null,
    cert: values.cert ?? null,
    key: values.key ?? null,
    pfx: values.pfx ?? null,
    timeoutMs: values.timeout === undefined ? 5000 : wholeNumber(values.timeout, '--timeout'),
    concurrency: values.concurrency === undefined ? 8 : wholeNumber(values.concurrency, '--concurrency'),
    json: values.json === true,
  };
}

export const certCommand: CliCommand = {
  name: 'cert',
  usage: USAGE,
  async run(argv, io) {
    const args = parseCertArgs(argv);
    const password = passwordFrom(args, io);
    const { options, warnings } = await prepareOptions({ dnsServers: [], extraCaFiles: args.ca, sslCertFile: io.env['SSL_CERT_FILE'], cacheDir: io.cacheDir ?? undefined });
    for (const w of warnings) io.stderr(`netdiag: warning: ${w}\n`);
    const common: CertCheckOptions = {
      trust: options.trust,
      timeoutMs: args.timeoutMs,
      signal: io.signal,
      expiryWarningDays: options.certExpiryWarningDays,
      scan: args.scan,
      scanConcurrency: args.concurrency,
      checkRevocation: args.ocsp,
      fetchMissingIssuer: args.fetchIssuer,
    };
    const client = await clientCertificate(args, password);
    if (client) common.clientCertificate = client;

    let check: CertCheck;
    if (await isFile(args.input)) {
      if (args.scan) throw new UsageError('--scan needs a server (host:port or URL), not a file.');
      try {
        check = await checkFile(await readFile(args.input), args.input, { ...common, host: args.servername, ...(password !== undefined ? { password } : {}) });
      } catch (err) {
        if (err instanceof CertPasswordError) throw new UsageError(`${args.input}: ${err.message}${args.passwordEnv ? ` (from $${args.passwordEnv})` : '; give it with --password-env VAR'}.`);
        throw err;
      }
    } else {
      const { target } = parseTarget(/^[a-z][a-z0-9+.-]*:\/\//i.test(args.input) || /:\d+$/.test(args.input) ? args.input : `https://${args.input}`);
      check = await checkEndpoint(target.host, target.port, args.servername ?? (target.ipFamily === null ? target.host : null), common);
    }
    io.stdout(args.json ? `${JSON.stringify(check, null, 2)}\n` : renderCertText(check, io.color));
    if (io.signal.aborted) return 130;
    return hasErrors(check.findings) ? 1 : 0;
  },
};

function passwordFrom(args: CertArgs, io: CliIo): string | undefined {
  if (args.passwordEnv === null) return undefined;
  const value = io.env[args.passwordEnv];
  if (value === undefined) throw new UsageError(`--password-env ${args.passwordEnv}: that environment variable is not set.`);
  return value;
}

async function clientCertificate(args: CertArgs, password: string | undefined): Promise<ClientCertificate | undefined> {
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new UsageError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  if (args.pfx) return { pfx: await read(args.pfx), ...(password !== undefined ? { passphrase: password } : {}) };
  if (args.cert && args.key) return { cert: (await read(args.cert)).toString('utf8'), key: (await read(args.key)).toString('utf8'), ...(password !== undefined ? { passphrase: password } : {}) };
  return undefined;
}

async function isFile(input: string): Promise<boolean> {
  try {
    return (await stat(input)).isFile();
  } catch {
    return false;
  }
}

const SEVERITY: Record<Finding['severity'], [string, string]> = { error: ['✖ error', '31'], warning: ['▲ warning', '33'], info: ['ℹ info', '36'] };

/** The check for a terminal; certificate text is network data, so control characters are escaped. */
export function renderCertText(check: CertCheck, color: boolean): string {
  const paint = color ? (code: string, text: string): string => `\x1b[${code}m${text}\x1b[0m` : (_code: string, text: string): string => text;
  const out: string[] = [];
  const ok = !check.findings.some((f) => f.severity === 'error');
  out.push(`${paint('1', clean(check.source.label))}${check.source.format ? ` (${check.source.format})` : ''}`);
  out.push(paint(ok ? '32' : '31', `${ok ? '✔' : '✖'} ${clean(check.verdict)}`));
  if (check.tls) out.push(`  ${[check.tls.protocol, check.tls.cipher, check.tls.keyExchange, check.tls.alpn && `ALPN ${check.tls.alpn}`].filter(Boolean).join(' · ')}`);
  if (check.sentOrderKnown === false) out.push(paint('2', "  (chain order from Node's view: the server speaks only TLS 1.3, whose Certificate message is encrypted)"));
  check.chain.forEach((c, i) => {
    out.push('', paint('1', `${i + 1}. ${clean(c.subject || '(empty subject)')}`));
    out.push(`   issuer      ${clean(c.issuer)}`);
    if (c.subjectAltNames.length > 0) out.push(`   names       ${clean(c.subjectAltNames.slice(0, 8).join(', '))}${c.subjectAltNames.length > 8 ? ` … (${c.subjectAltNames.length} in all)` : ''}`);
    out.push(`   valid       ${c.notBefore} → ${c.notAfter} (${c.daysLeft < 0 ? `expired ${-c.daysLeft} days ago` : `${c.daysLeft} days left`})`);
    out.push(`   key         ${c.publicKey.type}${c.publicKey.bits ? ` ${c.publicKey.bits}` : ''}${c.publicKey.curve ? ` ${c.publicKey.curve}` : ''}, signed ${c.signatureAlgorithm}`);
    if (c.keyUsage.length + c.extendedKeyUsage.length > 0) out.push(`   usage       ${[...c.keyUsage, ...c.extendedKeyUsage].join(', ')}`);
    out.push(`   CA          ${c.isCA ? `yes${c.pathLength !== undefined ? `, path length ${c.pathLength}` : ''}` : 'no'}${c.selfSigned ? ', self-signed' : ''}`);
    out.push(`   serial      ${c.serialNumber}`);
    out.push(`   SHA-256     ${c.fingerprint256}`);
  });
  if (check.path.length > 0) {
    out.push('', paint('1', 'Path to the trust anchor'));
    for (const p of check.path) out.push(`  → ${clean(p.subject)}${p.store ? paint('32', `  [${p.store} store]`) : ''}`);
  }
  for (const k of check.privateKeys ?? []) out.push(`  private key: ${k.where}, ${k.description}${k.matchesLeaf === true ? ', matches certificate 1' : k.matchesLeaf === false ? ', does NOT match certificate 1' : ''} (not shown)`);
  if (check.revocation) out.push('', `OCSP ${check.revocation.responder ?? '(stapled)'}: ${check.revocation.status ?? clean(check.revocation.error?.message ?? 'no answer')}`);
  const s = check.scan;
  if (s) {
    out.push('', paint('1', `TLS configuration: grade ${s.grade.grade}`) + `  (${s.handshakes} handshakes, ${s.durationMs} ms)`);
    for (const r of s.grade.reasons) out.push(`  · ${r}`);
    for (const p of s.protocols) out.push(`  ${p.name.padEnd(8)} ${p.supported ? paint('32', 'yes') : p.tested ? 'no' : paint('2', 'not tested')}${p.tested ? '' : `  (${clean(p.note ?? '')})`}`);
    for (const p of s.protocols.filter((x) => x.supported)) {
      const order = s.cipherOrder.find((o) => o.protocol === p.name);
      out.push(`  ${p.name} suites${order ? (order.serverOrder ? " (server's order)" : " (client's order)") : ''}:`);
      for (const c of s.ciphers.filter((x) => x.protocol === p.name)) out.push(`    ${c.weak ? paint('33', c.name) : c.name}`);
    }
    out.push(`  ALPN        ${s.alpn.join(', ') || 'none'}`);
    out.push(`  groups      ${s.groups.join(', ') || 'none'}`);
    out.push(`  resumption  ${s.resumption.map((r) => `${r.protocol} ${r.resumed ? 'yes' : 'no'}`).join(', ') || 'n/a'}`);
    if (s.withoutSni) out.push(`  without SNI ${s.withoutSni.handshake ? (s.withoutSni.sameCertificate === false ? 'another certificate' : 'same certificate') : 'refused'}`);
    out.push(`  OCSP staple ${s.ocsp.stapled ? 'yes' : 'no'}${s.ocsp.mustStaple ? ' (must-staple)' : ''}`);
  }
  if (check.findings.length > 0) {
    out.push('', paint('1', 'Findings'));
    for (const f of check.findings) {
      const [label, code] = SEVERITY[f.severity];
      out.push(`${paint(code, label)} ${f.code}: ${clean(f.message)}`, paint('2', `  ${f.hint}`));
    }
  }
  return `${out.join('\n')}\n`;
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
