/**
 * The pipeline (src/pipeline/): taps deliver their records after the packet is dissected, behind
 * the display filter; the records are pooled (a packet with two TCP segments gets two); a packet
 * the filter rejects reaches neither the taps nor the sink; `follow -Y ... --stream first` picks
 * the stream of the first matching packet, as `tshark -2 -Y` numbers it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCapture } from '../../src/capture/writer.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { TCP_TAP, type TcpTapRecord } from '../../src/dissectors/tcp/tap.js';
import { SessionTaps } from '../../src/dissectors/taps.js';
import { compileOption } from '../../src/filter/cli.js';
import { dissectFile, tap } from '../../src/pipeline/index.js';
import { corpusRoot, repoRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'wl-pipeline-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A capture of `packets` (one a millisecond). */
function capture(name: string, packets: Uint8Array[]): string {
  const frames = packets.map((data, i) => ({ number: i + 1, tsSec: 1000, tsNsec: i * 1_000_000, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data }));
  const file = join(scratch, name);
  writeFileSync(file, encodeCapture('pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, frames));
  return file;
}

const seg = (sport: number, flags: string, seq: number, payload = 0) =>
  buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'tcp', sport, dport: 80, flags, seq }, { proto: 'data', bytes: new Uint8Array(payload) }]);

describe('taps through the session', () => {
  const file = capture('two-streams.pcap', [seg(1000, 'S', 1), seg(2000, 'S', 5), seg(1000, 'A', 2, 10), seg(2000, 'A', 6, 20), seg(1000, 'F', 12)]);

  it('a display filter sits in front of the tap: only the records of matching packets, after each is dissected', async () => {
    const got: string[] = [];
    const filter = compileOption('-Y', 'tcp.srcport == 2000')!;
    await dissectFile(
      file,
      { columns: false, twoPass: false, count: 0, fields: filter.fields, displayFilter: { test: filter.filter, onDropped: (f) => void got.push(`drop ${f.number}`) }, taps: [tap(TCP_TAP, (r) => void got.push(`tap ${r.frame} ${r.stream}`))] },
      (pkt) => void got.push(`sink ${pkt.frame.number}`),
    );
    expect(got).toEqual(['drop 1', 'tap 2 1', 'sink 2', 'drop 3', 'tap 4 1', 'sink 4', 'drop 5']);
  });

  it('without a filter every segment is delivered, in one pooled record per session (copy what you keep)', async () => {
    const seen: TcpTapRecord[] = [];
    const frames: number[] = [];
    await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: [], taps: [tap(TCP_TAP, (r) => void (seen.push(r), frames.push(r.frame)))] });
    expect(frames).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(seen).size).toBe(1);
  });

  it('a listener of one read is gone after it (another read does not call it)', async () => {
    let n = 0;
    await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: [], taps: [tap(TCP_TAP, () => void n++)] });
    await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: [] });
    expect(n).toBe(5);
  });

  it('a two-pass read delivers in the second pass only, with final values', async () => {
    const frames: number[] = [];
    await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: [], taps: [tap(TCP_TAP, (r) => void frames.push(r.frame))] });
    expect(frames).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('SessionTaps', () => {
  it('pools records: a packet with two segments takes two, the next packet reuses them; discard drops them', () => {
    const taps = new SessionTaps();
    const got: number[] = [];
    taps.add(TCP_TAP, (r) => void got.push(r.frame));
    const a = taps.record(TCP_TAP);
    a.frame = 1;
    const b = taps.record(TCP_TAP);
    b.frame = 2;
    expect(a).not.toBe(b);
    taps.deliver();
    const c = taps.record(TCP_TAP);
    c.frame = 3;
    expect(c).toBe(a);
    taps.discard();
    expect(taps.pending).toBe(false);
    taps.deliver();
    expect(got).toEqual([1, 2]);
  });
});

const bin = join(repoRoot, 'bin/wirelite');
const wiki = join(corpusRoot, 'public/zeek/wikipedia.pcap');

if (!existsSync(wiki)) describeCorpusMissing('follow -Y EXPR --stream first');
describe.skipIf(!existsSync(wiki))('follow -Y EXPR --stream first', () => {
  it.each(['tcp.port == 80 && tcp.len > 500', 'ip.dst == 208.80.152.2', 'tcp.analysis.ack_rtt > 0.05'])('follows the stream of the first packet tshark -2 -Y selects: %s', (expr) => {
    const stream = execFileSync('tshark', ['-n', '-2', '-r', wiki, '-Y', expr, '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!;
    expect(stream).toMatch(/^\d+$/);
    const ours = spawnSync(bin, ['follow', wiki, '-Y', expr, '--stream', 'first'], { encoding: 'utf8' });
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(spawnSync(bin, ['follow', wiki, '--stream', stream], { encoding: 'utf8' }).stdout);
    expect(ours.stdout).toContain(`Filter: tcp.stream eq ${stream}\n`);
  });

  it('says so when nothing matches, or -Y comes without --stream first (exit 1)', () => {
    const none = spawnSync(bin, ['follow', wiki, '-Y', 'tcp.port == 1', '--stream', 'first'], { encoding: 'utf8' });
    expect([none.status, none.stdout]).toEqual([1, '']);
    expect(none.stderr).toContain('matches -Y tcp.port == 1');
    const n = spawnSync(bin, ['follow', wiki, '-Y', 'tcp', '--stream', '3'], { encoding: 'utf8' });
    expect(n.status).toBe(1);
    expect(n.stderr).toContain('--stream first');
    const first = spawnSync(bin, ['follow', wiki, '--stream', 'first'], { encoding: 'utf8' });
    expect(first.stdout).toBe(spawnSync(bin, ['follow', wiki, '--stream', '0'], { encoding: 'utf8' }).stdout);
  });
});
