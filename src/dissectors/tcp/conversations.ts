/**
 * TCP conversations: the stream index, relative sequence numbers and window scaling, as Wireshark
 * computes them (epan/dissectors/packet-tcp.c). This is the base the full TCP analysis builds on.
 *
 * - Stream index in order of first appearance; a SYN (without ACK) whose sequence number differs
 *   from the base of a known conversation starts a new stream on the same 4-tuple (port reuse).
 * - Relative numbers: the base of a direction is its SYN's sequence number, or (first segment not a
 *   SYN) its sequence number minus one, so data starts at 1; the reverse base may also be set from
 *   the first ACK (ack - 1).
 * - Window scale: the shift a side announced in its SYN applies to the windows it sends, once both
 *   SYNs were seen with the option; Wireshark's scale factor -1 = handshake not seen, -2 = not used.
 *
 * Memory (a SYN flood makes one conversation per packet): a conversation is one small object of
 * small integers; its numbers (base sequence numbers, the first analysed segment) live in typed
 * arrays of the table, in a slot the conversation holds while it is tracked. The sequence
 * analysis (tcp-analysis.ts) is made only when a second segment comes. About 150 bytes per
 * conversation that saw one segment.
 *
 * The table is bounded (TCP_LIMITS.maxConversations): at the limit the least recently seen
 * conversation is evicted (second-chance order: a conversation seen since it was queued goes to
 * the back once), its memory released, and the evictions counted; a later segment of its
 * 4-tuple starts a new stream. In a two-pass read, what the second pass needs of each stream (the
 * final base numbers and window scaling) is kept by stream index in typed arrays (TcpFinals),
 * about 10 bytes per stream.
 */
import { seqDiff } from './seq.js';
import { withField, withFlag } from '../bytes.js';
import { defineLimits } from '../limits.js';
import { capacityFor, grown } from '../grow.js';

/** Named limits of the conversation table (a session's are `session.limits.tcp`). */
export interface TcpLimits {
  /**
   * Conversations tracked at once (`-o tcp.max_conversations:N`, or the environment variable
   * WIRELITE_TCP_MAX_CONVERSATIONS); the least recently seen is evicted beyond this.
   */
  maxConversations: number;
}

declare module '../limits.js' {
  interface SessionLimits {
    tcp: TcpLimits;
  }
}

/** The defaults of `session.limits.tcp`. */
export const TCP_LIMITS = defineLimits('tcp', {
  maxConversations: envLimit('WIRELITE_TCP_MAX_CONVERSATIONS', 1_000_000),
});

function envLimit(name: string, dflt: number): number {
  const v = Number(globalThis.process?.env?.[name]);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}

// Bits of TcpConversation.bits.
const B_FIRST_REVERSED = 1;
const B_BASE_SET0 = 2; // << dir
const B_SAW_SYN0 = 8; // << dir
const B_ACC_ECN_SYN = 32;
const B_ACC_ECN = 64;
const B_FIRST_SEG = 128;
/** Bits 8..17 hold the window scales (WS_SHIFT). */
const B_SECOND_SEG = 1 << 18;
/** Window scale of direction d: 4 bits at WS_SHIFT + 4*d, stored as wscale + 2 (-2..14 -> 0..16 fits 5 bits: 4 + top bit). */
const WS_SHIFT = 8;
const WS_MASK = 0x1f;

/** The state of one conversation (a small object: integers only, numbers in the table's slot). */
export class TcpConversation {
  stream: number;
  /** B_* bits and the two window scales. */
  bits: number;
  /** The conversation's slot in the table's typed arrays. */
  slot: number;
  /** Frame number of the last segment; `mark`: its value when queued for eviction (second chance). */
  lastSeen: number;
  mark: number;
  /** Sequence-analysis state (src/dissectors/tcp/analysis.ts), made on the second segment analysed. */
  analysis: unknown = undefined;
  /** The table whose typed arrays hold this conversation's numbers. */
  readonly table: TcpConvTable;

