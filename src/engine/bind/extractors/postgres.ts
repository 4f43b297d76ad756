// postgresql.conf: `listen_addresses` ('*', '0.0.0.0', '::', names, a comma list; '' means Unix
// sockets only) and `port` (PostgreSQL docs, 20.3 "Connections and Authentication").
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, keyValueLines } from './common';

export function extractPostgres(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'postgresql');
  const lines = keyValueLines(text, /^\s*(\w+)\s*=?\s*(.*)$/);
  const portLine = lines.find((l) => l.key === 'port');
  const port = portLine && /^\d+$/.test(portLine.value) ? Number(portLine.value) : 5432;
  for (const l of lines.filter((x) => x.key === 'listen_addresses')) {
    for (const m of l.value.matchAll(/[^,\s]+/g)) {
      b.bind({ service: FILE_SERVICE, address: m[0], port, origin: 'listen_addresses', start: l.start + m.index, end: l.start + m.index + m[0].length, addressStart: l.start + m.index, system: true });
    }
  }
  return b.facts;
}
