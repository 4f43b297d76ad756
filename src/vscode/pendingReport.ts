// An empty Report for the DNS lookup panel to fill in.
import type { Report, TargetInfo } from '../engine/model/report';

/** A Report with nothing probed yet; other results (a DNS lookup) fill in what they have. */
export function emptyReport(target: TargetInfo, version: string, startedAt: string): Report {
  return {
    kind: 'diagnosis',
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
    verdict: { status: 'pending', text: '' },
    durationMs: 0,
  };
}
