/**
 * The connection doctor's graphs as plot specifications (../graph/plot.ts), from the connection's
 * per-packet series (src/stats/tcp-series.ts); pure functions of the points and the time window.
 *
 * - `timeSequence`: tcptrace's time-sequence graph of the data sender: each data segment a bar from
 *   its sequence number to its end (retransmissions red), the receiver's ACK line (green), the
 *   receive-window edge ACK + window (yellow), the SACK blocks (magenta).
 * - `flight`: bytes in flight of the sender (tcp.analysis.bytes_in_flight), the receiver's window
 *   (tcp.window_size) and the estimated congestion window: the largest flight within one RTT
 *   (the median ACK RTT) before each point, as the connection model's per-round estimate, in time.
 * - `rtt`: the RTT samples (tcp.analysis.ack_rtt on the receiver's ACKs), in ms.
 * - `throughput`: payload bits per second sent (retransmissions apart) and acknowledged (goodput),
 *   per interval of the window (one interval per cell column).
 *
 * The data sender is the side that sent more payload.
 */
import { Retrans, type TcpSeriesPoint } from '../../stats/tcp-series.js';
import type { PlotSpec, Series } from '../graph/plot.js';

export const GRAPH_KINDS = ['time-sequence', 'flight', 'rtt', 'throughput'] as const;
export type GraphKind = (typeof GRAPH_KINDS)[number];
export const GRAPH_TITLES: Record<GraphKind, string> = {
  'time-sequence': 'Time-sequence',
  flight: 'Flight',
  rtt: 'RTT',
  throughput: 'Throughput',
};

/** The direction that sent more payload (0 or 1). */
export function senderDir(points: readonly TcpSeriesPoint[]): number {
  let a = 0;
  let b = 0;
  for (const p of points) {
    if (p.dir === 0) a += p.len;
    else b += p.len;
  }
  return b > a ? 1 : 0;
}

/** The time span of the points. */
export function timeSpan(points: readonly TcpSeriesPoint[]): [number, number] {
  if (!points.length) return [0, 1];
  const t0 = points[0]!.time;
  const t1 = points[points.length - 1]!.time;
  return [t0, t1 > t0 ? t1 : t0 + 1e-3];
}

/** The points a graph's cursor steps through (those the graph draws). */
export function cursorPoints(kind: GraphKind, points: readonly TcpSeriesPoint[]): TcpSeriesPoint[] {
  const d = senderDir(points);
  switch (kind) {
    case 'time-sequence':
    case 'throughput':
      return points.filter((p) => (p.dir === d ? p.len > 0 : (p.flags & 0x12) !== 0));
    case 'flight':
      return points.filter((p) => (p.dir === d && p.bytesInFlight >= 0) || p.dir !== d);
    case 'rtt':
      return points.filter((p) => p.ackRtt >= 0);
  }
}

const COLORS = { data: 'blue', retrans: 'red', ack: 'green', window: 'yellow', sack: 'magenta', flight: 'blue', cwnd: 'cyan', rtt: 'green', rttOther: 'gray', sent: 'blue', acked: 'green' };