  constructor(table: TcpConvTable, stream: number, slot: number, reversed: boolean, frame: number) {
    this.table = table;
    this.stream = stream;
    this.slot = slot;
    this.bits = (reversed ? B_FIRST_REVERSED : 0) | (1 << WS_SHIFT) | (1 << (WS_SHIFT + 5));
    this.lastSeen = frame;
    this.mark = frame;
  }

  /** Whether direction 0 (the first packet's sender) is the reverse of the canonical key order. */
  get firstReversed(): boolean {
    return (this.bits & B_FIRST_REVERSED) !== 0;
  }
  /** Base sequence number of direction `d` (valid when baseSet(d)). */
  base(d: number): number {
    return this.table.base[this.slot * 2 + d]!;
  }
  baseSet(d: number): boolean {
    return (this.bits & (B_BASE_SET0 << d)) !== 0;
  }
  sawSyn(d: number): boolean {
    return (this.bits & (B_SAW_SYN0 << d)) !== 0;
  }
  /** Window scale as Wireshark keeps it: -1 unknown, -2 scaling not used, else the shift (0..14). */
  wscale(d: number): number {
    return ((this.bits >> (WS_SHIFT + 5 * d)) & WS_MASK) - 2;
  }
  setWscale(d: number, v: number): void {
    const sh = WS_SHIFT + 5 * d;
    this.bits = withField(this.bits, sh, WS_MASK, v + 2);
  }
  /** A SYN/ACK agreed on Accurate ECN: AE/CWR/ECE carry the ACE counter (draft-ietf-tcpm-accurate-ecn). */
  get accEcn(): boolean {
    return (this.bits & B_ACC_ECN) !== 0;
  }
  /** The first analysed segment is kept in the table's slot (the analysis state is not made yet). */
  get hasFirstSegment(): boolean {
    return (this.bits & B_FIRST_SEG) !== 0;
  }
  set hasFirstSegment(v: boolean) {
    this.bits = withFlag(this.bits, B_FIRST_SEG, v);
  }
  /** A second segment (a RST answering the first) is kept too, in the table's `second` slot. */
  get hasSecondSegment(): boolean {
    return (this.bits & B_SECOND_SEG) !== 0;
  }
  set hasSecondSegment(v: boolean) {
    this.bits = withFlag(this.bits, B_SECOND_SEG, v);
  }
}

/**
 * What a second pass needs of each stream, by stream index: the final base numbers and window
 * scaling of both directions (tshark -2's conversation state survives into its second pass).
 */
export class TcpFinals {
  base = new Uint32Array(512);
  /** baseSet bits (2) and the window scales + 2 (5 bits each), as TcpConversation.bits. */
  bits = new Uint16Array(256);
  streams = 0;

  record(c: TcpConversation): void {
    const s = c.stream;
    if (s >= this.bits.length) {
      const cap = capacityFor(this.bits.length, s);
      this.base = grown(this.base, cap * 2);
      this.bits = grown(this.bits, cap);
    }
    if (s >= this.streams) this.streams = s + 1;
    this.base[2 * s] = c.base(0);
    this.base[2 * s + 1] = c.base(1);
    this.bits[s] = ((c.bits >> 1) & 3) | (((c.bits >> WS_SHIFT) & 0x3ff) << 2);
  }
  baseSet(s: number, d: number): boolean {
    return (this.bits[s]! & (1 << d)) !== 0;
  }
  base_(s: number, d: number): number {
    return this.base[2 * s + d]!;
  }
  wscale(s: number, d: number): number {
    return ((this.bits[s]! >> (2 + 5 * d)) & WS_MASK) - 2;
  }
}

/** Numbers per slot of the first analysed segment (see FirstSegment). */
const FS_STRIDE = 8;

