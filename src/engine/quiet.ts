// The instrument's rule for one run: while a socket on the critical path is being timed, nothing
// else runs on the thread whose event loop reads its clock. A reading ends when JavaScript learns
// of the socket event; any other callback that runs when that event becomes ready (the wire DNS
// bookkeeping, a partial report built and sent to the view) makes the reading longer by as long
// as it runs. So the hop marks each timed window (a lookup, connect, tunnel, TLS handshake or
// exchange of the critical path) and the work beside it waits here: until no window is open, or
// until the open one is old enough that the work, even if the awaited event arrives meanwhile,
// stays within a tenth of the reading. Small bookkeeping (SMALL_WORK_MS at most) may run in a
// window that has lasted SMALL_WORK_AFTER_MS; anything else, a partial report above all, waits
// for LONG_WINDOW_MS. Work never runs synchronously from `later`, so a window that closes and the
// next that opens in the same turn (connect, then the ClientHello) leave it no gap to run in.
import { performance } from 'node:perf_hooks';

/** A window open this long may take any work beside it: 1–10 ms of work is then at most 10 % of its reading. */
export const LONG_WINDOW_MS = 100;
/** What counts as small work: a DNS answer read and recorded, an address classified. */
export const SMALL_WORK_MS = 2;
/** A window open this long may take small work: SMALL_WORK_MS is then at most 10 % of its reading. */
export const SMALL_WORK_AFTER_MS = 10 * SMALL_WORK_MS;

interface Waiting {
  work: () => void;
  /** How long an open window must have lasted before this work may run inside it. */
  afterMs: number;
}

export class Quiet {
  private open = 0;
  private openedAt = 0;
  private queue: Waiting[] = [];
  /** The pending run of the queue, if one is scheduled, and when it is due (on `now`'s clock). */
  private timer: { cancel(): void; due: number } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Marks a timed window open; returns its close (idempotent). */
  window(): () => void {
    if (this.open++ === 0) this.openedAt = this.now();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      if (--this.open > 0) return;
      // The wait for the window to grow old is over: what is queued may run now.
      this.cancel();
      this.schedule();
    };
  }

  /**
   * Runs `work` once no timed window is open, or once the open one is old enough for it:
   * LONG_WINDOW_MS, or SMALL_WORK_AFTER_MS when the caller vouches it is `small`.
   */
  later(work: () => void, size: 'small' | 'any' = 'any'): void {
    this.queue.push({ work, afterMs: size === 'small' ? SMALL_WORK_AFTER_MS : LONG_WINDOW_MS });
    this.schedule();
  }

  /** `later`, as a promise that settles when `work` has run. */
  after<T>(work: () => T, size: 'small' | 'any' = 'any'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.later(() => {
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      }, size);
    });
  }

  /**
   * When nothing is open, the work runs after this turn's I/O (setImmediate: a timer would wait a
   * whole millisecond at least); else when the open window will be old enough for the first of it.
   */
  private schedule(): void {
    if (this.queue.length === 0) return;
    const now = this.now();
    const due = this.open === 0 ? now : this.openedAt + Math.min(...this.queue.map((w) => w.afterMs));
    if (this.timer !== null) {
      if (this.timer.due <= due) return;
      this.cancel();
    }
    const run = (): void => {
      this.timer = null;
      this.drain();
    };
    if (this.open === 0) {
      const immediate = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(immediate), due };
    } else {
      const timeout = setTimeout(run, Math.max(0, due - now));
      this.timer = { cancel: () => clearTimeout(timeout), due };
    }
  }

  private cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private drain(): void {
    const age = this.open === 0 ? Infinity : this.now() - this.openedAt;
    const ready = this.queue.filter((w) => age >= w.afterMs);
    this.queue = this.queue.filter((w) => age < w.afterMs);
    for (const w of ready) w.work();
    this.schedule();
  }
}

/**
 * One turn of the event loop, to take before a run's first timed window opens. V8 schedules
 * garbage-collection work as tasks (a young-generation collection once an allocation has filled
 * most of it, the steps of an incremental marking after a big load), and Node runs those tasks
 * from its event loop: without this turn, what the set-up and the run's start made due ran in
 * the first turn after the first socket call, inside that socket's reading.
 */
export function pendingTasksFirst(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
