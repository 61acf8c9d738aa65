/**
 * "did you mean tcp.port?": the known name nearest to a misspelt one (edit distance, a transposed
 * pair counting one), only when it is near enough to be a likely typo.
 */
import { filterNames } from './values.js';

function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest field or protocol name, or undefined when none is within a typo's distance. */
export function suggest(name: string): string | undefined {
  const limit = name.length <= 4 ? 1 : name.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const { name: n } of filterNames()) {
    const d = distance(name.toLowerCase(), n.toLowerCase(), Math.min(limit, bestD));
    if (d < bestD || (d === bestD && best !== undefined && n.length < best.length)) {
      best = n;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
