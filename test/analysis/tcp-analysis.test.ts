/**
 * TCP sequence analysis (src/dissectors/tcp/analysis.ts) on conversations built with our own packet
 * builders: each scenario triggers verdicts on purpose, and every scenario is also written to a
 * pcap and read by tshark 4.0 `-2` (installed by .ci/run; the test fails, not skips, without it):
 * the verdict flags, numbers and Info columns must be tshark's, frame by frame.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onePass, twoPass, val, type Timed } from '../dissectors/helpers.js';
import { C, S, tcpFrame, writeScenario, type Seg } from './tcp-scenario.js';

const scratch = mkdtempSync(join(tmpdir(), 'wl-tcp-analysis-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

const frame = (s: Seg): Timed => tcpFrame(s);

/** The fields compared with tshark (flags print 1 when present). */
const FIELDS = [
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission', 'tcp.analysis.out_of_order',
  'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.zero_window_probe_ack', 'tcp.analysis.window_full',
  'tcp.analysis.window_update', 'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.bytes_in_flight',
  'tcp.analysis.push_bytes_sent', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt', 'tcp.analysis.rto_frame',
  'tcp.time_relative', 'tcp.time_delta', '_ws.col.Info',
];

let fileNo = 0;

/** Our values (two passes) beside tshark -2's for each frame; returns ours for further checks. */
function againstTshark(segs: Seg[]): Record<string, string>[] {
  const frames = segs.map(frame);
  const path = join(scratch, `s${fileNo++}.pcap`);
  writeScenario(path, frames);
  const out = execFileSync('tshark', ['-n', '-2', '-r', path, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]), '-E', 'separator=|'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch },
  });
  const theirs = out.trimEnd().split('\n').map((l) => Object.fromEntries(l.split('|').map((v, k) => [FIELDS[k]!, v])));
  const pkts = twoPass(frames);
  const ours = pkts.map((p) => Object.fromEntries(FIELDS.map((f) => [f, f === '_ws.col.Info' ? p.colInfo : (val(p, f) ?? '')])));
  expect(ours).toEqual(theirs);
  return ours;
}

const handshake = (cIsn: number, sIsn: number): Seg[] => [
  { c: true, seq: cIsn, flags: 'S', ms: 0, opts: { mss: 1460, wscale: 2, sackPerm: true } },
  { c: false, seq: sIsn, ack: cIsn + 1, flags: 'SA', ms: 10, opts: { mss: 1460, wscale: 2, sackPerm: true } },
  { c: true, seq: cIsn + 1, ack: sIsn + 1, flags: 'A', ms: 20 },
];

