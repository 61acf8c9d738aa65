/**
 * Field values as text and JSON, and tree labels. The text form is exactly what tshark 4.0 prints
 * for `-T fields -e` (decimal numbers, hex bases as 0x with the type's width, booleans 1/0,
 * addresses in their usual text, bytes as plain hex), so scripts written for tshark keep working.
 */
import type { Frame } from '../capture/frame.js';
import { Base, fieldById, FT, type FieldDef } from './fields.js';
import { formatIPv4, formatIPv6, formatMac, toHex } from './bytes.js';
import { LayerList, type Packet } from './packet.js';

function hexWidth(def: FieldDef): number {
  return Math.max(1, Math.ceil(def.bits / 4));
}

function hexText(v: number, def: FieldDef): string {
  return `0x${v.toString(16).padStart(hexWidth(def), '0')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Seconds since the epoch in the local zone (whole seconds; precision below kept separately). */
function localParts(sec: number): { d: Date; tz: string } {
  const d = new Date(sec * 1000);
  let tz = 'UTC';
  try {
    tz = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  } catch {
    /* keep UTC */
  }
  return { d, tz };
}

/** tshark's frame.time text: `Nov 27, 2024 17:45:16.680626000 UTC`, `Jan  1, ...` (local zone; the day is `%2d`). */
export function absoluteTimeText(sec: number, nsec: number): string {
  const { d, tz } = localParts(sec);
  if (Number.isNaN(d.getTime())) return farTimeText(sec, nsec);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')}, ${d.getFullYear()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(nsec).padStart(9, '0')} ${tz === 'GMT' ? 'UTC' : tz}`;
}

/**
 * A time beyond JavaScript's Date (more than 275,760 years from 1970; a pcapng time stamp with a
 * wrong resolution gets there), in UTC as tshark prints it: `Jan 19, 586524 07:53:24.126329000 UTC`.
 * Days to a civil date as in Howard Hinnant's `civil_from_days`.
 */
function farTimeText(sec: number, nsec: number): string {
  const days = Math.floor(sec / 86400);
  const rem = sec - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3600);
  const m = Math.floor((rem % 3600) / 60);
  return `${MONTHS[month - 1]} ${String(day).padStart(2, ' ')}, ${year} ${pad2(h)}:${pad2(m)}:${pad2(rem % 60)}.${String(nsec).padStart(9, '0')} UTC`;
}

/** RFC 3339 UTC with nanoseconds: `2024-11-27T17:45:16.680626000Z`. */
export function rfc3339(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  if (Number.isNaN(d.getTime())) return `${sec}.${String(nsec).padStart(9, '0')}`;
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
}

export function epochText(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/** Seconds (double) with 9 decimals, as tshark prints relative times. */
export function relTimeText(s: number): string {
  return s.toFixed(9);
}

/**
 * A relative time exact to the nanosecond: `num` is the difference in seconds (a double) and `ns`
 * its nanoseconds part as an integer (-999,999,999..999,999,999), which the double loses once the
 * difference passes about 10^7 s (a capture whose clock jumped by years).
 */
function exactRelTimeText(num: number, ns: number): string {
  const sec = Math.round(num - ns / 1e9);
  let total = BigInt(sec) * 1_000_000_000n + BigInt(ns);
  const neg = total < 0n;
  if (neg) total = -total;
  const s = total / 1_000_000_000n;
  const f = total % 1_000_000_000n;
  return `${neg ? '-' : ''}${s}.${String(f).padStart(9, '0')}`;
}

/**
 * A double as tshark prints FT_DOUBLE (`%.15g`): 0.015, not 0.015000000000000001.
 */
export function doubleText(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(15)))));
  if (exp < -4 || exp >= 15) {
    // %g's exponent form: mantissa without trailing zeros, exponent with a sign and two digits.
    const [m, e] = v.toExponential(14).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const t = v.toFixed(Math.max(0, 14 - exp));
  return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
}

