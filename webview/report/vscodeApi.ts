// The webview side of the host connection, typed by the protocol.
import type { ReportViewState, WebviewToHost } from '../../src/protocol/reportView';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: ReportViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called only once per page. */
export const host: VsCodeApi = acquireVsCodeApi();
