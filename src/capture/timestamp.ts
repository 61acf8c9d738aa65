/**
 * Exact timestamp arithmetic for capture files: pcapng's 64-bit tick counts at any if_tsresol
 * (10^-n or 2^-n seconds) to whole seconds and nanoseconds, and back. No float rounding: the fast
 * paths only use integer operations whose results stay below 2^53, with an explicit correction of
 * the one place a floating division can round (the quotient); everything else goes through BigInt.
 */

const TWO_32 = 4294967296;
const TWO_21 = 2097152;
const NS_PER_SEC = 1_000_000_000;
const NS_PER_SEC_BIG = 1_000_000_000n;

/** How the ticks of one interface map to time. Build once per interface with {@link tsResolution}. */
export interface TsResolution {
  /** The if_tsresol byte: bit 7 clear = 10^-n, set = 2^-n (n = low 7 bits). */
  readonly code: number;
  /** Ticks per second (exact when the fast path is used). */
  readonly unitsPerSec: number;
  readonly unitsPerSecBig: bigint;
  /** unitsPerSec <= 2^32: the division below is done in 16-bit digits without BigInt. */
  readonly fast: boolean;
  /** nsec = floor(rem * nsMul / nsDiv); exact in doubles whenever `fast` (nsDiv is 1 or a power of 2). */
  readonly nsMul: number;
  readonly nsDiv: number;
}

/** if_tsresol default (no option): microseconds. */
export const TSRESOL_DEFAULT = 6;

export function tsResolution(code: number): TsResolution {
  const base2 = (code & 0x80) !== 0;
  const n = code & 0x7f;
  const unitsPerSecBig = base2 ? 1n << BigInt(n) : 10n ** BigInt(n);
  const unitsPerSec = Number(unitsPerSecBig);
  const fast = unitsPerSecBig <= BigInt(TWO_32);
  let nsMul = 1;
  let nsDiv = 1;
  if (fast) {
    if (!base2) {
      nsMul = 10 ** (9 - n); // n <= 9 because 10^10 > 2^32
    } else if (n <= 9) {
      nsMul = NS_PER_SEC / unitsPerSec; // 2^n divides 10^9 for n <= 9
    } else {
      // 10^9 / 2^n = 5^9 / 2^(n-9); rem < 2^32 so rem * 5^9 < 2^53.
      nsMul = 1953125;
      nsDiv = 2 ** (n - 9);
    }
  }
  return { code, unitsPerSec, unitsPerSecBig, fast, nsMul, nsDiv };
}

/** Output slot for {@link ticksToTime} (reused: no allocation per packet). */
export interface TimeSlot {
  sec: number;
  nsec: number;
}

/**
 * Convert a 64-bit tick count (high and low 32-bit halves) to seconds and nanoseconds, exactly:
 * sec = floor(ticks / U), nsec = floor((ticks mod U) * 10^9 / U).
 * `sec` is exact while it is below 2^53 (always, for resolutions finer than 2^-11 s).
 */
export function ticksToTime(hi: number, lo: number, res: TsResolution, out: TimeSlot): void {
  if (!res.fast) {
    slowTicksToTime(hi, lo, res, out);
    return;
  }
  const u = res.unitsPerSec;
  let sec: number;
  let rem: number;
  if (hi < TWO_21) {
    // ticks < 2^53: one exact integer, one division, one correction.
    const ticks = hi * TWO_32 + lo;
    sec = Math.floor(ticks / u);
    rem = ticks - sec * u;
    if (rem < 0) {
      sec -= 1;
      rem += u;
    } else if (rem >= u) {
      sec += 1;
      rem -= u;
    }
  } else {
    // Long division in base 2^16: every partial dividend is < u * 2^16 <= 2^48.
    let q = Math.floor(hi / u);
    let r = hi - q * u;
    if (r < 0) { q -= 1; r += u; } else if (r >= u) { q += 1; r -= u; }
    sec = q * TWO_32;
    let x = r * 65536 + (lo >>> 16);
    q = Math.floor(x / u);
    r = x - q * u;
    if (r < 0) { q -= 1; r += u; } else if (r >= u) { q += 1; r -= u; }
    sec += q * 65536;
    x = r * 65536 + (lo & 0xffff);
    q = Math.floor(x / u);
    r = x - q * u;
    if (r < 0) { q -= 1; r += u; } else if (r >= u) { q += 1; r -= u; }
    sec += q;
    rem = r;
  }
  out.sec = sec;
  // nsDiv is 1 or a power of two, so this division is exact before the floor.
  out.nsec = res.nsDiv === 1 ? rem * res.nsMul : Math.floor((rem * res.nsMul) / res.nsDiv);
}