export interface TcpConvTable {
  byKey: Map<string, TcpConversation>;
  nextStream: number;
  /** Conversations evicted at the limit. */
  evicted: number;
  /**
   * Where evictions are also counted, when someone must report them after the table is gone
   * (a small object, so the report does not keep the whole table alive).
   */
  evictions?: { count: number; first?: () => void };
  /** The limit in force when the table was made. */
  limit: number;
  /** Per slot: base sequence numbers of directions 0 and 1. */
  base: Uint32Array;
  /**
   * Per slot: the first analysed segment, FS_STRIDE numbers (seq, ack, len, window<<16 | flags<<1 |
   * dir... see tcp-analysis.ts), kept until a second segment makes the analysis state.
   */
  first: Uint32Array;
  /** Per slot: the first analysed segment's seconds (any value a capture may hold). */
  firstSec: Float64Array;
  /**
   * Per slot, made when first needed: a second segment kept the same way, when it is a RST that
   * answers the first (a port scan's SYN and RST make no analysis state either).
   */
  second?: Uint32Array;
  secondSec?: Float64Array;
  /** Free slots (a stack) and the next never-used slot. */
  free: number[];
  slots: number;
  /** Second pass: the first pass's final state by stream. */
  finals?: TcpFinals;
  /** First pass: records the final state by stream for the second. */
  record?: TcpFinals;
  /** Results of the last lookup (kept here so a lookup allocates nothing). */
  dir: number;
  reusedPorts: boolean;
  /** Whether the segment of the last key made goes against the key's canonical order (the TCP dissector's convKey). */
  keyReversed: boolean;
  /** effective()'s view of `finals`, aimed at a stream each call (the table's own: no module keeps a session's finals). */
  finalsView: FinalsView;
  /** A patched read (../patch.ts): effective()'s view, which notes what each stream's lines read. */
  noting?: NotingView;
  /** The sequence analysis's reused state for first segments (tcp/analysis.ts: firstAnalysis), made on first use. */
  firstAnalysis?: unknown;
}

/** A conversation table of at most `limit` conversations (a session's `limits.tcp.maxConversations`). */
export function newConvTable(limit: number): TcpConvTable {
  const cap = 1024;
  return {
    byKey: new Map(), nextStream: 0, evicted: 0, limit,
    base: new Uint32Array(cap * 2), first: new Uint32Array(cap * FS_STRIDE), firstSec: new Float64Array(cap), free: [], slots: 0, dir: 0, reusedPorts: false, keyReversed: false, finalsView: new FinalsView(),
  };
}

function allocSlot(t: TcpConvTable): number {
  if (t.free.length) return t.free.pop()!;
  const s = t.slots++;
  if (s * 2 >= t.base.length) {
    const cap = (t.base.length / 2) * 2;
    t.base = grown(t.base, cap * 2);
    t.first = grown(t.first, cap * FS_STRIDE);
    t.firstSec = grown(t.firstSec, cap);
    if (t.second) growSecond(t);
  }
  return s;
}

/** Makes (or grows to the table's capacity) the slots of kept second segments. */
export function growSecond(t: TcpConvTable): void {
  const cap = t.firstSec.length;
  if (t.second && t.second.length === cap * FS_STRIDE) return;
  t.second = t.second ? grown(t.second, cap * FS_STRIDE) : new Uint32Array(cap * FS_STRIDE);
  t.secondSec = t.secondSec ? grown(t.secondSec, cap) : new Float64Array(cap);
}

/** Drops a conversation from the table: its slot is reused, its analysis state let go. */
function release(t: TcpConvTable, key: string, c: TcpConversation): void {
  t.byKey.delete(key);
  t.base[c.slot * 2] = 0;
  t.base[c.slot * 2 + 1] = 0;
  t.free.push(c.slot);
  c.analysis = undefined;
  c.slot = -1;
}

/** Evicts the least recently seen conversation (second chance: one seen since it was queued is requeued once). */
function evictOne(t: TcpConvTable): void {
  for (const [k, c] of t.byKey) {
    if (c.lastSeen !== c.mark) {
      t.byKey.delete(k);
      c.mark = c.lastSeen;
      t.byKey.set(k, c);
      continue;
    }
    release(t, k, c);
    t.evicted++;
    if (t.evictions && t.evictions.count++ === 0) t.evictions.first?.();
    return;
  }
}

/** The first analysed segment of a conversation, as stored in its slot. */
export const FirstSegment = { STRIDE: FS_STRIDE };

/**
 * Finds the conversation of a segment without creating or changing anything (ICMP error quotes).
 * `key` is the canonical 4-tuple key, `reversed` whether this segment goes against its order.
 * Sets `t.dir`.
 */