/** The series of a graph over the window [x0, x1] (the throughput's intervals depend on it). */
export function graphSeries(kind: GraphKind, points: readonly TcpSeriesPoint[], x: [number, number], cols: number): Series[] {
  const d = senderDir(points);
  const mine = points.filter((p) => p.dir === d);
  const theirs = points.filter((p) => p.dir !== d);
  const acks = theirs.filter((p) => p.ack >= 0 && p.flags & 0x10);
  switch (kind) {
    case 'time-sequence': {
      const data = mine.filter((p) => p.len > 0 && p.retrans === Retrans.None);
      const re = mine.filter((p) => p.len > 0 && p.retrans !== Retrans.None);
      const sacks = theirs.flatMap((p) => p.sack.map(([le, rr]) => ({ t: p.time, le, rr })));
      return [
        { kind: 'step', label: 'window', color: COLORS.window, xs: acks.map((p) => p.time), ys: acks.map((p) => p.ack + p.win) },
        { kind: 'step', label: 'ACK', color: COLORS.ack, xs: acks.map((p) => p.time), ys: acks.map((p) => p.ack) },
        { kind: 'bars', label: 'SACK', color: COLORS.sack, xs: sacks.map((s) => s.t), ys: sacks.map((s) => s.le), y2s: sacks.map((s) => s.rr) },
        { kind: 'bars', label: 'data', color: COLORS.data, xs: data.map((p) => p.time), ys: data.map((p) => p.seq), y2s: data.map((p) => p.seq + p.len) },
        { kind: 'bars', label: 'retransmission', color: COLORS.retrans, xs: re.map((p) => p.time), ys: re.map((p) => p.seq), y2s: re.map((p) => p.seq + p.len) },
      ];
    }
    case 'flight': {
      const f = mine.filter((p) => p.bytesInFlight >= 0);
      const rtts = theirs.filter((p) => p.ackRtt >= 0).map((p) => p.ackRtt).sort((a, b) => a - b);
      const rtt = rtts.length ? rtts[Math.floor(rtts.length / 2)]! : 0;
      const cwnd: number[] = [];
      let lo = 0;
      // Largest flight within the last RTT: a monotonic deque over the points in time order.
      const dq: number[] = [];
      for (let i = 0; i < f.length; i++) {
        while (dq.length && f[dq[dq.length - 1]!]!.bytesInFlight <= f[i]!.bytesInFlight) dq.pop();
        dq.push(i);
        while (f[i]!.time - f[lo]!.time > rtt) lo++;
        while (dq[0]! < lo) dq.shift();
        cwnd.push(f[dq[0]!]!.bytesInFlight);
      }
      return [
        { kind: 'step', label: 'receive window', color: COLORS.window, xs: theirs.map((p) => p.time), ys: theirs.map((p) => p.win) },
        { kind: 'line', label: 'cwnd estimate', color: COLORS.cwnd, xs: f.map((p) => p.time), ys: cwnd },
        { kind: 'points', label: 'bytes in flight', color: COLORS.flight, xs: f.map((p) => p.time), ys: f.map((p) => p.bytesInFlight) },
      ];
    }
    case 'rtt': {
      const s = theirs.filter((p) => p.ackRtt >= 0);
      const o = mine.filter((p) => p.ackRtt >= 0);
      return [
        { kind: 'points', label: 'RTT of the other side', color: COLORS.rttOther, xs: o.map((p) => p.time), ys: o.map((p) => p.ackRtt * 1000) },
        { kind: 'points', label: 'RTT (ms)', color: COLORS.rtt, xs: s.map((p) => p.time), ys: s.map((p) => p.ackRtt * 1000) },
      ];
    }
    case 'throughput': {
      const n = Math.max(1, cols);
      const w = (x[1] - x[0]) / n;
      const sent = new Float64Array(n);
      const acked = new Float64Array(n);
      const bin = (t: number) => Math.min(n - 1, Math.floor((t - x[0]) / w));
      for (const p of mine) if (p.len > 0 && p.retrans === Retrans.None && p.time >= x[0] && p.time <= x[1]) sent[bin(p.time)]! += p.len * 8;
      let last = -1;
      for (const p of acks) {
        if (last >= 0 && p.ack > last && p.time >= x[0] && p.time <= x[1]) acked[bin(p.time)]! += (p.ack - last) * 8;
        if (p.ack > last) last = p.ack;
      }
      const xs = Array.from({ length: n }, (_, i) => x[0] + (i + 0.5) * w);
      return [
        { kind: 'line', label: 'goodput (ACKed)', color: COLORS.acked, xs, ys: [...acked].map((v) => v / w) },
        { kind: 'line', label: 'sent', color: COLORS.sent, xs, ys: [...sent].map((v) => v / w) },
      ];
    }
  }
}

/** The y axis label format of a graph. */
export function yFormatOf(kind: GraphKind): ((v: number) => string) | undefined {
  if (kind === 'throughput') return (v) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toFixed(0)}`);
  return undefined;
}

/** A graph's plot over the window, with the cursor. */
export function graphSpec(kind: GraphKind, points: readonly TcpSeriesPoint[], x: [number, number], width: number, height: number, cursor?: number): PlotSpec {
  const cols = Math.max(1, width - 10);
  return { width, height, x, series: graphSeries(kind, points, x, cols), cursor, yFormat: yFormatOf(kind), xFormat: (v) => `${+v.toFixed(3)}s` };
}

/** Zoom the window by `factor` (< 1 in) around `at`, kept inside `full`. */
export function zoom(win: [number, number], full: [number, number], factor: number, at: number): [number, number] {
  const span = Math.min(full[1] - full[0], Math.max(1e-6, (win[1] - win[0]) * factor));
  let a = at - (at - win[0]) * (span / (win[1] - win[0]));
  a = Math.max(full[0], Math.min(full[1] - span, a));
  return [a, a + span];
}

/** Pan the window by `fraction` of its span, kept inside `full`. */
export function pan(win: [number, number], full: [number, number], fraction: number): [number, number] {
  const span = win[1] - win[0];
  const a = Math.max(full[0], Math.min(full[1] - span, win[0] + span * fraction));
  return [a, a + span];
}
