/**
 * Push parser for pcap and pcapng capture files.
 *
 * Feed it chunks of any size (a file read, stdin, a gunzip stream, a live pipe); it calls the
 * handlers synchronously for every frame and every metadata block it completes. A record that lies
 * inside one chunk is delivered as a view of that chunk (zero copy); only a record that spans a
 * chunk boundary is assembled in a carry buffer, which grows only to the largest such record and
 * as data arrives (a bogus length in a truncated file never makes it allocate more than the data).
 * Memory use is therefore constant whatever the file size.
 *
 * Damaged input never throws anything but {@link CaptureFileError}, after every readable frame has
 * been delivered. The format is taken from the magic number (pcap µs/ns in both byte orders,
 * pcapng with per-section byte order).
 *
 * References: pcap-savefile(5); draft-ietf-opsawg-pcapng; Wireshark wiretap/libpcap.c and pcapng.c
 * for the limits and error cases tshark applies.
 */

import { Direction, type Frame, type InterfaceInfo } from './frame.js';
import { CaptureFileError } from './capture-error.js';
import * as P from './pcap-format.js';
import * as N from './pcapng-format.js';
import { ticksToTime, tsResolution, TSRESOL_DEFAULT, type TimeSlot, type TsResolution } from './timestamp.js';

export type FileFormatName = 'pcap' | 'pcap-ns' | 'pcapng';
export type ByteOrder = 'little-endian' | 'big-endian';

/** What the magic number said; enough for capinfos-like output. */
export interface FileFormat {
  name: FileFormatName;
  /** Byte order of the file (of the first section, for pcapng). */
  byteOrder: ByteOrder;
  /** File header version (pcap) or first section version (pcapng), e.g. "2.4", "1.0". */
  version: string;
}

/** A pcapng Section Header Block. */
export interface SectionInfo {
  /** 0-based section number in the file. */
  index: number;
  /** Byte offset of the SHB. */
  offset: number;
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  hardware?: string;
  os?: string;
  userAppl?: string;
  comments?: string[];
}

export interface TimeValue {
  sec: number;
  nsec: number;
}

/**
 * A pcapng Interface Statistics Block. Counters are u64 in the file and exact here up to 2^53.
 */
export interface InterfaceStats {
  /** File-wide interface id (see {@link CaptureParser}). */
  interfaceId: number;
  tsSec: number;
  tsNsec: number;
  startTime?: TimeValue;
  endTime?: TimeValue;
  ifRecv?: number;
  ifDrop?: number;
  filterAccept?: number;
  osDrop?: number;
  usrDeliv?: number;
  comments?: string[];
}

/** One Name Resolution Block record: an address and the names it resolves to. */
export interface NameRecord {
  type: 'ipv4' | 'ipv6';
  address: string;
  names: string[];
}

/** A Decryption Secrets Block (e.g. type 0x544c534b = TLS key log). `data` is a copy. */
export interface DecryptionSecrets {
  type: number;
  data: Uint8Array;
}

/** A pcapng custom block (0x00000BAD may be copied to other files, 0x40000BAD must not). */
export interface CustomBlock {
  blockType: number;
  /** Private Enterprise Number of the block's owner. */
  pen: number;
  /** Everything after the PEN (custom data and any options; the format is the owner's). A copy. */
  data: Uint8Array;
  copyable: boolean;
  offset: number;
}

export interface CaptureHandlers {
  /**
   * A packet. `frame.data` is a plain Uint8Array view (never a Buffer, so `data.slice()` copies) into
   * the chunk or the carry buffer, valid until the next frame is delivered: copy it to keep it.
   */
  onFrame(frame: Frame): void;
  /**
   * Chooses frames from their raw bytes before they are made (a shard of a parallel read, see
   * src/capture/flow-hash.ts): false skips the frame, which still counts (frame numbers stay those
   * of the file). `d[off, off+len)` are the frame's bytes. pcapng frames are chosen after their
   * options were checked, so a damaged file stops at the same frame whatever is chosen.
   */
  select?(d: Uint8Array, off: number, len: number, linkType: number): boolean;
  /**
   * A frame `select` skipped, by its time stamp (`hasTime` false: a simple packet block has none)
   * and interface:
   * a shard of a parallel read that prints keeps its time column with the file's frames.
   */
  onSkipped?(tsSec: number, tsNsec: number, hasTime: boolean, interfaceId: number): void;
  /**
   * pcap files: deliver every frame in the same Frame object, its fields changed (no object per
   * frame), for a consumer that keeps nothing of a frame after `onFrame` returns.
   */
  reuseFrames?: boolean;
  /**
   * After each block of the file is parsed (readCapture): a promise to wait for before the next
   * (a thread that reads and also serves other work lets its event loop run), or undefined.
   */
  pause?: () => Promise<void> | undefined;
  /** Once, as soon as the magic number has been read. */
  onFormat?(format: FileFormat): void;
  /** pcapng only: every Section Header Block. */
  onSection?(info: SectionInfo): void;
  /** Every interface (pcap: one, id 0, after the file header; pcapng: every IDB). */
  onInterface?(info: InterfaceInfo): void;
  onInterfaceStats?(stats: InterfaceStats): void;
  onNames?(records: NameRecord[]): void;
  onDecryptionSecrets?(secrets: DecryptionSecrets): void;
  onCustomBlock?(block: CustomBlock): void;
}

const enum State {
  /** Waiting for the 4-byte magic number. */
  Start,
  /** pcap: waiting for the 24-byte file header. */
  PcapHeader,
  PcapRecords,
  PcapngBlocks,
}

