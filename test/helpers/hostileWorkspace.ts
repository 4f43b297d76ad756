// A project folder as a hostile repository would ship it: config values that carry terminal
// control sequences (an OSC window title ended by BEL, a CSI screen clear), the one-byte C1 CSI
// and bidi overrides, in a .env file (raw bytes) and a Compose file (YAML escapes). Every value is
// one the bind analysis reports: a bind address, a service name, client URLs and hosts.
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
