/**
 * The deliberately broken captures of the shared corpus (malformed/, no oracle in expected/) and the
 * damaged file of INDEX.tsv: never a crash or a hang, only a clean end or a CaptureFileError, and the
 * same frames as tshark delivered before giving up (tshark's verdicts are recorded in
 * fixtures/malformed-tshark.json, with the command that produced them).
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaptureFileError } from '../../src/capture/capture-error.js';
import { formatEpoch } from '../../src/capture/timestamp.js';
import { parseBytes, repoRoot } from './helpers.js';
import { corpusFile, describeCorpusMissing } from '../corpus.js';

const malformedDir = corpusFile('malformed');
const exists = fs.existsSync(malformedDir);

interface TsharkVerdict {
  tsharkExit: number;
  tsharkMessage: string;
  frames: Array<[string | null, number, number]>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/malformed-tshark.json'), 'utf8')) as {
  files: Record<string, TsharkVerdict>;
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** tshark's words for the three ways it gives up, and ours. */
function tsharkKind(message: string): string | undefined {
  if (/cut short/.test(message)) return 'truncated';
  if (/damaged or corrupt/.test(message)) return 'corrupt';
  if (/doesn't support/.test(message)) return 'unsupported';
  return undefined;
}

/**
 * Where we knowingly differ from tshark, and why. Everything else must match exactly.
 */
const DIVERGENCES: Record<string, { frames: number; kind?: string; timesFrom?: number; reason: string }> = {
  'tcpdump/timestamp_invalid_micro.pcap': {
    frames: 3, timesFrom: 1,
    reason: 'microsecond fields >= 10^6: tshark computes usec * 1000 in 32 bits (2147483648 us -> 0 ns); we carry whole seconds into tsSec',
  },
  'tcpdump/timestamp_invalid_nano.pcap': {
    frames: 3, timesFrom: 1,
    reason: 'nanosecond fields >= 10^9: tshark prints them as they are; we carry whole seconds into tsSec',
  },
  'suricata-verify/bug-6875-01/fuzz.pcap': {
    frames: 1, kind: 'corrupt',
    reason: "tshark's pcap-variant heuristic reads this fuzzed file as a modified (24-byte record header) pcap; "
      + 'like libpcap we read the standard layout, where record 2 claims 4211277 bytes',
  },
};

const files = exists ? walk(malformedDir).sort() : [];

if (!exists) describeCorpusMissing('malformed captures (../shared/corpus/public/malformed)');
describe.skipIf(!exists)(exists ? 'malformed captures (../shared/corpus/public/malformed)' : 'SKIPPED: ../shared/corpus missing (no malformed captures)', () => {
  it('finds the malformed captures and has a tshark verdict for each', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) expect(fixture.files[path.relative(malformedDir, f)], f).toBeDefined();
  });

  it.each(files.map((f) => [path.relative(malformedDir, f), f]))('%s', (rel, file) => {
    const bytes = fs.readFileSync(file);
    const start = performance.now();
    for (const chunk of [bytes.length || 1, 4093, 61]) {
      const r = parseBytes(bytes, chunk); // anything but CaptureFileError propagates and fails the test
      if (r.error) expect(r.error).toBeInstanceOf(CaptureFileError);
      const verdict = fixture.files[rel]!;
      const diverges = DIVERGENCES[rel];
      // Same frames as tshark: count, len, cap_len and time (up to a documented divergence).
      expect(r.frames.length).toBe(diverges?.frames ?? verdict.frames.length);
      r.frames.forEach((f, i) => {
        const [time, len, capLen] = verdict.frames[i]!;
        expect([f.origLen, f.capLen]).toEqual([len, capLen]);
        if (time !== null && i < (diverges?.timesFrom ?? Infinity)) expect(formatEpoch(f.tsSec, f.tsNsec)).toBe(time);
        if (time === null) expect(f.hasTime).toBe(false);
      });
      if (verdict.tsharkExit === 0) expect(r.error?.message).toBeUndefined();
      else expect(r.error?.kind).toBe(diverges?.kind ?? tsharkKind(verdict.tsharkMessage));
    }
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
