/**
 * The per-connection TCP model (src/analysis/tcp-connection/) on scenario captures built with
 * our packet builders: every state and Zeek conn_state, every detector and the verdicts. Each
 * scenario is also written to a pcap and read by tshark 4.0 `-2` (installed by .ci/run; the test
 * fails, not skips, without it): packets and bytes per direction, iRTT and the analysis-flag counts
 * the cards show must be tshark's. Bulk transfers come from a small event-driven TCP sender (slow
 * start, congestion avoidance, fast retransmit/recovery, RTO, receiver window) with the capture
 * point at the sender. Corpus captures (../shared/corpus/public) are read too: no crash, and
 * per-connection packet counts equal tshark's conversation table (`.conv.txt`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onePass, twoPass, type Timed } from '../dissectors/helpers.js';
import { C, S, tcpFrame, writeScenario, type Seg } from './tcp-scenario.js';
import { TcpConnections } from '../../src/analysis/tcp-connection/connections.js';
import { TCP_CONNECTION_LIMITS, type TcpConnectionLimits } from '../../src/analysis/tcp-connection/store.js';
import type { ConnectionSummary } from '../../src/analysis/tcp-connection/types.js';
import { collectTcpConnections, tcpCard } from '../../src/cli/tcp-stats.js';
import { TCP_TAP } from '../../src/dissectors/tcp/tap.js';
import { corpusFile, corpusPresent, corpusRoot, describeCorpusMissing, itCorpusMissing } from '../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'wl-tcp-conn-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

const frame = tcpFrame;

let fileNo = 0;

function writePcap(frames: Timed[]): string {
  const path = join(scratch, `c${fileNo++}.pcap`);
  return writeScenario(path, frames);
}

function tshark(args: string[]): string {
  return execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 28 });
}

/** The cards of `frames` dissected by `read` (one or two passes), from the TCP tap. */
function cards(frames: Timed[], read: typeof twoPass = twoPass, limits?: TcpConnectionLimits): ConnectionSummary[] {
  const conns = new TcpConnections({ limits });
  read(frames, 1, undefined, (s) => s.taps.add(TCP_TAP, (r) => conns.add(r)));
  return [...conns.summaries()];
}

/** Our card of the one connection in `segs`; kept (unless `check` is false) for the tshark check at the end. */
function card(segs: Seg[], check = true, limits?: TcpConnectionLimits): ConnectionSummary {
  const all = cards(segs.map((x) => frame(x)), twoPass, limits);
  expect(all).toHaveLength(1);
  const s = all[0]!;
  expect(tcpCard(s)).toContain('TCP stream 0: ');
  if (check) checked.push({ segs, s });
  return s;
}

/** Every scenario card, checked against tshark -2 in one run over one capture (tshark is slow to start). */
const checked: Array<{ segs: Seg[]; s: ConnectionSummary }> = [];

const FLAG_FIELDS = [
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission', 'tcp.analysis.out_of_order',
  'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.duplicate_ack', 'tcp.analysis.zero_window', 'tcp.analysis.window_full',
  'tcp.analysis.zero_window_probe',
];

interface Theirs {
  pkts: [number, number];
  bytes: [number, number];
  irtt: number | null;
  /** Per flag: frames (numbered within the scenario) sent by the client, by the server. */
  flags: Record<string, [number[], number[]]>;
  ecn: [{ ece: number; cwr: number; ect: number; ce: number }, { ece: number; cwr: number; ect: number; ce: number }];
  conv: { client: number; server: number; clientBytes: number | null; serverBytes: number | null } | null;
}

