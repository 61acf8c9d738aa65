/**
 * Conversations and Endpoints views (keys in, frames out): their rows are `wirelite stats FILE
 * conv TYPE --json` / `endpoints TYPE --json`'s, in the same order; sorting by a column; Enter on
 * a TCP conversation opens the connection doctor, f jumps to the first frame (tshark's first
 * frame of the stream). The rows are read by the views' worker thread (dist/, built by the setup).
 */
import { execFileSync } from 'node:child_process';
import { render } from 'ink-testing-library';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationsView, EndpointsView, convColumns, endpointColumns } from '../../../src/tui/views/conversations.js';
import type { ConvRow, EndpointRow } from '../../../src/stats/conversations.js';
import type { ViewProps } from '../../../src/tui/contract.js';
import { fit } from '../../../src/tui/theme.js';
import { hasTshark, jsonLines, KEY, press, root, tsharkStore, until } from './helpers.js';

const loopback = join(root, 'fixtures/loopback.pcap');

interface ConvJson { stream?: number; a: string; aPort?: number; b: string; bPort?: number; framesAtoB: number; bytesAtoB: number; framesBtoA: number; bytesBtoA: number; relStart: number; duration: number }
const asRow = (j: ConvJson): ConvRow => ({ a: j.a, b: j.b, aPort: j.aPort ?? -1, bPort: j.bPort ?? -1, stream: j.stream ?? -1, framesAB: j.framesAtoB, bytesAB: j.bytesAtoB, framesBA: j.framesBtoA, bytesBA: j.bytesBtoA, relStart: j.relStart, duration: j.duration });

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function props(file: string, jumps: number[]): ViewProps {
  return { store: tsharkStore(file), file, sessionOptions: {}, width: 100, height: 20, focused: true, displayFilter: '', onJump: (n) => void jumps.push(n), onStatus: () => {}, captureInput: () => {} };
}

const line = <R,>(cols: ReturnType<typeof convColumns> | ReturnType<typeof endpointColumns>, r: R) =>
  fit((cols as unknown as { text: (r: R) => string; width: number; right?: boolean }[]).map((c) => {
    const s = c.text(r);
    return c.right ? (s.length > c.width ? fit(s, c.width) : s.padStart(c.width)) : fit(s, c.width);
  }).join(' '), 100).trimEnd();

describe.skipIf(!hasTshark)('Conversations view', () => {
  it('TCP and UDP rows are stats conv --json rows, in its order; sorted by Bytes on request; Enter opens the doctor, f jumps to the first frame', async () => {
    const jumps: number[] = [];
    mounted = render(<ConversationsView {...props(loopback, jumps)} />);
    const { lastFrame, stdin } = mounted;
    let f = await until(lastFrame, (x) => x.includes('Address A'));
    const tcp = jsonLines<ConvJson>(['stats', loopback, 'conv', 'tcp', '--json']).map(asRow);
    expect(tcp.length).toBeGreaterThan(1);
    const lines = f.split('\n');
    const body = lines.slice(2, 2 + tcp.length);
    expect(body).toEqual(tcp.map((r) => line(convColumns('tcp'), r)));
    // Sort by Bytes (the 7th column: Stream, A, Port A, B, Port B, Packets, Bytes), descending:
    // seven l keys in one read (as a held key or tmux sends them), each counted.
    await press(stdin, 'l'.repeat(7));
    f = await until(lastFrame, (x) => x.includes('Bytes▼'));
    expect(f.split('\n')[1]).toContain('Bytes▼');
    const bytes = [...tcp].sort((x, y) => y.bytesAB + y.bytesBA - (x.bytesAB + x.bytesBA));
    expect(f.split('\n').slice(2, 2 + tcp.length)).toEqual(bytes.map((r) => line(convColumns('tcp'), r)));
    await press(stdin, 's');
    await until(lastFrame, (x) => x.split('\n')[1]!.includes('Bytes▲'));
    // f: the first frame of the selected (now the smallest) conversation's stream, as tshark finds it.
    const smallest = [...bytes].reverse()[0]!;
    await press(stdin, 'f');
    const first = Number(tsharkFirst(loopback, `tcp.stream==${smallest.stream}`));
    expect(jumps).toEqual([first]);
    // UDP (tab 2).
    await press(stdin, '2');
    f = await until(lastFrame, (x) => x.includes('Port A') && !x.includes('Stream'));
    const udp = jsonLines<ConvJson>(['stats', loopback, 'conv', 'udp', '--json']).map(asRow);
    expect(f.split('\n').slice(2, 2 + udp.length)).toEqual(udp.map((r) => line(convColumns('udp'), r)));
    // Enter on UDP: the conversation's first frame.
    await press(stdin, KEY.enter);
    expect(jumps[1]).toBe(Number(tsharkFirst(loopback, `udp.srcport==${udp[0]!.aPort} && udp.dstport==${udp[0]!.bPort} || udp.srcport==${udp[0]!.bPort} && udp.dstport==${udp[0]!.aPort}`)));
    // Back to TCP, Enter: the doctor of the first stream.
    await press(stdin, '1', KEY.enter);
    f = await until(lastFrame, (x) => x.includes('Verdict:'));
    expect(f).toContain(`TCP stream ${tcp[0]!.stream}:`);
    await press(stdin, 'b');
    await until(lastFrame, (x) => x.includes('Address A'));
  }, 60_000);
});

describe.skipIf(!hasTshark)('Endpoints view', () => {
  it('IPv4 and TCP rows are stats endpoints --json rows; Enter jumps to the first frame of the address', async () => {
    const jumps: number[] = [];
    mounted = render(<EndpointsView {...props(loopback, jumps)} />);
    const { lastFrame, stdin } = mounted;
    await until(lastFrame, (x) => x.includes('Address'));
    type Ep = { address: string; port?: number; frames: number; bytes: number; txFrames: number; txBytes: number; rxFrames: number; rxBytes: number };
    const asEp = (e: Ep): EndpointRow => ({ ...e, port: e.port ?? -1 });
    const tcp = jsonLines<Ep>(['stats', loopback, 'endpoints', 'tcp', '--json']).map(asEp);
    expect(lastFrame()!.split('\n').slice(2, 2 + tcp.length)).toEqual(tcp.map((r) => line(endpointColumns('tcp'), r)));
    await press(stdin, '3');
    const f = await until(lastFrame, (x) => !x.includes(' Port'));
    const ip = jsonLines<Ep>(['stats', loopback, 'endpoints', 'ip', '--json']).map(asEp);
    expect(f.split('\n').slice(2, 2 + ip.length)).toEqual(ip.map((r) => line(endpointColumns('ip'), r)));
    await press(stdin, KEY.enter);
    expect(jumps).toEqual([Number(tsharkFirst(loopback, `ip.addr==${ip[0]!.address}`))]);
  }, 60_000);
});

/** tshark's first frame that matches `filter`. */
function tsharkFirst(file: string, filter: string): string {
  return execFileSync('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
}
