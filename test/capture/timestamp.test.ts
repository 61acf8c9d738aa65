import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatEpoch, MAX_NANO_TICK_SEC, ticksToTime, timeToNanoTicks, tsResolution } from '../../src/capture/timestamp.js';

const SEED = 20240601;

function reference(hi: number, lo: number, code: number): [bigint, number] {
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const u = code & 0x80 ? 1n << BigInt(code & 0x7f) : 10n ** BigInt(code & 0x7f);
  return [ticks / u, Number(((ticks % u) * 1_000_000_000n) / u)];
}

describe('ticksToTime', () => {
  it('equals the BigInt reference for every resolution code and any 64-bit tick count', () => {
    const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 0x1fffff, 0x200000, 0x7fffffff, 0xffffffff));
    fc.assert(fc.property(u32, u32, fc.integer({ min: 0, max: 255 }), (hi, lo, code) => {
      const out = { sec: -1, nsec: -1 };
      ticksToTime(hi, lo, tsResolution(code), out);
      const [sec, nsec] = reference(hi, lo, code);
      expect(out.nsec).toBe(nsec);
      if (sec <= BigInt(Number.MAX_SAFE_INTEGER)) expect(out.sec).toBe(Number(sec));
    }), { seed: SEED, numRuns: 20_000 });
  });

  it('is exact next to every multiple of the unit (where a float quotient would round up)', () => {
    for (const code of [6, 9, 0x89, 0x8a, 0xa0, 3]) {
      const res = tsResolution(code);
      const u = res.unitsPerSecBig;
      for (const k of [1n, 12345n, 1_700_000_000n, 4_000_000_000n, 18_000_000_000n]) {
        for (const d of [-1n, 0n, 1n]) {
          const t = k * u + d;
          if (t < 0n || t >= 1n << 64n) continue;
          const out = { sec: 0, nsec: 0 };
          ticksToTime(Number(t >> 32n), Number(t & 0xffffffffn), res, out);
          const [sec, nsec] = reference(Number(t >> 32n), Number(t & 0xffffffffn), code);
          expect([out.sec, out.nsec]).toEqual([Number(sec), nsec]);
        }
      }
    }
  });
});

describe('timeToNanoTicks', () => {
  it('round-trips through ticksToTime at 10^-9 and equals sec * 10^9 + nsec', () => {
    const ns = tsResolution(9);
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_NANO_TICK_SEC - 1 }), fc.integer({ min: 0, max: 999_999_999 }), (sec, nsec) => {
      const t = { hi: 0, lo: 0 };
      expect(timeToNanoTicks(sec, nsec, t)).toBe(true);
      expect((BigInt(t.hi) << 32n) | BigInt(t.lo)).toBe(BigInt(sec) * 1_000_000_000n + BigInt(nsec));
      const out = { sec: 0, nsec: 0 };
      ticksToTime(t.hi, t.lo, ns, out);
      expect(out).toEqual({ sec, nsec });
    }), { seed: SEED, numRuns: 5_000 });
  });

  it('refuses times that do not fit in 64 bits of nanoseconds', () => {
    const t = { hi: 0, lo: 0 };
    expect(timeToNanoTicks(-1, 0, t)).toBe(false);
    expect(timeToNanoTicks(MAX_NANO_TICK_SEC + 1, 0, t)).toBe(false);
    expect(timeToNanoTicks(MAX_NANO_TICK_SEC, 709_551_616, t)).toBe(false); // exactly 2^64 ns
    expect(timeToNanoTicks(MAX_NANO_TICK_SEC, 709_551_615, t)).toBe(true);
    expect([t.hi, t.lo]).toEqual([0xffffffff, 0xffffffff]);
    expect(timeToNanoTicks(1.5, 0, t)).toBe(false);
  });
});

describe('formatEpoch', () => {
  it('prints 9 decimals like tshark', () => {
    expect(formatEpoch(1_700_000_000, 5)).toBe('1700000000.000000005');
    expect(formatEpoch(0, 0)).toBe('0.000000000');
    expect(formatEpoch(4_294_967_295, 999_999_999)).toBe('4294967295.999999999');
    expect(formatEpoch(-1, 500_000_000)).toBe('-0.500000000');
    expect(formatEpoch(-2, 0)).toBe('-2.000000000');
  });
});
