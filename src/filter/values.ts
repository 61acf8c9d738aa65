/**
 * A packet's field values in the form the filter computes with (types.ts): read straight from the
 * dissected tree (items the field selection kept), plus the pseudo-fields tshark derives from the
 * expert items (`_ws.expert`, `_ws.expert.message`, `_ws.expert.severity`, `_ws.expert.group`),
 * and one per expert item's own name (`tcp.connection.syn`, `ip.ttl.too_small`: FT_NONE, present
 * once per item of that name, as tshark registers them; `_ws.short` as the protocol item it is there).
 */
import type { Frame } from '../capture/frame.js';
import { formatIPv6, formatMac } from '../dissectors/bytes.js';
import { allFields, FT, fieldById, fieldByName } from '../dissectors/fields.js';
import { EXPERT_NAMES, EXPERT_PROTOCOLS } from '../dissectors/experts.js';
import { LayerList, type Packet } from '../dissectors/packet.js';
import { kindOf, type FieldInfo, type Kind, type Val } from './types.js';
// The fields exist once the dissectors have registered them.
import '../dissectors/index.js';

/** Wireshark's expert severities and groups as the values of `_ws.expert.severity` / `.group`. */
const SEVERITY_VALUES: Record<number, string> = { 0x00100000: 'Comment', 0x00200000: 'Chat', 0x00400000: 'Note', 0x00600000: 'Warning', 0x00800000: 'Error' };
const SEVERITY_OF = [0, 0x00200000, 0x00400000, 0x00600000, 0x00800000];
const GROUP_VALUES: Record<number, string> = {
  0x01000000: 'Checksum', 0x02000000: 'Sequence', 0x03000000: 'Response code', 0x04000000: 'Request code', 0x05000000: 'Undecoded',
  0x06000000: 'Reassemble', 0x07000000: 'Malformed', 0x08000000: 'Debug', 0x09000000: 'Protocol', 0x0a000000: 'Security',
  0x0b000000: 'Comment', 0x0c000000: 'Decryption', 0x0d000000: 'Assumption', 0x0e000000: 'Deprecated',
};
const GROUP_CODE = new Map<string, number>(Object.entries(GROUP_VALUES).map(([k, v]) => [v.replace(' code', '').replace(' ', '').toLowerCase(), Number(k)]));

/** The value of `_ws.expert.severity` for an expert item's severity (tshark prints it so in -T fields: 4194304 for Note). */
export const expertSeverityCode = (severity: number): number => SEVERITY_OF[severity] ?? 0;
/** The value of `_ws.expert.group` for an expert item's group name (33554432 for Sequence). */
export const expertGroupCode = (group: string): number => GROUP_CODE.get(group.toLowerCase()) ?? 0;

interface Pseudo extends FieldInfo {
  get(pkt: Packet): Val[];
}

const PSEUDO: Pseudo[] = [
  { abbrev: '_ws.expert', name: 'Expert Info', type: FT.PROTOCOL, id: -1, bits: 0, get: (pkt) => pkt.expert.map(() => new Uint8Array(0)) },
  { abbrev: '_ws.expert.message', name: 'Message', type: FT.STRING, id: -1, bits: 0, get: (pkt) => pkt.expert.map((e) => e.message) },
  { abbrev: '_ws.expert.severity', name: 'Severity level', type: FT.UINT32, id: -1, bits: 32, strings: SEVERITY_VALUES, get: (pkt) => pkt.expert.map((e) => expertSeverityCode(e.severity)) },
  { abbrev: '_ws.expert.group', name: 'Group', type: FT.UINT32, id: -1, bits: 32, strings: GROUP_VALUES, get: (pkt) => pkt.expert.map((e) => expertGroupCode(e.group)) },
];
/** Each expert item's name (not a field) as a presence-only pseudo-field. */
const none = new Uint8Array(0);
const byExpertName = (abbrev: string) => (pkt: Packet): Val[] => {
  const out: Val[] = [];
  for (const e of pkt.expert) if (e.abbrev === abbrev) out.push(1);
  return out;
};
for (const [abbrev, name] of EXPERT_NAMES) PSEUDO.push({ abbrev, name, type: FT.NONE, id: -1, bits: 0, get: byExpertName(abbrev) });
for (const [abbrev, name] of EXPERT_PROTOCOLS) {
  const items = byExpertName(abbrev);
  PSEUDO.push({ abbrev, name, type: FT.PROTOCOL, id: -1, bits: 0, get: (pkt) => items(pkt).map(() => none) });
}
const PSEUDO_BY_NAME = new Map(PSEUDO.map((p) => [p.abbrev, p]));