/** The value of item `i` as `tshark -T fields` prints it. */
export function fieldText(pkt: Packet, i: number): string {
  const def = fieldById(pkt.fid[i]!);
  const v = pkt.num[i]!;
  switch (def.type) {
    case FT.UINT8:
    case FT.UINT16:
    case FT.UINT24:
    case FT.UINT32:
    case FT.UINT48:
    case FT.UINT64:
      if (pkt.ref[i] !== undefined && typeof pkt.ref[i] === 'bigint') return String(pkt.ref[i]);
      return def.base === Base.HEX || def.base === Base.HEX_DEC ? hexText(v, def) : String(v);
    case FT.INT32:
    case FT.FRAMENUM:
      return String(v);
    case FT.BOOLEAN:
      return v ? '1' : '0';
    case FT.IPV4:
      return formatIPv4(v);
    case FT.ETHER: {
      const r = pkt.ref[i];
      return r instanceof Uint8Array ? formatMac(r, 0) : formatMac(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
    }
    case FT.IPV6:
      return pkt.ref[i] instanceof Uint8Array ? formatIPv6(pkt.ref[i] as Uint8Array, 0) : formatIPv6(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
    case FT.STRING: {
      const r = pkt.ref[i];
      return r instanceof LayerList ? r.join(':') : String(r ?? '');
    }
    case FT.RELATIVE_TIME: {
      const r = pkt.ref[i];
      return typeof r === 'number' ? exactRelTimeText(v, r) : relTimeText(v);
    }
    case FT.ABSOLUTE_TIME: {
      const f = pkt.ref[i] as Frame;
      return def.abbrev === 'frame.time_epoch' ? epochText(f.tsSec, f.tsNsec) : absoluteTimeText(f.tsSec, f.tsNsec);
    }
    case FT.DOUBLE:
      return doubleText(v);
    case FT.NONE:
      // tshark -T fields prints "1" for every FT_NONE item: the field is there (print.c).
      return def.bytesInFields || def.abbrev === '_ws.text' ? bytesText(pkt, i) : '1';
    case FT.BYTES:
      return bytesText(pkt, i);
    case FT.PROTOCOL:
      // tshark prints the protocol item's summary text when the dissector wrote one, else its
      // abbreviation; the `data` protocol prints its bytes (print.c get_node_field_value).
      if (def.abbrev === 'data') return toHex(pkt.sources[pkt.src[i]!]!, pkt.start[i]!, pkt.len[i]!);
      return pkt.label[i] ?? def.abbrev;
  }
}

/**
 * An item's bytes as plain hex (its own value, or the range it came from), or its text. No bytes
 * at all print as tshark 4.0 prints an empty FT_BYTES: `<MISSING>`, or `<none>` for a field
 * registered with BASE_ALLOW_ZERO.
 */
function bytesText(pkt: Packet, i: number): string {
  const r = pkt.ref[i];
  if (r instanceof Uint8Array) return r.length ? toHex(r, 0, r.length) : emptyBytes(i, pkt);
  if (typeof r === 'string') return r;
  const n = pkt.len[i]!;
  return n ? toHex(pkt.sources[pkt.src[i]!]!, pkt.start[i]!, n) : emptyBytes(i, pkt);
}

function emptyBytes(i: number, pkt: Packet): string {
  const def = fieldById(pkt.fid[i]!);
  if (def.type !== FT.BYTES) return '';
  return def.allowZero ? '<none>' : '<MISSING>';
}

/** The value of item `i` for JSON output: numbers as numbers, booleans, strings otherwise. */
export function fieldJson(pkt: Packet, i: number): string | number | boolean {
  const def = fieldById(pkt.fid[i]!);
  switch (def.type) {
    case FT.UINT8:
    case FT.UINT16:
    case FT.UINT24:
    case FT.UINT32:
    case FT.UINT48:
    case FT.INT32:
    case FT.FRAMENUM:
    case FT.DOUBLE:
      return pkt.num[i]!;
    case FT.UINT64:
      return typeof pkt.ref[i] === 'bigint' ? String(pkt.ref[i]) : pkt.num[i]!;
    case FT.BOOLEAN:
      return pkt.num[i] !== 0;
    case FT.RELATIVE_TIME:
      return Number(pkt.num[i]!.toFixed(9));
    case FT.ABSOLUTE_TIME: {
      const f = pkt.ref[i] as Frame;
      return def.abbrev === 'frame.time_epoch' ? epochText(f.tsSec, f.tsNsec) : rfc3339(f.tsSec, f.tsNsec);
    }
    case FT.NONE:
      return pkt.len[i]! > 0 || pkt.ref[i] !== undefined ? bytesText(pkt, i) : true;
    default:
      return fieldText(pkt, i);
  }
}

/** `0100 ....` style bit pattern for masked fields. */
function bitPattern(def: FieldDef, raw: number): string {
  const bits = def.bits || 8;
  let s = '';
  for (let b = bits - 1; b >= 0; b--) {
    const m = 2 ** b;
    s += Math.floor(def.mask / m) % 2 ? (Math.floor(raw / m) % 2 ? '1' : '0') : '.';
    if (b % 4 === 0 && b) s += ' ';
  }
  return s;
}

/** Display text of a value (with value strings), for the tree. */
function displayValue(pkt: Packet, i: number, def: FieldDef): string {
  const v = pkt.num[i]!;
  switch (def.type) {
    case FT.BOOLEAN:
      return v ? (def.tf?.[0] ?? 'Set') : (def.tf?.[1] ?? 'Not set');
    case FT.UINT8:
    case FT.UINT16:
    case FT.UINT24:
    case FT.UINT32:
    case FT.INT32: {
      const s = def.strings?.[v];
      const num =
        def.base === Base.HEX ? hexText(v, def) : def.base === Base.HEX_DEC ? `${hexText(v, def)} (${v})` : def.base === Base.DEC_HEX ? `${v} (${hexText(v, def)})` : String(v);
      // As Wireshark's fill_label_number: a value missing from the field's value strings is "Unknown".
      if (def.strings) return `${s ?? 'Unknown'} (${num})`;
      return `${num}${def.unit ?? ''}`;
    }
    case FT.RELATIVE_TIME:
      return `${relTimeText(v)}${def.unit ?? ''}`;
    case FT.ABSOLUTE_TIME:
      return `${fieldText(pkt, i)}${def.unit ?? ''}`;
    default:
      return `${fieldText(pkt, i)}${def.unit ?? ''}`;
  }
}

/** The tree line of item `i` (without indentation). */
export function itemLabel(pkt: Packet, i: number): string {
  const custom = pkt.label[i];
  const def = fieldById(pkt.fid[i]!);
  let text: string;
  if (custom !== undefined) text = custom;
  else if (def.type === FT.PROTOCOL) text = def.name;
  else if (def.type === FT.NONE) text = def.name;
  else if (def.mask && (def.type === FT.BOOLEAN || def.type <= FT.INT32)) {
    // Masked fields: recover the raw containing value from the bytes when possible.
    const raw = rawContaining(pkt, i, def);
    text = `${bitPattern(def, raw)} = ${def.name}: ${displayValue(pkt, i, def)}`;
  } else text = `${def.name}: ${displayValue(pkt, i, def)}`;
  return def.generated && custom === undefined ? `[${text}]` : text;
}

function rawContaining(pkt: Packet, i: number, def: FieldDef): number {
  const src = pkt.sources[pkt.src[i]!]!;
  const start = pkt.start[i]!;
  const nbytes = Math.ceil((def.bits || 8) / 8);
  if (start + nbytes > src.length || pkt.len[i]! === 0) {
    return def.type === FT.BOOLEAN ? (pkt.num[i] ? def.mask : 0) : pkt.num[i]! * 2 ** def.shift;
  }
  // Booleans of 12-bit flag fields live in a 16-bit word.
  let raw = 0;
  for (let k = 0; k < nbytes; k++) raw = raw * 256 + src[start + k]!;
  if (def.bits % 8) raw = raw % 2 ** def.bits;
  return raw;
}
