/**
 * The spool of a patched read (src/pipeline/spool.ts): what comes out is the bytes put in with
 * each hole's text in its place, for holes anywhere (the first byte, the last, several at one
 * place, at the edges of the pieces put in), in memory and past the 4 MiB that go to a temporary
 * file; a temporary directory that cannot be written is a SpoolError (the read then runs in two
 * passes), not a crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Spool, SpoolError } from '../../src/pipeline/spool.js';
import { SpoolOut } from '../../src/cli/read-shard.js';
import { rng } from '../capture/helpers.js';

describe('Spool', () => {
  const saved = process.env.TMPDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });

  for (const [total, label] of [[1000, 'in memory'], [9 * 2 ** 20 + 17, 'past 4 MiB, in a temporary file']] as const) {
    it(`gives back every byte with each hole's text in its place (${label})`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        const r = rng(seed);
        const spool = new Spool();
        const texts: string[] = [];
        const want: Buffer[] = [];
        const hole = (): void => {
          const t = r() < 0.2 ? '' : ` (reply in ${Math.floor(r() * 1e6)})`;
          texts.push(t);
          spool.hole(spool.size, 0, texts.length - 1);
          want.push(Buffer.from(t));
        };
        if (seed % 2) hole();
        let put = 0;
        const reused = Buffer.alloc(300_000);
        while (put < total) {
          const n = Math.min(total - put, 1 + Math.floor(r() * reused.length));
          for (let i = 0; i < n; i++) reused[i] = (put + i) * 7 & 0xff;
          spool.append(reused.subarray(0, n));
          want.push(Buffer.from(reused.subarray(0, n)));
          // The caller reuses its buffer: the spool must have copied the bytes.
          reused.fill(0x55);
          put += n;
          while (r() < 0.4) hole();
        }
        const out: Buffer[] = [];
        spool.finish((shard, id) => {
          expect(shard).toBe(0);
          return texts[id]!;
        }, (bytes) => out.push(Buffer.from(bytes)));
        const got = Buffer.concat(out);
        const w = Buffer.concat(want);
        expect(got.length).toBe(w.length);
        expect(got.equals(w), `seed ${seed}`).toBe(true);
      }
    });
  }

  it('SpoolOut marks holes after the text written before them (pending text included)', () => {
    const spool = new Spool();
    const out = new SpoolOut(spool);
    out.write('    1   0.000000 10.0.0.1 → 10.0.0.2 ICMP 98 Echo (ping) request');
    out.mark(0);
    out.write('\n    2   0.1 10.0.0.2 → 10.0.0.1 ');
    out.mark(1);
    out.write(' 98 x\n');
    out.flush();
    const parts: Buffer[] = [];
    spool.finish((_, id) => [' (reply in 2)', 'ICMP'][id]!, (b) => parts.push(Buffer.from(b)));
    expect(Buffer.concat(parts).toString()).toBe('    1   0.000000 10.0.0.1 → 10.0.0.2 ICMP 98 Echo (ping) request (reply in 2)\n    2   0.1 10.0.0.2 → 10.0.0.1 ICMP 98 x\n');
  });

  it('a temporary directory that cannot be written is a SpoolError', () => {
    process.env.TMPDIR = '/nonexistent/wirelite-no-such-dir';
    const spool = new Spool();
    const b = Buffer.alloc(1 << 20);
    expect(() => {
      for (let i = 0; i < 6; i++) spool.append(b);
    }).toThrow(SpoolError);
    spool.discard();
  });
});
