/**
 * Ground truth for `wirelite stats FILE tcp` from real Linux TCP: each scenario is a real transfer
 * between two network namespaces with a known cause (test/lab/path-lab.ts: sender S, an impairing
 * bridge R, receiver C; test/analysis/lab-tcp.py: the sockets), captured with tcpdump on the
 * sender's interface as a user would capture on the sending host. Then the connection's card
 * (`stats tcp --json`) is checked against what really happened: the cause we set up, the
 * kernels' own TCP counters (TcpExt of each namespace: retransmitted segments, recovery
 * episodes, timeouts, delayed ACKs, zero-window advertisements), what the bridge dropped, and
 * tshark where tshark has the fact. Findings are written up in docs/tcp-verdicts.md.
 *
 * Only robust facts are asserted (the limit named, a detector present or absent, counts against
 * the kernel's), never exact timings. Needs root, iproute2, python3, tcpdump, tshark and editcap
 * (CI runs as root with all of them); otherwise one skipped test says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canCreateNamespaces } from '../lab/netns.js';
import { collect, counterDelta, createPathLab, python, waitForLine, type Bridge, type BridgeOptions, type BridgeReport, type PathLab } from '../lab/path-lab.js';
import type { ConnectionSummary, DirectionSummary } from '../../src/analysis/tcp-connection/types.js';
import { itMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const labTcp = join(import.meta.dirname, 'lab-tcp.py');

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
const missing = [
  ['tc', ['-V']], ['tcpdump', ['--version']], ['tshark', ['-v']], ['editcap', ['-h']], [python, ['-c', 'import ctypes']],
].filter(([c, a]) => !has(c as string, a as string[])).map(([c]) => c as string);
const isRoot = process.getuid?.() === 0;
const enabled = isRoot && missing.length === 0 && canCreateNamespaces();

let lab: PathLab;
let dir: string;
let nextPort = 5001;

interface Transfer {
  file: string;
  card: ConnectionSummary;
  /** The data sender's direction of the card (the originator: the client sends in every scenario). */
  s: DirectionSummary;
  client: { sent: number; seconds: number; tcpInfo: { cc: string; totalRetrans: number; sndMss: number; rttUs: number } };
  server: { received: number; turns: number; seconds: number; stallAt: number | null; rcvbuf: number };
  bridge: BridgeReport;
  /** Changes of the kernel's TCP counters in S (sender) and C (receiver) during the transfer. */
  kS: Record<string, number>;
  kC: Record<string, number>;
}

interface TransferOptions {
  name: string;
  bridge: BridgeOptions;
  tbf?: string[];
  server: string[];
  client: string[];
  /** Called when the client printed "mark" (see lab-tcp.py --mark-after). */
  onMark?: (b: Bridge) => void;
}

function card(file: string): ConnectionSummary {
  const out = execFileSync(bin, ['stats', file, 'tcp', '--json'], { encoding: 'utf8' });
  const cards = out.trim().split('\n').map((l) => JSON.parse(l) as ConnectionSummary);
  expect(cards.length, out).toBe(1);
  return cards[0]!;
}

/** What tshark -2 says about each frame: source, TCP payload length and expert messages. */
interface TsharkFrame {
  frame: number;
  src: string;
  len: number;
  /** Relative tcp.seq, tcp.nxtseq and tcp.ack. */
  seq: number;
  nxtseq: number;
  ack: number;
  expert: Set<string>;
}

/** tshark's expert messages for the verdicts compared here. */
const TS = {
  retransmission: 'This frame is a (suspected) retransmission',
  fast: 'This frame is a (suspected) fast retransmission',
  spurious: 'This frame is a (suspected) spurious retransmission',
  outOfOrder: 'This frame is a (suspected) out-of-order segment',
  windowFull: 'TCP window specified by the receiver is now completely full',
  zeroWindow: 'TCP Zero Window segment',
  windowUpdate: 'TCP window update',
  lostSegment: 'Previous segment(s) not captured (common at capture start)',
  ackedUnseen: 'ACKed segment that wasn\'t captured (common at capture start)',
};

const tsharkCache = new Map<string, TsharkFrame[]>();

