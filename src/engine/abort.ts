// Timeouts and cancellation shared by every probe: each network step gets a signal that fires
// on the caller's cancellation or on its own deadline, whichever comes first.
import type { ErrorInfo } from './report';

export class ProbeTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

export class CancelledError extends Error {
  readonly code = 'CANCELLED';
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer; call when the step ends so no timer outlives it. */
  dispose(): void;
}

/**
 * A signal aborted by `parent` (reason: CancelledError) or after `ms` (reason:
 * ProbeTimeoutError naming `what`). AbortSignal.any is not used: on Node 20 it keeps
 * listeners on the parent until garbage collection.
 */
export function deadline(parent: AbortSignal | undefined, ms: number, what: string): Deadline {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(new CancelledError());
  if (parent?.aborted) controller.abort(new CancelledError());
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new ProbeTimeoutError(what, ms)), ms);
  timer.unref?.();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs `fn` under a deadline and always disposes it. */
export async function withDeadline<T>(parent: AbortSignal | undefined, ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const d = deadline(parent, ms, what);
  try {
    return await fn(d.signal);
  } finally {
    d.dispose();
  }
}

/** Rejects with the signal's reason once it aborts; for racing APIs that take no signal. */
export function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(reasonOf(signal));
    else signal.addEventListener('abort', () => reject(reasonOf(signal)), { once: true });
  });
}

export function reasonOf(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new CancelledError();
}

/** A stable code and message from anything thrown: Node system errors keep their code. */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { code: typeof code === 'string' ? code : err.name, message: err.message };
  }
  return { code: 'UNKNOWN', message: String(err) };
}

/** Rounds milliseconds to 0.1 ms for reports. */
export function ms(value: number): number {
  return Math.round(value * 10) / 10;
}