function checkAllAgainstTshark(): void {
  const frames: Timed[] = [];
  const firstFrame: number[] = [];
  checked.forEach(({ segs }, k) => {
    firstFrame.push(frames.length);
    for (const x of segs) frames.push(frame(x, 20000 + k, k * 100));
  });
  const path = writePcap(frames);
  const out = tshark(['-2', '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'frame.len', '-e', 'tcp.analysis.initial_rtt',
    '-e', 'tcp.flags', '-e', 'ip.dsfield.ecn', ...FLAG_FIELDS.flatMap((f) => ['-e', f]), '-E', 'separator=|', '-z', 'conv,tcp']);
  const lines = out.split('\n');
  const theirs: Theirs[] = checked.map(() => ({
    pkts: [0, 0], bytes: [0, 0], irtt: null, flags: Object.fromEntries(FLAG_FIELDS.map((f) => [f, [[], []]])),
    ecn: [{ ece: 0, cwr: 0, ect: 0, ce: 0 }, { ece: 0, cwr: 0, ect: 0, ce: 0 }], conv: null,
  }));
  for (const line of lines) {
    const v = line.split('|');
    if (v.length < 7 + FLAG_FIELDS.length) continue;
    const sp = Number(v[1]);
    const clientSent = sp !== S.port;
    const k = (clientSent ? sp : Number(v[2])) - 20000;
    const t = theirs[k]!;
    const d = clientSent ? 0 : 1;
    const local = Number(v[0]) - firstFrame[k]!;
    t.pkts[d]++;
    t.bytes[d] += Number(v[3]);
    if (v[4]) t.irtt = Number(v[4]);
    const fl = Number(v[5]);
    const ecn = Number(v[6]);
    if (!(fl & 2)) {
      if (fl & 0x40) t.ecn[d].ece++;
      if (fl & 0x80) t.ecn[d].cwr++;
    }
    if (ecn === 3) t.ecn[d].ce++;
    else if (ecn) t.ecn[d].ect++;
    FLAG_FIELDS.forEach((f, i) => {
      if (v[7 + i]) t.flags[f]![d].push(local);
    });
  }
  for (const l of lines) {
    const m = /^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+)\s+(\d+) (\S+)\s+(\d+)\s+(\d+) (\S+)/.exec(l);
    if (!m) continue;
    const aIsClient = Number(m[2]) !== S.port;
    const k = Number(aIsClient ? m[2] : m[4]) - 20000;
    const fromB = Number(m[5]);
    const fromA = Number(m[8]);
    const bB = m[7] === 'bytes' ? Number(m[6]) : null;
    const bA = m[10] === 'bytes' ? Number(m[9]) : null;
    theirs[k]!.conv = aIsClient ? { client: fromA, server: fromB, clientBytes: bA, serverBytes: bB } : { client: fromB, server: fromA, clientBytes: bB, serverBytes: bA };
  }
  checked.forEach(({ s }, k) => {
    const t = theirs[k]!;
    // The client is the originator in every scenario (a SYN/ACK first flips the roles to it).
    const [cl, sv] = [s.orig, s.resp];
    const what = `scenario ${k} (${s.connState} ${s.history})`;
    expect([cl.packets, sv.packets], what).toEqual(t.pkts);
    expect([cl.bytes, sv.bytes], what).toEqual(t.bytes);
    expect(t.conv, what).not.toBeNull();
    expect([cl.packets, sv.packets], what).toEqual([t.conv!.client, t.conv!.server]);
    if (t.conv!.clientBytes !== null) expect(cl.bytes, what).toBe(t.conv!.clientBytes);
    if (t.conv!.serverBytes !== null) expect(sv.bytes, what).toBe(t.conv!.serverBytes);
    if (t.irtt !== null) expect(s.handshake.rttMs, what).toBeCloseTo(t.irtt * 1000, 3);
    else expect(s.handshake.rttMs, what).toBeNull();
    if (!cl.retransmissions || !sv.retransmissions) return;
    const n = (f: string) => [t.flags[f]![0].length, t.flags[f]![1].length];
    const ours = (f: (d: typeof cl) => number) => [f(cl), f(sv)];
    // tshark adds the retransmission field to fast and spurious retransmissions too.
    expect(ours((d) => d.retransmissions!.retransmission + d.retransmissions!.fast + d.retransmissions!.spurious), what).toEqual(n('tcp.analysis.retransmission'));
    expect(ours((d) => d.retransmissions!.fast), what).toEqual(n('tcp.analysis.fast_retransmission'));
    expect(ours((d) => d.retransmissions!.spurious), what).toEqual(n('tcp.analysis.spurious_retransmission'));
    expect(ours((d) => d.retransmissions!.outOfOrder), what).toEqual(n('tcp.analysis.out_of_order'));
    expect(ours((d) => d.retransmissions!.lostSegment), what).toEqual(n('tcp.analysis.lost_segment'));
    expect(ours((d) => d.retransmissions!.ackedUnseen), what).toEqual(n('tcp.analysis.ack_lost_segment'));
    expect(ours((d) => d.retransmissions!.dupAcks), what).toEqual(n('tcp.analysis.duplicate_ack'));
    expect(ours((d) => d.zeroWindow!.advertisements), what).toEqual(n('tcp.analysis.zero_window'));
    expect(ours((d) => d.windowFull!.count), what).toEqual(n('tcp.analysis.window_full'));
    // Probes are counted at the side whose zero window they probe.
    expect([sv.zeroWindow!.probes, cl.zeroWindow!.probes], what).toEqual(n('tcp.analysis.zero_window_probe'));
    expect([cl.windowFull!.frames, sv.windowFull!.frames], what).toEqual(t.flags['tcp.analysis.window_full']!.map((f) => f.slice(0, 8)));
    const rtxFrames = (d: 0 | 1) => t.flags['tcp.analysis.retransmission']![d].slice(0, 8);
    expect([cl.retransmissions!.frames, sv.retransmissions!.frames], what).toEqual([rtxFrames(0), rtxFrames(1)]);
    expect([cl.ecn, sv.ecn], what).toEqual(t.ecn);
  });
}

const ISN_C = 1000;
const ISN_S = 5000;

function handshake(o: { ms?: number; rtt?: number; copts?: Record<string, unknown>; sopts?: Record<string, unknown>; cwin?: number; swin?: number } = {}): Seg[] {
  const t = o.ms ?? 0;
  const rtt = o.rtt ?? 20;
  const copts = o.copts ?? { mss: 1460, wscale: 7, sackPerm: true };
  const sopts = o.sopts ?? { mss: 1460, wscale: 7, sackPerm: true };
  return [
    { c: true, seq: ISN_C, flags: 'S', ms: t, opts: copts, win: 64240 },
    { c: false, seq: ISN_S, ack: ISN_C + 1, flags: 'SA', ms: t + rtt, opts: sopts, win: 65160 },
    { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'A', ms: t + rtt + 0.05, win: o.cwin ?? 502 },
  ];
}

// ------------------------------------------------------------------------------------------
// A small TCP sender (client -> server bulk transfer), capture point at the sender.

interface SimOpts {
  /** Bytes to send. */
  total: number;
  mss?: number;
  /** One-way delay, ms (the RTT seen at the sender is twice this). */
  owd?: number;
  /** Receiver window in bytes and the scale shift both sides announce (undefined: no option). */
  rwnd?: number;
  wscale?: number;
  /** Initial window, segments. */
  iw?: number;
  /** Segment numbers (from 0) dropped by the network on their first transmission. */
  drop?: number[];
  /** Retransmission timeout, ms. */
  rto?: number;
  /** Gap between back-to-back segments, ms. */
  gap?: number;
}

