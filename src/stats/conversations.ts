/**
 * The conversation and endpoint tables of `tshark -z conv,TYPE` / `-z endpoints,TYPE` (tshark 4.0)
 * as a consumer (src/cli/conv-stats.ts reads the file and writes them as text or JSON).
 *
 * A conversation's side A is the source of its first packet: `->` counts A to B, `<-` B to A.
 * TCP conversations are keyed by stream (tcp.stream), so a reused 4-tuple is a new row, as in
 * tshark; the others by their canonical address (and port) pair. Rows are in tshark's order: by
 * total frames, most first; ties in order of first appearance. Times are relative to the first
 * frame of the file.
 *
 * TCP is fed by the TCP tap (no tree, no columns: one lean pass); the others by a handful of
 * fields kept in the tree (addresses, ports; whatever follows an ICMP/ICMPv6 header is a quoted
 * packet inside an error and, as in tshark, not counted).
 *
 * Memory: a row is about 90 bytes in typed arrays (IPv4 addresses as numbers; IPv6 and MAC
 * address texts interned, shared between rows); endpoints are grouped by sorting typed arrays (no
 * object per row or endpoint); at most CONV_LIMITS.maxRows rows are kept. Packets of
 * conversations beyond it are still counted, in `overflow`.
 */
import type { CaptureErrorKind } from '../capture/capture-error.js';
import type { Frame } from '../capture/frame.js';
import { elapsed } from '../capture/timestamp.js';
import { formatIPv4, formatIPv4At, formatIPv6, formatMac } from '../dissectors/bytes.js';
import { fieldByName } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';
import type { TcpTapRecord } from '../dissectors/tcp/tap.js';
import { protocolTitle } from './protocols.js';
import { grown } from '../dissectors/grow.js';

export const CONV_TYPES = ['tcp', 'udp', 'ip', 'ipv6', 'eth'] as const;
export type ConvType = (typeof CONV_TYPES)[number];

/** Named limits (documented in the README). */
export const CONV_LIMITS = {
  /** Conversation rows kept; packets of later conversations are counted in `overflow` only. */
  maxRows: 4_000_000,
};

/** tshark's table titles (its protocol names, src/stats/protocols.ts). */
export const CONV_TITLES = Object.fromEntries(CONV_TYPES.map((t) => [t, protocolTitle(t)])) as Record<ConvType, string>;

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
    const f = (a: Float64Array<ArrayBuffer>) => grown(a, cap);
    const i = (a: Int32Array<ArrayBuffer>) => grown(a, cap);
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
    this.aDir = grown(this.aDir, cap);
  }
}

/**
 * One type of conversation table, filled by its consumer calls: `addFrame` for every frame read
 * (the time reference), `addTcp` for each TCP tap record (type tcp) or `add` for each dissected
 * packet (the others: its tree keeps `fieldIds()`); `conversations()`/`endpoints()` the rows.
 * Reads nothing: src/cli/conv-stats.ts reads the file and writes the tables.
 */
export class ConversationTable {
  readonly type: ConvType;
  rows = 0;
  /** The rows' columns (the writers stream from them). */
  protected c = new Columns();
  /** Address texts other than IPv4 (IPv6, MAC), interned: hosts repeat across conversations. */
  protected addrs: string[] = [];
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
  protected firstSec = 0;
  protected firstNsec = 0;
  protected haveFirst = false;

  constructor(type: ConvType) {
    this.type = type;
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
      c.framesAB[row]! += same ? s.framesAB[i]! : s.framesBA[i]!;
      c.bytesAB[row]! += same ? s.bytesAB[i]! : s.bytesBA[i]!;
      c.framesBA[row]! += same ? s.framesBA[i]! : s.framesAB[i]!;
      c.bytesBA[row]! += same ? s.bytesBA[i]! : s.bytesAB[i]!;
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


  /** The field ids `add` reads: the packets' trees must keep them (non-TCP types). */
  static fieldIds(): number[] {
    return FIELD_NAMES.map((n) => fieldByName(n)!.id);
  }

  private ids = ConversationTable.fieldIds() as [number, number, number, number, number, number, number, number, number, number, number, number, number];

  /** A dissected packet (non-TCP types; its tree kept at least `fieldIds()`). */
  add(pkt: Packet, frame: Frame): void {
    const [ipSrc, ipDst, ip6Src, ip6Dst, ethDst, ethSrc, udpSrc, udpDst, icmp, icmp6, fragOffset, fragMore, ip6Fragments] = this.ids;
    const type = this.type;
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
        if (v6Pending && !v6Fragment) this.addPair(v6a, -1, v6b, -1, frame);
        v6Pending = false;
      };
      for (let i = 0; i < n; i++) {
        const f = fid[i]!;
        if (f === icmp || f === icmp6) break; // what follows is quoted in an ICMP error
        if (f === ipSrc) a = formatIPv4(pkt.num[i]!);
        else if (f === ipDst) {
          b = formatIPv4(pkt.num[i]!);
          if (type === 'ip') this.addPair(a, -1, b, -1, frame);
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
          if (type === 'eth') this.addPair(formatMac(pkt.sources[pkt.src[i]!]!, pkt.start[i]!), -1, b, -1, frame);
        } else if (f === udpSrc && type === 'udp' && i + 1 < n && fid[i + 1] === udpDst && pkt.ipVersion !== 0) {
          // The addresses of the transport pseudo-header, as tshark's UDP tap: with an IPv6
          // routing header, the final destination.
          const h = pkt.ipHdr;
          const v6 = pkt.ipVersion === 6;
          const src = v6 ? formatIPv6(h, pkt.ipSrcOff) : formatIPv4At(h, pkt.ipSrcOff);
          const dst = v6 ? formatIPv6(h, pkt.ipDstOff) : formatIPv4At(h, pkt.ipDstOff);
          this.addPair(src, pkt.num[i]!, dst, pkt.num[i + 1]!, frame);
        }
      }
      if (type === 'ipv6') flushV6();
  }

