/**
 * `wirelite stats FILE expert` against `tshark -2 -q -z expert` (tshark 4.0, installed by .ci/run;
 * the test fails, not skips, without it). The TCP sequence-analysis rows (group Sequence, protocol
 * TCP, D-SACK included) must be identical, count for count; rows of analyses wirelite does not
 * have yet (HTTP, frame comments) are left out of the comparison.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expertRows } from './expert-rows.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-stats-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
}

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const rows = expertRows;

const tcpSequence = (m: Map<string, number>) => new Map([...m].filter(([k]) => k.includes('|Sequence|TCP|')));

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

describe.each(['loopback.pcap', 'synthetic.pcapng'])('wirelite stats fixtures/%s expert', (name) => {
  const file = join(root, 'fixtures', name);

  it('gives the TCP rows of tshark -2 -z expert, in its layout', () => {
    const ours = wl(['stats', file, 'expert']);
    expect(ours.err).toBe('');
    expect(ours.code).toBe(0);
    const theirs = tshark(['-n', '-2', '-q', '-o', 'ip.check_checksum:TRUE', '-r', file, '-z', 'expert']);
    expect(tcpSequence(rows(ours.out))).toEqual(tcpSequence(rows(theirs)));
    expect(tcpSequence(rows(ours.out)).size).toBeGreaterThan(0);
    // The block layout is tshark's.
    expect(ours.out).toMatch(/\n(Errors|Warns|Notes|Chats) \(\d+\)\n=============\n {3}Frequency {6}Group {11}Protocol {2}Summary\n/);
  });

  it('--json prints one typed object per row, with frame numbers', () => {
    const r = wl(['stats', file, 'expert', '--json']);
    expect(r.code).toBe(0);
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { severity: string; group: string; protocol: string; summary: string; count: number; frames: number[] });
    expect(objs.length).toBeGreaterThan(0);
    const order = ['error', 'warning', 'note', 'chat'];
    for (const o of objs) {
      expect(order).toContain(o.severity);
      expect(typeof o.count).toBe('number');
      expect(o.frames.length).toBe(o.count);
      expect(o.frames.every((f) => Number.isInteger(f) && f >= 1)).toBe(true);
    }
    // Most severe first.
    const ranks = objs.map((o) => order.indexOf(o.severity));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(rows(wl(['stats', file, 'expert']).out).size).toBe(objs.length);
  });
});

describe('wirelite stats usage', () => {
  it('rejects an unknown statistics kind with exit 1', () => {
    const r = wl(['stats', join(root, 'fixtures/loopback.pcap'), 'nonesuch']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown statistics "nonesuch"/);
  });

  it('rejects a missing statistic and an extra argument with exit 1', () => {
    const f = join(root, 'fixtures/loopback.pcap');
    expect(wl(['stats', f]).code).toBe(1);
    expect(wl(['stats', f]).err).toMatch(/^wirelite: stats needs a capture file and a statistic/);
    const extra = wl(['stats', f, 'conv', 'tcp', 'udp']);
    expect(extra.code).toBe(1);
    expect(extra.err).toMatch(/stats conv takes at most one argument/);
  });
});

describe('wirelite stats: the file first or last, for every statistic', () => {
  const file = join(root, 'fixtures/synthetic.pcapng');
  const cases: string[][] = [['expert'], ['dns'], ['conv'], ['conv', 'tcp'], ['conv', 'udp'], ['endpoints', 'ip'], ['io'], ['io', '0.01'], ['tcp'], ['tls'], ['tcp', '--json']];
  it.each(cases.map((c) => [c.join(' '), c] as const))('stats %s FILE prints what stats FILE %s prints', (_, kindArgs) => {
    const first = wl(['stats', file, ...kindArgs]);
    const last = wl(['stats', ...kindArgs, file]);
    expect(first.code).toBe(0);
    expect(last.err).toBe('');
    expect(last.code).toBe(0);
    expect(last.out).toBe(first.out);
    expect(first.out.length).toBeGreaterThan(0);
  });
});
