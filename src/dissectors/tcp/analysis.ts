/**
 * TCP sequence analysis: the per-packet `tcp.analysis.*` verdicts, as Wireshark 4.0 computes them
 * in `tcp_analyze_sequence_number` (epan/dissectors/packet-tcp.c; the User's Guide, "TCP
 * Analysis"), with the same definitions, the same order of tests and the same precedence:
 *
 * - zero window probe (then nothing else is tested), zero window, previous segment not captured
 *   (lost segment), keep-alive, window update, window full, keep-alive ACK and zero window probe
 *   ACK (then nothing else), duplicate ACK; then ACKed unseen segment; then, for segments that
 *   carry data, SYN or FIN and are not keep-alives: spurious retransmission, fast retransmission,
 *   out-of-order, retransmission (first that applies wins);
 * - bytes in flight and bytes sent since the last PSH, ACK RTT and the frame it acknowledges,
 *   the handshake's initial RTT, time since the first frame and the previous frame of the stream.
 *
 * State is per conversation and per direction (`fwd` = this segment's sender, `rev` = the other),
 * with sequence numbers compared modulo 2^32 (./seq.ts). The list of segments not yet
 * acknowledged lives in one array of unboxed doubles per direction (Flow.seg), capped at
 * `TCP_ANALYSIS_LIMITS.maxUnackedSegments` (Wireshark's TCP_MAX_UNACKED_SEGMENTS): beyond it new
 * segments are not remembered (as in Wireshark), so memory stays bounded when ACKs are missing.
 *
 * Two passes (`tshark -2`): the verdicts of a frame depend only on earlier frames, so each pass
 * computes them (the second exactly as the first did) and nothing is kept per frame between the
 * passes; only per-stream facts known at the end (initial RTT, which side closed first) are handed
 * to the second pass. A single pass (stdin) computes and shows them at once.
 */
import { defineFields, fieldByName, FT } from '../fields.js';
import { withField, withFlag } from '../bytes.js';
import { Severity, type Packet } from '../packet.js';
import { seqGt, seqLe, seqLt } from './seq.js';
import { FirstSegment, growSecond, type TcpConversation, type TcpStateView } from './conversations.js';
import { defineLimits } from '../limits.js';
import { capacityFor, grown } from '../grow.js';

/** Named limits of the sequence analysis (a session's are `session.limits.tcpAnalysis`). */
export interface TcpAnalysisLimits {
  /** Unacknowledged segments remembered per direction (Wireshark: TCP_MAX_UNACKED_SEGMENTS). */
  maxUnackedSegments: number;
}

declare module '../limits.js' {
  interface SessionLimits {
    tcpAnalysis: TcpAnalysisLimits;
  }
}

/** The defaults of `session.limits.tcpAnalysis`. */
export const TCP_ANALYSIS_LIMITS = defineLimits('tcpAnalysis', { maxUnackedSegments: 10_000 });

/** Verdict bits, Wireshark's TCP_A_* values. */
export const TcpFlag = {
  RETRANSMISSION: 0x0001,
  LOST_PACKET: 0x0002,
  ACK_LOST_PACKET: 0x0004,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  WINDOW_UPDATE: 0x0800,
  WINDOW_FULL: 0x1000,
  REUSED_PORTS: 0x2000,
  SPURIOUS_RETRANSMISSION: 0x4000,
} as const;

