/**
 * The per-connection TCP model behind `wirelite stats FILE tcp`: what each connection went through,
 * summed up from the TCP tap (src/dissectors/tcp/tap.ts; one record per segment with Wireshark's
 * `tcp.analysis.*` verdicts, which depend only on earlier segments: one pass gives tshark -2's
 * values). No tree is built.
 *
 * Per connection (a TCP stream, `tcp.stream`):
 * - Originator and responder as Zeek has them: the sender of the first packet, except when that
 *   packet is a SYN/ACK (the roles are then flipped and `history` starts with `^`). Zeek's port
 *   heuristics for midstream connections are not applied.
 * - Zeek's `conn_state` and `history`: Zeek's endpoint state machine (TCPSessionAdapter.cc:
 *   INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET; the same transitions)
 *   and Zeek's `conn_state()` of base/protocols/conn/main.zeek over the final states and sizes.
 *   History letters as Zeek's `update_history`: s h a d f r once (s h f r again when their sequence
 *   number differs), i (FIN+RST) and q (SYN+FIN / SYN+RST) once; t (payload not beyond the
 *   highest sequence number sent, Zeek's `DidRxmit`), w (zero window) and g (content gap) at
 *   1, 10, 100, ... occurrences. Upper case for the originator. Not produced: c (we do not
 *   verify TCP checksums) and x. Our g is counted from tshark's "ACKed segment that wasn't
 *   captured" verdicts (Zeek counts gaps in its reassembler).
 * - Sizes: packets and frame bytes each way (as `tshark -z conv,tcp`), payload bytes (with
 *   retransmissions), unique bytes = the sequence span of the data delivered (highest of data end
 *   and peer's ACK, minus the first data sequence number), goodput = unique bytes / the time from
 *   the direction's first data segment to its last ACK (or last data segment).
 * - Handshake: tshark's iRTT (SYN to the ACK of the SYN/ACK) and its two halves.
 * - RTT samples: tshark's `tcp.analysis.ack_rtt`, kept per data direction in a log histogram
 *   (TCP_CONNECTION_LIMITS.rttBucketsPerDecade buckets per decade from 1 µs to 1000 s; exact
 *   count, min and max; p50/p95 are bucket midpoints, within ±6% of the true sample).
 * - Retransmissions by tshark's verdict (retransmission, fast, spurious, out-of-order, previous
 *   segment not captured, ACKed unseen, duplicate ACKs), zero-window time (from a zero window
 *   advertisement to the next non-zero window of the same side), window-full events.
 *
 * Congestion (per data direction, the sender S and its peer P):
 * - Rounds: a round starts with a data segment while none is open and ends when P ACKs data sent
 *   after the round started (beyond the highest sequence number sent at its start: one RTT of ACK
 *   clocking, BBR's round counting) or everything sent; the next round starts at once if data is
 *   outstanding. The congestion-window estimate of a round is
 *   the largest flight (tshark's bytes in flight, else highest sent - highest ACKed) seen in it.
 * - Phase of a round: fast recovery (a fast retransmission in it or recovery still running),
 *   RTO recovery (a retransmission with fewer than 3 duplicate ACKs before it), slow start (the
 *   flight grew by at least 1.5x and by at least one MSS), congestion avoidance (grew, less than
 *   that), flat (did not grow: the limit is elsewhere).
 * - Loss event: the first retransmission while not in recovery: tshark's fast or plain
 *   retransmission, or its "out-of-order" segment (a SACK sender retransmits holes between new
 *   segments, within tshark's 3 ms) unless that segment fills a gap in what the capture saw (it
 *   may be a reordered original). Kind: fast when tshark says so, or P's ACKs of S's
 *   data since they last advanced were duplicates or carried SACK blocks (a SACK sender
 *   retransmits on its scoreboard, often before tshark's third duplicate ACK, and tshark calls
 *   such ACKs window updates when the window grew) and the connection was silent less than
 *   200 ms; otherwise RTO. Not a loss event: a plain retransmission of S's previous data segment
 *   within half an RTT (or 1 ms) of it (`early`: a duplicate in the capture, no timer or ACK can
 *   be that fast); nor a tail loss probe: a plain retransmission of S's highest segment with no
 *   duplicate ACK or SACK before it after less than 200 ms of silence (Linux's minimum RTO; the
 *   ACKs after the probe start a recovery if something was lost). Recovery lasts until P ACKs the highest sequence number sent
 *   before the loss. Flight before = the largest flight of the round of the loss (or the previous
 *   round, whichever is larger); after = the largest flight of the first round that starts after
 *   recovery ended, has no loss and no SACK blocks in P's ACKs (with holes the SACK-blind flight
 *   counts SACKed bytes too; null when the capture ends first).
 *
 * Limited-by time split (per data direction, from its first data segment to its last data; idle
 * time after the last data is not counted). After each packet of the connection the state of S is
 * decided; the time to the next packet of the connection is counted in that state:
 *   1. P's window is zero → receiver-window-limited;
 *   2. nothing outstanding (highest sent = highest ACKed) → application-limited (counted only
 *      when S sends data again: idle time between bursts);
 *   3. outstanding ≥ P's window - 1 MSS (P's window scaling known), or
 *      S's last data segment was "window full" and P has not ACKed since → receiver-window-limited;
 *   4. S is in loss recovery → congestion-limited;
 *   5. outstanding ≥ 3/4 of the congestion-window estimate (the largest flight of the last round,
 *      unless it was a recovery round, or of this round so far), the flight grew in the last
 *      round (a sender that is not limited by its congestion window does not grow it) or the
 *      last round was ACK-clocked (S answered at least half of P's advancing ACKs with new data
 *      within min(0.5 ms, RTT/4): a bulk sender at a steady window, e.g. CUBIC near its
 *      plateau, whose round maxima do not grow), and the flight is at least the initial window
 *      (10 MSS) or S has had a loss → congestion-limited;
 *   6. otherwise (data in flight below both windows) → application-limited.
 * The MSS of S is what P announced in its SYN, or the largest segment S sent if larger (or none).
 *
 * Verdict: the direction that sent the most unique bytes. If it lost a third of the connection's
 * duration or more waiting for retransmission timeouts (RTO stalls below), that is the limit
 * (congestion/loss); otherwise its largest share of limited-by time names the limit (receiver window; congestion with losses; congestion without losses or
 * request/response exchanges and rounds whose round trips take most of the time → the network's RTT; application), with the
 * frames that show it. Detectors (each with frames):
 * - Nagle meeting delayed ACK: P's ACK of S's data comes 25-60 ms or 150-260 ms later than the
 *   smallest RTT (a delayed ACK: at most 2 MSS were outstanding) and S's next data segment is
 *   smaller than the MSS and follows that ACK within 1.5 RTT + 5 ms (it was waiting for it);
 *   reported from 3 occurrences on.
 * - Zero-window stall: each zero-window period of P (duration, first and last frame).
 * - RTO stall: a retransmission (plain or spurious, not fast) after ≥ 200 ms without any packet
 *   on the connection; the time lost is that silence.
 * - Capture missed packets: a "previous segment not captured" gap that P ACKs later while no
 *   retransmission filled it, or an ACK of data beyond what S was seen sending ("ACKed unseen"
 *   once S has been seen sending): the receiver got the bytes, the capture did not.
 *
 * Memory (a SYN flood makes a million connections of one packet each, a scan a million of a SYN
 * and its RST): a connection's first two segments, when they carry no payload, no FIN and come
 * over IPv4, are only recorded (FirstBlock, 48 bytes a connection in typed arrays indexed by the
 * stream number: addresses as numbers, no text; the second segment 52 bytes more, SecondStore);
 * the model of the connection (ConnBlock: its numbers in typed arrays, about 260 bytes with the
 * endpoint text) is made when another segment comes, by feeding it the recorded segments and
 * then the new one, so the result is the same as feeding them all. A connection that stays
 * recorded gets its model only for the time of its summary. The per-direction detail and
 * histograms are created on the first packet with payload or FIN, or on the third packet once
 * both sides have sent one (SYN retries and SYN+RST pairs stay compact);
 * every list is fixed-size (TCP_CONNECTION_LIMITS), counts and totals stay exact beyond it.
 */
import type { TcpTapRecord } from '../dissectors/tcp/tap.js';
import { addTcpTap, tcpTapRecord } from '../dissectors/tcp/tap.js';
import { formatIPv4At, formatIPv6 } from '../dissectors/bytes.js';
import { TcpFlag } from '../dissectors/tcp/analysis.js';
import { seqGe, seqGt, seqLt, seqDiff } from '../dissectors/tcp/seq.js';

/** Named limits of the per-connection model (all per connection unless said otherwise). */
export const TCP_CONNECTION_LIMITS = {
  /** Connections tracked per capture; later ones are only counted (`untracked`). */
  maxConnections: 2_000_000,
  /**
   * Connections that get the detailed model (RTT, congestion, detectors; a few kilobytes each);
   * the rest keep counts, state and history.
   */
  maxDetailed: 100_000,
  /** RTT histogram resolution: buckets per decade (1 µs .. 1000 s): quantiles within ±6%. */
  rttBucketsPerDecade: 20,
  /** Congestion rounds kept per direction; when full, adjacent rounds are merged (largest flight kept). */
  roundsKept: 128,
  /** Loss events, zero-window stalls and RTO stalls kept per direction (counts and totals stay exact). */
  eventsKept: 32,
  /** Frames kept per piece of evidence. */
  evidenceFrames: 8,
  /** "Previous segment not captured" gaps waiting for a retransmission or an ACK, per direction. */
  pendingGaps: 16,
  /** Characters of the history string. */
  historyChars: 64,
};

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const ECE = 0x40;
const CWR = 0x80;

/** Zeek's TCP endpoint states. */
const enum ZS { INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET }

const enum Phase { SLOW_START = 1, CONG_AVOID, FAST_RECOVERY, RTO_RECOVERY, FLAT }
const PHASE_NAMES = ['', 'slow start', 'congestion avoidance', 'fast recovery', 'RTO recovery', 'flat'];
/** When rounds are merged, the phase that says more wins. */
const PHASE_RANK = [0, 2, 1, 4, 5, 0];

const enum Lim { NONE, IDLE, RWND, CONG, APP }

const RTT_MIN = 1e-6;
const RTT_DECADES = 9;

