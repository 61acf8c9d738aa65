/**
 * TCP stream reassembly: per direction, in-order bytes plus gap notices, cut into protocol data
 * units (PDUs) by a stream parser, with bounded memory. One module shared by the application
 * dissectors over TCP (DNS, TLS), TCP analysis and `follow`.
 *
 * Model (Zeek, Suricata; Wireshark's tcp_dissect_pdus): a direction keeps the next expected
 * sequence number and, when a PDU spans segments, the bytes of the unfinished PDU. Each new
 * in-order segment is parsed from the start of that PDU (or from the segment's first byte):
 *
 * - the parser answers `ok` (one PDU of `consumed` bytes), `incomplete(consumed, needed)` (wait for
 *   `needed` more bytes) or `error` (not this protocol: the rest of the segment is given up);
 * - a PDU wholly inside the segment is handed on as a view of the segment's bytes (no copy); a PDU
 *   completed by this segment is handed on from a buffer holding its pieces (the frame that
 *   completes it dissects it, as tshark does);
 * - bytes already delivered (a retransmission, an overlap) are not delivered again;
 * - a segment beyond the next expected byte leaves a gap: by default (Wireshark's
 *   `tcp.reassemble_out_of_order` FALSE) the gap is reported and parsing resumes at the segment;
 *   with `outOfOrder` the segment is held (up to a limit) until the gap is filled;
 * - an unfinished PDU whose length the parser said, and that the gap falls inside, is kept with its
 *   hole (as tshark's multi-segment PDU, which places every later segment inside it at its offset):
 *   the bytes up to its end are skipped by the parsing (which resumes after it) and copied into it,
 *   and so are the out-of-order segments and retransmissions that fill the hole (`fillHole`);
 *   whole, it is handed on in the frame that completed it.
 *
 * Every buffer is bounded by a named limit (REASSEMBLY_LIMITS) per direction and in total; hitting
 * one drops the buffered bytes, counts it on the direction and reports it through the sink.
 *
 * Sequence numbers compare modulo 2^32 (seq.ts).
 */
import { seqAdd, seqDiff } from './seq.js';
import { withFlag } from '../bytes.js';
import { defineLimits } from '../limits.js';

/** Named limits on what reassembly may hold (a session's are `session.limits.tcpReassembly`). */
export interface TcpReassemblyLimits {
  maxPduBytes: number;
  maxOutOfOrderSegments: number;
  maxOutOfOrderBytes: number;
  maxTotalBytes: number;
  maxStreams: number;
  maxHoleyPduBytes: number;
  maxHoleyPduRanges: number;
}

declare module '../limits.js' {
  interface SessionLimits {
    tcpReassembly: TcpReassemblyLimits;
  }
}

/** The defaults of `session.limits.tcpReassembly`. */
export const REASSEMBLY_LIMITS = defineLimits('tcpReassembly', {
  /** Largest unfinished PDU buffered per direction (bytes); a parser needing more is an error. */
  maxPduBytes: 1 << 20,
  /** Out-of-order segments held per direction (only with `outOfOrder`). */
  maxOutOfOrderSegments: 64,
  /** Out-of-order bytes held per direction (only with `outOfOrder`). */
  maxOutOfOrderBytes: 1 << 20,
  /** All buffered bytes, over every stream of a capture (unfinished PDUs and held segments). */
  maxTotalBytes: 64 << 20,
  /** Streams whose directions are tracked at once; the oldest are released beyond this. */
  maxStreams: 100_000,
  /** Largest PDU kept with a hole after a capture gap, per direction (bytes, within maxTotalBytes). */
  maxHoleyPduBytes: 4 << 20,
  /** Separate filled byte ranges of a PDU with holes (a hostile stream of many holes): past it, it is given up. */
  maxHoleyPduRanges: 64,
});

/** What a stream parser says about the bytes at the start of a PDU. */
export const enum ParseStatus {
  /** One whole PDU of `consumed` bytes. */
  Ok = 0,
  /** Not enough bytes: `needed` more (beyond `consumed`) are required before it can say more. */
  Incomplete = 1,
  /** These bytes are not (or no longer) this protocol. */
  Error = 2,
}

/** A parser's answer, written into a reused object (no allocation per PDU). */
export interface ParseResult {
  status: ParseStatus;
  consumed: number;
  needed: number;
  /** For errors: why. */
  message: string;
}

/**
 * A stream parser: looks at the bytes `[off, end)` of `data`, which start at a PDU boundary, and
 * says how long the first PDU is. It must give the same answer however the stream was split into
 * segments (tested by feeding the same bytes split at every offset).
 */
export interface StreamParser {
  parse(data: Uint8Array, off: number, end: number, out: ParseResult): void;
  /** This protocol's largest PDU, when not REASSEMBLY_LIMITS.maxPduBytes (HTTP bodies of several MB). */
  maxPduBytes?: number;
  /**
   * Parse even a segment that brings fewer bytes than the parser said it needs (by default it is
   * only buffered: the answer cannot change). HTTP's parser for a segment with a FIN takes a
   * message as it is.
   */
  everySegment?: boolean;
}