export function findConversation(t: TcpConvTable, key: string, reversed: boolean): TcpConversation | undefined {
  const conv = t.byKey.get(key);
  if (conv) t.dir = reversed === conv.firstReversed ? 0 : 1;
  return conv;
}

const SYN = 0x02;
const ACK = 0x10;

/**
 * Finds or creates the conversation of a segment and updates the base sequence numbers and
 * window-scale knowledge (packet-tcp.c: conversation lookup, port reuse, tcp_analyze_sequence_number's
 * base_seq, pdu_store_window_scale_option and verify_tcp_window_scaling). `key` is the canonical
 * 4-tuple key and `reversed` says whether this segment goes against its order. Sets `t.dir` (the
 * segment's direction in the conversation) and `t.reusedPorts`.
 */
export function trackSegment(t: TcpConvTable, key: string, reversed: boolean, seq: number, ack: number, flags: number, wsOpt: number, frame: number): TcpConversation {
  let conv = t.byKey.get(key);
  let dir = conv ? (reversed === conv.firstReversed ? 0 : 1) : 0;
  let reused = false;
  if (conv && (flags & (SYN | ACK)) === SYN) {
    if (conv.baseSet(dir) && conv.base(dir) !== seq) {
      // Port reuse: a new connection (a new stream) on the same 4-tuple.
      release(t, key, conv);
      conv = undefined;
      reused = true;
    }
  }
  if (!conv) {
    while (t.byKey.size >= t.limit) evictOne(t);
    conv = new TcpConversation(t, t.nextStream++, allocSlot(t), reversed, frame);
    t.byKey.set(key, conv);
    dir = 0;
  }
  conv.lastSeen = frame;
  const slot = conv.slot * 2;
  const rd = 1 - dir;
  if ((flags & (SYN | ACK)) === (SYN | ACK) && conv.baseSet(dir) && conv.base(dir) !== seq) {
    // A SYN/ACK with another ISN on a known conversation: ports reused, the side starts afresh.
    reused = true;
    t.base[slot + dir] = seq;
  }
  if (!conv.baseSet(dir)) {
    t.base[slot + dir] = flags & SYN ? seq : (seq - 1) >>> 0;
    conv.bits |= B_BASE_SET0 << dir;
  }
  if (!conv.baseSet(rd) && flags & ACK) {
    t.base[slot + rd] = (ack - 1) >>> 0;
    conv.bits |= B_BASE_SET0 << rd;
  }
  if (wsOpt >= 0) conv.setWscale(dir, Math.min(wsOpt, 14));
  if ((flags & (SYN | ACK)) === SYN) {
    if ((flags & 0x1c0) === 0x1c0) conv.bits |= B_ACC_ECN_SYN;
    else conv.bits &= ~B_ACC_ECN_SYN;
  } else if ((flags & (SYN | ACK)) === (SYN | ACK) && conv.bits & B_ACC_ECN_SYN) {
    const e = flags & 0x1c0;
    if (e !== 0 && e !== 0x40) conv.bits |= B_ACC_ECN;
    else conv.bits &= ~B_ACC_ECN;
  }
  if (flags & SYN) {
    conv.bits |= B_SAW_SYN0 << dir;
    if (conv.wscale(dir) === -1) {
      // This SYN (or SYN/ACK) has no window-scale option: neither side scales.
      conv.setWscale(dir, -2);
      conv.setWscale(rd, -2);
    } else if (flags & ACK && conv.wscale(rd) === -2) {
      conv.setWscale(dir, -2);
    }
  }
  t.record?.record(conv);
  t.dir = dir;
  t.reusedPorts = reused;
  return conv;
}

/**
 * Where relative numbers and window scaling are read from: the conversation itself, or in a second
 * pass the first pass's final values of its stream.
 */
export interface TcpStateView {
  baseSet(d: number): boolean;
  base(d: number): number;
  wscale(d: number): number;
}

