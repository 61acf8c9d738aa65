/**
 * Growable typed-array columns (a packet's field columns, conversation and I/O tables, per-stream
 * arrays): one copy-into-a-longer-array, for every table that grows by doubling or to a known size.
 */

type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** `a` copied into a new array of its type with `length` elements (not fewer than a's), the new ones `fill`. */
export function grown<T extends Column>(a: T, length: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) b.fill(fill, a.length);
  (b as Uint8Array).set(a as Uint8Array);
  return b;
}

/** The capacity `cap` doubled until it holds index `i`. */
export function capacityFor(cap: number, i: number): number {
  while (cap <= i) cap *= 2;
  return cap;
}
