/**
 * The packet store on the UI thread: the row batches the indexer sends (./rows.ts), the strings
 * they intern, the capture's interfaces and key logs (to read a frame again), the indexing
 * progress, and the frames a display filter kept. Rows are made on demand for what is on screen.
 *
 * Memory: about 52 bytes of typed arrays per frame plus its Info text in UTF-8; nothing per frame
 * is a JS object (README, Terminal UI, gives the measured numbers).
 */
import { inflateRawSync } from 'node:zlib';
import type { DecryptionSecrets } from '../../capture/capture-parser.js';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import type { Packet } from '../../dissectors/packet.js';
import { newTimeContext, timeColumn, type TimeContext } from '../../render/output.js';
import type { CaptureCounters, ExpertSeverity, PacketRow, PacketStoreView, StoreProgress } from '../contract.js';
import type { StoredFrame } from './frame-sources.js';
import type { RowBatch } from './rows.js';

const decoder = new TextDecoder();

/** The frames a display filter kept, filled in the background. */
export interface FilteredFrames {
  expr: string;
  frames: Uint32Array;
  n: number;
  done: boolean;
  fraction: number;
  /** The filter could not run (its message). */
  error?: string;
}

export class PacketStore implements PacketStoreView {
  readonly live: boolean;
  source: string;
  private batches: RowBatch[] = [];
  /** First frame number of each batch (batches are consecutive). */
  private firsts: number[] = [];
  private total = 0;
  private strings: string[] = [];
  readonly interfaces: InterfaceInfo[] = [];
  readonly secrets: DecryptionSecrets[] = [];
  pcapng = false;
  /** The file is read in two passes (its list is `read`'s); false: one pass (a big file, see worker.ts). */
  twoPass = true;
  private prog: StoreProgress = { phase: 'indexing', frames: 0 };
  private caps: CaptureCounters | undefined;
  private listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private time: TimeContext | undefined;
  /** A live capture's frames (copies), for re-dissection and `w`. */
  readonly keptFrames: Frame[] = [];
  keptBytes = 0;
  /** The display filter's frames (undefined: all frames are shown). */
  filtered: FilteredFrames | undefined;

  constructor(source: string, live = false) {
    this.source = source;
    this.live = live;
    if (live) this.prog = { phase: 'live', frames: 0 };
  }

  // ---------------------------------------------------------------- filled by the indexer

  /**
   * Rows of a first screen made on the UI thread before the worker has started (`preview`): the
   * worker's first batch replaces them (its string ids are its own).
   */
  private previewing = false;

  /** A first screen's rows, made before the worker's (see run.ts): replaced by the worker's first batch. */
  preview(b: RowBatch): void {
    this.addBatch(b);
    this.previewing = true;
  }

  addBatch(b: RowBatch): void {
    if (this.previewing && b.first === 1) {
      this.previewing = false;
      this.batches = [];
      this.firsts = [];
      this.total = 0;
      this.strings = [];
      this.inflated = [];
    }
    if (b.stringBase === this.strings.length) this.strings.push(...b.strings);
    else for (let k = 0; k < b.strings.length; k++) this.strings[b.stringBase + k] = b.strings[k]!;
    if (b.pass === 2) {
      const k = this.batchIndex(b.first);
      if (k >= 0 && this.firsts[k] === b.first && this.batches[k]!.count === b.count) {
        this.batches[k] = b;
        this.changed();
        return;
      }
    }
    if (b.first !== this.total + 1) return; // out of order: never happens, but never corrupts either
    this.batches.push(b);
    this.firsts.push(b.first);
    this.total += b.count;
    this.changed();
  }

  addInterface(info: InterfaceInfo): void {
    this.interfaces[info.id] = info;
  }

  setProgress(p: StoreProgress): void {
    this.prog = p;
    this.changed();
  }

  setCounters(c: CaptureCounters): void {
    this.caps = c;
    this.changed();
  }