function simulate(o: SimOpts): Seg[] {
  const mss = o.mss ?? 1460;
  const owd = o.owd ?? 20;
  const ws = o.wscale;
  const rwnd = o.rwnd ?? 4 << 20;
  const winField = Math.min(65535, ws === undefined ? rwnd : rwnd >> ws);
  const opts = ws === undefined ? { mss } : { mss, wscale: ws, sackPerm: true };
  const segs: Seg[] = handshake({ rtt: 2 * owd, copts: opts, sopts: opts, cwin: ws === undefined ? 65535 : 502 });
  const nSegs = Math.ceil(o.total / mss);
  const segLen = (i: number) => Math.min(mss, o.total - i * mss);
  const drop = new Set(o.drop ?? []);
  const gap = o.gap ?? 0.01;
  type Ev = { t: number; kind: 'arrive' | 'ack' | 'rto' | 'dack'; seg?: number; ack?: number; gen?: number };
  const q: Ev[] = [];
  const push = (e: Ev) => {
    let i = q.length;
    while (i > 0 && q[i - 1]!.t > e.t) i--;
    q.splice(i, 0, e);
  };
  let t = 2 * owd + 0.1;
  let next = 0; // next new segment
  let una = 0; // first unacknowledged segment
  let cwnd = o.iw ?? 10;
  let ssthresh = Infinity;
  let dup = 0;
  let recovery = -1; // recovery point (segment number) or -1
  let rtoGen = 0;
  const sent = new Set<number>();
  // Receiver
  const got = new Set<number>();
  let rcvNext = 0;
  let pendingAcks = 0;
  let dackGen = 0;
  const send = (i: number, now: number) => {
    segs.push({ c: true, seq: ISN_C + 1 + i * mss, ack: ISN_S + 1, flags: 'A', len: segLen(i), ms: now, win: ws === undefined ? 65535 : 502 });
    const first = !sent.has(i);
    sent.add(i);
    if (!(first && drop.has(i))) push({ t: now + owd, kind: 'arrive', seg: i });
    rtoGen++;
    push({ t: now + (o.rto ?? 300), kind: 'rto', gen: rtoGen });
  };
  // The sender's link serialises segments: one every `gap` ms.
  let lastSend = -Infinity;
  const trySend = (now: number) => {
    while (next < nSegs && next - una < Math.floor(cwnd) && (next - una + 1) * mss <= rwnd && recovery < 0) {
      lastSend = Math.max(now, lastSend + gap);
      send(next++, lastSend);
    }
  };
  trySend(t);
  while (q.length) {
    const e = q.shift()!;
    if (e.kind === 'arrive') {
      got.add(e.seg!);
      const before = rcvNext;
      while (got.has(rcvNext)) rcvNext++;
      // ACK at once for out-of-order data or a filled hole, every second segment, or the last;
      // else a delayed ACK 40 ms later.
      const immediate = e.seg! !== before || got.size > rcvNext || rcvNext - before > 1;
      pendingAcks++;
      if (immediate || pendingAcks >= 2 || rcvNext === nSegs) {
        pendingAcks = 0;
        dackGen++;
        push({ t: e.t + owd, kind: 'ack', ack: rcvNext });
      } else push({ t: e.t + 40, kind: 'dack', gen: ++dackGen });
    } else if (e.kind === 'dack') {
      if (e.gen === dackGen && pendingAcks) {
        pendingAcks = 0;
        push({ t: e.t + owd, kind: 'ack', ack: rcvNext });
      }
    } else if (e.kind === 'ack') {
      const a = e.ack!;
      segs.push({ c: false, seq: ISN_S + 1, ack: ISN_C + 1 + (a === nSegs ? o.total : a * mss), flags: 'A', ms: e.t, win: winField });
      if (a > una) {
        const acked = a - una;
        una = a;
        dup = 0;
        if (recovery >= 0) {
          if (a >= recovery) {
            recovery = -1;
            cwnd = ssthresh;
          } else send(una, e.t);
        } else if (cwnd < ssthresh) cwnd += acked;
        else cwnd += acked / cwnd;
        if (una === nSegs) rtoGen++;
      } else if (una < next) {
        dup++;
        if (dup === 3 && recovery < 0) {
          ssthresh = Math.max(2, Math.floor((next - una) / 2));
          recovery = next;
          lastSend = Math.max(e.t, lastSend + gap);
          send(una, lastSend);
        }
      }
      trySend(e.t + 0.01);
    } else if (e.gen === rtoGen && una < nSegs) {
      ssthresh = Math.max(2, Math.floor((next - una) / 2));
      cwnd = 1;
      recovery = -1;
      send(una, e.t);
    }
  }
  // Events were generated in time order per kind; the capture is in time order.
  const hs = segs.splice(0, 3);
  segs.sort((a, b) => a.ms - b.ms);
  segs.unshift(...hs);
  const end = segs[segs.length - 1]!.ms;
  segs.push({ c: true, seq: ISN_C + 1 + o.total, ack: ISN_S + 1, flags: 'FA', ms: end + 1, win: 502 });
  segs.push({ c: false, seq: ISN_S + 1, ack: ISN_C + 2 + o.total, flags: 'FA', ms: end + 1 + 2 * owd, win: winField });
  segs.push({ c: true, seq: ISN_C + 2 + o.total, ack: ISN_S + 2, flags: 'A', ms: end + 1.1 + 2 * owd, win: 502 });
  return segs;
}

// ------------------------------------------------------------------------------------------

