// redis.conf: `bind ADDR…` (one or more addresses; `-` prefix means optional) and `port`. Without
// `bind`, Redis listens on every interface but protected mode refuses remote clients.
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, keyValueLines } from './common';

export function extractRedis(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'redis');
  const lines = keyValueLines(text, /^\s*(\w[\w-]*)\s+(.*)$/);
  const portLine = lines.find((l) => l.key === 'port');
  const port = portLine && /^\d+$/.test(portLine.value) ? Number(portLine.value) : 6379;
  for (const l of lines.filter((x) => x.key === 'bind')) {
    for (const m of l.value.matchAll(/-?(\S+)/g)) {
      const at = l.start + m.index + m[0].length - m[1]!.length;
      b.bind({ service: FILE_SERVICE, address: m[1]!, port, origin: 'bind', start: at, end: at + m[1]!.length, addressStart: at, system: true });
    }
  }
  return b.facts;
}
