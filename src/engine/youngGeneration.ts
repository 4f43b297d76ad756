// V8 collects its young generation (a scavenge, about a millisecond here) when an allocation finds
// it full, wherever that allocation happens to be: in a freshly loaded engine, the first run's own
// allocations made one fall inside its first readings (a first diagnosis in a VS Code window read
// its loopback connect at 1.5-2 ms against 0.1-0.3). A caller with idle time ahead, such as a
// command still waiting for its user, has that collection now instead, and gives V8 the idle time
// to finish whatever it starts after it. Not for a run about to start: a collection made just
// before it moves the old generation's marking into the run.
import { getHeapSpaceStatistics } from 'node:v8';

/** Short-lived arrays of this many small integers (8 KiB each) fill the young generation; they are dropped at once. */
const ARRAY_LENGTH = 1024;
const ARRAYS_PER_CHECK = 64;
/** At most 64 × 512 KiB: more than the largest young generation Node 20 and 22 configure (2 × 16 MiB). */
const MAX_CHECKS = 64;

/** Kept where the optimizing compiler cannot prove them unused, so the allocations happen. */
const recent: unknown[] = [];

function youngInUse(): number | null {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? null;
}

/** Allocates until V8 has collected its young generation; never throws. */
export function collectYoungGeneration(): void {
  try {
    const before = youngInUse();
    if (before === null) return;
    for (let check = 0; check < MAX_CHECKS; check++) {
      for (let i = 0; i < ARRAYS_PER_CHECK; i++) recent[i & 7] = new Array<number>(ARRAY_LENGTH).fill(i);
      if ((youngInUse() ?? 0) < before) break;
    }
  } catch {
    // Nothing depends on it: the run only reads less cleanly.
  } finally {
    recent.length = 0;
  }
}
