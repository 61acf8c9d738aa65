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
 * The table is bounded (TCP_LIMITS.maxConversations): the oldest conversations are evicted.
 */
import { seqDiff } from './seq.js';

export const TCP_LIMITS = {
  /** Conversations tracked at once; the oldest are evicted beyond this. */
  maxConversations: 1_000_000,
};

export interface TcpDirection {
  baseSet: boolean;
  base: number;
  sawSyn: boolean;
  /**
   * Window scale as Wireshark keeps it: -1 unknown, -2 scaling not used, else the shift (0..14)
   * announced by this side (in its SYN; Wireshark also takes the option from any segment).
   */
  wscale: number;
}

export interface TcpConversation {
  stream: number;
  /** Whether direction 0 (the first packet's sender) is the reverse of the canonical key order. */
  firstReversed: boolean;
  /** Direction 0 is the side that sent the first packet seen. */
  dirs: [TcpDirection, TcpDirection];
  firstFrame: number;
  lastSec: number;
  /** A SYN asked for Accurate ECN (AE, CWR and ECE set). */
  accEcnSyn?: boolean;
  /** The SYN/ACK agreed: AE/CWR/ECE now carry the ACE counter (draft-ietf-tcpm-accurate-ecn). */
  accEcn?: boolean;
  /** Sequence-analysis state (src/analysis/tcp-analysis.ts), made on the first segment analysed. */
  analysis?: unknown;
}

export interface TcpConvTable {
  byKey: Map<string, TcpConversation>;
  nextStream: number;
  evicted: number;
  /**
   * Second pass of a two-pass read: the conversations as the first pass left them, by stream.
   * Relative numbers and window scaling then use these final values, as `tshark -2` does (its
   * conversation state survives into the second pass).
   */
  finals?: TcpConversation[];
  /** First pass: every conversation by stream, handed to the second pass. */
  all?: TcpConversation[];
  /** Results of the last lookup (kept here so a lookup allocates nothing). */
  dir: number;
  reusedPorts: boolean;
}

export function newConvTable(): TcpConvTable {
  return { byKey: new Map(), nextStream: 0, evicted: 0, dir: 0, reusedPorts: false };
}

function newDir(): TcpDirection {
  return { baseSet: false, base: 0, sawSyn: false, wscale: -1 };
}

export interface TcpSegmentInfo {
  seq: number;
  ack: number;
  flags: number;
  /** Window scale shift option in this segment, or -1. */
  wsOpt: number;
}

const SYN = 0x02;
const ACK = 0x10;

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

/**
 * Finds or creates the conversation of a segment and updates the base sequence numbers and
 * window-scale knowledge (packet-tcp.c: conversation lookup, port reuse, tcp_analyze_sequence_number's
 * base_seq, pdu_store_window_scale_option and verify_tcp_window_scaling). `key` is the canonical
 * 4-tuple key and `reversed` says whether this segment goes against its order. Sets `t.dir` (the
 * segment's direction in the conversation) and `t.reusedPorts`.
 */
export function trackSegment(t: TcpConvTable, key: string, reversed: boolean, seq: number, ack: number, flags: number, wsOpt: number, frame: number, sec: number): TcpConversation {
  let conv = t.byKey.get(key);
  let dir = conv ? (reversed === conv.firstReversed ? 0 : 1) : 0;
  let reused = false;
  if (conv && (flags & (SYN | ACK)) === SYN) {
    const d = conv.dirs[dir]!;
    if (d.baseSet && d.base !== seq) {
      // Port reuse: a new connection (a new stream) on the same 4-tuple.
      t.byKey.delete(key);
      conv = undefined;
      reused = true;
    }
  }
  if (!conv) {
    if (t.byKey.size >= TCP_LIMITS.maxConversations) {
      const oldest = t.byKey.keys().next().value as string;
      t.byKey.delete(oldest);
      t.evicted++;
    }
    conv = { stream: t.nextStream++, firstReversed: reversed, dirs: [newDir(), newDir()], firstFrame: frame, lastSec: sec };
    t.byKey.set(key, conv);
    t.all?.push(conv);
    dir = 0;
  }
  conv.lastSec = sec;
  const fwd = conv.dirs[dir]!;
  const rev = conv.dirs[1 - dir]!;
  if ((flags & (SYN | ACK)) === (SYN | ACK) && fwd.baseSet && fwd.base !== seq) {
    // A SYN/ACK with another ISN on a known conversation: ports reused, the side starts afresh.
    reused = true;
    fwd.base = seq;
  }
  if (!fwd.baseSet) {
    fwd.base = flags & SYN ? seq : (seq - 1) >>> 0;
    fwd.baseSet = true;
  }
  if (!rev.baseSet && flags & ACK) {
    rev.base = (ack - 1) >>> 0;
    rev.baseSet = true;
  }
  if (wsOpt >= 0) fwd.wscale = Math.min(wsOpt, 14);
  if ((flags & (SYN | ACK)) === SYN) conv.accEcnSyn = (flags & 0x1c0) === 0x1c0;
  else if ((flags & (SYN | ACK)) === (SYN | ACK) && conv.accEcnSyn) {
    const e = flags & 0x1c0;
    conv.accEcn = e !== 0 && e !== 0x40;
  }
  if (flags & SYN) {
    fwd.sawSyn = true;
    if (fwd.wscale === -1) {
      // This SYN (or SYN/ACK) has no window-scale option: neither side scales.
      fwd.wscale = -2;
      rev.wscale = -2;
    } else if (flags & ACK && rev.wscale === -2) {
      fwd.wscale = -2;
    }
  }
  t.dir = dir;
  t.reusedPorts = reused;
  return conv;
}

/** The state to read relative numbers and scaling from: pass-1 finals in a second pass. */
export function effective(t: TcpConvTable, conv: TcpConversation): TcpConversation {
  return t.finals?.[conv.stream] ?? conv;
}

/** Relative sequence number in a direction. */
export function relSeq(d: TcpDirection, seq: number): number {
  return d.baseSet ? seqDiff(seq, d.base) >>> 0 : seq;
}

/**
 * Wireshark's window scale factor for a non-SYN segment sent in direction `dir`: the shift, or
 * -1 (unknown: the handshake was not seen), or -2 (scaling not used).
 */
export function windowShift(conv: TcpConversation, dir: number): number {
  return conv.dirs[dir]!.wscale;
}
