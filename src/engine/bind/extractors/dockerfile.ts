// Dockerfile / Containerfile: EXPOSE documents the ports the image listens on (not a publish),
// ENV sets the app's environment, and CMD / ENTRYPOINT carry server flags (--host, --bind…).
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, type EnvEntry } from './common';

export function extractDockerfile(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'dockerfile');
  const env: EnvEntry[] = [];
  // Instructions continue over lines ending in `\` (Dockerfile reference, "Format").
  for (const m of text.matchAll(/^[ \t]*(EXPOSE|ENV|CMD|ENTRYPOINT)[ \t]+((?:[^\n]*\\\r?\n)*[^\n]*)/gim)) {
    const instr = m[1]!.toUpperCase();
    const args = m[2]!;
    const start = m.index + m[0].length - args.length;
    if (instr === 'EXPOSE') {
      for (const p of args.matchAll(/(\d{1,5})(?:-\d+)?(?:\/(tcp|udp))?/g)) {
        b.facts.published.push({ service: FILE_SERVICE, hostIp: null, hostPort: null, containerPort: Number(p[1]), protocol: p[2] === 'udp' ? 'udp' : 'tcp', origin: 'EXPOSE', source: b.src.range(start + p.index, start + p.index + p[0].length) });
      }
    } else if (instr === 'ENV') {
      for (const kv of args.matchAll(/([A-Za-z_][\w]*)(?:=|\s+)("([^"]*)"|'([^']*)'|[^\s\\]*)/g)) {
        const quoted = kv[3] ?? kv[4];
        const value = quoted ?? kv[2]!;
        const vStart = start + kv.index + kv[0].length - kv[2]!.length + (quoted !== undefined ? 1 : 0);
        env.push({ key: kv[1]!, value, start: vStart, end: vStart + value.length });
      }
    } else {
      b.command(FILE_SERVICE, args, start);
    }
  }
  b.env(FILE_SERVICE, env);
  return b.facts;
}
