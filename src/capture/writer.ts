/**
 * Writing capture files: pcap (µs), pcap (ns) and pcapng, buffered (1 MiB, fs.writeSync) so that
 * writing costs little more than copying the bytes.
 *
 * pcapng output: one SHB (shb_userappl), one IDB per interface (link type, snaplen, if_name,
 * if_description, if_filter, if_fcslen, if_tsresol = 9, i.e. nanoseconds), one EPB per frame
 * (epb_flags direction when known, opt_comment, epb_dropcount), and at close one ISB per interface
 * (isb_starttime, isb_endtime, isb_ifrecv = frames written for it).
 * Frame times are absolute, so if_tsoffset is never written.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Direction, type Frame, type InterfaceInfo } from './frame.js';
import * as P from './pcap-format.js';
import * as N from './pcapng-format.js';
import { timeToNanoTicks, type TicksSlot } from './timestamp.js';

export type WriteFormat = 'pcap' | 'pcap-ns' | 'pcapng';

export interface CaptureWriterOptions {
  /** Every interface the frames may come from (matched by `id` against `frame.interfaceId`). */
  interfaces: InterfaceInfo[];
  /** Snapshot length for the file/IDBs; longer frames are cut to it. Default: each interface's snapLen. */
  snapLen?: number;
  /** shb_userappl of pcapng files. Default "wirelite". */
  userAppl?: string;
}

export interface WriterStats {
  frames: number;
  /** Bytes written (or buffered) so far. */
  bytes: number;
}

export interface CaptureWriter {
  readonly format: WriteFormat;
  write(frame: Frame): void;
  /**
   * Declare an interface met after the writer was created (a pcapng IDB that follows packets).
   * pcapng: an IDB is written at this point, which the format allows anywhere in a section.
   * pcap: accepted only with the file's link type (it merges into interface 0).
   */
  addInterface(info: InterfaceInfo): void;
  /** Flush, write the closing blocks (pcapng ISBs) and close the file. Idempotent. */
  close(): Promise<void> | void;
  readonly stats: WriterStats;
}

/** Output buffer size. */
export const WRITE_BUFFER = 1024 * 1024;

/** Snaplen written when an interface says 0 (unknown). */
const DEFAULT_SNAPLEN = P.MAX_PACKET_STANDARD;

const FORMAT_NAMES: Record<string, WriteFormat> = {
  pcap: 'pcap',
  libpcap: 'pcap',
  nsecpcap: 'pcap-ns',
  'pcap-ns': 'pcap-ns',
  pcapng: 'pcapng',
};

/**
 * The output format for a path: an explicit `-F` name as tshark spells it (pcap, nsecpcap, pcapng),
 * else from the extension (.pcapng/.ntar: pcapng; .pcap/.cap: pcap), else pcapng (tshark's default).
 */
export function formatForPath(target: string, explicit?: string): WriteFormat {
  if (explicit !== undefined) {
    const f = FORMAT_NAMES[explicit.toLowerCase()];
    if (f === undefined) throw new Error(`unknown capture file type "${explicit}" (supported: pcap, nsecpcap, pcapng)`);
    return f;
  }
  switch (path.extname(target).toLowerCase()) {
    case '.pcapng':
    case '.ntar':
      return 'pcapng';
    case '.pcap':
    case '.cap':
      return 'pcap';
    default:
      return 'pcapng';
  }
}

/** Where encoded bytes go. `bytes` is only valid during the call. */
export type ByteSink = (bytes: Uint8Array) => void;

/**
 * An output file that cannot be created or written (no such directory, a directory, no permission,
 * disk full): the CLI prints `wirelite: <message>` and exits 2, as tshark does.
 */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
  constructor(
    readonly code: string,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A short reason for a failed open or write of an output file, as the CLI prints it. */
export function outputErrorReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EPIPE':
      return 'the reader of standard output went away';
    default:
      return err.message;
  }
}

/**
 * Opens (creates or truncates) an output file before anything is read, so that a bad `-w` path is
 * reported at once: returns its descriptor, or 1 for `-`. Throws OutputFileError.
 */
