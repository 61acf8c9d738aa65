/** The verdict (what limited the transfer) and the detectors of a connection (docs/tcp-connection-model.md, Verdict). */
import { seqGt, seqLt, seqDiff } from '../../dissectors/tcp/seq.js';
import { ACK, Side, TcpConnection, ms, round3, round6 } from './store.js';
import { ConnectionSummary, Detector } from './types.js';
import { minRtt } from './congestion.js';

export function uniqueBytes(s: Side): number {
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

export function noDataText(s: ConnectionSummary): string {
  if (s.connState === 'REJ') return 'No data: the connection was rejected (the responder answered the SYN with a RST).';
  if (s.connState === 'S0') return 'No data: the SYN was never answered (half-open attempt).';
  return `No data was transferred (${s.state.summary}).`;
}

export function detectors(c: TcpConnection, sum: ConnectionSummary): Detector[] {
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

export function verdict(c: TcpConnection, sum: ConnectionSummary): ConnectionSummary['verdict'] {
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
