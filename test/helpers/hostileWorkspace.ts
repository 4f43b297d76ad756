// Project folders as a hostile repository would ship them: config values that carry terminal
// control sequences (an OSC window title ended by BEL, a CSI screen clear), the one-byte C1 CSI
// and bidi overrides, in a .env file (raw bytes) and a Compose file (YAML escapes) — every value
// one the bind analysis reports: a bind address, a service name, client URLs and hosts; and a
// Compose file as large as the analysis reads, with tens of thousands of services.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOSTILE_TEXT } from './hostileText';

/** Writes the hostile `.env` and `compose.yaml` into `dir` (an empty temporary folder). */
export function writeHostileWorkspace(dir: string): void {
  writeFileSync(join(dir, '.env'), `HOST=evil${HOSTILE_TEXT}\nPORT=8080\nCACHE_HOST=cache${HOSTILE_TEXT}\nCACHE_PORT=6379\n`);
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  "web\\e]0;PWNED\\a\\u202e":',
      '    image: nginx',
      '    ports: ["8080:80"]',
      '    environment:',
      '      API_URL: "http://api\\e]0;PWNED\\a\\x9b31m:80/"',
      '      QUEUE_HOST: "queue\\e[2J\\u2066x\\u2069"',
      '',
    ].join('\n'),
  );
}

/**
 * Writes a Compose file of `services` services, each publishing one port, into `dir`: 63,881 of
 * them make a file just under the 2 MiB a config file may be (issue 14: bind-scan rendered it in
 * quadratic time and ignored Ctrl-C while it did). Returns the file's path.
 */
export function writeHugeCompose(dir: string, services = 63_881): string {
  const lines = ['services:'];
  for (let i = 0; i < services; i++) lines.push(`  s${i}: {ports: ["${1024 + (i % 60_000)}:80"]}`);
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
