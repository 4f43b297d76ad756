// The instrument's rule for one run: while a socket is being timed, nothing else runs on the
// thread whose event loop reads its clock. A reading ends when JavaScript learns of the socket
// event; any other callback that runs when that event becomes ready (the wire DNS bookkeeping, the
// chain described, a partial report built and sent to the view) makes the reading longer by as
// long as it runs. So each timed window is marked here (a lookup, connect, tunnel, TLS handshake
// or exchange of the critical path, and a wire DNS query beside it) and the other work waits:
// until no window is open, or until every open one is old enough that the work, even if the
// awaited event arrives meanwhile, stays within a tenth of its reading. Small bookkeeping
// (SMALL_WORK_MS at most) may run once the youngest open window has lasted SMALL_WORK_AFTER_MS;
// anything else, a partial report above all, waits for LONG_WINDOW_MS. Work never runs
// synchronously from `later`, so a window that closes and the next that opens in the same turn
// (connect, then the ClientHello) leave it no gap to run in; and work that opens a window (the
// wire queries sent) holds back the work queued behind it.
import { performance } from 'node:perf_hooks';

/** A window open this long may take any work beside it: 1–10 ms of work is then at most 10 % of its reading. */
export const LONG_WINDOW_MS = 100;
/** What counts as small work: a DNS answer read and recorded, an address classified. */
export const SMALL_WORK_MS = 2;
/** A window open this long may take small work: SMALL_WORK_MS is then at most 10 % of its reading. */
export const SMALL_WORK_AFTER_MS = 10 * SMALL_WORK_MS;

/**
 * What waits, by what it costs the thread. A `reading` to start (the wire queries' sockets set up
 * and their datagrams sent) goes first among the work that is ready: what the run's clock waits
 * for is the network, and the window it opens holds back the rest until its answer has come. Then
 * `small` bookkeeping (SMALL_WORK_MS at most); then a `tool` started (one of the OS's tools the
 * facts will ask: a process start, a fork that blocks the thread a millisecond or two); then
 * `any` other work, partial reports above all. The first three may run once the youngest open
 * window has lasted SMALL_WORK_AFTER_MS, `any` once it has lasted LONG_WINDOW_MS.
 */
export type WorkSize = 'reading' | 'small' | 'tool' | 'any';

interface Waiting {
  work: () => void;
  /** How long an open window must have lasted before this work may run inside it. */
  afterMs: number;
  /** Among the pieces ready in the same turn, lower runs first. */
  rank: number;
}

const KINDS: Readonly<Record<WorkSize, Omit<Waiting, 'work'>>> = {
  reading: { afterMs: SMALL_WORK_AFTER_MS, rank: 0 },
  small: { afterMs: SMALL_WORK_AFTER_MS, rank: 1 },
  tool: { afterMs: SMALL_WORK_AFTER_MS, rank: 2 },
  any: { afterMs: LONG_WINDOW_MS, rank: 3 },
};

export class Quiet {
  /** The windows open now, each by when it opened. */
  private readonly opened = new Set<{ at: number }>();
  private queue: Waiting[] = [];
  /** The pending run of the queue, if one is scheduled, and when it is due (on `now`'s clock). */
  private timer: { cancel(): void; due: number } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Marks a timed window open; returns its close (idempotent). */
  window(): () => void {
    const window = { at: this.now() };
    this.opened.add(window);
    return () => {
      if (!this.opened.delete(window)) return;
      // The wait for it to grow old is over: what is queued may run sooner.
      this.cancel();
      this.schedule();
    };
  }

  /**
   * Runs `work` once no timed window is open, or once every open one is old enough for it:
   * LONG_WINDOW_MS, or SMALL_WORK_AFTER_MS when the caller vouches it is small (`reading`, `small`, `tool`).
   */
  later(work: () => void, size: WorkSize = 'any'): void {
    this.queue.push({ work, ...KINDS[size] });
    this.schedule();
  }

  /** `later`, as a promise that settles when `work` has run. */
  after<T>(work: () => T, size: WorkSize = 'any'): Promise<T> {
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

  /** When the youngest open window opened; null when none is open. */
  private youngest(): number | null {
    let at: number | null = null;
    for (const w of this.opened) at = Math.max(at ?? w.at, w.at);
    return at;
  }

  /**
   * When nothing is open, the work runs after this turn's I/O (setImmediate: a timer would wait a
   * whole millisecond at least); else when the youngest open window will be old enough for the
   * first of it. A timer that fires early (a younger window opened since) finds nothing ready.
   */
  private schedule(): void {
    if (this.queue.length === 0) return;
    const now = this.now();
    const youngest = this.youngest();
    const due = youngest === null ? now : youngest + Math.min(...this.queue.map((w) => w.afterMs));
    if (this.timer !== null) {
      if (this.timer.due <= due) return;
      this.cancel();
    }
    const run = (): void => {
      this.timer = null;
      this.drain();
    };
    if (youngest === null) {
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

  /**
   * By rank (WorkSize), each kind in the order it came: readings first, and a partial report built
   * in the same turn holds the bookkeeping. One piece at a time, as a piece may open a window of its own; inside an open window, one piece
   * a turn, so an event that arrives meanwhile waits for one piece at most, not for all of them.
   */
  private drain(): void {
    for (;;) {
      const youngest = this.youngest();
      const age = youngest === null ? Infinity : this.now() - youngest;
      let next: Waiting | undefined;
      for (const w of this.queue) if (age >= w.afterMs && (next === undefined || w.rank < next.rank)) next = w;
      if (next === undefined) break;
      this.queue.splice(this.queue.indexOf(next), 1);
      next.work();
      if (this.opened.size > 0) break;
    }
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
