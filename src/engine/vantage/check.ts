// Every client reference the bind analysis found, diagnosed live: from this machine, and for a
// reference in a containerised Compose service from that service's own container too. Bounded
// concurrency, a deadline per diagnosis, one row per reference and vantage, and a problem
// (CLIENT_TARGET_UNREACHABLE, at the reference) only where the reference fails from where it is
// used: the service's container when it runs, else this machine.
import { deadline } from '../abort';
import { finding } from '../findings';
import type { BindFinding, BindModel, ClientRef } from '../model/bind';
import type { LayerName, LayerStatus } from '../model/common';
import type { VantageRun } from '../model/comparison';
import type { EndpointCheck } from '../model/endpointCheck';
import type { Report } from '../model/report';
import { parseTarget, TargetError } from '../target';
import { vantageLabel, type VantageSpec } from './spec';

export interface CheckReferencesOptions {
  signal?: AbortSignal;
  /** Diagnoses running at once. */
  concurrency: number;
  /** The most one diagnosis may take, vantage start-up included. */
  perTargetTimeoutMs: number;
  /** Diagnoses `input` from `spec` (diagnoseAt with the caller's options). */
  diagnose: (spec: VantageSpec, input: string, signal: AbortSignal) => Promise<VantageRun>;
  /** Also from each containerised Compose service's own container. */
  fromContainers: boolean;
  /** Each row as it ends. */
  onCheck?: (check: EndpointCheck, done: number, total: number) => void;
}

export interface CheckReferencesResult {
  checks: EndpointCheck[];
  /** CLIENT_TARGET_UNREACHABLE at each reference that fails from where it is used. */
  findings: BindFinding[];
}

export const CHECK_DEFAULTS = { concurrency: 4, perTargetTimeoutMs: 30_000 } as const;

interface Row {
  ref: ClientRef;
  input: string | null;
  spec: VantageSpec;
  skipped: string | null;
}

/** What a reference is as a target: its URL, else host:port, else the host. */
export function referenceInput(ref: ClientRef): string {
  return ref.url ?? (ref.port !== null ? `${ref.host.includes(':') ? `[${ref.host}]` : ref.host}:${ref.port}` : ref.host);
}

function rows(model: BindModel, fromContainers: boolean): Row[] {
  const out: Row[] = [];
  for (const ref of model.clients) {
    const raw = referenceInput(ref);
    let input: string | null = raw;
    let skipped: string | null = null;
    if (/[$%{}]/.test(ref.host)) {
      input = null;
      skipped = 'the host is a template, filled in at run time';
    } else {
      try {
        parseTarget(raw);
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        input = null;
        skipped = err.message;
      }
    }
    out.push({ ref, input, spec: { kind: 'local', name: 'local' }, skipped });
    const service = model.services.find((s) => s.id === ref.service);
    if (fromContainers && service?.runtime === 'container' && !service.hostNetwork) {
      out.push({ ref, input, spec: { kind: 'compose', name: `compose:${service.name}`, service: service.name }, skipped });
    }
  }
  return out;
}

export async function checkReferences(model: BindModel, options: CheckReferencesOptions): Promise<CheckReferencesResult> {
  const all = rows(model, options.fromContainers);
  const checks: (EndpointCheck | undefined)[] = new Array(all.length);
  // One diagnosis per target and vantage, however many references name it.
  const runs = new Map<string, Promise<{ run: VantageRun | null; error: string | null; ms: number }>>();
  const once = (row: Row, input: string): Promise<{ run: VantageRun | null; error: string | null; ms: number }> => {
    const key = `${row.spec.name} ${input}`;
    let p = runs.get(key);
    if (!p) {
      p = (async () => {
        const start = Date.now();
        const d = deadline(options.signal, options.perTargetTimeoutMs, `diagnosis of ${input}`);
        try {
          return { run: await options.diagnose(row.spec, input, d.signal), error: null, ms: Date.now() - start };
        } catch (err) {
          return { run: null, error: err instanceof Error ? err.message : String(err), ms: Date.now() - start };
        } finally {
          d.dispose();
        }
      })();
      runs.set(key, p);
    }
    return p;
  };
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < all.length && !options.signal?.aborted) {
      const i = next++;
      const row = all[i]!;
      const result = row.input === null ? null : await once(row, row.input);
      const check = toCheck(row, result);
      checks[i] = check;
      done++;
      options.onCheck?.(check, done, all.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, all.length)) }, worker));
  const finished = checks.filter((c): c is EndpointCheck => c !== undefined);
  return { checks: finished, findings: problems(model, finished) };
}

