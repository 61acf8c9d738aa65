/** The limited-by time split of a data direction (docs/tcp-connection-model.md, Limited-by). */
import { seqDiff } from '../../dissectors/tcp/seq.js';
import { Lim, Side, TcpConnection, mssOf } from './store.js';

/** The limited-by state of direction `dir` after the current packet (rules: docs/tcp-connection-model.md, Limited-by). */
export function decide(c: TcpConnection, dir: number, s: Side, frame: number): void {
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

export function account(s: Side, dt: number): void {
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
