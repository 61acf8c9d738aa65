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

/** tshark's frame.time text: `Nov 27, 2024 17:45:16.680626000 UTC` (local zone). */
export function absoluteTimeText(sec: number, nsec: number): string {
  const { d, tz } = localParts(sec);
  return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())}, ${d.getFullYear()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(nsec).padStart(9, '0')} ${tz === 'GMT' ? 'UTC' : tz}`;
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
    case FT.ETHER:
      return formatMac(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
    case FT.IPV6:
      return pkt.ref[i] instanceof Uint8Array ? formatIPv6(pkt.ref[i] as Uint8Array, 0) : formatIPv6(pkt.sources[pkt.src[i]!]!, pkt.start[i]!);
    case FT.STRING: {
      const r = pkt.ref[i];
      return r instanceof LayerList ? r.join(':') : String(r ?? '');
    }
    case FT.RELATIVE_TIME:
      return relTimeText(v);
    case FT.ABSOLUTE_TIME: {
      const f = pkt.ref[i] as Frame;
      return def.abbrev === 'frame.time_epoch' ? epochText(f.tsSec, f.tsNsec) : absoluteTimeText(f.tsSec, f.tsNsec);
    }
    case FT.DOUBLE:
      return String(v);
    case FT.BYTES:
    case FT.NONE: {
      const r = pkt.ref[i];
      // A presence-only item (no bytes, no value) prints "1", as tshark -T fields does for FT_NONE.
      if (def.type === FT.NONE && r === undefined && pkt.len[i] === 0) return '1';
      if (r instanceof Uint8Array) return toHex(r, 0, r.length);
      if (typeof r === 'string') return r;
      return toHex(pkt.sources[pkt.src[i]!]!, pkt.start[i]!, pkt.len[i]!);
    }
    case FT.PROTOCOL:
      return pkt.label[i] ?? def.name;
  }
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
      return pkt.len[i]! > 0 || pkt.ref[i] !== undefined ? fieldText(pkt, i) : true;
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
      return s !== undefined ? `${s} (${num})` : `${num}${def.unit ?? ''}`;
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
