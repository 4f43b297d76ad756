// Messages between the extension host and the comparison view (one target from several
// vantages, side by side), split by direction. Only plain JSON crosses: the comparison the
// engine made, and string literals.
import type { VantageComparison } from '../engine/model/comparison';
import type { ReadyMessage, RerunMessage, CancelMessage, CopyJsonMessage, RunStatus, StatusMessage } from './reportView';

// ---- webview → host

/** Opens the full report of the vantage at `index` in a report panel. */
export interface OpenReportMessage {
  readonly type: 'openReport';
  readonly index: number;
}

export type ComparisonToHost = ReadyMessage | RerunMessage | CancelMessage | CopyJsonMessage | OpenReportMessage;

// ---- host → webview

export interface ComparisonMessage {
  readonly type: 'comparison';
  readonly comparison: VantageComparison;
}

export type HostToComparison = ComparisonMessage | StatusMessage;

/** What the webview keeps with setState, and what the host hands over in `data-state`. */
export interface ComparisonViewState {
  readonly comparison: VantageComparison | null;
  /** The vantages being compared, in plain words, while the first comparison is on its way. */
  readonly pending: readonly string[];
  readonly status: RunStatus;
  readonly error?: string;
}

const ACCEPTED: ReadonlySet<string> = new Set<ComparisonToHost['type']>(['ready', 'rerun', 'cancel', 'copyJson', 'openReport']);

export function isComparisonMessage(value: unknown): value is ComparisonToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; index?: unknown };
  if (typeof m.type !== 'string' || !ACCEPTED.has(m.type)) return false;
  return m.type !== 'openReport' || (typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0);
}

export function isComparisonState(value: unknown): value is ComparisonViewState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { comparison?: unknown; pending?: unknown; status?: unknown };
  const comparison = v.comparison === null || (typeof v.comparison === 'object' && (v.comparison as { kind?: unknown }).kind === 'vantage-comparison');
  return comparison && Array.isArray(v.pending) && typeof v.status === 'string' && ['running', 'done', 'cancelled', 'failed'].includes(v.status);
}
