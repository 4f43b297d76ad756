// my.cnf / mysqld.cnf: `bind-address` (one address, or a comma list since MySQL 8.0.13; `*`
// every interface) and `port` in the [mysqld] / [mariadb] sections.
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, keyValueLines } from './common';

export function extractMysql(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'mysql');
  let section = '';
  const server: ReturnType<typeof keyValueLines> = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const h = /^\s*\[([\w.-]+)\]/.exec(line);
    if (h) section = h[1]!.toLowerCase();
    else if (/^(mysqld|mariadb|server|mysqld_safe|mariadbd)$/.test(section)) {
      for (const kv of keyValueLines(line, /^\s*([\w-]+)\s*=\s*(.*)$/)) server.push({ ...kv, start: kv.start + offset, end: kv.end + offset, keyStart: kv.keyStart + offset });
    }
    offset += line.length + 1;
  }
  const portLine = server.find((l) => l.key.replace(/_/g, '-') === 'port');
  const port = portLine && /^\d+$/.test(portLine.value) ? Number(portLine.value) : 3306;
  for (const l of server.filter((x) => x.key.replace(/_/g, '-') === 'bind-address')) {
    for (const m of l.value.matchAll(/[^,\s]+/g)) {
      b.bind({ service: FILE_SERVICE, address: m[0], port, origin: 'bind-address', start: l.start + m.index, end: l.start + m.index + m[0].length, addressStart: l.start + m.index, system: true });
    }
  }
  return b.facts;
}
