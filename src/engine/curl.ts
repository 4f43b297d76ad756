// An equivalent command line for a report, to reproduce a diagnosis outside Netdiag: curl for
// HTTP(S), curl's telnet:// for a plain TCP connect, openssl s_client for other TLS services.
// Credentials are left out (`<redacted>`, `***`) unless the caller passes the request (and the URL)
// and asks to reveal them; userinfo never appears.
import type { Report } from './model/report';
import type { RequestSpec } from './options';
import { redactHeaders, redactUrl } from './redact';

export interface CurlOptions {
  /** The request as sent, with real header values (the report's are redacted). */
  request?: RequestSpec;
  /** Put secret header values in the command instead of `<redacted>`. */
  revealSecrets?: boolean;
  /** The target URL with its real query, as the run got it (the report's is redacted); used with revealSecrets. */
  url?: string;
}

const WRITE_OUT = String.raw`dns %{time_namelookup}s  connect %{time_connect}s  tls %{time_appconnect}s  ttfb %{time_starttransfer}s  total %{time_total}s  http %{http_version} %{http_code}\n`;

export function toCurl(report: Report, opts: CurlOptions = {}): string {
  const t = report.target;
  const host = t.ipFamily === 6 ? `[${t.host}]` : t.host;
  if (t.application !== 'http') {
    if (t.tls) {
      const sni = t.ipFamily === null ? ` -servername ${quote(t.host)}` : '';
      return `openssl s_client -connect ${quote(`${host}:${t.port}`)}${sni} -showcerts </dev/null`;
    }
    return `curl -v ${quote(`telnet://${host}:${t.port}`)} </dev/null`;
  }
  const args = ['curl', '-sS', '-o', '/dev/null', '-w', quote(WRITE_OUT)];
  const followed = (report.http?.requests.length ?? 0) > 1 || report.findings.some((f) => f.code === 'HTTP_TOO_MANY_REDIRECTS' || f.code === 'HTTP_REDIRECT_LOOP');
  if (followed) args.push('-L', '--max-redirs', String(Math.max(1, (report.http?.requests.length ?? 1) - 1)));
  for (const a of report.dns?.pinned ?? []) args.push('--resolve', quote(`${t.host}:${t.port}:${a.family === 6 ? `[${a.address}]` : a.address}`));
  if (t.tls && report.tls?.alpn === 'h2') args.push('--http2');
  if (report.proxy?.url) args.push('--proxy', quote(report.proxy.url));
  else if (report.proxy) args.push('--noproxy', quote('*'));
  const method = opts.request?.method.toUpperCase() ?? report.request?.method ?? 'GET';
  if (method !== 'GET') args.push('-X', quote(method));
  const headers = opts.request ? redactHeaders(opts.request.headers, opts.revealSecrets === true) : (report.request?.headers ?? {});
  for (const [name, value] of Object.entries(headers)) args.push('-H', quote(`${name}: ${value}`));
  if (opts.request?.body !== undefined) args.push('--data-raw', quote(opts.request.body));
  else if ((report.request?.bodyBytes ?? 0) > 0) args.push('--data-raw', quote(`<${report.request!.bodyBytes} bytes>`));
  // Never userinfo on a command line (it lands in shell history); secret query values only when revealed.
  const url = (opts.revealSecrets && opts.url !== undefined ? opts.url : redactUrl(t.url)).replace(/\/\/[^/@]*@/, '//');
  args.push(quote(url));
  return args.join(' ');
}

/** POSIX single-quoting: safe for any text, including text that came from the network. */
function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
