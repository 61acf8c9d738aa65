/**
 * The terminal's input for the UI, from the first moment: `openTerminalInput()` puts the terminal
 * in raw mode and reads it at once (before Ink and React are loaded, which takes most of a second
 * on a loaded machine), keeps what is typed, and gives it to Ink when Ink starts reading: keys typed
 * at start-up reach the UI. Before raw mode, the terminal's line discipline had the keys (cooked
 * mode: echoed, Enter turned into a newline), so a newline is read as Enter.
 *
 * Mouse reports (SGR mode `ESC [ < b ; x ; y M|m`, and the old X10 form `ESC [ M b x y`) are taken
 * out of the bytes before Ink sees them, also when a read splits one, and go to the mouse
 * listeners (./mouse.ts): they never reach the UI as keys.
 *
 * `TerminalInput` is the `stdin` Ink is given: a readable that hands out the key text.
 */
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { MouseEvent, MouseListener, MouseSource } from './mouse.js';
import { terminalGone } from './terminal.js';

/** Mouse reporting on (clicks and the wheel, SGR coordinates), and off. */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

const ESC = 0x1b;
const LBRACKET = 0x5b;
const LT = 0x3c;

/** The SGR button byte's meaning (xterm's ctlseqs: low bits the button, 64 the wheel, 4/8/16 modifiers). */
function event(b: number, x: number, y: number, release: boolean): MouseEvent | undefined {
  const mods = { shift: (b & 4) !== 0, meta: (b & 8) !== 0, ctrl: (b & 16) !== 0 };
  const pos = { x: Math.max(0, x - 1), y: Math.max(0, y - 1) };
  if (b & 32) return undefined; // motion (not asked for: no 1002/1003 mode)
  if (b & 64) {
    const w = b & 3;
    if (w > 1) return undefined; // wheel left/right
    return release ? undefined : { kind: w === 0 ? 'wheelUp' : 'wheelDown', button: -1, ...pos, ...mods };
  }
  const button = b & 3;
  if (button === 3) return { kind: 'release', button: -1, ...pos, ...mods };
  return { kind: release ? 'release' : 'press', button, ...pos, ...mods };
}

/**
 * Splits the terminal's bytes into keys and mouse events. `push` returns the key bytes of a chunk
 * that are complete; a chunk ending inside what may be a mouse report keeps that tail until the
 * next chunk (or `flush`, when no more comes soon: then it was keys, an Esc alone).
 */
export class InputSplitter {
  private held: Buffer = Buffer.alloc(0);

  /** Whether bytes are held (a possible mouse report cut by the read). */
  pending(): boolean {
    return this.held.length > 0;
  }

  /** The held bytes, as keys. */
  flush(): Buffer {
    const h = this.held;
    this.held = Buffer.alloc(0);
    return h;
  }

  push(chunk: Buffer, mouse: (e: MouseEvent) => void): Buffer {
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    const keys: Buffer[] = [];
    let from = 0; // start of the key bytes not yet copied
    let i = 0;
    while (i < buf.length) {
      if (buf[i] !== ESC) {
        i++;
        continue;
      }
      const r = this.report(buf, i);
      if (r === 'partial') {
        keys.push(buf.subarray(from, i));
        this.held = Buffer.from(buf.subarray(i));
        return Buffer.concat(keys);
      }
      if (r === undefined) {
        i++;
        continue;
      }
      keys.push(buf.subarray(from, i));
      if (r.event) mouse(r.event);
      i = from = r.end;
    }
    keys.push(buf.subarray(from));
    return Buffer.concat(keys);
  }

  /** A mouse report at `at` (an ESC): its end and event; 'partial' when the bytes end inside one. */
  private report(buf: Buffer, at: number): { end: number; event: MouseEvent | undefined } | 'partial' | undefined {
    const n = buf.length;
    if (at + 1 >= n) return 'partial';
    if (buf[at + 1] !== LBRACKET) return undefined;
    if (at + 2 >= n) return 'partial';
    const kind = buf[at + 2];
    if (kind === 0x4d /* M: X10, three bytes of 32 + value */) {
      if (at + 6 > n) return 'partial';
      const b = buf[at + 3]! - 32;
      return { end: at + 6, event: event(b, buf[at + 4]! - 32, buf[at + 5]! - 32, false) };
    }
    if (kind !== LT) return undefined;
    const nums = [0];
    for (let j = at + 3; j < n; j++) {
      const c = buf[j]!;
      if (c >= 0x30 && c <= 0x39) {
        nums[nums.length - 1] = nums[nums.length - 1]! * 10 + (c - 0x30);
        if (nums[nums.length - 1]! > 100_000) return undefined;
      } else if (c === 0x3b && nums.length < 3) nums.push(0);
      else if ((c === 0x4d || c === 0x6d) && nums.length === 3) return { end: j + 1, event: event(nums[0]!, nums[1]!, nums[2]!, c === 0x6d) };
      else return undefined;
    }
    return 'partial';
  }
}

