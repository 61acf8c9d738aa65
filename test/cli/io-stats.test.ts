/**
 * `wirelite stats FILE io [interval]` against live tshark 4.0 (`-2 -z io,stat,INTERVAL,...`; the
 * test fails, not skips, without tshark): per interval, frames and bytes (filter `frame`), the
 * frames marked as a retransmission of any kind, fast retransmissions, spurious retransmissions,
 * and MAX / AVG of tcp.analysis.bytes_in_flight, on our fixtures and on corpus captures with
 * retransmissions; then the command's text, --json and usage errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IO_LIMITS, IoStats, parseInterval, type IoRow } from '../../src/cli/io-stats.js';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';
import { collectIoColumns, writeIoColumnsJson, writeIoColumnsText } from '../../src/cli/io-columns-stats.js';
import { parseColumn } from '../../src/stats/io-stat.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-io-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const RETRANS = 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission';
const BIF = 'tcp.analysis.bytes_in_flight';

interface TsharkRow {
  frames: number;
  bytes: number;
  retrans: number;
  fast: number;
  spurious: number;
  bifMax: number;
  bifAvg: number;
}

/** tshark's io,stat rows for columns: frame, RETRANS, fast, spurious, MAX(bif), AVG(bif). */
function tsharkIo(file: string, interval: string): TsharkRow[] {
  const spec = `io,stat,${interval},frame,${RETRANS},tcp.analysis.fast_retransmission,tcp.analysis.spurious_retransmission,MAX(${BIF})${BIF},AVG(${BIF})${BIF}`;
  const text = execFileSync('tshark', ['-n', '-2', '-q', '-r', file, '-z', spec], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
  const out: TsharkRow[] = [];
  for (const line of text.split('\n')) {
    if (!/^\|\s*[\d.]+ <> /.test(line)) continue;
    const n = line.split('|').slice(2, 12).map((c) => Number(c.trim()));
    expect(n.every((v) => Number.isFinite(v)), line).toBe(true);
    out.push({ frames: n[0]!, bytes: n[1]!, retrans: n[2]!, fast: n[4]!, spurious: n[6]!, bifMax: n[8]!, bifAvg: n[9]! });
  }
  return out;
}

/** Our rows in the same shape (tshark prints 0 for MAX/AVG of an interval without values; AVG truncated). */
function ours(rows: IoRow[]): TsharkRow[] {
  return rows.map((r) => ({
    frames: r.frames,
    bytes: r.bytes,
    retrans: r.retransmissions,
    fast: r.fastRetransmissions,
    spurious: r.spuriousRetransmissions,
    bifMax: r.bytesInFlightMax ?? 0,
    bifAvg: r.bytesInFlightAvg === null ? 0 : Math.floor(r.bytesInFlightAvg + 1e-9),
  }));
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

const CASES: Array<[string, string]> = [
  [join(root, 'fixtures/loopback.pcap'), '1'],
  [join(root, 'fixtures/synthetic.pcapng'), '0.01'],
  ...(corpusPresent
    ? ([
        ['zeek/tcp/ssh-dups.pcap', '1'],
        ['zeek/tcp/ssh-dups.pcap', '0.25'],
        ['zeek/http/m57-long-49583-80.pcap', '1'],
        ['zeek/http/206_example_b.pcap', '1'],
        ['suricata-verify/tls/tls-subjectaltname/input.pcap', '1'],
        ['suricata-verify/tcp-empty-sack/tcp-opt.pcap', '5'],
        ['zeek/tcp/reassembly.pcap', '1'],
        ['suricata-verify/bug-4376/syn_retransmit_with_ts.pcap', '1'],
        ['filesamples/200722_tcp_anon.pcapng', '1'],
      ] as Array<[string, string]>).map(([p, i]) => [join(corpusRoot, 'public', p), i] as [string, string])
    : []),
];

describe.each(CASES)('stats io on %s, interval %s s, beside tshark -2 -z io,stat', (file, interval) => {
  it('gives the same frames, bytes, retransmissions and bytes in flight per interval', async () => {
    const io = await new IoStats(parseInterval(interval)).collect(file);
    const got = ours(io.rows());
    const want = tsharkIo(file, interval);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });
});

if (!corpusPresent) describeCorpusMissing('stats io on the corpus');
it.skipIf(!corpusPresent)(corpusPresent ? 'the corpus cases include retransmissions of each kind tshark reports there' : 'SKIPPED: ../shared/corpus missing (no retransmissions to count)', async () => {
  let retrans = 0;
  let fast = 0;
  for (const [file, interval] of CASES) {
    const io = await new IoStats(parseInterval(interval)).collect(file);
    for (const r of io.rows()) {
      retrans += r.retransmissions;
      fast += r.fastRetransmissions;
    }
  }
  expect(retrans).toBeGreaterThan(100);
  expect(fast).toBeGreaterThan(10);
});

it.skipIf(!corpusPresent)('a capture spanning 4.5 years in 1-second intervals: IO_LIMITS.maxIntervals kept, the later frames counted apart and announced', async () => {
  const file = join(corpusRoot, 'public/pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap');
  const io = await new IoStats(1).collect(file);
  const rows = io.rows();
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.length).toBeLessThanOrEqual(IO_LIMITS.maxIntervals);
  expect(io.beyondFrames).toBeGreaterThan(0);
  const total = execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' });
  const frames = Number(/Number of packets:\s+(\d+)/.exec(total)![1]);
  expect(rows.reduce((n, r) => n + r.frames, 0) + io.beyondFrames).toBe(frames);
  expect(io.json().trim().split('\n').pop()).toMatch(/^\{"beyond":true,"limit":1000000,"frames":\d+,"bytes":\d+\}$/);
});

/**
 * tshark's "Duration: N secs", in microseconds when the interval is whole seconds shorter than the
 * capture or 1 µs (tshark prints it to the interval's precision otherwise).
 */
function tsharkDuration(file: string, interval: string): string {
  const text = execFileSync('tshark', ['-n', '-q', '-r', file, '-z', `io,stat,${interval}`], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
  return /Duration: ([\d.]+) secs/.exec(text)![1]!;
}

it('Duration runs to the last frame when later frames are past IO_LIMITS.maxIntervals (as tshark\'s Duration)', async () => {
  const file = join(root, 'fixtures/synthetic.pcapng');
  const saved = IO_LIMITS.maxIntervals;
  IO_LIMITS.maxIntervals = 2;
  try {
    const io = await new IoStats(parseInterval('0.01')).collect(file);
    expect(io.beyondFrames).toBeGreaterThan(0);
    const want = tsharkDuration(file, '0.000001');
    expect(io.duration.toFixed(6)).toBe(want);
    expect(io.text()).toContain(`Duration: ${want} secs`);
  } finally {
    IO_LIMITS.maxIntervals = saved;
  }
});

it.skipIf(!corpusPresent)('Duration of a capture spanning 4.5 years in 1-second intervals is tshark\'s (142449834.964568 s), not the first cut-off', () => {
  const file = join(corpusRoot, 'public/pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap');
  const r = wl(['stats', file, 'io']);
  expect(r.code).toBe(0);
  expect(/Duration: ([\d.]+) secs/.exec(r.out)![1]).toBe(tsharkDuration(file, '100000000'));
});

describe('wirelite stats FILE io (the command)', () => {
  const file = join(root, 'fixtures/synthetic.pcapng');

  it('defaults to 1-second intervals; text in the style of tshark, with the TCP columns', () => {
    const a = wl(['stats', file, 'io']);
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    expect(a.out).toBe(wl(['stats', file, 'io', '1']).out);
    expect(a.out).toMatch(/\| IO Statistics +\|\n/);
    expect(a.out).toMatch(/\| Interval +\| +Frames \| +Bytes \| +Retrans \| +Fast \| +Spurious \| +BIF max \| +BIF avg \|\n/);
    expect(a.out).toMatch(/\| +0 <> Dur \| +\d+ \| +\d+ \|/);
  });

  it('--json: one object per interval with typed numbers that add up to the whole file', () => {
    const r = wl(['stats', file, 'io', '0.01', '--json']);
    expect(r.code).toBe(0);
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | null>);
    expect(objs.length).toBeGreaterThan(3);
    objs.forEach((o, i) => {
      expect(o.start).toBeCloseTo(i * 0.01, 9);
      expect(o.end).toBeCloseTo((i + 1) * 0.01, 9);
      for (const k of ['frames', 'bytes', 'retransmissions', 'fastRetransmissions', 'spuriousRetransmissions']) expect(typeof o[k], k).toBe('number');
    });
    const frames = Number(spawnSync('tshark', ['-n', '-r', file], { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } }).stdout.trim().split('\n').length);
    expect(objs.reduce((n, o) => n + (o.frames as number), 0)).toBe(frames);
  });

  it('rejects a bad interval (exit 1)', () => {
    for (const bad of ['0', 'x1', 'abc', '1e-9']) {
      const r = wl(['stats', file, 'io', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.err).toMatch(/interval/);
    }
  });
});

/** tshark's `-z io,stat,INTERVAL,COLUMNS` text, as it prints it. */
function tsharkIoStat(file: string, interval: string, columns: string): string {
  return execFileSync('tshark', ['-n', '-q', '-r', file, '-z', `io,stat,${interval},${columns}`], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
}

const ALL_KINDS =
  'FRAMES,BYTES,COUNT(tcp.analysis.retransmission)tcp.analysis.retransmission,SUM(tcp.len)tcp.len,MIN(tcp.len)tcp.len,MAX(tcp.window_size)tcp.window_size,AVG(tcp.len)tcp.len,AVG(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,,MAX(frame.time_delta)frame.time_delta';
const COLUMN_CASES: Array<[string, string, string]> = [
  [join(root, 'fixtures/synthetic.pcapng'), '0.001', 'FRAMES,BYTES,COUNT(ip.addr)ip.addr,MIN(ip.ttl)ip.ttl'],
  [join(root, 'fixtures/loopback.pcap'), '0.05', 'COUNT(tcp.flags.syn)tcp.flags.syn==1,SUM(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,MIN(frame.time_delta)frame.time_delta'],
  [join(root, 'fixtures/loopback.pcap'), '1', 'COUNT(tcp.len),SUM(tcp.len)tcp.port==9,udp'],
  ...(corpusPresent
    ? ([
        ['zeek/tcp/ssh-dups.pcap', '1', ALL_KINDS],
        ['zeek/tcp/ssh-dups.pcap', '0.25', 'FRAMES,COUNT(tcp.analysis.fast_retransmission)tcp.analysis.fast_retransmission,MAX(tcp.analysis.bytes_in_flight)tcp.analysis.bytes_in_flight'],
        ['zeek/tcp/ssh-dups.pcap', '0.1', 'tcp.analysis.retransmission,ip.src==10.0.0.1'],
        ['zeek/tcp/ssh-dups.pcap', '100', 'FRAMES,BYTES'],
        ['zeek/http/m57-long-49583-80.pcap', '1', 'FRAMES,BYTES()tcp.port==80,SUM(frame.len)frame.len,MIN(tcp.window_size)tcp.window_size,AVG(frame.time_delta)frame.time_delta'],
        ['zeek/http/206_example_b.pcap', '0.5', 'MIN(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,MAX(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,SUM(frame.time_delta)frame.time_delta,AVG(ip.ttl)ip.ttl'],
        ['pcapplusplus/Pcap++Test/PcapExamples/DnsPackets.pcap', '2', 'COUNT(dns.qry.name)dns,AVG(dns.time)dns.time,MAX(dns.time)dns.time,COUNT(dns.qry.name)dns.qry.name'],
        ['filesamples/200722_tcp_anon.pcapng', '1', ',FRAMES,MAX(tcp.seq)tcp.seq'],
      ] as Array<[string, string, string]>).map(([p, i, c]) => [join(corpusRoot, 'public', p), i, c] as [string, string, string])
    : []),
];

describe.each(COLUMN_CASES)('stats %s io %s COLUMNS (%s) beside tshark -z io,stat', (file, interval, columns) => {
  it('prints tshark\'s text, byte for byte', () => {
    const r = wl(['stats', file, 'io', interval, columns]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(tsharkIoStat(file, interval, columns));
  });
});

describe('stats FILE io INTERVAL COLUMNS: --json and usage', () => {
  const file = join(root, 'fixtures/loopback.pcap');

  it('the columns may come as separate arguments; --json gives a typed value per column and interval', () => {
    const joined = wl(['stats', file, 'io', '0.5', 'FRAMES,BYTES,AVG(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt,']).out;
    expect(wl(['stats', file, 'io', '0.5', 'FRAMES', 'BYTES', 'AVG(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt', '']).out).toBe(joined);
    const r = wl(['stats', file, 'io', '0.5', 'FRAMES', 'BYTES', 'AVG(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt', '', '--json']);
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { start: number; end: number; values: [number, number, number, { frames: number; bytes: number }] });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.end - row.start).toBeCloseTo(0.5, 9);
      expect(row.values[3].frames).toBe(row.values[0]);
      expect(row.values[3].bytes).toBe(row.values[1]);
      expect(typeof row.values[2]).toBe('number');
    }
    const frames = Number(/Number of packets:\s+(\d+)/.exec(execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' }))![1]);
    expect(rows.reduce((n, x) => n + x.values[0], 0)).toBe(frames);
  });

  it.each([
    ['COUNT', /COUNT takes a field in parentheses/],
    ['SUM(tcp.len', /closing parenthesis is missing/],
    ['MAX(no.such.field)', /there is no field named "no.such.field"/],
    ['SUM(ip.src)ip.src', /does not have integral values/],
    ['FRAMES(tcp.len)', /FRAMES takes no field/],
    ['tcp.prot == 80', /io column "tcp.prot == 80": .*tcp.prot/],
  ])('rejects the column %s (exit 1, a wirelite: message)', (column, message) => {
    const r = wl(['stats', file, 'io', '1', column]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^wirelite: /);
    expect(r.err).toMatch(message);
  });
});

it('io columns (FRAMES BYTES ...): at most IO_LIMITS.maxIntervals rows, the later frames counted in a note (a capture spanning years in 1 s intervals ran out of memory)', async () => {
  const file = join(root, 'fixtures/synthetic.pcapng');
  const all = await collectIoColumns(file, [parseColumn('FRAMES'), parseColumn('BYTES')], 10_000);
  const rows = all.table.result();
  expect(rows.length).toBeGreaterThan(2);
  const saved = IO_LIMITS.maxIntervals;
  IO_LIMITS.maxIntervals = 2;
  try {
    const { table } = await collectIoColumns(file, [parseColumn('FRAMES'), parseColumn('BYTES')], 10_000);
    const kept = table.result();
    expect(kept.length).toBe(2);
    // The rows kept are the first two of the unlimited table; every other frame is in the note.
    expect(kept.map((r) => r.cells[0]!.frames)).toEqual(rows.slice(0, 2).map((r) => r.cells[0]!.frames));
    const frames = (t: typeof rows) => t.reduce((n, r) => n + r.cells[0]!.frames, 0);
    const bytes = (t: typeof rows) => t.reduce((n, r) => n + r.cells[1]!.counter, 0);
    expect(table.beyondFrames).toBe(frames(rows) - frames(kept));
    expect(table.beyondBytes).toBe(bytes(rows) - bytes(kept));
    let text = '';
    writeIoColumnsText(table, 2, { write: (s: string) => void (text += s) });
    expect(text).toContain(`(${table.beyondFrames} frames, ${table.beyondBytes} bytes later than 2 intervals are not in the table)`);
    let json = '';
    writeIoColumnsJson(table, { write: (s: string) => void (json += s) });
    expect(JSON.parse(json.trim().split('\n').at(-1)!)).toEqual({ beyond: true, limit: 2, frames: table.beyondFrames, bytes: table.beyondBytes });
  } finally {
    IO_LIMITS.maxIntervals = saved;
  }
});
