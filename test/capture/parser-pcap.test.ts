import { describe, expect, it } from 'vitest';
import { CaptureParser, type FileFormat } from '../../src/capture/capture-parser.js';
import { CaptureFileError } from '../../src/capture/capture-error.js';
import type { Frame } from '../../src/capture/frame.js';
import { concat, pcapHeader, pcapRecord } from './bytes-builder.js';
import { parseBytes, parseSplit } from './helpers.js';

const payload = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('pcap: the four magic numbers', () => {
  it.each([
    [true, false, 'pcap', 'little-endian', 123_456_000],
    [false, false, 'pcap', 'big-endian', 123_456_000],
    [true, true, 'pcap-ns', 'little-endian', 123_456],
    [false, true, 'pcap-ns', 'big-endian', 123_456],
  ] as const)('le=%s nanos=%s -> %s %s', (le, nanos, name, order, nsec) => {
    const bytes = concat(pcapHeader(le, nanos, 1), pcapRecord(le, 1_600_000_000, 123_456, payload(60), 70));
    let format: FileFormat | undefined;
    const r = parseBytes(bytes, bytes.length, { onFormat: (f) => (format = f) });
    expect(r.error).toBeUndefined();
    expect(format).toEqual({ name, byteOrder: order, version: '2.4' });
    expect(r.interfaces).toEqual([{ id: 0, linkType: 1, snapLen: 65535, tsResol: nanos ? 9 : 6, fcsLen: 0 }]);
    expect(r.frames).toEqual([{
      number: 1, tsSec: 1_600_000_000, tsNsec: nsec, hasTime: true, capLen: 60, origLen: 70, linkType: 1,
      interfaceId: 0, direction: 0, data: payload(60),
    }]);
  });
});

describe('pcap header', () => {
  it('a header alone is a valid empty capture; zero bytes is "file is empty"', () => {
    expect(parseBytes(pcapHeader(true, false, 1))).toEqual({ frames: [], interfaces: [expect.objectContaining({ linkType: 1 })] });
    const e = parseBytes(new Uint8Array(0)).error!;
    expect(e).toBeInstanceOf(CaptureFileError);
    expect(e).toMatchObject({ kind: 'empty', message: 'file is empty', framesRead: 0 });
  });

  it('rejects other magic numbers, with a hint for gzip', () => {
    expect(parseBytes(new TextEncoder().encode('\x7fELF and more')).error).toMatchObject({
      kind: 'not-a-capture', message: 'not a pcap or pcapng file (magic 0x7f454c46)' });
    expect(parseBytes(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0)).error?.message).toBe(
      'not a pcap or pcapng file (magic 0x1f8b0800; it looks gzip-compressed)');
  });

  it('fewer than 4 bytes: a cut magic is truncation, anything else is not a capture', () => {
    expect(parseBytes(Uint8Array.of(0xd4, 0xc3)).error).toMatchObject({ kind: 'truncated', message: 'file truncated inside the file header (2 of 4 magic bytes) (read 0 frames)' });
    expect(parseBytes(Uint8Array.of(0x41, 0x42, 0x43)).error).toMatchObject({ kind: 'not-a-capture', message: 'not a pcap or pcapng file (magic 0x414243, only 3 bytes)' });
    expect(parseBytes(pcapHeader(true, false, 1).subarray(0, 10)).error?.message).toBe(
      'file truncated inside the file header (10 of 24 bytes) (read 0 frames)');
  });

  it('reads the FCS length from the link-type field (bit 26 set, bits 28-31 = 16-bit words)', () => {
    const r = parseBytes(pcapHeader(true, false, 0x24000001));
    expect(r.interfaces[0]).toMatchObject({ linkType: 1, fcsLen: 4 });
    expect(parseBytes(pcapHeader(true, false, 0x20000001)).interfaces[0]).toMatchObject({ linkType: 1, fcsLen: 0 });
  });

  it('refuses what tshark refuses: major version < 2, reserved link-type bits', () => {
    expect(parseBytes(pcapHeader(true, false, 1, 65535, [1, 4])).error).toMatchObject({ kind: 'unsupported', message: 'unsupported pcap version 1.4' });
    expect(parseBytes(pcapHeader(true, false, 0x00300001)).error).toMatchObject({
      kind: 'unsupported', message: 'pcap link-type field has reserved bits set (0x00300001)' });
    // Minor versions are not checked (tshark reads 2.5).
    expect(parseBytes(pcapHeader(true, false, 1, 65535, [2, 5])).error).toBeUndefined();
  });
});

