/**
 * TCP expert items beyond the sequence-analysis flags, on segments built with our own packet
 * builders and read by live tshark 4.0 `-2` (installed by .ci/run; the test fails, not skips,
 * without it):
 * - D-SACK (RFC 2883): the first SACK block lies below the cumulative ACK, or inside the second
 *   block: `tcp.options.sack.dsack_le`/`_re` and the expert `tcp.options.sack.dsack`
 *   (Warning/Sequence "D-SACK Sequence");
 * - `tcp.ack.nonzero` (Note/Protocol): an acknowledgment number without the ACK flag;
 * - `tcp.options.mss.absent` (Note/Protocol) and `tcp.options.mss.present` (Warning/Protocol);
 * - wirelite's own `tcp.window_size_scalefactor_inferred`: with the handshake not seen, the least
 *   window scale the other side's bytes in flight allow (tshark has no such field: its own
 *   `tcp.window_size_scalefactor` must stay -1 there, as ours does).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Severity } from '../../src/dissectors/packet.js';
import { twoPass, vals, type Timed } from '../dissectors/helpers.js';
import { tcpFrame, writeScenario, type Seg as TimedSeg } from './tcp-scenario.js';

/** A segment of these scenarios: one per millisecond. */
type Seg = Omit<TimedSeg, 'ms'>;

