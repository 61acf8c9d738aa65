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
  // first: the scaled value is within rounding of a half).
  const scaled = Math.abs(v) * 10 ** digits;
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6 * Math.max(1, scaled)) return s;
  const exact = v.toFixed(Math.min(100, digits + 30));
  const tail = exact.slice(exact.indexOf('.') + 1 + digits);
  if (/^50*$/.test(tail)) {
    const down = v < 0 ? -Math.ceil(-v * 10 ** digits) : Math.floor(v * 10 ** digits);
    const lastDigitEven = Math.abs(down) % 2 === 0;
    if (lastDigitEven) return (down / 10 ** digits).toFixed(digits);
  }
  return s;
}
