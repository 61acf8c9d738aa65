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
      frames.push({ ...f, data: f.data.slice() });
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
      frames.push({ ...f, data: f.data.slice() });
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