const scratch = mkdtempSync(join(tmpdir(), 'wl-tcp-experts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

const frames = (segs: Seg[]): Timed[] => segs.map((s, i) => tcpFrame({ ...s, ms: i }));

let n = 0;
/** tshark -2's values of `fields` per frame (separator |), and ours the same way. */
function compare(segs: Seg[], fields: string[]): { ours: string[]; theirs: string[]; pkts: ReturnType<typeof twoPass> } {
  const fs = frames(segs);
  const path = join(scratch, `e${n++}.pcap`);
  writeScenario(path, fs);
  const theirs = execFileSync('tshark', ['-n', '-2', '-r', path, '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'separator=|'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch },
  }).trimEnd().split('\n');
  const pkts = twoPass(fs);
  const ours = pkts.map((p) => fields.map((f) => vals(p, f).join(',')).join('|'));
  return { ours, theirs, pkts };
}

describe('D-SACK and ACK number without the ACK flag, against tshark', () => {
  const SEGS: Seg[] = [
    { c: true, seq: 1000, ack: 77, flags: 'S', opts: { mss: 1460, sackPerm: true } },
    { c: false, seq: 5000, ack: 1001, flags: 'SA', opts: { mss: 1460, sackPerm: true } },
    { c: true, seq: 1001, ack: 5001, flags: 'A' },
    { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 100 },
    { c: true, seq: 1101, ack: 5001, flags: 'PA', len: 100 },
    { c: false, seq: 5001, ack: 1201, flags: 'A' },
    { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 100 },
    // D-SACK: the first block lies below the cumulative ACK.
    { c: false, seq: 5001, ack: 1201, flags: 'A', opts: { sack: [[1001, 1101]] } },
    { c: true, seq: 1201, ack: 5001, flags: 'PA', len: 100 },
    { c: true, seq: 1301, ack: 5001, flags: 'PA', len: 100 },
    { c: true, seq: 1401, ack: 5001, flags: 'PA', len: 100 },
    // An ordinary SACK block (above the ACK): no D-SACK.
    { c: false, seq: 5001, ack: 1201, flags: 'A', opts: { sack: [[1301, 1401]] } },
    // D-SACK: the first block inside the second.
    { c: false, seq: 5001, ack: 1201, flags: 'A', opts: { sack: [[1331, 1351], [1301, 1501]] } },
    // The first block starts at the ACK, then one straddles it: neither is a D-SACK.
    { c: false, seq: 5001, ack: 1201, flags: 'A', opts: { sack: [[1201, 1301], [1401, 1501]] } },
    { c: false, seq: 5001, ack: 1251, flags: 'A', opts: { sack: [[1201, 1301]] } },
    // A block that ends at the ACK: a D-SACK.
    { c: false, seq: 5001, ack: 1301, flags: 'A', opts: { sack: [[1201, 1301]] } },
    // Blocks that only overlap: not a D-SACK.
    { c: false, seq: 5001, ack: 1201, flags: 'A', opts: { sack: [[1351, 1551], [1301, 1501]] } },
    // An acknowledgment number without the ACK flag.
    { c: true, seq: 1501, ack: 9999, flags: 'P', len: 10 },
    { c: true, seq: 1511, ack: 0, flags: 'F' },
  ];
  const FIELDS = ['frame.number', 'tcp.options.sack.dsack_le', 'tcp.options.sack.dsack_re', 'tcp.options.sack.dsack', 'tcp.ack.nonzero', 'tcp.ack', 'tcp.options.sack_le', 'tcp.options.sack_re'];

  it('gives tshark\'s fields frame by frame', () => {
    const { ours, theirs } = compare(SEGS, FIELDS);
    expect(ours).toEqual(theirs);
    // The scenario does exercise both: D-SACKs in 3 frames, the ACK number in 2.
    expect(theirs.filter((l) => l.split('|')[3] === '1')).toHaveLength(3);
    expect(theirs.filter((l) => l.split('|')[4] === '1')).toHaveLength(2);
  });

  it('with tshark\'s expert items (severity, group, message)', () => {
    const { pkts } = compare(SEGS, ['frame.number']);
    const dsack = pkts[7]!.expert.find((e) => e.abbrev === 'tcp.options.sack.dsack')!;
    expect(dsack).toMatchObject({ severity: Severity.Warn, group: 'Sequence', message: 'D-SACK Sequence' });
    const nz = pkts[0]!.expert.find((e) => e.abbrev === 'tcp.ack.nonzero')!;
    expect(nz).toMatchObject({ severity: Severity.Note, group: 'Protocol', message: 'The acknowledgment number field is nonzero while the ACK flag is not set' });
  });
});

describe('MSS option on SYN and non-SYN segments, against tshark', () => {
  it('tcp.options.mss.absent (Note) on a SYN with options but no MSS; tcp.options.mss.present (Warning) off a SYN', () => {
    const segs: Seg[] = [
      { c: true, seq: 1000, flags: 'S' },
      { c: true, seq: 1000, flags: 'S', opts: { sackPerm: true } },
      { c: false, seq: 5000, ack: 1001, flags: 'SA', opts: { wscale: 2 } },
      { c: true, seq: 1001, ack: 5001, flags: 'A', opts: { mss: 1460 } },
      { c: false, seq: 5001, ack: 1001, flags: 'A', opts: { mss: 1400, sackPerm: true } },
    ];
    const { ours, theirs, pkts } = compare(segs, ['frame.number', 'tcp.options.mss.absent', 'tcp.options.mss.present', 'tcp.options.mss_val']);
    expect(ours).toEqual(theirs);
    expect(theirs.map((l) => l.split('|').slice(1, 3).join('|'))).toEqual(['|', '1|', '1|', '|1', '|1']);
    expect(pkts[1]!.expert.find((e) => e.abbrev === 'tcp.options.mss.absent')).toMatchObject({ severity: Severity.Note, group: 'Protocol', message: 'The SYN packet does not contain a MSS option' });
    expect(pkts[3]!.expert.find((e) => e.abbrev === 'tcp.options.mss.present')).toMatchObject({ severity: Severity.Warn, group: 'Protocol', message: 'The non-SYN packet does contain a MSS option' });
  });
});

describe('window scale inferred without the handshake', () => {
  // Mid-stream: the server's raw window is 100 but the client keeps 1,000 bytes in flight, so the
  // server's shift is at least 4 (100 << 3 = 800 < 1,000 <= 100 << 4). Later 2,000 in flight: 5.
  const MID: Seg[] = [
    { c: true, seq: 1001, ack: 5001, flags: 'A', win: 500 },
    { c: false, seq: 5001, ack: 1001, flags: 'A', win: 100 },
    { c: true, seq: 1001, ack: 5001, flags: 'PA', len: 500, win: 500 },
    { c: true, seq: 1501, ack: 5001, flags: 'PA', len: 500, win: 500 },
    { c: false, seq: 5001, ack: 1501, flags: 'A', win: 100 },
    { c: true, seq: 2001, ack: 5001, flags: 'PA', len: 1000, win: 500 },
    { c: true, seq: 3001, ack: 5001, flags: 'PA', len: 500, win: 500 },
    { c: false, seq: 5001, ack: 3501, flags: 'A', win: 100 },
  ];

  it('names the least shift consistent with the bytes in flight; tshark\'s fields are unchanged', () => {
    const fields = ['frame.number', 'tcp.window_size_scalefactor', 'tcp.window_size', 'tcp.analysis.bytes_in_flight'];
    const { ours, theirs, pkts } = compare(MID, fields);
    expect(ours).toEqual(theirs);
    expect(theirs.every((l) => l.split('|')[1] === '-1')).toBe(true);
    expect(pkts.map((p) => vals(p, 'tcp.window_size_scalefactor_inferred').join())).toEqual(['', '', '', '', '16', '', '', '32']);
  });

  it('is not given when the handshake was seen', () => {
    const full: Seg[] = [
      { c: true, seq: 1000, flags: 'S', opts: { mss: 1460, wscale: 2 } },
      { c: false, seq: 5000, ack: 1001, flags: 'SA', win: 100, opts: { mss: 1460, wscale: 0 } },
      ...MID,
    ];
    const { pkts } = compare(full, ['frame.number']);
    expect(pkts.every((p) => vals(p, 'tcp.window_size_scalefactor_inferred').length === 0)).toBe(true);
  });
});