const LAYER_OF: Readonly<Record<'tcp' | 'tls' | 'http', LayerName>> = { tcp: 'transport', tls: 'tls', http: 'application' };

function toCheck(row: Row, result: { run: VantageRun | null; error: string | null; ms: number } | null): EndpointCheck {
  const { ref } = row;
  const base = {
    reference: ref.url !== null ? parseReference(ref.url) : referenceInput(ref),
    service: ref.service,
    origin: ref.origin,
    source: ref.source,
    hostRange: ref.hostRange,
    from: row.spec.name,
    fromLabel: vantageLabel(row.spec),
  };
  const none = { dns: 'skipped', tcp: 'skipped', tls: 'skipped', http: 'skipped' } as const;
  if (result === null) return { ...base, status: 'skipped', ...none, verdict: { status: 'skipped', text: 'Not checked' }, durationMs: 0, report: null, skipped: row.skipped ?? 'not a target' };
  const report: Report | null = result.run?.report ?? null;
  if (!report) {
    const error = result.run?.error ?? { code: 'VANTAGE_FAILED', message: result.error ?? 'the diagnosis did not run' };
    // A service that is not running has nothing to check from: a skip, not a failure of the reference.
    if (error.code === 'VANTAGE_NOT_RUNNING') return { ...base, status: 'skipped', ...none, verdict: { status: 'skipped', text: 'Not running' }, durationMs: result.ms, report: null, skipped: error.message };
    return { ...base, status: 'fail', ...none, verdict: { status: 'fail', text: `Could not run there: ${error.code}` }, durationMs: result.ms, report: null, error };
  }
  const layer = (name: LayerName): LayerStatus => report.layers.find((l) => l.name === name)?.status ?? 'skipped';
  return {
    ...base,
    status: report.verdict.status,
    // DNS is the stack's own exchange; a report without the stack (an older vantage's) says it at the internet layer.
    dns: report.target.ipFamily !== null ? 'skipped' : (report.stack?.dns?.status ?? layer('internet')),
    tcp: layer(LAYER_OF.tcp),
    tls: layer(LAYER_OF.tls),
    http: layer(LAYER_OF.http),
    verdict: report.verdict,
    durationMs: report.durationMs,
    report,
  };
}

/** The reference as a redacted URL (parseTarget hides the password), or as written when it is not one. */
function parseReference(url: string): string {
  try {
    return parseTarget(url).target.input;
  } catch {
    return url;
  }
}

/** The row that decides a reference: its container's when that ran, else this machine's. */
function problems(model: BindModel, checks: readonly EndpointCheck[]): BindFinding[] {
  const out: BindFinding[] = [];
  for (const ref of model.clients) {
    const mine = checks.filter((c) => c.source === ref.source);
    const inside = mine.find((c) => c.from.startsWith('compose:') && c.status !== 'skipped');
    const decisive = inside ?? mine.find((c) => c.from === 'local');
    if (!decisive || decisive.status !== 'fail') continue;
    const first = decisive.report?.findings.find((x) => x.severity === 'error');
    const why = decisive.report ? `${decisive.report.verdict.text}${first ? `: ${first.message}` : ''}` : (decisive.error?.message ?? decisive.verdict.text);
    const f = finding('CLIENT_TARGET_UNREACHABLE', `${decisive.reference} fails from ${decisive.fromLabel}: ${why.replace(/\.$/, '')}.`, decisive.reference);
    out.push({ ...f, range: ref.hostRange, related: [] });
  }
  return out;
}
