// Python servers: Procfile process lines (gunicorn -b, uvicorn --host/--port, flask run --host,
// manage.py runserver ADDR:PORT…) and gunicorn.conf.py `bind = "…"` (gunicorn settings, "bind").
import type { FileFacts } from '../facts';
import { parseHostPort } from '../values';
import { FactsBuilder, FILE_SERVICE } from './common';

export function extractProcfile(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'procfile');
  for (const m of text.matchAll(/^([\w-]+):[ \t]*([^\n]*)/gm)) {
    b.command(FILE_SERVICE, m[2]!, m.index + m[0].length - m[2]!.length);
  }
  return b.facts;
}

export function extractGunicornConf(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'gunicorn');
  const m = /^bind\s*=\s*\[?\s*(['"])([^'"]+)\1/m.exec(text);
  if (m) {
    const value = m[2]!;
    const at = m.index + m[0].length - value.length - 1;
    const hp = parseHostPort(value);
    if (hp && !value.startsWith('unix:')) b.bind({ service: FILE_SERVICE, address: hp.host, port: hp.port, origin: 'bind', start: at, end: at + value.length, addressStart: hp.host === null ? null : at + hp.hostOffset });
  }
  return b.facts;
}
