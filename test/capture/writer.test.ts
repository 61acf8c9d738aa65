import { describe, expect, it, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCaptureEncoder, createCaptureWriter, encodeCapture, formatForPath } from '../../src/capture/writer.js';
import { readCapture } from '../../src/capture/reader.js';
import type { InterfaceStats, SectionInfo } from '../../src/capture/capture-parser.js';
import type { Frame, InterfaceInfo } from '../../src/capture/frame.js';
import { asPcap, makeFrames, parseBytes, testInterfaces } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelite-writer-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pcapng writer round trip', () => {
  const frames = makeFrames(300, 1);

  it('reads back identical frames: several interfaces, ns timestamps, comments, directions, drop counts', () => {
    const bytes = encodeCapture('pcapng', { interfaces: testInterfaces }, frames);
    const sections: SectionInfo[] = [];
    const stats: InterfaceStats[] = [];
    const r = parseBytes(bytes, bytes.length, { onSection: (s) => sections.push(s), onInterfaceStats: (s) => stats.push(s) });
    expect(r.error).toBeUndefined();
    expect(r.frames).toEqual(frames);
    expect(r.interfaces).toEqual(testInterfaces.map((i) => ({ ...i, tsResol: 9 })));
    expect(sections).toEqual([{ index: 0, offset: 0, byteOrder: 'little-endian', versionMajor: 1, versionMinor: 0, userAppl: 'wirelite' }]);
    // One ISB per interface, with the frame count and the first/last time.
    expect(stats.map((s) => s.interfaceId)).toEqual([0, 1, 2]);
    for (const s of stats) {
      const mine = frames.filter((f) => f.interfaceId === s.interfaceId);
      expect(s.ifRecv).toBe(mine.length);
      expect(s.startTime).toEqual({ sec: mine[0]!.tsSec, nsec: mine[0]!.tsNsec });
      expect(s.endTime).toEqual({ sec: mine.at(-1)!.tsSec, nsec: mine.at(-1)!.tsNsec });
    }
  });

  it('writes a file with createCaptureWriter and readCapture reads it back', async () => {
    const file = path.join(tmp, 'rt.pcapng');
    const w = createCaptureWriter(file, 'pcapng', { interfaces: testInterfaces, userAppl: 'test-suite' });
    for (const f of frames) w.write(f);
    await w.close();
    expect(w.stats.frames).toBe(frames.length);
    expect(w.stats.bytes).toBe(fs.statSync(file).size);
    const seen: Frame[] = [];
    let appl: string | undefined;
    const summary = await readCapture(file, { onFrame: (f) => seen.push({ ...f, data: new Uint8Array(f.data) }), onSection: (s) => (appl = s.userAppl) });
    expect(seen).toEqual(frames);
    expect(appl).toBe('test-suite');
    expect(summary).toMatchObject({ frames: 300, sections: 1, compressed: false, format: { name: 'pcapng', byteOrder: 'little-endian', version: '1.0' } });
  });

  it('addInterface: an interface that turns up after the first packets gets its IDB there', () => {
    const [a, b, c] = testInterfaces;
    const parts: Uint8Array[] = [];
    const enc = createCaptureEncoder('pcapng', { interfaces: [a!] }, (x) => parts.push(new Uint8Array(x)));
    const early = frames.filter((f) => f.interfaceId === 0).slice(0, 3);
    for (const f of early) enc.write(f);
    expect(() => enc.write(frames.find((f) => f.interfaceId === 1)!)).toThrow(/interface 1 is not one of the writer's interfaces/);
    enc.addInterface(b!);
    enc.addInterface(c!);
    expect(() => enc.addInterface(c!)).toThrow('interface id 2 is given twice');
    for (const f of frames) enc.write(f);
    void enc.close();
    const r = parseBytes(Buffer.concat(parts));
    expect(r.error).toBeUndefined();
    expect(r.frames.map((f) => ({ ...f, number: 0 }))).toEqual([...early, ...frames].map((f) => ({ ...f, number: 0 })));
    expect(r.interfaces.map((i) => i.name)).toEqual(['eth0', 'any', 'tun0']);
  });

  it('frames without a timestamp (SPB) are written with time 0; snapLen cuts long frames', () => {
    const f = makeFrames(5, 2, [testInterfaces[0]!]).map((x) => ({ ...x, hasTime: false, tsSec: 0, tsNsec: 0 }));
    const r = parseBytes(encodeCapture('pcapng', { interfaces: [testInterfaces[0]!], snapLen: 10 }, f));
    expect(r.frames.map((x) => [x.tsSec, x.tsNsec, x.capLen, x.origLen])).toEqual(
      f.map((x) => [0, 0, Math.min(10, x.capLen), x.origLen]));
    expect(r.interfaces[0]!.snapLen).toBe(10);
  });

  it('writes records larger than the output buffer', () => {
    const big: Frame = { ...makeFrames(1, 3, [testInterfaces[0]!])[0]!, capLen: 3_000_000, origLen: 3_000_000, data: new Uint8Array(3_000_000).fill(7) };
    const iface: InterfaceInfo = { ...testInterfaces[0]!, snapLen: 4_000_000 };
    for (const fmt of ['pcapng', 'pcap'] as const) {
      const r = parseBytes(encodeCapture(fmt, { interfaces: [iface] }, [big, big]), 1 << 20);
      expect(r.error).toBeUndefined();
      expect(r.frames.map((f) => f.capLen)).toEqual([3_000_000, 3_000_000]);
    }
  });
});

