/**
 * The braille canvas and the plot (src/tui/graph/): known dot patterns (the Unicode braille
 * numbering: dots 1-2-3-7 down the left column, 4-5-6-8 down the right), lines, clipping,
 * colour runs, and a plot's axes and labels.
 */
import { describe, expect, it } from 'vitest';
import { BrailleCanvas } from '../../src/tui/graph/braille.js';
import { niceStep, plot, plotText, shortNumber, ticks } from '../../src/tui/graph/plot.js';

describe('braille canvas', () => {
  it('each of the 8 dots of a cell is its Unicode bit', () => {
    const dots: Array<[number, number, string]> = [
      [0, 0, '⠁'], [0, 1, '⠂'], [0, 2, '⠄'], [0, 3, '⡀'],
      [1, 0, '⠈'], [1, 1, '⠐'], [1, 2, '⠠'], [1, 3, '⢀'],
    ];
    for (const [x, y, ch] of dots) {
      const c = new BrailleCanvas(1, 1);
      c.set(x, y);
      expect(c.lines()).toEqual([ch]);
      expect(c.get(x, y)).toBe(true);
    }
    const full = new BrailleCanvas(1, 1);
    for (let x = 0; x < 2; x++) for (let y = 0; y < 4; y++) full.set(x, y);
    expect(full.lines()).toEqual(['⣿']);
    expect(new BrailleCanvas(2, 1).lines()).toEqual(['⠀⠀']);
  });

  it('lines: horizontal, vertical, diagonal (Bresenham), both ends included', () => {
    const h = new BrailleCanvas(2, 1);
    h.line(0, 3, 3, 3);
    expect(h.lines()).toEqual(['⣀⣀']);
    const v = new BrailleCanvas(1, 2);
    v.line(1, 0, 1, 7);
    expect(v.lines()).toEqual(['⢸', '⢸']);
    const d = new BrailleCanvas(2, 1);
    d.line(0, 0, 3, 3);
    expect(d.lines()).toEqual(['⠑⢄']);
    const back = new BrailleCanvas(2, 1);
    back.line(3, 3, 0, 0);
    expect(back.lines()).toEqual(['⠑⢄']);
  });

  it('dots outside are dropped; a line from far away is clipped, not walked', () => {
    const c = new BrailleCanvas(2, 1);
    c.set(-1, 0);
    c.set(4, 0);
    c.set(0, 4);
    expect(c.lines()).toEqual(['⠀⠀']);
    const t0 = performance.now();
    c.line(-1e9, 3, 1e9, 3);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(c.lines()).toEqual(['⣀⣀']);
  });

  it('colour runs: a cell takes the colour of its last dot; text labels replace dots', () => {
    const c = new BrailleCanvas(4, 1);
    c.set(0, 0, 'red');
    c.set(2, 0, 'red');
    c.set(4, 0, 'green');
    c.write(3, 0, 'x');
    expect(c.runs()).toEqual([[{ text: '⠁⠁', color: 'red' }, { text: '⠁', color: 'green' }, { text: 'x' }]]);
  });
});

describe('plot', () => {
  it('nice ticks and short numbers', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(0.7, 3)).toBeCloseTo(0.5);
    expect(ticks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect([shortNumber(0), shortNumber(1500), shortNumber(25_000), shortNumber(2_500_000), shortNumber(0.25)]).toEqual(['0', '1.5k', '25k', '2.5M', '0.25']);
  });

  it('a diagonal line from the bottom-left to the top-right corner, with both axes labelled', () => {
    const p = plot({ width: 14, height: 6, x: [0, 10], y: [0, 10], series: [{ kind: 'line', xs: [0, 10], ys: [0, 10] }] });
    const t = plotText(p);
    expect(t).toHaveLength(6);
    // 4 rows of canvas (16 dots high), the axis, the labels.
    expect(p.plotRows).toBe(4);
    expect(t[0]!.startsWith('10 ┤')).toBe(true);
    expect(t[3]!.startsWith(' 0 ┤')).toBe(true);
    expect(t[4]).toMatch(/^ {3}└┬/);
    expect(t[5]!.trimStart().startsWith('0')).toBe(true);
    // The corners: the first canvas cell of the bottom row has the bottom-left dot, the last cell of the top row the top-right dot.
    const cells = (row: string) => [...row.slice(p.left)];
    expect(cells(t[3]!)[0]!.codePointAt(0)! & 0x40).toBe(0x40);
    expect(cells(t[0]!)[p.cols - 1]!.codePointAt(0)! & 0x08).toBe(0x08);
    // Every canvas column has at least one dot (a connected line).
    for (let col = 0; col < p.cols; col++) expect(t.slice(0, 4).some((r) => cells(r)[col] !== '⠀')).toBe(true);
  });

  it('bars, steps and the cursor', () => {
    const p = plot({ width: 10, height: 4, x: [0, 7], y: [0, 7], series: [{ kind: 'bars', xs: [0], ys: [0], y2s: [7] }], cursor: 7 });
    const t = plotText(p);
    const first = t.slice(0, 2).map((r) => [...r.slice(p.left)][0]);
    expect(first).toEqual(['⡇', '⡇']);
    const last = t.slice(0, 2).map((r) => [...r.slice(p.left)][p.cols - 1]!.codePointAt(0)! & 0xb8);
    expect(last.every((b) => b !== 0)).toBe(true);
    const s = plotText(plot({ width: 10, height: 3, x: [0, 10], y: [0, 1], series: [{ kind: 'step', xs: [0], ys: [1] }] }));
    // A step that holds its value to the right edge: the whole top row of dots.
    expect([...s[0]!.slice(s[0]!.indexOf('┤') + 1)].every((ch) => (ch.codePointAt(0)! & 0x09) === 0x09)).toBe(true);
  });
});