/** Where reassembly hands its results. */
export interface PduSink {
  /**
   * A whole PDU: `data[off, end)`. `firstFrame` is the frame holding its first byte (it equals the
   * current frame unless `reassembled`).
   */
  pdu(data: Uint8Array, off: number, end: number, reassembled: boolean, firstFrame: number, parts: readonly number[]): void;
  /** `bytes` of the segment belong to an unfinished PDU (buffered, or skipped past a gap or a limit). */
  partial(bytes: number): void;
  /** `missing` bytes were never seen before this segment (a capture gap); buffered data was dropped. */
  gap(missing: number): void;
  /** The parser rejected the data at this point, or a limit was hit; the rest is not parsed. */
  error(message: string, off: number): void;
}

/** Totals over every stream, to enforce the limits' maxTotalBytes. */
export interface ReassemblyBudget {
  used: number;
  /** Times a limit dropped buffered bytes. */
  overflows: number;
  /** The limits in force (a session's `limits.tcpReassembly`). */
  limits: Readonly<TcpReassemblyLimits>;
}

export function newBudget(limits: Readonly<TcpReassemblyLimits> = REASSEMBLY_LIMITS): ReassemblyBudget {
  return { used: 0, overflows: 0, limits };
}

interface Held {
  seq: number;
  data: Uint8Array;
  frame: number;
}

/**
 * A PDU left with a hole by a capture gap: its bytes (the PDU's whole length), the sequence number
 * of its first byte, the filled ranges of `buf` (sorted, merged: start, end, start, end, ...), the
 * frames that brought bytes of it, the frame of its first byte, and the parser that said its length.
 */
interface HoleyPdu {
  parser: StreamParser;
  seq: number;
  buf: Uint8Array;
  have: number[];
  frames: number[];
  firstFrame: number;
}

/** What few directions need (out-of-order segments held, the counts of gaps and overflows): made on first use. */
class DirectionRare {
  held: Held[] = NO_HELD;
  heldBytes = 0;
  gaps = 0;
  gapBytes = 0;
  overflows = 0;
}

const D_SYNCED = 1;
const D_FAILED = 2;

/**
 * One direction of a TCP connection.
 *
 * Memory (two per stream a capture ever had, kept to its end): 104 bytes of small integers and
 * pointers, was 152 plus a 16-byte heap number (and a count of the bytes delivered that nothing read). The next sequence number is kept as `| 0` (its
 * getter gives it back as 0..2^32-1: a field that held numbers of 2^31 and more costs a boxed
 * double per object), the two flags share one field, and what few directions need is in a side
 * object made on first use (DirectionRare); each is read and written through accessors as before.
 */
export class StreamDirection {
  /** `next`, as a signed 32-bit value. */
  private nx = 0;
  /** D_SYNCED, D_FAILED. */
  private bits = 0;
  /** The unfinished PDU's bytes (`pending[0, pendingLen)`), and the frame of its first byte. */
  pending: Uint8Array | null = null;
  pendingLen = 0;
  pendingFrame = 0;
  /** Frames that hold bytes of the unfinished PDU, in order (Wireshark's tcp.reassembled_in). */
  pendingFrames: number[] = NO_FRAMES;
  /** Bytes the parser still needs for the unfinished PDU (0 when it did not say). */
  needed = 0;
  /** Bytes still to discard of a PDU that was over the limit (its end is where parsing resumes). */
  skip = 0;
  /** The PDU kept with a hole after a gap (at most one per direction), filled by later segments. */
  hole: HoleyPdu | null = null;
  private rare: DirectionRare | null = null;

  /** Whether `next` is known (the first segment or the SYN was seen). */
  get synced(): boolean {
    return (this.bits & D_SYNCED) !== 0;
  }
  set synced(v: boolean) {
    this.bits = withFlag(this.bits, D_SYNCED, v);
  }
  /** The next sequence number expected (0..2^32-1). */
  get next(): number {
    return this.nx >>> 0;
  }
  set next(v: number) {
    this.nx = v | 0;
  }
  /**
   * The parser failed inside the current segment: the rest of it is not parsed. The next segment is
   * parsed from its first byte again (as Wireshark's tcp_dissect_pdus tries every new segment).
   */
  get failed(): boolean {
    return (this.bits & D_FAILED) !== 0;
  }
  set failed(v: boolean) {
    this.bits = withFlag(this.bits, D_FAILED, v);
  }
  private rareOf(): DirectionRare {
    return (this.rare ??= new DirectionRare());
  }
  /** Held out-of-order segments (outOfOrder only), by arrival. */
  get held(): Held[] {
    return this.rare === null ? NO_HELD : this.rare.held;
  }
  set held(v: Held[]) {
    if (this.rare !== null || v !== NO_HELD) this.rareOf().held = v;
  }
  get heldBytes(): number {
    return this.rare === null ? 0 : this.rare.heldBytes;
  }
  set heldBytes(v: number) {
    if (this.rare !== null || v !== 0) this.rareOf().heldBytes = v;
  }
  /** Notices, for the user and for tests. */
  get gaps(): number {
    return this.rare === null ? 0 : this.rare.gaps;
  }
  set gaps(v: number) {
    if (this.rare !== null || v !== 0) this.rareOf().gaps = v;
  }
  get gapBytes(): number {
    return this.rare === null ? 0 : this.rare.gapBytes;
  }
  set gapBytes(v: number) {
    if (this.rare !== null || v !== 0) this.rareOf().gapBytes = v;
  }
  get overflows(): number {
    return this.rare === null ? 0 : this.rare.overflows;
  }
  set overflows(v: number) {
    if (this.rare !== null || v !== 0) this.rareOf().overflows = v;
  }

