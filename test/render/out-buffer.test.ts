/**
 * OutBuffer's numbers and addresses written as bytes (digit pairs, the octet table, the put*
 * methods in room made once) give the text of the strings they replace: decText(v).padStart(width)
 * at every digit count and at the int32 and 10^10 edges of its two paths, formatIPv4 of every
 * octet, and a buffer small enough that the room checks flush between lines.
 */
import { describe, expect, it } from 'vitest';
import { decText, formatIPv4 } from '../../src/dissectors/bytes.js';
import { OutBuffer } from '../../src/render/output.js';
import { rng } from '../capture/helpers.js';

/** An OutBuffer that collects what it emits (a small buffer: `room` flushes often). */
class Collect extends OutBuffer {
  readonly parts: Buffer[] = [];
  constructor(size = 64) {
    super(-1, size);
  }
  protected override emit(bytes: Uint8Array): void {
    this.parts.push(Buffer.from(bytes));
  }
  written(): string {
    this.flush();
    return Buffer.concat(this.parts).toString('utf8');
  }
}

function edgeNumbers(): number[] {
  const out = [0];
  for (let e = 0; e <= 15; e++) out.push(10 ** e - 1, 10 ** e, 10 ** e + 1);
  out.push(2 ** 31 - 1, 2 ** 31, 2 ** 31 + 99, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 100);
  const r = rng(0xd161);
  for (let k = 0; k < 2000; k++) out.push(Math.floor(r() * 10 ** (1 + Math.floor(r() * 15))));
  return out.filter((v) => v <= Number.MAX_SAFE_INTEGER);
}

describe('OutBuffer numbers and addresses', () => {
  it('number(v, width) and decimal(v) as decText and padStart', () => {
    const o = new Collect();
    let want = '';
    for (const v of edgeNumbers()) {
      o.number(v, 5);
      o.byte(32);
      o.decimal(v);
      o.byte(10);
      want += `${decText(v).padStart(5)} ${decText(v)}\n`;
    }
    expect(o.written()).toBe(want);
  });

  it('number of a value that is not a whole number is its String', () => {
    const o = new Collect();
    for (const v of [-1, 0.5, 2 ** 53, 1e21, NaN, Infinity]) o.number(v, 8);
    expect(o.written()).toBe([-1, 0.5, 2 ** 53, 1e21, NaN, Infinity].map((v) => String(v).padStart(8)).join(''));
  });

  it('ipv4 as formatIPv4, every octet in every place', () => {
    const o = new Collect();
    let want = '';
    for (let x = 0; x < 256; x++) {
      for (const v of [(x << 24) >>> 0, x << 16, x << 8, x, (((x << 24) | (x << 16) | (x << 8) | x) >>> 0)]) {
        o.ipv4(v);
        o.byte(10);
        want += `${formatIPv4(v)}\n`;
      }
    }
    expect(o.written()).toBe(want);
  });

  it('putFixed writes exactly n digits, zeros in front', () => {
    const o = new Collect();
    let want = '';
    for (const n of [1, 2, 3, 6, 9]) {
      for (const v of [0, 1, 9, 10, 10 ** n - 1, Math.floor(10 ** n / 3)].filter((x) => x < 10 ** n)) {
        o.room(n + 1);
        o.putFixed(v, n);
        o.putByte(10);
        want += `${String(v).padStart(n, '0')}\n`;
      }
    }
    expect(o.written()).toBe(want);
  });
});
