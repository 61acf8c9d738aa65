/**
 * The compact per-frame note table (src/dissectors/notes.ts) against a Map with the same rule (the
 * first note for a frame wins): seeded runs of notes mostly in frame order with some out of order,
 * as reassembly and pairing write them, looked up before and after the run is settled.
 */
import { describe, expect, it } from 'vitest';
import { NoteTable } from '../../src/dissectors/notes.js';
import { rng } from '../capture/helpers.js';

describe('NoteTable', () => {
  for (const [seed, count, outOfOrder] of [[1, 100, 0.05], [2, 20_000, 0.02], [3, 50_000, 0.3], [4, 5_000, 1]] as const) {
    it(`keeps the first note of each frame (seed ${seed}, ${count} notes, ${outOfOrder * 100}% out of order)`, () => {
      const r = rng(seed);
      const t = new NoteTable();
      const ref = new Map<number, number>();
      let frame = 1;
      for (let i = 0; i < count; i++) {
        // Frames ahead in order, or one back (repeats included), as a reassembly names earlier frames.
        const f = r() < outOfOrder ? 1 + Math.floor(r() * frame) : (frame += 1 + Math.floor(r() * 3));
        const v = r() < 0.5 ? Math.floor(r() * 1e6) : r() * 1000;
        t.add(f, v);
        if (!ref.has(f)) ref.set(f, v);
        if (i % 997 === 0) {
          const q = 1 + Math.floor(r() * (frame + 5));
          expect(t.get(q)).toBe(ref.get(q));
        }
      }
      const all = (get: (f: number) => number | undefined) => Array.from({ length: frame + 3 }, (_, f) => get(f));
      const want = all((f) => ref.get(f));
      expect(t.size).toBe(ref.size);
      expect(all((f) => t.get(f))).toEqual(want);
      t.settle();
      expect(t.size).toBe(ref.size);
      expect(all((f) => t.get(f))).toEqual(want);
      // Notes after settling (a second pass may note again: the first still wins).
      for (const [f] of ref) t.add(f, -1);
      t.add(frame + 10, 7);
      expect(t.get(frame + 10)).toBe(7);
      expect(all((f) => t.get(f)).slice(0, frame + 3)).toEqual(want);
    });
  }
});