describe('TCP analysis against tshark -2 on built conversations', () => {
  it('retransmission with its RTO frame; ACK RTT, acks_frame, iRTT, bytes in flight, push bytes', () => {
    const r = againstTshark([
      ...handshake(1000, 5000),
      { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 100, ms: 30 },
      { c: true, seq: 1101, ack: 5001, flags: 'A', len: 100, ms: 31 },
      { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 100, ms: 250 },
      { c: false, seq: 5001, ack: 1201, flags: 'A', ms: 260 },
    ]);
    expect(r[5]!['_ws.col.Info']).toMatch(/^\[TCP Retransmission\] /);
    expect(r[5]!['tcp.analysis.rto_frame']).toBe('4');
    expect(r[6]!['tcp.analysis.acks_frame']).toBe('5');
    expect(r[3]!['tcp.analysis.initial_rtt']).toBe('0.020000000');
  });

  it('duplicate ACKs then a fast retransmission; lost segment and ACKed unseen segment', () => {
    const r = againstTshark([
      ...handshake(1000, 5000),
      { c: true, seq: 1001, ack: 5001, flags: 'A', len: 100, ms: 30 },
      // 1101..1201 is lost on the way (not captured).
      { c: true, seq: 1201, ack: 5001, flags: 'A', len: 100, ms: 31 },
      { c: false, seq: 5001, ack: 1101, flags: 'A', ms: 40 },
      { c: false, seq: 5001, ack: 1101, flags: 'A', ms: 41 },
      { c: false, seq: 5001, ack: 1101, flags: 'A', ms: 42 },
      { c: true, seq: 1101, ack: 5001, flags: 'A', len: 100, ms: 45 },
      // The server ACKs client data the capture never saw (1301..1501): an ACKed unseen segment.
      { c: false, seq: 5001, ack: 1501, flags: 'A', ms: 50 },
    ]);
    expect(r[4]!['_ws.col.Info']).toMatch(/^\[TCP Previous segment not captured\] /);
    expect(r[6]!['_ws.col.Info']).toMatch(/^\[TCP Dup ACK 6#1\] /);
    expect(r[7]!['tcp.analysis.duplicate_ack_num']).toBe('2');
    expect(r[8]!['_ws.col.Info']).toMatch(/^\[TCP Fast Retransmission\] /);
    expect(r[9]!['_ws.col.Info']).toMatch(/\[TCP ACKed unseen segment\] /);
  });

  it('zero window, zero-window probe and its ACK, window update, window full, keep-alive and its ACK', () => {
    const r = againstTshark([
      ...handshake(1000, 5000),
      // The server's window: 250 << 2 = 1000 bytes; the client fills it exactly.
      { c: false, seq: 5001, ack: 1001, flags: 'A', win: 250, ms: 25 },
      { c: true, seq: 1001, ack: 5001, flags: 'A', len: 1000, ms: 30 },
      { c: false, seq: 5001, ack: 2001, flags: 'A', win: 0, ms: 40 },
      { c: true, seq: 2001, ack: 5001, flags: 'A', len: 1, ms: 300 },
      { c: false, seq: 5001, ack: 2001, flags: 'A', win: 0, ms: 310 },
      { c: false, seq: 5001, ack: 2001, flags: 'A', win: 500, ms: 400 },
      { c: true, seq: 2000, ack: 5001, flags: 'A', ms: 5000 },
      { c: false, seq: 5001, ack: 2001, flags: 'A', win: 500, ms: 5010 },
    ]);
    expect(r[4]!['tcp.analysis.window_full']).toBe('1');
    expect(r[5]!['_ws.col.Info']).toMatch(/^\[TCP ZeroWindow\] /);
    expect(r[6]!['_ws.col.Info']).toMatch(/^\[TCP ZeroWindowProbe\] /);
    expect(r[7]!['_ws.col.Info']).toMatch(/^\[TCP ZeroWindowProbeAck\] \[TCP ZeroWindow\] /);
    expect(r[8]!['_ws.col.Info']).toMatch(/^\[TCP Window Update\] /);
    expect(r[9]!['_ws.col.Info']).toMatch(/^\[TCP Keep-Alive\] /);
    expect(r[10]!['_ws.col.Info']).toMatch(/^\[TCP Keep-Alive ACK\] /);
  });

  it('out-of-order and spurious retransmission', () => {
    const r = againstTshark([
      ...handshake(1000, 5000),
      { c: true, seq: 1101, ack: 5001, flags: 'A', len: 100, ms: 30 },
      { c: true, seq: 1001, ack: 5001, flags: 'A', len: 100, ms: 30.5 },
      { c: false, seq: 5001, ack: 1201, flags: 'A', ms: 40 },
      { c: true, seq: 1001, ack: 5001, flags: 'A', len: 100, ms: 400 },
    ]);
    expect(r[4]!['_ws.col.Info']).toMatch(/^\[TCP Out-Of-Order\] /);
    expect(r[6]!['_ws.col.Info']).toMatch(/^\[TCP Spurious Retransmission\] /);
  });

  it('sequence numbers that wrap around 2^32', () => {
    const isn = 2 ** 32 - 150;
    const r = againstTshark([
      ...handshake(isn, 7),
      { c: true, seq: isn + 1, ack: 8, flags: 'A', len: 100, ms: 30 },
      { c: true, seq: (isn + 101) >>> 0, ack: 8, flags: 'A', len: 100, ms: 31 },
      { c: false, seq: 8, ack: (isn + 201) >>> 0, flags: 'A', ms: 40 },
      { c: true, seq: (isn + 101) >>> 0, ack: 8, flags: 'A', len: 100, ms: 300 },
    ]);
    expect(r[3]!['_ws.col.Info']).not.toMatch(/^\[/);
    expect(r[4]!['_ws.col.Info']).not.toMatch(/^\[/);
    expect(r[5]!['tcp.analysis.acks_frame']).toBe('5');
    expect(r[6]!['_ws.col.Info']).toMatch(/^\[TCP Spurious Retransmission\] /);
  });
});

describe('a SYN answered by a RST (kept without an analysis state), then more of the stream', () => {
  it('gives tshark\'s verdicts on what follows: data after the RST, the SYN again, a new SYN', () => {
    againstTshark([
      { c: true, seq: 1000, flags: 'S', ms: 0, opts: { mss: 1460, wscale: 2, sackPerm: true } },
      { c: false, seq: 0, ack: 1001, flags: 'RA', ms: 10 },
      { c: true, seq: 1001, ack: 1, flags: 'PA', len: 50, ms: 30 },
      { c: false, seq: 1, ack: 1051, flags: 'A', ms: 40 },
    ]);
    againstTshark([
      { c: true, seq: 1000, flags: 'S', ms: 0 },
      { c: false, seq: 0, flags: 'R', ms: 5 },
      { c: true, seq: 1000, flags: 'S', ms: 1000 },
      { c: false, seq: 9000, ack: 1001, flags: 'SA', ms: 1010 },
      { c: true, seq: 1001, ack: 9001, flags: 'A', ms: 1020 },
    ]);
    // A new SYN (another ISN) reuses the ports: a new stream, whose initial RTT tshark -2 shows on
    // that SYN too (reused ports are one of its analysis flags).
    againstTshark([
      { c: true, seq: 1000, flags: 'S', ms: 0 },
      { c: false, seq: 0, ack: 1001, flags: 'RA', ms: 5 },
      { c: true, seq: 7000, flags: 'S', ms: 500 },
      { c: false, seq: 0, ack: 7001, flags: 'RA', ms: 505 },
      { c: true, seq: 7000, flags: 'S', ms: 1500 },
    ]);
  });
});

describe('TCP analysis in one pass (stdin)', () => {
  it('gives the same verdicts as the second pass of two', () => {
    const segs: Seg[] = [
      ...handshake(1000, 5000),
      { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 100, ms: 30 },
      { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 100, ms: 250 },
      { c: false, seq: 5001, ack: 1101, flags: 'A', ms: 260 },
      { c: false, seq: 5001, ack: 1101, flags: 'A', ms: 261 },
    ];
    const frames = segs.map(frame);
    expect(onePass(frames).map((p) => p.colInfo)).toEqual(twoPass(frames).map((p) => p.colInfo));
  });
});

describe('TCP analysis memory bound', () => {
  it('remembers at most TCP_ANALYSIS_LIMITS.maxUnackedSegments per direction, as Wireshark', async () => {
    {
      const segs: Seg[] = [...handshake(1000, 5000)];
      for (let i = 0; i < 20; i++) segs.push({ c: true, seq: 1001 + 100 * i, ack: 5001, flags: 'A', len: 100, ms: 30 + i });
      const pkts = twoPass(segs.map(frame), 1, { limits: { tcpAnalysis: { maxUnackedSegments: 8 } } });
      // Bytes in flight count the remembered segments only: 8 of them (the first ones), then the new one is not added.
      expect(val(pkts[3 + 7]!, 'tcp.analysis.bytes_in_flight')).toBe('800');
      expect(val(pkts[3 + 19]!, 'tcp.analysis.bytes_in_flight')).toBe('800');
      // No false verdict from the segments it could not remember.
      expect(pkts.map((p) => p.colInfo).filter((i) => /Retransmission|Out-Of-Order|not captured|unseen/.test(i))).toEqual([]);
    }
  });
});
