// Messages between the extension host and the workspace endpoints table (Check Workspace
// Endpoints), split by direction. Only plain JSON crosses: the engine's checks and literals.
import type { EndpointCheck } from '../engine/model/endpointCheck';
import type { CancelMessage, ReadyMessage, RerunMessage, RunStatus, StatusMessage } from './reportView';

// ---- webview → host

/** Opens the full report of the row at `index`. */
export interface OpenRowReportMessage {
  readonly type: 'openReport';
  readonly index: number;
}
/** Opens the file of the row at `index` at the reference. */
export interface OpenRowSourceMessage {
  readonly type: 'openSource';
  readonly index: number;
}

export type EndpointsToHost = ReadyMessage | RerunMessage | CancelMessage | OpenRowReportMessage | OpenRowSourceMessage;

// ---- host → webview

/** The rows so far; `total` is how many the run will have. */
export interface ChecksMessage {
  readonly type: 'checks';
  readonly checks: readonly EndpointCheck[];
  readonly total: number;
}

export type HostToEndpoints = ChecksMessage | StatusMessage;

export interface EndpointsViewState {
  readonly checks: readonly EndpointCheck[];
  readonly total: number;
  readonly status: RunStatus;
  readonly error?: string;
}

const ACCEPTED: ReadonlySet<string> = new Set<EndpointsToHost['type']>(['ready', 'rerun', 'cancel', 'openReport', 'openSource']);

export function isEndpointsMessage(value: unknown): value is EndpointsToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; index?: unknown };
  if (typeof m.type !== 'string' || !ACCEPTED.has(m.type)) return false;
  return (m.type !== 'openReport' && m.type !== 'openSource') || (typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0);
}

export function isEndpointsState(value: unknown): value is EndpointsViewState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { checks?: unknown; total?: unknown; status?: unknown };
  return Array.isArray(v.checks) && typeof v.total === 'number' && typeof v.status === 'string' && ['running', 'done', 'cancelled', 'failed'].includes(v.status);
}
