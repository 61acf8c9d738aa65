/**
 * The output of a patched read (../dissectors/patch.ts): every byte is held until the read ends,
 * with the places of the holes; then written out with each hole's text in its place. The first
 * 4 MiB stay in memory, the rest goes to a temporary file (removed from the directory as soon as
 * it is made, so nothing is left behind however the process ends), so memory stays bounded.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutBlock } from './out-block.js';

/** Bytes kept in memory before the temporary file (WIRELITE_SPOOL_MEMORY sets it, for the tests). */
const MEMORY_BYTES = Number(process.env.WIRELITE_SPOOL_MEMORY) || 4 * 2 ** 20;

/** The spool could not be written (no temporary directory): the caller reads in two passes instead. */
export class SpoolError extends Error {}

export class Spool {
  private mem: Uint8Array[] = [];
  private fd = -1;
  /** Bytes spooled. */
  size = 0;
  private readonly holeAt: number[] = [];
  private readonly holeShard: number[] = [];
  private readonly holeId: number[] = [];

  /** Appends a copy of `b`. */
  append(b: Uint8Array): void {
    if (b.length === 0) return;
    // (A copy: Buffer.prototype.slice would be a view of the caller's reused buffer.)
    if (this.fd < 0 && this.size + b.length <= MEMORY_BYTES) this.mem.push(new Uint8Array(b));
    else {
      if (this.fd < 0) this.open();
      writeAll(this.fd, b);
    }
    this.size += b.length;
  }

  /** Hole `id` of shard `shard` (0 for a read in one thread) is at byte `at` of the spool (at >= every earlier hole). */
  hole(at: number, shard: number, id: number): void {
    this.holeAt.push(at);
    this.holeShard.push(shard);
    this.holeId.push(id);
  }

  /**
   * Writes everything to `write`, each hole replaced by `text(shard, id)`; then frees the spool.
   * The pieces between holes go out joined in blocks of up to 1 MiB: each piece written on its own
   * made a write per hole (70,647 writes for the 2M mkbig capture's 18,700 holes, 3.6 kB each; 1,683
   * writes in all for the read now, by strace -c). `write` must not keep `b`: the block is reused.
   */
  finish(text: (shard: number, id: number) => string, write: (b: Uint8Array) => void): void {
    const out = new OutBlock(write);
    let h = 0;
    let pos = 0;
    const emit = (b: Uint8Array): void => {
      // The part of `b` (spool bytes [pos, pos + b.length)) with the holes that fall in it.
      let from = 0;
      while (h < this.holeAt.length && this.holeAt[h]! <= pos + b.length) {
        const cut = this.holeAt[h]! - pos;
        if (cut > from) out.put(b.subarray(from, cut));
        from = cut;
        out.text(text(this.holeShard[h]!, this.holeId[h]!));
        h++;
        if (cut === b.length) break;
      }
      if (from < b.length) out.put(b.subarray(from));
      pos += b.length;
    };
    for (const m of this.mem) emit(m);
    this.mem = [];
    if (this.fd >= 0) {
      const buf = Buffer.allocUnsafe(1 << 20);
      let at = 0;
      const fileBytes = this.size - pos;
      while (at < fileBytes) {
        const n = readSync(this.fd, buf, 0, Math.min(buf.length, fileBytes - at), at);
        if (n <= 0) throw new SpoolError('the spool file ended early');
        emit(buf.subarray(0, n));
        at += n;
      }
    }
    // Holes at the very end (after the last byte).
    while (h < this.holeAt.length) {
      out.text(text(this.holeShard[h]!, this.holeId[h]!));
      h++;
    }
    out.flush();
    this.discard();
  }

  /** Drops everything spooled. */
  discard(): void {
    this.mem = [];
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        /* closed already */
      }
      this.fd = -1;
    }
  }

  private open(): void {
    const path = join(tmpdir(), `wirelite-spool-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    try {
      this.fd = openSync(path, 'wx+', 0o600);
    } catch (e) {
      throw new SpoolError(`cannot make a temporary file in ${tmpdir()}: ${(e as Error).message}`);
    }
    try {
      unlinkSync(path);
    } catch {
      /* left for the system's cleaning */
    }
    for (const m of this.mem) writeAll(this.fd, m);
    this.mem = [];
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  let at = 0;
  while (at < b.length) at += writeSync(fd, b, at, b.length - at);
}

