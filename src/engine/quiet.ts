// The instrument's rule for one run: while a socket on the critical path is being timed, nothing
// else runs on the thread whose event loop reads its clock. A reading ends when JavaScript learns
// of the socket event; any other callback that runs when that event becomes ready (the wire DNS
// bookkeeping, a partial report built and sent to the view) makes the reading longer by as long
// as it runs. So the hop marks each timed window (a lookup, connect, tunnel, TLS handshake or
// exchange of the critical path) and the work beside it waits here: until no window is open, or
// until the open one has lasted LONG_WINDOW_MS, where a few milliseconds of work are at most a
// few percent of the reading even when they collide with its end. Work never runs synchronously
// from `later`, so a window that closes and the next that opens in the same turn (connect, then
// the ClientHello) leave it no gap to run in.
import { performance } from 'node:perf_hooks';

/** A window open this long may take work beside it: 1–3 ms of work is then at most 3% of its reading. */
export const LONG_WINDOW_MS = 100;

export class Quiet {
  private open = 0;
  private openedAt = 0;
  private queue: (() => void)[] = [];
  /** The pending run of the queue, if one is scheduled. */
  private timer: { cancel(): void } | null = null;

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

  /** Runs `work` once no timed window is open, or once the open one is LONG_WINDOW_MS old. */
  later(work: () => void): void {
    this.queue.push(work);
    this.schedule();
  }

  /** `later`, as a promise that settles when `work` has run. */
  after<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.later(() => {
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /**
   * When nothing is open, the work runs after this turn's I/O (setImmediate: a timer would wait a
   * whole millisecond at least); else when the open window will have lasted LONG_WINDOW_MS.
   */
  private schedule(): void {
    if (this.queue.length === 0 || this.timer !== null) return;
    const run = (): void => {
      this.timer = null;
      this.drain();
    };
    if (this.open === 0) {
      const immediate = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(immediate) };
    } else {
      const timeout = setTimeout(run, Math.max(0, this.openedAt + LONG_WINDOW_MS - this.now()));
      this.timer = { cancel: () => clearTimeout(timeout) };
    }
  }

  private cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private drain(): void {
    if (this.open > 0 && this.now() - this.openedAt < LONG_WINDOW_MS) {
      this.schedule();
      return;
    }
    const work = this.queue;
    this.queue = [];
    for (const w of work) w();
    this.schedule();
  }
}
