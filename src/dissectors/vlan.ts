/**
 * IEEE 802.1Q VLAN tags (C-tag, Ethertype 0x8100; 0x9100 is the pre-standard Q-in-Q outer tag
 * Wireshark also decodes as 802.1Q) and IEEE 802.1ad service tags (S-tag, 0x88a8), IEEE
 * 802.1Q-2018 clause 9.6. A tag is 2 bytes of TCI (PCP 3 bits, DEI 1 bit, VID 12 bits) and
 * 2 bytes of Ethertype, after which the Ethertype table is consulted again, so stacked tags
 * (QinQ, QinQinQ) decode as one layer per tag. An 802.1Q "type" <= 1500 is an 802.3 length
 * followed by LLC; Wireshark's 802.1ad dissector has no length case and always dispatches.
 *
 * Field names, column texts and value strings are Wireshark 4.0's (`packet-vlan.c`,
 * `packet-ieee8021ah.c`): the S-tag's type field is really called `ieee8021ah.etype`.
 */
import { defineFields, FT, Base } from './fields.js';
import { u16 } from './bytes.js';
import { need, Severity, type Packet } from './packet.js';
import { addTrailer } from './eth.js';
import { dispatch, dissectData, register, selectorFor, type EmitContext, type LayerSpecOf, dispatchEthertype as viaEthertype } from './registry.js';
import { ETHERTYPES } from './eth.js';

/** IEEE 802.1Q-2014 Table I-2 traffic type names (Wireshark's default). */
const PRIORITIES: Record<number, string> = {
  0: 'Best Effort (default)',
  1: 'Background',
  2: 'Excellent Effort',
  3: 'Critical Applications',
  4: 'Video, < 100ms latency and jitter',
  5: 'Voice, < 10ms latency and jitter',
  6: 'Internetwork Control',
  7: 'Network Control',
};

const IEEE_802_3_MAX_LEN = 1500;
const TAG_LEN = 4;