/** How long bytes that may begin a mouse report are held for the rest (then they are keys). */
const HOLD_MS = 25;

/**
 * The terminal's input as Ink reads it (`stdin` of Ink's render): `read()` gives the key text
 * typed so far; 'readable' is emitted when there is some, and at once to a reader that starts
 * listening while text waits (the keys typed before Ink was up).
 */
export class TerminalInput extends EventEmitter implements MouseSource {
  readonly isTTY = true;
  private readonly splitter = new InputSplitter();
  private readonly decoder = new StringDecoder('utf8');
  private queue = '';
  private mouseListeners: MouseListener[] = [];
  private readonly mouseQueue: MouseEvent[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onData = (chunk: Buffer | string) => this.take(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  /**
   * A read error before the UI's own handlers are there (run.ts adds them): the terminal gone
   * while Ink was still loading ends the program as a hangup does, without a stack trace.
   */
  private readonly onError = (e: unknown) => {
    if (this.tty.listenerCount('error') > 1) return;
    if (terminalGone(e)) process.exit(129);
  };

  constructor(private readonly tty: NodeJS.ReadStream) {
    super();
    this.on('newListener', (name: string) => {
      if (name === 'readable' && this.queue) setImmediate(() => this.queue && this.emit('readable'));
    });
    tty.on('error', this.onError);
    tty.setRawMode(true);
    tty.on('data', this.onData);
  }

  /** Bytes read from the terminal (exposed for tests: what a read would give). */
  take(chunk: Buffer): void {
    if (this.closed) return;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    const keys = this.splitter.push(chunk, (e) => {
      // Before the UI listens (the first screen is drawn before Ink), clicks wait as keys do.
      if (!this.mouseListeners.length) this.mouseQueue.push(e);
      for (const l of this.mouseListeners) l(e);
    });
    this.keys(keys);
    if (this.splitter.pending()) this.holdTimer = setTimeout(() => this.keys(this.splitter.flush()), HOLD_MS);
  }

  private keys(bytes: Buffer): void {
    this.holdTimer = undefined;
    if (!bytes.length) return;
    // A newline is Enter: typed before raw mode, the line discipline turned Enter's CR into one
    // (and the UI binds nothing to Ctrl-J).
    const text = this.decoder.write(bytes).replace(/\n/g, '\r');
    if (!text) return;
    this.queue += text;
    this.emit('data', text);
    this.emit('readable');
  }

  onMouse(fn: MouseListener): () => void {
    // The first listener gets what came before (on the next turn: every pane of the first
    // frame has subscribed by then).
    if (!this.mouseListeners.length && this.mouseQueue.length)
      setImmediate(() => {
        const q = this.mouseQueue.splice(0);
        for (const e of q) for (const l of this.mouseListeners) l(e);
      });
    this.mouseListeners = [...this.mouseListeners, fn];
    return () => void (this.mouseListeners = this.mouseListeners.filter((l) => l !== fn));
  }

  /** The text typed since the last read (null: none). */
  read(): string | null {
    if (!this.queue) return null;
    const q = this.queue;
    this.queue = '';
    return q;
  }

  unshift(chunk: Buffer | string): void {
    this.queue = String(chunk) + this.queue;
  }

  // Ink's calls: the terminal stays raw while the UI runs, whatever Ink's hooks ask; `close` gives it back.
  setRawMode(_on: boolean): this {
    return this;
  }
  setEncoding(_enc: string): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }

  /** Gives the terminal back: cooked mode, no more reading (the process may end). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.tty.off('data', this.onData);
    this.tty.off('error', this.onError);
    try {
      this.tty.setRawMode(false);
    } catch {
      /* the terminal is gone */
    }
    this.tty.pause();
  }
}

/** The terminal's input from now on, raw; undefined when standard input is not a terminal. */
export function openTerminalInput(tty: NodeJS.ReadStream = process.stdin): TerminalInput | undefined {
  if (!tty.isTTY) return undefined;
  return new TerminalInput(tty);
}
