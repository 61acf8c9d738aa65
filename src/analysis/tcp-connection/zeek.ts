/** Zeek's endpoint state machine and history (TCPSessionAdapter.cc, main.zeek), and Zeek's conn_state (docs/tcp-connection-model.md, Per connection). */
import { type TcpTapRecord } from '../../dissectors/tcp/tap.js';
import { TcpFlag } from '../../dissectors/tcp/analysis.js';
import { seqDiff } from '../../dissectors/tcp/seq.js';
import { ACK, FIN, RST, SYN, TcpConnection, ZS } from './store.js';

const HIST_SYN = 1;
const HIST_FIN = 2;
const HIST_RST = 4;
const HIST_ACK = 8;
const HIST_DATA = 16;
const HIST_FIN_RST = 32;
const HIST_MULTI = 64;

export function zeekUpdate(c: TcpConnection, r: TcpTapRecord, isOrig: boolean): void {
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
  if (c.history.length < c.limits.historyChars) c.history += isOrig ? code : code.toLowerCase();
}

/** Zeek's ScaledHistoryEntry: the letter at the 1st, 10th, 100th ... occurrence. */
function scaled(c: TcpConnection, isOrig: boolean, z: Int32Array, i: number, code: string): void {
  const n = z[i]! < 0 ? 1 : z[i]! + 1;
  z[i] = n;
  if (Number.isInteger(Math.log10(n)) && 10 ** Math.round(Math.log10(n)) === n) addHistory(c, isOrig, code);
}

export function connState(c: TcpConnection): string {
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
