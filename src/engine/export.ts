// Exports of a Report: Markdown for a ticket, the HTTP part as HAR 1.2 (what browser devtools and
// HAR viewers read), and JSON with the secrets a report may still hold removed. Pure. Reports
// already redact secrets (redact.ts) unless the run revealed them; the export redacts again
// whatever was revealed, so an export is safe unless the user asks otherwise.
import type { HttpExchange, Report } from './model/report';
import { redactSecrets } from './redact';
import { jsonText, markdownCode, markdownText } from './safeText';
import { endpoint } from './stack/words';
import { formatBytes } from './summary';
import { VERSION } from './version';

export type ExportFormat = 'json' | 'markdown' | 'har';

export interface ExportOptions {
  /** Keep secrets that a run with revealSecrets recorded. */
  revealSecrets?: boolean;
}

export function exportReport(report: Report, format: ExportFormat, opts: ExportOptions = {}): string {
  const r = opts.revealSecrets ? report : redactSecrets(report);
  switch (format) {
    case 'json':
      return jsonText(r);
    case 'markdown':
      return toMarkdown(r);
    case 'har':
      return jsonText(toHar(r));
  }
}

const MARK: Record<string, string> = { ok: '✅', warn: '⚠️', fail: '❌', skipped: '➖', pending: '⏳' };

