// The Report a panel shows before the engine has said anything: the target and every layer
// pending. Built here, not in the engine, so the panel can open before the engine is loaded.
import type { LayerName } from '../engine/model/common';
import type { Report, TargetInfo } from '../engine/model/report';

const LAYERS: readonly LayerName[] = ['link', 'internet', 'transport', 'tls', 'application'];

export function pendingReport(target: TargetInfo, version: string, startedAt: Date): Report {
  return { ...emptyReport(target, version, startedAt.toISOString()), layers: LAYERS.map((name) => ({ name, status: 'pending', summary: 'Waiting…', details: [] })) };
}

/** A Report with nothing probed yet; other results (a DNS lookup) fill in what they have. */
export function emptyReport(target: TargetInfo, version: string, startedAt: string): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'netdiag', version },
    startedAt,
    complete: false,
    cancelled: false,
    target,
    dns: null,
    connections: [],
    link: null,
    internet: { local: null, remote: [] },
    tls: null,
    http: null,
    layers: [],
    hops: [],
    waterfall: [],
    findings: [],
    durationMs: 0,
  };
}
