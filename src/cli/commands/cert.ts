// netdiag cert <file|host:port|url>: a certificate chain from a file or a server, verified and
// explained; with --scan the server's TLS configuration (docs/certificates.md).
import { readFile, stat } from 'node:fs/promises';
import { hasErrors } from '../../engine/findings';
import type { CertCheck } from '../../engine/model/certCheck';
import { DEFAULT_TIMEOUTS, LIMITS } from '../../engine/options';
import { certCheckOptions, prepareOptions } from '../../engine/setup';
import { parseTlsEndpoint } from '../../engine/target';
import { checkEndpoint, checkFile } from '../../engine/tls/certCheck';
import type { CertCheckOptions } from '../../engine/tls/certCheck';
import { CERT_FILE_EXTENSIONS, CertPasswordError, certFileTooLarge } from '../../engine/tls/certFile';
import type { ClientCertificate } from '../../engine/tls/scan';
import { numberOption, parseStrict } from '../args';
import { renderCertText } from '../certText';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { terminal } from '../terminal';

const USAGE = `Usage: netdiag cert <file|host:port|url> [options]

  <file>                    .pem/.crt/.cer (PEM bundle or DER), .der, .p7b, .p12/.pfx
  <host:port|url>           a TLS server (port 443 when none is given)

Options:
  --servername NAME         SNI to send, and the name the certificate must cover
                            (for a file: the host to check the leaf against)
  --ca FILE                 extra trusted CA certificates, PEM (repeatable)
  --scan                    scan the server's TLS configuration: SSL 2.0 to TLS 1.3, suites in
                            the server's order, groups, ALPN, resumption, no-SNI, OCSP stapling,
                            grade
  --ocsp                    ask the certificate's OCSP responder whether it is revoked
  --fetch-issuer            download a missing intermediate from the AIA caIssuers URL
  --password-env VAR        the PKCS#12 password is in environment variable VAR (never on the
                            command line); used for a .p12/.pfx file and for --pfx
  --cert FILE --key FILE    client certificate and key (PEM) for servers that ask (mutual TLS)
  --pfx FILE                client certificate as PKCS#12
  --timeout MS              timeout of each handshake and request (default ${DEFAULT_TIMEOUTS.tlsMs})
  --concurrency N           connections at once during --scan (default: the scan's own, 8)
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
  /** --timeout, or null for the default. */
  timeoutMs: number | null;
  /** --concurrency, or null for the scan's own. */
  concurrency: number | null;
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
    timeoutMs: values.timeout === undefined ? null : numberOption(values.timeout, '--timeout', LIMITS.timeoutMs),
    concurrency: values.concurrency === undefined ? null : numberOption(values.concurrency, '--concurrency', LIMITS.scanConcurrency),
    json: values.json === true,
  };
}

export const certCommand: CliCommand = {
  name: 'cert',
  usage: USAGE,
  async run(argv, io) {
    const args = parseCertArgs(argv);
    const term = terminal(io);
    const password = passwordFrom(args, io);
    const { options, warnings } = await prepareOptions({ dnsServers: [], extraCaFiles: args.ca, sslCertFile: io.env['SSL_CERT_FILE'], cacheDir: io.cacheDir ?? undefined, ...(args.timeoutMs !== null ? { timeouts: { tlsMs: args.timeoutMs } } : {}) });
    for (const w of warnings) term.warn(w);
    const common: CertCheckOptions = {
      ...certCheckOptions(options),
      signal: io.signal,
      scan: args.scan,
      ...(args.concurrency !== null ? { scanConcurrency: args.concurrency } : {}),
      checkRevocation: args.ocsp,
      fetchMissingIssuer: args.fetchIssuer,
    };
    const client = await clientCertificate(args, password);
    if (client) common.clientCertificate = client;

    let check: CertCheck;
    const file = await certFileOf(args.input);
    if (file !== null) {
      if (args.scan) throw new UsageError('--scan needs a server (host:port or URL), not a file.');
      try {
        check = await checkFile(file, args.input, { ...common, host: args.servername, ...(password !== undefined ? { password } : {}) });
      } catch (err) {
        if (err instanceof CertPasswordError) throw new UsageError(`${args.input}: ${err.message}${args.passwordEnv ? ` (from $${args.passwordEnv})` : '; give it with --password-env VAR'}.`);
        throw err;
      }
    } else {
      const endpoint = parseTlsEndpoint(args.input);
      check = await checkEndpoint(endpoint.host, endpoint.port, args.servername ?? endpoint.servername, common);
    }
    if (args.json) term.printJson(check);
    else term.print(renderCertText(check, term));
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

/**
 * The bytes of the certificate file `input` names, or null when it names a server. A regular
 * file is read (at most MAX_CERT_FILE_BYTES). Anything else that looks like a path (a `/` or
 * `\`, a leading `.` or `~`, a certificate file's extension, and no URL scheme) is a usage error
 * (exit 2) — a missing file, a directory, a FIFO — never a host name to connect to; a directory
 * that happens to be named like a host (`github.com`) does not make the host a path.
 */
async function certFileOf(input: string): Promise<Buffer | null> {
  const info = await stat(input).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (info instanceof Error) {
    if (!looksLikePath(input)) return null;
    const code = (info as NodeJS.ErrnoException).code;
    throw new UsageError(`no such certificate file: ${input}${code === 'ENOENT' ? '' : ` (${code ?? info.message})`}.`);
  }
  if (!info.isFile() && !looksLikePath(input)) return null;
  if (!info.isFile()) throw new UsageError(`no such certificate file: ${input} is ${info.isDirectory() ? 'a directory' : info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'not a regular file'}, not a certificate file.`);
  const tooLarge = certFileTooLarge(input, info.size);
  if (tooLarge !== null) throw new UsageError(`${tooLarge}.`);
  try {
    return await readFile(input);
  } catch (err) {
    throw new UsageError(`no such certificate file: ${input} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
}

function looksLikePath(input: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return false;
  return /[\\/]/.test(input) || /^[.~]/.test(input) || CERT_FILE_EXTENSIONS.some((ext) => input.toLowerCase().endsWith(ext));
}