describe('connection state and Zeek conn_state on built connections (checked against tshark)', () => {
  it('normal request/response closed by FIN: SF, ShADadFf', () => {
    const s = card([
      ...handshake(),
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 100, ms: 30 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 101, flags: 'A', ms: 50 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 101, flags: 'PA', len: 500, ms: 60 },
      { c: true, seq: ISN_C + 101, ack: ISN_S + 501, flags: 'A', ms: 61 },
      { c: true, seq: ISN_C + 101, ack: ISN_S + 501, flags: 'FA', ms: 70 },
      { c: false, seq: ISN_S + 501, ack: ISN_C + 102, flags: 'FA', ms: 90 },
      { c: true, seq: ISN_C + 102, ack: ISN_S + 502, flags: 'A', ms: 91 },
    ]);
    expect(s.connState).toBe('SF');
    expect(s.history).toBe('ShADadFf');
    expect(s.state).toMatchObject({ handshake: 'complete', established: true, finFrom: 'both', finFirst: 'originator', resetBy: 'none', halfOpen: false });
    expect(s.state.summary).toBe('handshake seen; established; closed by FIN from both sides (originator first)');
    expect(s.handshake).toEqual({ rttMs: 20.05, synToSynAckMs: 20, synAckToAckMs: 0.05 });
    expect(s.windowScaling).toEqual({ negotiated: true, originatorShift: 7, responderShift: 7 });
    expect(s.sackPermitted).toBe(true);
    expect(s.orig.uniqueBytes).toBe(100);
    expect(s.resp.uniqueBytes).toBe(500);
    expect(s.orig.mss).toBe(1460);
  });

  it('SYN answered by RST: REJ, reset by the responder', () => {
    const s = card([
      { c: true, seq: ISN_C, flags: 'S', ms: 0, opts: { mss: 1460 } },
      { c: false, seq: 0, ack: ISN_C + 1, flags: 'RA', ms: 1 },
    ]);
    expect(s.connState).toBe('REJ');
    expect(s.history).toBe('Sr');
    expect(s.state).toMatchObject({ resetBy: 'responder', halfOpen: false, established: false });
    expect(s.state.summary).toBe('SYN without a SYN/ACK; rejected (RST to the SYN)');
    expect(s.verdict.text).toMatch(/rejected/);
    expect(s.detailed).toBe(false);
  });

  it('lone SYNs (retransmitted): S0, half-open; no detail allocated', () => {
    const s = card([
      { c: true, seq: ISN_C, flags: 'S', ms: 0, opts: { mss: 1460 } },
      { c: true, seq: ISN_C, flags: 'S', ms: 1000, opts: { mss: 1460 } },
      { c: true, seq: ISN_C, flags: 'S', ms: 3000, opts: { mss: 1460 } },
    ]);
    expect(s.connState).toBe('S0');
    expect(s.history).toBe('S');
    expect(s.state.halfOpen).toBe(true);
    expect(s.state.summary).toBe('SYN without a SYN/ACK; half-open');
    expect(s.detailed).toBe(false);
    expect(s.orig.packets).toBe(3);
  });

  it('SYN, SYN/ACK then silence: S1 in Zeek terms, half-open on the wire', () => {
    const s = card(handshake().slice(0, 2));
    expect(s.connState).toBe('S1');
    expect(s.state).toMatchObject({ handshake: 'syn-synack', halfOpen: true, established: false });
    expect(s.state.summary).toBe('SYN and SYN/ACK, no final ACK; half-open');
    expect(s.handshake.synToSynAckMs).toBe(20);
  });

  it.each([
    // [name, segments after the handshake, conn_state, history]
    ['S2: FIN from the originator only', [{ c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'FA', ms: 50 }], 'S2', 'ShAF'],
    ['S3: FIN from the responder only', [{ c: false, seq: ISN_S + 1, ack: ISN_C + 1, flags: 'FA', ms: 50 }], 'S3', 'ShAf'],
    ['RSTO: the originator aborts', [{ c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 10, ms: 30 }, { c: true, seq: ISN_C + 11, ack: ISN_S + 1, flags: 'RA', ms: 50 }], 'RSTO', 'ShADR'],
    ['RSTR: the responder aborts', [{ c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 10, ms: 30 }, { c: false, seq: ISN_S + 1, ack: ISN_C + 11, flags: 'RA', ms: 50 }], 'RSTR', 'ShADr'],
  ] as const)('%s', (_name, tail, state, history) => {
    const s = card([...handshake(), ...tail.map((x) => ({ ...x }))]);
    expect(s.connState).toBe(state);
    expect(s.history).toBe(history);
  });

  it('RSTOS0: SYN then RST from the originator', () => {
    const s = card([{ c: true, seq: ISN_C, flags: 'S', ms: 0 }, { c: true, seq: ISN_C + 1, flags: 'R', ms: 5 }]);
    expect(s.connState).toBe('RSTOS0');
    expect(s.history).toBe('SR');
  });

  it('RSTRH and SHR: SYN/ACK without a SYN (roles flipped), then RST or FIN', () => {
    const a = card([{ c: false, seq: ISN_S, ack: ISN_C + 1, flags: 'SA', ms: 0 }, { c: false, seq: ISN_S + 1, ack: ISN_C + 1, flags: 'RA', ms: 5 }]);
    expect(a.flipped).toBe(true);
    expect(a.originator).toEqual({ address: C.ip, port: C.port });
    expect(a.connState).toBe('RSTRH');
    expect(a.history).toBe('^hr');
    const b = card([{ c: false, seq: ISN_S, ack: ISN_C + 1, flags: 'SA', ms: 0 }, { c: false, seq: ISN_S + 1, ack: ISN_C + 1, flags: 'FA', ms: 5 }]);
    expect(b.connState).toBe('SHR');
    expect(b.history).toBe('^hf');
    expect(b.state.handshake).toBe('synack');
  });

  it('SH: SYN then FIN with no answer', () => {
    const s = card([{ c: true, seq: ISN_C, flags: 'S', ms: 0 }, { c: true, seq: ISN_C + 1, flags: 'F', ms: 5 }]);
    expect(s.connState).toBe('SH');
    expect(s.history).toBe('SF');
  });

  it('OTH: midstream traffic without a handshake', () => {
    const s = card([
      { c: true, seq: 7000, ack: 9000, flags: 'PA', len: 100, ms: 0 },
      { c: false, seq: 9000, ack: 7100, flags: 'A', ms: 10 },
    ]);
    expect(s.connState).toBe('OTH');
    expect(s.history).toBe('Da');
    expect(s.state.handshake).toBe('none');
    expect(s.state.summary).toMatch(/^no handshake seen \(capture started mid-connection\)/);
  });

  if (!corpusPresent) itCorpusMissing();
  it.runIf(corpusPresent)('Zeek baselines: single-rst.pcap is OTH "R", syn-then-stuff-then-rst.pcap is OTH "SaFR" (zeek testing/btest conn_state-RST-behavior)', async () => {
    const dir = corpusFile('zeek/tcp');
    const a = [...(await collectTcpConnections(join(dir, 'single-rst.pcap'))).summaries()];
    expect(a.map((s) => [s.history, s.connState])).toEqual([['R', 'OTH']]);
    const b = [...(await collectTcpConnections(join(dir, 'syn-then-stuff-then-rst.pcap'))).summaries()];
    expect(b.map((s) => [s.history, s.connState])).toEqual([['SaFR', 'OTH']]);
  });

  it.runIf(corpusPresent)('Zeek baselines: missing-syn.pcap is SF "^hADdFaf" with 98/9417 bytes (core.tcp.missing-syn/conn.log); fin_retransmission.pcap ends originator CLOSED, responder RESET (core.tcp.fin-retransmit): RSTR, 3/2 packets', async () => {
    const dir = corpusFile('zeek/tcp');
    const [m] = [...(await collectTcpConnections(join(dir, 'missing-syn.pcap'))).summaries()];
    expect([m!.originator, m!.responder, m!.connState, m!.history, m!.orig.uniqueBytes, m!.resp.uniqueBytes, m!.orig.packets, m!.resp.packets]).toEqual([
      { address: '141.42.64.125', port: 56730 }, { address: '125.190.109.199', port: 80 }, 'SF', '^hADdFaf', 98, 9417, 11, 10,
    ]);
    const f = [...(await collectTcpConnections(join(dir, 'fin_retransmission.pcap'))).summaries()];
    expect(f.map((s) => [s.connState, s.orig.packets, s.resp.packets])).toEqual([['RSTR', 3, 2]]);
  });
});

