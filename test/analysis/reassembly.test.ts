/**
 * TCP stream reassembly: the same bytes split at every offset give the same PDUs; retransmitted
 * and overlapping bytes are delivered once; gaps are reported and parsing resumes; out-of-order
 * segments are held (when asked) and released in order; every buffer stays within its named limit.
 */
import { describe, expect, it } from 'vitest';
import { feedSegment, lengthPrefixed16, newBudget, ParseStatus, REASSEMBLY_LIMITS, releaseDirection, StreamDirection, type PduSink, type StreamParser } from '../../src/dissectors/tcp/reassembly.js';
import { buildDnsMessage } from '../../src/dissectors/dns/build.js';

/** Records what reassembly reports, PDUs as hex with the frame that completed them. */
class Recorder implements PduSink {
  events: string[] = [];
  frame = 0;
  pdu(data: Uint8Array, off: number, end: number, reassembled: boolean, firstFrame: number, parts: readonly number[]): void {
    this.events.push(`pdu ${Buffer.from(data.subarray(off, end)).toString('hex')} in ${this.frame}${reassembled ? ` from ${firstFrame} (${parts.join(',')})` : ''}`);
  }
  partial(): void {}
  gap(missing: number): void {
    this.events.push(`gap ${missing}`);
  }
  error(message: string): void {
    this.events.push(`error ${message}`);
  }
  pdus(): string[] {
    return this.events.filter((e) => e.startsWith('pdu')).map((e) => e.split(' ')[1]!);
  }
}

const opts = { outOfOrder: false };

/** Three DNS-over-TCP messages back to back. */
const stream = Uint8Array.from([
  ...buildDnsMessage({ id: 1, questions: [{ name: 'a.example.com' }], tcp: true }),
  ...buildDnsMessage({ id: 2, response: true, questions: [{ name: 'b.example.com' }], answers: [{ name: 'b.example.com', type: 'A', data: '192.0.2.1' }], tcp: true }),
  ...buildDnsMessage({ id: 3, questions: [{ name: 'c.example.com', type: 'AAAA' }], edns: {}, tcp: true }),
]);

function feedSplits(bytes: Uint8Array, cuts: number[], isn = 1000): Recorder {
  const dir = new StreamDirection();
  const budget = newBudget();
  const r = new Recorder();
  dir.sync(isn);
  const points = [0, ...cuts, bytes.length];
  for (let i = 0; i + 1 < points.length; i++) {
    r.frame = i + 1;
    const seg = bytes.slice(points[i], points[i + 1]);
    feedSegment(dir, budget, lengthPrefixed16, opts, (isn + points[i]!) >>> 0, seg, 0, seg.length, i + 1, r);
  }
  releaseDirection(dir, budget);
  expect(budget.used).toBe(0);
  return r;
}

describe('stream parser over reassembled bytes', () => {
  const whole = feedSplits(stream, []).pdus();

  it('finds every message of one segment', () => {
    expect(whole).toHaveLength(3);
    expect(whole.join('')).toBe(Buffer.from(stream).toString('hex'));
  });

  it('gives identical PDUs when the stream is split at every offset', () => {
    for (let k = 1; k < stream.length; k++) expect(feedSplits(stream, [k]).pdus(), `split at ${k}`).toEqual(whole);
  });

  it('gives identical PDUs when split at every pair of offsets', () => {
    for (let a = 1; a < stream.length; a += 3) {
      for (let b = a + 1; b < stream.length; b += 5) expect(feedSplits(stream, [a, b]).pdus(), `split at ${a},${b}`).toEqual(whole);
    }
  });

  it('gives identical PDUs one byte at a time, also across sequence wrap-around', () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(feedSplits(stream, cuts).pdus()).toEqual(whole);
    expect(feedSplits(stream, cuts, 0xffffff00).pdus()).toEqual(whole);
  });

  it('dissects a PDU in the frame that completes it, saying where it began', () => {
    const first = 2 + ((stream[0]! << 8) | stream[1]!);
    const r = feedSplits(stream, [5, first + 3]);
    expect(r.events[0]).toMatch(/ in 2 from 1 \(1,2\)$/);
  });
});

