/**
 * Taps: what a dissector found for statistics (a TCP segment's numbers and verdicts, a DNS
 * message's question and pairing), without building a tree, as Wireshark's taps.
 *
 * A dissector fills a record it gets from its session (`SessionTaps.record`); the record is queued
 * and delivered to the session's listeners AFTER the packet is dissected, as Wireshark queues tap
 * data: the pipeline (src/pipeline/driver.ts) runs the display filter first and delivers the
 * records of a packet that passed (`deliver`), or drops them (`discard`). Outside the pipeline
 * `dissectFrame` delivers at its end. Listeners belong to one session (`session.taps.add`, or the
 * pipeline's `taps` option): there is no listener list outside a session.
 *
 * Records are pooled per session and kind: the common packet (one TCP segment) costs no allocation;
 * a packet with several (a tunnel, DNS messages in one TCP segment) takes a second pooled record.
 * A listener copies what it keeps: the record is reused by the next packet.
 */

export type TapListener<R> = (r: R) => void;

let nextKind = 0;

/** A kind of tap record (TCP_TAP in ./tcp/tap.ts, DNS_TAP in the DNS dissector). */
export class TapKind<R extends object> {
  readonly id = nextKind++;
  constructor(
    readonly name: string,
    /** A fresh record (every field set: a filled record is one of these with its fields overwritten). */
    readonly make: () => R,
  ) {}
}

/** One session's listeners and the records queued for its current packet. */
export class SessionTaps {
  /** Listeners by kind id (made on first use). */
  private readonly lists: (TapListener<object>[] | undefined)[] = [];
  /** Pooled records by kind id, and how many of each the current packet took. */
  private readonly pools: object[][] = [];
  private readonly used: number[] = [];
  /** The queue of the current packet: listeners and record, in the order the dissectors filled them. */
  private qLists: TapListener<object>[][] = [];
  private qRecs: object[] = [];
  private n = 0;
  /** The pipeline delivers (after its display filter); false: `dissectFrame` delivers at its end. */
  hold = false;

  /** The listeners of `kind` in this session. */
  listeners<R extends object>(kind: TapKind<R>): TapListener<R>[] {
    let l = this.lists[kind.id];
    if (l === undefined) {
      l = [];
      this.lists[kind.id] = l;
    }
    return l as TapListener<R>[];
  }

  /** Whether anything listens to `kind` (a dissector fills no record otherwise: no cost). */
  on<R extends object>(kind: TapKind<R>): boolean {
    const l = this.lists[kind.id];
    return l !== undefined && l.length > 0;
  }

  /** Adds a listener to this session; returns the function that removes it. */
  add<R extends object>(kind: TapKind<R>, fn: TapListener<R>): () => void {
    const l = this.listeners(kind);
    l.push(fn);
    return () => {
      const i = l.indexOf(fn);
      if (i >= 0) l.splice(i, 1);
    };
  }

  /** A record of `kind` for the current packet, queued: the caller fills every field. */
  record<R extends object>(kind: TapKind<R>): R {
    const id = kind.id;
    const pool = (this.pools[id] ??= []);
    const k = this.used[id] ?? 0;
    this.used[id] = k + 1;
    let r = pool[k] as R | undefined;
    if (r === undefined) {
      r = kind.make();
      pool[k] = r;
    }
    this.enqueue(this.listeners(kind) as TapListener<object>[], r);
    return r;
  }

  private enqueue(l: TapListener<object>[], r: object): void {
    const n = this.n++;
    this.qLists[n] = l;
    this.qRecs[n] = r;
  }

  /** Whether the current packet queued records. */
  get pending(): boolean {
    return this.n > 0;
  }

  /** Hands the current packet's records to their listeners, in order, and empties the queue. */
  deliver(): void {
    const n = this.n;
    if (n === 0) return;
    try {
      for (let i = 0; i < n; i++) {
        const l = this.qLists[i]!;
        const r = this.qRecs[i]!;
        for (let j = 0; j < l.length; j++) l[j]!(r);
      }
    } finally {
      this.discard();
    }
  }

  /** Drops the current packet's records (the display filter rejected it). */
  discard(): void {
    this.n = 0;
    const used = this.used;
    for (let i = 0; i < used.length; i++) used[i] = 0;
  }
}
