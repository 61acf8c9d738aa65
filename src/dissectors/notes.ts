/**
 * The per-frame notes a first pass leaves for the second (`annotate` / `annotation` in
 * ./packet.ts): one table per kind of note (`ip.reassembled_in`, `icmp.resp_in`, ...), each a
 * frame -> number map held in typed arrays, 12 bytes a note (a Map of numbers took about 40), since
 * a two-pass read of a long capture keeps about one note for every two frames until it ends.
 *
 * Notes mostly come in frame order (a reassembly names the frames before it, a reply its request),
 * so a table is a sorted run of (frame, value) pairs that takes an in-order note by appending it;
 * the few that come out of order wait in a small Map until there are enough of them to merge into
 * the run. The first note for a frame wins, as before (a segment in two PDUs is reassembled in the
 * first).
 */
import { grown } from './grow.js';

/** Out-of-order notes held before they are merged into the sorted run: this many, plus 1/16 of the run. */
const PENDING_BASE = 1024;

export class NoteTable {
  private frames = new Int32Array(64);
  private values = new Float64Array(64);
  /** Notes in the sorted run `frames[0..n)` (ascending, each frame once). */
  private n = 0;
  /** Out-of-order notes not yet merged (none of their frames is in the run). */
  private pending: Map<number, number> | null = null;

  /** Number of notes. */
  get size(): number {
    return this.n + (this.pending?.size ?? 0);
  }

  /** Notes `value` for `frame` unless the frame has one already (the first note wins). */
  add(frame: number, value: number): void {
    const n = this.n;
    if (n === 0 || frame > this.frames[n - 1]!) {
      if (this.pending !== null && this.pending.has(frame)) return;
      if (n === this.frames.length) this.grow(n * 2);
      this.frames[n] = frame;
      this.values[n] = value;
      this.n = n + 1;
      return;
    }
    if (this.find(frame) >= 0) return;
    const p = (this.pending ??= new Map());
    if (p.has(frame)) return;
    p.set(frame, value);
    if (p.size >= PENDING_BASE + (n >>> 4)) this.merge();
  }

  /** The note of `frame`, or undefined. */
  get(frame: number): number | undefined {
    const i = this.find(frame);
    if (i >= 0) return this.values[i];
    return this.pending === null ? undefined : this.pending.get(frame);
  }

  /** Merges the out-of-order notes into the sorted run (lookups are then one binary search). */
  settle(): void {
    if (this.pending !== null && this.pending.size > 0) this.merge();
  }

  /** Index of `frame` in the sorted run, or -1. */
  private find(frame: number): number {
    const f = this.frames;
    let lo = 0;
    let hi = this.n - 1;
    // Most lookups are of the latest frames noted (and of frames past the last: none).
    if (hi < 0 || frame > f[hi]!) return -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = f[mid]!;
      if (v < frame) lo = mid + 1;
      else if (v > frame) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  private grow(cap: number): void {
    this.frames = grown(this.frames, cap);
    this.values = grown(this.values, cap);
  }

  private merge(): void {
    const p = this.pending!;
    const m = p.size;
    const keys = Int32Array.from(p.keys()).sort();
    const n = this.n;
    const total = n + m;
    const frames = new Int32Array(Math.max(64, total + (total >>> 1)));
    const values = new Float64Array(frames.length);
    // Merge from the front: both runs ascending, their frames distinct.
    let i = 0;
    let j = 0;
    let k = 0;
    const f = this.frames;
    const v = this.values;
    while (i < n || j < m) {
      if (j >= m || (i < n && f[i]! < keys[j]!)) {
        frames[k] = f[i]!;
        values[k++] = v[i++]!;
      } else {
        const key = keys[j++]!;
        frames[k] = key;
        values[k++] = p.get(key)!;
      }
    }
    this.frames = frames;
    this.values = values;
    this.n = total;
    this.pending = null;
  }
}
