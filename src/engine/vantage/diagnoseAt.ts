// A diagnosis at a vantage: on this machine in this process, elsewhere through the runner
// (`netdiag diagnose TARGET --json --vantage-info` there). Either way the result is the same
// Report with its `vantage` block, and the client hop says where it started from.
import type { Hop } from '../model/common';
import type { VantageRun } from '../model/comparison';
import type { Report } from '../model/report';
import type { VantageInfo } from '../model/vantage';
import { clientInterface, describeSide, type VantageSide } from './describe';
import { VantageError } from './errors';
import { runAt, type RunAtOptions } from './runner';
import { vantageInfo, type VantageSpec } from './spec';

export interface DiagnoseAtOptions extends Omit<RunAtOptions, 'signal'> {
  signal?: AbortSignal;
  /** The diagnosis on this machine (the caller's own options: proxies, CA files, client certificate). */
  local: () => Promise<Report>;
  /** The diagnose flags a vantage is given besides the target (`--timeout`, `--resolve`, `-H`…). */
  args: readonly string[];
}

const NO_SIDE: VantageSide = { resolvers: [], search: [], hosts: [], interfaces: [] };

/** The report with its vantage, the client hop saying "from Compose service web" and its interface. */
export function withVantage(report: Report, vantage: VantageInfo): Report {
  const where = clientInterface(report);
  const hops = report.hops.map((h): Hop => {
    if (h.kind !== 'client') return h;
    const detail = [where, h.detail].filter((d): d is string => d !== undefined && d !== null && d !== '').join(', ');
    return { ...h, label: `from ${vantage.label}`, ...(detail !== '' ? { detail } : {}) };
  });
  return { ...report, hops, vantage };
}

/** Diagnoses `input` from `spec`; a vantage that cannot run gives a run with `error`, never a throw. */
export async function diagnoseAt(spec: VantageSpec, input: string, options: DiagnoseAtOptions): Promise<VantageRun> {
  if (spec.kind === 'local') {
    const report = await options.local();
    const vantage = vantageInfo(spec, null, describeSide(report.target.host));
    return { vantage, report: withVantage(report, vantage) };
  }
  try {
    const { json, how } = await runAt(spec, ['diagnose', input, '--json', '--vantage-info', ...options.args], options);
    const report = json as Report;
    if (report?.kind !== 'diagnosis' || !Array.isArray(report.hops)) throw new VantageError('VANTAGE_WIRE_MISMATCH', `${spec.name}: the answer was not a diagnosis.`);
    const side = report.vantage;
    const vantage = vantageInfo(spec, how, side ? { resolvers: side.resolvers, search: side.search, hosts: side.hosts, interfaces: side.interfaces } : NO_SIDE);
    return { vantage, report: withVantage(report, vantage) };
  } catch (err) {
    if (!(err instanceof VantageError)) throw err;
    return { vantage: vantageInfo(spec, null, NO_SIDE), report: null, error: { code: err.code, message: err.message } };
  }
}
