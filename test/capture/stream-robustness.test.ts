/**
 * The parser as a stream parser: the same bytes split anywhere give the same result; a cut file gives
 * every complete frame then a truncation error; mutated files give only CaptureFileError, quickly.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CaptureParser, type CaptureHandlers } from '../../src/capture/capture-parser.js';
import { CaptureFileError } from '../../src/capture/capture-error.js';
import { encodeCapture, type WriteFormat } from '../../src/capture/writer.js';
import type { Frame, InterfaceInfo } from '../../src/capture/frame.js';
import { Bytes, block, concat, epb, idb, options, pb, pcapHeader, pcapRecord, shb, spb } from './bytes-builder.js';
import { makeFrames, parseBytes, parseSplit, rng, testInterfaces } from './helpers.js';

const SEED = 424242;

interface Piece {
  bytes: Uint8Array;
  packet: boolean;
}

/** A pcapng file with every kind of block, two sections of different byte orders. */
function richPcapng(): Piece[] {
  const d = (n: number, s: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 3 + s) & 0xff);
  const p: Piece[] = [];
  const add = (bytes: Uint8Array, packet = false): void => void p.push({ bytes, packet });
  add(shb(false, [[4, 'appl'], [1, 'c']]));
  add(idb(false, 1, 64, [[2, 'eth0'], [9, Uint8Array.of(9)]]));
  add(idb(false, 113, 0, [[9, Uint8Array.of(0x8a)], [14, new Bytes(false).u64(5n).build()]]));
  add(epb(false, 0, 1_700_000_000_123_456_789n, d(60, 1), 60, [[1, 'a comment'], [2, new Bytes(false).u32(1).build()]]), true);
  add(epb(false, 1, 123_456_789n, d(33, 2), 40), true);
  add(spb(false, 100, d(64, 3)), true);
  add(pb(false, 1, 3, 99n, d(7, 4)), true);
  add(block(false, 4, new Bytes(false).u16(1).u16(9).bytes([10, 0, 0, 1]).str('host\0').pad4().u16(0).u16(0).build()));
  add(block(false, 5, new Bytes(false).u32(0).ts64(5n).bytes(options(false, [[4, new Bytes(false).u64(3n).build()]])).build()));
  add(block(false, 10, new Bytes(false).u32(0x544c534b).u32(3).bytes([1, 2, 3]).pad4().build()));
  add(block(false, 0xbad, new Bytes(false).u32(1).bytes([9, 9]).build()));
  add(shb(true));
  add(idb(true, 101, 0));
  add(epb(true, 0, 42n, d(200, 5)), true);
  add(block(true, 0x77, d(20, 6)));
  add(epb(true, 0, 43n, d(0, 7)), true);
  return p;
}

function richPcap(le: boolean, nanos: boolean): Piece[] {
  const p: Piece[] = [{ bytes: pcapHeader(le, nanos, 1, 128), packet: false }];
  for (let i = 0; i < 12; i++) {
    const data = Uint8Array.from({ length: (i * 37) % 150 }, (_, j) => (i + j) & 0xff);
    p.push({ bytes: pcapRecord(le, 1_000 + i, i * 999, data, data.length + i), packet: true });
  }
  return p;
}

/** Everything the parser reports, as one comparable list. */
function events(bytes: Uint8Array, feed: (p: CaptureParser) => void): { log: unknown[]; error?: CaptureFileError } {
  const log: unknown[] = [];
  const h: CaptureHandlers = {
    onFrame: (f) => log.push(['frame', { ...f, data: Array.from(f.data) }]),
    onFormat: (f) => log.push(['format', f]),
    onSection: (s) => log.push(['section', s]),
    onInterface: (i) => log.push(['interface', i]),
    onInterfaceStats: (s) => log.push(['stats', s]),
    onNames: (n) => log.push(['names', n]),
    onDecryptionSecrets: (s) => log.push(['secrets', s.type, Array.from(s.data)]),
    onCustomBlock: (c) => log.push(['custom', { ...c, data: Array.from(c.data) }]),
  };
  const parser = new CaptureParser(h);
  try {
    feed(parser);
    parser.end();
  } catch (e) {
    if (e instanceof CaptureFileError) return { log, error: e };
    throw e;
  }
  void bytes;
  return { log };
}

const files: Array<[string, Piece[]]> = [
  ['pcapng, two sections, every block kind', richPcapng()],
  ['pcap little-endian µs', richPcap(true, false)],
  ['pcap big-endian ns', richPcap(false, true)],
];

describe('chunking', () => {
  it.each(files)('%s: every chunk size from 1 to the file length gives the same events', (_name, pieces) => {
    const file = concat(...pieces.map((p) => p.bytes));
    const whole = events(file, (p) => p.feed(file));
    expect(whole.error).toBeUndefined();
    expect(whole.log.filter((e) => (e as unknown[])[0] === 'frame')).toHaveLength(pieces.filter((p) => p.packet).length);
    for (let size = 1; size <= file.length; size++) {
      const split = events(file, (p) => {
        for (let i = 0; i < file.length; i += size) p.feed(file.subarray(i, i + size));
      });
      expect(split).toEqual(whole);
    }
  });

  it('random frames, random format, random cut points: same frames as one chunk (fast-check)', () => {
    const formats: WriteFormat[] = ['pcap', 'pcap-ns', 'pcapng'];
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 40 }), fc.integer(), fc.constantFrom(...formats), fc.array(fc.nat(), { maxLength: 30 }),
      (n, seed, format, rawCuts) => {
        const ifaces: InterfaceInfo[] = format === 'pcapng' ? testInterfaces : [testInterfaces[0]!];
        const file = encodeCapture(format, { interfaces: ifaces }, makeFrames(n, seed, ifaces));
        const cuts = [...new Set(rawCuts.map((c) => c % (file.length + 1)))].sort((a, b) => a - b);
        const whole = parseBytes(file);
        expect(whole.error).toBeUndefined();
        expect(whole.frames).toHaveLength(n);
        expect(parseSplit(file, cuts)).toEqual(whole);
      }), { seed: SEED, numRuns: 300 });
  });
});

