/**
 * Golden test against the shared public corpus: every indexed capture must give tshark's frame count
 * and, per frame, tshark's frame.time_epoch, frame.len and frame.cap_len
 * (oracle: ../shared/corpus/expected/<path>.ndjson, made by tshark 4.0.17).
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBytes, oracleView, repoRoot } from './helpers.js';
import { readCapture } from '../../src/capture/reader.js';
import { CaptureFileError } from '../../src/capture/capture-error.js';
import { corpusRoot, describeCorpusMissing } from '../corpus.js';

const corpus = corpusRoot;
const index = path.join(corpus, 'expected/INDEX.tsv');
const exists = fs.existsSync(index);

interface IndexRow {
  path: string;
  format: string;
  frames: number;
  tsharkExit: number;
  tsharkMessage: string;
}

function loadIndex(): IndexRow[] {
  if (!exists) return [];
  const lines = fs.readFileSync(index, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  return lines.map((l) => {
    const [p, , format, frames, exit, message] = l.split('\t');
    return { path: p!, format: format!, frames: Number(frames), tsharkExit: Number(exit), tsharkMessage: message ?? '' };
  });
}

interface OracleFrame {
  time?: string;
  len: number;
  capLen: number;
}

/** Oracle frames, without the pcapng custom blocks that tshark 4.0 counts as frames. */
function loadOracle(rel: string): OracleFrame[] {
  const text = fs.readFileSync(path.join(corpus, 'expected', `${rel}.ndjson`), 'utf8');
  const out: OracleFrame[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    if (o['_ws.col.Protocol'] === 'PCAPNG') continue;
    const f: OracleFrame = { len: o['frame.len'] as number, capLen: o['frame.cap_len'] as number };
    if (typeof o['frame.time_epoch'] === 'string') f.time = o['frame.time_epoch'];
    out.push(f);
  }
  return out;
}

const rows = loadIndex();

if (!exists) describeCorpusMissing('tshark corpus (../shared/corpus)');
describe.skipIf(!exists)(exists ? 'tshark corpus (../shared/corpus)' : 'SKIPPED: ../shared/corpus missing (no tshark oracle to compare with)', () => {
  it('has an index with captures', () => {
    expect(rows.length).toBeGreaterThan(100);
  });

  it.each(rows.map((r) => [r.path, r] as const))('%s', (_name, row) => {
    const bytes = fs.readFileSync(path.join(corpus, 'public', row.path));
    const expected = loadOracle(row.path);
    // An odd chunk size, so records straddle chunk boundaries all the time.
    const { frames, error } = parseBytes(bytes, 4093);
    if (row.tsharkExit === 0) {
      expect(error?.message).toBeUndefined();
    } else {
      expect(error).toBeInstanceOf(CaptureFileError);
      expect(error!.framesRead).toBe(expected.length);
    }
    expect(frames.length).toBe(expected.length);
    expect(frames.map(oracleView)).toEqual(expected);
    expect(frames.map((f) => f.number)).toEqual(frames.map((_, i) => i + 1));
  });

  it('readCapture gives the same frames as the parser on a few files, including the damaged one', async () => {
    const pick = rows.filter((r) => r.tsharkExit !== 0 || /pcapng-multi-interface|time_2107|get-to-ssh/.test(r.path));
    expect(pick.length).toBeGreaterThan(1);
    for (const row of pick) {
      const expected = loadOracle(row.path);
      const seen: OracleFrame[] = [];
      const p = readCapture(path.join(corpus, 'public', row.path), { onFrame: (f) => seen.push(oracleView(f)) });
      if (row.tsharkExit === 0) {
        const summary = await p;
        expect(summary.frames).toBe(expected.length);
      } else {
        await expect(p).rejects.toMatchObject({ name: 'CaptureFileError', kind: 'truncated', framesRead: expected.length });
      }
      expect(seen).toEqual(expected);
    }
  });
});