export const AF = defineFields({
  analysis: { abbrev: 'tcp.analysis', name: 'SEQ/ACK analysis', type: FT.NONE, generated: true },
  acks_frame: { abbrev: 'tcp.analysis.acks_frame', name: 'This is an ACK to the segment in frame', type: FT.FRAMENUM, generated: true },
  ack_rtt: { abbrev: 'tcp.analysis.ack_rtt', name: 'The RTT to ACK the segment was', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  initial_rtt: { abbrev: 'tcp.analysis.initial_rtt', name: 'iRTT', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  bytes_in_flight: { abbrev: 'tcp.analysis.bytes_in_flight', name: 'Bytes in flight', type: FT.UINT32, generated: true },
  push_bytes_sent: { abbrev: 'tcp.analysis.push_bytes_sent', name: 'Bytes sent since last PSH flag', type: FT.UINT32, generated: true },
  flags: { abbrev: 'tcp.analysis.flags', name: 'TCP Analysis Flags', type: FT.NONE, generated: true },
  retransmission: { abbrev: 'tcp.analysis.retransmission', name: 'Retransmission', type: FT.NONE },
  fast_retransmission: { abbrev: 'tcp.analysis.fast_retransmission', name: 'Fast Retransmission', type: FT.NONE },
  spurious_retransmission: { abbrev: 'tcp.analysis.spurious_retransmission', name: 'Spurious Retransmission', type: FT.NONE },
  out_of_order: { abbrev: 'tcp.analysis.out_of_order', name: 'Out Of Order', type: FT.NONE },
  lost_segment: { abbrev: 'tcp.analysis.lost_segment', name: 'Previous segment(s) not captured', type: FT.NONE },
  ack_lost_segment: { abbrev: 'tcp.analysis.ack_lost_segment', name: "ACKed segment that wasn't captured", type: FT.NONE },
  window_update: { abbrev: 'tcp.analysis.window_update', name: 'Window update', type: FT.NONE },
  window_full: { abbrev: 'tcp.analysis.window_full', name: 'Window full', type: FT.NONE },
  keep_alive: { abbrev: 'tcp.analysis.keep_alive', name: 'Keep-Alive', type: FT.NONE },
  keep_alive_ack: { abbrev: 'tcp.analysis.keep_alive_ack', name: 'Keep-Alive ACK', type: FT.NONE },
  duplicate_ack: { abbrev: 'tcp.analysis.duplicate_ack', name: 'Duplicate ACK', type: FT.NONE },
  duplicate_ack_num: { abbrev: 'tcp.analysis.duplicate_ack_num', name: 'Duplicate ACK #', type: FT.UINT32, generated: true },
  duplicate_ack_frame: { abbrev: 'tcp.analysis.duplicate_ack_frame', name: 'Duplicate to the ACK in frame', type: FT.FRAMENUM, generated: true },
  zero_window_probe: { abbrev: 'tcp.analysis.zero_window_probe', name: 'Zero Window Probe', type: FT.NONE },
  zero_window: { abbrev: 'tcp.analysis.zero_window', name: 'Zero Window', type: FT.NONE },
  zero_window_probe_ack: { abbrev: 'tcp.analysis.zero_window_probe_ack', name: 'Zero Window Probe Ack', type: FT.NONE },
  rto: { abbrev: 'tcp.analysis.rto', name: 'The RTO for this segment was', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  rto_frame: { abbrev: 'tcp.analysis.rto_frame', name: 'RTO based on delta from frame', type: FT.FRAMENUM, generated: true },
  time_relative: { abbrev: 'tcp.time_relative', name: 'Time since first frame in this TCP stream', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  time_delta: { abbrev: 'tcp.time_delta', name: 'Time since previous frame in this TCP stream', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
});

const SACK_IN_BIF = true;

/** Field id of tcp.flags.fin (defined by the TCP dissector, looked up on first use). */
let finFid: number | undefined;
const SYN = 0x02;
const FIN = 0x01;
const RST = 0x04;
const ACK = 0x10;
const PSH = 0x08;

/** Bits of Flow.bits: four flags, then the SACK block count, the inferred shift and the last segment's verdicts. */
const FB_WINDOW_FROM_SYN = 1;
const FB_VALID_BIF = 2;
const FB_PUSH_SET_LAST = 4;
const FB_CLOSED = 8;
const FB_SACK_SHIFT = 4; // 2 bits
const FB_INFERRED_SHIFT = 6; // 4 bits
const FB_LASTSEG_SHIFT = 10; // 15 bits (the TcpFlag verdicts)

/**
 * `x` as V8 keeps it unboxed: a small integer when it is a 32-bit one (a field that only ever holds
 * small integers is one word, where a field that once held a boxed number costs a 16-byte heap number
 * in every object), else `x` itself (the field then holds any number, as before).
 */
function int(x: number): number {
  return (x | 0) === x ? x | 0 : x;
}

/**
 * One direction's sequence-analysis state (Wireshark's tcp_flow_t + tcp_analyze_seq_flow_info_t).
 *
 * Memory (one per direction of every conversation a capture ever had): every field holds a small
 * integer, so that V8 keeps it in the object itself (a field that ever held a boxed number costs a
 * 16-byte heap number per object: 6 per Flow made 14 MB of a 2M capture's 152 MB heap): sequence
 * numbers are kept as signed 32-bit values (`seq | 0`, the same number modulo 2^32, compared with
 * `| 0` or through ./seq.ts), seconds through int(), and the flags and small counts share one
 * field (`bits`). 152 bytes, was 200 plus 96 of heap numbers.
 */
class Flow {
  /** Highest next sequence number seen, `| 0` (0 = none yet, as in Wireshark). */
  nextseq = 0;
  nextseqframe = 0;
  nextseqSec = 0;
  nextseqNsec = 0;
  /** Highest continuous sequence number to be acknowledged (ACKed-unseen detection), `| 0`. */
  maxseqtobeacked = 0;
  /** Last acknowledgement number sent, `| 0`. */
  lastack = 0;
  lastackSec = 0;
  lastackNsec = 0;
  lastnondupack = 0;
  dupacknum = 0;
  /** Last raw (unscaled) window sent; -1 = none yet (Wireshark starts at G_MAXUINT32). */
  window = -1;
  /** FB_* flags, the SACK block count, the inferred shift and the last segment's verdicts. */
  bits = FB_VALID_BIF;
  /** Bytes sent since the last PSH, `| 0` (read with `>>> 0`). */
  pushBytesSent = 0;
  /** Bytes the last SACK blocks cover, `| 0` (modulo 2^32, as it is used). */
  sackDelivered = 0;
  /**
   * Segments sent and not yet acknowledged, in order of arrival (Wireshark walks them newest
   * first): SEG_STRIDE numbers each (seq, next seq, frame, seconds, nanoseconds) in one array of
   * doubles per direction. A plain array (unboxed doubles, on V8's heap): making one is a bump of
   * the heap pointer, where a typed array's buffer costs a malloc and a finalizer. Its length is
   * its room (grown as it is written); `n` segments are in use.
   */
  n = 0;
  /** NO_SEG until the first segment is pushed (a direction that sends only ACKs makes none). */
  seg: number[] = NO_SEG;

  /** The last segment sent was a SYN: its window is never scaled. */
  get windowFromSyn(): boolean {
    return (this.bits & FB_WINDOW_FROM_SYN) !== 0;
  }
  set windowFromSyn(v: boolean) {
    this.bits = withFlag(this.bits, FB_WINDOW_FROM_SYN, v);
  }
  get validBif(): boolean {
    return (this.bits & FB_VALID_BIF) !== 0;
  }
  set validBif(v: boolean) {
    this.bits = withFlag(this.bits, FB_VALID_BIF, v);
  }
  get pushSetLast(): boolean {
    return (this.bits & FB_PUSH_SET_LAST) !== 0;
  }
  set pushSetLast(v: boolean) {
    this.bits = withFlag(this.bits, FB_PUSH_SET_LAST, v);
  }
  /** This direction sent a FIN or RST (its list's room is let go once emptied; nothing reads it else). */
  get closed(): boolean {
    return (this.bits & FB_CLOSED) !== 0;
  }
  set closed(v: boolean) {
    this.bits = withFlag(this.bits, FB_CLOSED, v);
  }
  /** SACK blocks of the last segment of this direction that had them (Wireshark keeps up to 3). */
  get sackN(): number {
    return (this.bits >> FB_SACK_SHIFT) & 3;
  }
  set sackN(v: number) {
    this.bits = withField(this.bits, FB_SACK_SHIFT, 3, v);
  }
  /**
   * Handshake not seen: the least window-scale shift of this direction's windows that the other
   * side's bytes in flight allow (a lower bound that only grows, 0..14; 0 = no evidence).
   */
  get inferredShift(): number {
    return (this.bits >> FB_INFERRED_SHIFT) & 15;
  }
  set inferredShift(v: number) {
    this.bits = withField(this.bits, FB_INFERRED_SHIFT, 15, v);
  }
  /** The verdicts (TcpFlag bits, 15) of the last segment of this direction. */
  get lastsegmentflags(): number {
    return (this.bits >> FB_LASTSEG_SHIFT) & 0x7fff;
  }
  set lastsegmentflags(v: number) {
    this.bits = withField(this.bits, FB_LASTSEG_SHIFT, 0x7fff, v);
  }

  push(seq: number, next: number, frame: number, sec: number, nsec: number): void {
    const o = this.n++ * SEG_STRIDE;
    if (this.seg === NO_SEG) this.seg = doubles();
    const g = this.seg;
    g[o] = seq;
    g[o + 1] = next;
    g[o + 2] = frame;
    g[o + 3] = sec;
    g[o + 4] = nsec;
  }

  remove(i: number): void {
    const g = this.seg;
    const end = this.n * SEG_STRIDE;
    for (let o = i * SEG_STRIDE; o + SEG_STRIDE < end; o++) g[o] = g[o + SEG_STRIDE]!;
    this.n--;
    // Everything acknowledged: give a large array back (idle connections then hold little; a busy
    // one regrows it). Up to SEG_KEEP segments' room stays: a bulk flow empties its list at every
    // ACK that covers the flight, and would otherwise regrow it each time.
    if (this.n === 0 && g.length > SEG_KEEP * SEG_STRIDE) this.seg = NO_SEG;
  }

  /** Back to a new direction's state (the reused state of first segments: see firstAnalysis). */
  reset(): void {
    this.nextseq = 0;
    this.nextseqframe = 0;
    this.nextseqSec = 0;
    this.nextseqNsec = 0;
    this.maxseqtobeacked = 0;
    this.lastack = 0;
    this.lastackSec = 0;
    this.lastackNsec = 0;
    this.lastnondupack = 0;
    this.dupacknum = 0;
    this.window = -1;
    this.bits = FB_VALID_BIF;
    this.pushBytesSent = 0;
    this.sackDelivered = 0;
    // The list's room is kept (its numbers are never read beyond `n`).
    this.n = 0;
  }
}

/** An empty array whose elements are unboxed doubles from the start (no transition on first use). */
function doubles(): number[] {
  const a = [0.5];
  a.length = 0;
  return a;
}

/**
 * The list of a direction with no segment to remember (never written: `push` makes a list of the
 * direction's own first). A closed or idle connection then holds no list.
 */
const NO_SEG: number[] = doubles();

/** Numbers per unacknowledged segment: seq, next seq, frame, seconds, nanoseconds. */
const SEG_STRIDE = 5;
/** Segments' room an emptied list keeps (640 bytes). */
const SEG_KEEP = 16;

/**
 * Per-conversation analysis state, hung on the conversation (`conv.analysis`). Small integers only,
 * as Flow's (seconds through int(); the initial RTT kept as its two differences, from which both
 * of its forms are computed exactly as before; the SYN flag and the closing bits in one field):
 * 120 bytes, was 128 plus 80 of heap numbers.
 */
export class TcpConvAnalysis {
  /** The two directions' state (two fields, not a tuple: one object less per conversation). */
  flow0 = new Flow();
  flow1 = new Flow();
  /** Most recent SYN (without ACK), for the initial RTT (synSet: one was seen). */
  synSec = 0;
  synNsec = 0;
  /**
   * The initial RTT (Wireshark's ts_first_rtt) as the differences of its two frames' seconds and
   * nanoseconds (both 0 = not known): firstRtt and firstRttNs.
   */
  rttSec = 0;
  rttNsec = 0;
  /** Single pass: frames shown before the initial RTT was known (revised when it is). */
  rttPending: number[] | undefined = undefined;
  firstSec = 0;
  firstNsec = 0;
  prevSec = 0;
  prevNsec = 0;
  /** `closing` (bits 0 and 1) and synSet (bit 2). */
  private bits = 0;

  flow(d: number): Flow {
    return d === 0 ? this.flow0 : this.flow1;
  }

  /** Which side sent a FIN first (Wireshark's closing_initiator): bit 1 << direction. */
  get closing(): number {
    return this.bits & 3;
  }
  set closing(v: number) {
    this.bits = withField(this.bits, 0, 3, v);
  }
  get synSet(): boolean {
    return (this.bits & 4) !== 0;
  }
  set synSet(v: boolean) {
    this.bits = withFlag(this.bits, 4, v);
  }

  /** Initial RTT in seconds (0 = not known). */
  get firstRtt(): number {
    return this.rttSec + this.rttNsec / 1e9;
  }
  /** Initial RTT in nanoseconds (0 = not known). */
  get firstRttNs(): number {
    return this.rttSec * 1e9 + this.rttNsec;
  }

  /** Back to a new conversation's state whose first frame is at (sec, nsec). */
  reset(sec: number, nsec: number): void {
    this.flow0.reset();
    this.flow1.reset();
    this.bits = 0;
    this.synSec = 0;
    this.synNsec = 0;
    this.rttSec = 0;
    this.rttNsec = 0;
    this.rttPending = undefined;
    this.firstSec = this.prevSec = int(sec);
    this.firstNsec = this.prevNsec = nsec;
  }
}

/** What the analysis found for the current segment (Wireshark's struct tcp_acked); reused. */
export const result = {
  /** Whether anything was found (Wireshark: a tcp_acked exists for the frame). */
  present: false,
  flags: 0,
  dupackNum: 0,
  dupackFrame: 0,
  bytesInFlight: 0,
  pushBytesSent: 0,
  acksFrame: 0,
  /** Seconds from the acknowledged segment to this ACK (0: none). */
  ackRtt: 0,
  rtoFrame: 0,
  rto: 0,
  /** Initial RTT of the stream, seconds (0: none). */
  initialRtt: 0,
  /** A FIN: 1 it initiates the closing, 2 it answers the other side's (0: no FIN). */
  closing: 0,
  /**
   * Handshake not seen: the least window-scale shift of this segment's sender consistent with the
   * bytes the other side had in flight (0: no evidence of scaling). wirelite's own field
   * tcp.window_size_scalefactor_inferred.
   */
  inferredShift: 0,
};

function clearResult(): void {
  result.present = false;
  result.flags = 0;
  result.dupackNum = 0;
  result.dupackFrame = 0;
  result.bytesInFlight = 0;
  result.pushBytesSent = 0;
  result.acksFrame = 0;
  result.ackRtt = 0;
  result.rtoFrame = 0;
  result.rto = 0;
  result.initialRtt = 0;
  result.closing = 0;
  result.inferredShift = 0;
}

/** What the first pass hands to the second: per-stream facts known only at the end. */
class StreamFinals {
  /**
   * Per stream (by index): the final initial RTT (seconds, 0 = none) and which sides sent a FIN
   * first (bit per direction), what a second pass shows or continues from. Kept here, not on the
   * conversations, so the first pass's per-connection state can be let go before the second.
   */
  streamRtt = new Float64Array(256);
  streamClosing = new Uint8Array(256);

  stream(i: number): void {
    if (i < this.streamRtt.length) return;
    const cap = capacityFor(this.streamRtt.length, i);
    this.streamRtt = grown(this.streamRtt, cap);
    this.streamClosing = grown(this.streamClosing, cap);
  }
}

const STORE_KEY = 'tcp.analysis.frames';

function streamFinals(pkt: Packet): StreamFinals {
  let s = pkt.session.carry.get(STORE_KEY) as StreamFinals | undefined;
  if (!s) {
    s = new StreamFinals();
    pkt.session.carry.set(STORE_KEY, s);
  }
  return s;
}

/** Time from (bSec, bNsec) to (aSec, aNsec) in nanoseconds (exact for any realistic gap). */
function ns(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (aSec - bSec) * 1e9 + (aNsec - bNsec);
}

/**
 * Values of the current segment the analysis needs besides the header fields, set by analyseTcp:
 * [tcp.time_relative, tcp.time_delta] (a typed array: no number boxed per segment).
 */
const curTimes = new Float64Array(2);

/** Sets the stream times of this frame (time since the stream's first and previous frames). */
function streamTimes(pkt: Packet, a: TcpConvAnalysis): void {
  const f = pkt.frame;
  curTimes[0] = f.tsSec - a.firstSec + (f.tsNsec - a.firstNsec) / 1e9;
  curTimes[1] = f.tsSec - a.prevSec + (f.tsNsec - a.prevNsec) / 1e9;
  a.prevSec = int(f.tsSec);
  a.prevNsec = f.tsNsec;
}

function newAnalysis(sec: number, nsec: number): TcpConvAnalysis {
  const a = new TcpConvAnalysis();
  a.firstSec = a.prevSec = int(sec);
  a.firstNsec = a.prevNsec = nsec;
  return a;
}

/**
 * The state a conversation's first segment is analysed on and then let go: one per table, reset
 * each time (every conversation made one and dropped it: 14 MB of garbage on the 200k capture).
 */
function firstAnalysis(conv: TcpConversation, sec: number, nsec: number): TcpConvAnalysis {
  const t = conv.table;
  let a = t.firstAnalysis as TcpConvAnalysis | undefined;
  if (!a) t.firstAnalysis = a = new TcpConvAnalysis();
  a.reset(sec, nsec);
  return a;
}

/*
 * Lazy analysis state. A conversation's first analysed segment is analysed on a fresh state that
 * is then let go: the segment itself (FirstSegment.STRIDE numbers in the conversation's table
 * slot) is what is kept. The second segment makes the state for good by analysing the first one
 * again (the result is the same: it depends only on that segment), then itself. A SYN flood's
 * lone SYNs thus cost no analysis objects. A bare RST as the second segment (a port scan's answer)
 * is kept the same way (table.second), and the state is made by the third segment, from both.
 */
const FS_SEQ = 0;
const FS_ACK = 1;
const FS_LEN = 2;
/** window * 2^15 + flags * 2^3 + dir * 4 + SACK block count (0..3). */
const FS_WFD = 3;
const FS_FRAME = 4;
const FS_NSEC = 6;
const FS_SACK = 7;

/** Keeps a segment in the conversation's slot: its first (`g` = table.first) or second (table.second). */
function storeSegment(conv: TcpConversation, g: Uint32Array, secs: Float64Array, a: TcpConvAnalysis, dir: number, seq: number, ack: number, seglen: number, flags: number, window: number, num: number, sec: number, nsec: number): void {
  const o = conv.slot * FirstSegment.STRIDE;
  const fwd = a.flow(dir);
  g[o + FS_SEQ] = seq;
  g[o + FS_ACK] = ack;
  g[o + FS_LEN] = seglen;
  g[o + FS_WFD] = window * 32768 + (flags & 0xfff) * 8 + dir * 4 + fwd.sackN;
  g[o + FS_FRAME] = num;
  secs[conv.slot] = sec;
  g[o + FS_NSEC] = nsec;
  g[o + FS_SACK] = fwd.sackN > 0 ? fwd.sackDelivered : 0;
}

function storeFirstSegment(conv: TcpConversation, a: TcpConvAnalysis, dir: number, seq: number, ack: number, seglen: number, flags: number, window: number, num: number, sec: number, nsec: number): void {
  storeSegment(conv, conv.table.first, conv.table.firstSec, a, dir, seq, ack, seglen, flags, window, num, sec, nsec);
  conv.hasFirstSegment = true;
}

/** Analyses a kept segment again on `a` (the result is the same: it depends only on earlier ones). */
function replaySegment(conv: TcpConversation, g: Uint32Array, secs: Float64Array, a: TcpConvAnalysis, pass: number, maxUnacked: number): void {
  const o = conv.slot * FirstSegment.STRIDE;
  const wfd = g[o + FS_WFD]!;
  const dir = (wfd >> 2) & 1;
  const flags = (wfd >>> 3) & 0xfff;
  const sec = secs[conv.slot]!;
  const nsec = g[o + FS_NSEC]!;
  analyseSegment(conv, a, dir, g[o + FS_SEQ]!, g[o + FS_ACK]!, g[o + FS_LEN]!, flags, Math.floor(wfd / 32768), g[o + FS_FRAME]!, sec, nsec, null, 0, 0, maxUnacked);
  const fwd = a.flow(dir);
  fwd.sackN = wfd & 3;
  if (fwd.sackN > 0) fwd.sackDelivered = g[o + FS_SACK]! | 0;
  if (pass === 0 && flags & FIN) a.closing |= 1 << dir;
  // The stream's previous frame is the last one replayed.
  a.prevSec = int(sec);
  a.prevNsec = nsec;
}

/** The conversation's analysis state, made from its kept segments if need be (else undefined). */
function analysisOf(conv: TcpConversation, pass: number, maxUnacked: number): TcpConvAnalysis | undefined {
  const cur = conv.analysis as TcpConvAnalysis | undefined;
  if (cur || !conv.hasFirstSegment) return cur;
  const t = conv.table;
  const a = newAnalysis(t.firstSec[conv.slot]!, t.first[conv.slot * FirstSegment.STRIDE + FS_NSEC]!);
  replaySegment(conv, t.first, t.firstSec, a, pass, maxUnacked);
  if (conv.hasSecondSegment) replaySegment(conv, t.second!, t.secondSec!, a, pass, maxUnacked);
  conv.analysis = a;
  conv.hasFirstSegment = false;
  conv.hasSecondSegment = false;
  clearResult();
  return a;
}

/**
 * A TCP header quoted by an ICMP error: no analysis, but the stream times, which (as in Wireshark)
 * also count this frame as the stream's previous one.
 */
export function addTcpQuotedTimes(pkt: Packet, conv: TcpConversation, parent: number, off: number): void {
  let a = analysisOf(conv, pkt.session.pass, pkt.session.limits.tcpAnalysis.maxUnackedSegments);
  if (!a) conv.analysis = a = newAnalysis(pkt.frame.tsSec, pkt.frame.tsNsec);
  streamTimes(pkt, a);
  if (pkt.tree) {
    pkt.add(AF.time_relative, off, 0, parent, curTimes[0]!);
    pkt.add(AF.time_delta, off, 0, parent, curTimes[1]!);
  }
}

/**
 * Analyses one TCP segment of `conv` sent in direction `dir` (0/1 as in the conversation) and
 * leaves the verdict in `result`. `state` is the conversation whose final values (the initial
 * RTT) are shown: the first pass's in a second pass. Both passes compute the verdict (it depends only
 * on earlier frames). `opts`..`optEnd` are the option bytes (for SACK).
 * Returns `result.present`.
 */
export function analyseTcp(
  pkt: Packet,
  conv: TcpConversation,
  state: TcpStateView,
  dir: number,
  seq: number,
  ack: number,
  seglen: number,
  flags: number,
  window: number,
  optStart: number,
  optEnd: number,
  reusedPorts = false,
): boolean {
  const f = pkt.frame;
  const pass = pkt.session.pass;
  // One segment kept and this one a bare RST (a scan's answer to its SYN): it is kept too, and
  // the state made for it let go again.
  const keepSecond = conv.hasFirstSegment && !conv.hasSecondSegment && !conv.analysis && (flags & (RST | SYN | FIN)) === RST && seglen === 0;
  let a = analysisOf(conv, pass, pkt.session.limits.tcpAnalysis.maxUnackedSegments);
  clearResult();
  const first = !a;
  // The first segment is analysed on a state that is then let go (see storeFirstSegment): the
  // table's one reused state, not a new one per conversation.
  if (!a) a = firstAnalysis(conv, f.tsSec, f.tsNsec);
  streamTimes(pkt, a);
  // Every pass computes the verdicts: they depend only on earlier frames, so the second pass gets
  // exactly the first pass's (as tshark -2 shows them) without keeping them per frame in between.
  analyseSegment(conv, a, dir, seq, ack, seglen, flags, window, f.number, f.tsSec, f.tsNsec, pkt.data, optStart, optEnd, pkt.session.limits.tcpAnalysis.maxUnackedSegments);
  // Reused ports are one of Wireshark's analysis flags: the segment has an analysis entry (so the
  // stream's initial RTT is shown on it, as tshark -2 shows it on the SYN that reuses the ports).
  if (reusedPorts) result.present = true;
  if (first) storeFirstSegment(conv, a, dir, seq, ack, seglen, flags, window, f.number, f.tsSec, f.tsNsec);
  else if (keepSecond) {
    growSecond(conv.table);
    storeSegment(conv, conv.table.second!, conv.table.secondSec!, a, dir, seq, ack, seglen, flags, window, f.number, f.tsSec, f.tsNsec);
    conv.analysis = undefined;
    conv.hasFirstSegment = true;
    conv.hasSecondSegment = true;
  }
  // Per-stream finals for a second pass (the stream index is the same in both passes).
  let store: StreamFinals | undefined;
  if (pass !== 0) {
    store = streamFinals(pkt);
    store.stream(conv.stream);
    if (pass === 1 && a.firstRtt !== 0) store.streamRtt[conv.stream] = a.firstRtt;
  }
  if (result.present) result.initialRtt = pass === 2 ? store!.streamRtt[conv.stream]! : a.firstRtt;
  if (pass === 0 && pkt.session.revise) reviseInitialRtt(pkt, a);
  if (flags & FIN) {
    // Closing initiator: Wireshark keeps it in the conversation across passes, so a second pass
    // continues from the first pass's final state (the side whose FIN came first stays "active").
    let bits = pass === 0 ? a.closing : store!.streamClosing[conv.stream]!;
    if (!(bits & (1 << (1 - dir)))) {
      bits |= 1 << dir;
      result.closing = 1;
    } else result.closing = 2;
    if (pass === 0) a.closing = bits;
    else store!.streamClosing[conv.stream] = bits;
  }
  void state;
  return result.present;
}

/**
 * A single pass (live capture, stdin) shows the initial RTT only from the handshake's last ACK on;
 * a two-pass read shows it on the earlier frames of the stream too (the SYN/ACK). Those frames are
 * remembered (a few per stream) and revised once the RTT is known.
 */
function reviseInitialRtt(pkt: Packet, a: TcpConvAnalysis): void {
  if (a.firstRtt === 0) {
    if (result.present && (a.rttPending ??= []).length < 4) a.rttPending.push(pkt.frame.number);
    return;
  }
  if (!a.rttPending) return;
  for (const fr of a.rttPending) if (fr !== pkt.frame.number) pkt.session.revise!(fr, 'tcp.analysis.initial_rtt', a.firstRtt);
  a.rttPending = undefined;
}

/**
 * The sequence analysis of one segment on state `a` (Wireshark's tcp_analyze_sequence_number);
 * `data[optStart, optEnd)` are its option bytes (SACK), `data` null when replaying a stored segment.
 */
function analyseSegment(conv: TcpConversation, a: TcpConvAnalysis, dir: number, seq: number, ack: number, seglen: number, flags: number, window: number, num: number, sec: number, nsec: number, data: Uint8Array | null, optStart: number, optEnd: number, maxUnacked: number): void {
  const fwd = a.flow(dir);
  const rev = a.flow(1 - dir);
  // The initial RTT: from the most recent SYN to the first pure ACK (dissect_tcp).
  if ((flags & (SYN | ACK)) === SYN) {
    a.synSet = true;
    a.synSec = int(sec);
    a.synNsec = nsec;
  } else if ((flags & (SYN | ACK)) === ACK && a.synSet && a.firstRttNs === 0) {
    // firstRttNs is ns(sec, nsec, a.synSec, a.synNsec), firstRtt (sec - a.synSec) + (nsec - a.synNsec) / 1e9.
    a.rttSec = int(sec - a.synSec);
    a.rttNsec = int(nsec - a.synNsec);
  }
  if (flags & ACK) rev.validBif = true;
  verdicts(conv, a, fwd, rev, dir, seq, ack, seglen, flags, window, num, sec, nsec);
  finishSegment(conv, fwd, rev, dir, seq, ack, seglen, flags, window, num, sec, nsec, data, optStart, optEnd, maxUnacked);
}

/**
 * The verdicts of a segment (analyseSegment's tests, in Wireshark's order), into `result`. Apart
 * from analyseSegment and from what follows (finishSegment): each is compiled on its own, and the
 * first segment that takes a path never taken before (a first window-full, a first spurious
 * retransmission...) makes V8 compile again only the part it is in. One function, these were
 * compiled 10 times in a read of big200k, the largest part of the optimising compiler's time (a
 * third of that read's CPU time, on threads of its own).
 */
function verdicts(conv: TcpConversation, a: TcpConvAnalysis, fwd: Flow, rev: Flow, dir: number, seq: number, ack: number, seglen: number, flags: number, window: number, num: number, sec: number, nsec: number): void {
  const r = result;
  const noSfr = (flags & (SYN | FIN | RST)) === 0;
  // The segment's numbers as the flows keep theirs (`| 0`: the same modulo 2^32).
  const sq = seq | 0;
  const ak = ack | 0;
  analysis: {
    // ZERO WINDOW PROBE: 1 byte at the next expected sequence number into a zero window.
    if (seglen === 1 && sq === fwd.nextseq && rev.window === 0) {
      r.flags |= TcpFlag.ZERO_WINDOW_PROBE;
      break analysis;
    }
    // ZERO WINDOW: the window is 0 (not on SYN/FIN/RST).
    if (window === 0 && noSfr) r.flags |= TcpFlag.ZERO_WINDOW;
    // LOST PACKET: beyond the highest next sequence number seen (not on RST).
    if (fwd.nextseq !== 0 && seqGt(seq, fwd.nextseq) && (flags & RST) === 0) {
      r.flags |= TcpFlag.LOST_PACKET;
      fwd.validBif = false;
    }
    // KEEP ALIVE: 0 or 1 byte starting one byte before the next expected sequence number.
    if ((seglen === 0 || seglen === 1) && sq === ((fwd.nextseq - 1) | 0) && noSfr) r.flags |= TcpFlag.KEEP_ALIVE;
    // WINDOW UPDATE: no data, same SEQ/ACK as before, a new non-zero window.
    if (seglen === 0 && window !== 0 && window !== fwd.window && sq === fwd.nextseq && ak === fwd.lastack && noSfr) r.flags |= TcpFlag.WINDOW_UPDATE;
    // WINDOW FULL: data up to the right edge of the window the receiver advertised (scaling known).
    if (seglen > 0 && rev.window !== -1 && noSfr) {
      const ws = conv.wscale(1 - dir);
      if (ws !== -1) {
        const shift = rev.windowFromSyn || ws === -2 ? 0 : ws;
        if (((seq + seglen) >>> 0) === ((rev.lastack + rev.window * (1 << shift)) >>> 0)) r.flags |= TcpFlag.WINDOW_FULL;
      }
    }
    // KEEP ALIVE ACK: repeats the previous ACK, the other side's last segment was a keep-alive.
    if (seglen === 0 && window !== 0 && window === fwd.window && sq === fwd.nextseq && ak === fwd.lastack && rev.lastsegmentflags & TcpFlag.KEEP_ALIVE && noSfr) {
      r.flags |= TcpFlag.KEEP_ALIVE_ACK;
      break analysis;
    }
    // ZERO WINDOW PROBE ACK: repeats the previous ACK and zero window after a probe.
    if (seglen === 0 && window === 0 && window === fwd.window && sq === fwd.nextseq && ak === fwd.lastack && rev.lastsegmentflags & TcpFlag.ZERO_WINDOW_PROBE && noSfr) {
      r.flags |= TcpFlag.ZERO_WINDOW_PROBE_ACK;
      break analysis;
    }
    // DUPLICATE ACK: no data, same window, SEQ and ACK as the previous segment.
    if (seglen === 0 && window !== 0 && window === fwd.window && sq === fwd.nextseq && ak === fwd.lastack && noSfr) {
      fwd.dupacknum = fwd.dupacknum === -1 ? 1 : fwd.dupacknum + 1;
      r.flags |= TcpFlag.DUPLICATE_ACK;
      r.dupackNum = fwd.dupacknum;
      r.dupackFrame = fwd.lastnondupack;
    }
  }
  // finished_fwd: a new ACK number resets the duplicate-ACK count.
  if (ak !== fwd.lastack) {
    fwd.lastnondupack = num;
    fwd.dupacknum = 0;
  }
  // ACKED LOST PACKET: acknowledges beyond what the other side was seen to send.
  if (rev.maxseqtobeacked !== 0 && seqGt(ack, rev.maxseqtobeacked) && flags & ACK) {
    // Reported once per gap. If the other side's boundary lags behind its highest sequence number
    // (a hole was seen), the boundary moves there; otherwise the other side is only sending pure
    // ACKs, and the same gap is reported again only after it sent a new ACK number. tshark 4.0's
    // output shows this test as `maxseqtobeacked < nextseq` (modulo 2^32); later Wireshark
    // versions test `>`, which would flag every later ACK of a stream that lost data.
    r.present = true;
    if (seqLt(rev.maxseqtobeacked, rev.nextseq)) {
      rev.maxseqtobeacked = rev.nextseq;
      r.flags |= TcpFlag.ACK_LOST_PACKET;
    } else {
      if (rev.dupacknum === 0) r.flags |= TcpFlag.ACK_LOST_PACKET;
      rev.dupacknum = -1;
    }
  }
  // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS for data, SYN or FIN.
  if ((seglen > 0 || flags & (SYN | FIN)) && !(r.flags & TcpFlag.KEEP_ALIVE)) {
    let notAdvanced = fwd.nextseq !== 0 && seqLt(seq, fwd.nextseq);
    // Not a retransmission: more than one byte starting just before nextseq (after a probe).
    if (seglen > 1 && ((fwd.nextseq - 1) | 0) === sq) notAdvanced = false;
    retrans: {
      // Spurious retransmission: all of the data was already acknowledged.
      if (seglen > 0 && rev.lastack !== 0 && seqLe((seq + seglen) >>> 0, rev.lastack)) {
        r.flags |= TcpFlag.SPURIOUS_RETRANSMISSION;
        break retrans;
      }
      // Fast retransmission: >= 2 duplicate ACKs for this sequence number, within 20 ms of the last.
      // Wireshark's count is unsigned, so its "ACKed unseen segment" mark (-1) also passes as >= 2:
      // a retransmission right after the other side ACKed unseen data is called fast, as tshark does.
      if (notAdvanced && (rev.dupacknum >= 2 || rev.dupacknum === -1) && rev.lastack === sq && ns(sec, nsec, rev.lastackSec, rev.lastackNsec) < 20_000_000) {
        r.flags |= TcpFlag.FAST_RETRANSMISSION;
        break retrans;
      }
      // Out-of-order: soon after the highest segment (within the initial RTT, else 3 ms).
      const thres = a.firstRttNs !== 0 ? a.firstRttNs : 3_000_000;
      if (notAdvanced && ns(sec, nsec, fwd.nextseqSec, fwd.nextseqNsec) < thres && fwd.nextseq !== ((seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) | 0)) {
        r.flags |= TcpFlag.OUT_OF_ORDER;
        break retrans;
      }
      if (notAdvanced) {
        r.flags |= TcpFlag.RETRANSMISSION;
        // RTO: from the oldest unacknowledged segment (or the highest one) to this one.
        if (fwd.n > 0) {
          r.rto = sec - fwd.seg[3]! + (nsec - fwd.seg[4]!) / 1e9;
          r.rtoFrame = fwd.seg[2]!;
        } else {
          r.rto = (sec - fwd.nextseqSec) + (nsec - fwd.nextseqNsec) / 1e9;
          r.rtoFrame = fwd.nextseqframe;
        }
      }
    }
  }
}

/** The rest of analyseSegment: the direction's state after the segment, what it acknowledges, bytes in flight, SACK. */
function finishSegment(conv: TcpConversation, fwd: Flow, rev: Flow, dir: number, seq: number, ack: number, seglen: number, flags: number, window: number, num: number, sec: number, nsec: number, data: Uint8Array | null, optStart: number, optEnd: number, maxUnacked: number): void {
  const r = result;
  // finished_checking_retransmission_type
  let nextseq = (seq + seglen) >>> 0;
  if (seglen > 0 || flags & (SYN | FIN)) {
    if (flags & (SYN | FIN)) nextseq = (nextseq + 1) >>> 0;
    if (fwd.n < maxUnacked) fwd.push(seq, nextseq, num, sec, nsec);
  }
  const zwp = (r.flags & TcpFlag.ZERO_WINDOW_PROBE) !== 0;
  // A RST does not move the highest sequence number (tshark 4.0: a reset's sequence number, often
  // unrelated to the data, does not make the next connection's segments retransmissions).
  if ((seqGt(nextseq, fwd.nextseq) || fwd.nextseq === 0) && !zwp && !(flags & RST)) {
    fwd.nextseq = nextseq | 0;
    fwd.nextseqframe = num;
    fwd.nextseqSec = int(sec);
    fwd.nextseqNsec = nsec;
  }
  if (((seq | 0) === fwd.maxseqtobeacked || fwd.maxseqtobeacked === 0) && !zwp) fwd.maxseqtobeacked = fwd.nextseq;
  fwd.window = window;
  fwd.windowFromSyn = (flags & SYN) !== 0;
  fwd.lastack = ack | 0;
  fwd.lastackSec = int(sec);
  fwd.lastackNsec = nsec;
  fwd.lastsegmentflags = r.flags;

  // Remove what this ACK acknowledges from the other direction's list (newest first, as Wireshark).
  const rs = rev.seg;
  for (let i = rev.n - 1; i >= 0; i--) {
    const o = i * SEG_STRIDE;
    const s = rs[o]!;
    const e = rs[o + 1]!;
    if (ack === e) {
      r.present = true;
      r.acksFrame = rs[o + 2]!;
      r.ackRtt = sec - rs[o + 3]! + (nsec - rs[o + 4]!) / 1e9;
    } else if (seqGt(ack, s) && seqLe(ack, e)) {
      rs[o] = ack;
      continue;
    } else if (seqGt(e, ack)) continue;
    rev.remove(i);
  }
  // A direction that sent its FIN or RST has sent what it will send: once an ACK empties its list,
  // the list's room is let go (it held SEG_KEEP segments' room per direction of every closed
  // connection: 11 MB of the 2M capture's 182 MB heap). Only room: nothing beyond `n` is ever
  // read, and a late segment makes a new list.
  if (rev.n === 0 && rev.closed) rev.seg = NO_SEG;

  // A reset (or closing) connection seldom sends again: lists it emptied are let go (a port scan's
  // SYN and RST would otherwise keep their lists' room per conversation).
  if (flags & (RST | FIN)) {
    fwd.closed = true;
    if (rev.n === 0) rev.seg = NO_SEG;
    if (fwd.n === 0) fwd.seg = NO_SEG;
  }

  // Bytes in flight (the default, payload-based method) and bytes sent since the last PSH.
  if (seglen !== 0 && fwd.n > 0 && fwd.validBif) {
    const base = conv.base(dir);
    const fs = fwd.seg;
    const lo = (fwd.n - 1) * SEG_STRIDE;
    let first = (fs[lo]! - base) >>> 0;
    let last = (fs[lo + 1]! - base) >>> 0;
    for (let o = 0; o <= lo; o += SEG_STRIDE) {
      const e = (fs[o + 1]! - base) >>> 0;
      const s = (fs[o]! - base) >>> 0;
      if (e > last) last = e;
      if (s < first) first = s;
    }
    let inFlight = (last - first) >>> 0;
    if (SACK_IN_BIF && rev.sackN > 0) inFlight = (inFlight - rev.sackDelivered) >>> 0;
    if (inFlight > 0 && inFlight < 2_000_000_000) {
      r.bytesInFlight = flags & (SYN | FIN) ? inFlight - 1 : inFlight;
      // The receiver's last window (raw) must have allowed these bytes: with the handshake not seen,
      // more in flight than window << k means its shift is at least k + 1.
      const rw = rev.window;
      if (conv.wscale(1 - dir) === -1 && rw !== -1 && rw > 0 && !rev.windowFromSyn && r.bytesInFlight > rw * 2 ** rev.inferredShift) {
        let k = rev.inferredShift;
        while (k < 14 && r.bytesInFlight > rw * 2 ** k) k++;
        rev.inferredShift = k;
      }
    }
    let pushed = fwd.pushBytesSent;
    if (flags & PSH && !fwd.pushSetLast) {
      pushed += seglen;
      fwd.pushSetLast = true;
    } else if (flags & PSH && fwd.pushSetLast) {
      pushed = seglen;
    } else if (fwd.pushSetLast) {
      pushed = seglen;
      fwd.pushSetLast = false;
    } else pushed += seglen;
    fwd.pushBytesSent = pushed | 0;
    r.pushBytesSent = pushed >>> 0;
    r.present = true;
  }
  if (r.flags !== 0) r.present = true;
  r.inferredShift = fwd.inferredShift;

  // SACK blocks of this segment, for the other direction's bytes in flight (dissect_tcpopt_sack:
  // Wireshark keeps at most 3 blocks, the last ones' count, and keeps them until a new SACK option).
  fwd.sackN = 0;
  if (data && optEnd - optStart >= 10) scanSack(data, optStart, optEnd, fwd);
}

function scanSack(d: Uint8Array, p: number, end: number, fwd: Flow): void {
  while (p < end) {
    const k = d[p]!;
    if (k === 0) return;
    if (k === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) return;
    const l = d[p + 1]!;
    if (l < 2 || p + l > end) return;
    if (k === 5) {
      let n = 0;
      let delivered = 0;
      for (let q = p + 2; q + 8 <= p + l; q += 8) {
        n++;
        if (n < 4) {
          const le = ((d[q]! << 24) | (d[q + 1]! << 16) | (d[q + 2]! << 8) | d[q + 3]!) >>> 0;
          const re = ((d[q + 4]! << 24) | (d[q + 5]! << 16) | (d[q + 6]! << 8) | d[q + 7]!) >>> 0;
          delivered = (delivered + ((re - le) >>> 0)) >>> 0;
          fwd.sackN = n;
        }
      }
      if (n > 0) fwd.sackDelivered = delivered | 0;
    }
    p += l;
  }
}

/** Severity, group and message of each verdict's expert item, as Wireshark 4.0 gives them. */
const EXPERTS: [flag: number, field: number, sev: Severity, abbrev: string, msg: string][] = [
  [TcpFlag.RETRANSMISSION, AF.retransmission, Severity.Note, 'tcp.analysis.retransmission', 'This frame is a (suspected) retransmission'],
  [TcpFlag.FAST_RETRANSMISSION, AF.fast_retransmission, Severity.Note, 'tcp.analysis.fast_retransmission', 'This frame is a (suspected) fast retransmission'],
  [TcpFlag.SPURIOUS_RETRANSMISSION, AF.spurious_retransmission, Severity.Note, 'tcp.analysis.spurious_retransmission', 'This frame is a (suspected) spurious retransmission'],
  [TcpFlag.OUT_OF_ORDER, AF.out_of_order, Severity.Warn, 'tcp.analysis.out_of_order', 'This frame is a (suspected) out-of-order segment'],
  [TcpFlag.LOST_PACKET, AF.lost_segment, Severity.Warn, 'tcp.analysis.lost_segment', 'Previous segment(s) not captured (common at capture start)'],
  [TcpFlag.ACK_LOST_PACKET, AF.ack_lost_segment, Severity.Warn, 'tcp.analysis.ack_lost_segment', "ACKed segment that wasn't captured (common at capture start)"],
  [TcpFlag.WINDOW_UPDATE, AF.window_update, Severity.Chat, 'tcp.analysis.window_update', 'TCP window update'],
  [TcpFlag.WINDOW_FULL, AF.window_full, Severity.Warn, 'tcp.analysis.window_full', 'TCP window specified by the receiver is now completely full'],
  [TcpFlag.KEEP_ALIVE, AF.keep_alive, Severity.Note, 'tcp.analysis.keep_alive', 'TCP keep-alive segment'],
  [TcpFlag.KEEP_ALIVE_ACK, AF.keep_alive_ack, Severity.Note, 'tcp.analysis.keep_alive_ack', 'ACK to a TCP keep-alive segment'],
  [TcpFlag.DUPLICATE_ACK, AF.duplicate_ack, Severity.Note, 'tcp.analysis.duplicate_ack', 'Duplicate ACK'],
  [TcpFlag.ZERO_WINDOW_PROBE, AF.zero_window_probe, Severity.Note, 'tcp.analysis.zero_window_probe', 'TCP Zero Window Probe'],
  [TcpFlag.ZERO_WINDOW, AF.zero_window, Severity.Warn, 'tcp.analysis.zero_window', 'TCP Zero Window segment'],
  [TcpFlag.ZERO_WINDOW_PROBE_ACK, AF.zero_window_probe_ack, Severity.Note, 'tcp.analysis.zero_window_probe_ack', 'ACK to a TCP Zero Window Probe'],
];

/**
 * Adds the analysis of the current segment (in `result`) to the tree under `parent`, with its
 * expert items, and the stream times. Call after analyseTcp.
 */
export function addTcpAnalysisTree(pkt: Packet, parent: number, off: number): void {
  if (pkt.tree) {
    pkt.add(AF.time_relative, off, 0, parent, curTimes[0]!);
    pkt.add(AF.time_delta, off, 0, parent, curTimes[1]!);
  }
  const r = result;
  if (r.closing !== 0) {
    // Under the FIN flag, as Wireshark.
    finFid ??= fieldByName('tcp.flags.fin')?.id ?? -1;
    const fin = pkt.tree ? pkt.find(finFid, parent) : -1;
    if (r.closing === 1) pkt.addExpert(fin, Severity.Note, 'Sequence', 'tcp.connection.fin_active', 'This frame initiates the connection closing');
    else pkt.addExpert(fin, Severity.Note, 'Sequence', 'tcp.connection.fin_passive', 'This frame undergoes the connection closing');
  }
  if (!r.present) return;
  let top = -1;
  if (pkt.tree) {
    top = pkt.add(AF.analysis, off, 0, parent);
    if (r.acksFrame) {
      pkt.add(AF.acks_frame, off, 0, top, r.acksFrame);
      if (r.ackRtt !== 0) pkt.add(AF.ack_rtt, off, 0, top, r.ackRtt);
    }
    if (r.initialRtt !== 0) pkt.add(AF.initial_rtt, off, 0, top, r.initialRtt);
    if (r.bytesInFlight) {
      pkt.add(AF.bytes_in_flight, off, 0, top, r.bytesInFlight);
      pkt.add(AF.push_bytes_sent, off, 0, top, r.pushBytesSent);
    }
  }
  if (!r.flags) return;
  const fl = pkt.tree ? pkt.add(AF.flags, off, 0, top) : -1;
  for (const [flag, field, sev, abbrev, msg] of EXPERTS) {
    if (!(r.flags & flag)) continue;
    if (flag === TcpFlag.DUPLICATE_ACK) {
      const it = pkt.add(field, off, 0, fl);
      pkt.setLabel(it, '[This is a TCP duplicate ack]');
      pkt.add(AF.duplicate_ack_num, off, 0, top, r.dupackNum);
      const fr = pkt.add(AF.duplicate_ack_frame, off, 0, top, r.dupackFrame);
      pkt.addExpert(fr, sev, 'Sequence', abbrev, `Duplicate ACK (#${r.dupackNum})`);
      // The expert item carries the field's name too: tshark -e prints it twice (`1,1`).
      pkt.hide(pkt.add(field, off, 0, fr));
      continue;
    }
    // The verdict's field (for -T fields, JSON, filters) is hidden: the tree shows its expert
    // item under "TCP Analysis Flags", as Wireshark's expert_add_info on the flags item does.
    pkt.hide(pkt.add(field, off, 0, fl));
    pkt.addExpert(fl, sev, 'Sequence', abbrev, msg);
    // Fast and spurious retransmissions are also retransmissions (a second expert item).
    if (flag === TcpFlag.FAST_RETRANSMISSION || flag === TcpFlag.SPURIOUS_RETRANSMISSION) {
      pkt.hide(pkt.add(AF.retransmission, off, 0, fl));
      pkt.addExpert(fl, Severity.Note, 'Sequence', 'tcp.analysis.retransmission', 'This frame is a (suspected) retransmission');
    }
    if (flag === TcpFlag.RETRANSMISSION && r.rtoFrame) {
      if (r.rto !== 0) {
        pkt.add(AF.rto, off, 0, fl, r.rto);
        pkt.add(AF.rto_frame, off, 0, fl, r.rtoFrame);
      }
    }
  }
}

/**
 * The Info prefix of the current segment's verdicts (`analysed`: analyseTcp ran for it), in tshark's order (each verdict is
 * prepended in turn, so the last one tested comes first). `reused` adds `[TCP Port numbers reused]`.
 */
export function tcpAnalysisInfoPrefix(analysed: boolean, reused: boolean): string {
  const f = analysed && result.present ? result.flags : 0;
  if (!f && !reused) return '';
  let s = '';
  const pre = (t: string) => {
    s = t + s;
  };
  if (reused) pre('[TCP Port numbers reused] ');
  if (f & TcpFlag.RETRANSMISSION) pre('[TCP Retransmission] ');
  if (f & TcpFlag.FAST_RETRANSMISSION) pre('[TCP Fast Retransmission] ');
  if (f & TcpFlag.SPURIOUS_RETRANSMISSION) pre('[TCP Spurious Retransmission] ');
  if (f & TcpFlag.OUT_OF_ORDER) pre('[TCP Out-Of-Order] ');
  if (f & TcpFlag.LOST_PACKET) pre('[TCP Previous segment not captured] ');
  if (f & TcpFlag.ACK_LOST_PACKET) pre('[TCP ACKed unseen segment] ');
  if (f & TcpFlag.WINDOW_UPDATE) pre('[TCP Window Update] ');
  if (f & TcpFlag.WINDOW_FULL) pre('[TCP Window Full] ');
  if (f & TcpFlag.KEEP_ALIVE) pre('[TCP Keep-Alive] ');
  if (f & TcpFlag.KEEP_ALIVE_ACK) pre('[TCP Keep-Alive ACK] ');
  if (f & TcpFlag.DUPLICATE_ACK) pre(`[TCP Dup ACK ${result.dupackFrame}#${result.dupackNum}] `);
  if (f & TcpFlag.ZERO_WINDOW_PROBE) pre('[TCP ZeroWindowProbe] ');
  if (f & TcpFlag.ZERO_WINDOW) pre('[TCP ZeroWindow] ');
  if (f & TcpFlag.ZERO_WINDOW_PROBE_ACK) pre('[TCP ZeroWindowProbeAck] ');
  return s;
}
