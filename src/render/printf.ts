/**
 * C's printf number formats where a tshark table needs them to the byte: one helper for every
 * writer (the conversation and HTTP stats tables both print `%.Nf`).
 */

/**
 * C's printf("%.Nf") of a double: the exact binary value rounded half to even (JavaScript's
 * toFixed rounds exact ties up, e.g. 0.03125 to 4 places).
 */
export function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  // A tie is only possible when the value has exactly digits+1 decimals ending in 5 (cheap test
  // first: the scaled value is within rounding of a half). The product's error is at most half an
  // ulp, 1.11e-16 of it: a tolerance of 1e-15 of it misses no tie and sends only values that close
  // to a half to the exact test (1e-6 sent every value of a million and more, e.g. 1 s in ns, to it).
  const a = Math.abs(v);
  const scaled = a * 10 ** digits;
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-15 * Math.max(1, scaled)) return s;
  const exact = a.toFixed(Math.min(100, digits + 30));
  const tail = exact.slice(exact.indexOf('.') + 1 + digits);
  if (/^50*$/.test(tail)) {
    // An exact tie: to the even neighbour (toFixed rounds it away from zero). The sign stays, as
    // printf's "-0" for -0.5.
    const down = Math.floor(scaled);
    if (down % 2 === 0) return (v < 0 ? '-' : '') + (down / 10 ** digits).toFixed(digits);
  }
  return s;
}
