/**
 * Per interval of a capture (from its first frame): frames and bytes (as `tshark -z io,stat,INTERVAL`),
 * TCP retransmissions of every kind (frames tshark marks tcp.analysis.retransmission,
 * fast_retransmission or spurious_retransmission; fast and spurious also apart), and the largest
 * and average tcp.analysis.bytes_in_flight of the segments that report it. A consumer (reads
 * nothing: src/cli/io-stats.ts reads the file and writes the table).
 *
 * Memory: eight numbers per interval; at most IO_LIMITS.maxIntervals intervals (frames later
 * than that are counted apart, in `beyond`).
 */
import type { Frame } from '../capture/frame.js';
import { TcpFlag } from '../dissectors/tcp/analysis.js';
import type { TcpTapRecord } from '../dissectors/tcp/tap.js';
import { grown } from '../dissectors/grow.js';

/** Named limits (documented in the README). */
export const IO_LIMITS = {
  /** Intervals kept (about 64 bytes each). */
  maxIntervals: 1_000_000,
};

const RETRANS_ANY = TcpFlag.RETRANSMISSION | TcpFlag.FAST_RETRANSMISSION | TcpFlag.SPURIOUS_RETRANSMISSION;

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

/**
 * Frames, bytes and TCP facts per interval, filled by its consumer calls: `addFrame` for every
 * frame read (the time reference: intervals count from the file's first frame), `addPacket` for
 * each frame counted, `addTcp` for each TCP tap record; `rows()` the intervals.
 */
export class IoTable {
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

  /** A frame counted in its interval (frames and bytes). */
  addPacket(f: Frame): void {
    const i = this.index(f.tsSec, f.tsNsec, true);
    if (i < 0) {
      this.beyondFrames++;
      this.beyondBytes += f.origLen;
      return;
    }
    this.frames[i]!++;
    this.bytes[i]! += f.origLen;
  }

  /** Every frame read (before any filter): the time intervals count from (the first frame's). */
  addFrame(frame: Frame): void {
    this.reference(frame.tsSec, frame.tsNsec);
  }

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
    const g = (a: Float64Array<ArrayBuffer>) => grown(a, this.cap);
    this.frames = g(this.frames);
    this.bytes = g(this.bytes);
    this.retrans = g(this.retrans);
    this.fast = g(this.fast);
    this.spurious = g(this.spurious);
    this.bifMax = g(this.bifMax);
    this.bifSum = g(this.bifSum);
    this.bifCount = g(this.bifCount);
  }

  /** A TCP tap record (delivered after its packet is dissected, before the frame is counted). */
  addTcp(r: TcpTapRecord): void {
    const f = r.analysisFlags;
    const bif = r.bytesInFlight;
    if ((f & RETRANS_ANY) === 0 && bif < 0) return;
    const i = this.index(r.tsSec, r.tsNsec, false);
    if (i < 0) return;
    if (f & RETRANS_ANY) this.retrans[i]!++;
    if (f & TcpFlag.FAST_RETRANSMISSION) this.fast[i]!++;
    if (f & TcpFlag.SPURIOUS_RETRANSMISSION) this.spurious[i]!++;
    if (bif >= 0) {
      if (bif > this.bifMax[i]!) this.bifMax[i] = bif;
      this.bifSum[i]! += bif;
      this.bifCount[i]!++;
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
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
