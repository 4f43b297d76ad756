// How long a diagnosis may take. The critical path (a hop per request of the chain) is bounded by
// its steps' own timeouts; what runs beside it (wire DNS, the connects to the other addresses,
// the interception check) gets one connect timeout more after the critical path ends, and then the
// report is complete with what is still running named (`Report.unfinished`): the CLI prints,
// the panel stops its progress, and a later update brings the late results. Over all of it, a
// final bound: a step that never settles (a bug) still ends the run with a report.
import { DEFAULTS, type DiagnoseOptions } from './options';

/** Node fires a longer timer after 1 ms (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Work beside the critical path, each with what it is while it runs. */
export class BesideWork {
  private readonly items: { done: boolean; describe: () => string[] }[] = [];
  private readonly promises: Promise<void>[] = [];

  /** `describe` names what is still running (`TCP 10.0.0.2:443`, `DNS A @192.0.2.53`); asked while `work` runs. */
  add(work: Promise<unknown>, describe: () => string[]): void {
    const item = { done: false, describe };
    this.items.push(item);
    this.promises.push(work.then(() => void (item.done = true)));
  }

  /** What had not ended yet, by name. */
  unfinished(): string[] {
    return this.items.filter((i) => !i.done).flatMap((i) => i.describe());
  }

  /** Settles when every piece of work added so far has ended (work added meanwhile included). */
  async settled(): Promise<void> {
    for (let seen = 0; seen < this.promises.length; ) {
      const batch = this.promises.slice(seen);
      seen = this.promises.length;
      await Promise.all(batch);
    }
  }
}

/**
 * After the critical path, beside work gets one connect timeout: every probed address is
 * connected at once (connectConcurrency ≥ maxAddresses), so each has answered or timed out by
 * then, however many addresses the name has; the wire queries have ended too unless their DNS
 * timeout is the longer one, or they left only as the critical path ended (its windows were all
 * short) and their server is slower than its connect timeout.
 */
export function afterCriticalMs(options: Pick<DiagnoseOptions, 'timeouts'>): number {
  return options.timeouts.connectMs;
}

/**
 * The most a run takes when every step keeps to its timeout: each request of the chain resolves,
 * connects (in rounds of the concurrency), may open a tunnel, shakes hands and exchanges twice (a
 * kept-alive connection the server closed is retried once), then the bound after the critical
 * path, and a second of slack.
 */
export function runBudgetMs(options: Pick<DiagnoseOptions, 'timeouts' | 'connectConcurrency' | 'followRedirects' | 'maxRedirects'>): number {
  const t = options.timeouts;
  const rounds = Math.ceil(DEFAULTS.maxAddresses / Math.max(1, options.connectConcurrency));
  const hop = t.dnsMs + t.connectMs * (rounds + 1) + t.tlsMs + 2 * t.httpMs;
  const requests = (options.followRedirects ? options.maxRedirects : 0) + 1;
  return Math.min(MAX_TIMER_MS, hop * requests + afterCriticalMs(options) + 1000);
}

/** Resolves true when `work` settled within `ms`, false when the time ran out first. */
export function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.min(MAX_TIMER_MS, ms));
    void work.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * The final bound of a run: `onExpire` after `ms` unless disposed first. Its timer keeps the
 * process alive on purpose (every other timer of the engine is unref'ed): if a step never settled
 * and nothing else were left to wait for, Node would exit with no report at all.
 */
export function finalBound(ms: number, onExpire: () => void): { expired: Promise<void>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onExpire();
      resolve();
    }, Math.min(MAX_TIMER_MS, ms));
  });
  return { expired, dispose: () => clearTimeout(timer) };
}