/** First carry buffer size; it doubles as needed up to the largest record that spans chunks. */
const MIN_CARRY = 64 * 1024;
/** Hard limit on a pcap record, whatever the snaplen says. */
const MAX_PCAP_RECORD = 256 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8');

/**
 * The push parser. Interface ids in frames and {@link InterfaceInfo} are file-wide: pcapng numbers
 * interfaces per section, and the parser maps (section, local id) to the order of the IDB in the
 * file, as Wireshark does; for a single-section file both are the same.
 *
 * A handler that throws aborts parsing: the exception propagates out of `feed`/`end` and the
 * parser refuses further input.
 */
export class CaptureParser {
  private readonly h: CaptureHandlers;
  private readonly onFrameCb: (frame: Frame) => void;
  private state: State = State.Start;
  /** Byte order of the file (pcap) or current section (pcapng). */
  private le = true;
  private nanos = false;
  private linkType0 = 0;
  private maxRecordLen = P.MAX_PACKET_STANDARD;

  private frames = 0;
  /** Stream offset of the first byte not yet consumed (start of the pending unit). */
  private streamPos = 0;
  private bytesFed = 0;
  private ended = false;
  private failure: unknown = undefined;

  private carry: Uint8Array = new Uint8Array(0);
  private carryDv: DataView = new DataView(this.carry.buffer);
  private spare: Uint8Array = new Uint8Array(0);
  private carryLen = 0;
  /** Number of the frame last delivered from the carry buffer (its data must survive until the next frame). */
  private carryFrameNumber = -1;

  // pcapng interface table, indexed by file-wide interface id.
  private readonly ifaces: InterfaceInfo[] = [];
  private readonly ifRes: TsResolution[] = [];
  private readonly ifOffset: number[] = [];
  private sectionIndex = -1;
  private sectionBase = 0;
  private readonly time: TimeSlot = { sec: 0, nsec: 0 };

  private fileFormat: FileFormat | undefined;

  constructor(handlers: CaptureHandlers) {
    this.h = handlers;
    this.onFrameCb = handlers.onFrame.bind(handlers);
    this.selectCb = handlers.select?.bind(handlers);
    this.skippedCb = handlers.onSkipped?.bind(handlers);
    this.reuseFrames = handlers.reuseFrames === true;
  }

  private readonly reuseFrames: boolean;
  /** The frame given again and again when `reuseFrames`. */
  private readonly shared: Frame = { number: 0, tsSec: 0, tsNsec: 0, hasTime: true, capLen: 0, origLen: 0, linkType: 0, interfaceId: 0, direction: Direction.Unknown, data: new Uint8Array(0) };

  private readonly selectCb: ((d: Uint8Array, off: number, len: number, linkType: number) => boolean) | undefined;
  private readonly skippedCb: ((tsSec: number, tsNsec: number, hasTime: boolean, interfaceId: number) => void) | undefined;

  /** Frames delivered so far. */
  get framesRead(): number {
    return this.frames;
  }

  /** Bytes consumed so far (complete headers, records and blocks). */
  get offset(): number {
    return this.streamPos;
  }

  /** The detected format, once the magic number has been read. */
  get format(): FileFormat | undefined {
    return this.fileFormat;
  }

  /** Interfaces seen so far, by file-wide id. */
  get interfaces(): readonly InterfaceInfo[] {
    return this.ifaces;
  }

  /** Number of pcapng sections seen (0 for pcap). */
  get sections(): number {
    return this.sectionIndex + 1;
  }

