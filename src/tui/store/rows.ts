/**
 * The packet list's rows in compact form: a `RowBatch` holds the summaries of consecutive frames
 * in typed arrays (time, length, offset in the file, addresses and protocol as ids of interned
 * strings, the Info column as UTF-8 bytes, colouring rule, expert severity, tcp.stream), so a
 * batch crosses from the indexing worker to the UI thread by transfer, not copy, and two million
 * rows cost typed arrays rather than millions of objects.
 *
 * `RowBuilder` makes batches from dissected packets: the column texts are the summary line's
 * (src/render/output.ts), the colour the first matching rule of src/render/color.ts.
 */
import { deflateRawSync } from 'node:zlib';
import type { Frame } from '../../capture/frame.js';
import { fieldByName } from '../../dissectors/fields.js';
import type { Packet } from '../../dissectors/packet.js';
import { COLOR_RULES, colorFieldIds, colorRuleFor } from '../../render/color.js';
import { protocolColumn } from '../../render/output.js';

/** Rows per batch sent by a file's indexer (a live capture sends smaller ones, by time). */
export const BATCH_ROWS = 8192;

export interface RowBatch {
  /** 1: the first pass of two (replaced by the second), 2: the second pass, 0: a single pass (live). */
  pass: 0 | 1 | 2;
  /** Frame number of the first row. */
  first: number;
  count: number;
  /** Seconds since the epoch (NaN: the frame has no time stamp). */
  tsSec: Float64Array;
  tsNsec: Uint32Array;
  origLen: Uint32Array;
  capLen: Uint32Array;
  iface: Uint16Array;
  /** Offset of the frame's bytes in the file (-1: unknown). */
  offset: Float64Array;
  /** Interned string ids. */
  src: Uint32Array;
  dst: Uint32Array;
  proto: Uint32Array;
  color: Int8Array;
  severity: Uint8Array;
  stream: Int32Array;
  /** info[infoEnd[i-1] .. infoEnd[i]) is row i's Info column in UTF-8 (once inflated, see `packed`). */
  infoEnd: Uint32Array;
  info: Uint8Array;
  /**
   * `info` is deflated (raw deflate, level 1: packet text shrinks about 4 times), so two million
   * rows fit the memory budget; the store inflates the few batches on screen.
   */
  packed?: boolean;
  /** Strings interned while this batch was made: ids stringBase, stringBase+1, ... */
  stringBase: number;
  strings: string[];
}

/** The buffers of a batch, to transfer to another thread. */
export function batchTransferables(b: RowBatch): ArrayBuffer[] {
  return [b.tsSec, b.tsNsec, b.origLen, b.capLen, b.iface, b.offset, b.src, b.dst, b.proto, b.color, b.severity, b.stream, b.infoEnd, b.info].map((a) => a.buffer as ArrayBuffer);
}

/** Fields the row builder reads from the tree: the colouring rules' and tcp.stream. */
export function rowFieldIds(): number[] {
  const ids = colorFieldIds();
  const s = fieldByName('tcp.stream')?.id;
  if (s !== undefined) ids.push(s);
  return ids;
}

const encoder = new TextEncoder();

/** Builds batches row by row. One builder per indexing run: its string ids are the run's. */
export class RowBuilder {
  private readonly ids = new Map<string, number>();
  private nextId = 0;
  private cur: RowBatch;
  private infoPos = 0;
  private readonly streamField = fieldByName('tcp.stream')?.id ?? -1;

  constructor(
    private pass: 0 | 1 | 2,
    private readonly capacity = BATCH_ROWS,
  ) {
    this.cur = this.fresh(1);
  }

