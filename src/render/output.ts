import { writeSync } from 'node:fs';
/**
 * Output formats for dissected packets: tshark's one-line summary, the detail tree (-V), the hex
 * dump (-x), `-T fields` and JSON lines. Each is a thin function over a dissected Packet; none of
 * them decodes anything.
 */
import { asciiOf, decText } from '../dissectors/bytes.js';
import { Base, fieldById, FT } from '../dissectors/fields.js';
import { absoluteTimeText, epochText, fieldJson, fieldText, itemLabel, rfc3339 } from '../dissectors/format.js';
import { EXPERT_NAMES } from '../dissectors/experts.js';
import { SEVERITY_NAMES, type Packet } from '../dissectors/packet.js';
import { expertGroupCode, expertSeverityCode } from '../filter/values.js';

/** Where the statistics' text and JSON writers write (an OutBuffer, or a collector of strings). */
export interface TextSink {
  write(s: string): void;
}

/** What `fn` writes, as one string (tests, small tables). */
export function collectText(fn: (o: TextSink) => void): string {
  const parts: string[] = [];
  fn({ write: (s) => void parts.push(s) });
  return parts.join('');
}

/**
 * A buffered stdout writer: short texts (a packet's line) are joined into a string of up to
 * PENDING_CHARS characters, which is encoded into a 1 MiB buffer in one call (one `Buffer.write`
 * per line cost more than the line's formatting), and the buffer is written with one system call
 * when it fills.
 */
