/**
 * `read --threads 2` (shards of the hosts in worker threads, their text merged in frame order)
 * prints exactly what one thread prints: the summary line and `-T fields` in every time format,
 * on real captures with many hosts (both shards get frames), an SLL capture, pcapng files with
 * several interfaces and time resolutions, and a capture cut short (the same output, message and
 * exit code). One thread's output is compared with tshark's by read.test.ts and
 * fixtures-vs-tshark.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusFile, corpusPresent, itCorpusMissing, repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-read-threads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FIELDS = ['-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport',
  '-e', 'frame.time_relative', '-e', 'frame.time_delta', '-e', '_ws.col.Info', '-e', 'tcp.analysis.flags', '-e', 'dns.qry.name'];
const MODES: string[][] = [[], ['-t', 'd'], ['-t', 'dd'], ['-t', 'ad'], ['-t', 'e'], FIELDS, ['-q']];

/** Both ways, every mode: stdout, stderr and exit code equal. */
function sameBothWays(file: string, modes = MODES): void {
  for (const m of modes) {
    const one = wl(['read', file, ...m, '--threads', '1']);
    const two = wl(['read', file, ...m, '--threads', '2']);
    expect(two.code, `${file} ${m.join(' ')}: exit code`).toBe(one.code);
    expect(two.err, `${file} ${m.join(' ')}: stderr`).toBe(one.err);
    expect(two.out === one.out, `${file} ${m.join(' ')}: stdout differs`).toBe(true);
  }
}

const REAL = [
  'pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap',
  'pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap',
  'pcapplusplus/Pcap++Test/PcapExamples/sll.pcap',
];

describe('read --threads 2 prints what one thread prints', () => {
  it('on the project fixtures (pcap and pcapng)', () => {
    for (const f of ['fixtures/loopback.pcap', 'fixtures/synthetic.pcapng', 'fixtures/tls.pcap']) sameBothWays(join(repoRoot, f), [[], FIELDS]);
  }, 300_000);

  if (!corpusPresent) itCorpusMissing();
  it.skipIf(!corpusPresent)(`on real captures with many hosts${corpusPresent ? '' : ` (${CORPUS_MISSING})`}`, () => {
    REAL.forEach((f, k) => {
      const file = corpusFile(f);
      // Both shards must have frames for the test to mean anything: more than one host pair.
      const pairs = new Set(wl(['read', file, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst']).out.split('\n'));
      expect(pairs.size, `${f}: host pairs`).toBeGreaterThan(4);
      // Every time format on the first, the summary line and the fields on the others.
      sameBothWays(file, k === 0 ? MODES : [[], FIELDS]);
    });
  }, 300_000);

  it.skipIf(!corpusPresent)(`on pcapng files with several interfaces and resolutions${corpusPresent ? '' : ` (${CORPUS_MISSING})`}`, () => {
    for (const n of ['basic/test010.pcapng', 'basic/test016.pcapng', 'advanced/test101.pcapng']) {
      sameBothWays(corpusFile(`pcapng-test-generator/output_le/${n}`), [FIELDS]);
    }
  }, 300_000);

  it.skipIf(!corpusPresent)(`on a capture cut in the middle of a record: the same frames, message and exit code${corpusPresent ? '' : ` (${CORPUS_MISSING})`}`, () => {
    const whole = readFileSync(corpusFile(REAL[0]!));
    const cut = join(scratch, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const one = wl(['read', cut, '--threads', '1']);
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/truncated/);
    sameBothWays(cut, [[], ['-q']]);
  }, 300_000);

  it('--threads takes a positive integer', () => {
    const r = wl(['read', join(repoRoot, 'fixtures/loopback.pcap'), '--threads', '0']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--threads takes a positive integer/);
  });
});