describe('truncation at every offset', () => {
  it.each(files)('%s: every complete frame, then a truncation error (or a clean end at a boundary)', (_name, pieces) => {
    const file = concat(...pieces.map((p) => p.bytes));
    const whole = parseBytes(file).frames;
    const ends: number[] = [];
    let o = 0;
    for (const p of pieces) {
      o += p.bytes.length;
      if (p.packet) ends.push(o);
    }
    const boundaries = new Set(pieces.map((_, i) => pieces.slice(0, i + 1).reduce((n, p) => n + p.bytes.length, 0)));
    const r = rng(SEED);
    for (let cut = 0; cut <= file.length; cut++) {
      const part = file.subarray(0, cut);
      const chunk = 1 + Math.floor(r() * 64);
      const res = parseBytes(part, chunk);
      const complete = ends.filter((e) => e <= cut).length;
      expect(res.frames).toEqual(whole.slice(0, complete));
      if (cut === 0) expect(res.error?.kind).toBe('empty');
      else if (boundaries.has(cut)) expect(res.error).toBeUndefined();
      else expect(res.error).toMatchObject({ kind: 'truncated', framesRead: complete });
    }
  });
});

describe('fuzzing (seeded, bounded)', () => {
  /** Offsets worth hitting: magic, header fields, every block's type/length/fixed fields, the last bytes. */
  function hotOffsets(pieces: Piece[]): number[] {
    const out: number[] = [];
    let o = 0;
    for (const p of pieces) {
      for (let i = 0; i < Math.min(32, p.bytes.length); i++) out.push(o + i);
      out.push(o + p.bytes.length - 4);
      o += p.bytes.length;
    }
    return out;
  }

  it.each(files)('%s: mutated headers and lengths never throw anything but CaptureFileError', (_name, pieces) => {
    const file = concat(...pieces.map((p) => p.bytes));
    const hot = hotOffsets(pieces);
    const r = rng(SEED ^ file.length);
    const interesting = [0, 1, 3, 4, 7, 8, 11, 12, 0x7f, 0x80, 0xff];
    const start = performance.now();
    let errors = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const m = file.slice();
      const edits = 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits; e++) {
        const at = r() < 0.8 ? hot[Math.floor(r() * hot.length)]! : Math.floor(r() * m.length);
        if (at >= m.length) continue;
        const kind = r();
        if (kind < 0.4) m[at] = interesting[Math.floor(r() * interesting.length)]!;
        else if (kind < 0.7) m[at] = Math.floor(r() * 256);
        else {
          // A whole 32-bit field set to an extreme value.
          const v = [0, 0xffffffff, 0x7fffffff, 0x80000000, 12, 13, 28, 0x10000000][Math.floor(r() * 8)]!;
          for (let k = 0; k < 4 && at + k < m.length; k++) m[at + k] = (v >>> (8 * k)) & 0xff;
        }
      }
      const cutAt = r() < 0.3 ? Math.floor(r() * m.length) : m.length;
      const res = parseBytes(m.subarray(0, cutAt), 1 + Math.floor(r() * 200));
      if (res.error) errors++;
      for (const f of res.frames) {
        expect(f.data.length).toBe(f.capLen);
        expect(f.tsNsec).toBeGreaterThanOrEqual(0);
        expect(f.tsNsec).toBeLessThan(1e9);
      }
    }
    expect(errors).toBeGreaterThan(0);
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  it('huge claimed lengths in a cut file allocate only what arrives (the carry grows with the data)', () => {
    // A pcap with snaplen 256 MiB and a record claiming 200 MB, cut after 1 KiB of it.
    const head = pcapHeader(true, false, 1, 256 * 1024 * 1024);
    const rec = new Bytes(true).u32(1).u32(0).u32(200_000_000).u32(200_000_000).bytes(new Uint8Array(1024)).build();
    const before = process.memoryUsage().arrayBuffers;
    const res = parseBytes(concat(head, rec), 100);
    expect(res.error).toMatchObject({ kind: 'truncated', message: 'file truncated inside record 1 at offset 24 (1040 of 200000016 bytes) (read 0 frames)' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('frames are delivered as views', () => {
  it('the same Frame values whatever the chunking, and data.slice() is a real copy', () => {
    const file = concat(...richPcap(true, true).map((p) => p.bytes));
    const kept: Frame[] = [];
    const p = new CaptureParser({ onFrame: (f) => kept.push({ ...f, data: f.data.slice() }) });
    p.feed(Buffer.from(file));
    p.end();
    const again = parseBytes(file, 5).frames;
    expect(kept).toEqual(again);
  });
});
