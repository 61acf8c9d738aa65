/** The connections of a capture (`TcpConnections`), fed by the TCP tap; rules in docs/tcp-connection-model.md. */
import type { TcpTapRecord } from '../../dissectors/tcp/tap.js';
import { ACK, BLOCK, CWR, ConnBlock, ECE, FIN, FirstBlock, RST, SYN, SecondStore, Side, TCP_CONNECTION_LIMITS, type TcpConnectionLimits, TcpConnection, packSyn, recordSegment, recordable, replaySegment } from './store.js';
import { ConnectionSummary } from './types.js';
import { detailUpdate } from './congestion.js';
import { zeekUpdate } from './zeek.js';
import { summarize } from './summary.js';

/** The connections of a capture, fed by the TCP tap. */
export class TcpConnections {
  /** The connections of each BLOCK streams (by stream index / BLOCK). */
  private firsts: (FirstBlock | undefined)[] = [];
  /** Storage blocks of the models, by model slot / BLOCK. */
  private blocks: ConnBlock[] = [];
  private models = 0;
  private seconds = new SecondStore();
  /** Where the model of a connection of one or two segments is made for its summary. */
  private readonly scratch: ConnBlock;
  /** Connections tracked. */
  count = 0;
  untracked = 0;
  private lastUntracked = -1;
  detailed = 0;
  private readonly record: boolean;
  /** The named limits this table keeps to (its session's `limits.tcpConnection`). */
  readonly limits: Readonly<TcpConnectionLimits>;

  /**
   * `limits`: the session's (`session.limits.tcpConnection`; default TCP_CONNECTION_LIMITS).
   * `recordSegments: false` makes every model at once (what it costs without the records;
   * the tests compare the two).
   */
  constructor(opts: { recordSegments?: boolean; limits?: Readonly<TcpConnectionLimits> } = {}) {
    this.record = opts.recordSegments ?? true;
    this.limits = opts.limits ?? TCP_CONNECTION_LIMITS;
    this.scratch = new ConnBlock(this.limits, 1);
  }

  /** The connection of a stream, if tracked (a new view each call; the model of recorded segments is made anew). */
  get(stream: number): TcpConnection | undefined {
    const fb = this.firsts[Math.floor(stream / BLOCK)];
    const k = stream % BLOCK;
    const m = fb ? fb.model[k]! : 0;
    if (m === 0) return undefined;
    if (m > 0) return this.view(m - 1, stream);
    const c = new TcpConnection(new ConnBlock(this.limits, 1), 0, stream);
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
    if (r.stream >= this.limits.maxConnections) {
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
    if (slot % BLOCK === 0) this.blocks.push(new ConnBlock(this.limits));
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

/** Feeds one segment to connection `c`: counts, handshake facts, Zeek's state, then the detail. */
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
  if (!c.detail && (r.len > 0 || (flags & FIN) || (total >= 3 && c.pkts0 > 0 && c.pkts1 > 0)) && all.detailed < all.limits.maxDetailed) {
    all.detailed++;
    c.detail = [new Side(all.limits), new Side(all.limits)];
  }
  if (c.detail) detailUpdate(c, c.detail[d]!, c.detail[1 - d]!, r, rel, silence);
  c.tLast = t;
  c.lastFrame = r.frame;
}
