/** DNS names (RFC 1035 3.1, 4.1.4): decompression with guards, and text escapes as Wireshark shows them. */
import { type Packet } from '../packet.js';
import { DNS_LIMITS } from './fields.js';
import { formatUtf8Text } from '../bytes.js';
// --- names

/** Why a name could not be read completely (0: it could). */
export const enum NameError {
  None = 0,
  /** A label or pointer runs past the end of the message. */
  PastEnd,
  /** Too many compression pointers: a loop. */
  Loop,
  /** A label type other than a length or a pointer (RFC 6891 deprecates 0x40 extended labels). */
  BadLabel,
  /** Longer than 255 bytes. */
  TooLong,
}

/**
 * Results of the last `readName` besides its text, read by its caller right after the call (a
 * module's scratch, not state: every call sets them before it returns, so reading a name
 * allocates only its text).
 */
export let nameEnd = 0;
export let nameErr: NameError = NameError.None;
export let nameLabels = 0;
/** Bytes of the name read last, as text without escapes: label bytes and the dots between them. */
export let nameRawLen = 0;

const NAME_ERRORS = ['', 'name runs past the end of the message', 'compression pointer loop', 'unsupported label type', 'name longer than 255 bytes'];

/**
 * Reads the (possibly compressed) name at `off` in the message `[msg, end)` of `d`. Returns its text
 * (Wireshark's form: labels joined by dots, `<Root>` for the root) when `text` is true, else ''.
 * Sets `nameEnd` (the offset after the name where it starts, i.e. after the first pointer),
 * `nameErr`, `nameLabels` and `nameRawLen`.
 */
export function readName(d: Uint8Array, msg: number, end: number, off: number, text: boolean): string {
  let s = '';
  let p = off;
  let hops = 0;
  let wire = 0;
  let labels = 0;
  let rawLen = 0;
  let plain = true;
  nameEnd = -1;
  nameErr = NameError.None;
  for (;;) {
    if (p >= end) {
      nameErr = NameError.PastEnd;
      break;
    }
    const len = d[p]!;
    if (len === 0) {
      p++;
      wire++;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) {
        nameErr = NameError.PastEnd;
        break;
      }
      if (nameEnd < 0) nameEnd = p + 2;
      if (++hops > DNS_LIMITS.maxPointerHops) {
        nameErr = NameError.Loop;
        break;
      }
      const target = msg + (((len & 0x3f) << 8) | d[p + 1]!);
      if (target >= end) {
        nameErr = NameError.PastEnd;
        break;
      }
      p = target;
      continue;
    }
    if (kind !== 0) {
      nameErr = NameError.BadLabel;
      break;
    }
    if (p + 1 + len > end) {
      nameErr = NameError.PastEnd;
      break;
    }
    wire += len + 1;
    if (wire + 1 > DNS_LIMITS.maxNameLength) {
      nameErr = NameError.TooLong;
      break;
    }
    labels++;
    if (text) {
      if (labels > 1) nameBytes[rawLen++] = 0x2e;
      for (let i = p + 1; i <= p + len; i++) {
        const c = d[i]!;
        if (c < 0x20 || c >= 0x7f) plain = false;
        nameBytes[rawLen++] = c;
      }
    }
    p += 1 + len;
  }
  if (nameEnd < 0) nameEnd = nameErr === NameError.None ? p : Math.min(p, end);
  nameLabels = labels;
  nameRawLen = rawLen;
  if (text) {
    if (plain) s = latin1(nameBytes, 0, rawLen);
    else {
      s = formatUtf8Text(nameBytes, 0, rawLen);
      // tshark counts the labels of the text: a dot inside a label counts as a separator.
      let dots = 0;
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x2e) dots++;
      nameLabels = rawLen ? dots + 1 : 0;
    }
    if (plain && rawLen) {
      let dots = 0;
      for (let i = 0; i < rawLen; i++) if (nameBytes[i] === 0x2e) dots++;
      nameLabels = dots + 1;
    }
    if (!rawLen && nameErr === NameError.None) s = '<Root>';
  }
  return s;
}

/** The bytes of the name being read, dots between labels (a name is at most 255 bytes). */
const nameBytes = new Uint8Array(DNS_LIMITS.maxNameLength + 64);
export function nameProblem(pkt: Packet, item: number): void {
  pkt.markMalformed(item, `Malformed Packet (DNS: ${NAME_ERRORS[nameErr]})`);
}

export function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]!);
  return s;
}
