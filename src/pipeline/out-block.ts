/**
 * Bytes joined into blocks of up to 1 MiB before they are handed to `write` (a larger piece goes as
 * it is): the merge of a parallel read's text runs of a few lines each (./ordered-shards.ts) and a
 * patched read's spool between its holes (./spool.ts) would otherwise be a write call per piece.
 * `write` must not keep the block it is given: the buffer is reused.
 */
export class OutBlock {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;
  /** Bytes given to `put` and `text` so far (written or still in the block). */
  total = 0;
  constructor(private readonly write: (b: Uint8Array) => void) {}

  put(b: Uint8Array): void {
    this.total += b.length;
    if (this.n + b.length > this.buf.length) {
      this.flush();
      if (b.length > this.buf.length) return this.write(b);
    }
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  text(t: string): void {
    if (!t) return;
    // (At most 3 bytes a UTF-16 unit.)
    if (this.n + 3 * t.length > this.buf.length) {
      this.flush();
      if (3 * t.length > this.buf.length) {
        const b = Buffer.from(t, 'utf8');
        this.total += b.length;
        return this.write(b);
      }
    }
    const k = this.buf.write(t, this.n, 'utf8');
    this.n += k;
    this.total += k;
  }

  flush(): void {
    if (this.n > 0) this.write(this.buf.subarray(0, this.n));
    this.n = 0;
  }
}