/** Log histogram of RTT samples (seconds). */
class RttHist {
  counts = new Uint32Array(RTT_DECADES * TCP_CONNECTION_LIMITS.rttBucketsPerDecade);
  n = 0;
  min = Infinity;
  max = 0;
  add(v: number): void {
    const b = TCP_CONNECTION_LIMITS.rttBucketsPerDecade;
    let i = v <= RTT_MIN ? 0 : Math.floor(Math.log10(v / RTT_MIN) * b);
    if (i >= this.counts.length) i = this.counts.length - 1;
    this.counts[i]!++;
    this.n++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  quantile(p: number): number {
    const b = TCP_CONNECTION_LIMITS.rttBucketsPerDecade;
    const want = Math.max(1, Math.ceil(p * this.n));
    let acc = 0;
    for (let i = 0; i < this.counts.length; i++) {
      acc += this.counts[i]!;
      if (acc >= want) return Math.min(this.max, Math.max(this.min, RTT_MIN * 10 ** ((i + 0.5) / b)));
    }
    return this.max;
  }
}

/** A list that keeps its first `cap` items and counts the rest. */
class Kept<T> {
  items: T[] = [];
  count = 0;
  constructor(private cap: number) {}
  add(v: T): void {
    // The same frame twice in a row is one piece of evidence.
    if (this.items.length && this.items[this.items.length - 1] === v) return;
    this.count++;
    if (this.items.length < this.cap) this.items.push(v);
  }
}

export interface LossEvent {
  frame: number;
  /** Seconds since the connection's first packet. */
  time: number;
  kind: 'fast' | 'rto';
  flightBefore: number;
  flightAfter: number | null;
}

export interface Stall {
  startFrame: number;
  endFrame: number;
  seconds: number;
}

/** Everything kept about one direction (the side that sends) once a connection is detailed. */
class Side {
  dataPkts = 0;
  payload = 0;
  /** Relative sequence numbers: first data byte, highest data end, highest ACK from the peer (-1 none). */
  startSeq = -1;
  highEnd = -1;
  /** Sequence number of this side's FIN (-1 none): ACKs beyond it are not data. */
  finAt = -1;
  highAck = -1;
  firstDataT = -1;
  lastDataT = -1;
  lastAckedT = -1;
  maxSeg = 0;
  rtx = 0;
  /** Plain retransmissions within half an RTT of this side's previous packet (not loss events). */
  early = 0;
  /** Time of this side's previous packet (-1 none). */
  lastSentT = -1;
  fast = 0;
  spurious = 0;
  ooo = 0;
  lost = 0;
  ackedUnseen = 0;
  dupAcks = 0;
  dupRun = 0;
  /** ACKs of this side's data carrying SACK blocks since the peer's ACK last advanced. */
  sackRun = 0;
  /** Start of this side's previous data segment (-1 none). */
  lastDataSeq = -1;
  zeroWinAdv = 0;
  /** Zero-window probes received (sent by the peer into this side's zero window). */
  zeroProbe = 0;
  winFull = 0;
  winUpdate = 0;
  keepAlive = 0;
  winFullFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  rtxFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  /** Windows this side advertised (scaled; not in SYNs). */
  maxWin = -1;
  minWin = -1;
  lastWin = -1;
  winKnown = false;
  zeroSince = -1;
  zeroStartFrame = 0;
  zeroTime = 0;
  zeroStalls = new Kept<Stall>(TCP_CONNECTION_LIMITS.eventsKept);
  rtt: RttHist | undefined;
  // congestion
  roundOpen = false;
  roundEndSeq = 0;
  roundFlight = 0;
  roundLoss = 0;
  /** P's ACKs carried SACK blocks in this round: holes make the SACK-blind flight overstate the pipe. */
  roundSack = false;
  prevFlight = 0;
  roundsDone = 0;
  lastGrew = true;
  /**
   * ACK clocking: time of P's last advancing ACK of S's data not yet answered (-1 none), the
   * advancing ACKs of this round and how many S answered with new data at once; whether the
   * last round was ACK-clocked.
   */
  ackT = -1;
  clockAcks = 0;
  clockHits = 0;
  lastClocked = false;
  prevWasLoss = false;
  maxFlight = 0;
  flights: Uint32Array | undefined;
  phases: Uint8Array | undefined;
  nRounds = 0;
  stride = 1;
  accN = 0;
  accFlight = 0;
  accPhase = 0;
  phaseCount = [0, 0, 0, 0, 0, 0];
  recovery = 0;
  recoverySeq = 0;
  lossSeen = false;
  losses = new Kept<LossEvent>(TCP_CONNECTION_LIMITS.eventsKept);
  fastLosses = 0;
  rtoLosses = 0;
  awaitAfter: LossEvent[] = [];
  // limited-by
  lim = Lim.NONE;
  tRwnd = 0;
  tCong = 0;
  tApp = 0;
  pendingIdle = 0;
  rwndFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  congFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  appFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  winFullPending = false;
  // detectors
  nagleCandT = -1;
  nagleCandFrame = 0;
  nagleCandClass = 0;
  nagle40 = 0;
  nagle200 = 0;
  nagleFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  rtoStalls = new Kept<Stall>(TCP_CONNECTION_LIMITS.eventsKept);
  rtoLost = 0;
  gapStart: number[] = [];
  gapEnd: number[] = [];
  gapFrame: number[] = [];
  gapsFilled = 0;
  missed = 0;
  missedBytes = 0;
  missedFrames = new Kept<number>(TCP_CONNECTION_LIMITS.evidenceFrames);
  // ECN marks
  ece = 0;
  cwr = 0;
  ect = 0;
  ce = 0;
  turnsStarted = 0;
}

/** Options of a side's SYN (unpacked from TcpConnection.syn0/syn1). */
interface SynInfo {
  mss: number;
  ws: number;
  sack: boolean;
}

/** A SYN's options packed in one small integer: MSS + 1 (17 bits), shift + 1 (5 bits), SACK permitted. */
function packSyn(mss: number, ws: number, sack: boolean): number {
  return (mss + 1) | (Math.min(ws + 1, 31) << 17) | (sack ? 1 << 22 : 0);
}

function synOf(c: TcpConnection, dir: number): SynInfo | undefined {
  const v = dir === 0 ? c.syn0 : c.syn1;
  if (v < 0) return undefined;
  return { mss: (v & 0x1ffff) - 1, ws: ((v >> 17) & 31) - 1, sack: (v & (1 << 22)) !== 0 };
}

/** Zeek's per-endpoint numbers, 8 per direction (int32), per connection. */
const ZK_PER_CONN = 16;
/** Connections per storage block (the per-connection numbers live in typed arrays, ConnBlock). */
const BLOCK = 4096;

/** Per-connection numbers stored as doubles (times; byte counts that may pass 2^31). */
const F64_FIELDS = ['sec0', 't0', 'tLast', 'synT', 'synAckT', 'hsAckT', 'iRtt', 'bytes0', 'bytes1'] as const;
/** Per-connection numbers stored as int32. */
const I32_FIELDS = ['firstFrame', 'lastFrame', 'pkts0', 'pkts1', 'zs', 'histSeen', 'syn0', 'syn1', 'seen', 'finFirst', 'rstFirst', 'origDir', 'lastDataDir'] as const;
const NF = F64_FIELDS.length;
const NI = I32_FIELDS.length;

/**
 * Storage of `cap` connection models: numbers in typed arrays (about 190 bytes a connection with
 * Zeek's endpoint numbers), the endpoint text, history and lazily created detail in plain arrays.
 */
class ConnBlock {
  f: Float64Array;
  n: Int32Array;
  zk: Int32Array;
  ends: string[] = [];
  history: string[] = [];
  detail: Array<[Side, Side] | undefined> = [];
  constructor(cap = BLOCK) {
    this.f = new Float64Array(cap * NF);
    this.n = new Int32Array(cap * NI);
    this.zk = new Int32Array(cap * ZK_PER_CONN).fill(-1);
  }
  /** Empties slot 0 of a one-connection block (the model of a one-segment connection, made for its summary). */
  clear(): void {
    this.f.fill(0);
    this.n.fill(0);
    this.zk.fill(-1);
    this.detail[0] = undefined;
  }
}

/** FirstBlock.u words per connection: the recorded first segment. */
const U_NSEC = 0;
const U_FRAME = 1;
const U_FRAMELEN = 2;
const U_SEQ = 3;
const U_SRC = 4;
const U_DST = 5;
/** Source port << 16 | destination port. */
const U_PORTS = 6;
/** The SYN options as packSyn packs them (0 when the segment had none of them). */
const U_SYN = 7;
/** TCP flags (12 bits), raw window << 12 (16 bits), then the F_* bits. */
const U_BITS = 8;
const NU = 9;
const F_DIR = 1 << 28;
const F_ACK_LOST = 1 << 29;
const F_NO_ADDR = 1 << 30;

/**
 * The connections of BLOCK consecutive streams: the state of each (`model`: 0 not seen, -1 its
 * first segment recorded, -2 - p its first two segments recorded, the second in slot p of
 * TcpConnections.seconds, else the ConnBlock slot of its model + 1) and its recorded first
 * segment (48 bytes a connection in all).
 */
class FirstBlock {
  sec = new Float64Array(BLOCK);
  u = new Uint32Array(BLOCK * NU);
  model = new Int32Array(BLOCK);
}

/**
 * Recorded second segments (52 bytes each, with tshark's iRTT: a RST can give it), in blocks of
 * BLOCK slots; a slot is reused once its model is made.
 */
class SecondStore {
  private secs: Float64Array[] = [];
  private us: Uint32Array[] = [];
  private rtts: Float64Array[] = [];
  private next = 0;
  private free: number[] = [];
  alloc(): number {
    const p = this.free.pop();
    if (p !== undefined) return p;
    if (this.next % BLOCK === 0) {
      this.secs.push(new Float64Array(BLOCK));
      this.us.push(new Uint32Array(BLOCK * NU));
      this.rtts.push(new Float64Array(BLOCK));
    }
    return this.next++;
  }
  release(p: number): void {
    this.free.push(p);
  }
  record(p: number, r: TcpTapRecord): void {
    const b = Math.floor(p / BLOCK);
    recordSegment(this.secs[b]!, this.us[b]!, p % BLOCK, r);
    this.rtts[b]![p % BLOCK] = r.initialRtt;
  }
  replay(p: number, stream: number): TcpTapRecord {
    const b = Math.floor(p / BLOCK);
    const r = replaySegment(this.secs[b]!, this.us[b]!, p % BLOCK, stream);
    r.initialRtt = this.rtts[b]![p % BLOCK]!;
    return r;
  }
}

/**
 * Whether a connection's first or second segment can be recorded instead of making the model:
 * what the model takes from it then is the handshake facts, tshark's iRTT (kept for a second
 * segment only), the sizes and Zeek's state (no detail is made for a segment without payload or
 * FIN before the third segment).
 */
function recordable(r: TcpTapRecord): boolean {
  return r.len === 0 && !(r.flags & FIN) && r.ipVersion !== 6 && r.flags < 4096 && r.dir <= 1;
}

function recordSegment(sec: Float64Array, u: Uint32Array, k: number, r: TcpTapRecord): void {
  const o = k * NU;
  sec[k] = r.tsSec;
  u[o + U_NSEC] = r.tsNsec;
  u[o + U_FRAME] = r.frame;
  u[o + U_FRAMELEN] = r.frameLen;
  u[o + U_SEQ] = r.seqRaw;
  const a = r.addrBytes;
  if (a.length) {
    u[o + U_SRC] = ((a[r.srcAddrOff]! << 24) | (a[r.srcAddrOff + 1]! << 16) | (a[r.srcAddrOff + 2]! << 8) | a[r.srcAddrOff + 3]!) >>> 0;
    u[o + U_DST] = ((a[r.dstAddrOff]! << 24) | (a[r.dstAddrOff + 1]! << 16) | (a[r.dstAddrOff + 2]! << 8) | a[r.dstAddrOff + 3]!) >>> 0;
  }
  u[o + U_PORTS] = ((r.srcPort << 16) | r.dstPort) >>> 0;
  u[o + U_SYN] = r.flags & SYN ? packSyn(r.mss, r.wsShift, r.sackPerm) : 0;
  u[o + U_BITS] = (r.flags | ((r.winRaw & 0xffff) << 12) | (r.dir ? F_DIR : 0) | (r.analysisFlags & TcpFlag.ACK_LOST_PACKET ? F_ACK_LOST : 0) | (a.length ? 0 : F_NO_ADDR)) >>> 0;
}

const replayAddr = new Uint8Array(8);
const noAddr = new Uint8Array(0);
/** A recorded segment, as a tap record (one reused record, as the tap's own). */
const replay: TcpTapRecord = { ...tcpTapRecord };

function replaySegment(sec: Float64Array, u: Uint32Array, k: number, stream: number): TcpTapRecord {
  const o = k * NU;
  const r = replay;
  const bits = u[o + U_BITS]!;
  const syn = u[o + U_SYN]!;
  r.stream = stream;
  r.tsSec = sec[k]!;
  r.tsNsec = u[o + U_NSEC]!;
  r.frame = u[o + U_FRAME]!;
  r.frameLen = u[o + U_FRAMELEN]!;
  r.seqRaw = u[o + U_SEQ]!;
  r.srcPort = u[o + U_PORTS]! >>> 16;
  r.dstPort = u[o + U_PORTS]! & 0xffff;
  r.flags = bits & 0xfff;
  r.winRaw = (bits >>> 12) & 0xffff;
  r.dir = bits & F_DIR ? 1 : 0;
  r.analysisFlags = bits & F_ACK_LOST ? TcpFlag.ACK_LOST_PACKET : 0;
  r.len = 0;
  r.initialRtt = 0;
  r.ipVersion = 4;
  r.mss = syn ? (syn & 0x1ffff) - 1 : -1;
  r.wsShift = syn ? ((syn >> 17) & 31) - 1 : -1;
  r.sackPerm = (syn & (1 << 22)) !== 0;
  if (bits & F_NO_ADDR) r.addrBytes = noAddr;
  else {
    for (let i = 0; i < 4; i++) {
      replayAddr[i] = u[o + U_SRC]! >>> (24 - 8 * i);
      replayAddr[4 + i] = u[o + U_DST]! >>> (24 - 8 * i);
    }
    r.addrBytes = replayAddr;
    r.srcAddrOff = 0;
    r.dstAddrOff = 4;
  }
  return r;
}

/**
 * One connection: a view of its slot in a ConnBlock (no object is kept per connection). Fields:
 * sec0 (epoch second of the first packet; t0, tLast and the handshake times are seconds since
 * it), firstFrame/lastFrame, packets and frame bytes by tap direction, zs (Zeek endpoint states by
 * tap direction with the previous state, 4 bits each), histSeen (Zeek's history mask), syn0/syn1
 * (each direction's SYN options, packSyn; -1 none), synT/synAckT/hsAckT (first SYN, SYN/ACK and
 * the ACK completing the handshake; -1 unseen), iRtt (tshark's), seen (bits 0/1 SYN by dir, 2/3
 * SYN-ACK, 4/5 FIN, 6/7 RST, 8 ECN setup in SYN, 9 ECE in SYN/ACK, 10/11 Zeek endpoint
 * initialised), finFirst/rstFirst (direction, -1), origDir (tap direction of the originator: 1
 * when the first packet was a SYN/ACK), lastDataDir (direction of the last data segment).
 */
export interface TcpConnection {
  sec0: number; t0: number; tLast: number; synT: number; synAckT: number; hsAckT: number; iRtt: number; bytes0: number; bytes1: number;
  firstFrame: number; lastFrame: number; pkts0: number; pkts1: number; zs: number; histSeen: number; syn0: number; syn1: number; seen: number;
  finFirst: number; rstFirst: number; origDir: number; lastDataDir: number;
}

export class TcpConnection {
  constructor(
    readonly blk: ConnBlock,
    readonly k: number,
    readonly stream: number,
  ) {}

