import { describe, expect, it } from 'vitest';
import type { CustomBlock, DecryptionSecrets, InterfaceStats, NameRecord, SectionInfo } from '../../src/capture/capture-parser.js';
import { Bytes, block, concat, epb, idb, options, pb, shb, spb } from './bytes-builder.js';
import { parseBytes } from './helpers.js';

const data = (n: number, seed = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i + seed) & 0xff);
const u8 = (v: number): Uint8Array => Uint8Array.of(v);
const u32 = (le: boolean, v: number): Uint8Array => new Bytes(le).u32(v).build();
const i64 = (le: boolean, v: bigint): Uint8Array => new Bytes(le).u64(v).build();

/** Reference conversion with BigInt: ticks at if_tsresol `code` to [sec, nsec]. */
function reference(ticks: bigint, code: number): [number, number] {
  const u = code & 0x80 ? 1n << BigInt(code & 0x7f) : 10n ** BigInt(code);
  return [Number(ticks / u), Number(((ticks % u) * 1_000_000_000n) / u)];
}

describe('pcapng sections and interfaces', () => {
  it('reads a big-endian section then a little-endian one; interface ids are file-wide', () => {
    const file = concat(
      shb(false, [[2, 'hw'], [3, 'os'], [4, 'appl'], [1, 'section comment']]),
      idb(false, 1, 1500, [[2, 'eth0']]),
      idb(false, 113, 0, [[2, 'any'], [9, u8(9)]]),
      epb(false, 1, 1_000_000_123n, data(10)),
      epb(false, 0, 2_000_000n, data(11)),
      shb(true),
      idb(true, 101, 9000, [[2, 'tun0']]),
      epb(true, 0, 5_000_000n, data(12)),
    );
    const sections: SectionInfo[] = [];
    const r = parseBytes(file, 13, { onSection: (s) => sections.push(s) });
    expect(r.error).toBeUndefined();
    expect(sections).toEqual([
      { index: 0, offset: 0, byteOrder: 'big-endian', versionMajor: 1, versionMinor: 0, hardware: 'hw', os: 'os', userAppl: 'appl', comments: ['section comment'] },
      { index: 1, offset: expect.any(Number), byteOrder: 'little-endian', versionMajor: 1, versionMinor: 0 },
    ]);
    expect(r.interfaces).toEqual([
      { id: 0, linkType: 1, snapLen: 1500, name: 'eth0', tsResol: 6, fcsLen: 0 },
      { id: 1, linkType: 113, snapLen: 0, name: 'any', tsResol: 9, fcsLen: 0 },
      { id: 2, linkType: 101, snapLen: 9000, name: 'tun0', tsResol: 6, fcsLen: 0, section: 1, sectionInterfaceId: 0 },
    ]);
    expect(r.frames.map((f) => [f.number, f.interfaceId, f.linkType, f.tsSec, f.tsNsec, f.capLen])).toEqual([
      [1, 1, 113, 1, 123, 10],
      [2, 0, 1, 2, 0, 11],
      [3, 2, 101, 5, 0, 12],
    ]);
  });

  it('reads IDB options: description, filter, FCS length, tsoffset; accepts SHB version 1.2', () => {
    const le = true;
    const r = parseBytes(concat(
      shb(le, [], [1, 2]),
      idb(le, 1, 65535, [[3, 'the NIC'], [11, Uint8Array.of(0, ...new TextEncoder().encode('udp'))], [13, u8(4)], [14, i64(le, 100n)]]),
      idb(le, 1, 65535, [[14, i64(le, -50n)]]),
      epb(le, 0, 1_500_000n, data(4)),
      epb(le, 1, 100_000_000n, data(4)),
    ));
    expect(r.error).toBeUndefined();
    expect(r.interfaces[0]).toEqual({ id: 0, linkType: 1, snapLen: 65535, description: 'the NIC', filter: 'udp', fcsLen: 4, tsResol: 6, tsOffset: 100 });
    expect(r.frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([[101, 500_000_000], [50, 0]]);
  });

  it('refuses other SHB versions and an unknown byte-order magic', () => {
    expect(parseBytes(shb(true, [], [1, 1])).error).toMatchObject({ kind: 'unsupported', message: 'unsupported pcapng section version 1.1 at offset 0' });
    expect(parseBytes(shb(true, [], [2, 0])).error?.kind).toBe('unsupported');
    const bad = shb(true);
    bad.set([1, 2, 3, 4], 8);
    expect(parseBytes(bad).error).toMatchObject({ kind: 'corrupt', message: 'corrupt section header block at offset 0: unknown byte-order magic 0x04030201 (read 0 frames)' });
  });

  it('a section header alone is a valid empty capture', () => {
    expect(parseBytes(shb(false))).toEqual({ frames: [], interfaces: [] });
  });
});

describe('pcapng timestamps', () => {
  // Resolutions on both sides of every fast-path boundary, including the BigInt ones.
  const codes = [0, 1, 3, 6, 9, 10, 12, 15, 19, 0x80, 0x89, 0x8a, 0x94, 0xa0, 0xa1, 0xa5, 0xb0, 0xbf];
  const ticks = [0n, 1n, 999_999n, 1_000_000n, 1_700_000_000_123_456n, 1_700_000_000_123_456_789n, (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n, 0xdeadbeefcafebaben];
  it.each(codes)('if_tsresol 0x%s gives exactly floor(ticks / U) and floor(rem * 10^9 / U)', (code) => {
    for (const le of [true, false]) {
      const r = parseBytes(concat(shb(le), idb(le, 1, 0, [[9, u8(code)]]), ...ticks.map((t) => epb(le, 0, t, data(1)))));
      expect(r.error).toBeUndefined();
      const expected = ticks.map((t) => reference(t, code));
      expect(r.frames.map((f) => [f.tsSec, f.tsNsec])).toEqual(expected.map(([s, n]) => [s > Number.MAX_SAFE_INTEGER ? expect.any(Number) : s, n]));
    }
  });

  it('tshark oracle values: 2^-n resolutions beyond 2^-9 are exact (tshark truncates 10^9/2^n first)', () => {
    // 2^-10: one tick is 976562.5 ns; tick 3 is 2929687.5 ns -> floor 2929687.
    const r = parseBytes(concat(shb(true), idb(true, 1, 0, [[9, u8(0x8a)]]), epb(true, 0, 3n, data(1))));
    expect(r.frames[0]!.tsNsec).toBe(2_929_687);
  });
});

describe('pcapng packet blocks', () => {
  it('EPB options: direction, drop count, comments', () => {
    const le = false;
    const r = parseBytes(concat(shb(le), idb(le, 1, 0),
      epb(le, 0, 1n, data(3), 3, [[2, u32(le, 1)], [1, 'first'], [1, 'second ✓'], [4, i64(le, 42n)]]),
      epb(le, 0, 2n, data(3), 3, [[2, u32(le, 2 | 0x40)]]),
      epb(le, 0, 3n, data(3), 3, [[2, u32(le, 3)]]),
    ));
    expect(r.frames.map((f) => [f.direction, f.comments, f.dropCount])).toEqual([[1, ['first', 'second ✓'], 42], [2, undefined, undefined], [0, undefined, undefined]]);
  });

  it('SPB: no time, interface 0, captured length = min(original, snaplen, room in the block)', () => {
    const r = parseBytes(concat(shb(true), idb(true, 1, 8), idb(true, 113, 0),
      spb(true, 5, data(5)), // orig < snaplen
      spb(true, 100, data(12)), // snaplen 8 cuts
    ));
    expect(r.frames.map((f) => [f.hasTime, f.tsSec, f.interfaceId, f.linkType, f.capLen, f.origLen, Array.from(f.data)])).toEqual([
      [false, 0, 0, 1, 5, 5, Array.from(data(5))],
      [false, 0, 0, 1, 8, 100, Array.from(data(8))],
    ]);
    const noSnap = parseBytes(concat(shb(true), idb(true, 1, 0), spb(true, 100, data(10))));
    expect(noSnap.frames.map((f) => [f.capLen, f.origLen])).toEqual([[12, 100]]); // the room in the block (10 + 2 padding)
  });

  it('SPB before any IDB is corrupt', () => {
    expect(parseBytes(concat(shb(true), spb(true, 4, data(4)))).error).toMatchObject({
      kind: 'corrupt', message: 'corrupt simple packet block at offset 28: no interface description block before it (read 0 frames)' });
  });

  it('obsolete Packet Block: 16-bit interface id, drops count (0xFFFF = unknown), pack_flags', () => {
    const r = parseBytes(concat(shb(true), idb(true, 1, 0), idb(true, 105, 0),
      pb(true, 1, 7, 2_000_001n, data(6), [[2, u32(true, 2)], [1, 'pb']]),
      pb(true, 0, 0xffff, 5n, data(2)),
    ));
    expect(r.frames.map((f) => [f.interfaceId, f.linkType, f.dropCount, f.direction, f.comments, f.tsSec, f.tsNsec])).toEqual([
      [1, 105, 7, 2, ['pb'], 2, 1000],
      [0, 1, undefined, 0, undefined, 0, 5000],
    ]);
  });

  it('frame numbers count packets only, across every kind of block', () => {
    const le = true;
    const r = parseBytes(concat(shb(le), idb(le, 1, 0), epb(le, 0, 1n, data(1)),
      block(le, 0x00000bad, new Bytes(le).u32(32473).str('custom').build()),
      block(le, 0x12345678, data(9)),
      block(le, 0x80000001, data(4)),
      spb(le, 1, data(1)), pb(le, 0, 0, 3n, data(1)), epb(le, 0, 4n, data(1))));
    expect(r.error).toBeUndefined();
    expect(r.frames.map((f) => f.number)).toEqual([1, 2, 3, 4]);
  });
});

describe('pcapng metadata blocks', () => {
  it('NRB, ISB, DSB and custom blocks reach their handlers', () => {
    const le = false;
    const nrbBody = new Bytes(le)
      .u16(1).u16(4 + 10).bytes([192, 0, 2, 1]).str('a.example\0').pad4()
      .u16(2).u16(16 + 12).bytes([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).str('v6\0other.v6\0').pad4()
      .u16(7).u16(3).bytes([1, 2, 3]).pad4() // unknown record type: skipped
      .u16(0).u16(0)
      .bytes(options(le, [[1, 'nrb comment']]))
      .build();
    const isbBody = new Bytes(le).u32(0).ts64(1_000_000n).bytes(options(le, [
      [2, new Bytes(le).ts64(500_000n).build()], [3, new Bytes(le).ts64(1_000_000n).build()],
      [4, i64(le, 10n)], [5, i64(le, 1n)], [6, i64(le, 9n)], [7, i64(le, 2n)], [8, i64(le, 8n)], [1, 'isb'],
    ])).build();
    const keylog = new TextEncoder().encode('CLIENT_RANDOM 00 11\n');
    const dsbBody = new Bytes(le).u32(0x544c534b).u32(keylog.length).bytes(keylog).pad4().build();
    const names: NameRecord[][] = [];
    const stats: InterfaceStats[] = [];
    const secrets: DecryptionSecrets[] = [];
    const custom: CustomBlock[] = [];
    const r = parseBytes(concat(shb(le), idb(le, 1, 0), block(le, 4, nrbBody), block(le, 5, isbBody), block(le, 10, dsbBody),
      block(le, 0x40000bad, new Bytes(le).u32(99).bytes([1, 2, 3, 4]).build())), 5, {
      onNames: (n) => names.push(n), onInterfaceStats: (s) => stats.push(s),
      onDecryptionSecrets: (s) => secrets.push(s), onCustomBlock: (c) => custom.push(c),
    });
    expect(r.error).toBeUndefined();
    expect(names).toEqual([[
      { type: 'ipv4', address: '192.0.2.1', names: ['a.example'] },
      { type: 'ipv6', address: '2001:db8::1', names: ['v6', 'other.v6'] },
    ]]);
    expect(stats).toEqual([{
      interfaceId: 0, tsSec: 1, tsNsec: 0, startTime: { sec: 0, nsec: 500_000_000 }, endTime: { sec: 1, nsec: 0 },
      ifRecv: 10, ifDrop: 1, filterAccept: 9, osDrop: 2, usrDeliv: 8, comments: ['isb'],
    }]);
    expect(secrets).toEqual([{ type: 0x544c534b, data: keylog }]);
    expect(custom).toEqual([{ blockType: 0x40000bad, pen: 99, data: Uint8Array.of(1, 2, 3, 4), copyable: false, offset: expect.any(Number) }]);
  });
});

describe('pcapng damage', () => {
  const le = true;
  const head = concat(shb(le), idb(le, 1, 0), epb(le, 0, 1n, data(4)));
  const at = head.length;

  it.each([
    ['length not a multiple of 4', block(le, 6, data(16), 27), `corrupt block at offset ${at}: block length 27 is not a multiple of 4 (read 1 frame)`],
    ['length below 12', block(le, 6, data(16), 8), `corrupt block at offset ${at}: block length 8 is less than the minimum 12 (read 1 frame)`],
    ['length beyond any limit', block(le, 6, data(16), 0xfffffff0), `corrupt block at offset ${at}: block length 4294967280 is larger than the limit 268435456 (read 1 frame)`],
    ['trailing length differs', block(le, 6, data(32), undefined, 40), `corrupt block at offset ${at}: trailing block length 40 does not match the leading length 44 (read 1 frame)`],
    ['unknown interface', epb(le, 3, 1n, data(4)), `corrupt enhanced packet block at offset ${at}: interface 3 is not defined in this section (1 interface) (read 1 frame)`],
    ['captured length past the block', block(le, 6, new Bytes(le).u32(0).u32(0).u32(0).u32(100).u32(100).bytes(data(8)).build()),
      `corrupt enhanced packet block at offset ${at}: captured length 100 does not fit in a block of 40 bytes (read 1 frame)`],
    ['option past the block', block(le, 6, new Bytes(le).u32(0).u32(0).u32(0).u32(4).u32(4).bytes(data(4)).u16(1).u16(200).build()),
      `corrupt block at offset ${at}: option 1 of length 200 runs past the end of the block (read 1 frame)`],
    ['EPB too short', block(le, 6, data(8)), `corrupt enhanced packet block at offset ${at}: block length 20 is less than the minimum 32 (read 1 frame)`],
  ])('%s', (_name, bad, message) => {
    const r = parseBytes(concat(head, bad, epb(le, 0, 2n, data(4))), 9);
    expect(r.frames).toHaveLength(1);
    expect(r.error).toMatchObject({ kind: 'corrupt', framesRead: 1, offset: at, message });
  });

  it('a file cut inside a block says which block', () => {
    const whole = concat(head, epb(le, 0, 2n, data(40)));
    expect(parseBytes(whole.subarray(0, at + 20)).error).toMatchObject({
      kind: 'truncated', offset: at, message: `file truncated inside enhanced packet block at offset ${at} (20 of 72 bytes) (read 1 frame)` });
    expect(parseBytes(whole.subarray(0, at + 5)).error?.message).toBe(`file truncated inside a block header at offset ${at} (5 of 8 bytes) (read 1 frame)`);
    expect(parseBytes(shb(le).subarray(0, 20)).error?.message).toBe('file truncated inside section header block at offset 0 (20 of 28 bytes) (read 0 frames)');
  });
});
