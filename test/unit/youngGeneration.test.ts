// collectYoungGeneration (src/engine/youngGeneration.ts): V8's young generation is collected when
// the caller asks, not when a later allocation happens to find it full.
import assert from 'node:assert/strict';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { collectYoungGeneration } from '../../src/engine/youngGeneration';

const youngInUse = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? 0;

describe('collectYoungGeneration', () => {
  it('has a young-generation collection happen in the call, and leaves the young generation emptier', async () => {
    // Some short-lived objects first, so that there is something to collect.
    let keep: unknown[] = [];
    for (let i = 0; i < 2000; i++) keep.push({ i, text: `object ${i}` });
    keep = [];
    const seen: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    const before = youngInUse();
    const started = performance.now();
    collectYoungGeneration();
    const ended = performance.now();
    const after = youngInUse();
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    assert.ok(after < before, `in use before ${before}, after ${after}`);
    const minor = seen.filter((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === 1);
    assert.ok(
      minor.some((e) => e.startTime >= started && e.startTime <= ended),
      `a minor collection during the call (${started.toFixed(1)}–${ended.toFixed(1)} ms): ${JSON.stringify(seen.map((e) => e.startTime))}`,
    );
    assert.equal(keep.length, 0);
  });
});
