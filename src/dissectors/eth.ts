/**
 * Ethernet II and IEEE 802.3 (IEEE 802.3-2018 clause 3). A type/length field >= 0x0600 is an
 * Ethertype; <= 1500 is an 802.3 length and the payload is LLC (IEEE 802.2).
 * FCS bytes (when the capture says frames carry one) are shown and excluded from the payload.
 */
import { defineFields, FT, Base } from './fields.js';
import { formatMac, u16, u32 } from './bytes.js';
import { need, Severity, type Packet } from './packet.js';
import { dispatch, register, selectorFor, type LayerSpecOf, type EmitContext, dispatchEthertype } from './registry.js';
import { parseMac } from './bytes.js';
import { labelAddressItem, namedAddress } from './names.js';

export const ETHERTYPES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8100: '802.1Q Virtual LAN',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x9100: 'VLAN-tagged frame (Q-in-Q)',
  0x86dd: 'IPv6',
  0x8035: 'RARP',
  0x8847: 'MPLS label switched packet',
  0x8864: 'PPPoE Session',
  0x8863: 'PPPoE Discovery',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x888e: '802.1X Authentication',
  0x9000: 'Configuration Test Protocol (loopback)',
};

const F = defineFields({
  eth: { abbrev: 'eth', name: 'Ethernet II', type: FT.PROTOCOL },
  dst: { abbrev: 'eth.dst', name: 'Destination', type: FT.ETHER },
  src: { abbrev: 'eth.src', name: 'Source', type: FT.ETHER },
  addr: { abbrev: 'eth.addr', name: 'Address', type: FT.ETHER },
  dst_resolved: { abbrev: 'eth.dst_resolved', name: 'Destination (resolved)', type: FT.STRING, generated: true },
  src_resolved: { abbrev: 'eth.src_resolved', name: 'Source (resolved)', type: FT.STRING, generated: true },
  addr_resolved: { abbrev: 'eth.addr_resolved', name: 'Address (resolved)', type: FT.STRING, generated: true },
  dst_lg: { abbrev: 'eth.dst.lg', name: 'LG bit', type: FT.BOOLEAN, bits: 24, mask: 0x020000, tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] },
  dst_ig: { abbrev: 'eth.dst.ig', name: 'IG bit', type: FT.BOOLEAN, bits: 24, mask: 0x010000, tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] },
  src_lg: { abbrev: 'eth.src.lg', name: 'LG bit', type: FT.BOOLEAN, bits: 24, mask: 0x020000, tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] },
  src_ig: { abbrev: 'eth.src.ig', name: 'IG bit', type: FT.BOOLEAN, bits: 24, mask: 0x010000, tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] },
  lg: { abbrev: 'eth.lg', name: 'LG bit', type: FT.BOOLEAN, bits: 24, mask: 0x020000, tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] },
  ig: { abbrev: 'eth.ig', name: 'IG bit', type: FT.BOOLEAN, bits: 24, mask: 0x010000, tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] },
  type: { abbrev: 'eth.type', name: 'Type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
  len: { abbrev: 'eth.len', name: 'Length', type: FT.UINT16 },
  padding: { abbrev: 'eth.padding', name: 'Padding', type: FT.BYTES },
  trailer: { abbrev: 'eth.trailer', name: 'Trailer', type: FT.BYTES },
  fcs: { abbrev: 'eth.fcs', name: 'Frame check sequence', type: FT.UINT32, base: Base.HEX },
  fcs_status: { abbrev: 'eth.fcs.status', name: 'FCS Status', type: FT.UINT8, strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' }, generated: true },
});

/**
 * The bytes after the network layer (`pkt.netEnd`) up to the end of the frame, as Wireshark's
 * add_ethernet_trailer (packet-eth.c) shows them: padding up to a 60-byte frame when those bytes
 * are all zero (`eth.padding: Zeros`, the default), then a trailer, then an FCS: known (`fcsLen`
 * 4), guessed (-1: a frame of 64 bytes or more whose trailer has 4 bytes to spare), or none (0).
 * The FCS is not verified (`eth.check_fcs` is off by default).
 */
