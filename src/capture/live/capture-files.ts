/**
 * The files a capture writes: one file, standard output, or a ring buffer of files (`-b`), each a
 * complete pcap/pcapng file at every moment it is closed.
 *
 * Ring naming follows tshark/dumpcap: `-w out.pcapng -b filesize:1000` writes
 * `out_00001_20261127120000.pcapng`, `out_00002_...`; with `files:N` only the newest N remain.
 * A file is switched before the packet that would start beyond the size limit, or when its duration
 * is over (checked when a packet arrives).
 *
 * Write errors (disk full, I/O error) never leave a damaged file: the encoder hands over whole
 * records in each chunk, so the file is cut back to the end of the last chunk written in full, and
 * the error says how many packets are saved. Encoding uses `createCaptureEncoder` with our own sink
 * so that this bookkeeping stays here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, InterfaceInfo } from '../frame.js';
import { createCaptureEncoder, outputErrorReason, type CaptureWriter, type WriteFormat } from '../writer.js';

export interface RingOptions {
  /** Switch to a new file once this many bytes are in the current one. */
  fileSizeBytes?: number;
  /** Keep only this many files (delete the oldest). 0 or absent: keep all. */
  files?: number;
  /** Switch to a new file after this many milliseconds. */
  durationMs?: number;
}

export interface CaptureFilesOptions {
  /** A path, or `-` for standard output (no ring). */
  path: string;
  format: WriteFormat;
  interfaces: InterfaceInfo[];
  ring?: RingOptions;
  /** Clock for file names and durations (tests). */
  now?: () => number;
}

/** A write failed: the file is valid up to `savedFrames` packets of this run. */
export class CaptureWriteError extends Error {
  override readonly name = 'CaptureWriteError';
  constructor(
    readonly code: string,
    readonly file: string,
    readonly savedFrames: number,
    message: string,
  ) {
    super(message);
  }
}

interface OpenFile {
  name: string;
  fd: number;
  encoder: CaptureWriter;
  /** Bytes the file holds for sure (whole chunks written). */
  durableBytes: number;
  /** Frames those bytes hold. */
  durableFrames: number;
  openedAt: number;
  failed: boolean;
}

