/**
 * A braille canvas: each terminal cell holds a 2x4 grid of dots (Unicode braille patterns,
 * U+2800..U+28FF), so a plot of W x H cells has 2W x 4H pixels, as drawille and plotext draw.
 * Pixels are set one by one, along lines (Bresenham) or as vertical bars; each cell keeps the
 * colour of the last dot drawn in it (a terminal cell has one colour). Pure: no Ink, no React.
 *
 * Pixel (0, 0) is the top-left dot; x grows to the right, y downwards.
 */

/** Bit of the dot at column `dx` (0..1), row `dy` (0..3) of a cell (the Unicode braille numbering). */
const DOT_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
] as const;

export const BRAILLE_BLANK = 0x2800;

export class BrailleCanvas {
  /** Dot bits per cell, row-major (cols x rows). */
  private readonly bits: Uint8Array;
  /** Colour index per cell (0: none; see `colors`). */
  private readonly color: Uint8Array;
  /** Text written over cells (a label), by cell index. */
  private readonly text = new Map<number, string>();
  /** The colour names used, by index (1-based in `color`). */
  readonly colors: string[] = [];

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.bits = new Uint8Array(Math.max(0, cols * rows));
    this.color = new Uint8Array(Math.max(0, cols * rows));
  }

  /** Width and height in pixels. */
  get width(): number {
    return this.cols * 2;
  }
  get height(): number {
    return this.rows * 4;
  }

  private colorIndex(c: string | undefined): number {
    if (c === undefined) return 0;
    let i = this.colors.indexOf(c);
    if (i < 0) {
      if (this.colors.length >= 255) return 0;
      this.colors.push(c);
      i = this.colors.length - 1;
    }
    return i + 1;
  }

  /** Sets the dot at pixel (x, y) (rounded; outside the canvas: nothing). */
  set(x: number, y: number, color?: string): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const cell = (py >> 2) * this.cols + (px >> 1);
    this.bits[cell]! |= DOT_BITS[py & 3]![px & 1]!;
    const ci = this.colorIndex(color);
    if (ci) this.color[cell] = ci;
  }

  /** Whether the dot at pixel (x, y) is set. */
  get(x: number, y: number): boolean {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return false;
    return (this.bits[(y >> 2) * this.cols + (x >> 1)]! & DOT_BITS[y & 3]![x & 1]!) !== 0;
  }

  /** A line from (x0, y0) to (x1, y1), both ends included (Bresenham on the rounded ends; clipped per dot). */
  line(x0: number, y0: number, x1: number, y1: number, color?: string): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    // A line far outside the canvas is clipped to a bounded walk: cut it to the box first.
    const lim = 4 * (this.width + this.height) + 8;
    if (Math.abs(xe - x) + Math.abs(ye - y) > lim) {
      const c = clipLine(x, y, xe, ye, this.width - 1, this.height - 1);
      if (!c) return;
      [x, y] = [Math.round(c[0]), Math.round(c[1])];
      this.lineInt(x, y, Math.round(c[2]), Math.round(c[3]), color);
      return;
    }
    this.lineInt(x, y, xe, ye, color);
  }

  private lineInt(x: number, y: number, xe: number, ye: number, color?: string): void {
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.set(x, y, color);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** Text over the cells from cell (col, row) on (a label); it replaces their dots. */
  write(col: number, row: number, s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = col + i;
      if (c < 0 || c >= this.cols || row < 0 || row >= this.rows) continue;
      this.text.set(row * this.cols + c, s[i]!);
    }
  }

  /** The character of a cell. */
  char(col: number, row: number): string {
    const k = row * this.cols + col;
    return this.text.get(k) ?? String.fromCharCode(BRAILLE_BLANK + this.bits[k]!);
  }

  /** The rows as plain text (no colour). */
  lines(): string[] {
    const out: string[] = [];
    for (let r = 0; r < this.rows; r++) {
      let s = '';
      for (let c = 0; c < this.cols; c++) s += this.char(c, r);
      out.push(s);
    }
    return out;
  }

  /** The rows as runs of one colour each (for Ink's <Text color>); a blank or text cell has no colour. */
  runs(): Array<Array<{ text: string; color?: string }>> {
    const out: Array<Array<{ text: string; color?: string }>> = [];
    for (let r = 0; r < this.rows; r++) {
      const row: Array<{ text: string; color?: string }> = [];
      let cur = '';
      let curColor: string | undefined;
      for (let c = 0; c < this.cols; c++) {
        const k = r * this.cols + c;
        const ci = this.text.has(k) || this.bits[k] === 0 ? 0 : this.color[k]!;
        const color = ci ? this.colors[ci - 1] : undefined;
        if (color !== curColor && cur) {
          row.push(curColor ? { text: cur, color: curColor } : { text: cur });
          cur = '';
        }
        curColor = color;
        cur += this.char(c, r);
      }
      if (cur) row.push(curColor ? { text: cur, color: curColor } : { text: cur });
      out.push(row);
    }
    return out;
  }
}

/** Liang-Barsky clipping of a segment to [0, w] x [0, h]; null when it misses. */
function clipLine(x0: number, y0: number, x1: number, y1: number, w: number, h: number): [number, number, number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const edges: Array<[number, number]> = [[-dx, x0], [dx, w - x0], [-dy, y0], [dy, h - y0]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}
