/**
 * Ethernet II and IEEE 802.3 (IEEE 802.3-2018 clause 3). A type/length field >= 0x0600 is an
 * Ethertype; <= 1500 is an 802.3 length and the payload is LLC (IEEE 802.2).
 * FCS bytes (when the capture says frames carry one) are shown and excluded from the payload.
 */
import { defineFields, FT, Base } from './fields.js';
import { formatMac, u16, u32 } from './bytes.js';
import { need, type Packet } from './packet.js';
import { dispatch, register, selectorFor, type LayerSpec, type EmitContext, dispatchEthertype } from './registry.js';
import { parseMac } from './bytes.js';

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
  lg: { abbrev: 'eth.lg', name: 'LG bit', type: FT.BOOLEAN, bits: 24, mask: 0x020000, tf: ['Locally administered address (this is NOT the factory default)', 'Globally unique address (factory default)'] },
  ig: { abbrev: 'eth.ig', name: 'IG bit', type: FT.BOOLEAN, bits: 24, mask: 0x010000, tf: ['Group address (multicast/broadcast)', 'Individual address (unicast)'] },
  type: { abbrev: 'eth.type', name: 'Type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
  len: { abbrev: 'eth.len', name: 'Length', type: FT.UINT16 },
  trailer: { abbrev: 'eth.trailer', name: 'Trailer', type: FT.BYTES },
  fcs: { abbrev: 'eth.fcs', name: 'Frame check sequence', type: FT.UINT32, base: Base.HEX },
});

function addAddr(pkt: Packet, field: number, off: number, parent: number): void {
  const it = pkt.add(field, off, 6, parent);
  pkt.hide(pkt.add(F.addr, off, 6, it));
  const b0 = pkt.data[off]!;
  pkt.add(F.lg, off, 3, it, (b0 >> 1) & 1);
  pkt.add(F.ig, off, 3, it, b0 & 1);
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  // FCS: pcap's link-type FCS bits or pcapng if_fcslen, passed through the frame's interface.
  const fcsLen = pkt.session.fcsLen[pkt.frame.interfaceId];
  let payloadEnd = end;
  if (fcsLen && end - off >= 14 + fcsLen) payloadEnd = end - fcsLen;
  const top = pkt.addProtocol(F.eth, 'eth', off, Math.min(14, end - off), parent);
  if (!need(pkt, off, 14, end, rep, top, 'Ethernet')) return;
  if (pkt.tree) {
    addAddr(pkt, F.dst, off, top);
    addAddr(pkt, F.src, off + 6, top);
  }
  const type = u16(d, off + 12);
  if (pkt.wantColumns) {
    const srcText = formatMac(pkt.data, off + 6);
    const dstText = formatMac(pkt.data, off);
    pkt.setAddresses(srcText, dstText);
    if (pkt.wantLabels) pkt.setLabel(top, `Ethernet II, Src: ${srcText}, Dst: ${dstText}`);
    pkt.setProtocol(type >= 0x0600 ? `0x${type.toString(16).padStart(4, '0')}` : 'LLC');
  }
  if (fcsLen && payloadEnd < end) pkt.add(F.fcs, payloadEnd, 4, top, u32(d, payloadEnd));
  if (type <= 1500) {
    // IEEE 802.3: a length, then LLC.
    pkt.add(F.len, off + 12, 2, top, type);
    const llcEnd = Math.min(payloadEnd, off + 14 + type);
    dispatch('ethertype.llc', 0, pkt, off + 14, llcEnd, Math.min(rep, off + 14 + type), -1);
    return;
  }
  pkt.add(F.type, off + 12, 2, top, type);
  dispatchEthertype(type, pkt, off + 14, payloadEnd, rep - (end - payloadEnd), -1);
}

function emit(spec: LayerSpec, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const out = new Uint8Array(14 + payload.length);
  out.set(parseMac(String(spec.dst ?? 'ff:ff:ff:ff:ff:ff')), 0);
  out.set(parseMac(String(spec.src ?? '00:00:00:00:00:00')), 6);
  const next = ctx.layers[ctx.index + 1];
  // A next layer bound in `ethertype.llc` (LLC) makes an IEEE 802.3 frame: the field is its length.
  const type =
    (spec.type as number | undefined) ??
    (next ? selectorFor('ethertype', next.proto) ?? (selectorFor('ethertype.llc', next.proto) !== undefined ? payload.length : undefined) : undefined) ??
    0;
  out[12] = type >> 8;
  out[13] = type & 0xff;
  out.set(payload, 14);
  return out;
}

register({ name: 'eth', longName: 'Ethernet II', bind: [['linktype', 1]], decode, emit });
