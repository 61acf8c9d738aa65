/**
 * The per-connection TCP model's store: named limits, the per-direction detail (Side), the typed-array
 * columns of the models (ConnBlock) and of the connections only recorded so far (FirstBlock,
 * SecondStore), and TcpConnection, the view of one model. The rules of the whole model (what each
 * number means, memory): docs/tcp-connection-model.md.
 *
 * This folder, the model behind `wirelite stats FILE tcp`, fed by the TCP tap (src/dissectors/tcp/tap.ts):
 * connections.ts (TcpConnections: the entry, per-segment update), store.ts, zeek.ts (Zeek's
 * conn_state and history), congestion.ts (rounds, phases, loss events, RTT, windows),
 * limited-by.ts (the limited-by time split), summary.ts (ConnectionSummary rows), verdict.ts (the
 * verdict and the detectors), types.ts (the summary row types).
 */
import { type TcpTapRecord, tcpTapRecord } from '../../dissectors/tcp/tap.js';
import { formatIPv4At, formatIPv6 } from '../../dissectors/bytes.js';
import { TcpFlag } from '../../dissectors/tcp/analysis.js';
import { defineLimits } from '../../dissectors/limits.js';

/**
 * Named limits of the connection model (a session's are `session.limits.tcpConnection`, see
 * src/dissectors/limits.ts; TcpConnections is given them, else it takes TCP_CONNECTION_LIMITS).
 */
export interface TcpConnectionLimits {
  /** Connections tracked per capture; later ones are only counted (`untracked`). */
  maxConnections: number;
  /**
   * Connections that get the detailed model (RTT, congestion, detectors; a few kilobytes each);
   * the rest keep counts, state and history.
   */
  maxDetailed: number;
  /** RTT histogram resolution: buckets per decade (1 µs .. 1000 s): quantiles within ±6% at 20. */
  rttBucketsPerDecade: number;
  /** Congestion rounds kept per direction; when full, adjacent rounds are merged (largest flight kept). */
  roundsKept: number;
  /** Loss events, zero-window stalls and RTO stalls kept per direction (counts and totals stay exact). */
  eventsKept: number;
  /** Frames kept per piece of evidence. */
  evidenceFrames: number;
  /** "Previous segment not captured" gaps waiting for a retransmission or an ACK, per direction. */
  pendingGaps: number;
  /** Characters of the history string. */
  historyChars: number;
}

declare module '../../dissectors/limits.js' {
  interface SessionLimits {
    tcpConnection: TcpConnectionLimits;
  }
}

/** The defaults of `session.limits.tcpConnection` (frozen: a session changes its own copy). */
export const TCP_CONNECTION_LIMITS = defineLimits('tcpConnection', {
  maxConnections: 2_000_000,
  maxDetailed: 100_000,
  rttBucketsPerDecade: 20,
  roundsKept: 128,
  eventsKept: 32,
  evidenceFrames: 8,
  pendingGaps: 16,
  historyChars: 64,
});

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const ACK = 0x10;
export const ECE = 0x40;
export const CWR = 0x80;

/** Zeek's TCP endpoint states. */
export const enum ZS { INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET }

export const enum Phase { SLOW_START = 1, CONG_AVOID, FAST_RECOVERY, RTO_RECOVERY, FLAT }
export const PHASE_NAMES = ['', 'slow start', 'congestion avoidance', 'fast recovery', 'RTO recovery', 'flat'];
/** When rounds are merged, the phase that says more wins. */
export const PHASE_RANK = [0, 2, 1, 4, 5, 0];

export const enum Lim { NONE, IDLE, RWND, CONG, APP }

const RTT_MIN = 1e-6;
const RTT_DECADES = 9;

