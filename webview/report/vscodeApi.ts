// The webview side of a panel's host connection, typed by the panel's protocol, and the state a
// page starts from. Every panel's page (report, comparison, endpoints) uses this one.

export interface VsCodeApi<ToHost, State> {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

let api: VsCodeApi<unknown, unknown> | undefined;

/** The page's connection to its host; acquireVsCodeApi may be called only once per page. */
export function vscodeHost<ToHost, State>(): VsCodeApi<ToHost, State> {
  api ??= acquireVsCodeApi();
  // The protocol's types are the caller's promise: the host and the page are built from the same module.
  return api as VsCodeApi<ToHost, State>;
}

/**
 * What the page starts from: the state VS Code kept for it (a panel hidden and shown again), else
 * the one the host wrote into the page, else `empty` (the host resends everything on `ready`).
 */
export function restoreState<State>(host: VsCodeApi<unknown, State>, isState: (value: unknown) => value is State, empty: State): State {
  const saved = host.getState();
  if (isState(saved)) return saved;
  try {
    const initial: unknown = JSON.parse(document.body.dataset['state'] ?? 'null');
    if (isState(initial)) return initial;
  } catch {
    // A malformed attribute only means starting empty.
  }
  return empty;
}
