/**
 * The terminal input of the UI (src/tui/input.ts): mouse reports taken out of the bytes before Ink
 * reads keys (also when a read splits one, and mixed with keys), and the keys typed before Ink
 * reads kept and given to it when it starts (with a newline read as Enter).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InputSplitter, TerminalInput } from '../../src/tui/input.js';
import type { MouseEvent } from '../../src/tui/mouse.js';

const sgr = (b: number, x: number, y: number, up = false) => `\x1b[<${b};${x};${y}${up ? 'm' : 'M'}`;

/** Feeds `chunks` one by one; the keys (as text) and the mouse events that came out. */
function split(chunks: (string | Buffer)[]): { keys: string; events: MouseEvent[]; held: boolean } {
  const s = new InputSplitter();
  const events: MouseEvent[] = [];
  let keys = '';
  for (const c of chunks) keys += s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, (e) => events.push(e)).toString('latin1');
  return { keys, events, held: s.pending() };
}

describe('InputSplitter', () => {
  it('takes SGR clicks, releases and the wheel out of the keys, with 0-based cells and modifiers', () => {
    const r = split([`j${sgr(0, 10, 7)}${sgr(0, 10, 7, true)}k${sgr(65, 1, 1)}${sgr(64, 200, 50)}${sgr(2 | 4 | 16, 3, 4)}q`]);
    expect(r.keys).toBe('jkq');
    expect(r.held).toBe(false);
    expect(r.events).toEqual([
      { kind: 'press', button: 0, x: 9, y: 6, shift: false, meta: false, ctrl: false },
      { kind: 'release', button: 0, x: 9, y: 6, shift: false, meta: false, ctrl: false },
      { kind: 'wheelDown', button: -1, x: 0, y: 0, shift: false, meta: false, ctrl: false },
      { kind: 'wheelUp', button: -1, x: 199, y: 49, shift: false, meta: false, ctrl: false },
      { kind: 'press', button: 2, x: 2, y: 3, shift: true, meta: false, ctrl: true },
    ]);
  });

  it('a report split at every byte across reads, between keys, gives the same keys and event', () => {
    const whole = `ab${sgr(0, 123, 45)}\x1b[Acd`;
    const want = split([whole]);
    expect(want.keys).toBe('ab\x1b[Acd');
    expect(want.events).toHaveLength(1);
    for (let cut = 1; cut < whole.length; cut++) {
      for (let cut2 = cut; cut2 < whole.length; cut2++) {
        const r = split([whole.slice(0, cut), whole.slice(cut, cut2), whole.slice(cut2)]);
        expect(r.keys, `cut at ${cut} and ${cut2}`).toBe(want.keys);
        expect(r.events, `cut at ${cut} and ${cut2}`).toEqual(want.events);
        expect(r.held).toBe(false);
      }
    }
  });

  it('keeps the start of a possible report until the next read; Esc, arrows and other CSI keys stay keys', () => {
    expect(split(['x\x1b'])).toMatchObject({ keys: 'x', held: true });
    expect(split(['x\x1b[<1;2'])).toMatchObject({ keys: 'x', held: true });
    expect(split(['\x1b', 'j'])).toMatchObject({ keys: '\x1bj', held: false });
    expect(split(['\x1b[A\x1b[6~\x1b[Z\x1bOH\x1b\x1b[B'])).toMatchObject({ keys: '\x1b[A\x1b[6~\x1b[Z\x1bOH\x1b\x1b[B', events: [] });
    // Not a report after all: the bytes are keys.
    expect(split(['\x1b[<1;2x'])).toMatchObject({ keys: '\x1b[<1;2x', events: [] });
    // Motion (not asked for) and the wheel's release are dropped, not typed.
    expect(split([sgr(32, 5, 5) + sgr(64, 5, 5, true) + 'G'])).toMatchObject({ keys: 'G', events: [] });
  });

  it('the old X10 form (ESC [ M and three bytes 32 + value) is a mouse event too, never keys', () => {
    // A click at column 81, row 3: its column byte is "q" (32 + 81), which must not quit.
    const x10 = Buffer.from([0x1b, 0x5b, 0x4d, 32 + 0, 32 + 81, 32 + 3]);
    const r = split([Buffer.from('j'), x10.subarray(0, 4), x10.subarray(4), Buffer.from('k')]);
    expect(r.keys).toBe('jk');
    expect(r.events).toEqual([{ kind: 'press', button: 0, x: 80, y: 2, shift: false, meta: false, ctrl: false }]);
    expect(split([Buffer.from([0x1b, 0x5b, 0x4d, 32 + 3, 40, 40])]).events[0]!.kind).toBe('release');
  });
});

/** A terminal's read side, as process.stdin: raw mode switched, 'data' emitted. */
class FakeTty extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  paused = false;
  setRawMode(on: boolean) {
    this.raw.push(on);
    return this;
  }
  pause() {
    this.paused = true;
    return this;
  }
}

describe('TerminalInput', () => {
  it('is raw at once, keeps keys typed before a reader, replays them to the first one, and a newline is Enter', async () => {
    const tty = new FakeTty();
    const input = new TerminalInput(tty as unknown as NodeJS.ReadStream);
    expect(tty.raw).toEqual([true]);
    const mouse: MouseEvent[] = [];
    input.onMouse((e) => mouse.push(e));
    // Typed while the UI loads: a filter and Enter (cooked mode made it a newline), and a click.
    tty.emit('data', Buffer.from('/tcp\n'));
    tty.emit('data', Buffer.from(`${sgr(0, 5, 6)}G`));
    expect(mouse).toHaveLength(1);
    const got: string[] = [];
    const readable = new Promise<void>((r) =>
      input.on('readable', () => {
        let c;
        while ((c = input.read()) !== null) got.push(c);
        r();
      }),
    );
    await readable;
    expect(got.join('')).toBe('/tcp\rG');
    input.removeAllListeners('readable');
    // A multi-byte character split by the read comes out whole.
    const e = Buffer.from('é');
    tty.emit('data', e.subarray(0, 1));
    tty.emit('data', e.subarray(1));
    expect(input.read()).toBe('é');
    input.close();
    expect(tty.raw).toEqual([true, false]);
    expect(tty.paused).toBe(true);
    tty.emit('data', Buffer.from('x'));
    expect(input.read()).toBe(null);
  });

  it('clicks before anyone listens wait for the first listener, then come in order', async () => {
    const tty = new FakeTty();
    const input = new TerminalInput(tty as unknown as NodeJS.ReadStream);
    tty.emit('data', Buffer.from(`${sgr(0, 5, 6)}${sgr(0, 5, 6, true)}${sgr(65, 1, 2)}`));
    const a: MouseEvent[] = [];
    const b: MouseEvent[] = [];
    input.onMouse((e) => a.push(e));
    input.onMouse((e) => b.push(e));
    await new Promise((r) => setImmediate(r));
    expect(a.map((e) => e.kind)).toEqual(['press', 'release', 'wheelDown']);
    expect(b).toEqual(a);
    tty.emit('data', Buffer.from(sgr(0, 1, 1)));
    expect(a).toHaveLength(4);
    input.close();
  });

  it('an Esc alone at the end of a read is given as a key soon after (it may not start a report)', async () => {
    const tty = new FakeTty();
    const input = new TerminalInput(tty as unknown as NodeJS.ReadStream);
    tty.emit('data', Buffer.from('\x1b'));
    expect(input.read()).toBe(null);
    await new Promise((r) => setTimeout(r, 60));
    expect(input.read()).toBe('\x1b');
    input.close();
  });
});