/** A field or pseudo-field by its filter name. */
export function filterField(name: string): FieldInfo | undefined {
  const d = fieldByName(name);
  if (d) return { abbrev: d.abbrev, name: d.name, type: d.type, id: d.id, bits: d.bits, strings: d.strings, tf: d.tf };
  return PSEUDO_BY_NAME.get(name);
}

/** Every name a filter can use, with its description (for completion and suggestions). */
export function filterNames(): { name: string; description: string; protocol: boolean }[] {
  const out = allFields().map((d) => ({ name: d.abbrev, description: d.name, protocol: d.type === FT.PROTOCOL }));
  for (const p of PSEUDO) out.push({ name: p.abbrev, description: p.name, protocol: p.type === FT.PROTOCOL });
  return out;
}

const enc = new TextEncoder();

/** The value of item `i` in the form of `kind` (the field's kind). */
export function itemValue(pkt: Packet, i: number, kind: Kind): Val {
  switch (kind) {
    case 'int': {
      const r = pkt.ref[i];
      // A 64-bit value beyond 2^53 stays a bigint (exact comparisons), a smaller one is a number.
      return typeof r === 'bigint' ? (r <= BigInt(Number.MAX_SAFE_INTEGER) && r >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r) : pkt.num[i]!;
    }
    case 'bool':
      return pkt.num[i] !== 0 ? 1 : 0;
    case 'ipv4':
    case 'time':
    case 'float':
      return pkt.num[i]!;
    case 'string': {
      const r = pkt.ref[i];
      return r instanceof LayerList ? r.join(':') : typeof r === 'string' ? r : String(r ?? '');
    }
    case 'ipv6':
    case 'bytes':
    case 'ether': {
      const r = pkt.ref[i];
      if (r instanceof Uint8Array) return r;
      if (typeof r === 'string' && pkt.len[i] === 0) return /^([0-9a-f]{2})+$/.test(r) ? Uint8Array.from(r.match(/../g)!, (h) => parseInt(h, 16)) : enc.encode(r);
      // A protocol's value is the data it was handed, from its header to the end of the data
      // (tshark: its tvb): `udp contains 00:01` sees the payload. The tree item spans the header.
      if (kind === 'bytes' && fieldById(pkt.fid[i]!).type === FT.PROTOCOL) return pkt.sources[pkt.src[i]!]!.subarray(pkt.start[i]!);
      return pkt.bytesOf(i);
    }
    case 'abstime': {
      const r = pkt.ref[i] as Frame | { sec: number; nsec: number } | undefined;
      if (r && 'tsSec' in r) return BigInt(r.tsSec) * 1000000000n + BigInt(r.tsNsec);
      if (r && 'sec' in r) return BigInt(r.sec) * 1000000000n + BigInt(r.nsec);
      return BigInt(Math.round(pkt.num[i]! * 1e9));
    }
    case 'none':
      return 1;
  }
}

/** The values of a field in this packet, in tree order. */
export function fieldValues(pkt: Packet, info: FieldInfo, kind: Kind): Val[] {
  if (info.id < 0) return (info as Pseudo).get(pkt);
  const out: Val[] = [];
  const fid = pkt.fid;
  const id = info.id;
  for (let i = 0, n = pkt.n; i < n; i++) if (fid[i] === id) out.push(itemValue(pkt, i, kind));
  return out;
}

/** The byte length of each occurrence (`len()`): a string's UTF-8 length, a value's bytes, else the item's. */
export function fieldLengths(pkt: Packet, info: FieldInfo, kind: Kind): number[] {
  if (info.id < 0) return (info as Pseudo).get(pkt).map((v) => (typeof v === 'string' ? enc.encode(v).length : v instanceof Uint8Array ? v.length : 0));
  const out: number[] = [];
  for (let i = 0; i < pkt.n; i++) {
    if (pkt.fid[i] !== info.id) continue;
    if (kind === 'string') out.push(enc.encode(itemValue(pkt, i, kind) as string).length);
    else if (kind === 'bytes' || kind === 'ether' || kind === 'ipv6') out.push((itemValue(pkt, i, kind) as Uint8Array).length);
    else out.push(pkt.len[i]!);
  }
  return out;
}

/** `string(field)`: tshark's text of a non-string value (integers in decimal). */
export function valueText(v: Val, kind: Kind): string {
  switch (kind) {
    case 'ipv4': {
      const n = v as number;
      return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
    }
    case 'ipv6':
      return formatIPv6(v as Uint8Array, 0);
    case 'ether':
      return formatMac(v as Uint8Array, 0);
    default:
      return String(v);
  }
}
