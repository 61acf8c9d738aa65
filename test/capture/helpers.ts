/** Shared helpers for the capture tests: collect what the parser delivers, split input into chunks. */
import { CaptureParser, type CaptureHandlers } from '../../src/capture/capture-parser.js';
import { CaptureFileError } from '../../src/capture/capture-error.js';
import type { Frame, InterfaceInfo } from '../../src/capture/frame.js';
import { formatEpoch } from '../../src/capture/timestamp.js';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A frame with its bytes copied, comparable with toEqual. */
export interface FrameCopy extends Omit<Frame, 'data'> {
  data: number[];
}

export interface ParseResult {
  frames: Frame[];
  interfaces: InterfaceInfo[];
  error?: CaptureFileError;
}

/**
 * Feed `bytes` to a fresh parser in chunks of `chunkSize` (or the given split points), copying each
 * frame's data (it is only valid until the next frame). Non-CaptureFileError exceptions propagate.
 */
export function parseBytes(bytes: Uint8Array, chunkSize = bytes.length || 1, extra: Partial<CaptureHandlers> = {}): ParseResult {
  const frames: Frame[] = [];
  const interfaces: InterfaceInfo[] = [];
  const parser = new CaptureParser({
    ...extra,
    onFrame(f) {
      frames.push({ ...f, data: new Uint8Array(f.data) });
    },
    onInterface(i) {
      interfaces.push(i);
    },
  });
  try {
    for (let i = 0; i < bytes.length; i += chunkSize) parser.feed(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
    parser.end();
  } catch (e) {
    if (e instanceof CaptureFileError) return { frames, interfaces, error: e };
    throw e;
  }
  return { frames, interfaces };
}

/** Feed at the given cut points (sorted offsets inside the buffer). */
export function parseSplit(bytes: Uint8Array, cuts: number[]): ParseResult {
  const frames: Frame[] = [];
  const interfaces: InterfaceInfo[] = [];
  const parser = new CaptureParser({
    onFrame(f) {
      frames.push({ ...f, data: new Uint8Array(f.data) });
    },
    onInterface(i) {
      interfaces.push(i);
    },
  });
  try {
    let prev = 0;
    for (const c of [...cuts, bytes.length]) {
      parser.feed(bytes.subarray(prev, c));
      prev = c;
    }
    parser.end();
  } catch (e) {
    if (e instanceof CaptureFileError) return { frames, interfaces, error: e };
    throw e;
  }
  return { frames, interfaces };
}

/** The oracle's view of a frame. */
export function oracleView(f: Frame): { time?: string; len: number; capLen: number } {
  return f.hasTime ? { time: formatEpoch(f.tsSec, f.tsNsec), len: f.origLen, capLen: f.capLen } : { len: f.origLen, capLen: f.capLen };
}

/** A deterministic pseudo-random generator (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three interfaces with different link types, as a live multi-interface capture would have. */
export const testInterfaces: InterfaceInfo[] = [
  { id: 0, linkType: 1, snapLen: 262144, name: 'eth0', description: 'first NIC', filter: 'tcp port 80', fcsLen: 0 },
  { id: 1, linkType: 113, snapLen: 65535, name: 'any', fcsLen: 0 },
  { id: 2, linkType: 101, snapLen: 1500, name: 'tun0', fcsLen: 4 },
];

/** `n` varied frames over `interfaces`: ns timestamps (some past 2038 and 2106), comments, directions, drop counts. */
export function makeFrames(n: number, seed: number, interfaces: InterfaceInfo[] = testInterfaces): Frame[] {
  const r = rng(seed);
  const frames: Frame[] = [];
  let sec = 1_700_000_000;
  for (let i = 0; i < n; i++) {
    const iface = interfaces[Math.floor(r() * interfaces.length)]!;
    const capLen = Math.floor(r() * Math.min(iface.snapLen, 300));
    const data = new Uint8Array(capLen);
    for (let j = 0; j < capLen; j++) data[j] = Math.floor(r() * 256);
    sec += Math.floor(r() * 3);
    const f: Frame = {
      number: i + 1,
      tsSec: i === 3 ? 4_294_967_295 : i === 4 ? 2_147_483_648 : sec,
      tsNsec: i === 5 ? 999_999_999 : Math.floor(r() * 1e9),
      hasTime: true,
      capLen,
      origLen: capLen + (r() < 0.2 ? Math.floor(r() * 1000) : 0),
      linkType: iface.linkType,
      interfaceId: iface.id,
      direction: Math.floor(r() * 3),
      data,
    };
    if (r() < 0.2) f.comments = r() < 0.5 ? ['hello'] : ['ünïcode ✓', 'second comment, longer than four bytes'];
    if (r() < 0.1) f.dropCount = Math.floor(r() * 100000);
    frames.push(f);
  }
  return frames;
}

/** What a classic pcap file keeps of a frame: no direction/comments/drops, one interface, µs or ns. */
export function asPcap(f: Frame, nanos: boolean, iface: InterfaceInfo = testInterfaces[0]!): Frame {
  return {
    number: f.number,
    tsSec: f.tsSec,
    tsNsec: nanos ? f.tsNsec : Math.floor(f.tsNsec / 1000) * 1000,
    hasTime: true,
    capLen: f.capLen,
    origLen: f.origLen,
    linkType: iface.linkType,
    interfaceId: 0,
    direction: 0,
    data: f.data,
  };
}
