/**
 * Linux cooked-mode capture headers (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
 * and LINKTYPE_LINUX_SLL2.html), written by libpcap for the "any" device and for links without
 * a usable link-layer header.
 *
 *   v1 (link type 113, 16 bytes): packet type (2), ARPHRD type (2), address length (2),
 *      address (8), protocol (2).
 *   v2 (link type 276, 20 bytes): protocol (2), reserved (2), interface index (4), ARPHRD type
 *      (2), packet type (1), address length (1), address (8).
 *
 * A protocol value > 1536 is an Ethertype (dispatched through `ethertype`); smaller values are
 * Linux-internal ETH_P_* numbers (`sll.ltype`: 4 = 802.2 LLC, 3 = Ethernet, 1 = Novell raw
 * 802.3). The source address is an Ethernet MAC when the length is 6 and IPv4 when it is 4, and
 * becomes the Source column. Both versions are the `sll` protocol, as in Wireshark 4.0
 * (`packet-sll.c`), whose fields and texts these follow.
 */
import { defineFields, FT, Base } from './fields.js';
import { formatIPv4At, formatMac, parseMac, u16, u32 } from './bytes.js';
import { need, type Packet } from './packet.js';
import { addTrailer } from './eth.js';
import { callDissector, dispatch, dissectorByName, register, selectorFor, type EmitContext, type LayerSpecOf, dispatchEthertype } from './registry.js';
import { ETHERTYPES } from './eth.js';
import { ARPHRD } from './arp.js';

const PKTTYPES: Record<number, string> = {
  0: 'Unicast to us',
  1: 'Broadcast',
  2: 'Multicast',
  3: 'Unicast to another host',
  4: 'Sent by us',
};

const LTYPES: Record<number, string> = {
  0x0001: 'Raw 802.3',
  0x0003: 'Ethernet',
  0x0004: '802.2 LLC',
  0x0007: 'PPP (HDLC)',
  0x000c: 'CAN',
  0x000d: 'CAN FD',
  0x0017: 'IrDA LAP',
  0x00f5: 'ISI',
  0x00f6: 'IEEE 802.15.4',
};

/** "yes, 1536 - that's how Linux does it" (packet-sll.c): up to here the protocol is ETH_P_*. */
const MAX_LINUX_PROTO = 1536;
const ARPHRD_ETHER = 1;
/** ETH_P_ETHERNET: the payload is a whole Ethernet frame. */
const LTYPE_ETHERNET = 0x0003;
const ARPHRD_IPGRE = 778;
const ADDR_LEN = 8;
const SLL_HDR = 16;
const SLL2_HDR = 20;

