/**
 * TCP stream reassembly around capture gaps (issue 14): a PDU whose length the parser said, and that
 * a gap falls inside, is kept with its hole, as tshark's multi-segment PDU; later segments inside it
 * (in order after the gap, out of order, retransmitted) fill it, and it is handed on in the frame that
 * completes it, while parsing goes on after its end in the frames that carry those bytes. Memory stays
 * within the named limits on a hostile stream of many holes. The same behaviour on real captures is
 * compared with live tshark in test/conformance/http-live.test.ts (tls-subjectaltname's responses).
 */
import { describe, expect, it } from 'vitest';
import { feedSegment, fillHole, lengthPrefixed16, newBudget, releaseDirection, REASSEMBLY_LIMITS, StreamDirection, type PduSink } from '../../src/dissectors/tcp/reassembly.js';

class Recorder implements PduSink {
  pdus: string[] = [];
  partials = 0;
  frame = 0;
  pdu(data: Uint8Array, off: number, end: number, reassembled: boolean, firstFrame: number, parts: readonly number[]): void {
    this.pdus.push(`${Buffer.from(data.subarray(off, end)).toString('hex')} in ${this.frame}${reassembled ? ` from ${firstFrame} (${parts.join(',')})` : ''}`);
  }
  partial(): void {
    this.partials++;
  }
  gap(): void {}
  error(): void {}
}

