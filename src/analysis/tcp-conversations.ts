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
  /** Window shift from this side's SYN: -1 no SYN seen, -2 SYN without the option, else 0..14. */
  wscale: number;
}

export interface TcpConversation {
  stream: number;
  /** Direction 0 is the side that sent the first packet seen. */
  dirs: [TcpDirection, TcpDirection];
  /** Address/port text of direction 0's sender, for matching. */
  firstFrame: number;
  lastSec: number;
}

export interface TcpConvTable {
  byKey: Map<string, TcpConversation>;
  nextStream: number;
  evicted: number;
}

export function newConvTable(): TcpConvTable {
  return { byKey: new Map(), nextStream: 0, evicted: 0 };
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

export interface ConvLookup {
  conv: TcpConversation;
  /** 0 or 1: the direction of this segment. */
  dir: number;
  reusedPorts: boolean;
}

const SYN = 0x02;
const ACK = 0x10;

/**
 * Finds or creates the conversation of a segment and updates the base sequence numbers and
 * window-scale knowledge. `fwdKey` identifies src->dst, `revKey` dst->src.
 */
export function trackSegment(t: TcpConvTable, fwdKey: string, revKey: string, seg: TcpSegmentInfo, frame: number, sec: number): ConvLookup {
  let conv = t.byKey.get(fwdKey);
  let dir = 0;
  if (conv) dir = 0;
  else {
    conv = t.byKey.get(revKey);
    dir = 1;
  }
  let reused = false;
  const isSynOnly = (seg.flags & (SYN | ACK)) === SYN;
  if (conv && isSynOnly) {
    const d = conv.dirs[dir]!;
    if (d.baseSet && d.base !== seg.seq) {
      // Port reuse: a new connection on the same 4-tuple.
      t.byKey.delete(dir === 0 ? fwdKey : revKey);
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
    conv = { stream: t.nextStream++, dirs: [newDir(), newDir()], firstFrame: frame, lastSec: sec };
    t.byKey.set(fwdKey, conv);
    dir = 0;
  }
  conv.lastSec = sec;
  const fwd = conv.dirs[dir]!;
  const rev = conv.dirs[1 - dir]!;
  if (!fwd.baseSet) {
    fwd.base = seg.flags & SYN ? seg.seq : (seg.seq - 1) >>> 0;
    fwd.baseSet = true;
  }
  if (!rev.baseSet && seg.flags & ACK) {
    rev.base = (seg.ack - 1) >>> 0;
    rev.baseSet = true;
  }
  if (seg.flags & SYN) {
    fwd.sawSyn = true;
    fwd.wscale = seg.wsOpt >= 0 ? Math.min(seg.wsOpt, 14) : -2;
  }
  return { conv, dir, reusedPorts: reused };
}

/** Relative sequence number in a direction. */
export function relSeq(d: TcpDirection, seq: number): number {
  return d.baseSet ? seqDiff(seq, d.base) >>> 0 : seq;
}

/**
 * The window scale factor that applies to a non-SYN segment sent in direction `dir`:
 * the shift when both SYNs carried the option, -2 when a SYN lacked it, -1 when unknown.
 */
export function windowShift(conv: TcpConversation, dir: number): number {
  const a = conv.dirs[dir]!;
  const b = conv.dirs[1 - dir]!;
  if (a.wscale === -2 || b.wscale === -2) return -2;
  if (a.wscale >= 0 && b.wscale >= 0) return a.wscale;
  return -1;
}