  /** Starts the direction at the byte after a SYN (or at the first segment seen). */
  sync(seq: number): void {
    this.synced = true;
    this.next = seq >>> 0;
  }
}

const NO_PARTS: readonly number[] = [];
/**
 * The empty lists every direction starts with (never written: replaced by a list of its own at the
 * first frame of an unfinished PDU, or the first held segment): most directions never need them,
 * and a capture's thousands of closed connections kept four empty arrays each.
 */
const NO_FRAMES: number[] = Object.freeze([]) as unknown as number[];
const NO_HELD: Held[] = Object.freeze([]) as unknown as Held[];
const scratch: ParseResult = { status: ParseStatus.Ok, consumed: 0, needed: 0, message: '' };

/** Releases a direction's buffers (connection closed, evicted, or the capture ends). */
export function releaseDirection(dir: StreamDirection, budget: ReassemblyBudget): void {
  budget.used -= dir.pendingLen + dir.heldBytes;
  releaseHole(dir, budget);
  dir.pending = null;
  dir.pendingLen = 0;
  dir.pendingFrames = NO_FRAMES;
  dir.needed = 0;
  dir.held = NO_HELD;
  dir.heldBytes = 0;
}

function dropPending(dir: StreamDirection, budget: ReassemblyBudget): void {
  budget.used -= dir.pendingLen;
  dir.pendingLen = 0;
  // Read only while pendingLen > 0: the list (room for 17 frames once pushed) is let go, as a
  // closed connection's emptied list held 150 bytes per direction (10 MB of the 2M capture's heap).
  dir.pendingFrames = NO_FRAMES;
  dir.needed = 0;
  if (dir.pending && dir.pending.length > 65536) dir.pending = null;
}

/**
 * A buffer for an unfinished PDU. A large one is not zero-filled (only `[0, pendingLen)` is ever
 * read, and it is written first): `new Uint8Array` of 300 kB took about 50 µs, most of appendPending
 * on the bench capture's HTTP bodies, Buffer.allocUnsafe 2 µs. A plain Uint8Array view of it, so
 * the dissectors' byte loops see one type.
 */
