/** Per-direction detail of one segment: sizes, retransmissions, RTT, windows, rounds and phases, loss events (docs/tcp-connection-model.md, Congestion). */
import { type TcpTapRecord } from '../../dissectors/tcp/tap.js';
import { TcpFlag } from '../../dissectors/tcp/analysis.js';
import { seqGe, seqGt, seqLt, seqDiff } from '../../dissectors/tcp/seq.js';
import { ACK, CWR, ECE, FIN, Lim, LossEvent, PHASE_RANK, Phase, RST, RttHist, SYN, Side, TcpConnection, mssOf, round6 } from './store.js';
import { account, decide } from './limited-by.js';

/**
 * One segment into its connection's detail: S is the side that sent it, P its peer. The steps:
 * the time since the previous packet to each side's state (./limited-by.ts), what S's segment
 * says about S (`sentCounts`, `advertisedWindow`, and for data `dataSent` and `lossAndRounds`),
 * what its ACK says about P's data (`peerAcked`), then each side's state until the next packet.
 */
export function detailUpdate(c: TcpConnection, s: Side, p: Side, r: TcpTapRecord, rel: number, silence: number): void {
  const flags = r.flags;
  // 1. Time since the previous packet goes to each direction's state.
  for (const x of c.detail!) account(x, silence);
  // 2. This segment as sent by S.
  sentCounts(s, p, r);
  if (!(flags & (SYN | RST))) advertisedWindow(s, r, rel);
  if ((flags & FIN) && s.finAt < 0) s.finAt = (r.seq + r.len) >>> 0;
  const isData = r.len > 0 && !(r.analysisFlags & (TcpFlag.KEEP_ALIVE | TcpFlag.ZERO_WINDOW_PROBE)) && !(flags & RST);
  if (isData) {
    const filledGap = dataSent(c, s, r, rel);
    lossAndRounds(c, s, r, rel, silence, filledGap);
  }
  // 3. What this segment tells about P's data (its ACK), P as the sender.
  if (flags & ACK && !(flags & SYN && !(flags & ACK))) peerAcked(c, p, r, rel);
  s.lastSentT = rel;
  // 4. The state of each direction until the next packet.
  decide(c, 0, c.detail![0], r.frame);
  decide(c, 1, c.detail![1], r.frame);
  const st = s.lim;
  if (isData && st === Lim.RWND) s.rwndFrames.add(r.frame);
}

/** ECN marks and tshark's verdicts on the segment S sent (some count on P: its dup ACK run, probes into its window). */
function sentCounts(s: Side, p: Side, r: TcpTapRecord): void {
  const flags = r.flags;
  const af = r.analysisFlags;
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
}

/** The window S advertises (the window P may fill), and S's zero-window stalls. */
function advertisedWindow(s: Side, r: TcpTapRecord, rel: number): void {
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

/** A data segment S sent: sizes, Nagle's candidate, capture gaps, a new burst; returns whether it filled a gap. */
function dataSent(c: TcpConnection, s: Side, r: TcpTapRecord, rel: number): boolean {
  const d = r.dir;
  const af = r.analysisFlags;
  const mss = mssOf(c, d, s);
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
  if ((af & TcpFlag.LOST_PACKET) && s.highEnd >= 0 && seqGt(start, gapFrom) && s.gapStart.length < s.limits.pendingGaps) {
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
  return filledGap;
}

/** Congestion: loss events (fast, RTO; early duplicates and tail loss probes apart) and rounds. */
function lossAndRounds(c: TcpConnection, s: Side, r: TcpTapRecord, rel: number, silence: number, filledGap: boolean): void {
  const af = r.analysisFlags;
  const start = r.seq;
  const end = (r.seq + r.len) >>> 0;
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
    if (s.awaitAfter.length > s.limits.eventsKept) s.awaitAfter.shift();
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

/** The ACK of this segment as news about P's data: RTT, Nagle's delayed ACK, missed bytes, recovery's end, the round's end. */
function peerAcked(c: TcpConnection, p: Side, r: TcpTapRecord, rel: number): void {
  const d = r.dir;
  const af = r.analysisFlags;
  const ack = r.ack;
  if (r.ackRtt > 0) {
    if (!p.rtt) p.rtt = new RttHist(p.limits.rttBucketsPerDecade);
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

function dropGap(s: Side, i: number): void {
  s.gapStart.splice(i, 1);
  s.gapEnd.splice(i, 1);
  s.gapFrame.splice(i, 1);
}

export function minRtt(c: TcpConnection, s: Side): number {
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
  const cap = s.limits.roundsKept;
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
