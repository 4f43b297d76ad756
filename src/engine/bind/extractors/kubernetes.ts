// Kubernetes manifests: each workload's containers (containerPort, env, command/args, probe
// ports) and each Service (port → targetPort, nodePort). A Pod's containers share one network
// namespace; other pods reach them only through the pod IP or a Service.
import { isMap } from 'yaml';
import type { FileFacts } from '../facts';
import { FactsBuilder, yamlEnv, yamlGet, yamlItems, yamlPath, yamlText, yamlValueRange } from './common';
import { parseYaml } from './yamlDocs';

const WORKLOADS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

export function extractKubernetes(file: string, text: string): FileFacts {
  const b = new FactsBuilder(file, text, 'kubernetes');
  for (const doc of parseYaml(b)) {
    const root = doc.contents;
    const kind = yamlText(yamlGet(root, 'kind'));
    const name = yamlText(yamlPath(root, ['metadata', 'name'])) ?? 'unnamed';
    const keyRange = root?.range ? b.src.range(root.range[0], root.range[0]) : null;
    if (kind === 'Service') {
      const id = `k8s:svc/${name}`;
      b.service({ id, name, runtime: 'kubernetes', hostNetwork: false, source: keyRange });
      for (const p of yamlItems(yamlPath(root, ['spec', 'ports']))) {
        const port = Number(yamlText(yamlGet(p, 'port')));
        const target = yamlText(yamlGet(p, 'targetPort'));
        const nodePort = yamlText(yamlGet(p, 'nodePort'));
        if (!Number.isInteger(port) || !p.range) continue;
        const r = b.src.range(p.range[0], p.range[1]);
        const protocol = yamlText(yamlGet(p, 'protocol')) === 'UDP' ? 'udp' : 'tcp';
        const containerPort = target !== null && /^\d+$/.test(target) ? Number(target) : port;
        b.facts.published.push({ service: id, hostIp: null, hostPort: port, containerPort, protocol, origin: 'Service port', source: r });
        if (nodePort !== null && /^\d+$/.test(nodePort)) b.facts.published.push({ service: id, hostIp: null, hostPort: Number(nodePort), containerPort, protocol, origin: 'nodePort', source: r });
        const selector = yamlText(yamlPath(root, ['spec', 'selector', 'app'])) ?? yamlText(yamlPath(root, ['spec', 'selector', 'app.kubernetes.io/name']));
        if (selector !== null) b.facts.attachments.push({ service: id, path: `k8s-selector:${selector}`, kind: 'build' });
      }
      continue;
    }
    if (kind === null || !WORKLOADS.has(kind)) continue;
    const spec = kind === 'Pod' ? yamlGet(root, 'spec') : kind === 'CronJob' ? yamlPath(root, ['spec', 'jobTemplate', 'spec', 'template', 'spec']) : yamlPath(root, ['spec', 'template', 'spec']);
    const labels = kind === 'Pod' ? yamlPath(root, ['metadata', 'labels']) : yamlPath(root, ['spec', 'template', 'metadata', 'labels']);
    const app = yamlText(yamlGet(labels, 'app')) ?? yamlText(yamlGet(labels, 'app.kubernetes.io/name')) ?? name;
    const hostNetwork = yamlText(yamlGet(spec, 'hostNetwork')) === 'true';
    for (const c of yamlItems(yamlGet(spec, 'containers'))) {
      if (!isMap(c)) continue;
      const cname = yamlText(yamlGet(c, 'name')) ?? name;
      const id = `k8s:${app}/${cname}`;
      b.service({ id, name: `${app}/${cname}`, runtime: 'container', hostNetwork, source: c.range ? b.src.range(c.range[0], c.range[0]) : keyRange });
      b.facts.attachments.push({ service: id, path: `k8s-app:${app}`, kind: 'build' });
      for (const p of yamlItems(yamlGet(c, 'ports'))) {
        const n = yamlGet(p, 'containerPort');
        const r = n ? yamlValueRange(n) : null;
        const v = Number(yamlText(n));
        if (r && Number.isInteger(v)) b.facts.published.push({ service: id, hostIp: null, hostPort: null, containerPort: v, protocol: yamlText(yamlGet(p, 'protocol')) === 'UDP' ? 'udp' : 'tcp', origin: 'containerPort', source: b.src.range(r.start, r.end) });
      }
      b.env(id, yamlEnv(yamlGet(c, 'env'), text));
      for (const key of ['command', 'args']) {
        const node = yamlGet(c, key);
        if (node?.range) b.command(id, text.slice(node.range[0], node.range[1]), node.range[0]);
      }
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const pn = yamlPath(c, [probe, 'httpGet', 'port']) ?? yamlPath(c, [probe, 'tcpSocket', 'port']);
        const r = pn ? yamlValueRange(pn) : null;
        const v = Number(yamlText(pn));
        // The kubelet probes the pod IP, so a probe port must be bound on the pod's interface.
        if (r && Number.isInteger(v)) b.facts.published.push({ service: id, hostIp: null, hostPort: null, containerPort: v, protocol: 'tcp', origin: probe, source: b.src.range(r.start, r.end) });
      }
    }
  }
  return b.facts;
}
