/**
 * The connection doctor (keys in, frames out) on corpus connections, against the CLI: its title,
 * verdict and evidence frames are `wirelite stats FILE tcp`'s (--json), J jumps to the evidence
 * frame, the card is the `stats tcp` card, the stream text is `wirelite follow`'s; the graphs are
 * drawn (braille dots, legend), the cursor steps through the packets the graph draws (tshark's
 * frames of the sender's data and the receiver's ACKs) and Enter jumps to its packet; + zooms in around the cursor.
 */
import { execFileSync } from 'node:child_process';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Doctor, wrap } from '../../src/tui/doctor/doctor.js';
import type { ViewProps } from '../../src/tui/contract.js';
import { CORPUS_MISSING, corpusFile, corpusPresent, describeCorpusMissing } from '../corpus.js';
import { hasTshark, jsonLines, press, tsharkStore, until, wl, KEY } from './views/helpers.js';

const ready = corpusPresent && hasTshark;
const why = !corpusPresent ? CORPUS_MISSING : 'SKIPPED: tshark not installed';

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function props(file: string, jumps: number[]): ViewProps {
  return { store: tsharkStore(file), file, sessionOptions: {}, width: 100, height: 30, focused: true, displayFilter: '', onJump: (n) => void jumps.push(n), onStatus: () => {}, captureInput: () => {} };
}

const BRAILLE = /[\u2801-\u28ff]/;

describe.skipIf(!ready)('connection doctor', () => {
  it('retransmit-fast009.pcap stream 0 (a fast retransmission): verdict and evidence of stats tcp, the graphs, the cursor, zoom, the card', async () => {
    const file = corpusFile('zeek/tcp/retransmit-fast009.pcap');
    const [card] = jsonLines<{ stream: number; verdict: { text: string; frames: number[] }; firstFrame: number; lastFrame: number }>(['stats', file, 'tcp', '--json']);
    const jumps: number[] = [];
    mounted = render(<Doctor {...props(file, jumps)} stream={0} />);
    const { lastFrame, stdin } = mounted;
    let f = await until(lastFrame, (x) => x.includes('Verdict:'));
    const lines = f.split('\n');
    expect(lines[0]).toContain(`TCP stream 0: 10.0.88.85:50368 -> 192.168.0.27:80  frames ${card!.firstFrame}-${card!.lastFrame}`);
    const verdict = wrap(`Verdict: ${card!.verdict.text}`, 100);
    expect(verdict.length).toBeLessThanOrEqual(3);
    expect(lines.slice(1, 1 + verdict.length).map((l) => l.trimEnd())).toEqual(verdict.map((l) => l.trimEnd()));
    expect(card!.verdict.frames).toEqual([32]);
    expect(lines[1 + verdict.length]).toContain('Evidence: frame 32');
    await press(stdin, 'J');
    expect(jumps).toEqual([32]);
    // The time-sequence graph: braille dots, the legend with retransmissions.
    expect(f).toMatch(BRAILLE);
    expect(f).toContain('retransmission');
    expect(f).toContain('0.000-60.992 s');
    // The cursor: the packets the time-sequence graph draws, in order (the sender's data segments
    // and the receiver's ACKs, as tshark selects them), Enter jumps to the one under it.
    const frames = execFileSync('tshark', ['-n', '-r', file, '-Y', 'tcp.stream==0 && ((ip.src==192.168.0.27 && tcp.len>0) || (ip.src==10.0.88.85 && tcp.flags.ack==1) || tcp.flags.syn==1 && ip.src==10.0.88.85)', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter((l) => l).map(Number);
    await until(lastFrame, (x) => x.includes(`cursor: frame ${frames[0]} `));
    await press(stdin, ']]');
    await until(lastFrame, (x) => x.includes(`cursor: frame ${frames[2]} `));
    await press(stdin, KEY.enter);
    expect(jumps).toEqual([32, frames[2]]);
    // Zoom in around the cursor: half the span.
    await press(stdin, '+');
    await until(lastFrame, (x) => !x.includes('0.000-60.992 s'));
    const [, lo, hi] = /(\d+\.\d+)-(\d+\.\d+) s/.exec(lastFrame()!)!.map(Number) as [number, number, number];
    const t = Number(/cursor: frame \d+ t=(\d+\.\d+)/.exec(lastFrame()!)![1]);
    expect(hi - lo).toBeCloseTo(60.992 / 2, 2);
    expect(lo <= t && t <= hi).toBe(true);
    await press(stdin, '0');
    await until(lastFrame, (x) => x.includes('0.000-60.992 s'));
    // The other graphs.
    await press(stdin, '2');
    f = await until(lastFrame, (x) => x.includes('bytes in flight'));
    expect(f).toContain('bytes in flight');
    expect(f).toContain('cwnd estimate');
    expect(f).toMatch(BRAILLE);
    await press(stdin, '3');
    await until(lastFrame, (x) => x.includes('RTT (ms)'));
    await press(stdin, '4');
    await until(lastFrame, (x) => x.includes('goodput'));
    // The card: stats tcp's.
    await press(stdin, 'i');
    f = await until(lastFrame, (x) => x.includes('  Frames '));
    const cardText = wl(['stats', file, 'tcp']).split('\n');
    for (const l of cardText.slice(0, 6)) expect(f).toContain(l.slice(0, 99).trimEnd());
  }, 60_000);

  it('smtp.pcap stream 0: the stream text is wirelite follow\'s', async () => {
    const file = corpusFile('zeek/smtp.pcap');
    mounted = render(<Doctor {...props(file, [])} stream={0} />);
    const { lastFrame, stdin } = mounted;
    await until(lastFrame, (x) => x.includes('Verdict:'));
    await press(stdin, 'f');
    const f = await until(lastFrame, (x) => x.includes('Follow: tcp,ascii'));
    const follow = wl(['follow', file, '--stream', '0']).split('\n');
    expect(f).toContain(`Follow: tcp,ascii  ${follow[4]}  ${follow[5]}`);
    // The first chunk (node 1's greeting, indented), line by line.
    const first = follow[7]!.replace(/\r$/, '');
    expect(f).toContain(`    ${first}`.slice(0, 100).trimEnd());
    await press(stdin, KEY.down);
    await until(lastFrame, (x) => !x.includes('Node 0: 10.10.1.4:1470'));
  }, 60_000);
});

if (!ready) describeCorpusMissing('connection doctor', why);