export class OutBuffer {
  protected readonly buf: Buffer;
  protected pos = 0;
  /** Text written but not yet encoded into `buf` (see `encodePending`). */
  protected pending = '';
  constructor(
    private readonly fd: number = 1,
    size = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }
  write(s: string): void {
    this.pending += s;
    if (this.pending.length >= PENDING_CHARS) this.encodePending();
  }
  /** Encodes the pending text into the buffer (flushing the buffer first when it might not fit). */
  protected encodePending(): void {
    const s = this.pending;
    if (s.length === 0) return;
    this.pending = '';
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flushBuffer();
      if (s.length * 3 > this.buf.length) {
        this.emit(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
  private flushBuffer(): void {
    if (this.pos === 0) return;
    this.emit(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
  flush(): void {
    this.encodePending();
    this.flushBuffer();
  }

  // --- bytes written directly (numbers and addresses without a string): after the pending text

  /** One byte (an ASCII character). */
  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }
  /** An ASCII string (every character below 0x80: the caller knows). */
  ascii(s: string): void {
    const n = s.length;
    if (n > 256) return this.write(s);
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }
  /** `n` spaces (none when `n` <= 0: a pad to a width the text already has). */
  spaces(n: number): void {
    if (n <= 0) return;
    this.room(n);
    this.putSpaces(n);
  }
  /**
   * Any string in UTF-8, as `write` would encode it, now (not joined to the pending text): a short
   * one a character at a time (cheaper than a `Buffer.write` call), a longer one by `Buffer.write`
   * (it may be a ConsString, see CONS_CHARS).
   */
  text(s: string): void {
    const n = s.length;
    if (n > TEXT_CHARS) return this.write(s);
    const b = this.buf;
    if (n >= CONS_CHARS) {
      // Perhaps a ConsString (a tree of joined pieces), whose charCodeAt walks the tree each time.
      this.room(n * 3);
      this.pos += b.write(s, this.pos, 'utf8');
      return;
    }
    this.room(n);
    let p = this.pos;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    this.pos = p;
    if (i === n) return;
    // Beyond ASCII: room for the rest at 3 bytes a character (the most a UTF-16 unit takes).
    this.room((n - i) * 3);
    p = this.pos;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c < 0xe000) {
        // A surrogate (a pair, or a lone one Buffer.write replaces): the rest as Buffer.write encodes it.
        this.pos = p + b.write(s.slice(i), p, 'utf8');
        return;
      } else {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
  }
  /** `s` after spaces up to `width` characters (padStart's text). */
  textRight(s: string, width: number): void {
    this.spaces(width - s.length);
    this.text(s);
  }
  /** `s` and spaces up to `width` characters (padEnd's text). */
  textLeft(s: string, width: number): void {
    this.text(s);
    this.spaces(width - s.length);
  }
  /** The integer `v` >= 0 in decimal after spaces up to `width` digits (decText(v).padStart(width)); another value as String(v). */
  number(v: number, width = 0): void {
    if (!wholeNumber(v)) return this.textRight(String(v), width);
    this.room(width + 16);
    this.putSpaces(width - decimalLength(v));
    this.putDecimal(v);
  }
  /** A non-negative integer below 2^53 in decimal, as String(v). */
  decimal(v: number): void {
    this.room(16);
    this.putDecimal(v);
  }
  /** A u32 IPv4 address as a dotted quad, as formatIPv4. */
  ipv4(v: number): void {
    this.room(IPV4_ROOM);
    this.putIPv4(v);
  }

  // --- the same without the check, in room made before by `room` (once for several of them)

  /** Makes room for `n` bytes written directly, after the pending text. */
  room(n: number): void {
    if (this.pending.length !== 0) this.encodePending();
    if (this.pos + n > this.buf.length) this.flushBuffer();
  }
  putByte(c: number): void {
    this.buf[this.pos++] = c;
  }
  /** `n` spaces (none when `n` <= 0). */
  putSpaces(n: number): void {
    const b = this.buf;
    let p = this.pos;
    for (const end = p + n; p < end; ) b[p++] = 32;
    this.pos = p;
  }
  /** ` → ` in UTF-8 (5 bytes). */
  putArrow(): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = 32;
    b[p + 1] = 0xe2;
    b[p + 2] = 0x86;
    b[p + 3] = 0x92;
    b[p + 4] = 32;
    this.pos = p + 5;
  }
  /** A non-negative integer below 2^53 in decimal (at most 16 bytes). */
  putDecimal(v: number): void {
    const end = this.pos + decimalLength(v);
    this.pos = end;
    putDigits(this.buf, end, v);
  }
  /** The integer 0 <= v < 10^n as `n` digits, zeros in front. */
  putFixed(v: number, n: number): void {
    const end = this.pos + n;
    this.pos = end;
    putFixedDigits(this.buf, end, v, n);
  }
  /** A u32 IPv4 address as a dotted quad (IPV4_ROOM bytes of room). */
  putIPv4(v: number): void {
    this.putOctet(v >>> 24);
    this.buf[this.pos++] = 46;
    this.putOctet((v >>> 16) & 0xff);
    this.buf[this.pos++] = 46;
    this.putOctet((v >>> 8) & 0xff);
    this.buf[this.pos++] = 46;
    this.putOctet(v & 0xff);
  }
  /** An octet's digits from OCTETS: all three bytes stored (no branch), the position moved by its length. */
  private putOctet(o: number): void {
    const b = this.buf;
    const p = this.pos;
    const k = o << 2;
    b[p] = OCTETS[k + 1]!;
    b[p + 1] = OCTETS[k + 2]!;
    b[p + 2] = OCTETS[k + 3]!;
    this.pos = p + OCTETS[k]!;
  }
  /** Where the bytes go (the file descriptor; a parallel read's worker sends them to the main thread). */
  protected emit(bytes: Uint8Array): void {
    writeAllSync(this.fd, bytes);
  }
}

/** Longer texts given to `OutBuffer.text` are joined and encoded as `write`'s (their 3 bytes a character fit the buffer). */
const TEXT_CHARS = 1 << 16;

/** V8 joins strings of this many characters or more as a ConsString, shorter ones as a copy. */
const CONS_CHARS = 13;

/** Whether `v` is an integer 0 <= v <= 2^53 - 1 (what `decimal` writes). */
function wholeNumber(v: number): boolean {
  return v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v;
}

/** Digits of the integer 0 <= v < 2^53 in decimal (comparisons, no division below 10^10). */
function decimalLength(v: number): number {
  if (v < 1e5) return v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : 5;
  if (v < 1e10) return v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
  let digits = 11;
  for (let t = v; t >= 1e11; t = Math.floor(t / 10)) digits++;
  return digits;
}

/** The ASCII digits of 00..99, two bytes each: a number's digits two at a time (half the divisions). */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** The digits of the integer 0 <= v < 2^53, written backwards from `end` (exclusive). */
function putDigits(b: Uint8Array, end: number, v: number): void {
  let p = end;
  let t = v;
  for (; t > 0x7fffffff; p -= 2) {
    const q = Math.floor(t / 100);
    putPair(b, p, t - q * 100);
    t = q;
  }
  putSmallDigits(b, p, t);
}

/** putDigits of an int32 (its divisions by 100 are multiplications). */
function putSmallDigits(b: Uint8Array, end: number, v: number): void {
  let p = end;
  let t = v | 0;
  for (; t >= 100; p -= 2) {
    const q = (t / 100) | 0;
    putPair(b, p, t - q * 100);
    t = q;
  }
  if (t >= 10) putPair(b, p, t);
  else b[p - 1] = 48 + t;
}

/** The `n` digits of 0 <= v < 10^n (zeros in front), written backwards from `end`. */
function putFixedDigits(b: Uint8Array, end: number, v: number, n: number): void {
  let p = end;
  let t = v | 0;
  let k = n;
  for (; k >= 2; k -= 2, p -= 2) {
    const q = (t / 100) | 0;
    putPair(b, p, t - q * 100);
    t = q;
  }
  if (k === 1) b[p - 1] = 48 + t;
}

/** The two digits of 0 <= d < 100 before `end`. */
function putPair(b: Uint8Array, end: number, d: number): void {
  b[end - 2] = DIGIT_PAIRS[d << 1]!;
  b[end - 1] = DIGIT_PAIRS[(d << 1) + 1]!;
}

/** Per octet 0..255 four bytes: the length of its decimal text, then its digits (padded to three). */
const OCTETS = Uint8Array.from({ length: 1024 }, (_, i) => {
  const text = String(i >> 2);
  return i & 3 ? (text.charCodeAt((i & 3) - 1) || 0) : text.length;
});

/** Room for putIPv4: 15 characters (its octets' three stores each end there: the last octet starts at the 13th at most). */
const IPV4_ROOM = 15;

/** Characters of text joined before they are encoded: 16 Ki (a 64 Ki string, two bytes a character with the arrow, is a large object and cost more than it saved). */
const PENDING_CHARS = 1 << 14;

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf` to `fd` synchronously: waits on a full pipe, exits quietly when the reader left. */
export function writeAllSync(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EAGAIN') {
        // A full non-blocking pipe: wait a moment for the reader instead of spinning.
        Atomics.wait(PAUSE, 0, 0, 2);
        continue;
      }
      // The reader went away (`| head`): stop quietly, as tshark does.
      if (err.code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}

// ---------------------------------------------------------------- time column (-t)

export type TimeFormat = 'r' | 'a' | 'ad' | 'd' | 'dd' | 'e' | 'u' | 'ud';

export interface TimeContext {
  format: TimeFormat;
  /** Decimal places (6 for µs captures, 9 for ns), as tshark chooses from the file. */
  digits: number;
  firstSec: number;
  firstNsec: number;
  prevSec: number;
  prevNsec: number;
  started: boolean;
}

export function newTimeContext(format: TimeFormat, digits: number): TimeContext {
  return { format, digits, firstSec: 0, firstNsec: 0, prevSec: 0, prevNsec: 0, started: false };
}

/**
 * A frame shown by another thread of a parallel read: the time column's state moves past it as if
 * it had been printed here (the first frame, the previous one for `-t d` and `-t dd`).
 */
export function timePassed(t: TimeContext, sec: number, nsec: number): void {
  if (!t.started) {
    t.firstSec = sec;
    t.firstNsec = nsec;
    t.started = true;
  }
  t.prevSec = sec;
  t.prevNsec = nsec;
}

/** Signed difference a - b printed with `digits` decimals, exactly (no float rounding). */
function diffText(aSec: number, aNsec: number, bSec: number, bNsec: number, digits: number): string {
  signedDiff(aSec, aNsec, bSec, bNsec);
  return `${diffNeg ? '-' : ''}${fracText(diffSec, diffNsec, digits)}`;
}

/** signedDiff's result: the sign and the magnitude of a - b, in seconds and nanoseconds (0..1e9). */
let diffNeg = false;
let diffSec = 0;
let diffNsec = 0;

/** a - b as a sign and a magnitude (diffNeg, diffSec, diffNsec: no object per call). */
function signedDiff(aSec: number, aNsec: number, bSec: number, bNsec: number): void {
  let s = aSec - bSec;
  let n = aNsec - bNsec;
  let neg = false;
  if (s < 0 || (s === 0 && n < 0)) {
    neg = true;
    s = -s;
    n = -n;
  }
  if (n < 0) {
    s -= 1;
    n += 1e9;
  }
  diffNeg = neg;
  diffSec = s;
  diffNsec = n;
}

/** 10^k for k = 0..9: the divisor of the nanoseconds for 9 - k digits (no Math.pow per packet). */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

function fracText(sec: number, nsec: number, digits: number): string {
  const div = POW10[9 - digits]!;
  const frac = Math.floor(nsec / div);
  return digits ? `${decText(sec)}.${decText(frac).padStart(digits, '0')}` : decText(sec);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function timeColumn(pkt: Packet, t: TimeContext): string {
  const f = pkt.frame;
  if (!f.hasTime) return '';
  if (!t.started) {
    t.firstSec = t.prevSec = f.tsSec;
    t.firstNsec = t.prevNsec = f.tsNsec;
    t.started = true;
  }
  let out: string;
  switch (t.format) {
    case 'r':
      out = diffText(f.tsSec, f.tsNsec, t.firstSec, t.firstNsec, t.digits);
      break;
    case 'd':
    case 'dd':
      out = diffText(f.tsSec, f.tsNsec, t.prevSec, t.prevNsec, t.digits);
      break;
    case 'e':
      out = fracText(f.tsSec, f.tsNsec, t.digits);
      break;
    case 'a':
    case 'ad':
    case 'u':
    case 'ud': {
      const d = new Date(f.tsSec * 1000);
      const utc = t.format === 'u' || t.format === 'ud';
      const h = utc ? d.getUTCHours() : d.getHours();
      const m = utc ? d.getUTCMinutes() : d.getMinutes();
      const s = utc ? d.getUTCSeconds() : d.getSeconds();
      const frac = t.digits ? `.${String(Math.floor(f.tsNsec / 10 ** (9 - t.digits))).padStart(t.digits, '0')}` : '';
      let day = '';
      if (t.format === 'ad' || t.format === 'ud') {
        const y = utc ? d.getUTCFullYear() : d.getFullYear();
        const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
        const dd = utc ? d.getUTCDate() : d.getDate();
        day = `${y}-${pad2(mo)}-${pad2(dd)} `;
      }
      out = `${day}${pad2(h)}:${pad2(m)}:${pad2(s)}${frac}`;
      break;
    }
  }
  t.prevSec = f.tsSec;
  t.prevNsec = f.tsNsec;
  return out;
}

// ---------------------------------------------------------------- one line per packet

function padLeft(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}
function padRight(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** tshark's default line: `    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 Info`. */
export function summaryLine(pkt: Packet, t: TimeContext): string {
  const f = pkt.frame;
  const proto = protocolColumn(pkt);
  let line = `${padLeft(decText(f.number), 5)} ${padLeft(timeColumn(pkt, t), 10)} `;
  if (pkt.colSrc || pkt.colDst) line += `${padLeft(pkt.colSrc, 12)} → ${padRight(pkt.colDst, 12)} `;
  line += `${proto} ${decText(f.origLen)} ${pkt.colInfo}`;
  return line;
}

/**
 * The bytes of `summaryLine(pkt, t) + '\n'` written into `out` directly: the numbers, the time
 * column and the columns' texts without the line's string (joining it, and encoding the joined
 * text of many lines, which its arrow makes two bytes a character, cost more than the copy). The
 * fixed-size parts are written in room made once for each run of them.
 */
export function writeSummaryLine(out: OutBuffer, pkt: Packet, t: TimeContext): void {
  const f = pkt.frame;
  out.number(f.number, 5);
  writeTimeColumn(out, pkt, t, 10);
  if (pkt.ipv4Columns) writeIPv4Columns(out, pkt.ipv4Src, pkt.ipv4Dst);
  else writeAddressColumns(out, pkt.colSrc, pkt.colDst);
  out.text(protocolColumn(pkt));
  out.room(18);
  out.putByte(32);
  out.putDecimal(f.origLen);
  out.putByte(32);
  // The Info text and its parts, their numbers not made text (see Packet.addInfoPart).
  out.text(pkt.infoText);
  for (let i = 0; i < pkt.infoParts; i++) {
    out.text(pkt.infoPartText[i]!);
    if (pkt.infoPartHasNum[i]) out.number(pkt.infoPartNum[i]!);
  }
  out.byte(10);
}

/** The IPv4 addresses of the Source and Destination columns, not made text (see Packet.setIPv4Addresses), and the space after them. */
function writeIPv4Columns(out: OutBuffer, src: number, dst: number): void {
  // Each column is 12 characters, or the address's up to 15.
  out.room(IPV4_ROOM + 5 + IPV4_ROOM + 1);
  out.putSpaces(12 - ipv4Length(src));
  out.putIPv4(src);
  out.putArrow();
  out.putIPv4(dst);
  out.putSpaces(12 - ipv4Length(dst));
  out.putByte(32);
}

/** The Source and Destination columns' texts (none when both are empty) and the space after them. */
function writeAddressColumns(out: OutBuffer, src: string, dst: string): void {
  if (!src && !dst) return;
  out.textRight(src, 12);
  out.room(5);
  out.putArrow();
  out.textLeft(dst, 12);
  out.byte(32);
}

/** Characters of a u32 IPv4 address's dotted quad. */
function ipv4Length(v: number): number {
  return 3 + OCTETS[(v >>> 24) << 2]! + OCTETS[((v >>> 16) & 0xff) << 2]! + OCTETS[((v >>> 8) & 0xff) << 2]! + OCTETS[(v & 0xff) << 2]!;
}

/**
 * ` ${padLeft(timeColumn(pkt, t), width)} ` written into `out`: the relative, delta and epoch
 * times as digits (with the same state changes as timeColumn), the absolute ones by their text.
 */
function writeTimeColumn(out: OutBuffer, pkt: Packet, t: TimeContext, width: number): void {
  const f = pkt.frame;
  const fmt = t.format;
  if (!f.hasTime || !(fmt === 'r' || fmt === 'd' || fmt === 'dd' || fmt === 'e')) return writeTimeText(out, timeColumn(pkt, t), width);
  if (!t.started) {
    t.firstSec = t.prevSec = f.tsSec;
    t.firstNsec = t.prevNsec = f.tsNsec;
    t.started = true;
  }
  let sec = f.tsSec;
  let nsec = f.tsNsec;
  let neg = false;
  if (fmt !== 'e') {
    // diffText's signed difference.
    signedDiff(sec, nsec, fmt === 'r' ? t.firstSec : t.prevSec, fmt === 'r' ? t.firstNsec : t.prevNsec);
    neg = diffNeg;
    sec = diffSec;
    nsec = diffNsec;
  }
  t.prevSec = f.tsSec;
  t.prevNsec = f.tsNsec;
  const digits = t.digits;
  const frac = Math.floor(nsec / POW10[9 - digits]!);
  // Not integers, or more digits than `digits` (fracText's decText and padStart): the text itself.
  if (!wholeNumber(sec) || (digits !== 0 && !(frac >= 0 && frac < POW10[digits]!))) return writeTimeText(out, `${neg ? '-' : ''}${fracText(sec, nsec, digits)}`, width);
  // Two spaces and the time (a sign, 16 digits, the point and 9), or the width when it is shorter.
  out.room(width + 29);
  out.putByte(32);
  out.putSpaces(width - (neg ? 1 : 0) - decimalLength(sec) - (digits === 0 ? 0 : 1 + digits));
  if (neg) out.putByte(45);
  out.putDecimal(sec);
  if (digits !== 0) {
    out.putByte(46);
    out.putFixed(frac, digits);
  }
  out.putByte(32);
}

/** The time column as text, padded to `width`, between spaces. */
function writeTimeText(out: OutBuffer, s: string, width: number): void {
  out.byte(32);
  out.textRight(s, width);
  out.byte(32);
}

/** The Protocol column as the summary line prints it (the last layer's name when no dissector set one). */
export function protocolColumn(pkt: Packet): string {
  return pkt.colProtocol || protocolFallback(pkt);
}

function protocolFallback(pkt: Packet): string {
  const last = pkt.protocols.last();
  return last ? last.toUpperCase() : 'UNKNOWN';
}

// ---------------------------------------------------------------- detail tree (-V)

/** Children lists of the tree, built once per packet for printing. */
function children(pkt: Packet): number[][] {
  const kids: number[][] = [];
  for (let i = 0; i < pkt.n; i++) kids.push([]);
  return kids;
}

/** One line of the detail tree: an item's label, an expert item's lines, or a data item's hex dump. */
export interface TreeRow {
  /** Indentation level (0 = a layer). */
  depth: number;
  /** The line's text, without indentation (for `hex`: the dump's lines, unindented). */
  text: string;
  /** The tree item the line belongs to (its bytes are the item's). */
  item: number;
  kind: 'item' | 'expert' | 'hex';
}

/**
 * The detail tree (-V) as lines, for printing (`treeText`) and for the terminal UI's tree pane.
 * `hexForData`: under each `data` item, a blank line and the hex dump of its bytes, which tshark
 * adds when -x does not print the whole packet.
 */
export function treeRows(pkt: Packet, hexForData = false): TreeRow[] {
  const kids = children(pkt);
  const roots: number[] = [];
  for (let i = 0; i < pkt.n; i++) {
    if (pkt.hidden[i]) continue;
    const p = pkt.parent[i]!;
    if (p < 0) roots.push(i);
    else kids[p]!.push(i);
  }
  const rows: TreeRow[] = [];
  const walk = (i: number, depth: number) => {
    rows.push({ depth, text: topLabel(pkt, i), item: i, kind: 'item' });
    if (hexForData && pkt.len[i]! > 0 && fieldById(pkt.fid[i]!).abbrev === 'data') {
      rows.push({ depth: 0, text: '', item: i, kind: 'hex' });
      rows.push({ depth: 0, text: hexLines(pkt.bytesOf(i)).trimEnd(), item: i, kind: 'hex' });
    }
    for (const c of kids[i]!) walk(c, depth + 1);
    for (const e of pkt.expert) {
      if (e.item !== i) continue;
      rows.push({ depth: depth + 1, text: `[Expert Info (${SEVERITY_NAMES[e.severity]}/${e.group}): ${e.message}]`, item: i, kind: 'expert' });
      rows.push({ depth: depth + 2, text: `[${e.message}]`, item: i, kind: 'expert' });
      rows.push({ depth: depth + 2, text: `[Severity level: ${SEVERITY_NAMES[e.severity]}]`, item: i, kind: 'expert' });
      rows.push({ depth: depth + 2, text: `[Group: ${e.group}]`, item: i, kind: 'expert' });
    }
  };
  for (const r of roots) walk(r, 0);
  return rows;
}

/**
 * The detail tree (-V) as tshark prints it. `hexForData`: under each `data` item, a blank line and
 * the hex dump of its bytes, which tshark adds when -x does not print the whole packet.
 */
export function treeText(pkt: Packet, hexForData = false): string {
  const lines = treeRows(pkt, hexForData).map((r) => (r.kind === 'hex' ? r.text : `${'    '.repeat(r.depth)}${r.text}`));
  return lines.join('\n') + '\n';
}

function topLabel(pkt: Packet, i: number): string {
  const def = fieldById(pkt.fid[i]!);
  if (def.abbrev === 'frame' && pkt.label[i] === undefined) {
    const f = pkt.frame;
    return `Frame ${f.number}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)`;
  }
  return itemLabel(pkt, i);
}

// ---------------------------------------------------------------- hex dump (-x)

export function hexDump(pkt: Packet): string {
  let out = '';
  for (let s = 0; s < pkt.sources.length; s++) {
    const b = pkt.sources[s]!;
    if (pkt.sources.length > 1) out += `${s === 0 ? 'Frame' : pkt.sourceNames[s]} (${b.length} bytes):\n`;
    out += hexLines(b);
  }
  return out;
}

/** tshark's hex and ASCII lines of `b`, offsets from 0. */
function hexLines(b: Uint8Array): string {
  let out = '';
  for (let off = 0; off < b.length; off += 16) {
    const n = Math.min(16, b.length - off);
    let hex = '';
    for (let k = 0; k < 16; k++) hex += k < n ? `${b[off + k]!.toString(16).padStart(2, '0')} ` : '   ';
    out += `${off.toString(16).padStart(4, '0')}  ${hex}  ${asciiOf(b, off, n)}\n`;
  }
  return out;
}

// ---------------------------------------------------------------- -T fields

/**
 * How `writeFieldsLine` writes a -T fields line of these options and fields without strings, or
 * undefined when it cannot: every field a decimal integer, a boolean or an IPv4 address (their
 * text is ASCII), every occurrence unquoted, ASCII separators.
 */
export interface DirectFields {
  ids: readonly number[];
  /** By position in `ids`: 1 decimal, 2 boolean, 3 IPv4. */
  kinds: Uint8Array;
  separator: string;
  aggregator: string;
}

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

export function directFields(o: FieldsOptions, ids: readonly (number | string)[]): DirectFields | undefined {
  if (o.occurrence !== 'a' || o.quote !== 'n' || !isAscii(o.separator) || !isAscii(o.aggregator)) return undefined;
  const kinds = new Uint8Array(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    if (typeof id === 'string') return undefined;
    const def = fieldById(id);
    switch (def.type) {
      case FT.UINT8:
      case FT.UINT16:
      case FT.UINT24:
      case FT.UINT32:
        if (def.base === Base.HEX || def.base === Base.HEX_DEC) return undefined;
        kinds[k] = 1;
        break;
      case FT.FRAMENUM:
        kinds[k] = 1;
        break;
      case FT.BOOLEAN:
        kinds[k] = 2;
        break;
      case FT.IPV4:
        kinds[k] = 3;
        break;
      default:
        return undefined;
    }
  }
  return { ids: ids as number[], kinds, separator: o.separator, aggregator: o.aggregator };
}

/** The line `fieldsLine` makes, and its newline, written into `out` directly (see DirectFields). */
export function writeFieldsLine(out: OutBuffer, pkt: Packet, d: DirectFields): void {
  const fid = pkt.fid;
  const num = pkt.num;
  const n = pkt.n;
  const ids = d.ids;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    const kind = d.kinds[k]!;
    if (k > 0) out.ascii(d.separator);
    let first = true;
    for (let i = 0; i < n; i++) {
      if (fid[i] !== id) continue;
      if (!first) out.ascii(d.aggregator);
      first = false;
      const v = num[i]!;
      if (kind === 3) out.ipv4(v);
      else if (kind === 2) out.byte(v ? 49 : 48);
      else if (typeof pkt.ref[i] === 'bigint') out.ascii(String(pkt.ref[i]));
      else if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) out.decimal(v);
      else out.ascii(String(v));
    }
  }
  out.byte(10);
}

export interface FieldsOptions {
  fields: string[];
  header: boolean;
  separator: string;
  occurrence: 'f' | 'l' | 'a';
  aggregator: string;
  quote: 'd' | 's' | 'n';
  /** -E bom=y: a UTF-8 byte order mark before the first line (tshark writes it only for -T fields). */
  bom: boolean;
}

/** Special column pseudo-fields tshark accepts in -e, and the expert items' names (`-e tcp.connection.syn` prints 1). */
export const COLUMN_FIELDS: ReadonlySet<string> = new Set(['_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination', '_ws.col.No.', '_ws.col.Length', '_ws.col.Time', '_ws.expert', '_ws.expert.message', '_ws.expert.severity', '_ws.expert.group', ...EXPERT_NAMES.keys()]);

export function fieldsLine(pkt: Packet, o: FieldsOptions, ids: (number | string)[], t?: TimeContext): string {
  if (o.occurrence === 'a' && o.quote === 'n') {
    // The common case, without the arrays: every occurrence of each field, unquoted.
    const fid = pkt.fid;
    const n = pkt.n;
    let line = '';
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (k > 0) line += o.separator;
      if (typeof id === 'string') {
        line += columnValues(pkt, id, t).join(o.aggregator);
        continue;
      }
      let first = true;
      for (let i = 0; i < n; i++) {
        if (fid[i] !== id) continue;
        if (!first) line += o.aggregator;
        line += fieldText(pkt, i);
        first = false;
      }
    }
    return line;
  }
  const cols: string[] = [];
  for (const id of ids) {
    let vals: string[];
    if (typeof id === 'string') vals = columnValues(pkt, id, t);
    else {
      vals = [];
      const fid = pkt.fid;
      for (let i = 0; i < pkt.n; i++) if (fid[i] === id) vals.push(fieldText(pkt, i));
    }
    if (o.occurrence === 'f') vals = vals.slice(0, 1);
    else if (o.occurrence === 'l') vals = vals.slice(-1);
    let v = vals.join(o.aggregator);
    if (o.quote === 'd') v = `"${v}"`;
    else if (o.quote === 's') v = `'${v}'`;
    cols.push(v);
  }
  return cols.join(o.separator);
}

function columnValues(pkt: Packet, name: string, t?: TimeContext): string[] {
  switch (name) {
    case '_ws.col.Protocol':
      return [protocolColumn(pkt)];
    case '_ws.col.Info':
      return [pkt.colInfo];
    case '_ws.col.Source':
      return [pkt.colSrc];
    case '_ws.col.Destination':
      return [pkt.colDst];
    case '_ws.col.No.':
      return [String(pkt.frame.number)];
    case '_ws.col.Length':
      return [String(pkt.frame.origLen)];
    case '_ws.col.Time':
      return [t ? timeColumn(pkt, t) : epochText(pkt.frame.tsSec, pkt.frame.tsNsec)];
    case '_ws.expert.message':
      return pkt.expert.map((e) => e.message);
    // Their numbers, as tshark prints them (4194304 for Note, 33554432 for Sequence).
    case '_ws.expert.severity':
      return pkt.expert.map((e) => String(expertSeverityCode(e.severity)));
    case '_ws.expert.group':
      return pkt.expert.map((e) => String(expertGroupCode(e.group)));
    // The expert item's label, as tshark prints an FT_PROTOCOL item.
    case '_ws.expert':
      return pkt.expert.map((e) => `Expert Info (${SEVERITY_NAMES[e.severity]}/${e.group}): ${e.message}`);
  }
  // An expert item's own name: 1 for each item of that name (FT_NONE, as tshark prints it).
  const out: string[] = [];
  for (const e of pkt.expert) if (e.abbrev === name) out.push('1');
  return out;
}

// ---------------------------------------------------------------- JSON lines

/** Version of the JSON-lines schema (README "JSON schema"). Bump on incompatible changes. */
export const JSON_SCHEMA_VERSION = 1;

/**
 * One JSON object per packet:
 * { schema, number, time, time_epoch, len, caplen, interface_id, protocols, protocol, src, dst,
 *   info, layers: { <proto>: { <field>: value | value[] } }, expert: [...] , malformed }
 */
/** Notes a later frame leaves on an earlier one (`annotate` keys) and the field each revises. */
const REVISIONS: Record<string, [layer: string, field: string]> = {
  'ip.reassembled_in': ['ip', 'ip.reassembled_in'],
  'ipv6.reassembled.in': ['ipv6', 'ipv6.reassembled.in'],
  'tcp.reassembled_in': ['tcp', 'tcp.reassembled_in'],
  'icmp.resp_in': ['icmp', 'icmp.resp_in'],
  'icmpv6.resp_in': ['icmpv6', 'icmpv6.resp_in'],
  'dns.rep': ['dns', 'dns.response_in'],
  'tcp.analysis.initial_rtt': ['tcp', 'tcp.analysis.initial_rtt'],
};

/**
 * A JSON line revising an already printed frame (single-pass reads): the packet schema's shape,
 * with `update: true` and only the fields that changed, so a consumer can merge it into the
 * object with the same `number`. Undefined for a note no output field shows.
 */
export function updateLine(frame: number, key: string, value: number): string | undefined {
  const r = REVISIONS[key];
  if (!r) return undefined;
  return JSON.stringify({ schema: JSON_SCHEMA_VERSION, number: frame, update: true, layers: { [r[0]]: { [r[1]]: value } } });
}

export function jsonLine(pkt: Packet): string {
  const f = pkt.frame;
  const layers: Record<string, Record<string, unknown>> = {};
  // Each item belongs to the nearest protocol item above it (or to "frame").
  const owner = new Int32Array(pkt.n);
  for (let i = 0; i < pkt.n; i++) {
    const def = fieldById(pkt.fid[i]!);
    if (def.type === FT.PROTOCOL) {
      owner[i] = i;
      continue;
    }
    const p = pkt.parent[i]!;
    owner[i] = p < 0 ? -1 : owner[p]!;
  }
  for (let i = 0; i < pkt.n; i++) {
    const def = fieldById(pkt.fid[i]!);
    if (def.type === FT.PROTOCOL) {
      if (!layers[def.abbrev]) layers[def.abbrev] = {};
      continue;
    }
    if (def.type === FT.NONE && pkt.label[i] !== undefined && pkt.len[i] === 0 && pkt.ref[i] === undefined && !def.abbrev.includes('analysis')) continue;
    const o = owner[i]!;
    const proto = o < 0 ? 'frame' : fieldById(pkt.fid[o]!).abbrev;
    const layer = (layers[proto] ??= {});
    const v = fieldJson(pkt, i);
    const prev = layer[def.abbrev];
    if (prev === undefined) layer[def.abbrev] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else layer[def.abbrev] = [prev, v];
  }
  const obj: Record<string, unknown> = {
    schema: JSON_SCHEMA_VERSION,
    number: f.number,
    time: f.hasTime ? rfc3339(f.tsSec, f.tsNsec) : null,
    time_epoch: f.hasTime ? epochText(f.tsSec, f.tsNsec) : null,
    len: f.origLen,
    caplen: f.capLen,
    interface_id: f.interfaceId,
    protocols: pkt.protocols.join(':'),
    protocol: protocolColumn(pkt),
    src: pkt.colSrc,
    dst: pkt.colDst,
    info: pkt.colInfo,
    layers,
  };
  if (pkt.expert.length) {
    obj.expert = pkt.expert.map((e) => ({ name: e.abbrev, severity: SEVERITY_NAMES[e.severity]!.toLowerCase(), group: e.group.toLowerCase(), message: e.message }));
  }
  if (pkt.malformed) obj.malformed = true;
  if (f.comments?.length) obj.comments = f.comments;
  return JSON.stringify(obj);
}

export { absoluteTimeText };

// ---------------------------------------------------------------- raw bytes (-x with JSON and EK)

/** The bytes of item `i` in lower-case hex (tshark's `*_raw` and PDML `value`). */
function rawHex(pkt: Packet, i: number): string {
  return Buffer.from(pkt.bytesOf(i)).toString('hex');
}

/**
 * A field's `*_raw` as tshark writes it with -x: its bytes in hex, or for a bit field its value
 * (upper-case hex, unpadded: ipv6.flow `E8DC5`), as PDML's `value` is.
 */
function rawValue(pkt: Packet, i: number): string {
  return fieldById(pkt.fid[i]!).mask ? Math.trunc(pkt.num[i]!).toString(16).toUpperCase() : rawHex(pkt, i);
}

function frameHex(pkt: Packet): string {
  const b = pkt.sources[0];
  return b ? Buffer.from(b).toString('hex') : '';
}

/**
 * JSON lines with tshark's `-x` (the `*_raw` fields): `layers.frame_raw` holds the frame's bytes,
 * `layers.<proto>_raw` each protocol's, and `<field>_raw` beside each field of nonzero length.
 */
export function jsonRawLine(pkt: Packet): string {
  const obj = JSON.parse(jsonLine(pkt)) as { layers: Record<string, unknown> };
  const layers: Record<string, unknown> = { frame_raw: frameHex(pkt) };
  const raw = new Map<string, Record<string, string | string[]>>();
  for (let i = 0; i < pkt.n; i++) {
    if (pkt.len[i]! <= 0) continue;
    const def = fieldById(pkt.fid[i]!);
    if (def.type === FT.PROTOCOL) {
      if (!raw.has(`${def.abbrev}_raw`)) raw.set(`${def.abbrev}_raw`, { hex: rawHex(pkt, i) });
      continue;
    }
    let o = pkt.parent[i]!;
    while (o >= 0 && fieldById(pkt.fid[o]!).type !== FT.PROTOCOL) o = pkt.parent[o]!;
    const proto = o < 0 ? 'frame' : fieldById(pkt.fid[o]!).abbrev;
    const m = raw.get(proto) ?? {};
    raw.set(proto, m);
    const k = `${def.abbrev}_raw`;
    const prev = m[k];
    const h = rawValue(pkt, i);
    m[k] = prev === undefined ? h : Array.isArray(prev) ? [...prev, h] : [prev, h];
  }
  for (const [name, layer] of Object.entries(obj.layers)) {
    const r = raw.get(`${name}_raw`);
    if (r) layers[`${name}_raw`] = r.hex;
    layers[name] = { ...(layer as object), ...(raw.get(name) ?? {}) };
  }
  obj.layers = layers;
  return JSON.stringify(obj);
}

// ---------------------------------------------------------------- -e with JSON, EK and PDML

/** The values of one `-e` name in a packet: a field's occurrences, or a column's text. */
function valuesOf(pkt: Packet, id: number | string, t: TimeContext | undefined, json: boolean): (string | number | boolean)[] {
  if (typeof id === 'string') return columnValues(pkt, id, t);
  const vals: (string | number | boolean)[] = [];
  for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === id) vals.push(json ? fieldJson(pkt, i) : fieldText(pkt, i));
  return vals;
}

/** `-T json -e F...`: the packet's number and only those fields, each an array of its values. */
export function jsonFieldsLine(pkt: Packet, names: string[], ids: (number | string)[], t?: TimeContext): string {
  const layers: Record<string, unknown> = {};
  names.forEach((n, k) => {
    const v = valuesOf(pkt, ids[k]!, t, true);
    if (v.length) layers[n] = v;
  });
  return JSON.stringify({ schema: JSON_SCHEMA_VERSION, number: pkt.frame.number, layers });
}

// ---------------------------------------------------------------- -T ek

/** The local date of a time, as tshark names the Elasticsearch index (`packets-YYYY-MM-DD`). */
function localDate(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** An EK key: tshark's field name with dots as underscores. */
function ekName(abbrev: string): string {
  return abbrev.replace(/\./g, '_');
}

/**
 * tshark's `-T ek`: an index line and one document line per packet. Without `-e`, each protocol is
 * an object of `<proto>_<field>` keys (dots as underscores) in tree order, nested protocols inside
 * their parent, values as strings (booleans as JSON booleans, text-only items as null), a key met
 * twice in a row becoming an array and met again later repeated (as tshark does); with `-x` each
 * key is preceded by its `_raw` hex. With `-e`, `layers` holds each field's values as strings.
 */
export function ekLines(pkt: Packet, opts: { names?: string[]; ids?: (number | string)[]; raw?: boolean; time?: TimeContext }): string {
  const f = pkt.frame;
  const index = `{"index":{"_index":"packets-${localDate(f.tsSec)}","_type":"doc"}}`;
  const ts = `${f.tsSec}${String(Math.floor(f.tsNsec / 1e6)).padStart(3, '0')}`;
  let layers: string;
  if (opts.names && opts.ids) {
    const parts: string[] = [];
    opts.names.forEach((n, k) => {
      const v = valuesOf(pkt, opts.ids![k]!, opts.time, false).map(String);
      if (v.length) parts.push(`${JSON.stringify(ekName(n))}:${JSON.stringify(v)}`);
    });
    layers = `{${parts.join(',')}}`;
  } else {
    layers = ekTree(pkt, !!opts.raw);
  }
  return `${index}\n{"timestamp":"${ts}","layers":${layers}}`;
}

function ekValue(pkt: Packet, i: number): string {
  const def = fieldById(pkt.fid[i]!);
  if (def.type === FT.BOOLEAN) return pkt.num[i] ? 'true' : 'false';
  if (def.type === FT.NONE) return 'null';
  if (def.type === FT.ABSOLUTE_TIME && def.abbrev !== 'frame.time_epoch' && pkt.ref[i] && typeof pkt.ref[i] === 'object' && 'tsSec' in (pkt.ref[i] as object)) {
    const f = pkt.ref[i] as { tsSec: number; tsNsec: number };
    return JSON.stringify(rfc3339(f.tsSec, f.tsNsec));
  }
  if (def.type === FT.BYTES) return JSON.stringify(colonHex(pkt.bytesOf(i)));
  return JSON.stringify(fieldText(pkt, i));
}

/** Bytes as `5a:8c:05`, as tshark shows FT_BYTES in PDML and EK. */
function colonHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1:');
}

function ekTree(pkt: Packet, raw: boolean): string {
  const kids: number[][] = children(pkt);
  const roots: number[] = [];
  for (let i = 0; i < pkt.n; i++) {
    const p = pkt.parent[i]!;
    if (p < 0) roots.push(i);
    else kids[p]!.push(i);
  }
  // Members of one object, in order; a key repeated in a row is merged into an array.
  type Member = { key: string; values: string[]; raws: string[] };
  const object = (members: Member[]) => `{${members.map((m) => {
    const r = raw && m.raws.length ? `${JSON.stringify(`${m.key}_raw`)}:${m.raws.length > 1 ? `[${m.raws.map((x) => JSON.stringify(x)).join(',')}]` : JSON.stringify(m.raws[0])},` : '';
    return `${r}${JSON.stringify(m.key)}:${m.values.length > 1 ? `[${m.values.join(',')}]` : m.values[0]}`;
  }).join(',')}}`;
  const push = (members: Member[], key: string, value: string, rawHexText: string | undefined) => {
    const last = members[members.length - 1];
    if (last && last.key === key && !value.startsWith('{')) {
      last.values.push(value);
      if (rawHexText !== undefined) last.raws.push(rawHexText);
      return;
    }
    members.push({ key, values: [value], raws: rawHexText !== undefined ? [rawHexText] : [] });
  };
  const protoObject = (p: number): string => {
    const proto = fieldById(pkt.fid[p]!).abbrev;
    const members: Member[] = [];
    // Siblings of one name are one key (an array, where the first stands), each followed by its
    // children flattened; a name met again at another level is written again (tshark 4.0's EK).
    const walk = (i: number) => {
      const groups = new Map<number, number[]>();
      for (const c of kids[i]!) {
        const g = groups.get(pkt.fid[c]!);
        if (g) g.push(c);
        else groups.set(pkt.fid[c]!, [c]);
      }
      for (const [fidOf, items] of groups) {
        const def = fieldById(fidOf);
        for (const c of items) {
          const rh = pkt.len[c]! > 0 ? (def.type === FT.PROTOCOL ? rawHex(pkt, c) : rawValue(pkt, c)) : undefined;
          if (def.type === FT.PROTOCOL) push(members, ekName(def.abbrev), protoObject(c), rh);
          else push(members, `${ekName(proto)}_${ekName(def.abbrev)}`, ekValue(pkt, c), rh);
        }
        if (def.type !== FT.PROTOCOL) for (const c of items) walk(c);
      }
    };
    walk(p);
    return object(members);
  };
  const top: Member[] = [];
  if (raw) top.push({ key: 'frame_raw', values: [JSON.stringify(frameHex(pkt))], raws: [] });
  for (const r of roots) {
    const def = fieldById(pkt.fid[r]!);
    if (def.type !== FT.PROTOCOL) continue;
    if (raw && pkt.len[r]! > 0 && def.abbrev !== 'frame') top.push({ key: `${ekName(def.abbrev)}_raw`, values: [JSON.stringify(rawHex(pkt, r))], raws: [] });
    top.push({ key: ekName(def.abbrev), values: [protoObject(r)], raws: [] });
  }
  return `{${top.map((m) => `${JSON.stringify(m.key)}:${m.values[0]}`).join(',')}}`;
}

// ---------------------------------------------------------------- -T psml and -T pdml

/** XML attribute/text escaping as tshark's (`&`, `<`, `>`, `"`, `'`). */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** The XML declaration and the columns, as `tshark -T psml` writes them before the first packet. */
export function psmlHeader(creator: string): string {
  const cols = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info'];
  return `<?xml version="1.0" encoding="utf-8"?>\n<psml version="0" creator="${xmlEscape(creator)}">\n<structure>\n${cols.map((c) => `<section>${c}</section>\n`).join('')}</structure>\n\n`;
}

export const PSML_FOOTER = '</psml>\n';

/** One packet of `-T psml`: the summary line's columns. */
export function psmlPacket(pkt: Packet, t: TimeContext): string {
  const f = pkt.frame;
  const cols = [String(f.number), timeColumn(pkt, t), pkt.colSrc, pkt.colDst, protocolColumn(pkt), String(f.origLen), pkt.colInfo];
  return `<packet>\n${cols.map((c) => `<section>${xmlEscape(c)}</section>\n`).join('')}</packet>\n\n`;
}

/** The start of `-T pdml` (tshark's, with its own creator, time and file name). */
export function pdmlHeader(creator: string, file: string, now: Date): string {
  return '<?xml version="1.0" encoding="utf-8"?>\n'
    + '<?xml-stylesheet type="text/xsl" href="pdml2html.xsl"?>\n'
    + '<!-- You can find pdml2html.xsl in /usr/share/wireshark or at https://gitlab.com/wireshark/wireshark/-/raw/master/pdml2html.xsl. -->\n'
    + `<pdml version="0" creator="${xmlEscape(creator)}" time="${ctimeText(now)}" capture_file="${xmlEscape(file)}">\n`;
}

export const PDML_FOOTER = '</pdml>\n';

/** C's ctime() without the newline: `Sun Dec  6 20:07:30 2026` (local time). */
function ctimeText(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${d.getFullYear()}`;
}

/**
 * One packet of `-T pdml`: tshark's `geninfo` pseudo-protocol, then every protocol and field of the
 * tree with name, showname (the tree label), size, pos, show (the `-T fields` text) and value (the
 * bytes in hex), hidden items with hide="yes"; with `-e`, only those fields as name and value.
 */
export function pdmlPacket(pkt: Packet, opts: { names?: string[]; ids?: (number | string)[]; time?: TimeContext }): string {
  const f = pkt.frame;
  const time = absoluteTimeText(f.tsSec, f.tsNsec);
  let out = '<packet>\n'
    + `  <proto name="geninfo" pos="0" showname="General information" size="${f.capLen}">\n`
    + `    <field name="num" pos="0" show="${f.number}" showname="Number" value="${f.number.toString(16)}" size="${f.capLen}"/>\n`
    + `    <field name="len" pos="0" show="${f.origLen}" showname="Frame Length" value="${f.origLen.toString(16)}" size="${f.capLen}"/>\n`
    + `    <field name="caplen" pos="0" show="${f.capLen}" showname="Captured Length" value="${f.capLen.toString(16)}" size="${f.capLen}"/>\n`
    + `    <field name="timestamp" pos="0" show="${xmlEscape(time)}" showname="Captured Time" value="${epochText(f.tsSec, f.tsNsec)}" size="${f.capLen}"/>\n`
    + '  </proto>\n';
  if (opts.names && opts.ids) {
    opts.names.forEach((n, k) => {
      for (const v of valuesOf(pkt, opts.ids![k]!, opts.time, false)) out += `  <field name="${xmlEscape(n)}" value="${xmlEscape(String(v))}"/>\n`;
    });
    return out + '</packet>\n\n\n';
  }
  const kids = children(pkt);
  const roots: number[] = [];
  for (let i = 0; i < pkt.n; i++) {
    const p = pkt.parent[i]!;
    if (p < 0) roots.push(i);
    else kids[p]!.push(i);
  }
  const walk = (i: number, depth: number) => {
    const def = fieldById(pkt.fid[i]!);
    const ind = '  '.repeat(depth);
    let tag = def.type === FT.PROTOCOL ? 'proto' : 'field';
    let attrs: string;
    if (def.abbrev === 'data' && tag === 'proto') {
      // tshark writes undissected data as a field with only its bytes.
      tag = 'field';
      attrs = `name="data" value="${rawHex(pkt, i)}"`;
    } else {
      attrs = `name="${xmlEscape(def.abbrev)}" showname="${xmlEscape(topLabel(pkt, i))}"`;
      if (pkt.hidden[i]) attrs += ' hide="yes"';
      attrs += ` size="${pkt.len[i]}" pos="${pkt.start[i]}"`;
      if (tag === 'field' && def.type !== FT.NONE) {
        // Bytes show as colon-separated hex in PDML (fields output writes them without colons).
        const show = def.type === FT.BYTES ? colonHex(pkt.bytesOf(i)) : fieldText(pkt, i);
        attrs += ` show="${xmlEscape(show)}"`;
      }
      if (tag === 'field' && pkt.len[i]! > 0) {
        // A bit field: its value (upper-case hex, as tshark) and the bytes it lies in.
        if (def.mask) attrs += ` value="${rawValue(pkt, i)}" unmaskedvalue="${rawHex(pkt, i)}"`;
        else attrs += ` value="${rawHex(pkt, i)}"`;
      }
    }
    const cs = kids[i]!;
    if (!cs.length) {
      out += `${ind}<${tag} ${attrs}/>\n`;
      return;
    }
    out += `${ind}<${tag} ${attrs}>\n`;
    for (const c of cs) walk(c, depth + 1);
    out += `${ind}</${tag}>\n`;
  };
  for (const r of roots) walk(r, 1);
  return out + '</packet>\n\n\n';
}