describe('pcap writer round trip', () => {
  const eth = [testInterfaces[0]!];
  const frames = makeFrames(200, 4, eth);

  it('pcap-ns keeps nanoseconds', () => {
    const r = parseBytes(encodeCapture('pcap-ns', { interfaces: eth }, frames));
    expect(r.error).toBeUndefined();
    expect(r.frames).toEqual(frames.map((f) => asPcap(f, true)));
    expect(r.interfaces).toEqual([{ id: 0, linkType: 1, snapLen: 262144, tsResol: 9, fcsLen: 0 }]);
  });

  it('pcap keeps microseconds (fraction = floor(ns / 1000))', () => {
    const r = parseBytes(encodeCapture('pcap', { interfaces: eth }, frames));
    expect(r.frames).toEqual(frames.map((f) => asPcap(f, false)));
    expect(r.frames[5]!.tsNsec).toBe(999_999_000);
  });

  it('stores the FCS length in the link-type field', () => {
    const tun = [{ ...testInterfaces[2]!, id: 0 }];
    const r = parseBytes(encodeCapture('pcap', { interfaces: tun }, []));
    expect(r.interfaces[0]).toMatchObject({ linkType: 101, fcsLen: 4, snapLen: 1500 });
  });

  it('several interfaces of one link type merge into interface 0', () => {
    const two: InterfaceInfo[] = [{ ...eth[0]!, id: 5 }, { ...eth[0]!, id: 9, name: 'eth1' }];
    const f = makeFrames(20, 5, two);
    const r = parseBytes(encodeCapture('pcap-ns', { interfaces: two }, f));
    expect(r.frames).toEqual(f.map((x) => asPcap(x, true)));
  });

  it('addInterface accepts another interface of the same link type, refuses a different one', () => {
    const w = createCaptureEncoder('pcap', { interfaces: eth }, () => undefined);
    w.addInterface({ ...eth[0]!, id: 4, name: 'eth4' });
    expect(() => w.addInterface({ ...testInterfaces[1]!, id: 5 })).toThrow(
      'a pcap file has a single link type (1), but interface 5 (any) has 113; write pcapng instead');
    w.write({ ...frames[0]!, interfaceId: 4 });
  });

  it('refuses interfaces of different link types, unknown interfaces and out-of-range times', () => {
    expect(() => createCaptureWriter(path.join(tmp, 'x.pcap'), 'pcap', { interfaces: testInterfaces })).toThrow(
      /a pcap file has a single link type, but the interfaces have 1 \(eth0\), 113 \(any\), 101 \(tun0\); write pcapng instead/);
    expect(() => encodeCapture('pcap', { interfaces: [] }, [])).toThrow(/at least one interface/);
    const f = makeFrames(1, 6, eth)[0]!;
    expect(() => encodeCapture('pcap', { interfaces: eth }, [{ ...f, interfaceId: 7 }])).toThrow(/frame 1: interface 7 is not one of the writer's interfaces/);
    expect(() => encodeCapture('pcapng', { interfaces: eth }, [{ ...f, interfaceId: 7 }])).toThrow(/interface 7/);
    expect(() => encodeCapture('pcap', { interfaces: eth }, [{ ...f, tsSec: 2 ** 32 }])).toThrow(/cannot be stored in a pcap file/);
    expect(() => encodeCapture('pcapng', { interfaces: eth }, [{ ...f, tsSec: -1 }])).toThrow(/cannot be stored in pcapng/);
  });

  it('says why it cannot create the file', () => {
    expect(() => createCaptureWriter(path.join(tmp, 'no/such/dir/x.pcap'), 'pcap', { interfaces: eth })).toThrow(
      `cannot create ${path.join(tmp, 'no/such/dir/x.pcap')}: no such directory`);
    expect(() => createCaptureWriter(tmp, 'pcap', { interfaces: eth })).toThrow(`cannot create ${tmp}: is a directory`);
  });

  it('write after close is an error; close twice is fine', () => {
    const w = createCaptureWriter(path.join(tmp, 'c.pcap'), 'pcap', { interfaces: eth });
    void w.close();
    void w.close();
    expect(() => w.write(frames[0]!)).toThrow(/after close/);
  });
});

describe('formatForPath', () => {
  it.each([
    ['a.pcapng', undefined, 'pcapng'],
    ['a.NTAR', undefined, 'pcapng'],
    ['a.pcap', undefined, 'pcap'],
    ['dir.x/a.cap', undefined, 'pcap'],
    ['a.txt', undefined, 'pcapng'],
    ['-', undefined, 'pcapng'],
    ['a.pcapng', 'pcap', 'pcap'],
    ['a.pcap', 'nsecpcap', 'pcap-ns'],
    ['a.pcap', 'pcapng', 'pcapng'],
  ] as const)('%s -F %s -> %s', (p, explicit, expected) => {
    expect(formatForPath(p, explicit)).toBe(expected);
  });

  it('names the supported types for an unknown -F', () => {
    expect(() => formatForPath('a.pcap', 'erf')).toThrow('unknown capture file type "erf" (supported: pcap, nsecpcap, pcapng)');
  });
});