function bufferOf(n: number): Uint8Array {
  if (n < 65536) return new Uint8Array(n);
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/**
 * Appends `d[off, end)` to the unfinished PDU; `expect`: the PDU's whole length when the parser said
 * it (its buffer is then made that size at once), else 0.
 */
function appendPending(dir: StreamDirection, budget: ReassemblyBudget, d: Uint8Array, off: number, end: number, frame: number, maxPdu: number, expect: number): boolean {
  const n = end - off;
  if (dir.pendingLen + n > maxPdu || budget.used + n > budget.limits.maxTotalBytes) return false;
  if (dir.pendingLen === 0) {
    dir.pendingFrame = frame;
    dir.pendingFrames = [];
  }
  if (dir.pendingFrames[dir.pendingFrames.length - 1] !== frame && dir.pendingFrames.length < 4096) dir.pendingFrames.push(frame);
  const need = dir.pendingLen + n;
  if (!dir.pending || dir.pending.length < need) {
    // Doubling (capped by the PDU limit), so a PDU of n bytes costs O(n) copies however many
    // segments it spans (growing to exactly `need` copied a multi-megabyte HTTP body once per segment).
    const grown = bufferOf(Math.max(need, Math.min(maxPdu, expect > need ? expect : Math.max((dir.pending?.length ?? 0) * 2, 2048))));
    if (dir.pending) grown.set(dir.pending.subarray(0, dir.pendingLen));
    dir.pending = grown;
  }
  dir.pending.set(d.subarray(off, end), dir.pendingLen);
  dir.pendingLen += n;
  budget.used += n;
  return true;
}

/**
 * deliver's first part: completes the unfinished PDU with the segment's bytes from `p` (its
 * payload is `d[off, end)`) and hands it on when whole. Returns where the segment's bytes after it
 * start, or a position past `end` when deliver has nothing more to do with the segment. Apart from
 * deliver, so that V8 compiles the two apart: a path taken for the first time makes only the part
 * it is in compiled again.
 */
function continuePending(dir: StreamDirection, budget: ReassemblyBudget, parser: StreamParser, d: Uint8Array, off: number, p: number, end: number, frame: number, sink: PduSink, maxPdu: number): number {
  // Complete the unfinished PDU first: add only what the parser asked for, when it said.
  while (p < end) {
    const take = dir.needed > 0 ? Math.min(dir.needed, end - p) : end - p;
    if (!appendPending(dir, budget, d, p, p + take, frame, maxPdu, dir.needed > 0 ? dir.pendingLen + dir.needed : 0)) {
      limitHit(dir, budget, sink, p - off);
      return end + 1;
    }
    p += take;
    if (take < dir.needed && !parser.everySegment) {
      // Still short of what the parser asked for: nothing to ask it yet.
      dir.needed -= take;
      continue;
    }
    const buf = dir.pending!;
    parser.parse(buf, 0, dir.pendingLen, scratch);
    if (scratch.status === ParseStatus.Error) {
      dropPending(dir, budget);
      dir.failed = true;
      sink.error(scratch.message, p - off);
      return end + 1;
    }
    if (scratch.status === ParseStatus.Incomplete) {
      dir.needed = scratch.needed;
      if (scratch.consumed + scratch.needed > maxPdu) {
        const skip = scratch.needed;
        limitHit(dir, budget, sink, p - off);
        dir.skip = Math.max(0, skip - (end - p));
        return end + 1;
      }
      continue;
    }
    // A whole PDU; what the buffer holds beyond it goes back to the segment.
    const consumed = scratch.consumed;
    const extra = dir.pendingLen - consumed;
    const firstFrame = dir.pendingFrame;
    // The PDU's bytes must outlive this direction's next PDU: the buffer is handed on, not
    // copied (the bytes beyond the PDU came with this segment and are parsed from it again).
    const pdu = buf.subarray(0, consumed);
    const parts = dir.pendingFrames; // dropPending lets the list go: the PDU keeps it (no copy)
    p -= extra;
    dropPending(dir, budget);
    dir.pending = null;
    sink.pdu(pdu, 0, pdu.length, true, firstFrame, parts);
    break;
  }
  if (dir.pendingLen > 0) {
    sink.partial(end - off);
    return end + 1;
  }
  return p;
}

/**
 * Cuts in-order bytes `d[off, end)` (whose first byte is `dir.next`) into PDUs, using and
 * refilling the direction's unfinished PDU.
 */
function deliver(dir: StreamDirection, budget: ReassemblyBudget, parser: StreamParser, d: Uint8Array, off: number, end: number, frame: number, sink: PduSink): void {
  dir.next = seqAdd(dir.next, end - off);
  // A parser failure ended the previous segment; this one starts afresh.
  dir.failed = false;
  const maxPdu = parser.maxPduBytes ?? budget.limits.maxPduBytes;
  let p = off;
  if (dir.skip > 0) {
    const k = Math.min(dir.skip, end - p);
    dir.skip -= k;
    p += k;
    sink.partial(k);
    if (p >= end) return;
  }
  if (dir.pendingLen > 0) {
    p = continuePending(dir, budget, parser, d, off, p, end, frame, sink, maxPdu);
    if (p > end) return;
  }
  while (p < end) {
    parser.parse(d, p, end, scratch);
    if (scratch.status === ParseStatus.Ok && scratch.consumed > 0 && p + scratch.consumed <= end) {
      // Read before the sink runs: a PDU's dissector may feed a stream of its own (HTTP inside
      // decrypted TLS), which reuses `scratch`.
      const consumed = scratch.consumed;
      sink.pdu(d, p, p + consumed, false, frame, NO_PARTS);
      p += consumed;
      continue;
    }
    if (scratch.status === ParseStatus.Incomplete) {
      if (scratch.consumed + scratch.needed + (end - p) > maxPdu) {
        // Too big to hold: discard it up to its announced end, then parse again there.
        const skip = scratch.needed;
        limitHit(dir, budget, sink, p - off);
        dir.skip = skip;
        return;
      }
      if (!appendPending(dir, budget, d, p, end, frame, maxPdu, scratch.needed > 0 ? scratch.consumed + scratch.needed + (end - p) : 0)) {
        limitHit(dir, budget, sink, p - off);
        return;
      }
      dir.needed = scratch.needed;
      sink.partial(end - p);
      return;
    }
    dir.failed = true;
    sink.error(scratch.message || 'stream parser error', p - off);
    return;
  }
}

function limitHit(dir: StreamDirection, budget: ReassemblyBudget, sink: PduSink, at: number): void {
  dropPending(dir, budget);
  dir.skip = 0;
  dir.overflows++;
  budget.overflows++;
  dir.failed = true;
  sink.error(`reassembly limit reached (a PDU over ${budget.limits.maxPduBytes} bytes, or ${budget.limits.maxTotalBytes} bytes buffered in total)`, at);
}

/** Options of a reassembler. */
export interface ReassemblyOptions {
  /** Hold segments that arrive beyond a gap until it is filled (Wireshark's tcp.reassemble_out_of_order). */
  outOfOrder: boolean;
  /**
   * A segment that starts inside the unfinished PDU, or inside the PDU kept with a hole, joins it
   * (fills the hole; bytes again make it one of its frames), as tshark adds it to the PDU; false for
   * a spurious retransmission, which tshark does not add. Default true.
   */
  addRepeats?: boolean;
}

/**
 * Feeds one segment's payload `d[off, end)` with sequence number `seq` (of its first byte) to a
 * direction. `frame` is the current frame number. Results go to `sink`.
 */
export function feedSegment(dir: StreamDirection, budget: ReassemblyBudget, parser: StreamParser, opts: ReassemblyOptions, seq: number, d: Uint8Array, off: number, end: number, frame: number, sink: PduSink): void {
  if (end <= off) return;
  if (!dir.synced) dir.sync(seq);
  let s = seq >>> 0;
  // Bytes of the PDU kept with its hole fill it (the parsing below skips them).
  if (dir.hole !== null && opts.addRepeats !== false) fillHole(dir, budget, s, d, off, end, frame, sink);
  const ahead = seqDiff(s, dir.next);
  if (ahead < 0) {
    // Overlap or retransmission: only bytes beyond what was delivered are new. Bytes again of the
    // unfinished PDU make the segment one of its frames (as tshark adds it to the PDU).
    if (dir.pendingLen > 0 && opts.addRepeats !== false && repeatsPending(dir, s, end - off, frame) && seqDiff(seqAdd(s, end - off), dir.next) <= 0) sink.partial(end - off);
    const dup = Math.min(-ahead, end - off);
    off += dup;
    s = seqAdd(s, dup);
    if (off >= end) return;
  } else if (ahead > 0) {
    if (opts.outOfOrder && hold(dir, budget, s, d, off, end, frame)) return;
    // A gap that will not be filled: report it and drop the unfinished PDU. A segment that falls
    // inside that PDU still belongs to it (as in tshark, which keeps reassembling it with a hole,
    // so it never completes): its bytes up to the PDU's end are skipped, parsing resumes there.
    dir.gaps++;
    dir.gapBytes += ahead;
    let skip = dir.pendingLen > 0 && dir.needed > ahead ? dir.needed - ahead : 0;
    // The unfinished PDU whose length the parser said is kept with its hole, also when the segment
    // lands beyond its end: out-of-order segments may still complete it (tshark keeps it too).
    if (dir.pendingLen > 0 && dir.needed > 0) keepHole(dir, budget, parser, s, d, off, end, frame, sink);
    if (skip === 0 && dir.hole !== null) {
      // A second gap inside the PDU kept with its hole: it still ends where it ends.
      const h = dir.hole;
      const into = seqDiff(s, h.seq);
      if (into >= 0 && into < h.buf.length) skip = h.buf.length - into;
    }
    dropPending(dir, budget);
    dir.failed = false;
    dir.skip = skip;
    dir.next = s;
    sink.gap(ahead);
  }
  deliver(dir, budget, parser, d, off, end, frame, sink);
  if (dir.held.length) drainHeld(dir, budget, parser, frame, sink);
}

/**
 * Keeps the unfinished PDU, which the gap before the segment `[off, end)` at `seq` interrupts, with
 * its hole (replacing an earlier one), when its whole length fits the limits; the segment's bytes
 * inside it fill it.
 */
function keepHole(dir: StreamDirection, budget: ReassemblyBudget, parser: StreamParser, seq: number, d: Uint8Array, off: number, end: number, frame: number, sink: PduSink): void {
  releaseHole(dir, budget);
  const total = dir.pendingLen + dir.needed;
  const lim = budget.limits;
  if (!dir.pending || total > lim.maxHoleyPduBytes || total > (parser.maxPduBytes ?? lim.maxPduBytes) || budget.used + total > lim.maxTotalBytes) return;
  const buf = bufferOf(total);
  buf.set(dir.pending.subarray(0, dir.pendingLen));
  budget.used += total;
  dir.hole = { parser, seq: seqAdd(dir.next, -dir.pendingLen), buf, have: [0, dir.pendingLen], frames: dir.pendingFrames.slice(), firstFrame: dir.pendingFrame };
  fillHole(dir, budget, seq, d, off, end, frame, sink);
}

function releaseHole(dir: StreamDirection, budget: ReassemblyBudget): void {
  if (dir.hole === null) return;
  budget.used -= dir.hole.buf.length;
  dir.hole = null;
}

/**
 * Copies what the segment `d[off, end)` at `seq` has of the PDU kept with its hole into it; says
 * `partial` when it is not whole yet, hands it on when this segment completed it and the parser
 * takes it as one whole PDU (what the parser asked for may have been only part of it: an HTTP chunk;
 * then it is given up). Returns whether the segment had bytes of a PDU kept. TCP also calls it (through the stream layer) for the segments it
 * parses nothing of (retransmissions and out-of-order segments, as tshark's
 * tcp.no_subdissector_on_error): they still fill the hole, as tshark adds them to the PDU.
 */
export function fillHole(dir: StreamDirection, budget: ReassemblyBudget, seq: number, d: Uint8Array, off: number, end: number, frame: number, sink: PduSink): boolean {
  const h = dir.hole;
  if (h === null) return false;
  const len = h.buf.length;
  const a = seqDiff(seq >>> 0, h.seq);
  // As tshark's desegment_tcp: a segment is added to the PDU that its first byte falls in. One that
  // starts before it is not (even if it overlaps), nor one again at its first byte and within it
  // (a retransmission of the PDU's first segment: "Retransmitted TCP segment data").
  if (a < 0 || a >= len || (a === 0 && end - off <= len)) return false;
  const from = off;
  const b = Math.min(len, a + (end - from));
  h.buf.set(d.subarray(from, from + (b - a)), a);
  if (h.frames[h.frames.length - 1] !== frame && h.frames.length < 4096) h.frames.push(frame);
  addRange(h.have, a, b);
  if (h.have.length > 2 * budget.limits.maxHoleyPduRanges) {
    // Too many holes to keep track of (hostile, or a hopeless capture): given up.
    releaseHole(dir, budget);
    dir.overflows++;
    budget.overflows++;
    sink.partial(end - off);
    return true;
  }
  if (h.have.length === 2 && h.have[0] === 0 && h.have[1] === len) {
    releaseHole(dir, budget);
    h.parser.parse(h.buf, 0, len, scratch);
    if (scratch.status !== ParseStatus.Ok || scratch.consumed !== len) return false;
    sink.pdu(h.buf, 0, len, true, h.firstFrame, h.frames);
  } else sink.partial(end - off);
  return true;
}

/**
 * Whether a segment of `len` bytes at `seq` starts inside the unfinished PDU's bytes (after its
 * first byte: one again at it and within the PDU is a retransmission of its first segment, which
 * tshark does not add), as tshark's desegment_tcp adds such a segment to its multi-segment PDU:
 * the frame is then one of the PDU's (`tcp.reassembled_in` when it completes).
 */
function repeatsPending(dir: StreamDirection, seq: number, len: number, frame: number): boolean {
  const a = seqDiff(seq >>> 0, seqAdd(dir.next, -dir.pendingLen));
  if (a < 0 || a >= dir.pendingLen || (a === 0 && len <= dir.pendingLen + dir.needed)) return false;
  const f = dir.pendingFrames;
  if (f[f.length - 1] !== frame && f.length < 4096 && !f.includes(frame)) f.push(frame);
  return true;
}

/**
 * A segment TCP parses nothing of (a retransmission or an out-of-order segment, tshark's
 * tcp.no_subdissector_on_error) that starts inside the PDU kept with a hole or inside the
 * unfinished PDU: it fills the hole, or repeats bytes the PDU has (its frame is then one of the
 * PDU's), and says `partial`. Returns whether it did either.
 */
export function fillPdu(dir: StreamDirection, budget: ReassemblyBudget, seq: number, d: Uint8Array, off: number, end: number, frame: number, sink: PduSink): boolean {
  if (fillHole(dir, budget, seq, d, off, end, frame, sink)) return true;
  if (dir.pendingLen === 0 || !repeatsPending(dir, seq, end - off, frame)) return false;
  sink.partial(end - off);
  return true;
}

/** Adds `[a, b)` to sorted, merged ranges `r` (start, end, ...), merging what it touches. */
function addRange(r: number[], a: number, b: number): void {
  let i = 0;
  while (i < r.length && r[i + 1]! < a) i += 2;
  let j = i;
  while (j < r.length && r[j]! <= b) {
    if (r[j]! < a) a = r[j]!;
    if (r[j + 1]! > b) b = r[j + 1]!;
    j += 2;
  }
  if (j === i + 2) {
    r[i] = a;
    r[i + 1] = b;
  } else r.splice(i, j - i, a, b);
}

function hold(dir: StreamDirection, budget: ReassemblyBudget, seq: number, d: Uint8Array, off: number, end: number, frame: number): boolean {
  const n = end - off;
  if (dir.held.length >= budget.limits.maxOutOfOrderSegments || dir.heldBytes + n > budget.limits.maxOutOfOrderBytes || budget.used + n > budget.limits.maxTotalBytes) {
    dir.overflows++;
    budget.overflows++;
    return false;
  }
  if (dir.held === NO_HELD) dir.held = [];
  dir.held.push({ seq, data: d.slice(off, end), frame });
  dir.heldBytes += n;
  budget.used += n;
  return true;
}

/** Delivers held segments that became in order. */
function drainHeld(dir: StreamDirection, budget: ReassemblyBudget, parser: StreamParser, frame: number, sink: PduSink): void {
  for (let progress = true; progress && dir.held.length; ) {
    progress = false;
    for (let i = 0; i < dir.held.length; i++) {
      const h = dir.held[i]!;
      const ahead = seqDiff(h.seq, dir.next);
      if (ahead > 0) continue;
      dir.held.splice(i, 1);
      dir.heldBytes -= h.data.length;
      budget.used -= h.data.length;
      const skip = -ahead;
      if (skip < h.data.length) deliver(dir, budget, parser, h.data, skip, h.data.length, frame, sink);
      progress = true;
      break;
    }
  }
}

/**
 * The answer for a PDU made of a `headerLen`-byte header that carries the body length (read by
 * `bodyLen` once the header is there): incomplete until header and body are in, then ok. Shared by
 * every length-prefixed stream parser (DNS over TCP, TLS records).
 */
export function frameLengthPrefixed(d: Uint8Array, off: number, end: number, headerLen: number, bodyLen: (d: Uint8Array, off: number) => number, out: ParseResult): void {
  const avail = end - off;
  out.message = '';
  out.consumed = 0;
  if (avail < headerLen) {
    out.status = ParseStatus.Incomplete;
    out.needed = headerLen - avail;
    return;
  }
  const total = headerLen + bodyLen(d, off);
  if (avail < total) {
    out.status = ParseStatus.Incomplete;
    out.needed = total - avail;
    return;
  }
  out.status = ParseStatus.Ok;
  out.consumed = total;
  out.needed = 0;
}

const dnsLength = (d: Uint8Array, off: number): number => (d[off]! << 8) | d[off + 1]!;

/**
 * The length-prefixed framing of DNS over TCP (RFC 1035 4.2.2, RFC 7766 8): a two-byte length,
 * then the message.
 */
export const lengthPrefixed16: StreamParser = {
  parse(d, off, end, out) {
    frameLengthPrefixed(d, off, end, 2, dnsLength, out);
  },
};

/*
 * Following a stream (`wirelite follow`): both directions' payload in the order it was
 * delivered, as Wireshark's "Follow TCP Stream" (epan/dissectors/packet-tcp.c,
 * follow_tcp_tap_listener and check_follow_fragments): a segment at a direction's next expected
 * byte is delivered at once (only its new bytes if it overlaps what was delivered: a
 * retransmission is not repeated); a segment beyond it is held until the gap is filled (then
 * delivered in sequence order), or until the other side acknowledges bytes beyond the gap: the
 * bytes were sent but not captured, and a gap chunk says how many are missing. Held segments
 * are bounded (FOLLOW_LIMITS): past a limit the gap is declared as if acknowledged.
 */

/** Named limits of what following a stream holds. */
export interface FollowLimits {
  /** Out-of-order segments held per direction. */
  maxHeldSegments: number;
  /** Out-of-order bytes held per direction. */
  maxHeldBytes: number;
}

/** The defaults (a FollowAssembler may be given others). */
export const FOLLOW_LIMITS: Readonly<FollowLimits> = Object.freeze({ maxHeldSegments: 4096, maxHeldBytes: 16 << 20 });

/** One piece of a followed stream, in delivery order. */
export interface FollowChunk {
  /** 0: sent by the side that sent the stream's first packet (tshark's node 0), 1: the other. */
  dir: number;
  /** Frame whose bytes these are (for a gap: the frame that revealed it). */
  frame: number;
  /** Position of the first byte in the direction's byte stream (0 = first byte after the SYN or first segment). */
  offset: number;
  /** The bytes (a view, valid during the call); empty for a gap. */
  data: Uint8Array;
  /** Bytes missing from the capture before `offset` (a gap chunk), else 0. */
  gap: number;
}

interface HeldSegment {
  seq: number;
  frame: number;
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const SYN_FLAG = 0x02;
const ACK_FLAG = 0x10;

/** Puts the two directions of one TCP stream in order; hands each chunk to `emit`. */
export class FollowAssembler {
  // Indexed by direction (0 | 1): tuples, so an index of type 0 | 1 is always in range.
  private readonly next: [number, number] = [0, 0];
  private readonly start: [number, number] = [0, 0];
  private readonly started: [boolean, boolean] = [false, false];
  private readonly held: [HeldSegment[], HeldSegment[]] = [[], []];
  private readonly heldBytes: [number, number] = [0, 0];
  private readonly chunk: FollowChunk = { dir: 0, frame: 0, offset: 0, data: EMPTY, gap: 0 };

  constructor(
    private readonly emit: (c: FollowChunk) => void,
    private readonly limits: Readonly<FollowLimits> = FOLLOW_LIMITS,
  ) {}

  /**
   * One segment sent in direction `dir`: sequence and acknowledgement numbers (relative, as Wireshark's follow uses them: a port reuse then continues the stream), flags, the
   * captured payload `data` and the payload length on the wire `length` (tcp.len).
   */
  segment(dir: 0 | 1, frame: number, seq: number, ack: number, flags: number, data: Uint8Array, length: number): void {
    let s = flags & SYN_FLAG ? (seq + 1) >>> 0 : seq >>> 0;
    const other = dir === 0 ? 1 : 0;
    // This segment acknowledges bytes the other side sent beyond a gap: they were not captured.
    if (flags & ACK_FLAG && this.held[other].length) while (this.check(other, ack >>> 0, frame, true));
    if (!this.started[dir]) {
      this.started[dir] = true;
      this.next[dir] = s;
      this.start[dir] = s;
    }
    const cur = this.next[dir];
    let off = 0;
    let dlen = data.length;
    let len = length;
    if (seqDiff(s, cur) < 0) {
      // Dated, but it may carry more than was delivered (a retransmission with more data).
      const end = (s + len) >>> 0;
      if (seqDiff(end, cur) > 0) {
        off = seqDiff(cur, s);
        dlen = dlen <= off ? 0 : dlen - off;
        s = cur;
        len = seqDiff(end, cur);
      }
    }
    if (dlen === 0 || seqDiff(s, cur) < 0) return;
    const bytes = data.subarray(off, off + dlen);
    if (s === cur) {
      this.next[dir] = (cur + len) >>> 0;
      this.out(dir, frame, s, bytes, 0);
      while (this.check(dir, 0, frame, false));
      return;
    }
    // Out of order: hold a copy until the gap before it is filled or known to be lost.
    const h = this.held[dir];
    h.push({ seq: s, frame, data: bytes.slice() });
    this.heldBytes[dir] += bytes.length;
    if (h.length > this.limits.maxHeldSegments || this.heldBytes[dir] > this.limits.maxHeldBytes) {
      // Over a limit: the gap is declared now (as if acknowledged) and what follows it delivered.
      this.declareGap(dir, frame);
      while (this.check(dir, 0, frame, false));
    }
  }

  /** Ends the stream: what is still held stays undelivered (tshark shows it nowhere either). */
  heldSegments(): number {
    return this.held[0].length + this.held[1].length;
  }

  private out(dir: 0 | 1, frame: number, seq: number, data: Uint8Array, gap: number): void {
    const c = this.chunk;
    c.dir = dir;
    c.frame = frame;
    c.offset = seqDiff(seq, this.start[dir]) >>> 0;
    c.data = data;
    c.gap = gap;
    this.emit(c);
  }

  /** Only called with segments held (declareGap: after a push). */
  private lowest(dir: 0 | 1): number {
    const h = this.held[dir];
    let lo = h[0]!.seq;
    for (const f of h) if (seqDiff(lo, f.seq) > 0) lo = f.seq;
    return lo;
  }

  private declareGap(dir: 0 | 1, frame: number): void {
    const lo = this.lowest(dir);
    this.out(dir, frame, this.next[dir], EMPTY, seqDiff(lo, this.next[dir]));
    this.next[dir] = lo;
  }

  /**
   * Delivers the first held segment that now fits (Wireshark's check_follow_fragments), or with
   * `useAck`, declares the gap if `acked` is beyond the lowest held segment. Returns whether it did.
   */
  private check(dir: 0 | 1, acked: number, frame: number, useAck: boolean): boolean {
    const h = this.held[dir];
    if (h.length === 0) return false;
    let lo = h[0]!.seq;
    const cur = this.next[dir];
    for (let i = 0; i < h.length; i++) {
      const f = h[i]!;
      if (seqDiff(lo, f.seq) > 0) lo = f.seq;
      if (seqDiff(f.seq, cur) < 0) {
        const end = (f.seq + f.data.length) >>> 0;
        if (seqDiff(end, cur) > 0) {
          const pos = seqDiff(cur, f.seq);
          this.next[dir] = end;
          this.out(dir, f.frame, cur, f.data.subarray(pos), 0);
        }
        this.drop(dir, i);
        return true;
      }
      if (f.seq === cur) {
        this.next[dir] = (cur + f.data.length) >>> 0;
        this.out(dir, f.frame, cur, f.data, 0);
        this.drop(dir, i);
        return true;
      }
    }
    if (useAck && seqDiff(acked, lo) > 0) {
      this.out(dir, frame, cur, EMPTY, seqDiff(lo, cur));
      this.next[dir] = lo;
      return true;
    }
    return false;
  }

  /**
   * Removes held segment `i` (an index check() found), keeping the others in arrival order: shifted
   * down in place (splice made an array per delivered segment).
   */
  private drop(dir: 0 | 1, i: number): void {
    const h = this.held[dir];
    this.heldBytes[dir] -= h[i]!.data.length;
    for (let k = i + 1; k < h.length; k++) h[k - 1] = h[k]!;
    h.length--;
  }
}