describe('reassembly of imperfect streams', () => {
  it('delivers retransmitted and overlapping bytes once', () => {
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(0);
    feedSegment(dir, budget, lengthPrefixed16, opts, 0, stream, 0, 20, 1, r);
    feedSegment(dir, budget, lengthPrefixed16, opts, 0, stream, 0, 20, 2, r); // retransmission
    feedSegment(dir, budget, lengthPrefixed16, opts, 10, stream, 10, stream.length, 3, r); // overlap
    feedSegment(dir, budget, lengthPrefixed16, opts, 0, stream, 0, stream.length, 4, r); // all again
    expect(r.pdus()).toEqual(feedSplits(stream, []).pdus());
    expect(r.events.some((e) => e.startsWith('gap'))).toBe(false);
  });

  it('reports a gap, keeps the unfinished PDU with its hole (bounded) and resumes at the next segment', () => {
    const first = 2 + ((stream[0]! << 8) | stream[1]!);
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(0);
    feedSegment(dir, budget, lengthPrefixed16, opts, 0, stream, 0, 4, 1, r); // start of message 1
    // Bytes 4..first never arrive; the next segment starts at message 2.
    feedSegment(dir, budget, lengthPrefixed16, opts, first, stream, first, stream.length, 2, r);
    expect(r.events[0]).toBe(`gap ${first - 4}`);
    expect(r.pdus()).toEqual(feedSplits(stream, []).pdus().slice(1));
    expect(dir.gaps).toBe(1);
    // The interrupted message is kept with its hole, for out-of-order segments (test/dissectors/tcp-reassembly-holes.test.ts).
    expect(budget.used).toBe(first);
    releaseDirection(dir, budget);
    expect(budget.used).toBe(0);
  });

  it('holds out-of-order segments when asked and releases them in order', () => {
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(0);
    const cuts = [0, 7, 30, 55, stream.length];
    for (let i = cuts.length - 2; i >= 0; i--) feedSegment(dir, budget, lengthPrefixed16, { outOfOrder: true }, cuts[i]!, stream, cuts[i]!, cuts[i + 1]!, 10 - i, r);
    expect(r.pdus()).toEqual(feedSplits(stream, []).pdus());
    expect(dir.held).toHaveLength(0);
    expect(budget.used).toBe(0);
  });

  it('holds at most REASSEMBLY_LIMITS.maxOutOfOrderSegments segments', () => {
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(0);
    const one = new Uint8Array(1);
    for (let i = 0; i < REASSEMBLY_LIMITS.maxOutOfOrderSegments + 10; i++) feedSegment(dir, budget, lengthPrefixed16, { outOfOrder: true }, 10 + 2 * i, one, 0, 1, i + 1, r);
    expect(dir.held.length).toBeLessThanOrEqual(REASSEMBLY_LIMITS.maxOutOfOrderSegments);
    expect(dir.overflows).toBeGreaterThan(0);
    releaseDirection(dir, budget);
    expect(budget.used).toBe(0);
  });

  it('a PDU larger than REASSEMBLY_LIMITS.maxPduBytes is an error, not a growing buffer', () => {
    const endless: StreamParser = {
      parse(_d, off, end, out) {
        out.status = ParseStatus.Incomplete;
        out.consumed = 0;
        out.needed = 1 << 30;
        out.message = '';
        void off;
        void end;
      },
    };
    const dir = new StreamDirection();
    const budget = newBudget();
    const r = new Recorder();
    dir.sync(0);
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 40; i++) feedSegment(dir, budget, endless, opts, i * chunk.length, chunk, 0, chunk.length, i + 1, r);
    expect(r.events.filter((e) => e.startsWith('error'))).toHaveLength(1);
    expect(dir.pendingLen).toBe(0);
    expect(budget.used).toBe(0);
  });
});
