/**
 * Wireshark 4.0's format_text (wsutil/strutil.c format_text_internal) of packet bytes, byte for
 * byte: printable ASCII as it is; other ASCII as a C escape (`\r`, `\t`, ...) or three octal digits
 * (`\000`); a UTF-8 sequence decoded permissively (an overlong form is taken, a surrogate or a value
 * above U+10FFFF is U+FFFD), a lead byte without its continuation bytes is U+FFFD and the next byte
 * starts afresh, a stray continuation byte, 0xFE or 0xFF is U+FFFD; the character is shown when
 * GLib's g_unichar_isprint holds (not a control, format, unassigned or surrogate code point) and as
 * `\uXXXX` / `\UXXXXXXXX` otherwise. Header lines that hold binary data (a continuation read as
 * headers) are shown with it, as tshark shows them (`http.unknown_header`, the tree's labels).
 */

const C_ESCAPES: readonly string[] = (() => {
  const t: string[] = [];
  for (let c = 0; c < 0x80; c++) t.push(`\\${c.toString(8).padStart(3, '0')}`);
  t[7] = '\\a';
  t[8] = '\\b';
  t[9] = '\\t';
  t[10] = '\\n';
  t[11] = '\\v';
  t[12] = '\\f';
  t[13] = '\\r';
  return t;
})();

/** g_unichar_isprint: false for Cc, Cf, Cn and Cs (GLib's "not printable" types). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}]/u;
const UNREPL = 0xfffd;

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

function printable(uc: number): boolean {
  if (uc >= 0xd800 && uc <= 0xdfff) return false;
  return !NOT_PRINTABLE.test(String.fromCodePoint(uc));
}

/** Bytes under 0x80 as text, a few thousand at a time (one native call each). */
function latin1(d: Uint8Array, off: number, end: number): string {
  let s = '';
  for (let p = off; p < end; p += 8192) s += String.fromCharCode.apply(null, d.subarray(p, Math.min(end, p + 8192)) as unknown as number[]);
  return s;
}

/** format_text of `d[off, end)`. */
export function formatText(d: Uint8Array, off: number, end: number): string {
  // Most lines are printable ASCII: one native decode.
  let i = off;
  while (i < end && d[i]! >= 0x20 && d[i]! < 0x7f) i++;
  let out = latin1(d, off, i);
  if (i === end) return out;
  while (i < end) {
    let c = d[i++]!;
    if (c < 0x80) {
      out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : C_ESCAPES[c]!;
      continue;
    }
    let more: number;
    let mask: number;
    if ((c & 0xe0) === 0xc0) [more, mask] = [1, 0x1f];
    else if ((c & 0xf0) === 0xe0) [more, mask] = [2, 0x0f];
    else if ((c & 0xf8) === 0xf0) [more, mask] = [3, 0x07];
    else if ((c & 0xfc) === 0xf8) [more, mask] = [4, 0x03];
    else if ((c & 0xfe) === 0xfc) [more, mask] = [5, 0x01];
    else [more, mask] = [-1, 0];
    let uc = UNREPL;
    if (more > 0) {
      uc = c & mask;
      for (let k = 0; k < more; k++) {
        if (i >= end) {
          uc = UNREPL;
          break;
        }
        c = d[i]!;
        if ((c & 0xc0) !== 0x80) {
          // Not a continuation byte: U+FFFD, and this byte starts the next character.
          uc = UNREPL;
          break;
        }
        i++;
        uc = uc * 64 + (c & 0x3f);
      }
      // g_unichar_validate
      if (uc >= 0x110000 || (uc >= 0xd800 && uc <= 0xdfff)) uc = UNREPL;
    }
    if (printable(uc)) out += String.fromCodePoint(uc);
    // "ASCII, but not printable" tests the last byte read, never under 0x80 here.
    else if (c < 0x80) out += C_ESCAPES[c]!;
    else out += uc <= 0xffff ? `\\u${hex(uc, 4)}` : `\\U${hex(uc, 8)}`;
  }
  return out;
}

const ESCAPES: Record<string, string> = { '\0': '\\0', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value as tshark 4.0 prints a string field: NUL, BS, FF, LF, CR and TAB as `\0`, `\b`, `\f`,
 * `\n`, `\r`, `\t`; every other character as it is.
 */
export function esc(s: string): string {
  if (!/[\0\b\f\n\r\t]/.test(s)) return s;
  return s.replace(/[\0\b\f\n\r\t]/g, (c) => ESCAPES[c]!);
}
