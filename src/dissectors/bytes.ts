/**
 * Byte helpers shared by dissectors and output formats: address text, hex, checksums.
 * Pure functions over (bytes, offset); no allocation beyond the returned string.
 */

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** `aa:bb:cc:dd:ee:ff` */
export function formatMac(b: Uint8Array, off: number): string {
  return `${HEX[b[off]!]}:${HEX[b[off + 1]!]}:${HEX[b[off + 2]!]}:${HEX[b[off + 3]!]}:${HEX[b[off + 4]!]}:${HEX[b[off + 5]!]}`;
}


/**
 * The decimal text of 0..999 (a table: 2.4 times faster than numbers in a template for the octets
 * of an address), and of 0..999 in three digits (`007`).
 */
const DEC3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * `String(n)` of an integer 0 <= n < 2^53, for the numbers of per-packet texts (frame numbers,
 * sequence numbers, timestamps). Made of short table strings, not by V8's number-to-string, whose
 * cache holds every new number's text: those texts outlive the young generation, are promoted and
 * die in the old one (a one-line read of the 200k real capture promoted about 10 MB of them; a
 * loop of 2M texts of large numbers: 147 MB promoted and 8 full GCs, against 3 MB and none for
 * these). Any other value goes to String.
 */
export function decText(n: number): string {
  if (n < 1000 && n >= 0 && (n | 0) === n) return DEC3[n]!;
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n)) return String(n);
  const hi = Math.floor(n / 1000);
  const lo = n - hi * 1000;
  return (hi < 1000 ? DEC3[hi]! : decText(hi)) + PAD3[lo]!;
}

/**
 * `bits` with the flag bits `flag` set (`on`) or cleared: the flags of per-connection state kept in
 * one small-integer field (a boolean field per flag costs a word each, in every object).
 */
export function withFlag(bits: number, flag: number, on: boolean): number {
  return on ? bits | flag : bits & ~flag;
}

/** `bits` with the `mask`-wide field at `shift` set to `v` (masked): `(bits >> shift) & mask` reads it. */
export function withField(bits: number, shift: number, mask: number, v: number): number {
  return (bits & ~(mask << shift)) | ((v & mask) << shift);
}

/** Dotted quad from a u32. */
export function formatIPv4(v: number): string {
  return `${DEC3[v >>> 24]}.${DEC3[(v >>> 16) & 0xff]}.${DEC3[(v >>> 8) & 0xff]}.${DEC3[v & 0xff]}`;
}

export function formatIPv4At(b: Uint8Array, off: number): string {
  return `${DEC3[b[off]!]}.${DEC3[b[off + 1]!]}.${DEC3[b[off + 2]!]}.${DEC3[b[off + 3]!]}`;
}

/** RFC 5952 text of the 16 bytes at `off` (longest run of >= 2 zero groups compressed, first wins). */
export function formatIPv6(b: Uint8Array, off: number): string {
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] === 0) {
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible are printed with a dotted tail by Wireshark.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${formatIPv4At(b, off + 12)}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += g[i]!.toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** Plain lower-case hex of a byte range (tshark's FT_BYTES text). */
export function toHex(b: Uint8Array, off: number, len: number, sep = ''): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    if (sep && i) s += sep;
    s += HEX[b[off + i]!];
  }
  return s;
}

/** Internet checksum (RFC 1071) partial sum over a range, to be folded by `foldChecksum`. */
export function sum16(b: Uint8Array, off: number, len: number, acc = 0): number {
  let i = off;
  const end = off + len;
  for (; i + 1 < end; i += 2) acc += (b[i]! << 8) | b[i + 1]!;
  if (i < end) acc += b[i]! << 8;
  return acc;
}

export function foldChecksum(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

/** Printable ASCII for a hex dump (`.` for anything else). */
export function asciiOf(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const c = b[off + i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  return s;
}

/** Parse `aa:bb:cc:dd:ee:ff` (or `-` separated) to 6 bytes. */
export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) throw new Error(`bad MAC address: ${text}`);
  return Uint8Array.from(parts.map((p) => {
    const v = parseInt(p, 16);
    if (!(v >= 0 && v <= 255) || !/^[0-9a-fA-F]{1,2}$/.test(p)) throw new Error(`bad MAC address: ${text}`);
    return v;
  }));
}

/** Parse a dotted quad to a u32. */
export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new Error(`bad IPv4 address: ${text}`);
  let v = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new Error(`bad IPv4 address: ${text}`);
    v = v * 256 + n;
  }
  return v >>> 0;
}

/** Parse IPv6 text (with :: and an optional dotted IPv4 tail) to 16 bytes. */
export function parseIPv6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let head = text;
  let tail4: number | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.split('::');
  if (dbl.length > 2) throw new Error(`bad IPv6 address: ${text}`);
  const left = dbl[0] ? dbl[0].split(':') : [];
  const right = dbl.length === 2 && dbl[1] ? dbl[1].split(':') : [];
  const fill = 8 - left.length - right.length;
  if ((dbl.length === 1 && fill !== 0) || fill < 0) throw new Error(`bad IPv6 address: ${text}`);
  const groups = [...left, ...new Array(dbl.length === 2 ? fill : 0).fill('0'), ...right];
  groups.forEach((gs, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(gs)) throw new Error(`bad IPv6 address: ${text}`);
    const v = parseInt(gs, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  if (tail4 !== undefined) {
    out[12] = tail4 >>> 24;
    out[13] = (tail4 >>> 16) & 0xff;
    out[14] = (tail4 >>> 8) & 0xff;
    out[15] = tail4 & 0xff;
  }
  return out;
}

/** Big-endian reads without a DataView (V8 inlines these; no allocation per packet). */
export function u16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

export function u24(b: Uint8Array, off: number): number {
  return (b[off]! << 16) | (b[off + 1]! << 8) | b[off + 2]!;
}

export function u32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

/** The bytes of `parts`, one after the other, in a new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const C_ESCAPES: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
/** A lenient UTF-8 decoder (an invalid sequence becomes U+FFFD); it holds no state between calls. */
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Wireshark's format_text: control characters as C escapes (`\t`) or three octal digits (`\000`,
 * `\177`); a backslash stays as it is.
 */
export function formatText(t: string): string {
  // Most texts have no control character: they are returned as they are, no copy made.
  let i = 0;
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) break;
  }
  if (i === t.length) return t;
  let out = t.slice(0, i);
  for (; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f) out += t[i];
    else out += C_ESCAPES[c] ?? `\\${c.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** format_text of bytes `d[off, end)` read as UTF-8. */
export function formatUtf8Text(d: Uint8Array, off: number, end: number): string {
  return formatText(utf8.decode(d.subarray(off, end)));
}
