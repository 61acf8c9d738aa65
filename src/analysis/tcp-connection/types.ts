/** The rows the per-connection TCP model gives (`TcpConnections.summaries()`, `stats tcp --json`). */
import type { LossEvent, Stall } from './store.js';

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
