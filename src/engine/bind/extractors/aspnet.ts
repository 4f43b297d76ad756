// ASP.NET Core: appsettings*.json `Urls` and `Kestrel:Endpoints:<name>:Url`, launchSettings.json
// `profiles.<name>.applicationUrl` and its `environmentVariables`. Kestrel reads `http://+:80`,
// `http://*:80` and any host name other than `localhost` as every interface, and `localhost` as
// both loopbacks (Kestrel docs, "Configure endpoints"). Connection strings are client references.
import type { FileFacts } from '../facts';
import { FactsBuilder, FILE_SERVICE, jsonGet, jsonProps, jsonValue, type EnvEntry } from './common';
import { parseJson } from './jsonDoc';

export function extractAspnet(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'aspnet');
  const root = parseJson(b);
  if (!root) return b.facts;
  const urls = (origin: string, v: { text: string; start: number } | null): void => {
    if (v) b.kestrelUrls(FILE_SERVICE, origin, v.text, v.start);
  };
  urls('Urls', jsonValue(jsonGet(root, 'Urls')));
  for (const [name, ep] of jsonProps(jsonGet(jsonGet(root, 'Kestrel'), 'Endpoints'))) urls(`Kestrel:Endpoints:${name}:Url`, jsonValue(jsonGet(ep, 'Url')));
  for (const [, profile] of jsonProps(jsonGet(root, 'profiles'))) {
    urls('applicationUrl', jsonValue(jsonGet(profile, 'applicationUrl')));
    const env: EnvEntry[] = [];
    for (const [key, node] of jsonProps(jsonGet(profile, 'environmentVariables'))) {
      const v = jsonValue(node);
      if (v) env.push({ key, value: v.text, start: v.start, end: v.end });
    }
    b.env(FILE_SERVICE, env);
  }
  for (const [name, node] of jsonProps(jsonGet(root, 'ConnectionStrings'))) {
    const v = jsonValue(node);
    if (!v) continue;
    // ADO.NET style: Host=db;Port=5432 or Server=db,1433 / Data Source=tcp:db,1433.
    const host = /(?:^|;)\s*(?:Host|Server|Data Source|Address)\s*=\s*(?:tcp:)?([^;,]+)(?:,(\d+))?/i.exec(v.text);
    const p = /(?:^|;)\s*Port\s*=\s*(\d+)/i.exec(v.text);
    if (host) {
      const h = host[1]!.trim();
      const hostStart = v.start + host.index + host[0].indexOf(h, host[0].indexOf('=') + 1);
      b.client({ service: FILE_SERVICE, host: h, port: host[2] ? Number(host[2]) : p ? Number(p[1]) : null, url: null, origin: `ConnectionStrings:${name}`, start: v.start, end: v.end, hostStart });
    } else b.clientValue(FILE_SERVICE, `ConnectionStrings:${name}`, v.text, v.start);
  }
  return b.facts;
}