describe('congestion, limits and verdicts on simulated transfers (checked against tshark)', () => {
  it('slow start, then a loss, fast recovery and congestion avoidance: the loss event and the cut', () => {
    const segs = simulate({ total: 1460 * 400, owd: 20, wscale: 7, drop: [75] });
    const s = card(segs);
    const c = s.orig.congestion!;
    expect(s.orig.retransmissions!.fast).toBe(1);
    expect(c.lossEvents.count).toBe(1);
    const ev = c.lossEvents.events[0]!;
    expect(ev.kind).toBe('fast');
    expect(ev.flightAfter).not.toBeNull();
    expect(ev.cutPercent!).toBeGreaterThanOrEqual(40);
    expect(ev.cutPercent!).toBeLessThanOrEqual(60);
    // Slow start doubles the flight: 10, 20, 40 segments ... before the loss.
    expect(c.flightPerRound.slice(0, 3)).toEqual([14600, 29200, 58400]);
    expect(c.phasePerRound.slice(0, 3)).toEqual(['slow start', 'slow start', 'slow start']);
    expect(c.phases.fastRecovery).toBeGreaterThanOrEqual(1);
    expect(c.phases.congestionAvoidance).toBeGreaterThanOrEqual(3);
    // Congestion avoidance: about one MSS more per round after the recovery.
    const after = c.flightPerRound.slice(c.phasePerRound.lastIndexOf('fast recovery') + 2);
    for (let i = 1; i < after.length - 1; i++) expect(after[i]! - after[i - 1]!).toBeLessThanOrEqual(2 * 1460);
    expect(s.verdict.limitedBy).toBe('congestion');
    expect(s.verdict.text).toMatch(/^Limited by congestion\/loss: \d+% of the transfer time .* 1 loss event\(s\) \(1 fast retransmission, 0 timeout\) \(frames \d+\); the flight was cut from [\d,]+ to [\d,]+ bytes/);
    expect(s.verdict.frames).toEqual([ev.frame]);
    expect(s.orig.rttMs!.min).toBeCloseTo(40, 0);
    expect(s.detectors).toEqual([]);
  });

  it('a transfer held by a 65,535-byte window without scaling: limited by the receiver window', () => {
    const segs = simulate({ total: 1460 * 300, owd: 25, rwnd: 65535, iw: 100 });
    const s = card(segs);
    expect(s.windowScaling.negotiated).toBe(false);
    const l = s.orig.limitedBy!;
    expect(l.receiverWindow / l.transferSeconds).toBeGreaterThan(0.7);
    expect(s.verdict.limitedBy).toBe('receiver-window');
    expect(s.verdict.text).toMatch(/^Limited by the receiver's window: \d+% of the transfer time the originator had a full window \(frames [\d, ]+\); the responder advertised at most 65,535 bytes and window scaling was not negotiated\./);
    expect(s.resp.maxWindow).toBe(65535);
  });

  it('a slow-start-only short transfer without loss: limited by the network RTT', () => {
    const s = card(simulate({ total: 1460 * 70, owd: 30, wscale: 7 }));
    expect(s.orig.congestion!.lossEvents.count).toBe(0);
    expect(s.verdict.limitedBy).toBe('network-rtt');
    expect(s.verdict.text).toMatch(/^Limited by the network's RTT: /);
  });

  it('the last segment lost: an RTO stall with the silence it cost', () => {
    const segs = simulate({ total: 1460 * 30, owd: 20, wscale: 7, drop: [29], rto: 400 });
    const s = card(segs);
    const d = s.detectors.find((x) => x.kind === 'rto-stall')!;
    expect(d).toBeDefined();
    expect(d.side).toBe('originator');
    expect(d.count).toBe(1);
    expect(d.seconds!).toBeGreaterThan(0.2);
    expect(d.text).toMatch(/^RTO stall: the originator retransmitted after [\d.]+ ms of silence \(frames \d+\): a retransmission timeout/);
    expect(s.orig.congestion!.lossEvents.events[0]!.kind).toBe('rto');
    expect(s.orig.congestion!.phases.rtoRecovery).toBeGreaterThanOrEqual(1);
    // tshark calls the same frame a retransmission (checked at the end with every card's retransmission frames).
    expect(s.orig.retransmissions!.frames).toContain(d.frames[0]);
    // The timeout took a large part of this short transfer: it is the verdict.
    expect(d.seconds! / s.duration).toBeGreaterThanOrEqual(1 / 3);
    expect(s.verdict.limitedBy).toBe('congestion');
    expect(s.verdict.text).toMatch(/^Limited by loss recovered by retransmission timeouts: the originator waited [\d.]+ ms of the [\d.]+ m?s for its retransmission timer \(1 timeout\(s\)\) \(frames \d+\)/);
    expect(s.verdict.frames).toEqual(d.frames);
  });
});

describe('detectors on built connections (checked against tshark)', () => {
  it('zero-window stall: duration and frames', () => {
    const segs: Seg[] = [
      ...handshake({ copts: { mss: 1460 }, sopts: { mss: 1460 } }),
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'A', len: 1460, ms: 30, win: 65535 },
      { c: true, seq: ISN_C + 1461, ack: ISN_S + 1, flags: 'A', len: 1460, ms: 30.1, win: 65535 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 2921, flags: 'A', ms: 50, win: 0 },
      { c: true, seq: ISN_C + 2921, ack: ISN_S + 1, flags: 'A', len: 1, ms: 300, win: 65535 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 2921, flags: 'A', ms: 320, win: 0 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 2921, flags: 'A', ms: 850, win: 8000 },
      { c: true, seq: ISN_C + 2921, ack: ISN_S + 1, flags: 'A', len: 1460, ms: 851, win: 65535 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 4381, flags: 'A', ms: 871, win: 8000 },
    ];
    const s = card(segs);
    expect(s.resp.zeroWindow).toEqual({ advertisements: 2, probes: 1, seconds: 0.8, stalls: [{ startFrame: 6, endFrame: 9, seconds: 0.8 }] });
    expect(s.history).toBe('ShADaw');
    const d = s.detectors.find((x) => x.kind === 'zero-window-stall')!;
    expect(d.side).toBe('responder');
    expect(d.frames).toEqual([6, 9]);
    expect(d.text).toBe('Zero-window stall: the responder advertised a zero window 1 time(s), 800 ms in total (frames 6-9): its application did not read fast enough.');
    expect(s.verdict.limitedBy).toBe('receiver-window');
    expect(s.verdict.text).toMatch(/it advertised a zero window 2 time\(s\)/);
  });

  it('Nagle meeting a 40 ms delayed ACK, repeatedly: suggests TCP_NODELAY', () => {
    const segs: Seg[] = [...handshake({ rtt: 2 })];
    let t = 10;
    let cs = ISN_C + 1;
    let ss = ISN_S + 1;
    for (let i = 0; i < 5; i++) {
      // write(header) goes out at once; write(body) waits (Nagle) for the ACK the server delays 40 ms.
      segs.push({ c: true, seq: cs, ack: ss, flags: 'PA', len: 20, ms: t });
      segs.push({ c: false, seq: ss, ack: cs + 20, flags: 'A', ms: t + 41 });
      segs.push({ c: true, seq: cs + 20, ack: ss, flags: 'PA', len: 200, ms: t + 41.1 });
      segs.push({ c: false, seq: ss, ack: cs + 220, flags: 'PA', len: 50, ms: t + 43 });
      segs.push({ c: true, seq: cs + 220, ack: ss + 50, flags: 'A', ms: t + 43.1 });
      cs += 220;
      ss += 50;
      t += 100;
    }
    const s = card(segs);
    const d = s.detectors.find((x) => x.kind === 'nagle-delayed-ack')!;
    expect(d).toBeDefined();
    expect(d.side).toBe('originator');
    expect(d.count).toBe(5);
    expect(d.frames).toEqual([5, 10, 15, 20, 25]);
    expect(d.text).toMatch(/^Nagle meeting delayed ACK: 5 times the originator held a small segment until the responder's delayed ACK \(~40 ms late\) \(frames 5, 10, 15, 20, 25\); set TCP_NODELAY/);
  });

  it('Nagle meeting a 200 ms delayed ACK (3 times) is reported; twice is not "repeatedly"', () => {
    const build = (n: number): Seg[] => {
      const segs: Seg[] = [...handshake({ rtt: 10 })];
      let t = 20;
      let cs = ISN_C + 1;
      for (let i = 0; i < n; i++) {
        segs.push({ c: true, seq: cs, ack: ISN_S + 1, flags: 'PA', len: 30, ms: t });
        segs.push({ c: false, seq: ISN_S + 1, ack: cs + 30, flags: 'A', ms: t + 210 });
        segs.push({ c: true, seq: cs + 30, ack: ISN_S + 1, flags: 'PA', len: 300, ms: t + 210.2 });
        segs.push({ c: false, seq: ISN_S + 1, ack: cs + 330, flags: 'A', ms: t + 220 });
        cs += 330;
        t += 400;
      }
      return segs;
    };
    const s = card(build(3));
    const d = s.detectors.find((x) => x.kind === 'nagle-delayed-ack')!;
    expect(d.count).toBe(3);
    expect(d.text).toMatch(/\(~200 ms late\)/);
    expect(card(build(2)).detectors.filter((x) => x.kind === 'nagle-delayed-ack')).toEqual([]);
  });

  it('a capture that missed packets (lost and ACKed-unseen, no retransmission): not the network', () => {
    const segs: Seg[] = [...handshake()];
    for (let i = 0; i < 10; i++) {
      if (i === 3 || i === 4) continue; // on the wire, not in the capture
      segs.push({ c: true, seq: ISN_C + 1 + i * 1460, ack: ISN_S + 1, flags: 'A', len: 1460, ms: 30 + i * 0.1 });
    }
    segs.push({ c: false, seq: ISN_S + 1, ack: ISN_C + 1 + 10 * 1460, flags: 'A', ms: 70 });
    const s = card(segs);
    expect(s.orig.retransmissions!.lostSegment).toBe(1);
    expect(s.orig.retransmissions!.retransmission).toBe(0);
    const d = s.detectors.find((x) => x.kind === 'capture-missed-packets')!;
    expect(d).toBeDefined();
    expect(d.text).toBe("The capture missed packets, not the network: 1 time(s) the responder acknowledged 2,920 bytes of the originator's data that the capture never saw and that were never retransmitted (frames 7).");
    expect(s.orig.uniqueBytes).toBe(14600);
    expect(s.detectors.map((x) => x.kind)).toEqual(['capture-missed-packets']);
  });

  it('a gap that was retransmitted is network loss, not a capture miss', () => {
    const segs: Seg[] = [
      ...handshake(),
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'A', len: 100, ms: 30 },
      { c: true, seq: ISN_C + 201, ack: ISN_S + 1, flags: 'A', len: 100, ms: 31 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 101, flags: 'A', ms: 50 },
      { c: true, seq: ISN_C + 101, ack: ISN_S + 1, flags: 'A', len: 100, ms: 52 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 301, flags: 'A', ms: 72 },
    ];
    const s = card(segs);
    expect(s.detectors.filter((x) => x.kind === 'capture-missed-packets')).toEqual([]);
  });

  it('a capture holding a data segment twice: a retransmission for tshark, "early" here, not a loss event', () => {
    const segs: Seg[] = [
      ...handshake(),
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 500, ms: 30 },
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 500, ms: 30.05 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 501, flags: 'A', ms: 50 },
    ];
    const s = card(segs);
    expect(s.orig.retransmissions).toMatchObject({ retransmission: 1, early: 1 });
    expect(s.orig.congestion!.lossEvents.count).toBe(0);
    expect(s.orig.uniqueBytes).toBe(500);
    expect(s.orig.payloadBytes).toBe(1000);
  });

  it('ECN negotiated (SYN ECE+CWR, SYN/ACK ECE) and used: CE marks, ECE echoed, CWR', () => {
    const segs: Seg[] = [
      { c: true, seq: ISN_C, flags: 'SEC', ms: 0, opts: { mss: 1460 } },
      { c: false, seq: ISN_S, ack: ISN_C + 1, flags: 'SAE', ms: 10, opts: { mss: 1460 } },
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'A', ms: 10.1 },
      { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 100, ms: 20, ecn: 2 },
      { c: true, seq: ISN_C + 101, ack: ISN_S + 1, flags: 'PA', len: 100, ms: 20.1, ecn: 3 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 201, flags: 'AE', ms: 30, ecn: 0 },
      { c: true, seq: ISN_C + 201, ack: ISN_S + 1, flags: 'PAC', len: 100, ms: 31, ecn: 2 },
      { c: false, seq: ISN_S + 1, ack: ISN_C + 301, flags: 'A', ms: 41 },
    ];
    const s = card(segs);
    expect(s.ecn).toEqual({ negotiated: true, used: true, ceMarks: 1 });
    expect(s.orig.ecn).toEqual({ ece: 0, cwr: 1, ect: 2, ce: 1 });
    expect(s.resp.ecn).toEqual({ ece: 1, cwr: 0, ect: 0, ce: 0 });
    expect(tcpCard(s)).toMatch(/ECN negotiated, used \(1 CE marks\)/);
    // ECE/CWR/ECT/CE counts per direction are checked against tshark at the end.
  });
});

