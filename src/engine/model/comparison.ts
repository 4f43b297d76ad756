// A diagnosis of one target from two or more vantages, side by side, and what differs between
// them, judged by the engine (vantage/compare.ts): `netdiag diagnose --from A --from B --json`
// and the comparison view. Public contract (docs/report.md). Types only.
import type { ErrorInfo, Finding, FindingLayer, Hop, LayerStatus, Verdict } from './common';
import type { Report } from './report';
import type { VantageInfo } from './vantage';

export interface VantageRun {
  vantage: VantageInfo;
  /** The diagnosis made there; null when the engine could not run there (`error` says why). */
  report: Report | null;
  /** Why the vantage could not be used: its code (`VANTAGE_NOT_RUNNING`…) and one line with the fix. */
  error?: ErrorInfo;
}

/** One layer across the vantages, in the order of `vantages`; `dns` is the name lookup (the stack's DNS exchange). */
export interface LayerComparison {
  name: FindingLayer;
  /** Each vantage's status of this layer (`skipped` where the vantage did not run). */
  statuses: LayerStatus[];
  /** Each vantage's one-line summary of this layer. */
  summaries: string[];
  /** True when the vantages that reached this layer disagree on it (a side that never got there is no difference). */
  differs: boolean;
}

/** The hops of each vantage, in the order of `vantages`. */
export interface HopsComparison {
  vantage: string;
  hops: Hop[];
}

export interface VantageComparison {
  kind: 'vantage-comparison';
  schemaVersion: 1;
  /** The target as diagnosed, password redacted. */
  target: string;
  vantages: VantageRun[];
  layers: LayerComparison[];
  hops: HopsComparison[];
  /** What differs, layer by layer, in plain words (VANTAGE_DNS_DIFFERS, VANTAGE_REACH_DIFFERS…). */
  differences: Finding[];
  /** "Same from 2 vantages", "Differs at DNS and TCP"… */
  verdict: Verdict;
  durationMs: number;
}
