/**
 * `wirelite stats FILE io [interval]`: the io table of src/stats/io.ts (frames, bytes, TCP
 * retransmissions and bytes in flight per interval) read from a file and written as text or JSON.
 *
 * One pass, no tree: frames and bytes from the read loop, TCP facts from the TCP tap. The TCP
 * verdicts depend only on earlier frames, so one pass gives tshark -2's values.
 */
import { CaptureFileError } from '../capture/capture-error.js';
import type { Frame } from '../capture/frame.js';
import { TCP_TAP } from '../dissectors/tcp/tap.js';
import { unreadProtocols } from '../stats/protocols.js';
import { IO_LIMITS, IoTable } from '../stats/io.js';
import type { TextSink } from '../render/output.js';
import { dissectFile, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { UsageError } from './errors.js';

export { IO_LIMITS, type IoRow } from '../stats/io.js';

export const IO_DEFAULT_INTERVAL = 1;

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

/** Reads the io table of a capture file, and writes it (text, JSON). */
export class IoStats extends IoTable {
  /** The damage that stopped the read (after some frames), if any: the table holds the frames before it. */
  error: CaptureFileError | undefined;

  async collect(file: string, filter?: CompiledFilter): Promise<this> {
    const opts = {
      columns: false, twoPass: false, count: 0, fields: [], periodicGc: false, disabledProtocols: unreadProtocols(), experts: false, reuseFrames: true,
      // Intervals count from the file's first frame, whatever the display filter passes.
      onFrame: (f: Frame) => this.addFrame(f),
      taps: [tap(TCP_TAP, (r) => this.addTcp(r))],
    };
    try {
      await dissectFile(file, withDisplayFilter(opts, filter), (_pkt, f) => this.addPacket(f));
    } catch (e) {
      if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
      this.error = e;
    }
    return this;
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

function decimals(v: number): number {
  const s = String(v);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}