/** One tshark -2 run per capture. */
function tshark(file: string): TsharkFrame[] {
  let v = tsharkCache.get(file);
  if (!v) {
    const out = execFileSync('tshark', ['-n', '-2', '-r', file, '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.len', '-e', 'tcp.seq', '-e', 'tcp.nxtseq', '-e', 'tcp.ack', '-e', '_ws.expert.message'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    v = out.split('\n').filter(Boolean).map((l) => {
      const [f, src, len, seq, nxtseq, ack, msg] = l.split('\t');
      return {
        frame: Number(f), src: src!, len: Number(len), seq: Number(seq), nxtseq: Number(nxtseq), ack: Number(ack),
        expert: new Set((msg ?? '').split(',').filter(Boolean)),
      };
    });
    tsharkCache.set(file, v);
  }
  return v;
}

/** Frames with a tshark expert message (from `src` only, if given). */
function tsharkFrames(file: string, message: string, src?: string): number[] {
  return tshark(file).filter((f) => f.expert.has(message) && (!src || f.src === src)).map((f) => f.frame);
}

const k = (c: Record<string, number>, name: string): number => c[name] ?? 0;

/** One real transfer: bridge, optional bottleneck, capture on S, server in C, client in S. */
async function transfer(o: TransferOptions): Promise<Transfer> {
  const file = join(dir, `${o.name}.pcap`);
  const port = String(nextPort++);
  lab.bottleneck(o.tbf);
  // The bridge, the capture and the server start together (each takes a moment).
  const bridgeUp = lab.bridge(o.bridge);
  const [dc, da] = lab.exec(lab.nsS, 'tcpdump', ['-i', lab.ifS, '-n', '-s', '128', '--immediate-mode', '-U', '-w', file, 'tcp', 'port', port]);
  const dump = spawn(dc, da, { stdio: ['ignore', 'ignore', 'pipe'] });
  const dumpDone = collect(dump);
  const [sc, sa] = lab.exec(lab.nsC, python, [labTcp, 'server', '--bind', lab.addrC, '--port', port, ...o.server]);
  const server = spawn(sc, sa, { stdio: ['ignore', 'pipe', 'pipe'] });
  const serverDone = collect(server);
  const [bridge] = await Promise.all([
    bridgeUp, waitForLine(dump, 'stderr', /listening on/, 'tcpdump'), waitForLine(server, 'stdout', /^listening$/, 'the server'),
  ]);
  const s0 = lab.counters(lab.nsS);
  const c0 = lab.counters(lab.nsC);
  const [cc, ca] = lab.exec(lab.nsS, python, [labTcp, 'client', '--host', lab.addrC, '--port', port, ...o.client]);
  const client = spawn(cc, ca, { stdio: ['ignore', 'pipe', 'pipe'] });
  const clientDone = collect(client);
  if (o.onMark) {
    await waitForLine(client, 'stdout', /^mark$/, 'the client\'s mark');
    o.onMark(bridge);
  }
  const cr = await clientDone;
  const sr = await serverDone;
  const kS = counterDelta(s0, lab.counters(lab.nsS));
  const kC = counterDelta(c0, lab.counters(lab.nsC));
  // Held frames reach the capture before it stops.
  const report = await bridge.stop();
  dump.kill('SIGINT');
  const dr = await dumpDone;
  expect(cr.code, cr.stderr).toBe(0);
  expect(sr.code, sr.stderr).toBe(0);
  expect(dr.stderr).toMatch(/^0 packets dropped by kernel$/m);
  const last = (t: string): string => t.trim().split('\n').pop()!;
  const c = card(file);
  const t: Transfer = {
    file, card: c, s: c.orig,
    client: JSON.parse(last(cr.stdout)), server: JSON.parse(last(sr.stdout)), bridge: report, kS, kC,
  };
  if (process.env.WL_LAB_REPORT) appendFileSync(process.env.WL_LAB_REPORT, JSON.stringify(reportOf(o.name, t)) + '\n');
  return t;
}

/** WL_LAB_REPORT=file: one JSON line per transfer, what Linux did beside what we and tshark said (docs/tcp-verdicts.md). */
function reportOf(name: string, t: Transfer): unknown {
  const pick = (c: Record<string, number>, names: string[]): Record<string, number> => Object.fromEntries(names.map((n) => [n, k(c, n)]));
  const lb = t.s.limitedBy;
  const share = (v: number): number => (lb && lb.transferSeconds > 0 ? Math.round((v / lb.transferSeconds) * 100) : 0);
  const ts = (m: string, src?: string): number => tsharkFrames(t.file, m, src).length;
  return {
    name,
    linux: {
      cc: t.client.tcpInfo.cc, sent: t.client.sent, seconds: t.client.seconds, rttUs: t.client.tcpInfo.rttUs, serverRcvbuf: t.server.rcvbuf,
      sender: pick(t.kS, ['RetransSegs', 'TCPSackRecovery', 'TCPTimeouts', 'TCPLossProbes', 'TCPLossProbeRecovery', 'TCPWinProbe', 'TCPDSACKRecv', 'TCPSpuriousRTOs']),
      receiver: pick(t.kC, ['DelayedACKs', 'TCPToZeroWindowAdv', 'TCPFromZeroWindowAdv', 'TCPDSACKOldSent']),
      bridge: t.bridge.dropped,
    },
    wirelite: {
      verdict: t.card.verdict.limitedBy, text: t.card.verdict.text, duration: t.card.duration,
      limitedByPercent: lb && { receiverWindow: share(lb.receiverWindow), congestion: share(lb.congestion), application: share(lb.application) },
      retransmissions: t.s.retransmissions, lossEvents: t.s.congestion && {
        count: t.s.congestion.lossEvents.count, fast: t.s.congestion.lossEvents.fast, rto: t.s.congestion.lossEvents.rto,
        cuts: t.s.congestion.lossEvents.events.map((e) => e.cutPercent),
      },
      zeroWindow: t.card.resp.zeroWindow, detectors: t.card.detectors.map((d) => ({ kind: d.kind, side: d.side, count: d.count, seconds: d.seconds })),
    },
    tshark: {
      retransmission: ts(TS.retransmission, lab.addrS), fast: ts(TS.fast, lab.addrS), outOfOrder: ts(TS.outOfOrder, lab.addrS), spurious: ts(TS.spurious, lab.addrS),
      zeroWindow: ts(TS.zeroWindow), windowFull: ts(TS.windowFull), keepAlive: ts('TCP keep-alive segment'),
    },
  };
}

/** Runs a transfer once, for the tests that look at it. */
function once(o: TransferOptions): () => Promise<Transfer> {
  let p: Promise<Transfer> | undefined;
  return () => (p ??= transfer(o));
}

const detector = (t: Transfer, kind: string) => t.card.detectors.find((d) => d.kind === kind);
const kinds = (t: Transfer): string[] => t.card.detectors.map((d) => d.kind).sort();

/**
 * Every retransmitted segment passes the sender's capture point: tshark's retransmission,
 * out-of-order and spurious verdicts together are the kernel's RetransSegs, and ours are tshark's.
 */
function checkRetransmissions(t: Transfer): void {
  const r = t.s.retransmissions!;
  const tsRtx = tsharkFrames(t.file, TS.retransmission, lab.addrS).length;
  const tsFast = tsharkFrames(t.file, TS.fast, lab.addrS).length;
  const tsOoo = tsharkFrames(t.file, TS.outOfOrder, lab.addrS).length;
  const tsSpur = tsharkFrames(t.file, TS.spurious, lab.addrS).length;
  expect({ fast: r.fast, retransmissionOrFast: r.retransmission + r.fast, outOfOrder: r.outOfOrder, spurious: r.spurious })
    .toEqual({ fast: tsFast, retransmissionOrFast: tsRtx, outOfOrder: tsOoo, spurious: tsSpur });
  expect(r.retransmission + r.fast + r.outOfOrder + r.spurious).toBe(k(t.kS, 'RetransSegs'));
}

describe.runIf(enabled)('TCP verdicts on real Linux TCP (network namespaces)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wl-verdict-lab-'));
    lab = createPathLab();
  });
  afterAll(() => {
    lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // 1. Receiver window: an 8 KB receive buffer (the kernel doubles it: 16 KB) read at once; RTT 10 ms.
  const rwnd = once({ name: 'rwnd', bridge: { delayMs: 5 }, server: ['--rcvbuf', '8192'], client: ['--bulk', '1000000'] });

  it('receiver window: a small receive buffer read at once is named, and nothing else is detected', async () => {
    const t = await rwnd();
    expect(t.server.received).toBe(1_000_000);
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('receiver-window');
    const lb = t.s.limitedBy!;
    expect(lb.receiverWindow / lb.transferSeconds).toBeGreaterThan(0.8);
    // The window the receiver advertised fits in the buffer its kernel reports.
    expect(t.card.resp.maxWindow!).toBeGreaterThan(0);
    expect(t.card.resp.maxWindow!).toBeLessThanOrEqual(t.server.rcvbuf);
    expect(kinds(t)).toEqual([]);
    expect(t.s.windowFull!.count).toBe(tsharkFrames(t.file, TS.windowFull).length);
    expect(t.s.windowFull!.count).toBeGreaterThan(50);
    checkRetransmissions(t);
  });

  // 1b. The receiver stops reading for 600 ms after 200 KB: its window closes.
  const zw = once({
    name: 'zero-window', bridge: { delayMs: 5 },
    server: ['--rcvbuf', '8192', '--stall-after', '200000', '--stall-ms', '600'], client: ['--bulk', '500000'],
  });

  it('receiver window: a receiver that stops reading gives a zero-window stall as long as the kernel kept its window shut', async () => {
    const t = await zw();
    expect(t.server.received).toBe(500_000);
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('receiver-window');
    const d = detector(t, 'zero-window-stall');
    expect(d, JSON.stringify(t.card.detectors)).toBeDefined();
    expect(d!.side).toBe('responder');
    // The kernel's count of windows shut and reopened.
    expect(d!.count).toBe(k(t.kC, 'TCPFromZeroWindowAdv'));
    expect(k(t.kC, 'TCPToZeroWindowAdv')).toBeGreaterThanOrEqual(1);
    // Shut after the application stopped reading, reopened when it read again (600 ms, plus an RTT).
    expect(d!.seconds!).toBeGreaterThan(0.3);
    expect(d!.seconds!).toBeLessThan(0.65);
    // tshark: the same zero-window advertisements, and the reopening is its window update.
    expect(t.card.resp.zeroWindow!.advertisements).toBe(tsharkFrames(t.file, TS.zeroWindow).length);
    const updates = tsharkFrames(t.file, TS.windowUpdate);
    expect(updates).toContain(d!.frames[1]);
    expect(detector(t, 'rto-stall')).toBeUndefined();
    checkRetransmissions(t);
  });

  it('receiver window: the zero-window probes the sender\'s kernel sent (TCPWinProbe) are counted', async () => {
    // Fails: Linux probes with no payload one byte below the ACKed data (tcp_xmit_probe_skb),
    // which tshark calls a keep-alive, not a zero-window probe (that needs one byte of data), so
    // the card says 0 probes. Fixed by /work/notes/verdict-fixes.patch (a keep-alive into a zero
    // window is a probe).
    const t = await zw();
    expect(k(t.kS, 'TCPWinProbe')).toBeGreaterThanOrEqual(1);
    expect(t.card.resp.zeroWindow!.probes).toBe(k(t.kS, 'TCPWinProbe'));
  });

  it('receiver window: the sender\'s tail loss probe is not taken for a retransmission timeout', async () => {
    // The receiver, its buffer full, holds its last ACK: the sender's kernel sends a tail loss
    // probe (the last segment again, about 2 RTT later) and times nothing out. Fails: a plain
    // retransmission without duplicate ACKs before it is an "rto" loss event (with a flight "cut"
    // of 0-83%: the window was closing). Fixed by /work/notes/verdict-fixes.patch (a probe of the
    // highest segment after less than 200 ms of silence is not a loss event).
    const t = await zw();
    expect(k(t.kS, 'TCPLossProbes')).toBeGreaterThanOrEqual(1);
    expect(t.s.congestion!.lossEvents.rto).toBeLessThanOrEqual(k(t.kS, 'TCPTimeouts'));
  });

  // 2. Congestion: a 20 Mbit/s tbf bottleneck with a 30 KB queue (CUBIC, like every client here);
  //    tail drops at the end of slow start and then about once per CUBIC epoch.
  const tbf = once({
    name: 'bottleneck', bridge: { delayMs: 5 }, tbf: ['rate', '20mbit', 'burst', '5kb', 'limit', '30kb'],
    server: [], client: ['--bulk', '2000000'],
  });

  it('congestion: behind a tail-dropping bottleneck, loss events and fast retransmissions are seen as tshark and the kernel count them', async () => {
    const t = await tbf();
    expect(t.client.tcpInfo.cc).toBe('cubic');
    expect(t.server.received).toBe(2_000_000);
    expect(t.bridge.dropped.queue).toBeGreaterThan(0);
    expect(k(t.kS, 'TCPSackRecovery')).toBeGreaterThan(0);
    const c = t.s.congestion!;
    expect(c.lossEvents.count).toBeGreaterThan(0);
    expect(c.phases.fastRecovery).toBeGreaterThan(0);
    // No more timeouts than the kernel's (none, as a rule, here).
    expect(c.lossEvents.rto).toBeLessThanOrEqual(k(t.kS, 'TCPTimeouts'));
    if (k(t.kS, 'TCPTimeouts') === 0) expect(detector(t, 'rto-stall')).toBeUndefined();
    // Every segment the queue dropped was sent again (the capture is before the bottleneck).
    expect(k(t.kS, 'RetransSegs')).toBeGreaterThanOrEqual(t.bridge.dropped.queue);
    checkRetransmissions(t);
  });

  it('congestion: a bulk sender behind a bottleneck is congestion-limited, one loss event per kernel recovery, each cutting the flight', async () => {
    // Fails: rule 5 of the limited-by split wants the flight to have grown in the last round, but
    // CUBIC's window near its plateau gives rounds whose largest flight does not grow, so about
    // half of the time is called "application" (measured 46-54%; the verdict flips to
    // application in some runs). Fixed by /work/notes/verdict-fixes.patch (ACK clocking:
    // congestion 97%, loss events = the kernel's recoveries, cuts 28-30%: CUBIC's beta 0.7).
    const t = await tbf();
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('congestion');
    const lb = t.s.limitedBy!;
    expect(lb.congestion / lb.transferSeconds).toBeGreaterThan(0.8);
    const episodes = k(t.kS, 'TCPSackRecovery') + k(t.kS, 'TCPTimeouts');
    const c = t.s.congestion!;
    expect(c.lossEvents.count).toBeGreaterThanOrEqual(Math.floor(0.8 * episodes));
    expect(c.lossEvents.count).toBeLessThanOrEqual(episodes + 1);
    const cuts = c.lossEvents.events.filter((e) => e.cutPercent !== null).map((e) => e.cutPercent!);
    expect(cuts.length).toBeGreaterThan(0);
    // CUBIC's beta is 0.7: a recovery in congestion avoidance cuts the flight by about 30%
    // (measured 26-32%, 2-4 events a run). The recovery that ends slow start cuts deeper (54-61%
    // measured on a loaded machine: many segments lost in one window), and in one loaded CI run an
    // event showed no cut (0%: a sender starved of CPU before the loss, or a recovery the kernel
    // undid, keeps its flight). So: at least one cut is CUBIC's, and events without a cut are at
    // most the kernel's undone recoveries plus half of the events.
    expect(cuts.some((x) => x >= 20 && x <= 45), `cuts ${cuts.join(', ')}%`).toBe(true);
    const undone = k(t.kS, 'TCPFullUndo') + k(t.kS, 'TCPPartialUndo') + k(t.kS, 'TCPDSACKUndo') + k(t.kS, 'TCPLossUndo');
    expect(cuts.filter((x) => x <= 0).length, `cuts ${cuts.join(', ')}%`).toBeLessThanOrEqual(undone + Math.floor(cuts.length / 2));
  });

  // 2b. Random loss: 2% of the data frames dropped by the bridge (seeded), at most 50 Mbit/s.
  const loss = once({
    name: 'random-loss', bridge: { delayMs: 5, loss: 0.02, seed: 7 }, tbf: ['rate', '50mbit', 'burst', '10kb', 'limit', '200kb'],
    server: [], client: ['--bulk', '2000000'],
  });

  it('congestion: random loss; every dropped segment is seen retransmitted, fast retransmissions as tshark counts them', async () => {
    const t = await loss();
    expect(t.server.received).toBe(2_000_000);
    expect(t.bridge.dropped.loss).toBeGreaterThan(5);
    const c = t.s.congestion!;
    expect(c.lossEvents.count).toBeGreaterThan(0);
    expect(c.lossEvents.rto).toBeLessThanOrEqual(k(t.kS, 'TCPTimeouts'));
    expect(k(t.kS, 'RetransSegs')).toBeGreaterThanOrEqual(t.bridge.dropped.loss);
    expect(detector(t, 'capture-missed-packets')).toBeUndefined();
    checkRetransmissions(t);
  });

  it('congestion: random loss is named congestion/loss, with one loss event per recovery episode of the kernel', async () => {
    // Fails: the verdict is "application" (congestion 32-37% of the time): most recoveries are
    // not loss events (their first retransmission is tshark's "out-of-order", or a plain
    // retransmission within half an RTT of the previous packet, "early"; measured 11-16 loss
    // events for the kernel's 20-30 recoveries), so CUBIC's cut windows and flat rounds after
    // them read as application time. Fixed by /work/notes/verdict-fixes.patch (congestion
    // 76-90%, loss events 20/20, 23/23, 29/30).
    const t = await loss();
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('congestion');
    const episodes = k(t.kS, 'TCPSackRecovery') + k(t.kS, 'TCPTimeouts');
    expect(t.s.congestion!.lossEvents.count).toBeGreaterThanOrEqual(Math.floor(0.8 * episodes));
    expect(t.s.congestion!.lossEvents.count).toBeLessThanOrEqual(episodes + 1);
  });

  // 2c. The same bottleneck with BBR (this machine's default congestion control): paced sending.
  const bbr = once({
    name: 'bottleneck-bbr', bridge: { delayMs: 5 }, tbf: ['rate', '20mbit', 'burst', '5kb', 'limit', '30kb'],
    server: [], client: ['--bulk', '2000000', '--cc', 'bbr'],
  });

  it('congestion with BBR: retransmissions are seen as tshark and the kernel count them', async () => {
    const t = await bbr();
    expect(t.client.tcpInfo.cc).toBe('bbr');
    expect(t.server.received).toBe(2_000_000);
    expect(t.card.verdict.limitedBy).not.toBe('receiver-window');
    checkRetransmissions(t);
  });

  // Not asserted: the share of a BBR transfer called congestion-limited. BBR paces its segments
  // (they leave a millisecond after the ACK) and holds its flight flat, so neither "the flight
  // grew" nor ACK clocking holds, and 25-53% of the time is called application in most runs
  // (congestion-limited above 80% in some): known wrong, and too variable for a test that must
  // not flake (docs/tcp-verdicts.md, item 7).

  // 3. Application: 1000 bytes every 50 ms, 30 times.
  const app = once({ name: 'app', bridge: { delayMs: 5 }, server: [], client: ['--chunk', '1000', '--interval-ms', '50', '--count', '30'] });

  it('application: a sender writing a small chunk every 50 ms is named application-limited', async () => {
    const t = await app();
    expect(t.server.received).toBe(30_000);
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('application');
    const lb = t.s.limitedBy!;
    expect(lb.application / lb.transferSeconds).toBeGreaterThan(0.9);
    expect(kinds(t)).toEqual([]);
    expect(k(t.kS, 'RetransSegs')).toBe(0);
    checkRetransmissions(t);
  });

  // 4. Nagle meeting delayed ACK: write(header) write(body) read(response), 20 times.
  const nagle = once({
    name: 'nagle', bridge: { delayMs: 5 }, server: ['--mode', 'reqresp', '--req', '200', '--resp', '100'],
    client: ['--turns', '20', '--parts', '100,100', '--resp', '100'],
  });
  const nodelay = once({
    name: 'nodelay', bridge: { delayMs: 5 }, server: ['--mode', 'reqresp', '--req', '200', '--resp', '100'],
    client: ['--turns', '20', '--parts', '100,100', '--resp', '100', '--nodelay'],
  });

  it('Nagle meeting delayed ACK: write-write-read without TCP_NODELAY is detected once per delayed ACK the receiver\'s kernel sent', async () => {
    const t = await nagle();
    expect(t.server.turns).toBe(20);
    const delayed = k(t.kC, 'DelayedACKs');
    // The kernel delayed the ACK of the header in most turns (quick ACKs at the start).
    expect(delayed).toBeGreaterThanOrEqual(10);
    const d = detector(t, 'nagle-delayed-ack');
    expect(d, JSON.stringify(t.card.detectors)).toBeDefined();
    expect(d!.side).toBe('originator');
    expect(d!.count).toBeGreaterThanOrEqual(delayed - 2);
    expect(d!.count).toBeLessThanOrEqual(delayed);
    expect(d!.text).toMatch(/~40 ms/);
    expect(['application', 'network-rtt']).toContain(t.card.verdict.limitedBy);
  });

  it('Nagle meeting delayed ACK: the same exchange with TCP_NODELAY is not detected (no delayed ACK was sent)', async () => {
    const t = await nodelay();
    expect(t.server.turns).toBe(20);
    expect(k(t.kC, 'DelayedACKs')).toBe(0);
    expect(kinds(t)).toEqual([]);
    // 20 request/response turns of one RTT each: the network's RTT.
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('network-rtt');
  });

  it('Nagle meeting delayed ACK: the TCP_NODELAY verdict counts 20 request/response turns, not 39', async () => {
    // Fails: countTurns() adds the turns started by both sides (request->response and
    // response->request), so 20 exchanges are "39 turns" and 39 x RTT is more than the duration.
    // Fixed by /work/notes/verdict-fixes.patch ("20 request/response exchange(s)": n exchanges
    // are 2n - 1 changes of sender).
    const t = await nodelay();
    expect(t.card.verdict.text).toMatch(/\b20 request\/response (turns|exchange)/);
  });

  // 5. RTO stall: the path drops everything for 1 s after the client has written 1 MB.
  const rto = once({
    name: 'rto', bridge: { delayMs: 5 }, tbf: ['rate', '20mbit', 'burst', '5kb', 'limit', '200kb'],
    server: [], client: ['--bulk', '2000000', '--mark-after', '700000'],
    onMark: (b) => b.command('blackout 1.0'),
  });

  it('RTO stall: a 1 s blackout gives one RTO stall per kernel timeout and a congestion/loss verdict', async () => {
    const t = await rto();
    expect(t.server.received).toBe(2_000_000);
    expect(t.bridge.dropped.blackoutData).toBeGreaterThan(0);
    const timeouts = k(t.kS, 'TCPTimeouts');
    expect(timeouts).toBeGreaterThanOrEqual(2);
    const d = detector(t, 'rto-stall');
    expect(d, JSON.stringify(t.card.detectors)).toBeDefined();
    expect(d!.side).toBe('originator');
    expect(d!.count).toBe(timeouts);
    // The sender was silent from the blackout until its first retransmission that got through:
    // n timeouts back off from Linux's minimum RTO of 200 ms, so the silences add up to at least
    // 0.2 x (2^n - 1) s (n = 3 and 1.80-1.92 s here on a loaded machine; n = 2 and 0.88 s once
    // in CI, where the bridge's user-space queue ran late and the blackout looked shorter).
    expect(d!.seconds!).toBeGreaterThanOrEqual(0.2 * (2 ** timeouts - 1) - 0.005);
    expect(d!.seconds!).toBeLessThan(2.5);
    expect(t.s.congestion!.lossEvents.rto).toBeGreaterThanOrEqual(1);
    expect(t.card.verdict.limitedBy, t.card.verdict.text).toBe('congestion');
    expect(t.card.verdict.text).toMatch(/retransmission timeouts/);
    checkRetransmissions(t);
  });

  // 6. Capture missed packets: data frames cut out of the clean capture of case 1 afterwards.
  //    One the receiver ACKed before the sender's next segment (so the ACK comes first: tshark's
  //    "ACKed segment that wasn't captured"), one followed at once by the next segment (tshark's
  //    "previous segment not captured", ACKed later).
  let cutCache: Promise<{ t: Transfer; m: ConnectionSummary; cut: string; bytes: number; frames: number[] }> | undefined;
  function cutCapture(): Promise<{ t: Transfer; m: ConnectionSummary; cut: string; bytes: number; frames: number[] }> {
    return (cutCache ??= (async () => {
      const t = await rwnd();
      const all = tshark(t.file);
      const isData = (f: TsharkFrame): boolean => f.src === lab.addrS && f.len > 0;
      const data = all.filter(isData);
      const from = Math.floor(data.length / 4);
      // Acked first: the first packet after it that ACKs it comes before any other data segment.
      const ackedFirst = data.slice(from).find((x) => {
        for (const f of all.slice(all.indexOf(x) + 1)) {
          if (isData(f)) return false;
          if (f.src === lab.addrC && f.ack >= x.nxtseq) return true;
        }
        return false;
      })!;
      expect(ackedFirst).toBeDefined();
      // Followed at once by the next data segment; well after the first cut (ten segments at
      // least), so that the two cuts cannot make one gap.
      const half = data.slice(Math.max(Math.floor(data.length / 2), data.indexOf(ackedFirst) + 10));
      const followed = half.find((x) => { const n = all[all.indexOf(x) + 1]; return n !== undefined && isData(n); })!;
      expect(followed).toBeDefined();
      const cut = join(dir, 'missed.pcap');
      execFileSync('editcap', [t.file, cut, String(ackedFirst.frame), String(followed.frame)], { stdio: 'ignore' });
      return { t, m: card(cut), cut, bytes: ackedFirst.len + followed.len, frames: [ackedFirst.frame, followed.frame] };
    })());
  }

  it('capture missed packets: data frames removed from the capture are reported as missed by the capture, not lost', async () => {
    const { t, m, cut } = await cutCapture();
    const d = m.detectors.find((x) => x.kind === 'capture-missed-packets');
    expect(d, JSON.stringify(m.detectors)).toBeDefined();
    expect(d!.side).toBe('originator');
    expect(d!.count).toBeGreaterThanOrEqual(2);
    // tshark: the one ACKed first, the gap before the segment after the other.
    expect(tsharkFrames(cut, TS.ackedUnseen).length).toBeGreaterThanOrEqual(1);
    expect(tsharkFrames(cut, TS.lostSegment).length).toBeGreaterThanOrEqual(1);
    // Not a loss: cutting frames adds no retransmission nor loss event; the limit stays the same.
    const rtx = (x: DirectionSummary): number[] => [x.retransmissions!.retransmission, x.retransmissions!.fast, x.retransmissions!.outOfOrder, x.retransmissions!.spurious];
    expect(rtx(m.orig)).toEqual(rtx(t.s));
    expect(m.orig.congestion!.lossEvents.count).toBe(t.s.congestion!.lossEvents.count);
    expect(m.verdict.limitedBy).toBe('receiver-window');
  });

  it('capture missed packets: two segments cut are two misses of exactly their bytes', async () => {
    // Fails: the segment ACKed before the next one arrived is counted twice: once as "ACKed
    // unseen" (the ACK beyond the highest byte seen), again when the next segment opens a gap
    // from the highest byte seen ("previous segment not captured") and that gap is ACKed: 3 misses
    // and 1,448 bytes too many. Fixed by /work/notes/verdict-fixes.patch (the gap starts above
    // what the peer already ACKed).
    const { m, bytes, cut, frames } = await cutCapture();
    const d = m.detectors.find((x) => x.kind === 'capture-missed-packets')!;
    // A CI run once counted 3 (not reproduced in 13 runs here): say what was cut and what tshark
    // flagged, so that a failure explains itself.
    const flagged = [TS.ackedUnseen, TS.lostSegment].map((msg) => `${msg}: ${tsharkFrames(cut, msg).join(',')}`).join('; ');
    expect(d.count, `cut frames ${frames.join(' and ')} of the capture; ${d.text}; tshark on the cut file: ${flagged}`).toBe(2);
    expect(d.text).toContain(`acknowledged ${bytes.toLocaleString('en-US')} bytes`);
  });
});

// Only when these tests cannot run: say why (as root in CI with the tools installed, nothing is skipped).
if (!enabled) {
  describe('TCP verdicts on real Linux TCP (network namespaces)', () => {
    // In CI (root, the tools installed by .ci/run) a missing prerequisite is a failure, not a skip.
    itMissing(isRoot ? `needs ${missing.join(', ') || 'network namespaces'} (CI runs as root with them)` : 'needs root to create network namespaces (CI runs as root)');
  });
}