export function toMarkdown(report: Report): string {
  const t = report.target;
  const out: string[] = [];
  out.push(`## Netdiag: ${markdownCode(t.url)}`, '');
  out.push(`Diagnosed ${report.startedAt} with netdiag ${report.tool.version} in ${report.durationMs} ms${report.cancelled ? ' (cancelled)' : ''}.`, '');
  out.push(`**${MARK[report.verdict.status] ?? ''} ${markdownText(report.verdict.text)}**`, '');
  out.push('| Layer | Status | Summary |', '| --- | --- | --- |');
  const dns = report.stack?.dns;
  if (dns) out.push(`| dns | ${MARK[dns.status] ?? dns.status} ${dns.status} | ${markdownText(dns.summary)} |`);
  for (const l of report.layers) out.push(`| ${l.name} | ${MARK[l.status] ?? l.status} ${l.status} | ${markdownText(l.summary)} |`);
  out.push('', ...stackMarkdown(report));
  if (report.findings.length > 0) {
    out.push('### Findings', '');
    for (const f of report.findings) out.push(`- **${f.severity}** ${markdownCode(f.code)}: ${markdownText(f.message)}${f.subject ? ` (${markdownText(f.subject)})` : ''}  \n  _${markdownText(f.hint)}_`);
    out.push('');
  }
  out.push('### Path', '');
  out.push(report.hops.map((h) => `${h.kind}${h.role ? ` (${h.role})` : ''}: ${h.label}${h.durationMs !== undefined ? ` [${h.durationMs} ms]` : ''}${h.status === 'ok' ? '' : ` ${MARK[h.status] ?? h.status}`}`).map((s) => markdownText(s)).join(' → '), '');
  if (report.proxy) {
    out.push('### Proxy', '', `- ${markdownText(report.proxy.reason)}`);
    if (report.proxy.url) out.push(`- ${markdownCode(report.proxy.url)} (${report.proxy.mode ?? ''}${report.proxy.tunnelStatus !== null ? `, CONNECT ${report.proxy.tunnelStatus}` : ''}${report.proxy.error ? `, ${markdownText(report.proxy.error.message)}` : ''})`);
    out.push('');
  }
  const reqs = report.http?.requests ?? [];
  if (reqs.length > 0) {
    out.push('### HTTP', '', '| # | Request | Status | Version | DNS | Connect | TLS | First byte | Download | Total |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    reqs.forEach((x, i) => {
      const tm = x.timings;
      out.push(`| ${i + 1} | ${markdownText(`${x.method} ${x.url}`)}${x.reusedConnection ? ' (reused)' : ''}${x.retriedAfter ? ' (sent again: kept-alive connection closed)' : ''}${x.viaProxy ? ' (via proxy)' : ''} | ${x.status ?? markdownText(x.error?.code ?? 'no response')} | ${x.httpVersion ?? ''} | ${tm.dnsMs} | ${tm.connectMs} | ${tm.tlsMs} | ${tm.ttfbMs} | ${tm.downloadMs} | ${tm.totalMs} ms |`);
    });
    out.push('', 'Times in milliseconds.', '');
  }
  if (report.intermediaries?.length) {
    out.push('### Intermediaries', '');
    for (const i of report.intermediaries) out.push(`- ${i.role}: **${markdownText(i.name)}** (${i.evidence.map((e) => markdownCode(e)).join(', ')})`);
    out.push('');
  }
  if (report.tls?.chain.length) {
    out.push('### TLS', '', `${markdownText([report.tls.protocol, report.tls.cipher, report.tls.alpn ? `ALPN ${report.tls.alpn}` : null].filter(Boolean).join(', '))}; ${report.tls.verification.trusted ? 'trusted' : 'not trusted'}`, '');
    for (const c of report.tls.chain) out.push(`- ${markdownText(c.subject)} — issued by ${markdownText(c.issuer)}, until ${c.notAfter}`);
    out.push('');
  }
  if (report.route) {
    out.push('### Route', '', report.route.command ? `${markdownCode(report.route.command)}${report.route.reached ? '' : ' (did not reach the host)'}${report.route.pmtu !== undefined ? `, path MTU ${report.route.pmtu} bytes` : ''}` : markdownText(report.route.error?.message ?? 'no route'), '');
    for (const h of report.route.hops) out.push(`${h.ttl}. ${h.address === null && h.name === null ? '*' : markdownText(h.name && h.address ? `${h.name} (${h.address})` : (h.name ?? h.address ?? ''))}${h.rttMs.length ? ` — ${h.rttMs.join(' / ')} ms` : ''}${h.note ? ` ${markdownText(h.note)}` : ''}`);
    out.push('');
  }
  if (report.connections.length > 0) {
    out.push(`Connections: ${report.connections.map((c) => `${endpoint(c.address, c.port)} ${c.ok ? `${c.durationMs} ms${c.used ? ' (used)' : ''}` : (c.error?.code ?? 'failed')}${c.dnsOnly ? ' (DNS only)' : ''}`).join(', ')}`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** The stack as a table: the DNS exchange, then each layer's client, what is across, the server (docs/layers.md). */
function stackMarkdown(report: Report): string[] {
  const stack = report.stack;
  if (!stack) return [];
  const cell = (parts: readonly string[]): string => markdownText(parts.join('; '));
  const out = ['### Stack', '', 'Each layer at the client, across the path and at the server (what each layer does: Netdiag\'s docs/layers.md).', '', '| Layer | Client | Across the path | Server |', '| --- | --- | --- | --- |'];
  if (stack.dns) out.push(`| DNS, before the connection | ${cell(stack.dns.cells.map((c) => `${c.layer}: ${c.text}`))} | ${cell(stack.dns.queries)} | |`);
  for (const row of stack.rows) out.push(`| ${row.layer} | ${cell(row.client === null ? [] : [row.client])} | ${cell(row.path.map((p) => p.label))} | ${cell(row.server === null ? [] : [row.server])} |`);
  for (const u of stack.unavailable) out.push('', `_No ${u.fact}${u.subject ? ` for ${markdownText(u.subject)}` : ''}: ${markdownText(u.reason)}_`);
  out.push('');
  return out;
}

interface HarHeader {
  name: string;
  value: string;
}

function harHeaders(h: Record<string, string | string[]>): HarHeader[] {
  return Object.entries(h).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
}

function harEntry(report: Report, x: HttpExchange, startMs: number): Record<string, unknown> {
  const t = x.timings;
  const url = new URL(x.url.replace(/%[^\]]*\]/, ']'));
  const started = new Date(Date.parse(report.startedAt) + startMs).toISOString();
  const contentType = x.headers['content-type'];
  return {
    startedDateTime: started,
    time: t.totalMs,
    request: {
      method: x.method,
      url: x.url,
      httpVersion: x.httpVersion === '2.0' ? 'HTTP/2' : 'HTTP/1.1',
      cookies: [],
      headers: harHeaders(x.requestHeaders ?? {}),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      headersSize: -1,
      bodySize: x.requestBodyBytes ?? 0,
    },
    response: {
      status: x.status ?? 0,
      statusText: x.statusText,
      httpVersion: x.httpVersion === null ? '' : x.httpVersion === '2.0' ? 'HTTP/2' : `HTTP/${x.httpVersion}`,
      cookies: [],
      headers: harHeaders(x.headers),
      content: { size: x.bodyBytes, mimeType: typeof contentType === 'string' ? contentType : 'x-unknown', comment: x.bodyTruncated ? 'body truncated at the read limit; not stored' : 'body not stored' },
      redirectURL: typeof x.headers['location'] === 'string' ? x.headers['location'] : '',
      headersSize: -1,
      bodySize: x.bodyBytes,
      ...(x.error ? { _error: x.error.message } : {}),
    },
    cache: {},
    // HAR 1.2 timings; -1 means "does not apply" (a reused connection has no DNS, connect or TLS).
    timings: {
      blocked: -1,
      dns: x.reusedConnection ? -1 : t.dnsMs,
      connect: x.reusedConnection ? -1 : t.connectMs + t.tlsMs,
      ssl: x.reusedConnection || t.tlsMs === 0 ? -1 : t.tlsMs,
      send: 0,
      wait: t.ttfbMs,
      receive: t.downloadMs,
    },
    ...(x.remoteAddress ? { serverIPAddress: x.remoteAddress } : {}),
    ...(x.viaProxy ? { comment: 'through a proxy' } : {}),
  };
}

/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): one page, one entry per request. */
export function toHar(report: Report): Record<string, unknown> {
  let elapsed = 0;
  const entries = (report.http?.requests ?? []).map((x) => {
    const e = harEntry(report, x, elapsed);
    elapsed += x.timings.totalMs;
    return e;
  });
  return {
    log: {
      version: '1.2',
      creator: { name: 'netdiag', version: VERSION },
      pages: [{ startedDateTime: report.startedAt, id: 'page_1', title: report.target.url, pageTimings: { onContentLoad: -1, onLoad: -1 } }],
      entries: entries.map((e) => ({ pageref: 'page_1', ...e })),
      comment: `${report.http?.requests.length ?? 0} request(s), ${formatBytes((report.http?.requests ?? []).reduce((n, x) => n + x.bodyBytes, 0))} read`,
    },
  };
}