  /** Fills a new slot from the connection's first segment. */
  init(r: TcpTapRecord, t: number): void {
    this.sec0 = r.tsSec;
    this.t0 = t;
    this.tLast = t;
    this.synT = -1;
    this.synAckT = -1;
    this.hsAckT = -1;
    this.firstFrame = r.frame;
    this.lastFrame = r.frame;
    this.syn0 = -1;
    this.syn1 = -1;
    this.finFirst = -1;
    this.rstFirst = -1;
    this.lastDataDir = -1;
    const v6 = r.ipVersion === 6;
    const a = r.addrBytes.length ? (v6 ? formatIPv6(r.addrBytes, r.srcAddrOff) : formatIPv4At(r.addrBytes, r.srcAddrOff)) : '?';
    const b = r.addrBytes.length ? (v6 ? formatIPv6(r.addrBytes, r.dstAddrOff) : formatIPv4At(r.addrBytes, r.dstAddrOff)) : '?';
    // join() builds one flat string (a template literal keeps a tree of pieces alive).
    this.blk.ends[this.k] = [a, r.srcPort, b, r.dstPort].join(' ');
    this.blk.history[this.k] = '';
  }

  /** "addr port addr port" of tap direction 0 (sender first). */
  get ends(): string {
    return this.blk.ends[this.k]!;
  }
  get history(): string {
    return this.blk.history[this.k]!;
  }
  set history(v: string) {
    this.blk.history[this.k] = v;
  }
  get detail(): [Side, Side] | undefined {
    return this.blk.detail[this.k];
  }
  set detail(v: [Side, Side] | undefined) {
    this.blk.detail[this.k] = v;
  }
  /** Zeek's endpoint numbers: 16 int32 at `zo` in `zk`. */
  get zk(): Int32Array {
    return this.blk.zk;
  }
  get zo(): number {
    return this.k * ZK_PER_CONN;
  }

  zState(dir: number): number {
    return (this.zs >> (dir * 8)) & 15;
  }
  zPrev(dir: number): number {
    return (this.zs >> (dir * 8 + 4)) & 15;
  }
  setZ(dir: number, s: number): void {
    const cur = this.zState(dir);
    const sh = dir * 8;
    this.zs = (this.zs & ~(0xff << sh)) | (((cur << 4) | s) << sh);
  }
}

// Two loops, not one helper taking the array as a closure: the accessors run on every segment, and
// the closure made `stats tcp` about 5% slower.
F64_FIELDS.forEach((name, i) => {
  Object.defineProperty(TcpConnection.prototype, name, {
    get(this: TcpConnection) {
      return this.blk.f[this.k * NF + i];
    },
    set(this: TcpConnection, v: number) {
      this.blk.f[this.k * NF + i] = v;
    },
  });
});
I32_FIELDS.forEach((name, i) => {
  Object.defineProperty(TcpConnection.prototype, name, {
    get(this: TcpConnection) {
      return this.blk.n[this.k * NI + i];
    },
    set(this: TcpConnection, v: number) {
      this.blk.n[this.k * NI + i] = v;
    },
  });
});

/** What a card shows about one direction (sent by that side). */
export interface DirectionSummary {
  packets: number;
  bytes: number;
  dataPackets: number | null;
  payloadBytes: number | null;
  uniqueBytes: number | null;
  goodputBitsPerSecond: number | null;
  mss: number | null;
  windowScaleShift: number | null;
  sackPermitted: boolean | null;
  maxWindow: number | null;
  minWindow: number | null;
  retransmissions: {
    retransmission: number; early: number; fast: number; spurious: number; outOfOrder: number; lostSegment: number; ackedUnseen: number; dupAcks: number; frames: number[];
  } | null;
  zeroWindow: { advertisements: number; probes: number; seconds: number; stalls: Stall[] } | null;
  windowFull: { count: number; frames: number[] } | null;
  keepAlives: number | null;
  rttMs: { count: number; min: number; p50: number; p95: number; max: number } | null;
  ecn: { ece: number; cwr: number; ect: number; ce: number } | null;
  congestion: {
    rounds: number; maxFlight: number; roundsPerEntry: number; flightPerRound: number[]; phasePerRound: string[];
    phases: { slowStart: number; congestionAvoidance: number; fastRecovery: number; rtoRecovery: number; flat: number };
    lossEvents: { count: number; fast: number; rto: number; events: Array<LossEvent & { cutPercent: number | null }> };
  } | null;
  limitedBy: { transferSeconds: number; receiverWindow: number; congestion: number; application: number } | null;
}

export interface Detector {
  kind: 'nagle-delayed-ack' | 'zero-window-stall' | 'rto-stall' | 'capture-missed-packets';
  /** Which side's data it concerns. */
  side: 'originator' | 'responder';
  text: string;
  frames: number[];
  count: number;
  seconds?: number;
}

export interface ConnectionSummary {
  stream: number;
  originator: { address: string; port: number };
  responder: { address: string; port: number };
  flipped: boolean;
  firstFrame: number;
  lastFrame: number;
  /** Epoch seconds of the first packet. */
  startTime: number;
  duration: number;
  state: {
    handshake: 'complete' | 'syn' | 'syn-synack' | 'synack' | 'none';
    established: boolean;
    finFrom: 'none' | 'originator' | 'responder' | 'both';
    finFirst: 'originator' | 'responder' | null;
    resetBy: 'none' | 'originator' | 'responder' | 'both';
    halfOpen: boolean;
    summary: string;
  };
  connState: string;
  history: string;
  handshake: { rttMs: number | null; synToSynAckMs: number | null; synAckToAckMs: number | null };
  windowScaling: { negotiated: boolean | null; originatorShift: number | null; responderShift: number | null };
  sackPermitted: boolean | null;
  ecn: { negotiated: boolean; used: boolean; ceMarks: number };
  orig: DirectionSummary;
  resp: DirectionSummary;
  detailed: boolean;
  verdict: { limitedBy: 'receiver-window' | 'congestion' | 'network-rtt' | 'application' | 'none'; text: string; frames: number[] };
  detectors: Detector[];
}

/** The connections of a capture, fed by the TCP tap. */
export class TcpConnections {
  /** The connections of each BLOCK streams (by stream index / BLOCK). */
  private firsts: (FirstBlock | undefined)[] = [];
  /** Storage blocks of the models, by model slot / BLOCK. */
  private blocks: ConnBlock[] = [];
  private models = 0;
  private seconds = new SecondStore();
  /** Where the model of a connection of one or two segments is made for its summary. */
  private scratch = new ConnBlock(1);
  /** Connections tracked. */
  count = 0;
  untracked = 0;
  private lastUntracked = -1;
  detailed = 0;
  private readonly record: boolean;