/** The pass-1 finals of one stream, as a TcpStateView (one reused object per table). */
class FinalsView implements TcpStateView {
  f!: TcpFinals;
  s = 0;
  baseSet(d: number): boolean {
    return this.f.baseSet(this.s, d);
  }
  base(d: number): number {
    return this.f.base_(this.s, d);
  }
  wscale(d: number): number {
    return this.f.wscale(this.s, d);
  }
}
/**
 * A patched read (../patch.ts) prints as it dissects, from each conversation's values at the time,
 * where a second pass reads its stream's finals. This view reads the conversation and notes, per
 * stream and direction, what was read: a value read differently later, or different from the final
 * one at the end (`check`), means a line may differ from the second pass's.
 */
export class NotingView implements TcpStateView {
  c!: TcpConversation;
  /** Per 2 * stream + direction: 0 not read, else 1 + baseSet; the base read (with bit 0 of `read`); the scale read + 3 (0: not read). */
  private set = new Uint8Array(1024);
  private bases = new Uint32Array(1024);
  private baseRead = new Uint8Array(1024);
  private scales = new Uint8Array(1024);
  constructor(private readonly fail: (why: string) => void) {}
  private slot(d: number): number {
    const i = 2 * this.c.stream + d;
    if (i >= this.set.length) {
      const cap = capacityFor(this.set.length, i);
      this.set = grown(this.set, cap);
      this.bases = grown(this.bases, cap);
      this.baseRead = grown(this.baseRead, cap);
      this.scales = grown(this.scales, cap);
    }
    return i;
  }
  baseSet(d: number): boolean {
    const v = this.c.baseSet(d);
    const i = this.slot(d);
    const n = v ? 2 : 1;
    const had = this.set[i]!;
    if (had === 0) this.set[i] = n;
    else if (had !== n) this.fail('a TCP stream\'s base sequence number came after its first lines');
    return v;
  }
  base(d: number): number {
    const v = this.c.base(d);
    const i = this.slot(d);
    if (this.baseRead[i] === 0) {
      this.baseRead[i] = 1;
      this.bases[i] = v;
    } else if (this.bases[i] !== v) this.fail('a TCP stream\'s base sequence number changed');
    return v;
  }
  wscale(d: number): number {
    const v = this.c.wscale(d);
    const i = this.slot(d);
    const had = this.scales[i]!;
    if (had === 0) this.scales[i] = v + 3;
    else if (had !== v + 3) this.fail('a TCP stream\'s window scaling changed');
    return v;
  }
  /** Whether every value read is the stream's final one (what a second pass reads): null, else why not. */
  check(f: TcpFinals): string | null {
    const n = Math.min(f.streams * 2, this.set.length);
    for (let i = 0; i < n; i++) {
      const s = i >> 1;
      const d = i & 1;
      if (this.set[i] !== 0 && this.set[i] !== (f.baseSet(s, d) ? 2 : 1)) return 'a TCP stream\'s base sequence number came after its first lines';
      if (this.baseRead[i] !== 0 && this.bases[i] !== f.base_(s, d)) return 'a TCP stream\'s base sequence number changed';
      if (this.scales[i] !== 0 && this.scales[i] !== f.wscale(s, d) + 3) return 'a TCP stream\'s window scaling changed';
    }
    return null;
  }
}

/** The state to read relative numbers and scaling from: pass-1 finals in a second pass. */
export function effective(t: TcpConvTable, conv: TcpConversation): TcpStateView {
  const nv = t.noting;
  if (nv !== undefined) {
    nv.c = conv;
    return nv;
  }
  const f = t.finals;
  if (!f || conv.stream >= f.streams) return conv;
  const v = t.finalsView;
  v.f = f;
  v.s = conv.stream;
  return v;
}

/** Relative sequence number of `seq` sent in direction `d`. */
export function relSeq(v: TcpStateView, d: number, seq: number): number {
  return v.baseSet(d) ? seqDiff(seq, v.base(d)) >>> 0 : seq;
}

/**
 * Wireshark's window scale factor for a non-SYN segment sent in direction `dir`: the shift, or
 * -1 (unknown: the handshake was not seen), or -2 (scaling not used).
 */
export function windowShift(v: TcpStateView, dir: number): number {
  return v.wscale(dir);
}
