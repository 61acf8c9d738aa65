/**
 * A printed read in one pass that prints what two passes (`tshark -2`) print: the patch log.
 *
 * The one-line summary of a frame needs a later frame in only a few places: an echo request's
 * "(reply in N)" or "(no response found!)", an IPv4 fragment's "[Reassembled in #N]" and the
 * Protocol column of a TLS record sent before the stream's version was known (a Client Hello's
 * "TLSv1.3"). A patched read dissects once, as a first pass does (every note and final value
 * recorded), and prints each line with a hole where such a text goes (MARK in the column text;
 * the printer cuts the line there, and the output is spooled, src/pipeline/spool.ts); at the end
 * each hole's text is what the second pass would have shown, read from the same final tables.
 *
 * Everything else a second pass reads from the first (a TCP stream's final base sequence numbers
 * and window scaling, a TLS stream's final version where it changes how records are parsed, an
 * HTTP conversation with frames before its first request) is checked instead: where a
 * line could differ, the log is marked `unsafe` and the read runs again in two passes. So the
 * output is always byte for byte that of the two passes.
 */
/**
 * Where a hole's text goes in a column: U+FFFF, a noncharacter. Should a column's own text hold one
 * (bytes of a packet), the printer's count of marks differs from the packet's holes and the read
 * goes back to two passes.
 */
export const MARK = '\uffff';

/** The notes (`annotate`) a hole reads: a patched read keeps no other. */
export const PATCH_NOTES: ReadonlySet<string> = new Set(['icmp.resp_in', 'icmpv6.resp_in', 'ip.reassembled_in']);

/** More holes than this and the read goes back to two passes (memory stays bounded). */
export const MAX_HOLES = 1 << 18;

export class PatchLog {
  /** Each hole's text, made at the end (null: cancelled, no text and no mark). */
  private readonly holes: ((() => string) | null)[] = [];
  /** Checks run at the end: each returns why the one pass may differ from two, or null. */
  private readonly checks: (() => string | null)[] = [];
  /** Run when the read goes back to two passes (undo what the patched pass arranged for its exit). */
  readonly onDiscard: (() => void)[] = [];
  /** Why the output may differ from two passes (then the read runs again in two), or null. */
  unsafe: string | null = null;
  /** The first hole of the packet being dissected. */
  private first = 0;
  /** The packet's hole in its Protocol column (-1: none). */
  private protocolHole = -1;
  /** The packet's marks: its holes not cancelled. */
  private marks = 0;

  /** A frame is about to be dissected. */
  begin(): void {
    this.first = this.holes.length;
    this.protocolHole = -1;
    this.marks = 0;
  }

  /** A hole in the Info column: returns MARK, for the dissector to put where the text goes. */
  info(text: () => string): string {
    this.add(text);
    return MARK;
  }

  /**
   * The packet's Protocol column is a hole (`text`: what the second pass sets last), or with null is
   * not one any more (the column was set from final values after all). Returns the column text to set.
   */
  protocol(text: (() => string) | null, shown: string): string {
    const h = this.protocolHole;
    if (text === null) {
      if (h >= 0) {
        this.holes[h] = null;
        this.protocolHole = -1;
        this.marks--;
      }
      return shown;
    }
    if (h >= 0) this.holes[h] = text;
    else this.protocolHole = this.add(text);
    return MARK;
  }

  private add(text: () => string): number {
    if (this.holes.length >= MAX_HOLES) this.fail(`more than ${MAX_HOLES} lines wait for later frames`);
    this.holes.push(this.unsafe === null ? text : () => '');
    this.marks++;
    return this.holes.length - 1;
  }

  /** The current packet's holes, in order, that are marked in its columns (Protocol first, then Info). */
  packetHoles(): number[] {
    const out: number[] = [];
    if (this.protocolHole >= 0) out.push(this.protocolHole);
    for (let i = this.first; i < this.holes.length; i++) if (i !== this.protocolHole && this.holes[i] !== null) out.push(i);
    return out;
  }

  /** Whether the current packet has holes (the printer cuts its line only then). */
  get packetMarked(): boolean {
    return this.marks > 0;
  }

  /** A check for the end (see `unsafe`). */
  check(fn: () => string | null): void {
    this.checks.push(fn);
  }

  fail(reason: string): void {
    this.unsafe ??= reason;
  }

  /** The read is complete: runs the checks. Returns `unsafe`. */
  finish(): string | null {
    for (const c of this.checks) {
      if (this.unsafe !== null) break;
      const r = c();
      if (r !== null) this.fail(r);
    }
    return this.unsafe;
  }

  /** The text of hole `id` (after `finish`). */
  text(id: number): string {
    return this.holes[id]?.() ?? '';
  }

  /** Every hole's text, in order (after `finish`: what a worker sends). */
  texts(): string[] {
    return this.holes.map((h) => h?.() ?? '');
  }

  /** The read goes back to two passes. */
  discard(): void {
    for (const f of this.onDiscard) f();
  }
}
