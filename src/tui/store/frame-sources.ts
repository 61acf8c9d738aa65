/**
 * Frame sources of the packet store (src/pipeline/source.ts's FrameSource interface):
 *
 * - `offsetTrackingSource`: a capture file read as `fileSource` reads it (the capture layer's
 *   parser over `openCaptureSource`), which also tells, for every frame, where its bytes are in the
 *   file, so the selected packet can be read again later without reading the file from the start;
 * - `offsetFramesSource`: chosen frames read back at those offsets (re-dissection on demand);
 * - `memoryFramesSource`: frames kept in memory (a live capture's), read again the same way.
 *
 * Nothing here decodes a packet: frames go to the pipeline's dissectors.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CaptureFileError } from '../../capture/capture-error.js';
import { CaptureParser, type DecryptionSecrets } from '../../capture/capture-parser.js';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import { openCaptureSource } from '../../capture/reader.js';
import type { FrameHandlers, FrameSource } from '../../pipeline/index.js';

class StopSource extends Error {}

export interface OffsetListener {
  /** Frame `number`'s bytes start at `offset` in the file (-1: unknown, a compressed file). */
  onOffset(number: number, offset: number): void;
  /** Bytes of the file read so far and its size (0 when unknown). */
  onBytes?(read: number, size: number): void;
}

/**
 * A capture file as a frame source that also reports each frame's byte offset. A frame's bytes
 * are a view of the chunk being parsed (offset: the chunk's position plus the view's) or, for a
 * frame that spans two chunks, of the parser's carry buffer, which starts at the pending unit's
 * offset (`CaptureParser.offset`); that case is checked against the file's bytes.
 */
export function offsetTrackingSource(path: string, listener: OffsetListener): FrameSource {
  return {
    name: path,
    rereadable: true,
    async read(h: FrameHandlers, choices = {}) {
      let chunk: Uint8Array = new Uint8Array(0);
      let base = 0;
      let fd = -1;
      let size = 0;
      try {
        fd = openSync(path, 'r');
        size = fstatSync(fd).size;
      } catch {
        /* reading says why */
      }
      const source = openCaptureSource(path);
      const parser: CaptureParser = new CaptureParser({
        reuseFrames: choices.reuseFrames,
        select: choices.select,
        onFormat: h.onFormat,
        onInterface: h.onInterface,
        onDecryptionSecrets: h.onDecryptionSecrets,
        onFrame(frame: Frame) {
          listener.onOffset(frame.number, source.compressed ? -1 : offsetOf(frame.data));
          if (h.onFrame(frame) === false) throw new StopSource();
        },
      });
      const offsetOf = (d: Uint8Array): number => {
        if (d.buffer === chunk.buffer && d.byteOffset >= chunk.byteOffset && d.byteOffset < chunk.byteOffset + chunk.length) return base + d.byteOffset - chunk.byteOffset;
        const at = parser.offset + d.byteOffset;
        return fd >= 0 && sameBytes(fd, at, d) ? at : -1;
      };
      try {
        for await (const c of source) {
          chunk = c;
          parser.feed(c);
          base += c.length;
          listener.onBytes?.(base, source.compressed ? 0 : size);
        }
        parser.end();
      } catch (e) {
        if (e instanceof StopSource) return;
        if (e instanceof CaptureFileError && e.framesRead !== parser.framesRead) throw e.withFramesRead(parser.framesRead);
        throw e;
      } finally {
        if (fd >= 0) closeSync(fd);
      }
    },
  };
}

function sameBytes(fd: number, at: number, d: Uint8Array): boolean {
  const n = Math.min(d.length, 32);
  const b = Buffer.alloc(n);
  try {
    if (readSync(fd, b, 0, n, at) !== n) return false;
  } catch {
    return false;
  }
  for (let i = 0; i < n; i++) if (b[i] !== d[i]) return false;
  return true;
}

/** What the store knows of a frame, enough to make it again from its bytes. */
export interface StoredFrame {
  number: number;
  tsSec: number;
  tsNsec: number;
  hasTime: boolean;
  capLen: number;
  origLen: number;
  interfaceId: number;
  /** Byte offset of its data in the file. */
  offset: number;
}

/**
 * Frames `frames` (in order) read back from the file at their offsets, after announcing
 * `interfaces` (and the format's interface numbering) as the file did. Rereadable: each read reads
 * them again.
 */
export function offsetFramesSource(
  path: string,
  file: { interfaces: readonly InterfaceInfo[]; pcapng: boolean; secrets: readonly DecryptionSecrets[] },
  frames: () => Iterable<StoredFrame>,
): FrameSource {
  const { interfaces, pcapng, secrets } = file;
  return {
    name: path,
    rereadable: true,
    async read(h: FrameHandlers) {
      const fd = openSync(path, 'r');
      try {
        h.onFormat?.({ name: pcapng ? 'pcapng' : 'pcap', byteOrder: 'little-endian', version: '' });
        for (const info of interfaces) if (info) h.onInterface?.(info);
        for (const d of secrets) h.onDecryptionSecrets?.(d);
        let buf = Buffer.alloc(65536);
        for (const f of frames()) {
          if (f.capLen > buf.length) buf = Buffer.alloc(f.capLen);
          const n = readSync(fd, buf, 0, f.capLen, f.offset);
          if (n !== f.capLen) throw new CaptureFileError('truncated', `${path} changed: frame ${f.number} is no longer there`, 0, f.offset);
          const frame: Frame = {
            number: f.number,
            tsSec: f.tsSec,
            tsNsec: f.tsNsec,
            hasTime: f.hasTime,
            capLen: f.capLen,
            origLen: f.origLen,
            linkType: interfaces[f.interfaceId]?.linkType ?? 1,
            interfaceId: f.interfaceId,
            direction: 0,
            data: buf.subarray(0, f.capLen).slice(),
          };
          if (h.onFrame(frame) === false) break;
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** Frames kept in memory (a live capture's), as a rereadable source. */
export function memoryFramesSource(name: string, interfaces: () => readonly InterfaceInfo[], frames: () => Iterable<Frame>): FrameSource {
  return {
    name,
    rereadable: true,
    async read(h: FrameHandlers) {
      for (const info of interfaces()) if (info) h.onInterface?.(info);
      for (const f of frames()) if (h.onFrame({ ...f }) === false) break;
    },
  };
}