export const F = defineFields({
  vlan: { abbrev: 'vlan', name: '802.1Q Virtual LAN', type: FT.PROTOCOL },
  priority: { abbrev: 'vlan.priority', name: 'Priority', type: FT.UINT16, bits: 16, mask: 0xe000, strings: PRIORITIES },
  dei: { abbrev: 'vlan.dei', name: 'DEI', type: FT.UINT16, bits: 16, mask: 0x1000, strings: { 0: 'Ineligible', 1: 'Eligible' } },
  id: { abbrev: 'vlan.id', name: 'ID', type: FT.UINT16, bits: 16, mask: 0x0fff },
  etype: { abbrev: 'vlan.etype', name: 'Type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
  len: { abbrev: 'vlan.len', name: 'Length', type: FT.UINT16 },
  trailer: { abbrev: 'vlan.trailer', name: 'Trailer', type: FT.BYTES },
  ad: { abbrev: 'ieee8021ad', name: 'IEEE 802.1ad', type: FT.PROTOCOL },
  ad_priority: { abbrev: 'ieee8021ad.priority', name: 'Priority', type: FT.UINT16, bits: 16, mask: 0xe000 },
  ad_dei: { abbrev: 'ieee8021ad.dei', name: 'DEI', type: FT.UINT16, bits: 16, mask: 0x1000 },
  ad_id: { abbrev: 'ieee8021ad.id', name: 'ID', type: FT.UINT16, bits: 16, mask: 0x0fff },
  ad_etype: { abbrev: 'ieee8021ah.etype', name: 'Type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
});

function hex4(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}

/** Dispatches the payload after a tag on its Ethertype; unknown types show the type as Protocol. */
function dispatchEthertype(pkt: Packet, type: number, off: number, end: number, rep: number): void {
  if (!viaEthertype(type, pkt, off, end, rep, -1) && pkt.wantColumns) pkt.setProtocol(hex4(type));
}

function decodeVlan(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  pkt.setProtocol('VLAN');
  pkt.setInfo('');
  const top = pkt.addProtocol(F.vlan, 'vlan', off, Math.min(TAG_LEN, Math.max(0, end - off)), parent);
  if (!need(pkt, off, TAG_LEN, end, rep, top, '802.1Q')) return;
  const tci = u16(pkt.data, off);
  const type = u16(pkt.data, off + 2);
  const pri = tci >>> 13;
  const dei = (tci >>> 12) & 1;
  const vid = tci & 0x0fff;
  pkt.add(F.priority, off, 2, top, pri);
  pkt.add(F.dei, off, 2, top, dei);
  pkt.add(F.id, off, 2, top, vid);
  if (pkt.wantColumns) {
    pkt.setInfo(`PRI: ${pri}  DEI: ${dei}  ID: ${vid}`);
    pkt.setLabel(top, `802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${vid}`);
  }
  const pOff = off + TAG_LEN;
  if (type > IEEE_802_3_MAX_LEN) {
    pkt.add(F.etype, off + 2, 2, top, type);
    // The network layer starts here (the innermost tag wins): what it leaves over is this tag's
    // padding and trailer, as Wireshark's ethertype shows them for VLAN (no FCS guess there).
    if (pkt.netEnd < 0 && pkt.netStart >= 0) pkt.netStart = pOff;
    dispatchEthertype(pkt, type, pOff, end, rep);
    if (pkt.netEnd >= 0 && pkt.netStart === pOff && pkt.tree) {
      addTrailer(pkt, F.trailer, top, end, rep, 0);
      pkt.netEnd = -2;
    }
    return;
  }
  // IEEE 802.3 length: the payload is LLC, or raw IPX when it starts with 0xffff (no IPX here).
  const li = pkt.add(F.len, off + 2, 2, top, type);
  let lEnd = pOff + type;
  if (lEnd > rep) {
    pkt.addExpert(li, Severity.Error, 'Malformed', 'vlan.len.past_end', 'Length field value goes past the end of the payload');
    lEnd = rep;
  }
  const dEnd = Math.min(end, lEnd);
  if (dEnd - pOff >= 2 && pkt.data[pOff] === 0xff && pkt.data[pOff + 1] === 0xff) {
    dissectData(pkt, pOff, dEnd, lEnd, -1);
    return;
  }
  dispatch('ethertype.llc', 0, pkt, pOff, dEnd, lEnd, -1);
}

function decodeAd(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  pkt.setProtocol('802.1ad');
  pkt.setInfo('');
  const top = pkt.addProtocol(F.ad, 'ieee8021ad', off, Math.min(TAG_LEN, Math.max(0, end - off)), parent);
  if (!need(pkt, off, TAG_LEN, end, rep, top, 'IEEE 802.1ad')) return;
  const tci = u16(pkt.data, off);
  const type = u16(pkt.data, off + 2);
  const pri = tci >>> 13;
  const dei = (tci >>> 12) & 1;
  const vid = tci & 0x0fff;
  pkt.add(F.ad_priority, off, 1, top, pri);
  pkt.add(F.ad_dei, off, 1, top, dei);
  pkt.add(F.ad_id, off, 2, top, vid);
  pkt.add(F.ad_etype, off + 2, 2, top, type);
  if (pkt.wantColumns) {
    // Wireshark's spacing, verbatim.
    pkt.setInfo(`PRI: ${pri}  DROP: ${dei} ID: ${vid}`);
    pkt.setLabel(top, `IEEE 802.1ad, ID: ${vid}`);
  }
  dispatchEthertype(pkt, type, off + TAG_LEN, end, rep);
}

/**
 * Builds a tag: `id` (VID, 0), `priority` (PCP, 0), `dei` (0/1 or boolean), `type` (computed:
 * the next layer's Ethertype, or for an 802.1Q tag followed by `llc`, the 802.3 length).
 */
/** `buildPacket`'s 802.1Q / 802.1ad tag: `type` is computed from the next layer. */
export interface VlanSpec {
  priority?: number;
  dei?: boolean;
  /** The VLAN ID (12 bits). */
  id?: number;
  type?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    vlan: VlanSpec;
    ieee8021ad: VlanSpec;
  }
}

function emitTag(spec: VlanSpec, payload: Uint8Array, ctx: EmitContext, isAd: boolean): Uint8Array {
  const out = new Uint8Array(TAG_LEN + payload.length);
  const v = new DataView(out.buffer);
  const pri = (spec.priority ?? 0) & 7;
  const dei = spec.dei ? 1 : 0;
  const vid = (spec.id ?? 0) & 0x0fff;
  v.setUint16(0, (pri << 13) | (dei << 12) | vid);
  const next = ctx.layers[ctx.index + 1];
  let type = spec.type;
  if (type === undefined && next) {
    type = selectorFor('ethertype', next.proto);
    if (type === undefined && !isAd && selectorFor('ethertype.llc', next.proto) !== undefined) type = payload.length;
  }
  v.setUint16(2, type ?? 0);
  out.set(payload, TAG_LEN);
  return out;
}

register({
  name: 'vlan',
  longName: '802.1Q Virtual LAN',
  bind: [
    ['ethertype', 0x8100],
    ['ethertype', 0x9100],
  ],
  decode: decodeVlan,
  emit: (spec: LayerSpecOf<'vlan'>, payload: Uint8Array, ctx: EmitContext) => emitTag(spec, payload, ctx, false),
});

register({
  name: 'ieee8021ad',
  longName: 'IEEE 802.1ad',
  bind: [['ethertype', 0x88a8]],
  decode: decodeAd,
  emit: (spec: LayerSpecOf<'ieee8021ad'>, payload: Uint8Array, ctx: EmitContext) => emitTag(spec, payload, ctx, true),
});