  /** Every frame read (before any filter): the time of the file's first frame. */
  addFrame(frame: Frame): void {
    if (!this.haveFirst) {
      this.haveFirst = true;
      this.firstSec = frame.tsSec;
      this.firstNsec = frame.tsNsec;
      this.firstNumber = frame.number;
    }
  }
  /** The number of the first frame read (1 but in a shard of a parallel read). */
  protected firstNumber = 0;

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

  addrText(code: number): string {
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

  /** A TCP tap record (type tcp): one call per segment, on the hot path of `stats conv tcp`. */
  addTcp(r: TcpTapRecord): void {
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
      c.framesAB[row]!++;
      c.bytesAB[row]! += r.frameLen;
    } else {
      c.framesBA[row]!++;
      c.bytesBA[row]! += r.frameLen;
    }
  }

  /** A packet of a non-TCP conversation (ports -1 when there are none). */
  private addPair(src: string, sp: number, dst: string, dp: number, frame: Frame): void {
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
      c.framesAB[row]!++;
      c.bytesAB[row]! += len;
    } else {
      c.framesBA[row]!++;
      c.bytesBA[row]! += len;
    }
  }

  /** Seconds from the first frame to (sec, nsec), as tshark's nstime_delta then nstime_to_sec. */
  rel(sec: number, nsec: number): number {
    return elapsed(this.firstSec, this.firstNsec, sec, nsec, 1);
  }

  /** Row indexes in tshark's order: most frames first, ties in order of first appearance. */
  order(): Int32Array {
    const c = this.c;
    let n = 0;
    const order = new Int32Array(this.rows);
    for (let i = 0; i < this.rows; i++) if (c.framesAB[i]! + c.framesBA[i]! > 0) order[n++] = i;
    return order.subarray(0, n).sort((x, y) => c.framesAB[y]! + c.framesBA[y]! - (c.framesAB[x]! + c.framesBA[x]!) || x - y);
  }

  row(i: number): ConvRow {
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
  endpointTable(): { order: Int32Array; addr: Float64Array; port: Int32Array; tx: Float64Array; txB: Float64Array; rx: Float64Array; rxB: Float64Array } {
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
      tx[a]! += c.framesAB[i]!;
      txB[a]! += c.bytesAB[i]!;
      rx[a]! += c.framesBA[i]!;
      rxB[a]! += c.bytesBA[i]!;
      tx[b]! += c.framesBA[i]!;
      txB[b]! += c.bytesBA[i]!;
      rx[b]! += c.framesAB[i]!;
      rxB[b]! += c.bytesAB[i]!;
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

  /** Whether the rows have ports (tcp, udp). */
  get hasPorts(): boolean {
    return this.type === 'tcp' || this.type === 'udp';
  }

  /** This table as one shard of a parallel read (see `merge`); `error`: what stopped the shard's read. */
  shard(error?: ConvShard['error']): ConvShard {
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
function grownFilled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  return grown(a, a.length * 2, -1);
}

/** Fields the non-TCP tables read (in this order; see `collect`). */
const FIELD_NAMES = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'eth.dst', 'eth.src', 'udp.srcport', 'udp.dstport', 'icmp', 'icmpv6', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more', 'ipv6.fragments'];

/** Address codes from here on index `addrs` (below: IPv4 addresses as u32). */
const ADDR_TEXT = 2 ** 32;

function u32At(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