export function addTrailer(pkt: Packet, trailerFid: number, parent: number, end: number, rep: number, fcsLen: number): void {
  const at = pkt.netEnd;
  let tl = end - at;
  let tr = rep - at;
  if (tr <= 0 || tl < 0) return;
  const d = pkt.data;
  const frameLen = pkt.frame.origLen;
  let pad = 0;
  if (frameLen >= 60 && frameLen - tr < 60) pad = Math.min(60 - (frameLen - tr), tl);
  const padExpected = pad > 0;
  for (let i = 0; i < pad; i++) {
    if (d[at + i] !== 0) {
      pad = 0;
      break;
    }
  }
  if (pad > 0) pkt.add(F.padding, at, pad, parent);
  tl -= pad;
  tr -= pad;
  let fcs = false;
  if (fcsLen === 4 || (fcsLen < 0 && frameLen >= 64 && tr >= 4)) {
    fcs = true;
    tr -= 4;
    tl = tl < tr + 4 ? Math.min(tl, tr) : tl - 4;
  }
  if (tl > 0) {
    const it = pkt.add(trailerFid, at + pad, tl, parent);
    // Padding was due (a frame under 60 bytes without it) but its bytes are not zeros (Wireshark's ei_eth_padding_bad).
    if (padExpected && pad === 0) pkt.addExpert(it, Severity.Note, 'Protocol', 'eth.padding_bad', "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.");
  }
  const f = at + pad + tl;
  if (fcs && f + 4 <= end) {
    const it = pkt.add(F.fcs, f, 4, parent, u32(d, f));
    pkt.add(F.fcs_status, f, 4, it, 2);
  }
}

/** Offsets in the Ethernet header, for decode and emit. */
export const ETH = { DST: 0, SRC: 6, TYPE: 12, HDR: 14 } as const;

/**
 * `eth.dst` or `eth.src` with Wireshark's children, in its order: the resolved name (the vendor's
 * name with -N m, else the address itself), the hidden either-direction `eth.addr` and its resolved name, and
 * the LG and IG bits (each under the direction's name and, hidden, the either-direction one).
 */
