// Messages between the extension host and the report webview, split by direction. The webview
// shows one document: a diagnosis (Report) in a report panel, or a DNS lookup (DnsLookupResult) in
// a lookup panel; each panel accepts the messages its buttons send. Only plain JSON crosses
// (webview.postMessage structurally clones it): the documents and string literals.
import type { FindingLayer } from '../engine/model/common';
import type { DnsLookupResult } from '../engine/model/dns';
import type { Report } from '../engine/model/report';

/** What the report webview shows, told apart by `kind`. */
export type ReportDocument = Report | DnsLookupResult;

/** Whether a run is going on for the panel, and how the last one ended. */
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
export interface CancelMessage {
  readonly type: 'cancel';
}
/** Copies the curl command that makes a diagnosis' request. */
export interface CopyCurlMessage {
  readonly type: 'copyCurl';
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
/** Opens docs/layers.md at the section of a layer (or of DNS, the lookup before the connection). */
export interface OpenLayerDocsMessage {
  readonly type: 'openLayerDocs';
  readonly layer: FindingLayer;
}
/** Copies the dig command that asks what a DNS lookup asked. */
export interface CopyDigMessage {
  readonly type: 'copyDig';
}

/** What a diagnosis' buttons send (the report panel). */
export type DiagnosisToHost = ReadyMessage | RerunMessage | CancelMessage | CopyJsonMessage | CopyCurlMessage | EditRequestMessage | TraceRouteMessage | ExportMessage | OpenLayerDocsMessage;
/** What a DNS lookup's buttons send (the lookup panel). */
export type LookupToHost = ReadyMessage | RerunMessage | CancelMessage | CopyJsonMessage | CopyDigMessage;
export type WebviewToHost = DiagnosisToHost | LookupToHost;

// ---- host → webview

export interface ReportMessage {
  readonly type: 'report';
  readonly report: ReportDocument;
}
export interface StatusMessage {
  readonly type: 'status';
  readonly status: RunStatus;
  /** Why a run failed outright (not a network failure, which is in the document). */
  readonly error?: string;
}

export type HostToWebview = ReportMessage | StatusMessage;

/** A run's status for its webview (the report panel's, the comparison's, the endpoints table's), with why it failed when it did. */
export function statusMessage(state: { readonly status: RunStatus; readonly error?: string | undefined }): StatusMessage {
  return state.error === undefined ? { type: 'status', status: state.status } : { type: 'status', status: state.status, error: state.error };
}

/** What the webview keeps with setState, and what the host hands over in `data-state`. */
export interface ReportViewState {
  readonly report: ReportDocument | null;
  readonly status: RunStatus;
  readonly error?: string;
}

/**
 * A guard that accepts exactly the message types of `M` (anything else a webview posts is not);
 * the record makes the compiler hold the list to the union.
 */
function messageGuard<M extends WebviewToHost>(types: Readonly<Record<M['type'], true>>): (value: unknown) => value is M {
  const accepted: ReadonlySet<string> = new Set(Object.keys(types));
  return (value: unknown): value is M => {
    if (typeof value !== 'object' || value === null) return false;
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' && accepted.has(type);
  };
}

export const isDiagnosisMessage = messageGuard<DiagnosisToHost>({ ready: true, rerun: true, cancel: true, copyJson: true, copyCurl: true, editRequest: true, traceRoute: true, export: true, openLayerDocs: true });

const DOC_SECTIONS: ReadonlySet<string> = new Set<FindingLayer>(['dns', 'application', 'tls', 'transport', 'internet', 'link']);

/** The section a docs message may open: a known layer's, nothing a webview could make up. */
export function layerDocsSection(message: OpenLayerDocsMessage): FindingLayer | null {
  return typeof message.layer === 'string' && DOC_SECTIONS.has(message.layer) ? message.layer : null;
}
export const isLookupMessage = messageGuard<LookupToHost>({ ready: true, rerun: true, cancel: true, copyJson: true, copyDig: true });

const RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(['running', 'done', 'cancelled', 'failed']);

/**
 * A saved or handed-over state this version can show: a run status and no document, or a
 * document of a known kind. A state saved by an older version (no `kind`) is not one.
 */
export function isViewState(value: unknown): value is ReportViewState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { report?: unknown; status?: unknown };
  if (typeof v.status !== 'string' || !RUN_STATUSES.has(v.status)) return false;
  if (v.report === null) return true;
  const kind = typeof v.report === 'object' ? (v.report as { kind?: unknown } | undefined)?.kind : undefined;
  return kind === 'diagnosis' || kind === 'dns-lookup';
}