  /**
   * `recordSegments: false` makes every model at once (what it costs without the records;
   * the tests compare the two).
   */
  constructor(opts: { recordSegments?: boolean } = {}) {
    this.record = opts.recordSegments ?? true;
  }

  /** Collects while `run` reads the file (the tap is removed afterwards). */
  async collect(run: () => Promise<unknown>): Promise<this> {
    const remove = addTcpTap((r) => this.add(r));
    try {
      await run();
    } finally {
      remove();
    }
    return this;
  }

  /** The connection of a stream, if tracked (a new view each call; the model of recorded segments is made anew). */
  get(stream: number): TcpConnection | undefined {
    const fb = this.firsts[Math.floor(stream / BLOCK)];
    const k = stream % BLOCK;
    const m = fb ? fb.model[k]! : 0;
    if (m === 0) return undefined;
    if (m > 0) return this.view(m - 1, stream);
    const c = new TcpConnection(new ConnBlock(1), 0, stream);
    this.replayRecorded(c, fb!, k, stream);
    return c;
  }

  /** Feeds a connection's recorded segments to an empty model. */
  private replayRecorded(c: TcpConnection, fb: FirstBlock, k: number, stream: number): void {
    const m = fb.model[k]!;
    this.feed(c, replaySegment(fb.sec, fb.u, k, stream), true);
    if (m <= -2) this.feed(c, this.seconds.replay(-m - 2, stream), false);
  }

  add(r: TcpTapRecord): void {
    if (r.stream >= TCP_CONNECTION_LIMITS.maxConnections) {
      // Stream indices are given in order of first appearance: a higher one is a new connection.
      if (r.stream > this.lastUntracked) {
        this.untracked++;
        this.lastUntracked = r.stream;
      }
      return;
    }
    const fi = Math.floor(r.stream / BLOCK);
    let fb = this.firsts[fi];
    if (!fb) fb = this.firsts[fi] = new FirstBlock();
    const k = r.stream % BLOCK;
    const m = fb.model[k]!;
    if (m > 0) {
      this.feed(this.view(m - 1, r.stream), r, false);
      return;
    }
    if (m === 0) {
      this.count++;
      if (this.record && recordable(r) && !(r.initialRtt > 0)) {
        recordSegment(fb.sec, fb.u, k, r);
        fb.model[k] = -1;
        return;
      }
    } else if (m === -1 && recordable(r)) {
      const p = this.seconds.alloc();
      this.seconds.record(p, r);
      fb.model[k] = -2 - p;
      return;
    }
    // The model is made now: from the recorded segments, if any, then this one.
    const slot = this.models++;
    if (slot % BLOCK === 0) this.blocks.push(new ConnBlock());
    const c = this.view(slot, r.stream);
    if (m < 0) {
      this.replayRecorded(c, fb, k, r.stream);
      if (m <= -2) this.seconds.release(-m - 2);
      this.feed(c, r, false);
    } else this.feed(c, r, true);
    fb.model[k] = slot + 1;
  }

  private view(slot: number, stream: number): TcpConnection {
    return new TcpConnection(this.blocks[Math.floor(slot / BLOCK)]!, slot % BLOCK, stream);
  }

  /** One segment into a connection's model (`first`: its first segment fills the slot). */
  private feed(c: TcpConnection, r: TcpTapRecord, first: boolean): void {
    if (first) {
      c.init(r, r.tsNsec / 1e9);
      if ((r.flags & (SYN | ACK)) === (SYN | ACK)) {
        c.origDir = 1;
        c.history = '^';
      }
    }
    // Seconds since the connection's first whole second: full precision whatever the epoch.
    update(this, c, r, r.tsSec - c.sec0 + r.tsNsec / 1e9);
  }

