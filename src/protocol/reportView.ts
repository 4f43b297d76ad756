// Messages between the extension host and the report webview, split by direction. Only plain
// JSON crosses (webview.postMessage structurally clones it): the Report and string literals.
import type { Report } from '../engine/model/report';

/** Whether a diagnosis is running for the panel's target, and how the last one ended. */
export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';

// ---- webview → host

/** The webview has loaded and listens; the host sends what it queued. */
export interface ReadyMessage {
  readonly type: 'ready';
}
export interface RerunMessage {
  readonly type: 'rerun';
}
export interface CopyJsonMessage {
  readonly type: 'copyJson';
}
export interface CopyCurlMessage {
  readonly type: 'copyCurl';
}
export interface CancelMessage {
  readonly type: 'cancel';
}

/** Asks for the method, headers and body to diagnose this target with, then runs again. */
export interface EditRequestMessage {
  readonly type: 'editRequest';
}
/** Traces the route to the server and adds its hops to the report. */
export interface TraceRouteMessage {
  readonly type: 'traceRoute';
}
/** Offers the exports: JSON, Markdown, HAR files, Markdown or curl (with secrets) to the clipboard. */
export interface ExportMessage {
  readonly type: 'export';
}

export type WebviewToHost = ReadyMessage | RerunMessage | CopyJsonMessage | CopyCurlMessage | CancelMessage | EditRequestMessage | TraceRouteMessage | ExportMessage;

// ---- host → webview

export interface ReportMessage {
  readonly type: 'report';
  readonly report: Report;
}
export interface StatusMessage {
  readonly type: 'status';
  readonly status: RunStatus;
  /** Why a run failed outright (not a network failure, which is in the Report). */
  readonly error?: string;
}

export type HostToWebview = ReportMessage | StatusMessage;

/** What the webview keeps with setState so that it redraws at once when shown again. */
export interface ReportViewState {
  readonly report: Report | null;
  readonly status: RunStatus;
  readonly error?: string;
}

const WEBVIEW_TO_HOST_TYPES: ReadonlySet<string> = new Set<WebviewToHost['type']>(['ready', 'rerun', 'copyJson', 'copyCurl', 'cancel', 'editRequest', 'traceRoute', 'export']);

/** Narrows what a webview posted; anything else is ignored by the host. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && WEBVIEW_TO_HOST_TYPES.has(type);
}
