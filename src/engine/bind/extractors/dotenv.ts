// .env files: HOST, BIND, PORT, LISTEN*, ASPNETCORE_URLS are what the app binds; *_URL, *_HOST
// (+ *_PORT), *_ADDR, DATABASE_URL are what it connects to (values.ts envRole).
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, keyValueLines } from './common';

export function extractDotenv(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'dotenv');
  const entries = keyValueLines(text, /^\s*(?:export\s+)?([A-Za-z_][\w.]*)\s*=\s*(.*)$/);
  b.env(FILE_SERVICE, entries);
  return b.facts;
}