describe('pcap records', () => {
  it('seconds are unsigned 32-bit: 2038 and 2106 work', () => {
    const bytes = concat(pcapHeader(false, true, 1),
      pcapRecord(false, 0x7fffffff, 999_999_999, payload(1)),
      pcapRecord(false, 0x80000000, 0, payload(1)),
      pcapRecord(false, 0xffffffff, 1, payload(1)));
    expect(parseBytes(bytes).frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([[2147483647, 999999999], [2147483648, 0], [4294967295, 1]]);
  });

  it('an out-of-range fraction carries into the seconds so tsNsec stays below 10^9', () => {
    const us = parseBytes(concat(pcapHeader(true, false, 1), pcapRecord(true, 10, 1_000_000, payload(1)), pcapRecord(true, 10, 4_294_967_295, payload(1))));
    expect(us.frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([[11, 0], [10 + 4294, 967_295_000]]);
    const ns = parseBytes(concat(pcapHeader(true, true, 1), pcapRecord(true, 10, 4_294_967_295, payload(1))));
    expect(ns.frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([[14, 294_967_295]]);
  });

  it('a record claiming more than max(262144, snaplen) is corrupt; frames before it are delivered', () => {
    const bytes = concat(pcapHeader(true, false, 1), pcapRecord(true, 1, 0, payload(20)), pcapRecord(true, 2, 0, payload(4), 4, 4_000_000_000));
    const r = parseBytes(bytes, 7);
    expect(r.frames).toHaveLength(1);
    expect(r.error).toMatchObject({
      kind: 'corrupt', framesRead: 1, offset: 60,
      message: 'packet record 2 at offset 60 claims 4000000000 bytes (larger than snaplen/limit 262144) (read 1 frame)',
    });
  });

  it('accepts records longer than the snaplen up to the limit, and a larger snaplen raises the limit', () => {
    const big = payload(300_000);
    expect(parseBytes(concat(pcapHeader(true, false, 1, 65535), pcapRecord(true, 1, 0, payload(70_000)))).frames[0]!.capLen).toBe(70_000);
    expect(parseBytes(concat(pcapHeader(true, false, 1, 65535), pcapRecord(true, 1, 0, big))).error?.kind).toBe('corrupt');
    expect(parseBytes(concat(pcapHeader(true, false, 1, 1 << 20), pcapRecord(true, 1, 0, big))).frames[0]!.capLen).toBe(300_000);
  });

  it('reports where a file is cut', () => {
    const whole = concat(pcapHeader(true, false, 1), pcapRecord(true, 1, 0, payload(20)), pcapRecord(true, 2, 0, payload(100)));
    expect(parseBytes(whole.subarray(0, 70)).error).toMatchObject({
      kind: 'truncated', framesRead: 1, offset: 60,
      message: 'file truncated inside the header of record 2 at offset 60 (10 of 16 bytes) (read 1 frame)',
    });
    expect(parseBytes(whole.subarray(0, 100)).error?.message).toBe('file truncated inside record 2 at offset 60 (40 of 116 bytes) (read 1 frame)');
  });
});

describe('parser contract', () => {
  const file = concat(pcapHeader(true, false, 1), pcapRecord(true, 1, 0, payload(50, 1)), pcapRecord(true, 2, 0, payload(50, 2)), pcapRecord(true, 3, 0, payload(50, 3)));

  it('zero copy: a record inside a chunk is a view of that chunk; a plain Uint8Array, not a Buffer', () => {
    const chunk = Buffer.from(file);
    const seen: Frame[] = [];
    const p = new CaptureParser({ onFrame: (f) => seen.push(f) });
    p.feed(chunk);
    p.end();
    expect(seen).toHaveLength(3);
    for (const f of seen) {
      expect(f.data.buffer).toBe(chunk.buffer);
      expect(Buffer.isBuffer(f.data)).toBe(false);
    }
  });

  it('a frame assembled from two chunks stays intact until the next frame, even when the next record is carried too', () => {
    // Cuts inside record 1 and inside record 2: both come from the carry buffer.
    const cuts = [24 + 30, 24 + 66 + 30];
    const p = new CaptureParser({ onFrame: (f) => seen.push(f) });
    const seen: Frame[] = [];
    p.feed(file.subarray(0, cuts[0]));
    p.feed(file.subarray(cuts[0], cuts[1]));
    expect(seen).toHaveLength(1);
    expect(Array.from(seen[0]!.data)).toEqual(Array.from(payload(50, 1)));
    p.feed(file.subarray(cuts[1]));
    p.end();
    expect(seen.map((f) => f.tsSec)).toEqual([1, 2, 3]);
    expect(parseSplit(file, cuts).frames.map((f) => Array.from(f.data))).toEqual([1, 2, 3].map((s) => Array.from(payload(50, s))));
  });

  it('errors are sticky; feed after end is a usage error; end twice is fine', () => {
    const p = new CaptureParser({ onFrame: () => undefined });
    expect(() => p.feed(Uint8Array.of(1, 2, 3, 4))).toThrow(CaptureFileError);
    expect(() => p.feed(file)).toThrow('not a pcap or pcapng file');
    expect(() => p.end()).toThrow('not a pcap or pcapng file');
    const q = new CaptureParser({ onFrame: () => undefined });
    q.feed(file);
    q.end();
    q.end();
    expect(() => q.feed(file)).toThrow('after end()');
    expect(q.framesRead).toBe(3);
    expect(q.offset).toBe(file.length);
  });

  it('an exception thrown by a handler propagates unchanged and stops the parser', () => {
    const boom = new Error('consumer failed');
    const p = new CaptureParser({ onFrame: () => { throw boom; } });
    expect(() => p.feed(file)).toThrow(boom);
    expect(() => p.feed(file)).toThrow(boom);
  });
});