describe('one pass (what stats tcp reads) gives the cards of two passes', () => {
  it('on a transfer with loss, recovery and an RTO, and on a request/response exchange', () => {
    for (const segs of [simulate({ total: 1460 * 200, owd: 15, wscale: 7, drop: [40, 199], rto: 300 }), simulate({ total: 1460 * 50, owd: 25, rwnd: 20000 })]) {
      const frames = segs.map((x) => frame(x));
      const one = cards(frames, onePass);
      expect(one).toEqual(cards(frames, twoPass));
      expect(one[0]!.orig.congestion!.lossEvents.count + one[0]!.orig.limitedBy!.receiverWindow).toBeGreaterThan(0);
    }
  });
});

describe('bounded memory', () => {
  it('beyond the limits\' maxConnections connections are counted, not tracked', () => {
    const frames: Timed[] = [];
    for (let i = 0; i < 5; i++) {
      frames.push(frame({ c: true, seq: 100 + i, flags: 'S', ms: i }, 30000 + i));
      frames.push(frame({ c: true, seq: 100 + i, flags: 'S', ms: i + 0.5 }, 30000 + i));
    }
    const conns = new TcpConnections({ limits: { ...TCP_CONNECTION_LIMITS, maxConnections: 2 } });
    twoPass(frames, 1, undefined, (s) => s.taps.add(TCP_TAP, (r) => conns.add(r)));
    expect([...conns.summaries()].map((s) => [s.stream, s.orig.packets])).toEqual([[0, 2], [1, 2]]);
    expect(conns.untracked).toBe(3);
  });

  it('beyond the limits\' maxDetailed a connection keeps counts, state and history only', () => {
    const s = card([...handshake(), { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 100, ms: 30 }, { c: false, seq: ISN_S + 1, ack: ISN_C + 101, flags: 'A', ms: 50 }], false, { ...TCP_CONNECTION_LIMITS, maxDetailed: 0 });
    expect(s.detailed).toBe(false);
    expect(s.history).toBe('ShADa');
    expect(s.orig.packets).toBe(3);
    expect(s.orig.retransmissions).toBeNull();
    expect(tcpCard(s)).toMatch(/no detail: more connections than TCP_CONNECTION_LIMITS.maxDetailed/);
  });

  it('the defaults are frozen: a session changes its own copy', () => {
    expect(Object.isFrozen(TCP_CONNECTION_LIMITS)).toBe(true);
    expect(new TcpConnections().limits).toBe(TCP_CONNECTION_LIMITS);
  });
});