export function openOutputFile(target: string): number {
  if (target === '-') return 1;
  try {
    return fs.openSync(target, 'w');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new OutputFileError(err.code ?? 'EIO', target, `cannot create ${target}: ${outputErrorReason(err)}`, { cause: e });
  }
}

/**
 * Create a writer on a file path, or `-` for standard output (or on a descriptor that
 * openOutputFile gave for `target`). Throws at once on an impossible setup (no interfaces; a pcap
 * file with interfaces of different link types); a failed open or write throws OutputFileError.
 */
export function createCaptureWriter(target: string, format: WriteFormat, opts: CaptureWriterOptions, openFd?: number): CaptureWriter {
  validate(format, opts);
  const toStdout = target === '-';
  const fd = openFd ?? openOutputFile(target);
  return new Encoder(format, opts, (bytes) => {
    try {
      writeAll(fd, bytes);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new OutputFileError(err.code ?? 'EIO', target, `cannot write ${toStdout ? 'standard output' : target}: ${outputErrorReason(err)}`, { cause: e });
    }
  }, () => {
    if (!toStdout) fs.closeSync(fd);
  });
}

/** The same writer, sending bytes to `sink` (in buffer-sized pieces) instead of a file. */
export function createCaptureEncoder(format: WriteFormat, opts: CaptureWriterOptions, sink: ByteSink): CaptureWriter {
  validate(format, opts);
  return new Encoder(format, opts, sink, () => undefined);
}

/** Encode frames to a complete in-memory capture file (tests, fixtures, small exports). */
export function encodeCapture(format: WriteFormat, opts: CaptureWriterOptions, frames: Iterable<Frame>): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = createCaptureEncoder(format, opts, (b) => parts.push(new Uint8Array(b)));
  for (const f of frames) enc.write(f);
  void enc.close();
  return Buffer.concat(parts);
}

function validate(format: WriteFormat, opts: CaptureWriterOptions): void {
  if (!FORMAT_NAMES[format]) throw new Error(`unknown capture format "${String(format)}"`);
  if (opts.interfaces.length === 0) throw new Error('a capture writer needs at least one interface');
  const ids = new Set<number>();
  for (const i of opts.interfaces) {
    if (ids.has(i.id)) throw new Error(`interface id ${i.id} is given twice`);
    ids.add(i.id);
  }
  if (format !== 'pcapng') {
    const types = [...new Set(opts.interfaces.map((i) => i.linkType))];
    if (types.length > 1) {
      const list = opts.interfaces.map((i) => `${i.linkType}${i.name ? ` (${i.name})` : ''}`).join(', ');
      throw new Error(`a pcap file has a single link type, but the interfaces have ${list}; write pcapng instead`);
    }
  }
}

/** fs.writeSync until everything is written; waits and retries when a non-blocking pipe is full. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

interface IfaceState {
  info: InterfaceInfo;
  /** Index in the file (IDB order). */
  index: number;
  snapLen: number;
  frames: number;
  firstSec: number;
  firstNsec: number;
  lastSec: number;
  lastNsec: number;
}

class Encoder implements CaptureWriter {
  readonly format: WriteFormat;
  readonly stats: WriterStats = { frames: 0, bytes: 0 };
  private buf: Buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  private dv: DataView = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private used = 0;
  private closed = false;
  private readonly byId = new Map<number, IfaceState>();
  private readonly ifaces: IfaceState[] = [];
  private readonly ticks: TicksSlot = { hi: 0, lo: 0 };
  private readonly cut: number | undefined;

  constructor(format: WriteFormat, opts: CaptureWriterOptions, private readonly sink: ByteSink, private readonly onClose: () => void) {
    this.format = format;
    this.cut = opts.snapLen;
    for (const info of opts.interfaces) this.register(info);
    if (format === 'pcapng') this.pcapngHeader(opts);
    else this.pcapHeader(opts);
  }

  private register(info: InterfaceInfo): IfaceState {
    const s: IfaceState = {
      info, index: this.ifaces.length, snapLen: this.cut ?? (info.snapLen || DEFAULT_SNAPLEN),
      frames: 0, firstSec: 0, firstNsec: 0, lastSec: 0, lastNsec: 0,
    };
    this.ifaces.push(s);
    this.byId.set(info.id, s);
    return s;
  }

