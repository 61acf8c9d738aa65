/** A sparkline of round trips: one cell per request, eight heights between the shown minimum and maximum. */

const BARS = '▁▂▃▄▅▆▇█';
/** A request with no reply (yet). */
export const NO_REPLY = '·';

/** The last `width` values as bars (null: no reply); the scale is that of the values shown. */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const shown = values.slice(Math.max(0, values.length - width));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of shown) {
    if (v === null) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  let s = '';
  for (const v of shown) {
    if (v === null) s += NO_REPLY;
    else s += BARS[hi > lo ? Math.min(7, Math.floor(((v - lo) / (hi - lo)) * 8)) : 0];
  }
  return s;
}