describe('every scenario card above against tshark -2 (one capture, one run)', () => {
  it('packets and bytes per direction (also -z conv,tcp), iRTT, retransmission kinds and frames, dup ACKs, zero window, window full, ECN marks', () => {
    expect(checked.length).toBeGreaterThanOrEqual(20);
    checkAllAgainstTshark();
  });
});

// ------------------------------------------------------------------------------------------

const EXPECTED = join(corpusRoot, 'expected');
const CORPUS_FILES = [
  'zeek/smtp.pcap', 'zeek/http/get-to-ssh-server.pcap', 'zeek/tcp/retransmit-fast009.pcap', 'zeek/tcp/handshake-reorder.pcap',
  'zeek/tcp/missing-syn.pcap', 'zeek/tcp/reassembly.pcap', 'zeek/tcp/option-sack.pcap', 'zeek/tcp/window-scale-range.pcap', 'zeek/tcp/ssh-dups.pcap',
  // An interface whose timestamps are near 2^64 µs: the card must still render (no Date crash).
  'pcapplusplus/Pcap++Test/PcapExamples/pcapng-example.pcapng',
];

/** tshark's TCP conversation rows: "A:p <-> B:p", frames B->A, frames A->B. */
function convRows(text: string): Array<{ a: string; b: string; fromB: number; fromA: number }> {
  const tcp = text.slice(text.indexOf('TCP Conversations'));
  const rows = [];
  for (const l of tcp.split('\n')) {
    const m = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+\d+\s+\S+\s+(\d+)/.exec(l);
    if (m) rows.push({ a: m[1]!, b: m[2]!, fromB: Number(m[3]), fromA: Number(m[4]) });
  }
  return rows;
}