  feed(chunk: Uint8Array): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new Error('CaptureParser.feed() called after end()');
    const n = chunk.length;
    if (n === 0) return;
    const chunkBase = this.bytesFed;
    this.bytesFed += n;
    try {
      let pos = 0;
      if (this.carryLen > 0) {
        pos = this.drainCarry(chunk);
        if (pos === n) return;
      }
      const dv = new DataView(chunk.buffer, chunk.byteOffset, n);
      pos = this.parseUnits(chunk, dv, pos, n, chunkBase);
      this.streamPos = chunkBase + pos;
      if (pos < n) this.stash(chunk, pos, n);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** The input is complete. Throws the truncation error when it stopped inside a header, record or block. */
  end(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return;
    this.ended = true;
    let err: CaptureFileError | undefined;
    if (this.bytesFed === 0) {
      err = new CaptureFileError('empty', 'file is empty', 0, 0);
    } else if (this.carryLen > 0) {
      err = this.truncationError();
    }
    if (err !== undefined) {
      this.failure = err;
      throw err;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Chunk and carry management

  /**
   * Complete the unit pending in the carry buffer from the start of `chunk`, parse it, and return
   * how many bytes of `chunk` were used. Copies no more than the unit needs.
   */
  private drainCarry(chunk: Uint8Array): number {
    let pos = 0;
    for (;;) {
      const need = this.unitSize(this.carryDv, 0, this.carryLen, this.streamPos);
      if (this.carryLen < need) {
        const take = Math.min(need - this.carryLen, chunk.length - pos);
        this.appendCarry(chunk, pos, take, need);
        pos += take;
        if (this.carryLen < need) return pos;
        continue; // the header is complete now: the unit size may have grown
      }
      const before = this.frames;
      const used = this.parseUnits(this.carry, this.carryDv, 0, need, this.streamPos);
      this.streamPos += used;
      this.carryLen = 0;
      if (this.frames !== before) this.carryFrameNumber = this.frames;
      return pos;
    }
  }

  /** Keep chunk[pos, end) for the next feed. */
  private stash(chunk: Uint8Array, pos: number, end: number): void {
    if (this.carryFrameNumber === this.frames && this.frames > 0) {
      // The frame just delivered lives in the carry buffer: fill the other one.
      const t = this.carry;
      this.carry = this.spare;
      this.spare = t;
      this.carryDv = new DataView(this.carry.buffer, this.carry.byteOffset, this.carry.byteLength);
      this.carryFrameNumber = -1;
    }
    const need = this.unitSize(new DataView(chunk.buffer, chunk.byteOffset + pos, end - pos), 0, end - pos, this.streamPos);
    this.carryLen = 0;
    this.appendCarry(chunk, pos, end - pos, need);
  }

  private appendCarry(src: Uint8Array, pos: number, len: number, unitSize: number): void {
    const want = this.carryLen + len;
    if (want > this.carry.length) {
      // Grow geometrically but never past the unit being assembled.
      const cap = Math.max(want, Math.min(Math.max(this.carry.length * 2, MIN_CARRY), unitSize));
      const next = new Uint8Array(cap);
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
      this.carryDv = new DataView(next.buffer, next.byteOffset, next.byteLength);
    }
    this.carry.set(src.subarray(pos, pos + len), this.carryLen);
    this.carryLen = want;
  }

  /**
   * Bytes needed for the unit (file header, record or block) starting at `pos`, given `avail` bytes:
   * the header size while the header is incomplete, the full unit size after. Validates lengths.
   */
  private unitSize(dv: DataView, pos: number, avail: number, base: number): number {
    if (this.state === State.Start) {
      if (avail < 4) return 4;
      this.detect(dv, pos, base);
    }
    switch (this.state) {
      case State.PcapHeader:
        return P.PCAP_FILE_HEADER_LEN;
      case State.PcapRecords: {
        if (avail < P.PCAP_RECORD_HEADER_LEN) return P.PCAP_RECORD_HEADER_LEN;
        return P.PCAP_RECORD_HEADER_LEN + this.pcapCapLen(dv, pos, base);
      }
      default:
        if (avail < N.MIN_BLOCK_LEN) return N.MIN_BLOCK_LEN;
        return this.blockLength(dv, pos, base);
    }
  }

  /** Parse every complete unit in buf[pos, end); return the offset of the first incomplete one. */
  private parseUnits(buf: Uint8Array, dv: DataView, pos: number, end: number, base: number): number {
    if (this.state === State.Start) {
      if (end - pos < 4) return pos;
      this.detect(dv, pos, base);
    }
    if (this.state === State.PcapHeader) {
      if (end - pos < P.PCAP_FILE_HEADER_LEN) return pos;
      this.pcapHeader(dv, pos, base);
      pos += P.PCAP_FILE_HEADER_LEN;
    }
    if (this.state === State.PcapRecords) return this.pcapRecords(buf, dv, pos, end, base);
    return this.pcapngBlocks(buf, dv, pos, end, base);
  }

  // ---------------------------------------------------------------------------------------------
  // Format detection and errors

  private detect(dv: DataView, pos: number, base: number): void {
    const magic = dv.getUint32(pos, false);
    let name: FileFormatName;
    switch (magic) {
      case P.PCAP_MAGIC_US_BE: this.le = false; this.nanos = false; name = 'pcap'; break;
      case P.PCAP_MAGIC_US_LE: this.le = true; this.nanos = false; name = 'pcap'; break;
      case P.PCAP_MAGIC_NS_BE: this.le = false; this.nanos = true; name = 'pcap-ns'; break;
      case P.PCAP_MAGIC_NS_LE: this.le = true; this.nanos = true; name = 'pcap-ns'; break;
      case N.BT_SHB: name = 'pcapng'; break;
      default: {
        const hex = magic.toString(16).padStart(8, '0');
        const hint = magic >>> 16 === 0x1f8b ? '; it looks gzip-compressed' : '';
        throw new CaptureFileError('not-a-capture', `not a pcap or pcapng file (magic 0x${hex}${hint})`, 0, base + pos);
      }
    }
    if (name === 'pcapng') {
      this.state = State.PcapngBlocks;
      // Byte order and version come from the SHB; onFormat is called when it is parsed.
      return;
    }
    this.state = State.PcapHeader;
  }

  private truncationError(): CaptureFileError {
    const have = this.carryLen;
    const at = this.streamPos;
    const frames = this.frames;
    switch (this.state) {
      case State.Start: {
        // Fewer than 4 bytes: a prefix of a known magic is a cut file, anything else is not a capture.
        const prefix = Array.from(this.carry.subarray(0, have));
        const magics = [
          [0xa1, 0xb2, 0xc3, 0xd4], [0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0x3c, 0x4d],
          [0x4d, 0x3c, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a],
        ];
        if (magics.some((m) => prefix.every((b, i) => m[i] === b))) {
          return new CaptureFileError('truncated', `file truncated inside the file header (${have} of 4 magic bytes)`, frames, at);
        }
        const hex = prefix.map((b) => b.toString(16).padStart(2, '0')).join('');
        return new CaptureFileError('not-a-capture', `not a pcap or pcapng file (magic 0x${hex}, only ${have} bytes)`, frames, at);
      }
      case State.PcapHeader:
        return new CaptureFileError('truncated', `file truncated inside the file header (${have} of ${P.PCAP_FILE_HEADER_LEN} bytes)`, frames, at);
      case State.PcapRecords: {
        const need = have < P.PCAP_RECORD_HEADER_LEN ? P.PCAP_RECORD_HEADER_LEN : this.unitSize(this.carryDv, 0, have, at);
        const where = have < P.PCAP_RECORD_HEADER_LEN ? 'the header of record' : 'record';
        return new CaptureFileError('truncated',
          `file truncated inside ${where} ${frames + 1} at offset ${at} (${have} of ${need} bytes)`, frames, at);
      }
      default: {
        if (have < 8) {
          return new CaptureFileError('truncated', `file truncated inside a block header at offset ${at} (${have} of 8 bytes)`, frames, at);
        }
        const type = this.carryDv.getUint32(0, this.le);
        const need = have < N.MIN_BLOCK_LEN ? N.MIN_BLOCK_LEN : this.unitSize(this.carryDv, 0, have, at);
        return new CaptureFileError('truncated',
          `file truncated inside ${N.blockTypeName(type)} at offset ${at} (${have} of ${need} bytes)`, frames, at);
      }
    }
  }

  private corrupt(detail: string, offset: number): CaptureFileError {
    return new CaptureFileError('corrupt', detail, this.frames, offset);
  }

  // ---------------------------------------------------------------------------------------------
  // pcap

  private pcapHeader(dv: DataView, pos: number, base: number): void {
    const le = this.le;
    const major = dv.getUint16(pos + P.PCAP_HDR_VERSION_MAJOR, le);
    const minor = dv.getUint16(pos + P.PCAP_HDR_VERSION_MINOR, le);
    const snapLen = dv.getUint32(pos + P.PCAP_HDR_SNAPLEN, le);
    const ltField = dv.getUint32(pos + P.PCAP_HDR_LINKTYPE, le);
    this.fileFormat = { name: this.nanos ? 'pcap-ns' : 'pcap', byteOrder: le ? 'little-endian' : 'big-endian', version: `${major}.${minor}` };
    this.h.onFormat?.(this.fileFormat);
    // tshark refuses major versions before 2 and a non-zero reserved field; so do we.
    if (major < P.PCAP_VERSION_MAJOR) {
      throw new CaptureFileError('unsupported', `unsupported pcap version ${major}.${minor}`, 0, base + pos);
    }
    if ((ltField & P.LT_RESERVED_MASK) !== 0) {
      const hex = (ltField >>> 0).toString(16).padStart(8, '0');
      throw new CaptureFileError('unsupported', `pcap link-type field has reserved bits set (0x${hex})`, 0, base + pos + P.PCAP_HDR_LINKTYPE);
    }
    this.linkType0 = ltField & P.LT_LINKTYPE_MASK;
    this.maxRecordLen = Math.max(P.MAX_PACKET_STANDARD, Math.min(snapLen, MAX_PCAP_RECORD));
    this.state = State.PcapRecords;
    const info: InterfaceInfo = {
      id: 0,
      linkType: this.linkType0,
      snapLen,
      tsResol: this.nanos ? 9 : 6,
      fcsLen: P.fcsLenFromLinkTypeField(ltField),
    };
    this.ifaces.push(info);
    this.h.onInterface?.(info);
  }

  /** Captured length of the pcap record at `pos` (header complete), checked against the limit. */
  private pcapCapLen(dv: DataView, pos: number, base: number): number {
    const capLen = dv.getUint32(pos + P.PCAP_REC_CAPLEN, this.le);
    if (capLen > this.maxRecordLen) {
      throw this.corrupt(
        `packet record ${this.frames + 1} at offset ${base + pos} claims ${capLen} bytes (larger than snaplen/limit ${this.maxRecordLen})`,
        base + pos);
    }
    return capLen;
  }

  /** The time stamp of a skipped pcap record, to `onSkipped` (its fraction carried as for a frame). */
  private skippedPcap(dv: DataView, pos: number): void {
    let sec = dv.getUint32(pos + P.PCAP_REC_TS_SEC, this.le);
    let frac = dv.getUint32(pos + P.PCAP_REC_TS_FRAC, this.le);
    const unit = this.nanos ? 1_000_000_000 : 1_000_000;
    if (frac >= unit) {
      const carry = Math.floor(frac / unit);
      sec += carry;
      frac -= carry * unit;
    }
    this.skippedCb!(sec, this.nanos ? frac : frac * 1000, true, 0);
  }

  private pcapRecords(buf: Uint8Array, dv: DataView, pos: number, end: number, base: number): number {
    const le = this.le;
    const nanos = this.nanos;
    const limit = this.maxRecordLen;
    const linkType = this.linkType0;
    const onFrame = this.onFrameCb;
    const select = this.selectCb;
    const skipped = this.skippedCb;
    while (end - pos >= P.PCAP_RECORD_HEADER_LEN) {
      const capLen = dv.getUint32(pos + P.PCAP_REC_CAPLEN, le);
      if (capLen > limit) this.pcapCapLen(dv, pos, base); // throws
      const data = pos + P.PCAP_RECORD_HEADER_LEN;
      const next = data + capLen;
      if (next > end) break;
      if (select !== undefined && !select(buf, data, capLen, linkType)) {
        this.frames++;
        if (skipped !== undefined) this.skippedPcap(dv, pos);
        pos = next;
        continue;
      }
      let sec = dv.getUint32(pos + P.PCAP_REC_TS_SEC, le);
      let frac = dv.getUint32(pos + P.PCAP_REC_TS_FRAC, le);
      // An out-of-range fraction (seen in fuzzed files) carries into the seconds, so tsNsec stays < 10^9.
      if (nanos) {
        if (frac >= 1_000_000_000) {
          const carry = Math.floor(frac / 1_000_000_000);
          sec += carry;
          frac -= carry * 1_000_000_000;
        }
      } else {
        if (frac >= 1_000_000) {
          const carry = Math.floor(frac / 1_000_000);
          sec += carry;
          frac -= carry * 1_000_000;
        }
        frac *= 1000;
      }
      let frame: Frame;
      if (this.reuseFrames) {
        frame = this.shared;
        frame.number = ++this.frames;
        frame.tsSec = sec;
        frame.tsNsec = frac;
        frame.capLen = capLen;
        frame.origLen = dv.getUint32(pos + P.PCAP_REC_ORIGLEN, le);
        frame.linkType = linkType;
        frame.data = new Uint8Array(buf.buffer, buf.byteOffset + data, capLen);
      } else {
        frame = {
          number: ++this.frames,
          tsSec: sec,
          tsNsec: frac,
          hasTime: true,
          capLen,
          origLen: dv.getUint32(pos + P.PCAP_REC_ORIGLEN, le),
          linkType,
          interfaceId: 0,
          direction: Direction.Unknown,
          data: new Uint8Array(buf.buffer, buf.byteOffset + data, capLen),
        };
      }
      pos = next;
      onFrame(frame);
    }
    return pos;
  }

  // ---------------------------------------------------------------------------------------------
  // pcapng

  /** Total length of the block at `pos` (12 bytes available), validated. */
  private blockLength(dv: DataView, pos: number, base: number): number {
    let le = this.le;
    const type = dv.getUint32(pos, le);
    if (type === N.BT_SHB) {
      const bom = dv.getUint32(pos + N.SHB_BOM, true);
      if (bom === N.BYTE_ORDER_MAGIC) le = true;
      else if (bom === N.BYTE_ORDER_MAGIC_SWAPPED) le = false;
      else {
        throw this.corrupt(
          `corrupt section header block at offset ${base + pos}: unknown byte-order magic 0x${bom.toString(16).padStart(8, '0')}`, base + pos);
      }
    }
    const len = dv.getUint32(pos + 4, le);
    if (len < N.MIN_BLOCK_LEN || (len & 3) !== 0 || len > N.MAX_BLOCK_LEN) {
      const why = len < N.MIN_BLOCK_LEN ? `is less than the minimum ${N.MIN_BLOCK_LEN}`
        : (len & 3) !== 0 ? 'is not a multiple of 4' : `is larger than the limit ${N.MAX_BLOCK_LEN}`;
      throw this.corrupt(`corrupt block at offset ${base + pos}: block length ${len} ${why}`, base + pos);
    }
    return len;
  }

  private pcapngBlocks(buf: Uint8Array, dv: DataView, pos: number, end: number, base: number): number {
    while (end - pos >= N.MIN_BLOCK_LEN) {
      const len = this.blockLength(dv, pos, base);
      if (len > end - pos) break;
      const type = dv.getUint32(pos, this.le);
      if (type === N.BT_SHB) {
        this.shb(buf, dv, pos, len, base);
      } else {
        const trailer = dv.getUint32(pos + len - 4, this.le);
        if (trailer !== len) {
          throw this.corrupt(
            `corrupt block at offset ${base + pos}: trailing block length ${trailer} does not match the leading length ${len}`, base + pos);
        }
        switch (type) {
          case N.BT_EPB: this.epb(buf, dv, pos, len, base); break;
          case N.BT_SPB: this.spb(buf, dv, pos, len, base); break;
          case N.BT_PB: this.pb(buf, dv, pos, len, base); break;
          case N.BT_IDB: this.idb(buf, dv, pos, len, base); break;
          case N.BT_ISB: this.isb(buf, dv, pos, len, base); break;
          case N.BT_NRB: this.nrb(buf, dv, pos, len, base); break;
          case N.BT_DSB: this.dsb(buf, dv, pos, len, base); break;
          case N.BT_CB_COPY:
          case N.BT_CB_NO_COPY: this.customBlock(buf, dv, pos, len, base, type); break;
          default: break; // unknown block: skipped by its length
        }
      }
      pos += len;
    }
    return pos;
  }

  private tooShort(type: number, len: number, min: number, at: number): CaptureFileError {
    return this.corrupt(`corrupt ${N.blockTypeName(type)} at offset ${at}: block length ${len} is less than the minimum ${min}`, at);
  }

  private shb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    const at = base + pos;
    if (len < N.MIN_SHB_LEN) throw this.tooShort(N.BT_SHB, len, N.MIN_SHB_LEN, at);
    const le = dv.getUint32(pos + N.SHB_BOM, true) === N.BYTE_ORDER_MAGIC;
    this.le = le;
    const trailer = dv.getUint32(pos + len - 4, le);
    if (trailer !== len) {
      throw this.corrupt(`corrupt block at offset ${at}: trailing block length ${trailer} does not match the leading length ${len}`, at);
    }
    const major = dv.getUint16(pos + N.SHB_VERSION_MAJOR, le);
    const minor = dv.getUint16(pos + N.SHB_VERSION_MINOR, le);
    const byteOrder: ByteOrder = le ? 'little-endian' : 'big-endian';
    if (this.fileFormat === undefined) {
      this.fileFormat = { name: 'pcapng', byteOrder, version: `${major}.${minor}` };
      this.h.onFormat?.(this.fileFormat);
    }
    // Version 1.0 is the format; 1.2 was written by some old tools for the same thing (Wireshark accepts it).
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      throw new CaptureFileError('unsupported', `unsupported pcapng section version ${major}.${minor} at offset ${at}`, this.frames, at);
    }
    const info: SectionInfo = { index: ++this.sectionIndex, offset: at, byteOrder, versionMajor: major, versionMinor: minor };
    this.options(dv, pos + N.SHB_OPTIONS, pos + len - 4, at, (code, vpos, vlen) => {
      switch (code) {
        case N.OPT_COMMENT: (info.comments ??= []).push(decodeString(buf, vpos, vlen)); break;
        case N.SHB_HARDWARE: info.hardware = decodeString(buf, vpos, vlen); break;
        case N.SHB_OS: info.os = decodeString(buf, vpos, vlen); break;
        case N.SHB_USERAPPL: info.userAppl = decodeString(buf, vpos, vlen); break;
      }
    });
    // Interfaces are numbered from 0 again in the new section.
    this.sectionBase = this.ifaces.length;
    this.h.onSection?.(info);
  }

  private idb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    const at = base + pos;
    if (len < N.MIN_IDB_LEN) throw this.tooShort(N.BT_IDB, len, N.MIN_IDB_LEN, at);
    const le = this.le;
    const info: InterfaceInfo = {
      id: this.ifaces.length,
      linkType: dv.getUint16(pos + N.IDB_LINKTYPE, le),
      snapLen: dv.getUint32(pos + N.IDB_SNAPLEN, le),
      fcsLen: 0,
    };
    let tsResol = TSRESOL_DEFAULT;
    let tsOffset = 0;
    this.options(dv, pos + N.IDB_OPTIONS, pos + len - 4, at, (code, vpos, vlen) => {
      switch (code) {
        case N.IF_NAME: info.name = decodeString(buf, vpos, vlen); break;
        case N.IF_DESCRIPTION: info.description = decodeString(buf, vpos, vlen); break;
        case N.IF_TSRESOL: if (vlen >= 1) tsResol = buf[vpos]!; break;
        case N.IF_FILTER:
          // First byte: filter kind (0 = libpcap filter string).
          if (vlen >= 1 && buf[vpos] === 0) info.filter = decodeString(buf, vpos + 1, vlen - 1);
          break;
        case N.IF_FCSLEN: if (vlen >= 1) info.fcsLen = buf[vpos]!; break;
        case N.IF_TSOFFSET: if (vlen >= 8) tsOffset = Number(dv.getBigInt64(vpos, le)); break;
      }
    });
    info.tsResol = tsResol;
    if (tsOffset !== 0) info.tsOffset = tsOffset;
    if (this.sectionIndex > 0) {
      info.section = this.sectionIndex;
      info.sectionInterfaceId = info.id - this.sectionBase;
    }
    this.ifaces.push(info);
    this.ifRes.push(tsResolution(tsResol));
    this.ifOffset.push(tsOffset);
    this.h.onInterface?.(info);
  }

