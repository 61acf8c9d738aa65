/**
 * render/printf.ts `fixed(v, digits)` is C's printf("%.Nf") of a double (the exact binary value
 * rounded half to even), as tshark's tables print it: compared with Python's '%.Nf' (which rounds
 * the exact value the same way) on relative times and durations of every magnitude a capture has
 * (nanoseconds to days), on exact ties (values of digits+1 decimals ending in 5, such as 1/1024 at
 * 9 digits and 1/32 at 4) and on negative values.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixed } from '../../src/render/printf.js';
import { rng } from '../capture/helpers.js';
import { itMissing } from '../corpus.js';

const python = spawnSync('python3', ['-c', 'pass'], { stdio: 'ignore' }).status === 0;

function cases(): [number, number][] {
  const r = rng(0x5eed);
  const out: [number, number][] = [];
  for (const digits of [0, 1, 2, 4, 6, 9]) {
    for (let e = -9; e <= 6; e++) for (let k = 0; k < 40; k++) out.push([(r() + 0.01) * 10 ** e, digits]);
    // Ties: (2j+1) / 2^m with few enough bits to be exact decimals of digits+1 places.
    for (let m = 1; m <= 12; m++) for (let j = 0; j < 8; j++) {
      const tie = (2 * j + 1) / 2 ** m;
      out.push([tie, digits], [1000 + tie, digits], [123456 + tie, digits], [-tie, digits]);
    }
  }
  // Times as conversation tables have them: seconds with nanoseconds, as a double.
  for (let k = 0; k < 400; k++) out.push([Math.floor(r() * 90000) + Math.floor(r() * 1e9) / 1e9, 9], [r() * 5000, 4]);
  out.push([0.0009765625, 9], [0.03125, 4], [2.5, 0], [0.5, 0], [1.5, 0], [0.125, 2], [0.375, 2], [0, 9], [-0.0009765625, 9]);
  return out;
}

describe('fixed (printf %.Nf of a double)', () => {
  if (!python) itMissing('SKIPPED: python3 is not installed (the oracle)');
  else it("prints what Python's '%.Nf' prints, ties to even", () => {
    const all = cases();
    // repr() of a double is its shortest round-trip text: Python reads back the same double.
    const script = 'import sys\nfor line in sys.stdin:\n  v, d = line.split()\n  print(("%." + d + "f") % float(v))\n';
    const r = spawnSync('python3', ['-c', script], { input: all.map(([v, d]) => `${v} ${d}`).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const theirs = r.stdout.split('\n').slice(0, all.length);
    const ours = all.map(([v, d]) => fixed(v, d));
    const wrong = all.flatMap(([v, d], i) => (ours[i] === theirs[i] ? [] : [`fixed(${v}, ${d}) = ${ours[i]}, printf ${theirs[i]}`]));
    expect(wrong.slice(0, 10)).toEqual([]);
    // The cases do hold ties that toFixed rounds up and printf to even.
    expect(all.filter(([v, d], i) => v.toFixed(d) !== theirs[i]).length).toBeGreaterThan(10);
  });
});