if (!corpusPresent) describeCorpusMissing('stats tcp over corpus captures');
else describe('stats tcp over corpus captures', () => {
  it.each(CORPUS_FILES)('%s: every connection has a card; packets per direction equal tshark -z conv,tcp', async (rel) => {
    const path = corpusFile(rel);
    expect(existsSync(path), `corpus capture missing: ${path}`).toBe(true);
    const conns = [...(await collectTcpConnections(path)).summaries()];
    for (const s of conns) expect(tcpCard(s)).toContain(`TCP stream ${s.stream}:`);
    // tshark writes IPv6 endpoints without brackets in this table.
    const ep = (e: { address: string; port: number }) => `${e.address}:${e.port}`;
    const ours = conns.map((s) => {
      const [a, b, da, db] = s.flipped ? [s.responder, s.originator, s.resp, s.orig] : [s.originator, s.responder, s.orig, s.resp];
      return { a: ep(a), b: ep(b), fromB: db.packets, fromA: da.packets };
    });
    const theirs = convRows(readFileSync(join(EXPECTED, `${rel}.conv.txt`), 'utf8'));
    const key = (r: { a: string; b: string; fromB: number; fromA: number }) => `${r.a} ${r.b} ${r.fromA} ${r.fromB}`;
    expect(ours.map(key).sort()).toEqual(theirs.map(key).sort());
  });
});

describe('wirelite stats FILE tcp (the CLI)', () => {
  const root = resolve(import.meta.dirname, '../..');
  const wl = (args: string[]) => {
    const r = spawnSync(join(root, 'bin/wirelite'), args, { cwd: root, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const segs: Seg[] = [
    ...handshake(),
    { c: true, seq: ISN_C + 1, ack: ISN_S + 1, flags: 'PA', len: 100, ms: 30 },
    { c: false, seq: ISN_S + 1, ack: ISN_C + 101, flags: 'PA', len: 300, ms: 50 },
    { c: true, seq: ISN_C + 101, ack: ISN_S + 301, flags: 'FA', ms: 60 },
    { c: false, seq: ISN_S + 301, ack: ISN_C + 102, flags: 'FA', ms: 80 },
    { c: true, seq: ISN_C + 102, ack: ISN_S + 302, flags: 'A', ms: 81 },
  ];
  const two = [...segs.map((x) => frame(x)), ...[{ c: true, seq: 9, flags: 'S', ms: 100 } as Seg, { c: false, seq: 0, ack: 10, flags: 'RA', ms: 101 } as Seg].map((x) => frame(x, C.port + 1))];

  it('--json: one object per connection per line, typed numbers', () => {
    const path = writePcap(two);
    const r = wl(['stats', path, 'tcp', '--json']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as ConnectionSummary);
    expect(lines.map((l) => [l.stream, l.connState, l.history])).toEqual([[0, 'SF', 'ShADdFf'], [1, 'REJ', 'Sr']]);
    expect(lines[0]!.orig.packets).toBe(5);
    expect(typeof lines[0]!.duration).toBe('number');
    expect(lines[0]!.resp.uniqueBytes).toBe(300);
  });

  it('text: a card per connection and a count', () => {
    const r = wl(['stats', writePcap(two), 'tcp']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^TCP stream 0: 10\.0\.0\.1:40000 -> 10\.0\.0\.2:9000\n/);
    expect(r.out).toContain('TCP stream 1: 10.0.0.1:40001 -> 10.0.0.2:9000');
    expect(r.out).toContain('  Zeek: conn_state REJ, history Sr\n');
    expect(r.out.trimEnd().endsWith('2 TCP connection(s)')).toBe(true);
  });

  it('a file cut short: the connections read, then exit 2; no file: exit 2; an extra argument: exit 1', () => {
    const whole = readFileSync(writePcap(two));
    const cut = join(scratch, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 20));
    const r = wl(['stats', cut, 'tcp', '--json']);
    expect(r.code).toBe(2);
    expect(r.out.trimEnd().split('\n')).toHaveLength(2);
    expect(r.err).not.toBe('');
    expect(wl(['stats', join(scratch, 'nonesuch.pcap'), 'tcp']).code).toBe(2);
    const u = wl(['stats', cut, 'tcp', 'extra']);
    expect(u.code).toBe(1);
    expect(u.err).toMatch(/takes no argument/);
  });
});
