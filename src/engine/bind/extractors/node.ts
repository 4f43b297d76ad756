// Node projects: package.json `scripts` with server flags (vite --host, next dev -H/-p,
// webpack serve --host, http-server -a/-p…), and dev-server settings written as plain data in
// vite/webpack/next/nuxt config files (`server: { host, port }`, `devServer: { host, port }`).
// Code is not evaluated: only literal values count.
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, jsonProps, jsonGet, jsonValue } from './common';
import { parseJson } from './jsonDoc';

export function extractPackageJson(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'package.json');
  const root = parseJson(b);
  for (const [, node] of jsonProps(jsonGet(root, 'scripts'))) {
    const v = jsonValue(node);
    // http-server uses -a for the address; the other flags are shared (values.ts commandBinds).
    if (v) b.command(FILE_SERVICE, v.text.replace(/(\s)-a(\s)/g, '$1-H$2'), v.start);
  }
  return b.facts;
}

export function extractDevServerConfig(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'dev-server config');
  const block = /\b(server|devServer|preview)\s*:\s*\{/g;
  for (const m of text.matchAll(block)) {
    const open = m.index + m[0].length;
    const close = matchingBrace(text, open - 1);
    const body = text.slice(open, close);
    const host = /\bhost\s*:\s*(['"`])([^'"`]*)\1/.exec(body);
    const hostTrue = /\bhost\s*:\s*true\b/.exec(body);
    const port = /\bport\s*:\s*(\d{1,5})\b/.exec(body);
    if (!host && !hostTrue && !port) continue;
    // Vite: `host: true` means 0.0.0.0 (Vite docs, server.host).
    const address = host ? host[2]! : hostTrue ? '0.0.0.0' : null;
    const anchor = host ?? hostTrue ?? port!;
    const start = open + anchor.index + (host ? anchor[0].indexOf(host[1]!) + 1 : anchor[0].search(/true|\d/));
    const len = host ? host[2]!.length : hostTrue ? 4 : port![1]!.length;
    b.bind({ service: FILE_SERVICE, address, port: port ? Number(port[1]) : null, origin: `${m[1]}.${host || hostTrue ? 'host' : 'port'}`, start, end: start + len, addressStart: host ? start : null });
  }
  return b.facts;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}
