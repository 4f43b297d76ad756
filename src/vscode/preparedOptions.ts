// The options a command prepared while its target was typed (loadEngine.ts, prepareEngine), handed
// to the run that follows: once, for the same setup, and not when they are older than a minute
// (a CA file or the hosts file edited meanwhile is then read again). Preparing them again at the
// run's start would load the trust stores a second time just before the clock starts, a megabyte
// or two of allocation whose garbage collection then fell inside the first readings.
import type { SetupInput } from '../engine/setup';

export const PREPARED_MAX_AGE_MS = 60_000;

export class PreparedOptions<T> {
  private held: { key: string; at: number; options: Promise<T> } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  hold(setup: SetupInput, options: Promise<T>): void {
    this.held = { key: JSON.stringify(setup), at: this.now(), options };
  }

  /** What was held for this setup, taken; else `prepare()`. */
  take(setup: SetupInput, prepare: () => Promise<T>): Promise<T> {
    const held = this.held;
    this.held = null;
    return held && held.key === JSON.stringify(setup) && this.now() - held.at <= PREPARED_MAX_AGE_MS ? held.options : prepare();
  }
}
