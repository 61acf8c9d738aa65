/**
 * `wirelite stats FILE conv [tcp|udp|ip|ipv6|eth]` and `stats FILE endpoints [...]`: the
 * conversation and endpoint tables of `tshark -z conv,TYPE` / `-z endpoints,TYPE` (tshark 4.0).
 *
 * A conversation's side A is the source of its first packet: `->` counts A to B, `<-` B to A.
 * TCP conversations are keyed by stream (tcp.stream), so a reused 4-tuple is a new row, as in
 * tshark; the others by their canonical address (and port) pair. Rows are printed by total frames,
 * most first; ties in order of first appearance. Times are relative to the first frame of the file.
 *
 * TCP is fed by the TCP tap (no tree, no columns: one lean pass); the others by a handful of
 * fields kept in the tree (addresses, ports; whatever follows an ICMP/ICMPv6 header is a quoted
 * packet inside an error and, as in tshark, not counted).
 *
 * Memory: a row is about 90 bytes in typed arrays (IPv4 addresses as numbers; IPv6 and MAC
 * address texts interned, shared between rows); the output is streamed (endpoints are grouped by
 * sorting typed arrays, no object per row or endpoint); at most CONV_LIMITS.maxRows rows are kept. Packets of conversations beyond it are still counted, in
 * `overflow`, and the output says so.
 */