function slowTicksToTime(hi: number, lo: number, res: TsResolution, out: TimeSlot): void {
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const u = res.unitsPerSecBig;
  out.sec = Number(ticks / u);
  out.nsec = Number(((ticks % u) * NS_PER_SEC_BIG) / u);
}

/** Output slot for {@link timeToNanoTicks}. */
export interface TicksSlot {
  hi: number;
  lo: number;
}

/** Largest second count whose nanosecond tick count can fit in 64 bits (2^64 ns = 18446744073.709551616 s, year 2554). */
export const MAX_NANO_TICK_SEC = 18446744073;

/**
 * Seconds and nanoseconds to a 64-bit nanosecond tick count (if_tsresol = 9), exactly.
 * Returns false when the time does not fit (negative, or past 2^64 ns).
 */
export function timeToNanoTicks(sec: number, nsec: number, out: TicksSlot): boolean {
  if (!(sec >= 0) || sec > MAX_NANO_TICK_SEC || !Number.isInteger(sec)) return false;
  // ticks = sec * 10^9 + nsec = (secHi * 2^16 + secLo) * 10^9 + nsec
  const secLo = sec % 65536;
  const secHi = (sec - secLo) / 65536; // < 2^19
  const p1 = secLo * NS_PER_SEC + nsec; // < 2^46
  const p2 = secHi * NS_PER_SEC; // < 2^49; ticks = p2 * 2^16 + p1
  const p2lo = p2 % 65536;
  const p2hi = (p2 - p2lo) / 65536; // < 2^33
  const low = p2lo * 65536 + p1; // < 2^47
  const loPart = low % TWO_32;
  const hi = p2hi + (low - loPart) / TWO_32;
  if (hi >= TWO_32) return false;
  out.hi = hi;
  out.lo = loPart;
  return true;
}

/** `${sec}.${nsec padded to 9 digits}` as tshark prints frame.time_epoch. */
export function formatEpoch(sec: number, nsec: number): string {
  if (sec < 0 && nsec > 0) {
    // -0.5 s is sec = -1, nsec = 500000000; print it the way a decimal reads.
    const s = sec + 1;
    return `${s === 0 ? '-0' : String(s)}.${String(NS_PER_SEC - nsec).padStart(9, '0')}`;
  }
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/**
 * b - a from two (seconds, nanoseconds) stamps, in `unit`s per second (1: seconds, 1000: ms), as
 * Wireshark's nstime_delta then nstime_to_sec/_msec: the difference is first normalized so that
 * seconds and nanoseconds have one sign, then joined (secs * unit + nsecs * unit / 1e9). Joining
 * before normalizing rounds differently: 29.198 ms comes out as 29.1979999999999.
 */
export function elapsed(aSec: number, aNsec: number, bSec: number, bNsec: number, unit: number): number {
  let ds = bSec - aSec;
  let dn = bNsec - aNsec;
  if (dn < 0 && ds > 0) {
    ds--;
    dn += 1e9;
  } else if (dn > 0 && ds < 0) {
    ds++;
    dn -= 1e9;
  }
  return ds * unit + (dn * unit) / 1e9;
}