/** A DNS-over-TCP style PDU: two-byte length, then `n` bytes of `fill`. */
function pdu(n: number, fill: number): Uint8Array {
  const b = new Uint8Array(2 + n).fill(fill);
  b[0] = n >> 8;
  b[1] = n & 0xff;
  return b;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const opts = { outOfOrder: false };
const ISN = 5000;

/** Feeds `bytes[from, to)` of the stream as frame `frame` (in order or not: reassembly decides). */
function seg(dir: StreamDirection, budget: ReturnType<typeof newBudget>, r: Recorder, bytes: Uint8Array, from: number, to: number, frame: number): void {
  r.frame = frame;
  feedSegment(dir, budget, lengthPrefixed16, opts, ISN + from, bytes, from, to, frame, r);
}

/** What TCP does with a retransmitted or out-of-order segment: it only fills a hole. */
function resent(dir: StreamDirection, budget: ReturnType<typeof newBudget>, r: Recorder, bytes: Uint8Array, from: number, to: number, frame: number): boolean {
  r.frame = frame;
  return fillHole(dir, budget, ISN + from, bytes, from, to, frame, r);
}

describe('a PDU with a hole after a capture gap', () => {
  const a = pdu(400, 0xaa);
  const b = pdu(10, 0xbb);
  const stream = Uint8Array.from([...a, ...b]);

  it('is completed by the out-of-order segment that fills the hole, in that frame, and parsing went on after it', () => {
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(ISN);
    seg(dir, budget, r, stream, 0, 100, 1);
    // 100..200 is missing; 200..300 comes beyond the gap, inside the PDU.
    seg(dir, budget, r, stream, 200, 300, 3);
    expect(dir.hole).not.toBeNull();
    // The rest of the PDU and the next PDU, in order after the gap: b is dissected in its own frame.
    seg(dir, budget, r, stream, 300, stream.length, 4);
    expect(r.pdus).toEqual([`${hex(b)} in 4`]);
    // The missing segment arrives late (a retransmission or out of order: TCP hands it to fillHole).
    expect(resent(dir, budget, r, stream, 100, 200, 5)).toBe(true);
    expect(r.pdus[1]).toBe(`${hex(a)} in 5 from 1 (1,3,4,5)`);
    expect(dir.hole).toBeNull();
    releaseDirection(dir, budget);
    expect(budget.used).toBe(0);
  });

  it('fills several holes in any order; the PDU comes once, when the last byte is in', () => {
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(ISN);
    seg(dir, budget, r, stream, 0, 50, 1);
    seg(dir, budget, r, stream, 150, 200, 2);
    seg(dir, budget, r, stream, 300, 402, 3);
    expect(r.pdus).toEqual([]);
    resent(dir, budget, r, stream, 250, 300, 4);
    resent(dir, budget, r, stream, 50, 150, 5);
    expect(r.pdus).toEqual([]);
    // A duplicate of bytes it has changes nothing.
    resent(dir, budget, r, stream, 160, 190, 6);
    expect(r.pdus).toEqual([]);
    resent(dir, budget, r, stream, 200, 250, 7);
    expect(r.pdus).toEqual([`${hex(a)} in 7 from 1 (1,2,3,4,5,6,7)`]);
    releaseDirection(dir, budget);
    expect(budget.used).toBe(0);
  });

  it("adds nothing from a segment that starts before the PDU or again at its first byte (tshark's desegment_tcp)", () => {
    const two = Uint8Array.from([...b, ...a]);
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(ISN);
    // b whole, then the start of a in the same segment; a gap inside a.
    seg(dir, budget, r, two, 0, 100, 1);
    seg(dir, budget, r, two, 200, 300, 2);
    expect(r.pdus).toEqual([`${hex(b)} in 1`]);
    // The first segment again (from before a's first byte), and a's first bytes again.
    expect(resent(dir, budget, r, two, 0, 150, 3)).toBe(false);
    expect(resent(dir, budget, r, two, b.length, 150, 4)).toBe(false);
    expect(resent(dir, budget, r, two, 100, 200, 5)).toBe(true);
    seg(dir, budget, r, two, 300, two.length, 6);
    expect(r.pdus).toEqual([`${hex(b)} in 1`, `${hex(a)} in 6 from 1 (1,2,5,6)`]);
  });

  it('is not handed on when the parser does not take the filled bytes as one PDU', () => {
    // A parser that first says "2 bytes more" and then, with them, wants more again (an HTTP chunk).
    let calls = 0;
    const greedy = {
      parse(d: Uint8Array, off: number, end: number, out: { status: number; consumed: number; needed: number; message: string }): void {
        calls++;
        out.status = 1;
        out.consumed = 0;
        out.needed = end - off < 20 ? 20 - (end - off) : 10;
        out.message = '';
      },
    };
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    const bytes = new Uint8Array(40);
    dir.sync(ISN);
    feedSegment(dir, budget, greedy, opts, ISN, bytes, 0, 5, 1, r);
    feedSegment(dir, budget, greedy, opts, ISN + 10, bytes, 10, 20, 2, r);
    expect(dir.hole?.buf.length).toBe(20);
    fillHole(dir, budget, ISN + 5, bytes, 5, 10, 3, r);
    expect(calls).toBeGreaterThan(1);
    expect(r.pdus).toEqual([]);
    expect(dir.hole).toBeNull();
    releaseDirection(dir, budget);
    expect(budget.used).toBe(0);
  });

  it(`stays within maxHoleyPduRanges (${REASSEMBLY_LIMITS.maxHoleyPduRanges}) on a hostile stream of many holes, and budget.used comes back to 0`, () => {
    const big = pdu(60_000, 0x11);
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(ISN);
    seg(dir, budget, r, big, 0, 10, 1);
    seg(dir, budget, r, big, 20, 21, 2);
    let maxRanges = 0;
    let maxUsed = 0;
    // 5,000 one-byte segments, each leaving a hole before it.
    for (let i = 0; i < 5000; i++) {
      const at = 30 + 10 * i;
      if (i % 2) resent(dir, budget, r, big, at, at + 1, 3 + i);
      else seg(dir, budget, r, big, at, at + 1, 3 + i);
      maxRanges = Math.max(maxRanges, dir.hole ? dir.hole.have.length / 2 : 0);
      maxUsed = Math.max(maxUsed, budget.used);
    }
    expect(maxRanges).toBeLessThanOrEqual(REASSEMBLY_LIMITS.maxHoleyPduRanges);
    // The big PDU was given up (what parsing found after it may be kept, small).
    expect(dir.overflows).toBeGreaterThan(0);
    expect(dir.hole?.buf.length ?? 0).toBeLessThan(100);
    expect(maxUsed).toBeLessThanOrEqual(big.length + 100);
    expect(r.pdus).toEqual([]);
    releaseDirection(dir, budget);
    expect(budget.used).toBe(0);
  });

  it('keeps no PDU larger than maxHoleyPduBytes, and none past maxTotalBytes', () => {
    const limits = { ...REASSEMBLY_LIMITS, maxHoleyPduBytes: 1000 };
    const dir = new StreamDirection();
    const budget = newBudget(limits);
    const r = new Recorder();
    const big = pdu(5000, 0x22);
    dir.sync(ISN);
    seg(dir, budget, r, big, 0, 100, 1);
    seg(dir, budget, r, big, 200, 300, 2);
    expect(dir.hole).toBeNull();
    const tight = newBudget({ ...REASSEMBLY_LIMITS, maxTotalBytes: 3000 });
    const d2 = new StreamDirection();
    d2.sync(ISN);
    seg(d2, tight, r, big, 0, 100, 1);
    seg(d2, tight, r, big, 200, 300, 2);
    expect(d2.hole).toBeNull();
    expect(tight.used).toBeLessThanOrEqual(3000);
  });
});
