/** A connection's summary (ConnectionSummary) from its model. */
import { FIN, PHASE_NAMES, Phase, TcpConnection, ms, round6, synOf } from './store.js';
import { ConnectionSummary, DirectionSummary } from './types.js';
import { connState } from './zeek.js';
import { detectors, noDataText, uniqueBytes, verdict } from './verdict.js';

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
  if (zeroOpen > 0 && stalls.length < s.limits.eventsKept) stalls.push({ startFrame: s.zeroStartFrame, endFrame: c.lastFrame, seconds: round6(zeroOpen) });
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

export function summarize(c: TcpConnection): ConnectionSummary {
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
