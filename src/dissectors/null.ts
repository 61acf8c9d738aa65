/**
 * BSD loopback encapsulations (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html,
 * LINKTYPE_LOOP.html): a 4-byte header holding the protocol family (AF_INET 2; AF_INET6 24,
 * 28 or 30 depending on the BSD).
 *
 *   NULL (link type 0): the family is in the *capturing host's* byte order, which the file does
 *   not record. As Wireshark does (`packet-null.c`), the value is read little-endian and byte-
 *   swapped when that gives an implausibly large number, which amounts to taking whichever
 *   order yields a small value. Two odd variants are recognised the same way: IRIX/UNICOS snoop
 *   headers with a 16-bit family in the first two bytes, and old Linux captures holding an
 *   Ethertype (a value > 1500 is dispatched through `ethertype` and shown as `null.type`).
 *   A header starting FF 03 is PPP in HDLC framing (no dissector here: data).
 *   LOOP (link type 108, OpenBSD): the family is in network byte order.
 *
 * Families dispatch through the `null.family` table (ip binds 2, ipv6 24/28/30).
 */
import { defineFields, FT, Base } from './fields.js';
import { u32 } from './bytes.js';
import { need, type Packet } from './packet.js';
import { dispatch, dissectData, register, selectorFor, type EmitContext, type LayerSpecOf } from './registry.js';
import { ETHERTYPES } from './eth.js';

const FAMILIES: Record<number, string> = {
  2: 'IP',
  7: 'OSI',
  16: 'Appletalk',
  23: 'Netware IPX/SPX',
  24: 'IPv6',
  28: 'IPv6',
  30: 'IPv6',
};

const HDR_LEN = 4;
const IEEE_802_3_MAX_LEN = 1500;

export const F = defineFields({
  null: { abbrev: 'null', name: 'Null/Loopback', type: FT.PROTOCOL },
  family: { abbrev: 'null.family', name: 'Family', type: FT.UINT32, strings: FAMILIES },
  type: { abbrev: 'null.type', name: 'Type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
});

function u32le(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/**
 * The family (or Ethertype) of a NULL header read as a little-endian u32 (Wireshark reads it in
 * its own host order; tshark's reference runs are on little-endian machines).
 */
export function nullHeaderValue(le: number): number {
  let h = le >>> 0;
  if ((h & 0xffff0000) !== 0) {
    // An AF_ value fits in 8 bits; a non-zero upper half is either the other byte order or an
    // IRIX/UNICOS 16-bit family in the first two bytes (upper byte 0, next byte < 0x06).
    if ((h & 0xff000000) === 0 && (h & 0x00ff0000) < 0x00060000) h >>>= 16;
    else h = bswap32(h);
  } else if ((h & 0xff) === 0 && (h & 0xff00) < 0x0600) {
    // IRIX/UNICOS header in the other byte order: the family is the byte-swapped low half.
    h = ((h & 0xff00) >>> 8) | ((h & 0xff) << 8);
  }
  return h;
}

function decodeNull(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  if (end - off >= 2 && pkt.data[off] === 0xff && pkt.data[off + 1] === 0x03) {
    dissectData(pkt, off, end, rep, parent);
    return;
  }
  pkt.setProtocol('N/A');
  pkt.setInfo('Null/Loopback');
  const top = pkt.addProtocol(F.null, 'null', off, Math.min(HDR_LEN, Math.max(0, end - off)), parent);
  if (!need(pkt, off, HDR_LEN, end, rep, top, 'Null/Loopback')) return;
  const h = nullHeaderValue(u32le(pkt.data, off));
  if (h > IEEE_802_3_MAX_LEN) {
    pkt.add(F.type, off, HDR_LEN, top, h & 0xffff);
    dispatchEthertypeTable(pkt, h & 0xffff, off + HDR_LEN, end, rep);
    return;
  }
  pkt.add(F.family, off, HDR_LEN, top, h);
  dispatch('null.family', h, pkt, off + HDR_LEN, end, rep, -1);
}

/**
 * Looks an Ethertype up in the `ethertype` table the way Wireshark's NULL dissector does: directly, not
 * through the ethertype dissector, so no `ethertype` layer appears in frame.protocols.
 */
function dispatchEthertypeTable(pkt: Packet, type: number, off: number, end: number, rep: number): boolean {
  return dispatch('ethertype', type, pkt, off, end, rep, -1);
}

function decodeLoop(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  pkt.setProtocol('N/A');
  pkt.setInfo('Null/Loopback');
  const top = pkt.addProtocol(F.null, 'null', off, Math.min(HDR_LEN, Math.max(0, end - off)), parent);
  if (!need(pkt, off, HDR_LEN, end, rep, top, 'Loopback')) return;
  const family = u32(pkt.data, off);
  pkt.add(F.family, off, HDR_LEN, top, family);
  dispatch('null.family', family, pkt, off + HDR_LEN, end, rep, -1);
}

/** `family` (computed from the next layer: ip 2, ipv6 its first binding), `littleEndian` (true for NULL). */
function emitHeader(spec: LayerSpecOf<'null'> | LayerSpecOf<'loop'>, payload: Uint8Array, ctx: EmitContext, littleEndian: boolean): Uint8Array {
  const next = ctx.layers[ctx.index + 1];
  const family = (spec.family as number | undefined) ?? (next ? selectorFor('null.family', next.proto) : undefined) ?? 0;
  const out = new Uint8Array(HDR_LEN + payload.length);
  new DataView(out.buffer).setUint32(0, family, littleEndian);
  out.set(payload, HDR_LEN);
  return out;
}

register({
  name: 'null',
  longName: 'Null/Loopback',
  bind: [['linktype', 0]],
  decode: decodeNull,
  emit: (spec: LayerSpecOf<'null'>, payload: Uint8Array, ctx: EmitContext) => emitHeader(spec, payload, ctx, (spec.littleEndian as boolean | undefined) ?? true),
});

register({
  name: 'loop',
  longName: 'OpenBSD loopback',
  bind: [['linktype', 108]],
  decode: decodeLoop,
  emit: (spec: LayerSpecOf<'loop'>, payload: Uint8Array, ctx: EmitContext) => emitHeader(spec, payload, ctx, false),
});
