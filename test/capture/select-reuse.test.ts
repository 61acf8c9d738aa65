/**
 * The parser's two hooks for statistics reads: `select` (a shard of a parallel read chooses its
 * frames from their raw bytes; the others still count, so frame numbers stay the file's) and
 * `reuseFrames` (one Frame object for every pcap frame). Both must give exactly the frames a
 * plain read gives, at every chunk size, and stop a damaged file at the same frame.
 */
import { describe, expect, it } from 'vitest';
import { encodeCapture } from '../../src/capture/writer.js';
import type { Frame } from '../../src/capture/frame.js';
import { CaptureParser } from '../../src/capture/capture-parser.js';
import { makeFrames, parseBytes, testInterfaces } from './helpers.js';

const pcapng = encodeCapture('pcapng', { interfaces: testInterfaces }, makeFrames(300, 5));
const pcap = encodeCapture('pcap', { interfaces: [testInterfaces[0]!] }, makeFrames(300, 6, [testInterfaces[0]!]));

/** Frames whose first data byte is even: a deterministic choice from the raw bytes. */
const even = (d: Uint8Array, off: number, len: number) => len === 0 || d[off]! % 2 === 0;

describe('select', () => {
  for (const [name, bytes] of [['pcap', pcap], ['pcapng', pcapng]] as const) {
    it(`${name}: delivers the chosen frames with their own numbers, at every chunk size`, () => {
      const all = parseBytes(bytes).frames;
      expect(all).toHaveLength(300);
      const want = all.filter((f) => f.data.length === 0 || f.data[0]! % 2 === 0);
      expect(want.length).toBeGreaterThan(50);
      expect(want.length).toBeLessThan(all.length - 50);
      for (const chunk of [bytes.length, 4096, 333, 17]) {
        const r = parseBytes(bytes, chunk, { select: even });
        expect(r.error).toBeUndefined();
        expect(r.frames.map((f) => f.number)).toEqual(want.map((f) => f.number));
        expect(r.frames).toEqual(want);
      }
    });

    it(`${name}: a file cut short stops after the same number of frames, chosen or not`, () => {
      const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
      const plain = parseBytes(cut);
      const chosen = parseBytes(cut, 1000, { select: even });
      expect(plain.error?.kind).toBe('truncated');
      expect(chosen.error?.message).toBe(plain.error?.message);
      expect(chosen.error?.framesRead).toBe(plain.error?.framesRead);
    });
  }
});

describe('reuseFrames', () => {
  it('pcap: one object for every frame, holding each frame\'s values while it is delivered', () => {
    for (const chunk of [pcap.length, 500, 61]) {
      const objects = new Set<Frame>();
      const copies: Frame[] = [];
      const parser = new CaptureParser({
        reuseFrames: true,
        onFrame(f) {
          objects.add(f);
          copies.push({ ...f, data: new Uint8Array(f.data) });
        },
      });
      for (let i = 0; i < pcap.length; i += chunk) parser.feed(pcap.subarray(i, Math.min(pcap.length, i + chunk)));
      parser.end();
      expect(objects.size).toBe(1);
      expect(copies).toEqual(parseBytes(pcap).frames);
    }
  });
});