function addAddr(pkt: Packet, dst: boolean, off: number, parent: number): void {
  const it = pkt.add(dst ? F.dst : F.src, off, 6, parent);
  const r1 = pkt.add(dst ? F.dst_resolved : F.src_resolved, off, 6, it);
  pkt.hide(pkt.add(F.addr, off, 6, it));
  const r2 = pkt.add(F.addr_resolved, off, 6, it);
  if (r1 >= 0 || r2 >= 0) {
    // With name resolution (-N m) the vendor's name, as tshark.
    const text = pkt.session.names?.mac(pkt.data, off) ?? formatMac(pkt.data, off);
    if (r1 >= 0) pkt.ref[r1] = text;
    if (r2 >= 0) pkt.ref[r2] = text;
  }
  pkt.hide(r1);
  pkt.hide(r2);
  const b0 = pkt.data[off]!;
  pkt.add(dst ? F.dst_lg : F.src_lg, off, 3, it, (b0 >> 1) & 1);
  pkt.hide(pkt.add(F.lg, off, 3, it, (b0 >> 1) & 1));
  pkt.add(dst ? F.dst_ig : F.src_ig, off, 3, it, b0 & 1);
  pkt.hide(pkt.add(F.ig, off, 3, it, b0 & 1));
  if (!dst && b0 & 1) pkt.addExpert(it, Severity.Warn, 'Protocol', 'eth.src_not_group', 'Source MAC must not be a group address: IEEE 802.3-2002, Section 3.2.3(b)');
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  // FCS: pcap's link-type FCS bits or pcapng if_fcslen, passed through the frame's interface.
  const fcsLen = pkt.session.fcsLen[pkt.frame.interfaceId];
  let payloadEnd = end;
  if (fcsLen && end - off >= ETH.HDR + fcsLen) payloadEnd = end - fcsLen;
  const top = pkt.addProtocol(F.eth, 'eth', off, Math.min(ETH.HDR, end - off), parent);
  if (!need(pkt, off, ETH.HDR, end, rep, top, 'Ethernet')) return;
  // The address items (all eth.*: none is made when the tree keeps no Ethernet field).
  if (pkt.treeFor(F.eth)) {
    addAddr(pkt, true, off + ETH.DST, top);
    addAddr(pkt, false, off + ETH.SRC, top);
  } else if (pkt.wantExperts && d[off + ETH.SRC]! & 1) addAddr(pkt, false, off + ETH.SRC, top); // for its expert item
  const type = u16(d, off + ETH.TYPE);
  if (pkt.wantColumns) {
    const mac = pkt.session.names;
    if (mac === undefined && !pkt.wantLabels) {
      // No names, no labels: the addresses become text only if no network layer replaces them.
      pkt.setMacAddresses(d, off + ETH.SRC, off + ETH.DST);
    } else {
      // Name resolution (-N m): vendor names in the columns and the tree (`Cisco_dc:80:c0 (00:24:c4:dc:80:c0)`).
      const srcName = mac?.mac(pkt.data, off + ETH.SRC);
      const dstName = mac?.mac(pkt.data, off + ETH.DST);
      const srcMac = formatMac(pkt.data, off + ETH.SRC);
      const dstMac = formatMac(pkt.data, off + ETH.DST);
      const srcText = namedAddress(srcName, srcMac, mac?.flags.mac);
      const dstText = namedAddress(dstName, dstMac, mac?.flags.mac);
      if (pkt.wantLabels && mac?.flags.mac) {
        labelAddressItem(pkt, F.dst, top, 'Destination', dstText, F.addr, 'Address');
        labelAddressItem(pkt, F.src, top, 'Source', srcText, F.addr, 'Address');
      }
      pkt.setAddresses(srcName ?? srcMac, dstName ?? dstMac);
      // An 802.3 frame's item says so, with Wireshark's trailing space.
      if (pkt.wantLabels) pkt.setLabel(top, type <= 1500 ? 'IEEE 802.3 Ethernet ' : `Ethernet II, Src: ${srcText}, Dst: ${dstText}`);
    }
    pkt.setProtocol(type === 0x0800 ? '0x0800' : type === 0x86dd ? '0x86dd' : type >= 0x0600 ? `0x${type.toString(16).padStart(4, '0')}` : 'LLC');
  }
  const outer = pkt.netStart < 0;
  if (outer) pkt.netStart = off + ETH.HDR;
  if (type <= 1500) {
    // IEEE 802.3: a length, then LLC.
    pkt.add(F.len, off + ETH.TYPE, 2, top, type);
    const llcEnd = Math.min(payloadEnd, off + ETH.HDR + type);
    dispatch('ethertype.llc', 0, pkt, off + ETH.HDR, llcEnd, Math.min(rep, off + ETH.HDR + type), -1);
    // The length field says where the frame's payload ends: padding or a trailer may follow.
    if (outer && (pkt.tree || pkt.wantExperts) && off + ETH.HDR + type < end) {
      pkt.netEnd = off + ETH.HDR + type;
      addTrailer(pkt, F.trailer, top, end, rep, fcsLen ? 4 : -1);
    } else if (fcsLen && payloadEnd < end) addFcs(pkt, payloadEnd, top);
    return;
  }
  pkt.add(F.type, off + ETH.TYPE, 2, top, type);
  dispatchEthertype(type, pkt, off + ETH.HDR, payloadEnd, rep - (end - payloadEnd), -1);
  // What the network layer left over: padding, a trailer, the FCS (Wireshark's ethertype does it).
  if (outer && pkt.netEnd >= 0 && (pkt.tree || pkt.wantExperts)) addTrailer(pkt, F.trailer, top, end, rep, fcsLen ? 4 : -1);
  else if (fcsLen && payloadEnd < end) addFcs(pkt, payloadEnd, top);
}

function addFcs(pkt: Packet, at: number, top: number): void {
  const it = pkt.add(F.fcs, at, 4, top, u32(pkt.data, at));
  pkt.add(F.fcs_status, at, 4, it, 2);
}

/** `buildPacket`'s Ethernet layer: `type` is computed from the next layer (or its length for LLC). */
export interface EthSpec {
  /** MAC text (default the broadcast address). */
  dst?: string;
  src?: string;
  type?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    eth: EthSpec;
  }
}

function emit(spec: LayerSpecOf<'eth'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const out = new Uint8Array(ETH.HDR + payload.length);
  out.set(parseMac(spec.dst ?? 'ff:ff:ff:ff:ff:ff'), ETH.DST);
  out.set(parseMac(spec.src ?? '00:00:00:00:00:00'), ETH.SRC);
  const next = ctx.layers[ctx.index + 1];
  // A next layer bound in `ethertype.llc` (LLC) makes an IEEE 802.3 frame: the field is its length.
  const type =
    spec.type ??
    (next ? selectorFor('ethertype', next.proto) ?? (selectorFor('ethertype.llc', next.proto) !== undefined ? payload.length : undefined) : undefined) ??
    0;
  out[ETH.TYPE] = type >> 8;
  out[ETH.TYPE + 1] = type & 0xff;
  out.set(payload, ETH.HDR);
  return out;
}

register({ name: 'eth', longName: 'Ethernet II', bind: [['linktype', 1]], decode, emit });