import { CaptureFileError, type CaptureErrorKind } from '../capture/capture-error.js';
import { commandSessionOptions } from '../pipeline/session-options.js';
import type { Frame } from '../capture/frame.js';
import { elapsed } from '../capture/timestamp.js';
import { formatIPv4, formatIPv4At, formatIPv6, formatMac } from '../dissectors/bytes.js';
import { fieldByName } from '../dissectors/fields.js';
import { TCP_TAP, type TcpTapRecord } from '../dissectors/tcp/tap.js';
import { tap } from '../pipeline/index.js';
import { collectGarbageIfLarge, dissectFile, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { applicationProtocols } from '../dissectors/registry.js';

export const CONV_TYPES = ['tcp', 'udp', 'ip', 'ipv6', 'eth'] as const;
export type ConvType = (typeof CONV_TYPES)[number];

/** Named limits (documented in the README). */
export const CONV_LIMITS = {
  /** Conversation rows kept; packets of later conversations are counted in `overflow` only. */
  maxRows: 4_000_000,
};

/** tshark's table titles. */
export const CONV_TITLES: Record<ConvType, string> = { tcp: 'TCP', udp: 'UDP', ip: 'IPv4', ipv6: 'IPv6', eth: 'Ethernet' };

export interface ConvRow {
  a: string;
  b: string;
  /** Ports (TCP, UDP), else -1. */
  aPort: number;
  bPort: number;
  /** tcp.stream for TCP rows, else -1. */
  stream: number;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  /** Seconds since the first frame of the file, and the span of the conversation. */
  relStart: number;
  duration: number;
}

export interface EndpointRow {
  address: string;
  port: number;
  frames: number;
  bytes: number;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
}

/** Growable numeric columns, one entry per row (no object per conversation while reading). */
class Columns {
  cap = 1024;
  framesAB = new Float64Array(this.cap);
  bytesAB = new Float64Array(this.cap);
  framesBA = new Float64Array(this.cap);
  bytesBA = new Float64Array(this.cap);
  startSec = new Float64Array(this.cap);
  startNsec = new Int32Array(this.cap);
  stopSec = new Float64Array(this.cap);
  stopNsec = new Int32Array(this.cap);
  aPort = new Int32Array(this.cap);
  bPort = new Int32Array(this.cap);
  /** Addresses of A and B as codes: an IPv4 address as its u32, others 2^32 + index in `addrs`. */
  aAddr = new Float64Array(this.cap);
  bAddr = new Float64Array(this.cap);
  /** TCP: the direction (tap `dir`) of A's packets; others unused. */
  aDir = new Uint8Array(this.cap);
  stream = new Int32Array(this.cap);
  /** The number of the row's first frame (orders rows from several shards of a parallel read). */
  firstFrame = new Float64Array(this.cap);

  /** Makes room for at least `n` rows (at once, not by doubling: a merged table's size is known). */
  reserve(n: number): void {
    if (n > this.cap) this.resize(n);
  }

  grow(): void {
    this.resize(this.cap * 2);
  }

  private resize(cap: number): void {
    this.cap = cap;
    const f = (a: Float64Array) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    const i = (a: Int32Array) => {
      const b = new Int32Array(this.cap);
      b.set(a);
      return b;
    };
    this.framesAB = f(this.framesAB);
    this.bytesAB = f(this.bytesAB);
    this.framesBA = f(this.framesBA);
    this.bytesBA = f(this.bytesBA);
    this.startSec = f(this.startSec);
    this.startNsec = i(this.startNsec);
    this.stopSec = f(this.stopSec);
    this.stopNsec = i(this.stopNsec);
    this.aPort = i(this.aPort);
    this.bPort = i(this.bPort);
    this.aAddr = f(this.aAddr);
    this.bAddr = f(this.bAddr);
    this.stream = i(this.stream);
    this.firstFrame = f(this.firstFrame);
    const d = new Uint8Array(this.cap);
    d.set(this.aDir);
    this.aDir = d;
  }
}

/** Collects one type of conversation table over a capture file. */
export class ConvStats {
  readonly type: ConvType;
  rows = 0;
  private c = new Columns();
  /** Address texts other than IPv4 (IPv6, MAC), interned: hosts repeat across conversations. */
  private addrs: string[] = [];
  private addrIndex = new Map<string, number>();
  /** Non-TCP: row by canonical key. */
  private byKey = new Map<string, number>();
  /** TCP: row by stream index (-1: none yet). */
  private streamRow = new Int32Array(1024).fill(-1);
  /** Packets of conversations beyond CONV_LIMITS.maxRows. */
  overflowFrames = 0;
  overflowBytes = 0;
  /**
   * TCP: the highest stream index seen; streams are numbered from 0 in order of appearance, so
   * the number of TCP conversations stays exact (highest + 1) beyond the limit too.
   */
  maxStream = -1;
  /** Time of the first frame of the file (relative times count from it). */
  private firstSec = 0;
  private firstNsec = 0;
  private haveFirst = false;

  /** The display filter in front of the table (`-Y`), for the header's Filter line. */
  filterText: string | undefined;

  constructor(type: ConvType) {
    this.type = type;
  }

  /**
   * Reads `file` in one pass and fills the table. A file damaged after some frames still gives
   * the table of those frames; the error is kept in `error` (the command prints, then fails).
   */
  async collect(file: string, threads = 1, filter?: CompiledFilter): Promise<this> {
    try {
      if (threads > 1 && !filter) await this.readParallel(file, threads);
      else await this.read(file, undefined, filter);
    } catch (e) {
      if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
      this.error = e;
    }
    // The dissection state (flow table, analysis) is garbage now: free it before the output's
    // tables are built, so that the two never add up in the peak memory (a parallel read did).
    if (threads <= 1) collectGarbageIfLarge();
    return this;
  }

  /** The damage that stopped the read (after `framesRead` frames), if any. */
  error: CaptureFileError | undefined;

  /**
   * One worker's part of a parallel read (src/cli/stats-worker.ts): the conversations of shard
   * `index` of `count`, with everything needed to merge them (see `merge`).
   */
  async collectShard(file: string, index: number, count: number): Promise<ConvShard> {
    let error: ConvShard['error'];
    try {
      await this.read(file, { index, count });
    } catch (e) {
      if (!(e instanceof CaptureFileError)) throw e;
      error = { kind: e.kind, detail: e.detail, framesRead: e.framesRead, offset: e.offset };
    }
    const n = this.rows;
    const c = this.c;
    // The columns themselves (rows 0..n-1 of them count), transferred, not copied: a flood's
    // table is large.
    const cols = {
      framesAB: c.framesAB, bytesAB: c.bytesAB, framesBA: c.framesBA, bytesBA: c.bytesBA,
      startSec: c.startSec, startNsec: c.startNsec, stopSec: c.stopSec, stopNsec: c.stopNsec,
      aPort: c.aPort, bPort: c.bPort, aAddr: c.aAddr, bAddr: c.bAddr, stream: c.stream, firstFrame: c.firstFrame,
    };
    return {
      rows: n, cols, addrs: this.addrs, overflowFrames: this.overflowFrames, overflowBytes: this.overflowBytes,
      streams: this.maxStream + 1, first: this.haveFirst ? { number: this.firstNumber, sec: this.firstSec, nsec: this.firstNsec } : null, error,
    };
  }

  /**
   * Reads `file` with `threads` workers, each dissecting the frames of one shard (a symmetric hash
   * of the IP address pair: src/capture/flow-hash.ts, so no conversation is split over two), then
   * merges their tables into this one.
   */
  private async readParallel(file: string, threads: number): Promise<void> {
    const { Worker } = await import('node:worker_threads');
    const url = new URL('./stats-worker.js', import.meta.url);
    // Shards 1.. in workers, shard 0 here (this thread has its modules loaded already).
    const workers = Array.from({ length: threads - 1 }, (_, k) => new Promise<ConvShard>((resolve, reject) => {
      const index = k + 1;
      const w = new Worker(url, { workerData: { task: 'conv', file, type: this.type, index, count: threads, sessionOptions: commandSessionOptions() } });
      w.once('message', (m: { ok: true; shard: ConvShard } | { ok: false; message: string }) => (m.ok ? resolve(m.shard) : reject(new Error(m.message))));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`statistics worker ${index} exited with code ${code}`)));
    }));
    // Let the workers start before this thread gets busy.
    await new Promise((r) => setTimeout(r, 0));
    const parts = await Promise.all([new ConvStats(this.type).collectShard(file, 0, threads), ...workers]);
    // This thread's dissection state is garbage now: free it before the merged table is built.
    collectGarbageIfLarge();
    this.merge(parts);
    const e = parts.find((p) => p.error)?.error;
    if (e) throw new CaptureFileError(e.kind, e.detail, e.framesRead, e.offset);
  }

  /**
   * Merges the tables of the shards of a parallel read into this (empty) one, as one read would
   * have made it: rows in order of their first frame (TCP streams numbered in that order, as
   * tcp.stream numbers them); rows of the same conversation from several shards (Ethernet
   * addresses carry many IP pairs) added up, side A being the sender of the earliest frame.
   */
  merge(parts: readonly ConvShard[]): void {
    const text = (p: ConvShard, code: number) => (code < ADDR_TEXT ? code : this.intern(p.addrs[code - ADDR_TEXT]!));
    const tcp = this.type === 'tcp';
    // A k-way merge: each shard's rows are already in order of their first frame (rows are made
    // as frames come); ties (one frame, two rows: a tunnel) keep their shard's order.
    const next = new Int32Array(parts.length);
    this.c.reserve(Math.min(CONV_LIMITS.maxRows, parts.reduce((n, p) => n + p.rows, 0)));
    for (;;) {
      let k = -1;
      for (let j = 0; j < parts.length; j++) {
        if (next[j]! >= parts[j]!.rows) continue;
        if (k < 0 || parts[j]!.cols.firstFrame[next[j]!]! < parts[k]!.cols.firstFrame[next[k]!]!) k = j;
      }
      if (k < 0) break;
      const i = next[k]!++;
      const p = parts[k]!;
      const s = p.cols;
      const a = text(p, s.aAddr[i]!);
      const b = text(p, s.bAddr[i]!);
      const ap = s.aPort[i]!;
      const bp = s.bPort[i]!;
      // TCP rows are streams (never the same in two shards); the others are found by their key.
      const key = tcp ? '' : pairKey(a, ap, b, bp);
      let row = tcp ? undefined : this.byKey.get(key);
      let same = true;
      if (row === undefined) {
        if (this.rows >= CONV_LIMITS.maxRows) {
          this.overflowFrames += s.framesAB[i]! + s.framesBA[i]!;
          this.overflowBytes += s.bytesAB[i]! + s.bytesBA[i]!;
          continue;
        }
        row = this.newRow(s.startSec[i]!, s.startNsec[i]!, s.firstFrame[i]!);
        if (!tcp) this.byKey.set(key, row);
        const c = this.c;
        c.aAddr[row] = a;
        c.bAddr[row] = b;
        c.aPort[row] = ap;
        c.bPort[row] = bp;
        c.stopSec[row] = s.stopSec[i]!;
        c.stopNsec[row] = s.stopNsec[i]!;
        if (tcp) {
          c.stream[row] = row;
          while (row >= this.streamRow.length) this.streamRow = grownFilled(this.streamRow);
          this.streamRow[row] = row;
        }
      } else {
        const c = this.c;
        same = c.aAddr[row] === a && c.aPort[row] === ap;
        this.touch(row, s.startSec[i]!, s.startNsec[i]!);
        this.touch(row, s.stopSec[i]!, s.stopNsec[i]!);
      }
      const c = this.c;
      c.framesAB[row] += same ? s.framesAB[i]! : s.framesBA[i]!;
      c.bytesAB[row] += same ? s.bytesAB[i]! : s.bytesBA[i]!;
      c.framesBA[row] += same ? s.framesBA[i]! : s.framesAB[i]!;
      c.bytesBA[row] += same ? s.bytesBA[i]! : s.bytesAB[i]!;
    }
    for (const p of parts) {
      this.overflowFrames += p.overflowFrames;
      this.overflowBytes += p.overflowBytes;
    }
    this.maxStream = parts.reduce((n, p) => n + p.streams, 0) - 1;
    const first = parts.map((p) => p.first).filter((f) => f !== null).sort((x, y) => x.number - y.number)[0];
    if (first) {
      this.haveFirst = true;
      this.firstSec = first.sec;
      this.firstNsec = first.nsec;
      this.firstNumber = first.number;
    }
  }

  private async read(file: string, shard?: { index: number; count: number }, filter?: CompiledFilter): Promise<void> {
    // Relative times count from the file's first frame, whatever the display filter passes.
    const onFrame = (frame: Frame) => this.firstFrame(frame);
    if (this.type === 'tcp') {
      const opts = { columns: false, twoPass: false, count: 0, fields: [], periodicGc: false, disabledProtocols: unreadProtocols(), experts: false, shard, reuseFrames: true, onFrame, taps: [tap(TCP_TAP, (r) => this.tcpSegment(r))] };
      await dissectFile(file, withDisplayFilter(opts, filter));
      return;
    }
    const ids = FIELD_NAMES.map((n) => fieldByName(n)!.id);
    const [ipSrc, ipDst, ip6Src, ip6Dst, ethDst, ethSrc, udpSrc, udpDst, icmp, icmp6, fragOffset, fragMore, ip6Fragments] = ids as [number, number, number, number, number, number, number, number, number, number, number, number, number];
    const type = this.type;
    const opts = { columns: false, twoPass: false, count: 0, fields: ids, periodicGc: false, disabledProtocols: unreadProtocols(), experts: false, shard, reuseFrames: true, onFrame };
    await dissectFile(file, withDisplayFilter(opts, filter), (pkt, frame) => {
      const n = pkt.n;
      const fid = pkt.fid;
      let a = '';
      let b = '';
      // IPv6: a header counts once its payload reaches the next protocol, as tshark's tap: a
      // fragment counts only in the frame that reassembles it.
      let v6a = '';
      let v6b = '';
      let v6Pending = false;
      let v6Fragment = false;
      const flushV6 = () => {
        if (v6Pending && !v6Fragment) this.addPacket(v6a, -1, v6b, -1, frame);
        v6Pending = false;
      };
      for (let i = 0; i < n; i++) {
        const f = fid[i]!;
        if (f === icmp || f === icmp6) break; // what follows is quoted in an ICMP error
        if (f === ipSrc) a = formatIPv4(pkt.num[i]!);
        else if (f === ipDst) {
          b = formatIPv4(pkt.num[i]!);
          if (type === 'ip') this.addPacket(a, -1, b, -1, frame);
        } else if (f === ip6Src) {
          if (type === 'ipv6') flushV6();
          v6a = formatIPv6(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
        } else if (f === ip6Dst) {
          v6b = formatIPv6(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
          v6Pending = true;
          v6Fragment = false;
        } else if (f === fragOffset || f === fragMore) {
          if (pkt.num[i] !== 0) v6Fragment = true;
        } else if (f === ip6Fragments) v6Fragment = false;
        else if (f === ethDst) b = formatMac(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
        else if (f === ethSrc) {
          if (type === 'eth') this.addPacket(formatMac(pkt.sources[pkt.src[i]!]!, pkt.start[i]!), -1, b, -1, frame);
        } else if (f === udpSrc && type === 'udp' && i + 1 < n && fid[i + 1] === udpDst && pkt.ipVersion !== 0) {
          // The addresses of the transport pseudo-header, as tshark's UDP tap: with an IPv6
          // routing header, the final destination.
          const h = pkt.ipHdr;
          const v6 = pkt.ipVersion === 6;
          const src = v6 ? formatIPv6(h, pkt.ipSrcOff) : formatIPv4At(h, pkt.ipSrcOff);
          const dst = v6 ? formatIPv6(h, pkt.ipDstOff) : formatIPv4At(h, pkt.ipDstOff);
          this.addPacket(src, pkt.num[i]!, dst, pkt.num[i + 1]!, frame);
        }
      }
      if (type === 'ipv6') flushV6();
    });
  }

  /** Every frame read: the time of the file's first frame. */
  private firstFrame(frame: Frame): void {
    if (!this.haveFirst) {
      this.haveFirst = true;
      this.firstSec = frame.tsSec;
      this.firstNsec = frame.tsNsec;
      this.firstNumber = frame.number;
    }
  }
  /** The number of the first frame read (1 but in a shard of a parallel read). */
  private firstNumber = 0;

  /** The code of an address text (see Columns.aAddr). */
  private intern(s: string): number {
    let i = this.addrIndex.get(s);
    if (i === undefined) {
      i = this.addrs.length;
      this.addrs.push(s);
      this.addrIndex.set(s, i);
    }
    return ADDR_TEXT + i;
  }

  private addrText(code: number): string {
    return code < ADDR_TEXT ? formatIPv4(code) : (this.addrs[code - ADDR_TEXT] ?? '');
  }

  private newRow(sec: number, nsec: number, frame: number): number {
    const c = this.c;
    const row = this.rows++;
    if (row === c.cap) c.grow();
    c.firstFrame[row] = frame;
    c.framesAB[row] = 0;
    c.bytesAB[row] = 0;
    c.framesBA[row] = 0;
    c.bytesBA[row] = 0;
    c.startSec[row] = sec;
    c.startNsec[row] = nsec;
    c.stopSec[row] = sec;
    c.stopNsec[row] = nsec;
    c.stream[row] = -1;
    return row;
  }

  /** tshark's update of a conversation's times: a later packet moves the stop, an earlier the start. */
  private touch(row: number, sec: number, nsec: number): void {
    const c = this.c;
    const ss = c.stopSec[row]!;
    if (sec > ss || (sec === ss && nsec > c.stopNsec[row]!)) {
      c.stopSec[row] = sec;
      c.stopNsec[row] = nsec;
    } else {
      const s = c.startSec[row]!;
      if (sec < s || (sec === s && nsec < c.startNsec[row]!)) {
        c.startSec[row] = sec;
        c.startNsec[row] = nsec;
      }
    }
  }

  /** The TCP tap: one call per segment, on the hot path of `stats conv tcp`. */
  private tcpSegment(r: TcpTapRecord): void {
    const stream = r.stream;
    if (stream > this.maxStream) this.maxStream = stream;
    let row = stream < this.streamRow.length ? this.streamRow[stream]! : -1;
    if (row < 0) {
      if (this.rows >= CONV_LIMITS.maxRows) {
        this.overflowFrames++;
        this.overflowBytes += r.frameLen;
        return;
      }
      row = this.newRow(r.tsSec, r.tsNsec, r.frame);
      while (stream >= this.streamRow.length) this.streamRow = grownFilled(this.streamRow);
      this.streamRow[stream] = row;
      const c = this.c;
      c.stream[row] = stream;
      c.aDir[row] = r.dir;
      c.aPort[row] = r.srcPort;
      c.bPort[row] = r.dstPort;
      const h = r.addrBytes;
      const v6 = r.ipVersion === 6;
      c.aAddr[row] = v6 ? this.intern(formatIPv6(h, r.srcAddrOff)) : u32At(h, r.srcAddrOff);
      c.bAddr[row] = v6 ? this.intern(formatIPv6(h, r.dstAddrOff)) : u32At(h, r.dstAddrOff);
    } else this.touch(row, r.tsSec, r.tsNsec);
    const c = this.c;
    if (r.dir === c.aDir[row]) {
      c.framesAB[row]++;
      c.bytesAB[row] += r.frameLen;
    } else {
      c.framesBA[row]++;
      c.bytesBA[row] += r.frameLen;
    }
  }

  /** A packet of a non-TCP conversation (ports -1 when there are none). */
  private addPacket(src: string, sp: number, dst: string, dp: number, frame: Frame): void {
    const srcCode = this.intern(src);
    const dstCode = this.intern(dst);
    const key = pairKey(srcCode, sp, dstCode, dp);
    let row = this.byKey.get(key);
    const len = frame.origLen;
    if (row === undefined) {
      if (this.rows >= CONV_LIMITS.maxRows) {
        this.overflowFrames++;
        this.overflowBytes += len;
        // Each overflowing key is counted once (the key set is what the limit bounds: keep the
        // count of conversations exact only while it fits).
        return;
      }
      row = this.newRow(frame.tsSec, frame.tsNsec, frame.number);
      this.byKey.set(key, row);
      const c = this.c;
      c.aAddr[row] = srcCode;
      c.bAddr[row] = dstCode;
      c.aPort[row] = sp;
      c.bPort[row] = dp;
    } else this.touch(row, frame.tsSec, frame.tsNsec);
    const c = this.c;
    if (c.aAddr[row] === srcCode && c.aPort[row] === sp) {
      c.framesAB[row]++;
      c.bytesAB[row] += len;
    } else {
      c.framesBA[row]++;
      c.bytesBA[row] += len;
    }
  }

  /** Seconds from the first frame to (sec, nsec), as tshark's nstime_delta then nstime_to_sec. */
  private rel(sec: number, nsec: number): number {
    return elapsed(this.firstSec, this.firstNsec, sec, nsec, 1);
  }

  /** Row indexes in tshark's order: most frames first, ties in order of first appearance. */
  private order(): Int32Array {
    const c = this.c;
    let n = 0;
    const order = new Int32Array(this.rows);
    for (let i = 0; i < this.rows; i++) if (c.framesAB[i]! + c.framesBA[i]! > 0) order[n++] = i;
    return order.subarray(0, n).sort((x, y) => c.framesAB[y]! + c.framesBA[y]! - (c.framesAB[x]! + c.framesBA[x]!) || x - y);
  }

  private row(i: number): ConvRow {
    const c = this.c;
    const start = this.rel(c.startSec[i]!, c.startNsec[i]!);
    return {
      a: this.addrText(c.aAddr[i]!),
      b: this.addrText(c.bAddr[i]!),
      aPort: c.aPort[i]!,
      bPort: c.bPort[i]!,
      stream: c.stream[i]!,
      framesAB: c.framesAB[i]!,
      bytesAB: c.bytesAB[i]!,
      framesBA: c.framesBA[i]!,
      bytesBA: c.bytesBA[i]!,
      relStart: start,
      duration: this.rel(c.stopSec[i]!, c.stopNsec[i]!) - start,
    };
  }

  /** The rows in tshark's order (for tests and small tables; the writers below stream). */
  conversations(): ConvRow[] {
    return Array.from(this.order(), (i) => this.row(i));
  }

  /**
   * The endpoints (tshark -z endpoints): per address (and port), packets and bytes sent (tx) and
   * received (rx), summed from the conversations (A sends A-to-B, B sends B-to-A); most packets
   * first, ties in order of first appearance (which is the order of the conversations' first
   * packets). Columns, not objects: a SYN flood has as many endpoints as conversations.
   */
  private endpointTable(): { order: Int32Array; addr: Float64Array; port: Int32Array; tx: Float64Array; txB: Float64Array; rx: Float64Array; rxB: Float64Array } {
    const c = this.c;
    // Every conversation has two sides (2i: A, 2i+1: B); sides with the same (address, port) are
    // one endpoint. Grouped by sorting the sides by key: typed arrays only, no map of endpoints.
    const sides = this.rows * 2;
    const key = new Float64Array(sides);
    for (let i = 0; i < this.rows; i++) {
      key[2 * i] = c.aAddr[i]! * 65537 + c.aPort[i]! + 1;
      key[2 * i + 1] = c.bAddr[i]! * 65537 + c.bPort[i]! + 1;
    }
    const bySide = new Int32Array(sides);
    for (let k = 0; k < sides; k++) bySide[k] = k;
    bySide.sort((x, y) => key[x]! - key[y]! || x - y);
    // One entry per endpoint, numbered in order of first appearance (its smallest side).
    let n = 0;
    for (let k = 0; k < sides; k++) if (k === 0 || key[bySide[k]!] !== key[bySide[k - 1]!]) n++;
    const first = new Int32Array(n);
    const group = new Int32Array(sides);
    let g = -1;
    for (let k = 0; k < sides; k++) {
      const side = bySide[k]!;
      if (k === 0 || key[side] !== key[bySide[k - 1]!]) first[++g] = side;
      group[side] = g;
    }
    const addr = new Float64Array(n);
    const port = new Int32Array(n);
    const tx = new Float64Array(n);
    const txB = new Float64Array(n);
    const rx = new Float64Array(n);
    const rxB = new Float64Array(n);
    for (let i = 0; i < this.rows; i++) {
      const a = group[2 * i]!;
      const b = group[2 * i + 1]!;
      addr[a] = c.aAddr[i]!;
      port[a] = c.aPort[i]!;
      addr[b] = c.bAddr[i]!;
      port[b] = c.bPort[i]!;
      tx[a] += c.framesAB[i]!;
      txB[a] += c.bytesAB[i]!;
      rx[a] += c.framesBA[i]!;
      rxB[a] += c.bytesBA[i]!;
      tx[b] += c.framesBA[i]!;
      txB[b] += c.bytesBA[i]!;
      rx[b] += c.framesAB[i]!;
      rxB[b] += c.bytesAB[i]!;
    }
    let m = 0;
    const order = new Int32Array(n);
    for (let e = 0; e < n; e++) if (tx[e]! + rx[e]! > 0) order[m++] = e;
    return { order: order.subarray(0, m).sort((x, y) => tx[y]! + rx[y]! - (tx[x]! + rx[x]!) || first[x]! - first[y]!), addr, port, tx, txB, rx, rxB };
  }

  endpoints(): EndpointRow[] {
    const t = this.endpointTable();
    return Array.from(t.order, (e) => ({
      address: this.addrText(t.addr[e]!),
      port: t.port[e]!,
      frames: t.tx[e]! + t.rx[e]!,
      bytes: t.txB[e]! + t.rxB[e]!,
      txFrames: t.tx[e]!,
      txBytes: t.txB[e]!,
      rxFrames: t.rx[e]!,
      rxBytes: t.rxB[e]!,
    }));
  }

  private get hasPorts(): boolean {
    return this.type === 'tcp' || this.type === 'udp';
  }

  /** Writes the `tshark -q -z conv,TYPE` text. */
  writeConvText(out: TextSink): void {
    const ports = this.hasPorts;
    const w = ports ? 26 : 20;
    const pad = ' '.repeat(w * 2 + 7);
    out.write(`${RULE}\n${CONV_TITLES[this.type]} Conversations\nFilter:${this.filterText ?? '<No Filter>'}\n`);
    out.write(`${pad}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n`);
    out.write(`${pad}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n`);
    for (const i of this.order()) {
      const r = this.row(i);
      const a = ports ? `${r.a}:${r.aPort}` : r.a;
      const b = ports ? `${r.b}:${r.bPort}` : r.b;
      out.write(
        `${a.padEnd(w)} <-> ${b.padEnd(w)}  ${num(r.framesBA, 6)} ${formatSize(r.bytesBA).padEnd(9)}  ${num(r.framesAB, 6)} ${formatSize(r.bytesAB).padEnd(9)}  ${num(r.framesAB + r.framesBA, 6)} ${formatSize(r.bytesAB + r.bytesBA).padEnd(9)}  ` +
          `${fixed(r.relStart, 9).padStart(14)}   ${fixed(r.duration, 4).padStart(12)}\n`,
      );
    }
    out.write(`${RULE}\n`);
    if (this.overflowFrames) out.write(overflowNote(this));
  }

  /** Writes the `tshark -q -z endpoints,TYPE` text. */
  writeEndpointsText(out: TextSink): void {
    const ports = this.hasPorts;
    out.write(`${RULE}\n${CONV_TITLES[this.type]} Endpoints\nFilter:${this.filterText ?? '<No Filter>'}\n`);
    out.write(
      ports
        ? '                       |  Port  ||  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n'
        : '                       |  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n',
    );
    const t = this.endpointTable();
    for (const e of t.order) {
      // tshark: "%-20s      %5u     %6u" with ports, "%-20s      %6u" without.
      let line = this.addrText(t.addr[e]!).padEnd(20);
      line += ports ? `      ${num(t.port[e]!, 5)}     ` : '      ';
      line += `${num(t.tx[e]! + t.rx[e]!, 6)}     ${num(t.txB[e]! + t.rxB[e]!, 9)}     ${num(t.tx[e]!, 6)}       ${num(t.txB[e]!, 9)}      ${num(t.rx[e]!, 6)}       ${num(t.rxB[e]!, 9)}   \n`;
      out.write(line);
    }
    out.write(`${RULE}\n`);
    if (this.overflowFrames) out.write(overflowNote(this));
  }

  /** Writes `--json` lines: one object per conversation, typed numbers, times in seconds. */
  writeConvJson(out: TextSink): void {
    const ports = this.hasPorts;
    for (const i of this.order()) {
      const r = this.row(i);
      const o: Record<string, unknown> = { type: this.type };
      if (this.type === 'tcp') o.stream = r.stream;
      o.a = r.a;
      if (ports) o.aPort = r.aPort;
      o.b = r.b;
      if (ports) o.bPort = r.bPort;
      o.framesAtoB = r.framesAB;
      o.bytesAtoB = r.bytesAB;
      o.framesBtoA = r.framesBA;
      o.bytesBtoA = r.bytesBA;
      o.frames = r.framesAB + r.framesBA;
      o.bytes = r.bytesAB + r.bytesBA;
      o.relStart = round9(r.relStart);
      o.duration = round9(r.duration);
      out.write(JSON.stringify(o) + '\n');
    }
    if (this.overflowFrames) out.write(this.overflowJson());
  }

  /** Writes `--json` lines: one object per endpoint. */
  writeEndpointsJson(out: TextSink): void {
    const ports = this.hasPorts;
    const t = this.endpointTable();
    for (const e of t.order) {
      const o: Record<string, unknown> = { type: this.type, address: this.addrText(t.addr[e]!) };
      if (ports) o.port = t.port[e]!;
      o.frames = t.tx[e]! + t.rx[e]!;
      o.bytes = t.txB[e]! + t.rxB[e]!;
      o.txFrames = t.tx[e]!;
      o.txBytes = t.txB[e]!;
      o.rxFrames = t.rx[e]!;
      o.rxBytes = t.rxB[e]!;
      out.write(JSON.stringify(o) + '\n');
    }
    if (this.overflowFrames) out.write(this.overflowJson());
  }

  private overflowJson(): string {
    return JSON.stringify({ type: this.type, overflow: true, limit: CONV_LIMITS.maxRows, ...(this.type === 'tcp' ? { conversations: this.maxStream + 1 } : {}), frames: this.overflowFrames, bytes: this.overflowBytes }) + '\n';
  }

  /** The texts as strings (tests, small tables). */
  convText(): string {
    return collectText((o) => this.writeConvText(o));
  }
  endpointsText(): string {
    return collectText((o) => this.writeEndpointsText(o));
  }
  convJson(): string {
    return collectText((o) => this.writeConvJson(o));
  }
  endpointsJson(): string {
    return collectText((o) => this.writeEndpointsJson(o));
  }
}

/**
 * The protocols no table reads, disabled while reading (less work, the same tables): the
 * application protocols and ICMP/ICMPv6 (their echo pairing is not needed, and the packet an error
 * quotes is not counted, whether it is dissected as a quote or left as data).
 */
export function unreadProtocols(): string[] {
  return [...applicationProtocols(), 'icmp', 'icmpv6'];
}

/** One shard's table, as a worker of a parallel read sends it (typed arrays, one entry per row). */
export interface ConvShard {
  rows: number;
  cols: {
    framesAB: Float64Array; bytesAB: Float64Array; framesBA: Float64Array; bytesBA: Float64Array;
    startSec: Float64Array; startNsec: Int32Array; stopSec: Float64Array; stopNsec: Int32Array;
    aPort: Int32Array; bPort: Int32Array; aAddr: Float64Array; bAddr: Float64Array;
    stream: Int32Array; firstFrame: Float64Array;
  };
  /** Address texts the codes of `aAddr`/`bAddr` refer to. */
  addrs: string[];
  overflowFrames: number;
  overflowBytes: number;
  /** TCP streams seen (numbered 0..streams-1 in the shard). */
  streams: number;
  /** The shard's first frame (its number and time), if it had any. */
  first: { number: number; sec: number; nsec: number } | null;
  /** The damage that stopped the read (the same in every shard: each reads the whole file). */
  error?: { kind: CaptureErrorKind; detail: string; framesRead: number; offset: number };
}

/** The typed arrays of a shard (what a worker transfers instead of copying). */
export function shardTransferables(s: ConvShard): ArrayBuffer[] {
  return Object.values(s.cols).map((a) => a.buffer as ArrayBuffer);
}

/** One key for both directions of a non-TCP conversation (address codes and ports): the smaller endpoint first. */
function pairKey(a: number, ap: number, b: number, bp: number): string {
  return a < b || (a === b && ap <= bp) ? `${a} ${ap} ${b} ${bp}` : `${b} ${bp} ${a} ${ap}`;
}

/** An Int32Array twice as long, the new half -1. */
function grownFilled(a: Int32Array): Int32Array<ArrayBuffer> {
  const g = new Int32Array(a.length * 2).fill(-1);
  g.set(a);
  return g;
}

/** Where the writers put their text (a buffered stdout writer, or a string collector). */
export interface TextSink {
  write(s: string): void;
}

function collectText(fn: (o: TextSink) => void): string {
  const parts: string[] = [];
  fn({ write: (s) => void parts.push(s) });
  return parts.join('');
}

/** Fields the non-TCP tables read (in this order; see `collect`). */
const FIELD_NAMES = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'eth.dst', 'eth.src', 'udp.srcport', 'udp.dstport', 'icmp', 'icmpv6', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fragments'];

const RULE = '='.repeat(80);

/** Address codes from here on index `addrs` (below: IPv4 addresses as u32). */
const ADDR_TEXT = 2 ** 32;

function u32At(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

function overflowNote(s: ConvStats): string {
  const total = s.type === 'tcp' ? ` (${s.maxStream + 1} TCP conversations in all)` : '';
  return `(more than ${CONV_LIMITS.maxRows} conversations${total}: ${s.overflowFrames} frames, ${s.overflowBytes} bytes of later conversations are not in the table)\n`;
}

function num(v: number, w: number): string {
  return String(v).padStart(w);
}

function round9(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

/**
 * Wireshark's format_size (SI prefixes, "bytes" below 10 kB): integer division, so 10,999
 * bytes are "10 kB".
 */
export function formatSize(n: number): string {
  const p = 1000;
  if (Math.floor(n / p ** 4) >= 10) return `${Math.floor(n / p ** 4)} TB`;
  if (Math.floor(n / p ** 3) >= 10) return `${Math.floor(n / p ** 3)} GB`;
  if (Math.floor(n / p ** 2) >= 10) return `${Math.floor(n / p ** 2)} MB`;
  if (Math.floor(n / p) >= 10) return `${Math.floor(n / p)} kB`;
  return `${n} bytes`;
}

/**
 * C's printf("%.Nf") of a double: the exact binary value rounded half to even (JavaScript's
 * toFixed rounds exact ties up, e.g. 0.03125 to 4 places).
 */
export function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  // A tie is only possible when the value has exactly digits+1 decimals ending in 5 (cheap test
  // first: the scaled value is within rounding of a half).
  const scaled = Math.abs(v) * 10 ** digits;
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6 * Math.max(1, scaled)) return s;
  const exact = v.toFixed(Math.min(100, digits + 30));
  const tail = exact.slice(exact.indexOf('.') + 1 + digits);
  if (/^50*$/.test(tail)) {
    const down = v < 0 ? -Math.ceil(-v * 10 ** digits) : Math.floor(v * 10 ** digits);
    const lastDigitEven = Math.abs(down) % 2 === 0;
    if (lastDigitEven) return (down / 10 ** digits).toFixed(digits);
  }
  return s;
}
