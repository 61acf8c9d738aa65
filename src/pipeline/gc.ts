/**
 * The pipeline's garbage-collection policy, in one place: a full GC every 2^18 frames of a read
 * that makes garbage per packet (column texts), one between the two passes, and one before a
 * statistic's output tables are built when the heap is large (the peak memory of large reads).
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC every 2^18 frames (a few tens of ms each; under 1% of the time of a read). */
export const GC_EVERY_MASK = (1 << 18) - 1;

/**
 * The young generation of a parallel read's worker threads: 12 MB (V8's semi-spaces of 4 MB)
 * instead of the default 3 x 16 MB. Each thread's peak memory is then that much nearer its live
 * data (a two-thread read of the 200k mkbig capture, 3 alternating pairs: 237-249 MB -> 187-216 MB
 * peak RSS, CPU B/A 0.92 1.07 1.05 on a loaded machine); the main thread's is set by node's
 * command line, not here.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 12 } as const;

/** V8's full GC, reached without a command-line flag (a no-op if it cannot be). */
let gcFn: (() => void) | undefined;
export function collectGarbage(): void {
  try {
    if (!gcFn) {
      v8.setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
    gcFn();
  } catch {
    /* no GC hook: the memory is still reclaimed, later */
  }
}

/**
 * A full GC when the heap holds at least `minBytes` (live or not): the point is the peak memory of
 * large reads (a flood's dissection state let go before the output's tables are built); a small
 * heap is not worth the tens of milliseconds.
 */
export function collectGarbageIfLarge(minBytes = 128 * 2 ** 20): void {
  if (v8.getHeapStatistics().used_heap_size >= minBytes) collectGarbage();
}