  addInterface(info: InterfaceInfo): void {
    if (this.closed) throw new Error('capture writer: addInterface() after close()');
    if (this.byId.has(info.id)) throw new Error(`interface id ${info.id} is given twice`);
    if (this.format !== 'pcapng') {
      const linkType = this.ifaces[0]!.info.linkType;
      if (info.linkType !== linkType) {
        throw new Error(`a pcap file has a single link type (${linkType}), but interface ${info.id}${info.name ? ` (${info.name})` : ''} has ${info.linkType}; write pcapng instead`);
      }
      this.register(info);
      return;
    }
    this.idb(this.register(info));
  }

  write(frame: Frame): void {
    if (this.closed) throw new Error('capture writer: write() after close()');
    const iface = this.byId.get(frame.interfaceId);
    if (iface === undefined) {
      throw new Error(`frame ${frame.number}: interface ${frame.interfaceId} is not one of the writer's interfaces (${[...this.byId.keys()].join(', ')})`);
    }
    let data = frame.data;
    if (this.cut !== undefined && data.length > this.cut) data = data.subarray(0, this.cut);
    const sec = frame.hasTime ? frame.tsSec : 0;
    const nsec = frame.hasTime ? frame.tsNsec : 0;
    if (this.format === 'pcapng') this.epb(frame, iface, data, sec, nsec);
    else this.pcapRecord(frame, data, sec, nsec);
    if (iface.frames === 0) {
      iface.firstSec = sec;
      iface.firstNsec = nsec;
    }
    iface.frames++;
    iface.lastSec = sec;
    iface.lastNsec = nsec;
    this.stats.frames++;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.format === 'pcapng') for (const s of this.ifaces) this.isb(s);
      this.flush();
    } finally {
      this.onClose();
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Make room for `n` contiguous bytes; returns their offset. */
  private reserve(n: number): number {
    if (this.used + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        this.buf = Buffer.allocUnsafe(n);
        this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      }
    }
    const at = this.used;
    this.used += n;
    this.stats.bytes += n;
    return at;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.sink(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private pcapHeader(opts: CaptureWriterOptions): void {
    const first = opts.interfaces[0]!;
    const snapLen = opts.snapLen ?? Math.max(...this.ifaces.map((s) => s.snapLen));
    const at = this.reserve(P.PCAP_FILE_HEADER_LEN);
    const dv = this.dv;
    dv.setUint32(at + P.PCAP_HDR_MAGIC, this.format === 'pcap-ns' ? P.PCAP_MAGIC_NS : P.PCAP_MAGIC_US, true);
    dv.setUint16(at + P.PCAP_HDR_VERSION_MAJOR, P.PCAP_VERSION_MAJOR, true);
    dv.setUint16(at + P.PCAP_HDR_VERSION_MINOR, P.PCAP_VERSION_MINOR, true);
    dv.setInt32(at + P.PCAP_HDR_THISZONE, 0, true);
    dv.setUint32(at + P.PCAP_HDR_SIGFIGS, 0, true);
    dv.setUint32(at + P.PCAP_HDR_SNAPLEN, snapLen, true);
    dv.setUint32(at + P.PCAP_HDR_LINKTYPE, P.linkTypeField(first.linkType, first.fcsLen), true);
  }

  private pcapRecord(frame: Frame, data: Uint8Array, sec: number, nsec: number): void {
    if (!(sec >= 0 && sec <= 0xffffffff && Number.isInteger(sec))) {
      throw new Error(`frame ${frame.number}: time ${sec}.${nsec} cannot be stored in a pcap file (seconds must be 0..4294967295); write pcapng`);
    }
    const at = this.reserve(P.PCAP_RECORD_HEADER_LEN + data.length);
    const dv = this.dv;
    dv.setUint32(at + P.PCAP_REC_TS_SEC, sec, true);
    dv.setUint32(at + P.PCAP_REC_TS_FRAC, this.format === 'pcap-ns' ? nsec : Math.floor(nsec / 1000), true);
    dv.setUint32(at + P.PCAP_REC_CAPLEN, data.length, true);
    dv.setUint32(at + P.PCAP_REC_ORIGLEN, frame.origLen, true);
    this.buf.set(data, at + P.PCAP_RECORD_HEADER_LEN);
  }

  // pcapng ------------------------------------------------------------------------------------

  /** Write the block header at `at` and the trailing length; `len` is the total block length. */
  private frameBlock(at: number, type: number, len: number): void {
    this.dv.setUint32(at, type, true);
    this.dv.setUint32(at + 4, len, true);
    this.dv.setUint32(at + len - 4, len, true);
  }

  /** Write an option with a byte value; returns the offset after it (padded). */
  private optBytes(p: number, code: number, value: Uint8Array): number {
    this.dv.setUint16(p, code, true);
    this.dv.setUint16(p + 2, value.length, true);
    this.buf.set(value, p + 4);
    const end = p + 4 + value.length;
    const pad = N.pad4(value.length);
    this.buf.fill(0, end, end + pad);
    return end + pad;
  }

  private pcapngHeader(opts: CaptureWriterOptions): void {
    const enc = new TextEncoder();
    const shbOpts: Array<[number, Uint8Array]> = [[N.SHB_USERAPPL, enc.encode(opts.userAppl ?? 'wirelite')]];
    this.block(N.BT_SHB, 16, shbOpts, (at) => {
      this.dv.setUint32(at + N.SHB_BOM, N.BYTE_ORDER_MAGIC, true);
      this.dv.setUint16(at + N.SHB_VERSION_MAJOR, 1, true);
      this.dv.setUint16(at + N.SHB_VERSION_MINOR, 0, true);
      this.dv.setBigInt64(at + N.SHB_SECTION_LENGTH, -1n, true); // length not known
    });
    for (const s of this.ifaces) this.idb(s);
  }

  private idb(s: IfaceState): void {
    const enc = new TextEncoder();
    const i = s.info;
    const o: Array<[number, Uint8Array]> = [];
    if (i.name !== undefined) o.push([N.IF_NAME, enc.encode(i.name)]);
    if (i.description !== undefined) o.push([N.IF_DESCRIPTION, enc.encode(i.description)]);
    o.push([N.IF_TSRESOL, Uint8Array.of(9)]);
    if (i.filter !== undefined) {
      const f = enc.encode(i.filter);
      const v = new Uint8Array(f.length + 1); // kind 0: libpcap filter string
      v.set(f, 1);
      o.push([N.IF_FILTER, v]);
    }
    if (i.fcsLen) o.push([N.IF_FCSLEN, Uint8Array.of(i.fcsLen)]);
    this.block(N.BT_IDB, 8, o, (at) => {
      this.dv.setUint16(at + N.IDB_LINKTYPE, i.linkType, true);
      this.dv.setUint16(at + N.IDB_LINKTYPE + 2, 0, true);
      this.dv.setUint32(at + N.IDB_SNAPLEN, s.snapLen, true);
    });
  }

  /** A non-packet block: fixed part of `fixed` bytes after the 8-byte header, then options. */
  private block(type: number, fixed: number, opts: Array<[number, Uint8Array]>, fill: (at: number) => void): void {
    for (const [code, v] of opts) {
      if (v.length > 0xffff) throw new Error(`pcapng option ${code} is too long (${v.length} bytes)`);
    }
    let optLen = 0;
    for (const [, v] of opts) optLen += 4 + v.length + N.pad4(v.length);
    if (optLen > 0) optLen += 4;
    const len = 8 + fixed + optLen + 4;
    const at = this.reserve(len);
    this.frameBlock(at, type, len);
    fill(at);
    let p = at + 8 + fixed;
    for (const [code, v] of opts) p = this.optBytes(p, code, v);
    if (optLen > 0) this.dv.setUint32(p, 0, true); // opt_endofopt
  }

  private epb(frame: Frame, iface: IfaceState, data: Uint8Array, sec: number, nsec: number): void {
    if (!timeToNanoTicks(sec, nsec, this.ticks)) {
      throw new Error(`frame ${frame.number}: time ${sec}.${nsec} cannot be stored in pcapng with nanosecond resolution`);
    }
    const capLen = data.length;
    // Options: sizes first, so the block is written in one place.
    const dir = frame.direction;
    const hasDir = dir === Direction.Inbound || dir === Direction.Outbound;
    const comments = frame.comments;
    let optLen = 0;
    if (hasDir) optLen += 8;
    if (frame.dropCount !== undefined) optLen += 12;
    if (comments !== undefined) {
      for (const c of comments) {
        const n = Buffer.byteLength(c, 'utf8');
        if (n > 0xffff) throw new Error(`frame ${frame.number}: comment too long for pcapng (${n} bytes, limit 65535)`);
        optLen += 4 + n + N.pad4(n);
      }
    }
    if (optLen > 0) optLen += 4;
    const pad = N.pad4(capLen);
    const len = N.MIN_EPB_LEN + capLen + pad + optLen;
    const at = this.reserve(len);
    const dv = this.dv;
    dv.setUint32(at, N.BT_EPB, true);
    dv.setUint32(at + 4, len, true);
    dv.setUint32(at + N.EPB_INTERFACE, iface.index, true);
    dv.setUint32(at + N.EPB_TS_HIGH, this.ticks.hi, true);
    dv.setUint32(at + N.EPB_TS_LOW, this.ticks.lo, true);
    dv.setUint32(at + N.EPB_CAPLEN, capLen, true);
    dv.setUint32(at + N.EPB_ORIGLEN, frame.origLen, true);
    this.buf.set(data, at + N.EPB_DATA);
    let p = at + N.EPB_DATA + capLen;
    for (let i = 0; i < pad; i++) this.buf[p++] = 0;
    if (optLen > 0) {
      if (hasDir) {
        dv.setUint16(p, N.EPB_FLAGS, true);
        dv.setUint16(p + 2, 4, true);
        dv.setUint32(p + 4, dir, true);
        p += 8;
      }
      if (comments !== undefined) {
        for (const c of comments) {
          const n = this.buf.write(c, p + 4, 'utf8');
          dv.setUint16(p, N.OPT_COMMENT, true);
          dv.setUint16(p + 2, n, true);
          p += 4 + n;
          for (let i = N.pad4(n); i > 0; i--) this.buf[p++] = 0;
        }
      }
      if (frame.dropCount !== undefined) {
        dv.setUint16(p, N.EPB_DROPCOUNT, true);
        dv.setUint16(p + 2, 8, true);
        dv.setBigUint64(p + 4, BigInt(frame.dropCount), true);
        p += 12;
      }
      dv.setUint32(p, 0, true);
      p += 4;
    }
    dv.setUint32(p, len, true);
  }

  private isb(s: IfaceState): void {
    const t = this.ticks;
    const opts: Array<[number, Uint8Array]> = [];
    const u64 = (hi: number, lo: number): Uint8Array => {
      // pcapng 64-bit timestamps are two 32-bit words, high first, each in the section's byte order.
      const v = new Uint8Array(8);
      const d = new DataView(v.buffer);
      d.setUint32(0, hi, true);
      d.setUint32(4, lo, true);
      return v;
    };
    let tsHi = 0;
    let tsLo = 0;
    if (s.frames > 0 && timeToNanoTicks(s.firstSec, s.firstNsec, t)) opts.push([N.ISB_STARTTIME, u64(t.hi, t.lo)]);
    const haveEnd = s.frames > 0 && timeToNanoTicks(s.lastSec, s.lastNsec, t);
    if (!haveEnd) {
      const now = Date.now();
      timeToNanoTicks(Math.floor(now / 1000), (now % 1000) * 1_000_000, t);
    }
    tsHi = t.hi;
    tsLo = t.lo;
    if (haveEnd) opts.push([N.ISB_ENDTIME, u64(tsHi, tsLo)]);
    const recv = new Uint8Array(8);
    new DataView(recv.buffer).setBigUint64(0, BigInt(s.frames), true);
    opts.push([N.ISB_IFRECV, recv]);
    this.block(N.BT_ISB, 12, opts, (at) => {
      this.dv.setUint32(at + N.ISB_INTERFACE, s.index, true);
      this.dv.setUint32(at + N.ISB_TS_HIGH, tsHi, true);
      this.dv.setUint32(at + N.ISB_TS_LOW, tsLo, true);
    });
  }
}