export const F = defineFields({
  sll: { abbrev: 'sll', name: 'Linux cooked-mode capture', type: FT.PROTOCOL },
  pkttype: { abbrev: 'sll.pkttype', name: 'Packet type', type: FT.UINT16, strings: PKTTYPES },
  hatype: { abbrev: 'sll.hatype', name: 'Link-layer address type', type: FT.UINT16, strings: ARPHRD },
  halen: { abbrev: 'sll.halen', name: 'Link-layer address length', type: FT.UINT16 },
  src_eth: { abbrev: 'sll.src.eth', name: 'Source', type: FT.ETHER },
  src_ipv4: { abbrev: 'sll.src.ipv4', name: 'Source', type: FT.IPV4 },
  src_other: { abbrev: 'sll.src.other', name: 'Source', type: FT.BYTES },
  unused: { abbrev: 'sll.unused', name: 'Unused', type: FT.BYTES },
  ltype: { abbrev: 'sll.ltype', name: 'Protocol', type: FT.UINT16, base: Base.HEX, strings: LTYPES },
  gretype: { abbrev: 'sll.gretype', name: 'Protocol', type: FT.UINT16, base: Base.HEX },
  etype: { abbrev: 'sll.etype', name: 'Protocol', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
  ifindex: { abbrev: 'sll.ifindex', name: 'Interface index', type: FT.UINT32 },
  trailer: { abbrev: 'sll.trailer', name: 'Trailer', type: FT.BYTES },
});

/** The link-layer source address: field, Source column (the destination column stays empty). */
function addAddress(pkt: Packet, halenOff: number, halenLen: number, halen: number, top: number): void {
  pkt.add(F.halen, halenOff, halenLen, top, halen);
  const a = halenOff + halenLen;
  if (halen === 4) {
    pkt.add(F.src_ipv4, a, 4, top, u32(pkt.data, a));
    if (pkt.wantColumns) pkt.setAddresses(formatIPv4At(pkt.data, a), '');
  } else if (halen === 6) {
    pkt.add(F.src_eth, a, 6, top);
    if (pkt.wantColumns) pkt.setAddresses(formatMac(pkt.data, a), '');
  } else if (halen !== 0) {
    pkt.add(F.src_other, a, Math.min(halen, ADDR_LEN), top);
  }
  if (halen < ADDR_LEN) pkt.add(F.unused, a + halen, ADDR_LEN - halen, top);
}

function addProtocolType(pkt: Packet, off: number, proto: number, hatype: number, top: number): void {
  if (proto <= MAX_LINUX_PROTO) pkt.add(F.ltype, off, 2, top, proto);
  else pkt.add(hatype === ARPHRD_IPGRE ? F.gretype : F.etype, off, 2, top, proto);
}

function dispatchPayload(pkt: Packet, proto: number, hatype: number, off: number, end: number, rep: number): void {
  if (proto <= MAX_LINUX_PROTO) {
    dispatch('sll.ltype', proto, pkt, off, end, rep, -1);
    return;
  }
  if (hatype === ARPHRD_IPGRE) {
    // A cooked GRE tunnel: the protocol is a GRE protocol type. Wireshark tries its `gre.proto`
    // table and shows nothing when no one takes it; of that table we have IPv4 and IPv6.
    const d = proto === 0x0800 ? dissectorByName('ip') : proto === 0x86dd ? dissectorByName('ipv6') : undefined;
    if (d) callDissector(d, pkt, off, end, rep, -1);
    return;
  }
  if (!dispatchEthertype(proto, pkt, off, end, rep, -1) && pkt.wantColumns) {
    pkt.setProtocol(`0x${proto.toString(16).padStart(4, '0')}`);
  }
}

/** The payload, then what its network layer left over (padding, trailer), as Wireshark's ethertype. */
function dispatchLinkPayload(pkt: Packet, proto: number, hatype: number, off: number, end: number, rep: number, top: number): void {
  const outer = pkt.netStart < 0;
  if (outer) pkt.netStart = off;
  dispatchPayload(pkt, proto, hatype, off, end, rep);
  if (outer && pkt.netEnd >= 0 && pkt.tree) addTrailer(pkt, F.trailer, top, end, rep, 0);
}

function startLayer(pkt: Packet, off: number, end: number, hdr: number, parent: number, version: number): number {
  pkt.setProtocol('SLL');
  pkt.setInfo('');
  const top = pkt.addProtocol(F.sll, 'sll', off, Math.min(hdr, Math.max(0, end - off)), parent);
  if (pkt.wantColumns) pkt.setLabel(top, `Linux cooked capture v${version}`);
  return top;
}

function setPacketTypeInfo(pkt: Packet, pkttype: number): void {
  if (pkt.wantColumns) pkt.setInfo(PKTTYPES[pkttype] ?? `Unknown (${pkttype})`);
}

function decodeV1(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const top = startLayer(pkt, off, end, SLL_HDR, parent, 1);
  const d = pkt.data;
  // Wireshark reads the packet type (and fills Info) before anything can be found missing.
  if (end - off >= 2) setPacketTypeInfo(pkt, u16(d, off));
  if (!need(pkt, off, SLL_HDR, end, rep, top, 'Linux cooked capture')) return;
  const pkttype = u16(d, off);
  const hatype = u16(d, off + 2);
  const halen = u16(d, off + 4);
  const proto = u16(d, off + 14);
  pkt.add(F.pkttype, off, 2, top, pkttype);
  pkt.add(F.hatype, off + 2, 2, top, hatype);
  addAddress(pkt, off + 4, 2, halen, top);
  addProtocolType(pkt, off + 14, proto, hatype, top);
  dispatchLinkPayload(pkt, proto, hatype, off + SLL_HDR, end, rep, top);
}

function decodeV2(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const top = startLayer(pkt, off, end, SLL2_HDR, parent, 2);
  const d = pkt.data;
  // Wireshark 4.0 reads the v2 packet type for Info as 16 bits (it takes the address length
  // along), so an outgoing Ethernet packet nobody else labels says "Unknown (1030)". Kept as is.
  if (end - off >= 12) setPacketTypeInfo(pkt, u16(d, off + 10));
  if (!need(pkt, off, SLL2_HDR, end, rep, top, 'Linux cooked capture v2')) return;
  const proto = u16(d, off);
  const ifindex = u32(d, off + 4);
  const hatype = u16(d, off + 8);
  const pkttype = pkt.data[off + 10]!;
  const halen = pkt.data[off + 11]!;
  addProtocolType(pkt, off, proto, hatype, top);
  pkt.add(F.ifindex, off + 4, 4, top, ifindex);
  pkt.add(F.hatype, off + 8, 2, top, hatype);
  pkt.add(F.pkttype, off + 10, 1, top, pkttype);
  addAddress(pkt, off + 11, 1, halen, top);
  dispatchLinkPayload(pkt, proto, hatype, off + SLL2_HDR, end, rep, top);
}

/** Decodes a Linux ETH_P_ETHERNET payload (a whole Ethernet frame) with the Ethernet dissector. */
function decodeEthernetPayload(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  dispatch('linktype', 1, pkt, off, end, rep, parent);
}

interface Header {
  pkttype: number;
  hatype: number;
  addr: Uint8Array;
  halen: number;
  proto: number;
}

/** Common spec fields: `pkttype` (0), `hatype` (1, Ethernet), `src` (MAC text or bytes), `halen`, `protocol`. */
/** `buildPacket`'s cooked header (v1 `sll`, v2 `sll2`): `protocol` is computed from the next layer. */
export interface SllSpec {
  pkttype?: number;
  hatype?: number;
  /** The link-layer source address: MAC text or bytes. */
  src?: string | Uint8Array;
  halen?: number;
  protocol?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    sll: SllSpec;
    sll2: SllSpec & { ifindex?: number };
  }
}

