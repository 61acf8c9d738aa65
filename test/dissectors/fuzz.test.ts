/**
 * Seeded fuzzing of the dissectors: mutated, truncated and random packets (from our fixture and
 * from packets built with our builders) must never make a dissector throw (the registry would
 * turn a throw into an "Exception occurred" malformed mark: that is a bug here), and every tree
 * item must lie inside its data source. The malformed public captures must dissect the same way.
 *
 * FUZZ_ITERATIONS=200000 npx vitest run test/dissectors/fuzz.test.ts   (longer run)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../../src/capture/frame.js';
import { CaptureFileError } from '../../src/capture/capture-error.js';
import { readCapture } from '../../src/capture/reader.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { dissectFrame, newSession, Packet } from '../../src/dissectors/index.js';
import { fieldText, itemLabel } from '../../src/dissectors/format.js';
import { corpusFile, describeCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const ITER = Number(process.env.FUZZ_ITERATIONS ?? 3000);
const LINKTYPES = [0, 1, 101, 108, 113, 228, 229, 276];

function frameOf(data: Uint8Array, linkType: number, number = 1, origLen = data.length): Frame {
  return { number, tsSec: 1_700_000_000, tsNsec: 0, hasTime: true, capLen: data.length, origLen, linkType, interfaceId: 0, direction: 0, data };
}

/** Dissects and checks the invariants; returns the problems found. */
function check(pkt: Packet, frame: Frame): string[] {
  const problems: string[] = [];
  pkt.reset(frame);
  try {
    dissectFrame(pkt);
  } catch (e) {
    return [`dissectFrame threw: ${(e as Error).message}`];
  }
  for (const e of pkt.expert) if (e.message.includes('Exception occurred')) problems.push(e.message);
  for (let i = 0; i < pkt.n; i++) {
    const src = pkt.sources[pkt.src[i]!]!;
    if (pkt.start[i]! < 0 || pkt.len[i]! < 0 || pkt.start[i]! + pkt.len[i]! > src.length) {
      problems.push(`item ${i} range ${pkt.start[i]}+${pkt.len[i]} outside source of ${src.length} bytes`);
    }
    // Rendering must not throw either.
    fieldText(pkt, i);
    itemLabel(pkt, i);
  }
  return problems;
}

async function fixtureFrames(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  await readCapture(join(root, 'fixtures/loopback.pcap'), { onFrame: (f) => void out.push(f.data.slice()) });
  return out;
}

function builtPackets(): Uint8Array[] {
  return [
    buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'tcp', sport: 1, dport: 2, flags: 'S', options: { mss: 1460, wscale: 7, sackPerm: true, ts: [1, 0] } }]),
    buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2', mf: true, id: 7 }, { proto: 'udp', sport: 5, dport: 53 }, { proto: 'data', bytes: 'abcdefgh' }]),
    buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2', options: Uint8Array.from([7, 7, 4, 0, 0, 0, 0, 1]) }, { proto: 'tcp', sport: 1, dport: 2, flags: 'PA', options: { sack: [[1, 2], [3, 4]] } }, { proto: 'data', bytes: 'x' }]),
  ];
}

describe('dissector fuzzing (seeded)', () => {
  it(`survives ${ITER} mutated and truncated packets`, async () => {
    const seeds = [...(await fixtureFrames()), ...builtPackets()];
    const pkt = new Packet(newSession(), true);
    const problems: string[] = [];
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(1600), fc.nat(255)), { maxLength: 8 }),
        fc.nat(1600),
        fc.constantFrom(...LINKTYPES),
        fc.boolean(),
        (which, mutations, cut, lt, snapped) => {
          const base = seeds[which]!;
          const data = base.slice(0, Math.min(base.length, cut === 0 ? base.length : cut));
          for (const [at, v] of mutations) if (data.length) data[at % data.length] = v;
          const found = check(pkt, frameOf(data, lt, 1, snapped ? base.length : data.length));
          problems.push(...found);
          return found.length === 0;
        },
      ),
      { seed: 20261127, numRuns: ITER },
    );
    expect(problems).toEqual([]);
  });

  it('survives random bytes on every link type', () => {
    const pkt = new Packet(newSession(), true);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...LINKTYPES), (data, lt) => check(pkt, frameOf(data, lt)).length === 0),
      { seed: 42, numRuns: ITER },
    );
  });

  it('fragments with hostile offsets keep reassembly memory bounded and never throw', () => {
    const pkt = new Packet(newSession(), true);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(8191), fc.boolean(), fc.nat(3), fc.integer({ min: 0, max: 1400 })), { maxLength: 30 }), (frags) => {
        let n = 0;
        for (const [off, mf, id, len] of frags) {
          const b = buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2', id, mf, fragOffset: off, protocol: 17 }, { proto: 'data', bytes: new Uint8Array(len) }]);
          if (check(pkt, frameOf(b, 1, ++n)).length) return false;
        }
        return true;
      }),
      { seed: 7, numRuns: Math.max(200, ITER / 10) },
    );
  });
});

const malformedDir = corpusFile('malformed');
let malformedPresent = false;
try {
  malformedPresent = statSync(malformedDir).isDirectory();
} catch {
  malformedPresent = false;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

if (!malformedPresent) describeCorpusMissing('malformed public captures');
describe.skipIf(!malformedPresent)(malformedPresent ? 'malformed public captures' : 'SKIPPED: ../shared/corpus/public/malformed missing', () => {
  it('every frame of every broken capture dissects without a throw; broken files end in CaptureFileError', async () => {
    const files = walk(malformedDir).filter((f) => !f.endsWith('.md'));
    expect(files.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const file of files) {
      const pkt = new Packet(newSession(), true);
      const started = Date.now();
      try {
        await readCapture(file, {
          onFrame: (f) => {
            for (const p of check(pkt, f)) problems.push(`${file} #${f.number}: ${p}`);
          },
        });
      } catch (e) {
        if (!(e instanceof CaptureFileError)) problems.push(`${file}: ${(e as Error).message}`);
      }
      if (Date.now() - started > 10_000) problems.push(`${file}: took ${Date.now() - started} ms`);
    }
    expect(problems).toEqual([]);
    void readFileSync;
  }, 120_000);
});
