// mongod.conf (YAML): `net.bindIp` (comma list; `0.0.0.0`/`::` or `net.bindIpAll`) and `net.port`.
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, yamlPath, yamlText, yamlValueRange } from './common';
import { parseYaml } from './yamlDocs';

export function extractMongodb(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'mongodb');
  for (const doc of parseYaml(b)) {
    const portText = yamlText(yamlPath(doc.contents, ['net', 'port']));
    const port = portText !== null && /^\d+$/.test(portText) ? Number(portText) : 27017;
    const bindAll = yamlPath(doc.contents, ['net', 'bindIpAll']);
    const all = bindAll ? yamlValueRange(bindAll) : null;
    if (all && yamlText(bindAll) === 'true') b.bind({ service: FILE_SERVICE, address: '::', port, origin: 'net.bindIpAll', start: all.start, end: all.end, addressStart: null, system: true });
    const node = yamlPath(doc.contents, ['net', 'bindIp']);
    const r = node ? yamlValueRange(node) : null;
    const value = yamlText(node);
    if (!r || value === null) continue;
    for (const m of value.matchAll(/[^,\s]+/g)) {
      b.bind({ service: FILE_SERVICE, address: m[0], port, origin: 'net.bindIp', start: r.start + m.index, end: r.start + m.index + m[0].length, addressStart: r.start + m.index, system: true });
    }
  }
  return b.facts;
}