  /** Calls the subscribers soon (at most every 50 ms). */
  changed(): void {
    if (this.timer || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const l of this.listeners) l();
    }, 50);
  }

  // ---------------------------------------------------------------- read-only API

  count(): number {
    return this.total;
  }

  progress(): StoreProgress {
    return this.prog;
  }

  counters(): CaptureCounters | undefined {
    return this.caps;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  private batchIndex(n: number): number {
    const f = this.firsts;
    let lo = 0;
    let hi = f.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid]! <= n) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  private at(n: number): [RowBatch, number] | undefined {
    if (n < 1 || n > this.total) return undefined;
    const k = this.batchIndex(n);
    const b = this.batches[k]!;
    return [b, n - b.first];
  }

  row(n: number): PacketRow | undefined {
    const a = this.at(n);
    if (!a) return undefined;
    const [b, i] = a;
    const infoStart = i ? b.infoEnd[i - 1]! : 0;
    const info = this.infoOf(b);
    return {
      number: n,
      tsSec: b.tsSec[i]!,
      tsNsec: b.tsNsec[i]!,
      time: this.timeText(b, i),
      src: this.strings[b.src[i]!] ?? '',
      dst: this.strings[b.dst[i]!] ?? '',
      protocol: this.strings[b.proto[i]!] ?? '',
      length: b.origLen[i]!,
      info: decoder.decode(info.subarray(infoStart, b.infoEnd[i]!)),
      colorRule: b.color[i]!,
      severity: b.severity[i]! as ExpertSeverity,
      tcpStream: b.stream[i]!,
    };
  }

  /** Inflated Info texts of the last batches read (a screen shows rows of one or two). */
  private inflated: { batch: RowBatch; info: Uint8Array }[] = [];

  private infoOf(b: RowBatch): Uint8Array {
    if (!b.packed) return b.info;
    const hit = this.inflated.find((x) => x.batch === b);
    if (hit) return hit.info;
    const z = inflateRawSync(b.info);
    const info = new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
    this.inflated.unshift({ batch: b, info });
    if (this.inflated.length > 4) this.inflated.pop();
    return info;
  }

  /** Bytes the rows take (typed arrays and packed texts). */
  bytes(): number {
    let n = 0;
    for (const b of this.batches) n += b.tsSec.byteLength + b.tsNsec.byteLength + b.origLen.byteLength + b.capLen.byteLength + b.iface.byteLength + b.offset.byteLength + b.src.byteLength + b.dst.byteLength + b.proto.byteLength + b.color.byteLength + b.severity.byteLength + b.stream.byteLength + b.infoEnd.byteLength + b.info.byteLength;
    return n;
  }

  /** tcp.stream of frame `n` (-1: none), without making a row. */
  streamOf(n: number): number {
    const a = this.at(n);
    return a ? a[0].stream[a[1]]! : -1;
  }

  /** Whether the second pass has replaced frame `n`'s first-pass row. */
  finalRow(n: number): boolean {
    const a = this.at(n);
    return !!a && a[0].pass !== 1;
  }

  /** What is needed to read frame `n` again from the file. */
  storedFrame(n: number): StoredFrame | undefined {
    const a = this.at(n);
    if (!a) return undefined;
    const [b, i] = a;
    const t = b.tsSec[i]!;
    return { number: n, tsSec: Number.isNaN(t) ? 0 : t, tsNsec: b.tsNsec[i]!, hasTime: !Number.isNaN(t), capLen: b.capLen[i]!, origLen: b.origLen[i]!, interfaceId: b.iface[i]!, offset: b.offset[i]! };
  }

  /** `read`'s Time column (`-t r`): seconds since the first frame, with the first interface's precision. */
  private timeText(b: RowBatch, i: number): string {
    const t = b.tsSec[i]!;
    if (Number.isNaN(t)) return '';
    if (!this.time) {
      const first = this.batches[0]!;
      const r = this.interfaces[first.iface[0]!]?.tsResol ?? 6;
      const digits = Math.max(0, Math.min(9, r & 0x80 ? Math.ceil((r & 0x7f) * Math.log10(2)) : r));
      this.time = newTimeContext('r', digits);
      this.time.started = true;
      this.time.firstSec = Number.isNaN(first.tsSec[0]!) ? 0 : first.tsSec[0]!;
      this.time.firstNsec = first.tsNsec[0]!;
    }
    const fake = { frame: { hasTime: true, tsSec: t, tsNsec: b.tsNsec[i]! } } as unknown as Packet;
    return timeColumn(fake, this.time);
  }

  // ---------------------------------------------------------------- the list shown

  /** Frames shown in the list: all, or the display filter's (so far). */
  shownCount(): number {
    return this.filtered ? this.filtered.n : this.total;
  }

  /** The frame number of the `k`-th shown row (0-based). */
  shownFrame(k: number): number {
    return this.filtered ? this.filtered.frames[k]! : k + 1;
  }

  /** The index among the shown rows of frame `n`, or of the nearest shown frame before it. */
  shownIndexOf(n: number): number {
    const f = this.filtered;
    if (!f) return Math.max(0, Math.min(this.total - 1, n - 1));
    let lo = 0;
    let hi = f.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (f.frames[mid]! <= n) lo = mid + 1;
      else hi = mid - 1;
    }
    return Math.max(0, hi);
  }

  startFilter(expr: string): FilteredFrames {
    this.filtered = { expr, frames: new Uint32Array(1024), n: 0, done: false, fraction: 0 };
    this.changed();
    return this.filtered;
  }

  addMatches(f: FilteredFrames, frames: ArrayLike<number>): void {
    if (f.n + frames.length > f.frames.length) {
      const g = new Uint32Array(Math.max(f.frames.length * 2, f.n + frames.length));
      g.set(f.frames.subarray(0, f.n));
      f.frames = g;
    }
    for (let k = 0; k < frames.length; k++) f.frames[f.n++] = frames[k]!;
    this.changed();
  }

  clearFilter(): void {
    this.filtered = undefined;
    this.changed();
  }
}
