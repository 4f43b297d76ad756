// nginx: `listen` (address:port, port, [v6]:port, `*:port`, unix: skipped; ngx_http_core_module),
// `server_name`, `proxy_pass` / `grpc_pass` / `fastcgi_pass` / `uwsgi_pass` targets and `server`
// lines inside `upstream` blocks (ngx_http_upstream_module) as clients. `server_name` values are
// virtual-host names tied to their `server` block's `listen` values, not binds.
import type { VirtualHost } from '../../model/bind';
import type { FileFacts } from '../facts';
import { parseHostPort, parseUrl } from '../values';
import { FactsBuilder, FILE_SERVICE } from './common';

export function extractNginx(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'nginx');
  const clean = text.replace(/#[^\n]*/g, (c) => ' '.repeat(c.length));
  const upstreams = new Set<string>();
  for (const m of clean.matchAll(/\bupstream\s+([\w.-]+)\s*\{([^}]*)\}/g)) {
    upstreams.add(m[1]!);
    const bodyStart = m.index + m[0].indexOf('{') + 1;
    for (const s of m[2]!.matchAll(/(^|[;\s])server\s+([^\s;]+)/g)) {
      const value = s[2]!;
      const at = bodyStart + s.index + s[0].length - value.length;
      const hp = parseHostPort(value);
      if (hp?.host) b.client({ service: FILE_SERVICE, host: hp.host, port: hp.port ?? 80, url: null, origin: `upstream ${m[1]}`, start: at, end: at + value.length, hostStart: at + hp.hostOffset });
    }
  }
  const blocks = serverBlocks(clean);
  const blockOf = (offset: number): { start: number; end: number } | undefined => blocks.find((k) => offset > k.start && offset < k.end);
  const listens = new Map<{ start: number; end: number } | undefined, string[]>();
  for (const m of clean.matchAll(/(^|[;{}\s])listen\s+([^\s;]+)([^;]*);/g)) {
    const value = m[2]!;
    const at = m.index + m[1]!.length + m[0].slice(m[1]!.length).indexOf(value);
    const block = blockOf(at);
    listens.set(block, [...(listens.get(block) ?? []), value]);
    if (value.startsWith('unix:')) continue;
    const hp = parseHostPort(value);
    if (!hp) continue;
    // `listen 8080` means every IPv4 address; `listen [::]:8080` every IPv6 one (nginx docs, listen).
    const udp = /\bquic\b/.test(m[3]!);
    b.bind({ service: FILE_SERVICE, address: hp.host, port: hp.port ?? (hp.host !== null ? 80 : null), origin: 'listen', start: at, end: at + value.length, addressStart: hp.host === null ? null : at + hp.hostOffset, system: true, protocol: udp ? 'udp' : 'tcp' });
  }
  for (const m of clean.matchAll(/(^|[;{}\s])(proxy_pass|grpc_pass|fastcgi_pass|uwsgi_pass|scgi_pass)\s+([^\s;]+);/g)) {
    const value = m[3]!;
    const at = m.index + m[0].lastIndexOf(value);
    const u = parseUrl(value.replace(/^grpcs?:\/\//, 'http://'));
    if (u) {
      if (upstreams.has(u.host)) continue;
      b.client({ service: FILE_SERVICE, host: u.host, port: u.port, url: value, origin: m[2]!, start: at, end: at + value.length, hostStart: at + u.hostOffset });
      continue;
    }
    const hp = parseHostPort(value);
    if (hp?.host && !upstreams.has(hp.host)) b.client({ service: FILE_SERVICE, host: hp.host, port: hp.port, url: null, origin: m[2]!, start: at, end: at + value.length, hostStart: at + hp.hostOffset });
  }
  const vhosts: VirtualHost[] = [];
  for (const m of clean.matchAll(/(^|[;{}\s])server_name\s([^;]*);/g)) {
    const valuesStart = m.index + m[0].length - 1 - m[2]!.length;
    // Quoted names keep their spaces and braces (a regex with `{` must be quoted; nginx docs, server_name).
    for (const t of m[2]!.matchAll(/"([^"]*)"|'([^']*)'|[^\s"']+/g)) {
      const quoted = t[1] ?? t[2];
      const name = quoted ?? t[0];
      // `_` is the conventional catch-all and `""` matches a request without Host: neither is a name.
      if (name === '' || name === '_') continue;
      const at = valuesStart + t.index + (quoted === undefined ? 0 : 1);
      vhosts.push({ service: FILE_SERVICE, name, source: b.src.range(at, at + name.length), listens: listens.get(blockOf(at)) ?? [] });
    }
  }
  if (vhosts.length > 0) b.facts.vhosts = vhosts;
  return b.facts;
}

/** `server { … }` blocks (not `server` lines of an upstream): offsets of their braces, quotes skipped. */
function serverBlocks(clean: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of clean.matchAll(/(^|[;{}\s])server\s*\{/g)) {
    const start = m.index + m[0].length - 1;
    let depth = 0;
    let quote = '';
    for (let i = start; i < clean.length; i++) {
      const ch = clean[i]!;
      if (quote !== '') {
        if (ch === quote && clean[i - 1] !== '\\') quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        out.push({ start, end: i });
        break;
      }
    }
  }
  return out;
}