  /** File-wide id of the section-local interface `local`, or a corrupt-file error. */
  private iface(local: number, type: number, at: number): number {
    const count = this.ifaces.length - this.sectionBase;
    if (local >= count) {
      throw this.corrupt(
        `corrupt ${N.blockTypeName(type)} at offset ${at}: interface ${local} is not defined in this section (${count} interface${count === 1 ? '' : 's'})`,
        at);
    }
    return this.sectionBase + local;
  }

  private epb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    if (len < N.MIN_EPB_LEN) throw this.tooShort(N.BT_EPB, len, N.MIN_EPB_LEN, base + pos);
    const le = this.le;
    const id = this.iface(dv.getUint32(pos + N.EPB_INTERFACE, le), N.BT_EPB, base + pos);
    const capLen = dv.getUint32(pos + N.EPB_CAPLEN, le);
    if (capLen > len - N.MIN_EPB_LEN) throw this.dataOverrun(N.BT_EPB, capLen, len, base + pos);
    this.timedPacket(buf, dv, pos, len, base, id, capLen, -1);
  }

  /** Obsolete Packet Block (type 2): like an EPB with a 16-bit interface id and a drops count. */
  private pb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    if (len < N.MIN_PB_LEN) throw this.tooShort(N.BT_PB, len, N.MIN_PB_LEN, base + pos);
    const le = this.le;
    const id = this.iface(dv.getUint16(pos + N.PB_INTERFACE, le), N.BT_PB, base + pos);
    const capLen = dv.getUint32(pos + N.EPB_CAPLEN, le);
    if (capLen > len - N.MIN_PB_LEN) throw this.dataOverrun(N.BT_PB, capLen, len, base + pos);
    const drops = dv.getUint16(pos + N.PB_DROPS, le);
    this.timedPacket(buf, dv, pos, len, base, id, capLen, drops === 0xffff ? -1 : drops); // 0xFFFF: not known
  }

  /**
   * The frame of an EPB or an obsolete PB (same layout after the interface id): timestamp, lengths,
   * data view, options; delivered once its options proved valid. `drops` is the PB's count, or -1.
   */
  private timedPacket(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number, id: number, capLen: number, drops: number): void {
    const le = this.le;
    const time = this.time;
    ticksToTime(dv.getUint32(pos + N.EPB_TS_HIGH, le), dv.getUint32(pos + N.EPB_TS_LOW, le), this.ifRes[id]!, time);
    const data = pos + N.EPB_DATA;
    const frame: Frame = {
      number: this.frames + 1,
      tsSec: time.sec + this.ifOffset[id]!,
      tsNsec: time.nsec,
      hasTime: true,
      capLen,
      origLen: dv.getUint32(pos + N.EPB_ORIGLEN, le),
      linkType: this.ifaces[id]!.linkType,
      interfaceId: id,
      direction: Direction.Unknown,
      data: new Uint8Array(buf.buffer, buf.byteOffset + data, capLen),
    };
    if (drops >= 0) frame.dropCount = drops;
    const optStart = data + capLen + N.pad4(capLen);
    const optEnd = pos + len - 4;
    if (optStart < optEnd) this.packetOptions(buf, dv, optStart, optEnd, base + pos, frame);
    this.frames++; // only now: a bad option must not count the frame as read
    if (this.selectCb !== undefined && !this.selectCb(buf, data, capLen, frame.linkType)) {
      this.skippedCb?.(frame.tsSec, frame.tsNsec, true, id);
      return;
    }
    this.onFrameCb(frame);
  }

  /** Simple Packet Block: interface 0 of the section, no timestamp, no options. */
  private spb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    if (len < N.MIN_SPB_LEN) throw this.tooShort(N.BT_SPB, len, N.MIN_SPB_LEN, base + pos);
    if (this.ifaces.length === this.sectionBase) {
      throw this.corrupt(`corrupt simple packet block at offset ${base + pos}: no interface description block before it`, base + pos);
    }
    const id = this.sectionBase;
    const info = this.ifaces[id]!;
    const origLen = dv.getUint32(pos + N.SPB_ORIGLEN, this.le);
    // The captured length is not in the block: min(original length, snaplen (0 = none), room in the block).
    let capLen = Math.min(origLen, len - N.MIN_SPB_LEN);
    if (info.snapLen !== 0 && info.snapLen < capLen) capLen = info.snapLen;
    const data = pos + N.SPB_DATA;
    const frame: Frame = {
      number: ++this.frames,
      tsSec: 0,
      tsNsec: 0,
      hasTime: false,
      capLen,
      origLen,
      linkType: info.linkType,
      interfaceId: id,
      direction: Direction.Unknown,
      data: new Uint8Array(buf.buffer, buf.byteOffset + data, capLen),
    };
    if (this.selectCb !== undefined && !this.selectCb(buf, data, capLen, info.linkType)) {
      this.skippedCb?.(0, 0, false, id);
      return;
    }
    this.onFrameCb(frame);
  }

  private dataOverrun(type: number, capLen: number, len: number, at: number): CaptureFileError {
    return this.corrupt(`corrupt ${N.blockTypeName(type)} at offset ${at}: captured length ${capLen} does not fit in a block of ${len} bytes`, at);
  }

  /** EPB/PB options, inline (no closure) because this runs per packet. */
  private packetOptions(buf: Uint8Array, dv: DataView, p: number, end: number, at: number, frame: Frame): void {
    const le = this.le;
    while (end - p >= 4) {
      const code = dv.getUint16(p, le);
      const vlen = dv.getUint16(p + 2, le);
      if (code === N.OPT_ENDOFOPT) return;
      const v = p + 4;
      if (vlen > end - v) throw this.optionOverrun(code, vlen, at);
      switch (code) {
        case N.OPT_COMMENT:
          (frame.comments ??= []).push(decodeString(buf, v, vlen));
          break;
        case N.EPB_FLAGS:
          if (vlen >= 4) {
            const dir = dv.getUint32(v, le) & N.EPB_FLAGS_DIRECTION_MASK;
            frame.direction = dir === 1 ? Direction.Inbound : dir === 2 ? Direction.Outbound : Direction.Unknown;
          }
          break;
        case N.EPB_DROPCOUNT:
          if (vlen >= 8) frame.dropCount = readU64(dv, v, le);
          break;
      }
      p = v + vlen + N.pad4(vlen);
    }
  }

  private optionOverrun(code: number, vlen: number, at: number): CaptureFileError {
    return this.corrupt(`corrupt block at offset ${at}: option ${code} of length ${vlen} runs past the end of the block`, at);
  }

  /** Walk the options in [p, end); `cb` gets each option's code and value range. */
  private options(dv: DataView, p: number, end: number, at: number,
    cb: (code: number, vpos: number, vlen: number) => void): void {
    const le = this.le;
    while (end - p >= 4) {
      const code = dv.getUint16(p, le);
      const vlen = dv.getUint16(p + 2, le);
      if (code === N.OPT_ENDOFOPT) return;
      const v = p + 4;
      if (vlen > end - v) throw this.optionOverrun(code, vlen, at);
      cb(code, v, vlen);
      p = v + vlen + N.pad4(vlen);
    }
  }

  private isb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    const at = base + pos;
    if (len < N.MIN_ISB_LEN) throw this.tooShort(N.BT_ISB, len, N.MIN_ISB_LEN, at);
    const le = this.le;
    const id = this.iface(dv.getUint32(pos + N.ISB_INTERFACE, le), N.BT_ISB, at);
    // Parsed even without a handler, so that a damaged ISB fails the same way whoever listens.
    const res = this.ifRes[id]!;
    const off = this.ifOffset[id]!;
    const t: TimeSlot = { sec: 0, nsec: 0 };
    ticksToTime(dv.getUint32(pos + N.ISB_TS_HIGH, le), dv.getUint32(pos + N.ISB_TS_LOW, le), res, t);
    const stats: InterfaceStats = { interfaceId: id, tsSec: t.sec + off, tsNsec: t.nsec };
    const timeAt = (v: number): TimeValue => {
      const s: TimeSlot = { sec: 0, nsec: 0 };
      ticksToTime(dv.getUint32(v, le), dv.getUint32(v + 4, le), res, s);
      return { sec: s.sec + off, nsec: s.nsec };
    };
    this.options(dv, pos + N.ISB_OPTIONS, pos + len - 4, at, (code, v, vlen) => {
      if (code === N.OPT_COMMENT) {
        (stats.comments ??= []).push(decodeString(buf, v, vlen));
        return;
      }
      if (vlen < 8) return;
      switch (code) {
        case N.ISB_STARTTIME: stats.startTime = timeAt(v); break;
        case N.ISB_ENDTIME: stats.endTime = timeAt(v); break;
        case N.ISB_IFRECV: stats.ifRecv = readU64(dv, v, le); break;
        case N.ISB_IFDROP: stats.ifDrop = readU64(dv, v, le); break;
        case N.ISB_FILTERACCEPT: stats.filterAccept = readU64(dv, v, le); break;
        case N.ISB_OSDROP: stats.osDrop = readU64(dv, v, le); break;
        case N.ISB_USRDELIV: stats.usrDeliv = readU64(dv, v, le); break;
      }
    });
    this.h.onInterfaceStats?.(stats);
  }

  private nrb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    const at = base + pos;
    const le = this.le;
    const end = pos + len - 4;
    const records: NameRecord[] = [];
    let p = pos + N.NRB_RECORDS;
    for (;;) {
      if (end - p < 4) {
        // No end-of-records record: tolerated (nothing follows).
        break;
      }
      const type = dv.getUint16(p, le);
      const rlen = dv.getUint16(p + 2, le);
      const v = p + 4;
      if (rlen > end - v) {
        throw this.corrupt(`corrupt name resolution block at offset ${at}: record of length ${rlen} runs past the end of the block`, at);
      }
      p = v + rlen + N.pad4(rlen);
      if (type === N.NRB_END) {
        if (p < end) this.options(dv, p, end, at, () => undefined); // validate, nothing to keep
        break;
      }
      const addrLen = type === N.NRB_IPV4 ? 4 : type === N.NRB_IPV6 ? 16 : -1;
      if (addrLen < 0) continue; // unknown record type: skipped
      if (rlen < addrLen) {
        throw this.corrupt(`corrupt name resolution block at offset ${at}: ${type === N.NRB_IPV4 ? 'IPv4' : 'IPv6'} record of length ${rlen} is too short`, at);
      }
      const address = addrLen === 4 ? formatIPv4(buf, v) : formatIPv6(buf, v);
      const names: string[] = [];
      let s = v + addrLen;
      const rend = v + rlen;
      while (s < rend) {
        let z = s;
        while (z < rend && buf[z] !== 0) z++;
        if (z > s) names.push(utf8.decode(buf.subarray(s, z)));
        s = z + 1;
      }
      records.push({ type: addrLen === 4 ? 'ipv4' : 'ipv6', address, names });
    }
    if (records.length > 0) this.h.onNames?.(records);
  }

  private dsb(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number): void {
    const at = base + pos;
    if (len < N.MIN_DSB_LEN) throw this.tooShort(N.BT_DSB, len, N.MIN_DSB_LEN, at);
    const type = dv.getUint32(pos + N.DSB_SECRETS_TYPE, this.le);
    const slen = dv.getUint32(pos + N.DSB_SECRETS_LEN, this.le);
    if (slen > len - N.MIN_DSB_LEN) {
      throw this.corrupt(`corrupt decryption secrets block at offset ${at}: secrets length ${slen} does not fit in a block of ${len} bytes`, at);
    }
    this.h.onDecryptionSecrets?.({ type, data: copyBytes(buf, pos + N.DSB_DATA, pos + N.DSB_DATA + slen) });
  }

  private customBlock(buf: Uint8Array, dv: DataView, pos: number, len: number, base: number, type: number): void {
    const at = base + pos;
    if (len < N.MIN_CB_LEN) throw this.tooShort(type, len, N.MIN_CB_LEN, at);
    this.h.onCustomBlock?.({
      blockType: type,
      pen: dv.getUint32(pos + N.CB_PEN, this.le),
      data: copyBytes(buf, pos + N.CB_DATA, pos + len - 4),
      copyable: type === N.BT_CB_COPY,
      offset: at,
    });
  }
}

function readU64(dv: DataView, p: number, le: boolean): number {
  const a = dv.getUint32(p, le);
  const b = dv.getUint32(p + 4, le);
  return le ? b * 4294967296 + a : a * 4294967296 + b;
}

/** UTF-8 option string; trailing NULs (written by some tools) are dropped. */
function decodeString(buf: Uint8Array, p: number, len: number): string {
  let end = p + len;
  while (end > p && buf[end - 1] === 0) end--;
  return utf8.decode(buf.subarray(p, end));
}

function formatIPv4(b: Uint8Array, p: number): string {
  return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run (>= 2) of zero groups as "::". */
export function formatIPv6(b: Uint8Array, p: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[p + 2 * i]! << 8) | b[p + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** A real copy (Buffer.prototype.slice would return a view when the chunk is a Buffer). */
function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.subarray(start, end));
}