  private fresh(first: number): RowBatch {
    const n = this.capacity;
    this.infoPos = 0;
    return {
      pass: this.pass, first, count: 0,
      tsSec: new Float64Array(n), tsNsec: new Uint32Array(n), origLen: new Uint32Array(n), capLen: new Uint32Array(n),
      iface: new Uint16Array(n), offset: new Float64Array(n), src: new Uint32Array(n), dst: new Uint32Array(n),
      proto: new Uint32Array(n), color: new Int8Array(n), severity: new Uint8Array(n), stream: new Int32Array(n),
      infoEnd: new Uint32Array(n), info: new Uint8Array(n * 64), stringBase: this.nextId, strings: [],
    };
  }

  private intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(s, id);
      this.cur.strings.push(s);
    }
    return id;
  }

  /** Starts the rows of another pass (the frame numbers start again at 1). */
  startPass(pass: 0 | 1 | 2): void {
    this.pass = pass;
    this.cur = this.fresh(1);
  }

  get pending(): number {
    return this.cur.count;
  }

  /** Adds the row of a dissected packet; returns a full batch to send, if this row filled one. */
  add(pkt: Packet, frame: Frame, offset: number): RowBatch | undefined {
    const b = this.cur;
    if (b.count === 0) b.first = frame.number;
    const i = b.count++;
    b.tsSec[i] = frame.hasTime ? frame.tsSec : NaN;
    b.tsNsec[i] = frame.tsNsec;
    b.origLen[i] = frame.origLen;
    b.capLen[i] = frame.capLen;
    b.iface[i] = frame.interfaceId;
    b.offset[i] = offset;
    b.src[i] = this.intern(pkt.colSrc);
    b.dst[i] = this.intern(pkt.colDst);
    b.proto[i] = this.intern(protocolColumn(pkt));
    const rule = colorRuleFor(pkt);
    b.color[i] = rule ? COLOR_RULES.indexOf(rule) : -1;
    let sev = 0;
    for (const e of pkt.expert) if (e.severity > sev) sev = e.severity;
    b.severity[i] = sev;
    const si = this.streamField >= 0 ? pkt.find(this.streamField) : -1;
    b.stream[i] = si >= 0 ? pkt.num[si]! : -1;
    const info = pkt.colInfo;
    if (this.infoPos + info.length * 3 > b.info.length) {
      const grown = new Uint8Array(Math.max(b.info.length * 2, this.infoPos + info.length * 3));
      grown.set(b.info.subarray(0, this.infoPos));
      b.info = grown;
    }
    this.infoPos += encoder.encodeInto(info, b.info.subarray(this.infoPos)).written;
    b.infoEnd[i] = this.infoPos;
    if (b.count === this.capacity) return this.flush();
    return undefined;
  }

  /** The rows added since the last batch, as a batch (undefined when there are none). */
  flush(): RowBatch | undefined {
    const b = this.cur;
    if (b.count === 0) return undefined;
    this.cur = this.fresh(b.first + b.count);
    const t = trim(b);
    if (this.pack && t.info.length > 0) {
      const z = deflateRawSync(t.info, { level: 1 });
      t.info = new Uint8Array(z.buffer, z.byteOffset, z.byteLength).slice();
      t.packed = true;
    }
    return t;
  }

  /** Deflate the Info texts of the batches (the file indexer: see RowBatch.packed). */
  pack = false;
}

/** The batch with its arrays cut to its rows (a partial batch sent by time, the last one). */
function trim(b: RowBatch): RowBatch {
  const n = b.count;
  const used = n ? b.infoEnd[n - 1]! : 0;
  if (n === b.tsSec.length && used === b.info.length) return b;
  return {
    ...b,
    tsSec: b.tsSec.slice(0, n), tsNsec: b.tsNsec.slice(0, n), origLen: b.origLen.slice(0, n), capLen: b.capLen.slice(0, n),
    iface: b.iface.slice(0, n), offset: b.offset.slice(0, n), src: b.src.slice(0, n), dst: b.dst.slice(0, n),
    proto: b.proto.slice(0, n), color: b.color.slice(0, n), severity: b.severity.slice(0, n), stream: b.stream.slice(0, n),
    infoEnd: b.infoEnd.slice(0, n), info: b.info.slice(0, used),
  };
}
