/**
 * decText, the per-packet number text that avoids V8's number-string cache: the same text as
 * String(n) for every integer 0 <= n < 2^53 (edges and 200,000 seeded values at every magnitude),
 * and String's own text for anything else.
 */
import { describe, expect, it } from 'vitest';
import { decText } from '../../src/dissectors/bytes.js';
import { rng } from '../capture/helpers.js';

describe('decText', () => {
  it('is String(n) for the edges of every group of three digits', () => {
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 100000, 100100, 999999, 1000000, 1000001, 1234567, 65535, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 1e9, 1e12 + 7, 2 ** 53 - 1];
    for (const n of edges) expect(decText(n), String(n)).toBe(String(n));
  });

  it('is String(n) for seeded integers of every magnitude up to 2^53', () => {
    const r = rng(15);
    let bad = 0;
    for (let i = 0; i < 200_000; i++) {
      const n = Math.floor(r() * 2 ** Math.floor(r() * 53));
      if (decText(n) !== String(n)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('falls back to String for negatives, fractions, non-finite and unsafe integers', () => {
    for (const v of [-1, -0, 1.5, 0.1, NaN, Infinity, -Infinity, 2 ** 53, 1e21, -1e300]) expect(decText(v), String(v)).toBe(String(v));
  });
});
