// nginx: `listen` (address:port, port, [v6]:port, `*:port`, unix: skipped; ngx_http_core_module),
// `server_name`, `proxy_pass` / `grpc_pass` / `fastcgi_pass` / `uwsgi_pass` targets and `server`
// lines inside `upstream` blocks (ngx_http_upstream_module) as clients.
import type { FileFacts } from '../model';
import { FactsBuilder, FILE_SERVICE } from './common';
import { parseHostPort, parseUrl } from '../values';

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
  for (const m of clean.matchAll(/(^|[;{}\s])listen\s+([^\s;]+)([^;]*);/g)) {
    const value = m[2]!;
    const at = m.index + m[1]!.length + m[0].slice(m[1]!.length).indexOf(value);
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
  return b.facts;
}