function header(spec: SllSpec, ctx: EmitContext): Header {
  const src = spec.src;
  const addr = src instanceof Uint8Array ? src : src === undefined ? new Uint8Array(0) : parseMac(String(src));
  const next = ctx.layers[ctx.index + 1];
  const proto =
    spec.protocol ??
    (next ? selectorFor('ethertype', next.proto) ?? selectorFor('sll.ltype', next.proto) ?? (next.proto === 'eth' ? LTYPE_ETHERNET : undefined) : undefined) ??
    0;
  return {
    pkttype: spec.pkttype ?? 0,
    hatype: spec.hatype ?? ARPHRD_ETHER,
    addr,
    halen: spec.halen ?? addr.length,
    proto,
  };
}

function emitV1(spec: LayerSpecOf<'sll'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const h = header(spec, ctx);
  const out = new Uint8Array(SLL_HDR + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, h.pkttype);
  v.setUint16(2, h.hatype);
  v.setUint16(4, h.halen);
  out.set(h.addr.subarray(0, ADDR_LEN), 6);
  v.setUint16(14, h.proto);
  out.set(payload, SLL_HDR);
  return out;
}

/** v2 adds `ifindex` (0). */
function emitV2(spec: LayerSpecOf<'sll2'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const h = header(spec, ctx);
  const out = new Uint8Array(SLL2_HDR + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, h.proto);
  v.setUint32(4, spec.ifindex ?? 0);
  v.setUint16(8, h.hatype);
  out[10] = h.pkttype;
  out[11] = h.halen;
  out.set(h.addr.subarray(0, ADDR_LEN), 12);
  out.set(payload, SLL2_HDR);
  return out;
}

register({ name: 'sll', longName: 'Linux cooked-mode capture', bind: [['linktype', 113]], decode: decodeV1, emit: emitV1 });
register({ name: 'sll2', longName: 'Linux cooked-mode capture v2', bind: [['linktype', 276]], decode: decodeV2, emit: emitV2 });
// ETH_P_ETHERNET (3): the payload is a complete Ethernet frame, as Wireshark's eth binds it.
register({ name: 'sll.eth', longName: 'Ethernet in Linux cooked capture', bind: [['sll.ltype', LTYPE_ETHERNET]], decode: decodeEthernetPayload });