/** `out.pcapng` + 3 → `out_00003_20261127120000.pcapng` (local time, as dumpcap). */
export function ringFileName(base: string, index: number, at: Date): string {
  const ext = path.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p2(at.getMonth() + 1)}${p2(at.getDate())}${p2(at.getHours())}${p2(at.getMinutes())}${p2(at.getSeconds())}`;
  return `${stem}_${String(index).padStart(5, '0')}_${stamp}${ext}`;
}

export class CaptureFiles {
  private cur: OpenFile | undefined;
  private index = 0;
  private readonly kept: string[] = [];
  private closedFrames = 0;
  private closedBytes = 0;
  private closed = false;
  private readonly now: () => number;
  private readonly toStdout: boolean;

  constructor(private readonly opts: CaptureFilesOptions) {
    this.now = opts.now ?? Date.now;
    this.toStdout = opts.path === '-';
    if (this.toStdout && opts.ring) throw new Error('a ring buffer (-b) needs a file name, not standard output');
    this.cur = this.openNext();
  }

  /** Every file this run created that still exists, oldest first. */
  get files(): string[] {
    return [...this.kept];
  }

  /** Frames handed to write() so far (buffered or on disk). */
  get frames(): number {
    return this.closedFrames + (this.cur?.encoder.stats.frames ?? 0);
  }

  /** Bytes of all files so far (buffered or on disk). */
  get bytes(): number {
    return this.closedBytes + (this.cur?.encoder.stats.bytes ?? 0);
  }

  /** Frames that are certainly on disk. */
  get savedFrames(): number {
    return this.closedFrames + (this.cur?.durableFrames ?? 0);
  }

  write(frame: Frame): void {
    if (this.closed || this.cur === undefined) throw new Error('capture files: write() after close()');
    const ring = this.opts.ring;
    if (ring && this.cur.encoder.stats.frames > 0) {
      const full = ring.fileSizeBytes !== undefined && this.cur.encoder.stats.bytes >= ring.fileSizeBytes;
      const old = ring.durationMs !== undefined && this.now() - this.cur.openedAt >= ring.durationMs;
      if (full || old) this.rotate();
    }
    this.cur.encoder.write(frame);
  }

  /** Flushes and closes the current file (pcapng: with its statistics blocks). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const f = this.cur;
    this.cur = undefined;
    if (f) this.finish(f);
  }

  private rotate(): void {
    const f = this.cur!;
    this.cur = undefined;
    this.finish(f);
    const limit = this.opts.ring?.files ?? 0;
    while (limit > 0 && this.kept.length >= limit) {
      const oldest = this.kept.shift()!;
      try {
        fs.unlinkSync(oldest);
      } catch {
        // Already gone (removed by the user): nothing to do.
      }
    }
    this.cur = this.openNext();
  }

  private finish(f: OpenFile): void {
    try {
      if (!f.failed) f.encoder.close();
    } finally {
      if (!this.toStdout) fs.closeSync(f.fd);
      this.closedFrames += f.durableFrames;
      this.closedBytes += f.durableBytes;
    }
  }

  private openNext(): OpenFile {
    this.index++;
    const t = this.now();
    let name = this.opts.path;
    let fd = 1;
    if (!this.toStdout) {
      if (this.opts.ring) name = ringFileName(this.opts.path, this.index, new Date(t));
      try {
        fd = fs.openSync(name, 'w');
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new CaptureWriteError(err.code ?? 'EIO', name, this.savedFrames, `cannot create ${name}: ${outputErrorReason(err)}`);
      }
      this.kept.push(name);
    }
    const file: OpenFile = { name, fd, encoder: undefined as unknown as CaptureWriter, durableBytes: 0, durableFrames: 0, openedAt: t, failed: false };
    file.encoder = createCaptureEncoder(this.opts.format, { interfaces: this.opts.interfaces }, (bytes) => this.sink(file, bytes));
    return file;
  }

  /** Writes one chunk of whole records; on failure cuts the file back to its last whole chunk. */
  private sink(f: OpenFile, bytes: Uint8Array): void {
    if (f.failed) return;
    // Frames in the encoder when it flushes are all complete, and all in this chunk or before it.
    const framesAfter = f.encoder.stats.frames;
    let off = 0;
    try {
      while (off < bytes.length) {
        try {
          off += fs.writeSync(f.fd, bytes, off, bytes.length - off);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        }
      }
    } catch (e) {
      f.failed = true;
      const err = e as NodeJS.ErrnoException;
      // Keep the whole records among the bytes that did reach the file.
      const part = wholeRecords(this.opts.format, bytes.subarray(0, off), f.durableBytes === 0);
      f.durableBytes += part.bytes;
      f.durableFrames += part.frames;
      if (!this.toStdout) {
        try {
          fs.ftruncateSync(f.fd, f.durableBytes);
        } catch {
          // A device that cannot be truncated (/dev/full): what was written stays.
        }
      }
      const saved = this.closedFrames + f.durableFrames;
      throw new CaptureWriteError(err.code ?? 'EIO', f.name, saved,
        `cannot write ${this.toStdout ? 'standard output' : f.name}: ${outputErrorReason(err)}`);
    }
    f.durableBytes += bytes.length;
    f.durableFrames = framesAfter;
  }
}

/**
 * The longest prefix of `chunk` (bytes the writer produced, starting at a record boundary) made of
 * whole records, and how many packets it holds. `first`: the chunk starts the file (pcap's
 * 24-byte header first). Our writer writes little-endian.
 */
export function wholeRecords(format: WriteFormat, chunk: Uint8Array, first: boolean): { bytes: number; frames: number } {
  const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let pos = 0;
  let frames = 0;
  if (format === 'pcapng') {
    while (pos + 12 <= chunk.length) {
      const type = dv.getUint32(pos, true);
      const len = dv.getUint32(pos + 4, true);
      if (len < 12 || pos + len > chunk.length) break;
      if (type === 6) frames++;
      pos += len;
    }
    return { bytes: pos, frames };
  }
  if (first) {
    if (chunk.length < 24) return { bytes: 0, frames: 0 };
    pos = 24;
  }
  while (pos + 16 <= chunk.length) {
    const end = pos + 16 + dv.getUint32(pos + 8, true);
    if (end > chunk.length) break;
    frames++;
    pos = end;
  }
  return { bytes: pos, frames };
}
