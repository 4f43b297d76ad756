// Spring Boot application*.properties / application*.yml: server.address + server.port and
// management.server.address + management.server.port are binds (Spring Boot "Common Application
// Properties"); spring.datasource.url, spring.data.redis.host/port and other *.url/*.host keys are
// client references.
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, keyValueLines, yamlPairs, yamlText, yamlValueRange } from './common';
import { parseYaml } from './yamlDocs';

interface Flat {
  key: string;
  value: string;
  start: number;
  end: number;
}

export function extractSpring(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'spring');
  const flat: Flat[] = /\.ya?ml$/i.test(file) ? flattenYaml(b) : keyValueLines(text, /^\s*([\w.\-[\]]+)\s*[=:]\s*(.*)$/);
  for (const prefix of ['server', 'management.server']) {
    const address = flat.find((f) => f.key === `${prefix}.address`);
    const port = flat.find((f) => f.key === `${prefix}.port`);
    const n = port && /^\d{1,5}$/.test(port.value) ? Number(port.value) : null;
    const anchor = address ?? (n !== null ? port : undefined);
    if (anchor) b.bind({ service: FILE_SERVICE, address: address?.value ?? null, port: n, origin: anchor.key, start: anchor.start, end: anchor.end, addressStart: address ? address.start : null });
  }
  const hosts = flat.filter((f) => /\.host$/.test(f.key) && !f.key.startsWith('server.') && !f.key.startsWith('management.server.'));
  for (const h of hosts) {
    if (h.value.includes('${')) continue;
    const p = flat.find((f) => f.key === `${h.key.slice(0, -'.host'.length)}.port`);
    b.client({ service: FILE_SERVICE, host: h.value, port: p && /^\d+$/.test(p.value) ? Number(p.value) : null, url: null, origin: h.key, start: h.start, end: h.end, hostStart: h.start });
  }
  for (const f of flat) if (/(\.url|\.uri|\.uris|\.addresses|\.bootstrap-servers)$/.test(f.key)) b.clientValue(FILE_SERVICE, f.key, f.value, f.start);
  return b.facts;
}

function flattenYaml(b: FactsBuilder): Flat[] {
  const out: Flat[] = [];
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (depth > 64) return;
    for (const [key, value] of yamlPairs(node)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const text = yamlText(value);
      const r = value ? yamlValueRange(value) : null;
      if (text !== null && r) out.push({ key: path, value: text, start: r.start, end: r.end });
      else walk(value, path, depth + 1);
    }
  };
  for (const doc of parseYaml(b)) walk(doc.contents, '', 0);
  return out;
}
