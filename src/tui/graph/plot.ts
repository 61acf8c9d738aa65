/**
 * A plot on a braille canvas (./braille.ts) with axes: y labels on the left, a tick line and x
 * labels at the bottom; series drawn as points, lines, steps or vertical bars, each in a colour.
 * Pure: the result is rows of coloured runs, which ./graph.tsx gives to Ink.
 *
 *   12.0k ┤ ⠀⠀⠀⠀⢀⠤⠊
 *    6.0k ┤ ⠀⢀⠔⠁
 *       0 ┼─────┬─────┬
 *         0     1.0   2.0
 */
import { BrailleCanvas } from './braille.js';

export interface Series {
  /** points: one dot each; line: joined; step: horizontal then vertical (a value that holds); bars: from y to y2 at x. */
  kind: 'points' | 'line' | 'step' | 'bars';
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** bars: the other end of each bar. */
  y2s?: ArrayLike<number>;
  color?: string;
  /** Shown in the legend. */
  label?: string;
}

export interface PlotSpec {
  /** Size in cells, labels and axes included. */
  width: number;
  height: number;
  x: [number, number];
  /** Default: the range of the series' values in x (0 included). */
  y?: [number, number];
  series: readonly Series[];
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  /** An x value marked with a vertical line of dots (the cursor). */
  cursor?: number;
  cursorColor?: string;
}

export type Run = { text: string; color?: string };

export interface Plot {
  rows: Run[][];
  /** The drawing area: its first column (after the labels) and width in cells, its height in rows. */
  left: number;
  cols: number;
  plotRows: number;
  y: [number, number];
}

/** "Nice" tick step (1, 2, 5 times a power of ten) for about `n` ticks over `span`. */
export function niceStep(span: number, n: number): number {
  if (!(span > 0) || n < 1) return 1;
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Ticks: multiples of a nice step inside [lo, hi]. */
export function ticks(lo: number, hi: number, n: number): number[] {
  const step = niceStep(hi - lo, n);
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9) * step;
  for (let v = first; v <= hi + step * 1e-9 && out.length < 1000; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** 1234567 -> "1.2M", 1500 -> "1.5k", 0.25 -> "0.25". */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  if (a === 0) return '0';
  if (a >= 1) return `${+v.toFixed(1)}`;
  return `${+v.toPrecision(2)}`;
}

function yRange(spec: PlotSpec): [number, number] {
  if (spec.y) return spec.y;
  let lo = 0;
  let hi = 0;
  const [x0, x1] = spec.x;
  for (const s of spec.series) {
    for (let i = 0; i < s.ys.length; i++) {
      const x = s.xs[i]!;
      if (x < x0 || x > x1) continue;
      for (const v of s.y2s ? [s.ys[i]!, s.y2s[i]!] : [s.ys[i]!]) {
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (hi === lo) hi = lo + 1;
  return [lo, hi];
}

/** Draws `spec`. */
export function plot(spec: PlotSpec): Plot {
  const yf = spec.yFormat ?? shortNumber;
  const xf = spec.xFormat ?? shortNumber;
  const [y0, y1] = yRange(spec);
  const plotRows = Math.max(1, spec.height - 2);
  const yTicks = ticks(y0, y1, Math.max(1, Math.floor(plotRows / 3)));
  const labelW = Math.max(1, ...yTicks.map((v) => yf(v).length));
  const left = labelW + 2;
  const cols = Math.max(1, spec.width - left);
  const c = new BrailleCanvas(cols, plotRows);
  const [x0, x1] = spec.x;
  const xs = x1 > x0 ? (c.width - 1) / (x1 - x0) : 0;
  const ys = y1 > y0 ? (c.height - 1) / (y1 - y0) : 0;
  const px = (x: number) => (x - x0) * xs;
  const py = (y: number) => c.height - 1 - (y - y0) * ys;
  for (const s of spec.series) {
    const n = Math.min(s.xs.length, s.ys.length);
    let prevX = NaN;
    let prevY = NaN;
    for (let i = 0; i < n; i++) {
      const X = px(s.xs[i]!);
      const Y = py(s.ys[i]!);
      if (!Number.isFinite(X) || !Number.isFinite(Y)) continue;
      switch (s.kind) {
        case 'points':
          c.set(X, Y, s.color);
          break;
        case 'bars':
          c.line(X, Y, X, py(s.y2s?.[i] ?? s.ys[i]!), s.color);
          break;
        case 'line':
          if (Number.isFinite(prevX)) c.line(prevX, prevY, X, Y, s.color);
          else c.set(X, Y, s.color);
          break;
        case 'step':
          if (Number.isFinite(prevX)) {
            c.line(prevX, prevY, X, prevY, s.color);
            c.line(X, prevY, X, Y, s.color);
          } else c.set(X, Y, s.color);
          break;
      }
      prevX = X;
      prevY = Y;
    }
    // A step series holds its last value to the right edge.
    if (s.kind === 'step' && Number.isFinite(prevX) && prevX < c.width - 1) c.line(prevX, prevY, c.width - 1, prevY, s.color);
  }
  if (spec.cursor !== undefined && spec.cursor >= x0 && spec.cursor <= x1) {
    const X = px(spec.cursor);
    for (let y = 0; y < c.height; y += 2) c.set(X, y, spec.cursorColor ?? 'white');
  }
  // Rows: label, axis, canvas.
  const tickRow = new Map<number, string>();
  for (const v of yTicks) {
    const r = Math.min(plotRows - 1, Math.max(0, Math.floor(py(v) / 4)));
    if (!tickRow.has(r)) tickRow.set(r, yf(v));
  }
  const canvasRows = c.runs();
  const rows: Run[][] = [];
  for (let r = 0; r < plotRows; r++) {
    const label = tickRow.get(r);
    rows.push([{ text: `${(label ?? '').padStart(labelW)} ${label !== undefined ? '┤' : '│'}` }, ...canvasRows[r]!]);
  }
  // The x axis: a tick under each label, the labels left-aligned at their tick (none overlap).
  const xTicks = ticks(x0, x1, Math.max(1, Math.floor(cols / 12)));
  const axis = Array.from({ length: cols }, () => '─');
  let labels = '';
  for (const v of xTicks) {
    const col = Math.round(px(v) / 2);
    if (col < 0 || col >= cols) continue;
    axis[col] = '┬';
    const t = xf(v);
    if (col >= labels.length + (labels.length ? 1 : 0)) labels = labels.padEnd(col) + t;
  }
  rows.push([{ text: `${' '.repeat(labelW)} └${axis.join('')}` }]);
  rows.push([{ text: `${' '.repeat(left)}${labels}`.slice(0, spec.width) }]);
  return { rows, left, cols, plotRows, y: [y0, y1] };
}

/** The rows as plain text (tests, text captures). */
export function plotText(p: Plot): string[] {
  return p.rows.map((r) => r.map((x) => x.text).join(''));
}
