/**
 * Finding a table row's frame in the packet store (the conversation and endpoint tables give
 * times and addresses, not frame numbers): a scan of the store's rows, on Enter only.
 */
import type { PacketStoreView } from '../contract.js';

/** Seconds of frame `n` since frame 1 (undefined: not indexed). */
function rel(store: PacketStoreView, n: number, t0: { s: number; ns: number }): number | undefined {
  const r = store.row(n);
  return r ? r.tsSec - t0.s + (r.tsNsec - t0.ns) / 1e9 : undefined;
}

/**
 * The first frame at `relStart` seconds after the file's first frame whose addresses are `a` and
 * `b` (either way); without such a frame, the first at that time. Undefined when none is indexed.
 */
export function firstFrameAt(store: PacketStoreView, relStart: number, a: string, b: string): number | undefined {
  const first = store.row(1);
  if (!first) return undefined;
  const t0 = { s: first.tsSec, ns: first.tsNsec };
  let atTime: number | undefined;
  const n = store.count();
  for (let i = 1; i <= n; i++) {
    const t = rel(store, i, t0);
    if (t === undefined) continue;
    if (t < relStart - 1e-6) continue;
    if (t > relStart + 1e-6) break;
    const r = store.row(i)!;
    if ((r.src === a && r.dst === b) || (r.src === b && r.dst === a)) return i;
    atTime ??= i;
  }
  return atTime;
}

/** The first frame sent or received by `address`. */
export function firstFrameOf(store: PacketStoreView, address: string): number | undefined {
  const n = store.count();
  for (let i = 1; i <= n; i++) {
    const r = store.row(i);
    if (r && (r.src === address || r.dst === address)) return i;
  }
  return undefined;
}
