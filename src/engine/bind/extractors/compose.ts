// docker-compose / compose.yaml (Compose Specification, "services" top-level element): each
// service is a container; `ports` publish container ports on host addresses (short and long
// syntax), `expose` only opens them to other services, `network_mode: host` shares the host's
// interfaces, `environment`/`env_file`/`command` configure the app, `profiles` say when it starts,
// `extends` names a base service it inherits from (analyze.ts), and service names are the host
// names other containers use.
import { isMap, isScalar } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { FileFacts } from '../facts';
import { parsePortMapping } from '../values';
import { FactsBuilder, yamlEnv, yamlGet, yamlItems, yamlPairs, yamlText, yamlValueRange } from './common';
import type { EnvEntry } from './common';
import { parseYaml } from './yamlDocs';

export function extractCompose(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'compose');
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  for (const doc of parseYaml(b)) {
    const all = new Map<string, YAMLMap>();
    for (const [name, svc] of yamlPairs(yamlGet(doc.contents, 'services'))) if (isMap(svc)) all.set(name, svc);
    for (const [name, svc, keyNode] of yamlPairs(yamlGet(doc.contents, 'services'))) {
      if (!isMap(svc)) continue;
      const ext = extendsOf(svc, file, dir);
      // The service and the bases it extends in this file, nearest first: what it sets wins.
      const lineage = [svc];
      for (let at = ext; at !== null && at.file === file; ) {
        const base = all.get(at.service);
        if (!base || lineage.includes(base)) break;
        lineage.push(base);
        at = extendsOf(base, file, dir);
      }
      // The first of `keys` set on the service, else on its nearest base.
      const nearest = (...keys: string[]): YamlNode | null => {
        for (const node of lineage) {
          for (const key of keys) {
            const value = yamlGet(node, key);
            if (value !== null) return value;
          }
        }
        return null;
      };
      const networkMode = yamlText(nearest('network_mode'));
      const keyRange = keyNode?.range ? b.src.range(keyNode.range[0], keyNode.range[1]) : null;
      const profiles = yamlItems(yamlGet(svc, 'profiles')).flatMap((item) => yamlText(item) ?? []);
      b.service({
        id: name,
        name,
        runtime: 'container',
        hostNetwork: networkMode === 'host',
        source: keyRange,
        ...(profiles.length > 0 ? { profiles } : {}),
        ...(ext !== null ? { extends: ext } : {}),
      });
      const build = nearest('build');
      const context = yamlText(build) ?? yamlText(yamlGet(build, 'context'));
      if (context !== null && !/^[a-z]+:\/\//.test(context)) b.facts.attachments.push({ service: name, path: joinPath(dir, context), kind: 'build' });
      const envFile = nearest('env_file');
      for (const item of [...yamlItems(envFile), ...(isScalar(envFile) ? [envFile] : [])]) {
        const p = yamlText(item) ?? yamlText(yamlGet(item, 'path'));
        if (p !== null) b.facts.attachments.push({ service: name, path: joinPath(dir, p), kind: 'env_file' });
      }
      // Compose joins `ports` and `expose` of a base and the service, and merges `environment`.
      for (const node of lineage) {
        ports(b, name, yamlGet(node, 'ports'));
        for (const item of yamlItems(yamlGet(node, 'expose'))) {
          const v = yamlText(item);
          const r = yamlValueRange(item);
          const m = v === null ? null : /^(\d{1,5})(?:-\d+)?(?:\/(tcp|udp))?$/.exec(v);
          if (m && r) b.facts.published.push({ service: name, hostIp: null, hostPort: null, containerPort: Number(m[1]), protocol: m[2] === 'udp' ? 'udp' : 'tcp', origin: 'expose', source: b.src.range(r.start, r.end) });
        }
      }
      const env = new Map<string, EnvEntry>();
      for (const node of lineage) for (const e of yamlEnv(yamlGet(node, 'environment'), text)) if (!env.has(e.key)) env.set(e.key, e);
      b.env(name, [...env.values()]);
      const command = nearest('command', 'entrypoint');
      const commandText = yamlText(command);
      const r = command ? yamlValueRange(command) : null;
      if (commandText !== null && r) b.command(name, text.slice(r.start, r.end), r.start);
      else if (command?.range) b.command(name, text.slice(command.range[0], command.range[1]), command.range[0]);
    }
  }
  return b.facts;
}

/** `extends: base` or `extends: { service, file }`, the file as a path relative to the root. */
function extendsOf(svc: YAMLMap, file: string, dir: string): { service: string; file: string } | null {
  const ext = yamlGet(svc, 'extends');
  const service = yamlText(ext) ?? yamlText(yamlGet(ext, 'service'));
  if (service === null) return null;
  const other = yamlText(yamlGet(ext, 'file'));
  return { service, file: other === null ? file : joinPath(dir, other) };
}

function ports(b: FactsBuilder, service: string, node: unknown): void {
  for (const item of yamlItems(node)) {
    if (isMap(item)) {
      // Long syntax: target, published, host_ip, protocol.
      const target = Number(yamlText(yamlGet(item, 'target')));
      const publishedText = yamlText(yamlGet(item, 'published'));
      const hostIp = yamlText(yamlGet(item, 'host_ip'));
      if (!Number.isInteger(target) || !item.range) continue;
      b.facts.published.push({
        service,
        hostIp: hostIp === '' ? null : hostIp,
        hostPort: publishedText !== null && /^\d+/.test(publishedText) ? parseInt(publishedText, 10) : null,
        containerPort: target,
        protocol: yamlText(yamlGet(item, 'protocol')) === 'udp' ? 'udp' : 'tcp',
        origin: 'ports (long syntax)',
        source: b.src.range(item.range[0], item.range[1]),
      });
      continue;
    }
    const v = yamlText(item);
    const r = yamlValueRange(item);
    if (v === null || !r) continue;
    const m = parsePortMapping(v);
    if (!m) {
      b.parseError(`"${v}" is not a port mapping (HOST_IP:HOST_PORT:CONTAINER_PORT[/PROTOCOL])`, r.start, r.end);
      continue;
    }
    b.facts.published.push({ service, hostIp: m.hostIp, hostPort: m.hostPort, containerPort: m.containerPort, protocol: m.protocol, origin: 'ports', source: b.src.range(r.start, r.end) });
  }
}

/** `dir` + a relative path, normalised (`./api` → `api`, `../x` kept out of the root). */
export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  const parts = dir === '' ? [] : dir.split('/');
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}
