/**
 * `wirelite stats FILE io [interval]`: per interval of the capture (default 1 s, from the first
 * frame), frames and bytes (as `tshark -z io,stat,INTERVAL`), TCP retransmissions of every kind
 * (frames tshark marks tcp.analysis.retransmission, fast_retransmission or spurious_retransmission;
 * fast and spurious also apart), and the largest and average tcp.analysis.bytes_in_flight of the
 * segments that report it.
 *
 * One pass, no tree: frames and bytes from the read loop, TCP facts from the TCP tap. The TCP
 * verdicts depend only on earlier frames, so one pass gives tshark -2's values.
 *
 * Memory: eight numbers per interval; at most IO_LIMITS.maxIntervals intervals (frames later
 * than that are counted apart, in `beyond`, and the output says so).
 */
import { CaptureFileError } from '../capture/capture-error.js';
import type { Frame } from '../capture/frame.js';
import { TcpFlag } from '../dissectors/tcp/analysis.js';
import { TCP_TAP, type TcpTapRecord } from '../dissectors/tcp/tap.js';
import { unreadProtocols } from '../stats/protocols.js';
import type { TextSink } from './output.js';
import { dissectFile, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { UsageError } from './errors.js';

export const IO_DEFAULT_INTERVAL = 1;

/** Named limits (documented in the README). */
export const IO_LIMITS = {
  /** Intervals kept (about 64 bytes each). */
  maxIntervals: 1_000_000,
};

const RETRANS_ANY = TcpFlag.RETRANSMISSION | TcpFlag.FAST_RETRANSMISSION | TcpFlag.SPURIOUS_RETRANSMISSION;

/** The interval argument: seconds, > 0, in whole microseconds as tshark. */
export function parseInterval(arg: string | undefined): number {
  if (arg === undefined) return IO_DEFAULT_INTERVAL;
  const v = Number(arg);
  if (!/^\d*\.?\d+$/.test(arg) || !Number.isFinite(v) || v <= 0) throw new UsageError(`bad io interval "${arg}" (seconds, greater than 0, e.g. 1 or 0.1)`);
  const us = Math.round(v * 1e6);
  if (us < 1) throw new UsageError(`io interval "${arg}" is shorter than 1 microsecond`);
  if (us > 1e15) throw new UsageError(`io interval "${arg}" is too long`);
  return us / 1e6;
}

export interface IoRow {
  /** Interval start and end, seconds from the first frame. */
  start: number;
  end: number;
  frames: number;
  bytes: number;
  retransmissions: number;
  fastRetransmissions: number;
  spuriousRetransmissions: number;
  /** Over the TCP segments of the interval that report tcp.analysis.bytes_in_flight (null: none). */
  bytesInFlightMax: number | null;
  bytesInFlightAvg: number | null;
}

export class IoStats {
  /** Interval length in microseconds. */
  readonly intervalUs: number;
  private cap = 256;
  private frames = new Float64Array(this.cap);
  private bytes = new Float64Array(this.cap);
  private retrans = new Float64Array(this.cap);
  private fast = new Float64Array(this.cap);
  private spurious = new Float64Array(this.cap);
  private bifMax = new Float64Array(this.cap);
  private bifSum = new Float64Array(this.cap);
  private bifCount = new Float64Array(this.cap);
  /** Highest interval index with a frame, -1 before the first. */
  private last = -1;
  /** Largest relative time (µs) seen: tshark's "Duration". */
  private maxRelUs = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private haveFirst = false;
  /** Frames beyond IO_LIMITS.maxIntervals. */
  beyondFrames = 0;
  beyondBytes = 0;

  constructor(intervalSeconds: number) {
    this.intervalUs = Math.round(intervalSeconds * 1e6);
  }

  /** The damage that stopped the read (after some frames), if any: the table holds the frames before it. */
  error: CaptureFileError | undefined;

  async collect(file: string, filter?: CompiledFilter): Promise<this> {
    const opts = {
      columns: false, twoPass: false, count: 0, fields: [], periodicGc: false, disabledProtocols: unreadProtocols(), experts: false, reuseFrames: true,
      // Intervals count from the file's first frame, whatever the display filter passes.
      onFrame: (f: Frame) => this.reference(f.tsSec, f.tsNsec),
      taps: [tap(TCP_TAP, (r) => this.tcp(r))],
    };
    try {
      await dissectFile(file, withDisplayFilter(opts, filter), (_pkt, f) => {
        const i = this.index(f.tsSec, f.tsNsec, true);
        if (i < 0) {
          this.beyondFrames++;
          this.beyondBytes += f.origLen;
          return;
        }
        this.frames[i]++;
        this.bytes[i] += f.origLen;
      });
    } catch (e) {
      if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
      this.error = e;
    }
    return this;
  }

  /** The time intervals count from (the first frame's). */
  private reference(sec: number, nsec: number): void {
    if (!this.haveFirst) {
      this.haveFirst = true;
      this.firstSec = sec;
      this.firstNsec = nsec;
    }
  }

  /**
   * The interval of a time stamp: tshark rounds the relative time to microseconds
   * ((nsecs + 500) / 1000) and divides by the interval. Negative times (a frame stamped before
   * the first) go to the first interval. -1 past IO_LIMITS.maxIntervals.
   */
  private index(sec: number, nsec: number, frame: boolean): number {
    this.reference(sec, nsec);
    let ds = sec - this.firstSec;
    let dn = nsec - this.firstNsec;
    if (dn < 0 && ds > 0) {
      ds--;
      dn += 1e9;
    }
    const relUs = ds < 0 || dn < 0 ? 0 : ds * 1e6 + Math.floor((dn + 500) / 1000);
    const i = Math.floor(relUs / this.intervalUs);
    // The duration runs to the latest frame, also one past the intervals kept (tshark's Duration).
    if (frame && relUs > this.maxRelUs) this.maxRelUs = relUs;
    if (i >= IO_LIMITS.maxIntervals) return -1;
    if (frame && i > this.last) this.last = i;
    while (i >= this.cap) this.grow();
    return i;
  }

  private grow(): void {
    this.cap *= 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.frames = g(this.frames);
    this.bytes = g(this.bytes);
    this.retrans = g(this.retrans);
    this.fast = g(this.fast);
    this.spurious = g(this.spurious);
    this.bifMax = g(this.bifMax);
    this.bifSum = g(this.bifSum);
    this.bifCount = g(this.bifCount);
  }

  /** The TCP tap (its records come after the frame is dissected, before the frame is counted). */
  private tcp(r: TcpTapRecord): void {
    const f = r.analysisFlags;
    const bif = r.bytesInFlight;
    if ((f & RETRANS_ANY) === 0 && bif < 0) return;
    const i = this.index(r.tsSec, r.tsNsec, false);
    if (i < 0) return;
    if (f & RETRANS_ANY) this.retrans[i]++;
    if (f & TcpFlag.FAST_RETRANSMISSION) this.fast[i]++;
    if (f & TcpFlag.SPURIOUS_RETRANSMISSION) this.spurious[i]++;
    if (bif >= 0) {
      if (bif > this.bifMax[i]!) this.bifMax[i] = bif;
      this.bifSum[i] += bif;
      this.bifCount[i]++;
    }
  }

  /** The number of rows: from the first interval to the last one holding a frame. */
  get length(): number {
    return this.last + 1;
  }

  rowAt(i: number): IoRow {
    const iv = this.intervalUs / 1e6;
    const n = this.bifCount[i]!;
    return {
      start: round6(i * iv),
      end: round6((i + 1) * iv),
      frames: this.frames[i]!,
      bytes: this.bytes[i]!,
      retransmissions: this.retrans[i]!,
      fastRetransmissions: this.fast[i]!,
      spuriousRetransmissions: this.spurious[i]!,
      bytesInFlightMax: n ? this.bifMax[i]! : null,
      bytesInFlightAvg: n ? Math.round((this.bifSum[i]! / n) * 1000) / 1000 : null,
    };
  }

  /** Every row as an object (tests, small tables; the writers below stream). */
  rows(): IoRow[] {
    return Array.from({ length: this.length }, (_, i) => this.rowAt(i));
  }

  /** Seconds from the first to the latest frame (tshark's "Duration"). */
  get duration(): number {
    return this.maxRelUs / 1e6;
  }

  /** `--json`: one object per interval. */
  writeJson(out: TextSink): void {
    for (let i = 0; i < this.length; i++) out.write(JSON.stringify(this.rowAt(i)) + '\n');
    if (this.beyondFrames) out.write(JSON.stringify({ beyond: true, limit: IO_LIMITS.maxIntervals, frames: this.beyondFrames, bytes: this.beyondBytes }) + '\n');
  }

  /** A table in the style of `tshark -z io,stat`, with the TCP columns added (two passes over the rows: widths, then lines). */
  writeText(out: TextSink): void {
    const iv = this.intervalUs / 1e6;
    const lab = (v: number) => (Number.isInteger(iv) ? String(Math.round(v)) : v.toFixed(Math.max(1, decimals(iv))));
    const last = this.length - 1;
    const w = Math.max(3, lab(last >= 0 ? this.rowAt(last).start : 0).length);
    const cells = (k: number): string[] => {
      const r = this.rowAt(k);
      return [
        `${lab(r.start).padStart(w)} <> ${k === last ? 'Dur'.padEnd(w) : lab(r.end).padStart(w)}`,
        String(r.frames),
        String(r.bytes),
        String(r.retransmissions),
        String(r.fastRetransmissions),
        String(r.spuriousRetransmissions),
        r.bytesInFlightMax === null ? '-' : String(r.bytesInFlightMax),
        r.bytesInFlightAvg === null ? '-' : r.bytesInFlightAvg.toFixed(1),
      ];
    };
    const head = ['Interval', 'Frames', 'Bytes', 'Retrans', 'Fast', 'Spurious', 'BIF max', 'BIF avg'];
    const widths = head.map((h) => h.length);
    for (let k = 0; k <= last; k++) cells(k).forEach((v, c) => (widths[c] = Math.max(widths[c]!, v.length)));
    const line = (r: string[]) => '| ' + r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join(' | ') + ' |\n';
    const notes = [
      'IO Statistics',
      `Duration: ${this.duration.toFixed(6)} secs`,
      `Interval: ${lab(iv)} secs`,
      'Retrans: TCP retransmissions of every kind; Fast, Spurious: of those kinds',
      'BIF: tcp.analysis.bytes_in_flight (max, average) of the segments reporting it',
    ];
    const tableWidth = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1) + 2;
    const inner = Math.max(tableWidth, ...notes.map((n) => n.length + 2));
    widths[widths.length - 1]! += inner - tableWidth; // the last column takes what the notes need
    const rule = `|${'-'.repeat(inner)}|\n`;
    const box = (s: string) => `| ${s.padEnd(inner - 1)}|\n`;
    out.write(`${'='.repeat(inner + 2)}\n`);
    out.write(box(notes[0]!) + box('') + box(notes[1]!) + box(notes[2]!) + box('') + box(notes[3]!) + box(notes[4]!));
    out.write(rule + line(head) + rule);
    for (let k = 0; k <= last; k++) out.write(line(cells(k)));
    out.write(`${'='.repeat(inner + 2)}\n`);
    if (this.beyondFrames) out.write(`(${this.beyondFrames} frames, ${this.beyondBytes} bytes later than ${IO_LIMITS.maxIntervals} intervals are not in the table)\n`);
  }

  json(): string {
    const parts: string[] = [];
    this.writeJson({ write: (t) => void parts.push(t) });
    return parts.join('');
  }

  text(): string {
    const parts: string[] = [];
    this.writeText({ write: (t) => void parts.push(t) });
    return parts.join('');
  }
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function decimals(v: number): number {
  const s = String(v);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}
