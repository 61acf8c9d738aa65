/**
 * The pipeline's garbage-collection policy, in one place: a full GC every 2^18 frames of a read
 * that makes garbage per packet (column texts), one between the two passes, and one before a
 * statistic's output tables are built when the heap is large (the peak memory of large reads).
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full GC every 2^18 frames (a few tens of ms each; under 1% of the time of a read). */
export const GC_EVERY_MASK = (1 << 18) - 1;

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