  /** Summaries in stream order. */
  *summaries(): Generator<ConnectionSummary> {
    for (let fi = 0; fi < this.firsts.length; fi++) {
      const fb = this.firsts[fi];
      if (!fb) continue;
      for (let k = 0; k < BLOCK; k++) {
        const m = fb.model[k]!;
        const stream = fi * BLOCK + k;
        if (m > 0) yield summarize(this.view(m - 1, stream));
        else if (m < 0) {
          this.scratch.clear();
          const c = new TcpConnection(this.scratch, 0, stream);
          this.replayRecorded(c, fb, k, stream);
          yield summarize(c);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Per-segment update

function update(all: TcpConnections, c: TcpConnection, r: TcpTapRecord, t: number): void {
  const d = r.dir;
  const flags = r.flags;
  const rel = t - c.t0;
  const silence = t - c.tLast;
  if (d === 0) {
    c.pkts0++;
    c.bytes0 += r.frameLen;
  } else {
    c.pkts1++;
    c.bytes1 += r.frameLen;
  }
  // Handshake facts.
  if (flags & SYN) {
    const packed = packSyn(r.mss, r.wsShift, r.sackPerm);
    if (d === 0) c.syn0 = packed;
    else c.syn1 = packed;
    if (flags & ACK) {
      c.seen |= 4 << d;
      if (c.synAckT < 0) c.synAckT = rel;
      if ((flags & (ECE | CWR)) === ECE) c.seen |= 0x200;
    } else {
      c.seen |= 1 << d;
      if (c.synT < 0) c.synT = rel;
      if ((flags & (ECE | CWR)) === (ECE | CWR)) c.seen |= 0x100;
    }
  } else if ((flags & ACK) && c.synAckT >= 0 && c.hsAckT < 0 && (c.seen & (4 << (1 - d)))) c.hsAckT = rel;
  if (r.initialRtt > 0) c.iRtt = r.initialRtt;
  if (flags & FIN) {
    c.seen |= 16 << d;
    if (c.finFirst < 0) c.finFirst = d;
  }
  if (flags & RST) {
    c.seen |= 64 << d;
    if (c.rstFirst < 0) c.rstFirst = d;
  }
  zeekUpdate(c, r, d === c.origDir);

  const total = c.pkts0 + c.pkts1;
  if (!c.detail && (r.len > 0 || (flags & FIN) || (total >= 3 && c.pkts0 > 0 && c.pkts1 > 0)) && all.detailed < TCP_CONNECTION_LIMITS.maxDetailed) {
    all.detailed++;
    c.detail = [new Side(), new Side()];
  }
  if (c.detail) detailUpdate(c, c.detail[d]!, c.detail[1 - d]!, r, rel, silence);
  c.tLast = t;
  c.lastFrame = r.frame;
}

/** The MSS S may send: what P announced, or the largest segment S sent if that is larger. */
function mssOf(c: TcpConnection, dir: number, s: Side): number {
  const announced = synOf(c, 1 - dir)?.mss ?? -1;
  const m = Math.max(announced, s.maxSeg);
  return m > 0 ? m : 1460;
}

function detailUpdate(c: TcpConnection, s: Side, p: Side, r: TcpTapRecord, rel: number, silence: number): void {
  const d = r.dir;
  const flags = r.flags;
  const af = r.analysisFlags;
  // 1. Time since the previous packet goes to each direction's state.
  for (const x of c.detail!) account(x, silence);

  // 2. This segment as sent by S.
  if (r.ipEcn === 3) s.ce++;
  else if (r.ipEcn) s.ect++;
  if (!(flags & SYN)) {
    if (flags & ECE) s.ece++;
    if (flags & CWR) s.cwr++;
  }
  if (af & TcpFlag.RETRANSMISSION) s.rtx++;
  if (af & TcpFlag.FAST_RETRANSMISSION) s.fast++;
  if (af & TcpFlag.SPURIOUS_RETRANSMISSION) s.spurious++;
  if (af & TcpFlag.OUT_OF_ORDER) s.ooo++;
  if (af & (TcpFlag.RETRANSMISSION | TcpFlag.FAST_RETRANSMISSION | TcpFlag.SPURIOUS_RETRANSMISSION)) s.rtxFrames.add(r.frame);
  if (af & TcpFlag.LOST_PACKET) s.lost++;
  if (af & TcpFlag.ACK_LOST_PACKET) s.ackedUnseen++;
  if (af & TcpFlag.DUPLICATE_ACK) {
    s.dupAcks++;
    p.dupRun++;
  }
  // Linux probes a zero window with a segment of no payload one byte below the ACKed data
  // (tcp_xmit_probe_skb), which tshark calls a keep-alive: one into P's zero window is a probe.
  if ((af & TcpFlag.ZERO_WINDOW_PROBE) || ((af & TcpFlag.KEEP_ALIVE) && p.lastWin === 0 && p.maxWin >= 0)) p.zeroProbe++;
  if (af & TcpFlag.WINDOW_UPDATE) s.winUpdate++;
  if (af & TcpFlag.KEEP_ALIVE) s.keepAlive++;
  if (af & TcpFlag.WINDOW_FULL) {
    s.winFull++;
    s.winFullFrames.add(r.frame);
  }
  // Windows S advertises (the window P may fill).
  if (!(flags & (SYN | RST))) {
    const w = r.win;
    s.winKnown = r.winScale !== -1;
    s.lastWin = w;
    if (w > s.maxWin) s.maxWin = w;
    if (s.minWin < 0 || w < s.minWin) s.minWin = w;
    if (w === 0) {
      s.zeroWinAdv++;
      if (s.zeroSince < 0) {
        s.zeroSince = rel;
        s.zeroStartFrame = r.frame;
      }
    } else if (s.zeroSince >= 0) {
      const dur = rel - s.zeroSince;
      s.zeroTime += dur;
      s.zeroStalls.add({ startFrame: s.zeroStartFrame, endFrame: r.frame, seconds: round6(dur) });
      s.zeroSince = -1;
    }
  }

  if ((flags & FIN) && s.finAt < 0) s.finAt = (r.seq + r.len) >>> 0;
  const mss = mssOf(c, d, s);
  const isData = r.len > 0 && !(af & (TcpFlag.KEEP_ALIVE | TcpFlag.ZERO_WINDOW_PROBE)) && !(flags & RST);
  if (isData) {
    const start = r.seq;
    const end = (r.seq + r.len) >>> 0;
    s.dataPkts++;
    s.payload += r.len;
    if (r.len > s.maxSeg) s.maxSeg = r.len;
    if (s.startSeq < 0) {
      s.startSeq = start;
      s.firstDataT = rel;
    }
    // Nagle meeting delayed ACK: a small segment that waited for P's delayed ACK.
    if (s.nagleCandT >= 0) {
      const rtt = minRtt(c, s);
      if (r.len < mss && rel - s.nagleCandT <= 1.5 * rtt + 0.005) {
        if (s.nagleCandClass === 40) s.nagle40++;
        else s.nagle200++;
        s.nagleFrames.add(s.nagleCandFrame);
      }
      s.nagleCandT = -1;
    }
    // Gaps: a retransmission that fills one shows the network lost it.
    let filledGap = false;
    if (s.gapStart.length && s.highEnd >= 0 && seqLt(start, s.highEnd)) {
      for (let i = s.gapStart.length - 1; i >= 0; i--) {
        if (seqLt(start, s.gapEnd[i]!) && seqGt(end, s.gapStart[i]!)) {
          s.gapsFilled++;
          filledGap = true;
          dropGap(s, i);
        }
      }
    }
    // The gap starts above what P already ACKed: bytes ACKed before this segment came were
    // counted then ("ACKed unseen"), not again when the gap is ACKed.
    const gapFrom = s.highAck >= 0 && s.highEnd >= 0 && seqGt(s.highAck, s.highEnd) ? s.highAck : s.highEnd;
    if ((af & TcpFlag.LOST_PACKET) && s.highEnd >= 0 && seqGt(start, gapFrom) && s.gapStart.length < TCP_CONNECTION_LIMITS.pendingGaps) {
      s.gapStart.push(gapFrom);
      s.gapEnd.push(start);
      s.gapFrame.push(r.frame);
    }
    // A new burst after idle time: that idle time was the application's.
    const newData = s.highEnd < 0 || seqGt(end, s.highEnd);
    if (newData) {
      if (c.lastDataDir !== d) {
        if (c.lastDataDir >= 0) s.turnsStarted++;
        c.lastDataDir = d;
      }
      if (s.pendingIdle > 0) {
        s.tApp += s.pendingIdle;
        s.pendingIdle = 0;
        s.appFrames.add(r.frame);
      }
      s.highEnd = end;
      s.lastDataT = rel;
      // New data right behind P's ACK (a sender-side capture sees the stack answer within
      // microseconds): the ACK opened the window S was waiting on.
      if (s.ackT >= 0 && rel - s.ackT <= Math.min(0.0005, 0.25 * minRtt(c, s))) s.clockHits++;
      s.ackT = -1;
    }
    // Congestion: loss events and rounds.
    const flight = r.bytesInFlight >= 0 ? r.bytesInFlight : s.highAck >= 0 ? Math.max(0, seqDiff(s.highEnd, s.highAck)) : r.len;
    const fastRtx = (af & TcpFlag.FAST_RETRANSMISSION) !== 0;
    const plainRtx = (af & TcpFlag.RETRANSMISSION) !== 0;
    if ((plainRtx || (af & TcpFlag.SPURIOUS_RETRANSMISSION)) && silence >= 0.2) {
      s.rtoStalls.add({ startFrame: c.lastFrame, endFrame: r.frame, seconds: round6(silence) });
      s.rtoLost += silence;
    }
    // tshark calls a retransmission sent soon after S's highest segment "out-of-order" (SACK
    // recovery sends them between new segments): when its bytes were seen before (it fills no
    // gap) it is a retransmission. One that fills a gap may be a reordered original: not counted.
    const oooRtx = (af & TcpFlag.OUT_OF_ORDER) !== 0 && !filledGap;
    // Fast (ACK-driven) when P's ACKs since their last advance were duplicates or carried SACK
    // blocks (a SACK sender retransmits on the scoreboard, often before tshark's third duplicate
    // ACK, or on ACKs tshark calls window updates) and no RTO-long silence preceded it.
    // (S's dupRun and sackRun count P's ACKs of S's data.)
    const acked = fastRtx || s.dupRun >= 3 || ((s.dupRun >= 1 || s.sackRun >= 1) && silence < 0.2);
    const kind = acked ? 'fast' : 'rto';
    // A copy of S's previous data segment right behind it (within half an RTT, or 1 ms) cannot be
    // a timeout or answer any ACK: a duplicate in the capture, not a loss event.
    const early = plainRtx && kind === 'rto' && !s.recovery && start === s.lastDataSeq && s.lastSentT >= 0 && rel - s.lastSentT < Math.max(0.5 * minRtt(c, s), 0.001);
    if (early) s.early++;
    // A tail loss probe (Linux sends one about 2 RTT after the last segment when no ACK came:
    // the highest segment again, no duplicate ACK before it, well within the 200 ms minimum RTO)
    // is not a loss by itself: the ACKs after it start a recovery if something was lost.
    const probe = plainRtx && kind === 'rto' && !s.recovery && silence < 0.2 && end === s.highEnd;
    if ((fastRtx || plainRtx || oooRtx) && !s.recovery && !early && !probe) {
      const ev: LossEvent = { frame: r.frame, time: round6(rel), kind, flightBefore: Math.max(s.roundFlight, s.prevFlight), flightAfter: null };
      s.losses.add(ev);
      if (kind === 'fast') s.fastLosses++;
      else s.rtoLosses++;
      s.awaitAfter.push(ev);
      if (s.awaitAfter.length > TCP_CONNECTION_LIMITS.eventsKept) s.awaitAfter.shift();
      s.recovery = kind === 'fast' ? Phase.FAST_RECOVERY : Phase.RTO_RECOVERY;
      s.recoverySeq = s.highEnd;
      s.roundLoss = s.recovery;
      s.lossSeen = true;
      s.congFrames.add(r.frame);
    }
    if (!plainRtx && !fastRtx && !(af & (TcpFlag.SPURIOUS_RETRANSMISSION | TcpFlag.OUT_OF_ORDER))) {
      if (!s.roundOpen) {
        s.roundOpen = true;
        s.roundEndSeq = s.highEnd;
        s.roundFlight = 0;
      }
    }
    if (s.roundOpen && flight > s.roundFlight) s.roundFlight = flight;
    if (flight > s.maxFlight) s.maxFlight = flight;
    if (af & TcpFlag.WINDOW_FULL) s.winFullPending = true;
    s.lastDataSeq = start;
  }

  // 3. What this segment tells about P's data (its ACK), P as the sender.
  if (flags & ACK && !(flags & SYN && !(flags & ACK))) {
    const ack = r.ack;
    if (r.ackRtt > 0) {
      if (!p.rtt) p.rtt = new RttHist();
      p.rtt.add(r.ackRtt);
    }
    if (p.highEnd >= 0) {
      const advanced = p.highAck < 0 || seqGt(ack, p.highAck);
      // Nagle meeting delayed ACK: this ACK came a delayed-ACK timer late for a small flight.
      if (advanced && r.ackRtt > 0) {
        const extra = r.ackRtt - minRtt(c, p);
        const outBefore = p.highAck >= 0 ? seqDiff(p.highEnd, p.highAck) : 0;
        const cls = extra >= 0.025 && extra <= 0.06 ? 40 : extra >= 0.15 && extra <= 0.26 ? 200 : 0;
        if (cls && outBefore <= 2 * mssOf(c, 1 - d, p)) {
          p.nagleCandT = rel;
          p.nagleCandFrame = r.frame;
          p.nagleCandClass = cls;
        } else p.nagleCandT = -1;
      }
      // ACK of data beyond what P was seen sending: the capture missed it.
      if ((af & TcpFlag.ACK_LOST_PACKET) && seqGt(ack, p.highEnd)) {
        p.missed++;
        p.missedBytes += seqDiff(ack, p.highEnd);
        p.missedFrames.add(r.frame);
      }
      if (!advanced && r.sackBlocks > 0) p.sackRun++;
      if (r.sackBlocks > 0) p.roundSack = true;
      if (advanced) {
        p.ackT = rel;
        p.clockAcks++;
        p.highAck = ack;
        p.dupRun = 0;
        p.sackRun = r.sackBlocks > 0 ? 1 : 0;
        p.winFullPending = false;
        if (seqGe(ack, p.highEnd)) p.lastAckedT = rel;
        // Gaps ACKed while never filled: the receiver got bytes the capture did not.
        for (let i = p.gapStart.length - 1; i >= 0; i--) {
          if (seqGe(ack, p.gapEnd[i]!)) {
            p.missed++;
            p.missedBytes += seqDiff(p.gapEnd[i]!, p.gapStart[i]!);
            p.missedFrames.add(p.gapFrame[i]!);
            dropGap(p, i);
          }
        }
        if (p.recovery && seqGe(ack, p.recoverySeq)) {
          p.recovery = 0;
          for (const ev of p.awaitAfter) (ev as LossEvent & { ready?: boolean }).ready = true;
        }
        // The round ends when a segment sent after it started is ACKed (BBR's round counting),
        // or when nothing is left in flight.
        if (p.roundOpen && (seqGt(ack, p.roundEndSeq) || seqGe(ack, p.highEnd))) closeRound(c, 1 - d, p);
      }
    } else if (p.highAck < 0 || seqGt(ack, p.highAck)) p.highAck = ack;
  }

  s.lastSentT = rel;
  // 4. The state of each direction until the next packet.
  decide(c, 0, c.detail![0], r.frame);
  decide(c, 1, c.detail![1], r.frame);
  const st = s.lim;
  if (isData && st === Lim.RWND) s.rwndFrames.add(r.frame);
}

function dropGap(s: Side, i: number): void {
  s.gapStart.splice(i, 1);
  s.gapEnd.splice(i, 1);
  s.gapFrame.splice(i, 1);
}

function minRtt(c: TcpConnection, s: Side): number {
  const m = s.rtt && s.rtt.n ? s.rtt.min : Infinity;
  const i = c.iRtt > 0 ? c.iRtt : Infinity;
  const v = Math.min(m, i);
  return Number.isFinite(v) ? v : 0;
}

function closeRound(c: TcpConnection, dir: number, s: Side): void {
  const cur = s.roundFlight;
  const prev = s.prevFlight;
  const mss = mssOf(c, dir, s);
  let ph: Phase;
  if (s.roundLoss) ph = s.roundLoss;
  else if (s.recovery) ph = s.recovery;
  else if (s.roundsDone === 0) ph = Phase.SLOW_START;
  else if (cur >= 1.5 * prev && cur - prev >= mss) ph = Phase.SLOW_START;
  else if (cur > prev) ph = Phase.CONG_AVOID;
  else ph = Phase.FLAT;
  s.phaseCount[ph]!++;
  s.lastGrew = ph !== Phase.FLAT;
  s.lastClocked = s.clockAcks >= 2 && 2 * s.clockHits >= s.clockAcks;
  s.clockAcks = 0;
  s.clockHits = 0;
  s.prevWasLoss = ph === Phase.FAST_RECOVERY || ph === Phase.RTO_RECOVERY;
  // Loss events whose recovery has ended take this round's flight as "after".
  // Only a round without SACK blocks says where the window is: with holes, tshark's flight (highest
  // sent - highest ACKed) counts the SACKed bytes too.
  if (!s.recovery && !s.roundLoss && !s.roundSack && s.awaitAfter.length) {
    for (const ev of s.awaitAfter) {
      if ((ev as LossEvent & { ready?: boolean }).ready) ev.flightAfter = cur;
    }
    s.awaitAfter = s.awaitAfter.filter((ev) => ev.flightAfter === null);
  }
  pushRound(s, cur, ph);
  s.roundsDone++;
  s.prevFlight = cur;
  s.roundLoss = 0;
  s.roundSack = false;
  const out = s.highAck >= 0 && s.highEnd >= 0 ? seqDiff(s.highEnd, s.highAck) : 0;
  if (out > 0) {
    s.roundOpen = true;
    s.roundEndSeq = s.highEnd;
    s.roundFlight = out;
  } else s.roundOpen = false;
}

function pushRound(s: Side, flight: number, ph: Phase): void {
  const cap = TCP_CONNECTION_LIMITS.roundsKept;
  if (!s.flights) {
    s.flights = new Uint32Array(cap);
    s.phases = new Uint8Array(cap);
  }
  s.accFlight = Math.max(s.accFlight, flight);
  if (PHASE_RANK[ph]! >= PHASE_RANK[s.accPhase]!) s.accPhase = ph;
  if (++s.accN < s.stride) return;
  if (s.nRounds === cap) {
    for (let i = 0; i < cap / 2; i++) {
      s.flights[i] = Math.max(s.flights[2 * i]!, s.flights[2 * i + 1]!);
      const a = s.phases![2 * i]!;
      const b = s.phases![2 * i + 1]!;
      s.phases![i] = PHASE_RANK[a]! >= PHASE_RANK[b]! ? a : b;
    }
    s.nRounds = cap / 2;
    s.stride *= 2;
    // The accumulated rounds were fewer than the new stride: keep accumulating.
    if (s.accN < s.stride) return;
  }
  s.flights[s.nRounds] = Math.min(0xffffffff, s.accFlight);
  s.phases![s.nRounds] = s.accPhase;
  s.nRounds++;
  s.accN = 0;
  s.accFlight = 0;
  s.accPhase = 0;
}

/** The limited-by state of direction `dir` after the current packet (rules in the module comment). */
function decide(c: TcpConnection, dir: number, s: Side, frame: number): void {
  if (s.highEnd < 0) {
    s.lim = Lim.NONE;
    return;
  }
  const p = c.detail![1 - dir]!;
  const out = s.highAck >= 0 ? Math.max(0, seqDiff(s.highEnd, s.highAck)) : s.highEnd === s.startSeq ? 0 : seqDiff(s.highEnd, s.startSeq);
  const prevLim = s.lim;
  if (p.lastWin === 0 && p.maxWin >= 0) s.lim = Lim.RWND;
  else if (out === 0) s.lim = Lim.IDLE;
  else {
    const mss = mssOf(c, dir, s);
    const rwnd = p.lastWin;
    if ((p.winKnown && rwnd >= 0 && out >= rwnd - mss) || s.winFullPending) s.lim = Lim.RWND;
    else if (s.recovery) s.lim = Lim.CONG;
    else {
      // After a loss the window was cut: the rounds before it no longer say where it is.
      const cwnd = s.prevWasLoss ? s.roundFlight : Math.max(s.prevFlight, s.roundFlight);
      const big = out >= 10 * mss - mss || s.lossSeen;
      s.lim = out >= 0.75 * cwnd && (s.lastGrew || s.lastClocked || s.roundsDone === 0) && big ? Lim.CONG : Lim.APP;
    }
  }
  if (s.lim === Lim.CONG && prevLim !== Lim.CONG && !s.recovery) s.congFrames.add(frame);
  if (s.lim === Lim.APP && prevLim !== Lim.APP) s.appFrames.add(frame);
}

function account(s: Side, dt: number): void {
  if (dt <= 0) return;
  switch (s.lim) {
    case Lim.IDLE:
      s.pendingIdle += dt;
      break;
    case Lim.RWND:
      s.tRwnd += dt;
      break;
    case Lim.CONG:
      s.tCong += dt;
      break;
    case Lim.APP:
      s.tApp += dt;
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Zeek's endpoint state machine and history (TCPSessionAdapter.cc, main.zeek)

const HIST_SYN = 1;
const HIST_FIN = 2;
const HIST_RST = 4;
const HIST_ACK = 8;
const HIST_DATA = 16;
const HIST_FIN_RST = 32;
const HIST_MULTI = 64;

function zeekUpdate(c: TcpConnection, r: TcpTapRecord, isOrig: boolean): void {
  const flags = r.flags;
  const d = r.dir;
  const pd = 1 - d;
  // zk at o: [0] lastSeq, [1] startSeq, [2] histLastSyn, [3] histLastFin, [4] histLastRst, [5] rxmt count, [6] zero-window count, [7] gap count
  const z = c.zk;
  const o = c.zo + d * 8;
  const segLen = r.len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) - (flags & RST ? r.len : 0);
  const seq = r.seqRaw;
  const lastSeqNew = (seq + segLen) >>> 0;
  const st = c.zState(d);
  // init_endpoint
  // Int32 storage: sequence numbers are kept as their signed 32-bit images.
  if (st === ZS.INACTIVE) {
    c.seen |= 0x400 << d;
    if (flags & SYN) {
      z[o + 1] = seq;
      z[o] = lastSeqNew;
    } else {
      z[o + 1] = seq - 1;
      z[o] = seq;
    }
  } else if ((st === ZS.SYN_SENT || st === ZS.SYN_ACK_SENT || st === ZS.ESTABLISHED || st === ZS.PARTIAL) && (flags & SYN) && (seq | 0) !== z[o + 1]) {
    z[o + 1] = seq;
    z[o] = lastSeqNew;
  }
  const relSeq = seqDiff(seq, z[o + 1]!);
  // update_history
  const bits = (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) + (flags & RST ? 1 : 0);
  if (bits > 1) {
    if ((flags & FIN) && (flags & RST)) checkHistory(c, isOrig, HIST_FIN_RST, 'I');
    else checkHistory(c, isOrig, HIST_MULTI, 'Q');
  } else if (bits === 1) {
    if (flags & SYN) {
      const code = flags & ACK ? 'H' : 'S';
      if (checkHistory(c, isOrig, HIST_SYN, code) && relSeq !== z[o + 2]) addHistory(c, isOrig, code);
      z[o + 2] = relSeq;
    }
    if (flags & FIN) {
      if (checkHistory(c, isOrig, HIST_FIN, 'F') && ((relSeq + r.len) | 0) !== z[o + 3]) addHistory(c, isOrig, 'F');
      z[o + 3] = relSeq + r.len;
    }
    if (flags & RST) {
      if (checkHistory(c, isOrig, HIST_RST, 'R') && relSeq !== z[o + 4]) addHistory(c, isOrig, 'R');
      z[o + 4] = relSeq;
    }
  } else if (r.len) checkHistory(c, isOrig, HIST_DATA, 'D');
  else if (flags & ACK) checkHistory(c, isOrig, HIST_ACK, 'A');
  // update_window: zero window
  if (r.winRaw === 0 && !(flags & RST) && c.zState(pd) !== ZS.CLOSED && st !== ZS.RESET) scaled(c, isOrig, z, o + 6, 'W');
  // content gap (approximation: tshark's ACKed-unseen verdict, charged to the peer's data)
  if (r.analysisFlags & TcpFlag.ACK_LOST_PACKET && !(flags & (FIN | RST))) scaled(c, !isOrig, z, c.zo + pd * 8 + 7, 'G');
  // update_last_seq
  const delta = seqDiff(lastSeqNew, z[o]!);
  if ((flags & (SYN | RST)) && (delta > 1048576 || delta < -1048576)) {
    /* untrusted */
  } else if ((flags & FIN) && ((z[o]! - z[o + 1]! - 1) | 0) === 0) z[o] = lastSeqNew;
  else if (st === ZS.RESET) {
    /* not trusted after a reset */
  } else if (delta > 0) z[o] = lastSeqNew;
  else if (r.len > 0) scaled(c, isOrig, z, o + 5, 'T');
  // UpdateStateMachine
  const peer = c.zState(pd);
  switch (st) {
    case ZS.INACTIVE: {
      if (flags & SYN) {
        if (isOrig) c.setZ(d, flags & ACK ? ZS.SYN_ACK_SENT : ZS.SYN_SENT);
        else {
          if (peer === ZS.SYN_SENT) c.setZ(pd, ZS.ESTABLISHED);
          c.setZ(d, ZS.ESTABLISHED);
        }
      }
      if (flags & FIN) c.setZ(d, ZS.CLOSED);
      if (flags & RST) c.setZ(d, ZS.RESET);
      if (c.zState(d) === ZS.INACTIVE) {
        const o2 = c.zState(c.origDir);
        if (!isOrig && r.len === 0 && o2 === ZS.SYN_SENT) {
          /* an ACK of the SYN before the SYN/ACK: not partial */
        } else if ((flags & ACK) && c.zState(pd) === ZS.ESTABLISHED) c.setZ(d, ZS.ESTABLISHED);
        else c.setZ(d, ZS.PARTIAL);
      }
      break;
    }
    case ZS.SYN_SENT:
    case ZS.SYN_ACK_SENT:
      if (flags & FIN) c.setZ(d, ZS.CLOSED);
      if (flags & RST) c.setZ(d, ZS.RESET);
      break;
    case ZS.ESTABLISHED:
    case ZS.PARTIAL:
      if ((flags & SYN) && st === ZS.PARTIAL && peer === ZS.INACTIVE && !(flags & ACK)) c.setZ(d, ZS.SYN_SENT);
      if ((flags & FIN) && !(flags & RST)) {
        c.setZ(d, ZS.CLOSED);
        if (peer === ZS.RESET && c.zPrev(pd) === ZS.CLOSED) c.setZ(pd, ZS.CLOSED);
      }
      if (flags & RST) c.setZ(d, ZS.RESET);
      break;
    case ZS.CLOSED:
      if ((flags & RST) && peer !== ZS.CLOSED) c.setZ(d, ZS.RESET);
      break;
    default:
      break;
  }
}

/** Zeek's CheckHistory: the letter the first time; true when it was seen before. */
function checkHistory(c: TcpConnection, isOrig: boolean, mask: number, code: string): boolean {
  const m = isOrig ? mask : mask << 8;
  if (c.histSeen & m) return true;
  c.histSeen |= m;
  addHistory(c, isOrig, code);
  return false;
}

function addHistory(c: TcpConnection, isOrig: boolean, code: string): void {
  if (c.history.length < TCP_CONNECTION_LIMITS.historyChars) c.history += isOrig ? code : code.toLowerCase();
}

/** Zeek's ScaledHistoryEntry: the letter at the 1st, 10th, 100th ... occurrence. */
function scaled(c: TcpConnection, isOrig: boolean, z: Int32Array, i: number, code: string): void {
  const n = z[i]! < 0 ? 1 : z[i]! + 1;
  z[i] = n;
  if (Number.isInteger(Math.log10(n)) && 10 ** Math.round(Math.log10(n)) === n) addHistory(c, isOrig, code);
}

function connState(c: TcpConnection): string {
  const os = c.zState(c.origDir);
  const rs = c.zState(1 - c.origDir);
  const oInactive = os === ZS.INACTIVE || os === ZS.PARTIAL;
  const rInactive = rs === ZS.INACTIVE || rs === ZS.PARTIAL;
  if (rs === ZS.RESET) {
    const sizes = sizeOf(c, c.origDir) + sizeOf(c, 1 - c.origDir);
    if (os === ZS.SYN_SENT || os === ZS.SYN_ACK_SENT || (os === ZS.RESET && sizes === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === ZS.RESET) {
    if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(c.history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === ZS.CLOSED && os === ZS.CLOSED) return 'SF';
  if (os === ZS.CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === ZS.CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === ZS.SYN_SENT && rs === ZS.INACTIVE) return 'S0';
  if (os === ZS.ESTABLISHED && rs === ZS.ESTABLISHED) return 'S1';
  return 'OTH';
}

/** Zeek's endpoint size: payload bytes by sequence numbers (last - start - 1 for the SYN). */
function sizeOf(c: TcpConnection, dir: number): number {
  const z = c.zk;
  const o = c.zo + dir * 8;
  if (!(c.seen & (0x400 << dir))) return 0;
  const span = seqDiff(z[o]!, z[o + 1]!) - 1;
  return Math.max(0, span);
}

// ---------------------------------------------------------------------------------------------
// Summaries

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const round3 = (v: number) => Math.round(v * 1e3) / 1e3;
const ms = (v: number) => round3(v * 1000);

function dirSummary(c: TcpConnection, dir: number): DirectionSummary {
  const s = c.detail?.[dir];
  const syn = synOf(c, dir);
  const packets = dir === 0 ? c.pkts0 : c.pkts1;
  const bytes = dir === 0 ? c.bytes0 : c.bytes1;
  const mss = syn && syn.mss >= 0 ? syn.mss : null;
  const windowScaleShift = syn ? (syn.ws >= 0 ? syn.ws : null) : null;
  const sackPermitted = syn ? syn.sack : null;
  // Plain literals (an object spread here made every summary a slow dictionary object).
  if (!s) {
    return {
      packets, bytes, mss, windowScaleShift, sackPermitted, dataPackets: null, payloadBytes: null, uniqueBytes: null, goodputBitsPerSecond: null, maxWindow: null,
      minWindow: null, retransmissions: null, zeroWindow: null, windowFull: null, keepAlives: null, rttMs: null, ecn: null, congestion: null, limitedBy: null,
    };
  }
  const unique = uniqueBytes(s);
  const endT = s.lastAckedT > s.lastDataT ? s.lastAckedT : s.lastDataT;
  const span = s.firstDataT >= 0 ? endT - s.firstDataT : 0;
  const zeroOpen = s.zeroSince >= 0 ? c.tLast - c.t0 - s.zeroSince : 0;
  const stalls = [...s.zeroStalls.items];
  if (zeroOpen > 0 && stalls.length < TCP_CONNECTION_LIMITS.eventsKept) stalls.push({ startFrame: s.zeroStartFrame, endFrame: c.lastFrame, seconds: round6(zeroOpen) });
  const h = s.rtt;
  const flights = s.flights ? Array.from(s.flights.subarray(0, s.nRounds)) : [];
  const phases = s.phases ? Array.from(s.phases.subarray(0, s.nRounds), (p) => PHASE_NAMES[p]!) : [];
  if (s.accN > 0) {
    flights.push(s.accFlight);
    phases.push(PHASE_NAMES[s.accPhase]!);
  }
  return {
    packets, bytes, mss, windowScaleShift, sackPermitted,
    dataPackets: s.dataPkts,
    payloadBytes: s.payload,
    uniqueBytes: unique,
    goodputBitsPerSecond: span > 0 ? Math.round((unique * 8) / span) : null,
    maxWindow: s.maxWin >= 0 ? s.maxWin : null,
    minWindow: s.minWin >= 0 ? s.minWin : null,
    retransmissions: {
      retransmission: s.rtx, early: s.early, fast: s.fast, spurious: s.spurious, outOfOrder: s.ooo, lostSegment: s.lost, ackedUnseen: s.ackedUnseen, dupAcks: s.dupAcks,
      frames: s.rtxFrames.items,
    },
    zeroWindow: { advertisements: s.zeroWinAdv, probes: s.zeroProbe, seconds: round6(s.zeroTime + zeroOpen), stalls },
    windowFull: { count: s.winFull, frames: s.winFullFrames.items },
    keepAlives: s.keepAlive,
    rttMs: h && h.n ? { count: h.n, min: ms(h.min), p50: ms(h.quantile(0.5)), p95: ms(h.quantile(0.95)), max: ms(h.max) } : null,
    ecn: { ece: s.ece, cwr: s.cwr, ect: s.ect, ce: s.ce },
    congestion: s.dataPkts
      ? {
        rounds: s.roundsDone, maxFlight: s.maxFlight, roundsPerEntry: s.stride, flightPerRound: flights, phasePerRound: phases,
        phases: {
          slowStart: s.phaseCount[Phase.SLOW_START]!, congestionAvoidance: s.phaseCount[Phase.CONG_AVOID]!, fastRecovery: s.phaseCount[Phase.FAST_RECOVERY]!,
          rtoRecovery: s.phaseCount[Phase.RTO_RECOVERY]!, flat: s.phaseCount[Phase.FLAT]!,
        },
        lossEvents: {
          count: s.losses.count, fast: s.fastLosses, rto: s.rtoLosses,
          events: s.losses.items.map((e) => ({
            frame: e.frame, time: e.time, kind: e.kind, flightBefore: e.flightBefore, flightAfter: e.flightAfter,
            cutPercent: e.flightAfter !== null && e.flightBefore > 0 ? Math.round((1 - e.flightAfter / e.flightBefore) * 100) : null,
          })),
        },
      }
      : null,
    limitedBy: s.dataPkts
      ? { transferSeconds: round6(s.tRwnd + s.tCong + s.tApp), receiverWindow: round6(s.tRwnd), congestion: round6(s.tCong), application: round6(s.tApp) }
      : null,
  };
}

function uniqueBytes(s: Side): number {
  if (s.startSeq < 0) return 0;
  let end = s.highEnd;
  if (s.highAck >= 0 && seqGt(s.highAck, end)) end = s.finAt >= 0 && seqGt(s.highAck, s.finAt) ? s.finAt : s.highAck;
  if (seqLt(end, s.highEnd)) end = s.highEnd;
  return Math.max(0, seqDiff(end, s.startSeq));
}

function fmtBytes(n: number): string {
  return n.toLocaleString('en-US');
}

function pct(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 100) : 0;
}

function frameList(frames: number[]): string {
  return frames.length ? ` (frames ${frames.slice(0, 5).join(', ')})` : '';
}

function summarize(c: TcpConnection): ConnectionSummary {
  const od = c.origDir;
  const rd = 1 - od;
  const [a0, p0, a1, p1] = c.ends.split(' ') as [string, string, string, string];
  const e0 = { address: a0, port: Number(p0) };
  const e1 = { address: a1, port: Number(p1) };
  const orig = dirSummary(c, od);
  const resp = dirSummary(c, rd);
  const synO = (c.seen & (1 << od)) !== 0;
  const synAckR = (c.seen & (4 << rd)) !== 0;
  const handshake: ConnectionSummary['state']['handshake'] = synO && synAckR ? (c.hsAckT >= 0 ? 'complete' : 'syn-synack') : synO ? 'syn' : synAckR ? 'synack' : 'none';
  const fin = ((c.seen >> 4) & 3);
  const rst = ((c.seen >> 6) & 3);
  const who = (bits: number): 'none' | 'originator' | 'responder' | 'both' =>
    bits === 3 ? 'both' : bits === 0 ? 'none' : (bits >> od) & 1 ? 'originator' : 'responder';
  const cs = connState(c);
  // Established: the handshake completed, or (handshake not seen) both sides talked.
  const bothTalked = c.pkts0 > 0 && c.pkts1 > 0;
  const established = handshake === 'complete' || ((handshake === 'none' || handshake === 'synack') && bothTalked && cs !== 'REJ' && cs !== 'RSTRH');
  // Half-open: a SYN (and maybe its SYN/ACK) and nothing after it: no final ACK, data, FIN or RST.
  const halfOpen = (handshake === 'syn' || handshake === 'syn-synack') && !fin && !rst && !c.detail?.some((x) => x.dataPkts > 0);
  const state: ConnectionSummary['state'] = {
    handshake, established, finFrom: who(fin), finFirst: c.finFirst < 0 ? null : c.finFirst === od ? 'originator' : 'responder', resetBy: who(rst), halfOpen, summary: '',
  };
  state.summary = stateText(state, cs);
  const dur = c.tLast - c.t0;
  const irtt = c.iRtt > 0 ? c.iRtt : c.hsAckT >= 0 && c.synT >= 0 ? c.hsAckT - c.synT : 0;
  const so = synOf(c, od);
  const sr = synOf(c, rd);
  const wsNeg = so && sr ? so.ws >= 0 && sr.ws >= 0 : null;
  const sum: ConnectionSummary = {
    stream: c.stream,
    originator: od === 0 ? e0 : e1,
    responder: od === 0 ? e1 : e0,
    flipped: od === 1,
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    startTime: round6(c.sec0 + c.t0),
    duration: round6(dur),
    state,
    connState: cs,
    history: c.history,
    handshake: {
      rttMs: irtt > 0 ? ms(irtt) : null,
      synToSynAckMs: c.synT >= 0 && c.synAckT >= 0 ? ms(c.synAckT - c.synT) : null,
      synAckToAckMs: c.synAckT >= 0 && c.hsAckT >= 0 ? ms(c.hsAckT - c.synAckT) : null,
    },
    windowScaling: { negotiated: wsNeg, originatorShift: so && so.ws >= 0 ? so.ws : null, responderShift: sr && sr.ws >= 0 ? sr.ws : null },
    sackPermitted: so && sr ? so.sack && sr.sack : null,
    ecn: {
      negotiated: (c.seen & 0x300) === 0x300,
      used: !!((orig.ecn?.ece ?? 0) + (orig.ecn?.cwr ?? 0) + (orig.ecn?.ce ?? 0) + (resp.ecn?.ece ?? 0) + (resp.ecn?.cwr ?? 0) + (resp.ecn?.ce ?? 0)),
      ceMarks: (orig.ecn?.ce ?? 0) + (resp.ecn?.ce ?? 0),
    },
    orig,
    resp,
    detailed: c.detail !== undefined,
    verdict: { limitedBy: 'none', text: '', frames: [] },
    detectors: [],
  };
  if (c.detail) {
    sum.detectors = detectors(c, sum);
    sum.verdict = verdict(c, sum);
  } else sum.verdict = { limitedBy: 'none', text: noDataText(sum), frames: [] };
  return sum;
}

function stateText(s: ConnectionSummary['state'], cs: string): string {
  const parts: string[] = [];
  if (s.handshake === 'complete') parts.push('handshake seen');
  else if (s.handshake === 'syn') parts.push('SYN without a SYN/ACK');
  else if (s.handshake === 'syn-synack') parts.push('SYN and SYN/ACK, no final ACK');
  else if (s.handshake === 'synack') parts.push('SYN/ACK seen, SYN not captured');
  else parts.push('no handshake seen (capture started mid-connection)');
  if (cs === 'REJ') parts.push('rejected (RST to the SYN)');
  else if (s.halfOpen && s.resetBy === 'none') parts.push('half-open');
  else if (s.established) parts.push('established');
  if (s.finFrom === 'both') parts.push(`closed by FIN from both sides (${s.finFirst} first)`);
  else if (s.finFrom !== 'none') parts.push(`half-closed (FIN from the ${s.finFrom} only)`);
  if (s.resetBy !== 'none' && cs !== 'REJ') parts.push(`reset by the ${s.resetBy === 'both' ? 'both sides' : s.resetBy}`);
  if (s.finFrom === 'none' && s.resetBy === 'none' && !s.halfOpen) parts.push('still open at the end of the capture');
  return parts.join('; ');
}

function noDataText(s: ConnectionSummary): string {
  if (s.connState === 'REJ') return 'No data: the connection was rejected (the responder answered the SYN with a RST).';
  if (s.connState === 'S0') return 'No data: the SYN was never answered (half-open attempt).';
  return `No data was transferred (${s.state.summary}).`;
}

function detectors(c: TcpConnection, sum: ConnectionSummary): Detector[] {
  const out: Detector[] = [];
  for (const [dir, name] of [[c.origDir, 'originator'], [1 - c.origDir, 'responder']] as const) {
    const s = c.detail![dir]!;
    const side = name as 'originator' | 'responder';
    const peer = side === 'originator' ? 'responder' : 'originator';
    const n = s.nagle40 + s.nagle200;
    if (n >= 3) {
      const timer = s.nagle40 >= s.nagle200 ? '~40 ms' : '~200 ms';
      out.push({
        kind: 'nagle-delayed-ack', side, count: n, frames: s.nagleFrames.items,
        text: `Nagle meeting delayed ACK: ${n} times the ${side} held a small segment until the ${peer}'s delayed ACK (${timer} late)${frameList(s.nagleFrames.items)}; set TCP_NODELAY on the ${side}'s socket (or write whole messages at once).`,
      });
    }
    // Zero-window stalls are the receiver's: the side that advertised them.
    const zw = sum[side === 'originator' ? 'orig' : 'resp'].zeroWindow;
    if (zw && zw.stalls.length) {
      const frames = zw.stalls.flatMap((x) => [x.startFrame, x.endFrame]);
      out.push({
        kind: 'zero-window-stall', side, count: zw.stalls.length, seconds: zw.seconds, frames,
        text: `Zero-window stall: the ${side} advertised a zero window ${zw.stalls.length} time(s), ${fmtSec(zw.seconds)} in total (frames ${zw.stalls.slice(0, 3).map((x) => `${x.startFrame}-${x.endFrame}`).join(', ')}): its application did not read fast enough.`,
      });
    }
    if (s.rtoStalls.count) {
      const frames = s.rtoStalls.items.map((x) => x.endFrame);
      out.push({
        kind: 'rto-stall', side, count: s.rtoStalls.count, seconds: round6(s.rtoLost), frames,
        text: `RTO stall: the ${side} retransmitted after ${s.rtoStalls.count === 1 ? `${fmtSec(s.rtoLost)} of silence` : `silences of ${fmtSec(s.rtoLost)} in total`}${frameList(frames)}: a retransmission timeout, ${fmtSec(s.rtoLost)} lost.`,
      });
    }
    if (s.missed) {
      out.push({
        kind: 'capture-missed-packets', side, count: s.missed, frames: s.missedFrames.items,
        text: `The capture missed packets, not the network: ${s.missed} time(s) the ${peer} acknowledged ${fmtBytes(s.missedBytes)} bytes of the ${side}'s data that the capture never saw and that were never retransmitted${frameList(s.missedFrames.items)}.`,
      });
    }
  }
  return out;
}

function fmtSec(v: number): string {
  return v >= 1 ? `${round3(v)} s` : `${round3(v * 1000)} ms`;
}

/** Time lost to retransmission timeouts, as a share of the connection's duration, that makes them the verdict. */
const RTO_VERDICT_SHARE = 1 / 3;

function verdict(c: TcpConnection, sum: ConnectionSummary): ConnectionSummary['verdict'] {
  const od = c.origDir;
  const o = c.detail![od]!;
  const r = c.detail![1 - od]!;
  const uo = uniqueBytes(o);
  const ur = uniqueBytes(r);
  if (uo === 0 && ur === 0) return { limitedBy: 'none', text: noDataText(sum), frames: [] };
  const mainIsOrig = uo >= ur;
  const s = mainIsOrig ? o : r;
  const sd = mainIsOrig ? od : 1 - od;
  const p = mainIsOrig ? r : o;
  const side = mainIsOrig ? 'originator' : 'responder';
  const peer = mainIsOrig ? 'responder' : 'originator';
  const total = s.tRwnd + s.tCong + s.tApp;
  const bytes = fmtBytes(mainIsOrig ? uo : ur);
  const rtt = minRtt(c, s);
  const turns = countTurns(c);
  // n request/response exchanges are 2n - 1 changes of the data sender; each exchange and each
  // round of the main direction (a request, or a window's worth of a transfer) costs a round trip.
  const exchanges = Math.ceil((turns + 1) / 2);
  const trips = Math.max(exchanges, s.roundsDone);
  const tripText = `${exchanges} request/response exchange(s)${trips > exchanges ? ` and ${trips} round trips` : ''} of about ${fmtSec(rtt)}`;
  const lead = `${side} sent ${bytes} bytes`;
  const missedNote = s.missed ? ` The capture missed packets (${s.missed} gap(s) ACKed but never seen), so loss figures understate what the receiver got.` : '';
  if (total <= 0) {
    const frames = [s.rtxFrames.items[0] ?? c.firstFrame];
    if (rtt > 0 && trips * rtt >= 0.5 * sum.duration && sum.duration > 0) {
      return { limitedBy: 'network-rtt', frames, text: `Limited by the network's RTT: the ${lead} in ${tripText} each.${missedNote}` };
    }
    return { limitedBy: 'application', frames, text: `Limited by the application: the ${lead} in single flights; nothing waited on a window.${missedNote}` };
  }
  // Retransmission timeouts that silenced the sender for a third of the connection or more limit it,
  // whatever the split says: while waiting for the timer the sender may look idle to the capture
  // (ACKs of segments the capture missed), but the time went to loss recovery.
  if (s.rtoLost > 0 && sum.duration > 0 && s.rtoLost >= RTO_VERDICT_SHARE * sum.duration) {
    const frames = s.rtoStalls.items.map((x) => x.endFrame);
    return {
      limitedBy: 'congestion', frames,
      text: `Limited by loss recovered by retransmission timeouts: the ${side} waited ${fmtSec(s.rtoLost)} of the ${fmtSec(sum.duration)} for its retransmission timer (${s.rtoStalls.count} timeout(s))${frameList(frames)}; fast retransmission did not recover these losses (too few duplicate ACKs: a small flight or lost retransmissions).${missedNote}`,
    };
  }
  const shares = [s.tRwnd, s.tCong, s.tApp];
  const best = shares.indexOf(Math.max(...shares));
  if (best === 0) {
    const frames = s.winFullFrames.items.length ? s.winFullFrames.items : s.rwndFrames.items;
    const ws = sum.windowScaling.negotiated;
    const pShift = sum.windowScaling[mainIsOrig ? 'responderShift' : 'originatorShift'];
    const wsText = ws === null ? 'the handshake was not captured (window scaling unknown)' : ws ? `window scaling was negotiated (the ${peer}'s shift ${pShift})` : 'window scaling was not negotiated';
    const zero = p.zeroWinAdv ? `; it advertised a zero window ${p.zeroWinAdv} time(s)` : '';
    return {
      limitedBy: 'receiver-window', frames,
      text: `Limited by the receiver's window: ${pct(s.tRwnd, total)}% of the transfer time the ${side} had a full window${frameList(frames)}; the ${peer} advertised at most ${fmtBytes(Math.max(0, p.maxWin))} bytes and ${wsText}${zero}.${missedNote}`,
    };
  }
  if (best === 1) {
    if (s.losses.count) {
      const ev = s.losses.items;
      const cut = ev.find((e) => e.flightAfter !== null);
      const cutText = cut ? `; the flight was cut from ${fmtBytes(cut.flightBefore)} to ${fmtBytes(cut.flightAfter!)} bytes at frame ${cut.frame}` : '';
      const frames = ev.map((e) => e.frame);
      return {
        limitedBy: 'congestion', frames,
        text: `Limited by congestion/loss: ${pct(s.tCong, total)}% of the transfer time the ${side} was at its congestion window or recovering; ${s.losses.count} loss event(s) (${s.fastLosses} fast retransmission, ${s.rtoLosses} timeout)${frameList(frames)}${cutText}.${missedNote}`,
      };
    }
    const frames = s.congFrames.items;
    return {
      limitedBy: 'network-rtt', frames,
      text: `Limited by the network's RTT: ${pct(s.tCong, total)}% of the transfer time the ${side} was growing its congestion window without loss (${s.roundsDone} round trip(s) of about ${fmtSec(rtt)}, largest flight ${fmtBytes(s.maxFlight)} bytes)${frameList(frames)}.${missedNote}`,
    };
  }
  const frames = s.appFrames.items.length ? s.appFrames.items : [c.firstFrame];
  if (rtt > 0 && turns >= 2 && trips * rtt >= 0.5 * sum.duration) {
    return {
      limitedBy: 'network-rtt', frames,
      text: `Limited by the network's RTT: ${tripText} make up most of the ${fmtSec(sum.duration)}; the windows were never full.${missedNote}`,
    };
  }
  return {
    limitedBy: 'application', frames,
    text: `Limited by the application: ${pct(s.tApp, total)}% of the transfer time the ${side} had little or nothing in flight though both windows had room${frameList(frames)}.${missedNote}`,
  };
}

/** Request/response turns: how often the data sender changed (both directions carried data). */
function countTurns(c: TcpConnection): number {
  const o = c.detail![0]!;
  const r = c.detail![1]!;
  if (o.dataPkts === 0 || r.dataPkts === 0) return 1;
  return Math.max(1, o.turnsStarted + r.turnsStarted);
}