/** Log histogram of RTT samples (seconds). */
export class RttHist {
  counts: Uint32Array;
  n = 0;
  min = Infinity;
  max = 0;
  /** `b`: buckets per decade (TcpConnectionLimits.rttBucketsPerDecade). */
  constructor(readonly b: number) {
    this.counts = new Uint32Array(RTT_DECADES * b);
  }
  add(v: number): void {
    const b = this.b;
    let i = v <= RTT_MIN ? 0 : Math.floor(Math.log10(v / RTT_MIN) * b);
    if (i >= this.counts.length) i = this.counts.length - 1;
    this.counts[i]!++;
    this.n++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  quantile(p: number): number {
    const b = this.b;
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
export class Side {
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
  winFullFrames: Kept<number>;
  rtxFrames: Kept<number>;
  /** Windows this side advertised (scaled; not in SYNs). */
  maxWin = -1;
  minWin = -1;
  lastWin = -1;
  winKnown = false;
  zeroSince = -1;
  zeroStartFrame = 0;
  zeroTime = 0;
  zeroStalls: Kept<Stall>;
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
  losses: Kept<LossEvent>;
  fastLosses = 0;
  rtoLosses = 0;
  awaitAfter: LossEvent[] = [];
  // limited-by
  lim = Lim.NONE;
  tRwnd = 0;
  tCong = 0;
  tApp = 0;
  pendingIdle = 0;
  rwndFrames: Kept<number>;
  congFrames: Kept<number>;
  appFrames: Kept<number>;
  winFullPending = false;
  // detectors
  nagleCandT = -1;
  nagleCandFrame = 0;
  nagleCandClass = 0;
  nagle40 = 0;
  nagle200 = 0;
  nagleFrames: Kept<number>;
  rtoStalls: Kept<Stall>;
  rtoLost = 0;
  gapStart: number[] = [];
  gapEnd: number[] = [];
  gapFrame: number[] = [];
  gapsFilled = 0;
  missed = 0;
  missedBytes = 0;
  missedFrames: Kept<number>;
  // ECN marks
  ece = 0;
  cwr = 0;
  ect = 0;
  ce = 0;
  turnsStarted = 0;

  /** `limits`: those of the connections this side belongs to. */
  constructor(readonly limits: Readonly<TcpConnectionLimits>) {
    const ev = limits.evidenceFrames;
    const kept = limits.eventsKept;
    this.winFullFrames = new Kept(ev);
    this.rtxFrames = new Kept(ev);
    this.zeroStalls = new Kept(kept);
    this.losses = new Kept(kept);
    this.rwndFrames = new Kept(ev);
    this.congFrames = new Kept(ev);
    this.appFrames = new Kept(ev);
    this.nagleFrames = new Kept(ev);
    this.rtoStalls = new Kept(kept);
    this.missedFrames = new Kept(ev);
  }
}

/** Options of a side's SYN (unpacked from TcpConnection.syn0/syn1). */
interface SynInfo {
  mss: number;
  ws: number;
  sack: boolean;
}

/** A SYN's options packed in one small integer: MSS + 1 (17 bits), shift + 1 (5 bits), SACK permitted. */
export function packSyn(mss: number, ws: number, sack: boolean): number {
  return (mss + 1) | (Math.min(ws + 1, 31) << 17) | (sack ? 1 << 22 : 0);
}

export function synOf(c: TcpConnection, dir: number): SynInfo | undefined {
  const v = dir === 0 ? c.syn0 : c.syn1;
  if (v < 0) return undefined;
  return { mss: (v & 0x1ffff) - 1, ws: ((v >> 17) & 31) - 1, sack: (v & (1 << 22)) !== 0 };
}

/** Zeek's per-endpoint numbers, 8 per direction (int32), per connection. */
const ZK_PER_CONN = 16;
/** Connections per storage block (the per-connection numbers live in typed arrays, ConnBlock). */
export const BLOCK = 4096;

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
export class ConnBlock {
  f: Float64Array;
  n: Int32Array;
  zk: Int32Array;
  ends: string[] = [];
  history: string[] = [];
  detail: Array<[Side, Side] | undefined> = [];
  /** `limits`: those of the connections stored here (TcpConnections'). */
  constructor(
    readonly limits: Readonly<TcpConnectionLimits>,
    cap = BLOCK,
  ) {
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
export class FirstBlock {
  sec = new Float64Array(BLOCK);
  u = new Uint32Array(BLOCK * NU);
  model = new Int32Array(BLOCK);
}

/**
 * Recorded second segments (52 bytes each, with tshark's iRTT: a RST can give it), in blocks of
 * BLOCK slots; a slot is reused once its model is made.
 */
export class SecondStore {
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
export function recordable(r: TcpTapRecord): boolean {
  return r.len === 0 && !(r.flags & FIN) && r.ipVersion !== 6 && r.flags < 4096 && r.dir <= 1;
}

export function recordSegment(sec: Float64Array, u: Uint32Array, k: number, r: TcpTapRecord): void {
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

export function replaySegment(sec: Float64Array, u: Uint32Array, k: number, stream: number): TcpTapRecord {
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
  /** The limits of the connections this one belongs to. */
  get limits(): Readonly<TcpConnectionLimits> {
    return this.blk.limits;
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

/** The MSS S may send: what P announced, or the largest segment S sent if that is larger. */
export function mssOf(c: TcpConnection, dir: number, s: Side): number {
  const announced = synOf(c, 1 - dir)?.mss ?? -1;
  const m = Math.max(announced, s.maxSeg);
  return m > 0 ? m : 1460;
}

export const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
export const round3 = (v: number) => Math.round(v * 1e3) / 1e3;
export const ms = (v: number) => round3(v * 1000);
