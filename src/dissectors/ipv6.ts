/**
 * IPv6 (RFC 8200) and its extension headers: Hop-by-Hop and Destination Options (RFC 8200 4.3,
 * 4.6; Jumbo Payload RFC 2675, Router Alert RFC 2711, Tunnel Encapsulation Limit RFC 2473, Home
 * Address RFC 6275), Routing (RFC 8200 4.4: type 0 RFC 2460/5095, type 2 RFC 6275, Segment Routing
 * RFC 8754) and Fragment (RFC 8200 4.5). Traffic class as DSCP (RFC 2474) and ECN (RFC 3168).
 *
 * As in Wireshark 4.0 each extension header is its own protocol (`ipv6.hopopts`, `ipv6.routing`,
 * `ipv6.fraghdr`, `ipv6.dstopts`) shown inside the IPv6 tree. Fragments are reassembled by
 * (source, destination, identification) through ip-reassembly.ts, the datagram is dissected in the
 * frame that completes it, and the others say `IPv6 fragment (off=… more=… ident=… nxt=…)`.
 *
 * The transport pseudo-header (RFC 8200 8.1) uses the final destination: the last address of a
 * type 0 routing header, the home address of a type 2 one, segment 0 of a segment routing header,
 * when segments are left.
 */
import { DSCP, ECN, ECN_SHORT, dscpShort } from './diffserv.js';
import { defineFields, defineField, FT, Base } from './fields.js';
import { formatIPv6, parseIPv6, toHex, u16, u32 } from './bytes.js';
import { annotate, annotation, need, Severity, type Packet } from './packet.js';
import { dissectData, register, selectorFor, type EmitContext, type LayerSpecOf, dispatchIn, dispatchTable } from './registry.js';
import { addFragment, showReassembled } from './ip-reassembly.js';
import { IP_PROTOS } from './ip.js';
import { namedAddress } from './names.js';

/** The table of the protocol after this one (looked up once). */
const IP_PROTO = dispatchTable('ip.proto');

/** Next Header names as Wireshark 4.0 prints them (its ipproto table). */
export const IPV6_NEXT_HEADERS: Record<number, string> = {
  ...IP_PROTOS,
  0: 'IPv6 Hop-by-Hop Option',
  43: 'Routing Header for IPv6',
  44: 'Fragment Header for IPv6',
  59: 'No Next Header for IPv6',
  60: 'Destination Options for IPv6',
  135: 'Mobile IPv6',
  139: 'Host Identity Protocol',
  140: 'Shim6 Protocol',
};




function flowBits(v: number): string {
  const b = v.toString(2).padStart(20, '0');
  return `${b.slice(0, 4)} ${b.slice(4, 8)} ${b.slice(8, 12)} ${b.slice(12, 16)} ${b.slice(16)}`;
}

function bits8(v: number): string {
  const b = v.toString(2).padStart(8, '0');
  return `${b.slice(0, 4)} ${b.slice(4)}`;
}

/** Option names (RFC 8200 4.2 registry, Wireshark's ipv6_opt_type_vals). */
const OPT_NAMES: Record<number, string> = {
  0x00: 'Pad1', 0x01: 'PadN', 0xc2: 'Jumbo Payload', 0x63: 'RPL Option', 0x23: 'RPL Option', 0x04: 'Tunnel Encapsulation Limit',
  0x05: 'Router Alert', 0x26: 'Quick-Start', 0x07: 'CALIPSO', 0x08: 'SMF_DPD', 0xc9: 'Home Address', 0x8a: 'Endpoint Identification',
  0x8b: 'ILNP Nonce', 0x8c: 'Line-Identification Option', 0x4d: 'Deprecated', 0x6d: 'MPL Option', 0xee: 'IP_DFF',
  0x0f: 'Performance and Diagnostic Metrics', 0x30: 'Path MTU Record Option', 0x1e: 'Experimental (0x1E)',
  0x3e: 'Experimental (0x3E)', 0x5e: 'Experimental (0x5E)', 0x7e: 'Experimental (0x7E)', 0x9e: 'Experimental (0x9E)',
  0xbe: 'Experimental (0xBE)', 0xde: 'Experimental (0xDE)', 0xfe: 'Experimental (0xFE)',
};
const OPT_ACTIONS: Record<number, string> = {
  0: 'Skip and continue', 1: 'Discard and do not send ICMP', 2: 'Discard and send ICMP Parameter Problem', 3: 'Discard and send ICMP if not multicast',
};
const ROUTER_ALERT: Record<number, string> = { 0: 'MLD', 1: 'RSVP', 2: 'Active Networks' };
const ROUTING_TYPES: Record<number, string> = {
  0: 'Source Route', 1: 'Nimrod', 2: 'Type 2 Routing', 3: 'RPL Source Route', 4: 'Segment Routing', 5: 'CRH-16', 6: 'CRH-32',
};

export const F = defineFields({
  ipv6: { abbrev: 'ipv6', name: 'Internet Protocol Version 6', type: FT.PROTOCOL },
  version: { abbrev: 'ipv6.version', name: 'Version', type: FT.UINT8, bits: 8, mask: 0xf0 },
  tclass: { abbrev: 'ipv6.tclass', name: 'Traffic Class', type: FT.UINT32, base: Base.HEX, bits: 32, mask: 0x0ff00000 },
  dscp: { abbrev: 'ipv6.tclass.dscp', name: 'Differentiated Services Codepoint', type: FT.UINT32, bits: 32, mask: 0x0fc00000, strings: DSCP },
  ecn: { abbrev: 'ipv6.tclass.ecn', name: 'Explicit Congestion Notification', type: FT.UINT32, bits: 32, mask: 0x00300000, strings: ECN },
  flow: { abbrev: 'ipv6.flow', name: 'Flow Label', type: FT.UINT24, base: Base.HEX, bits: 24, mask: 0x0fffff },
  plen: { abbrev: 'ipv6.plen', name: 'Payload Length', type: FT.UINT16 },
  nxt: { abbrev: 'ipv6.nxt', name: 'Next Header', type: FT.UINT8, strings: IPV6_NEXT_HEADERS },
  hlim: { abbrev: 'ipv6.hlim', name: 'Hop Limit', type: FT.UINT8 },
  src: { abbrev: 'ipv6.src', name: 'Source Address', type: FT.IPV6 },
  dst: { abbrev: 'ipv6.dst', name: 'Destination Address', type: FT.IPV6 },
  addr: { abbrev: 'ipv6.addr', name: 'Source or Destination Address', type: FT.IPV6 },
  src_host: { abbrev: 'ipv6.src_host', name: 'Source Host', type: FT.STRING },
  dst_host: { abbrev: 'ipv6.dst_host', name: 'Destination Host', type: FT.STRING },
  host: { abbrev: 'ipv6.host', name: 'Source or Destination Host', type: FT.STRING },
  src_slaac_mac: { abbrev: 'ipv6.src_slaac_mac', name: 'Source SLAAC MAC', type: FT.ETHER },
  dst_slaac_mac: { abbrev: 'ipv6.dst_slaac_mac', name: 'Destination SLAAC MAC', type: FT.ETHER },
  slaac_mac: { abbrev: 'ipv6.slaac_mac', name: 'SLAAC MAC', type: FT.ETHER },

  // Options (hop-by-hop and destination options headers)
  opt: { abbrev: 'ipv6.opt', name: 'IPv6 Option', type: FT.NONE },
  opt_type: { abbrev: 'ipv6.opt.type', name: 'Type', type: FT.UINT8, base: Base.HEX, strings: OPT_NAMES },
  opt_action: { abbrev: 'ipv6.opt.type.action', name: 'Action', type: FT.UINT8, bits: 8, mask: 0xc0, strings: OPT_ACTIONS },
  opt_change: { abbrev: 'ipv6.opt.type.change', name: 'May Change', type: FT.BOOLEAN, bits: 8, mask: 0x20, tf: ['Yes', 'No'] },
  opt_rest: { abbrev: 'ipv6.opt.type.rest', name: 'Low-Order Bits', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0x1f },
  opt_length: { abbrev: 'ipv6.opt.length', name: 'Length', type: FT.UINT8 },
  opt_pad1: { abbrev: 'ipv6.opt.pad1', name: 'Pad1', type: FT.NONE },
  opt_padn: { abbrev: 'ipv6.opt.padn', name: 'PadN', type: FT.BYTES, allowZero: true },
  opt_router_alert: { abbrev: 'ipv6.opt.router_alert', name: 'Router Alert', type: FT.UINT16, strings: ROUTER_ALERT },
  opt_tel: { abbrev: 'ipv6.opt.tel', name: 'Tunnel Encapsulation Limit', type: FT.UINT8 },
  opt_jumbo: { abbrev: 'ipv6.opt.jumbo', name: 'Payload Length', type: FT.UINT32 },
  opt_home_address: { abbrev: 'ipv6.opt.mipv6.home_address', name: 'MIPv6 Home Address', type: FT.IPV6 },
  opt_experimental: { abbrev: 'ipv6.opt.experimental', name: 'Experimental Option', type: FT.BYTES },
  opt_unknown: { abbrev: 'ipv6.opt.unknown', name: 'Unknown Option Payload', type: FT.BYTES },

  hopopts: { abbrev: 'ipv6.hopopts', name: 'IPv6 Hop-by-Hop Option', type: FT.PROTOCOL },
  hopopts_nxt: { abbrev: 'ipv6.hopopts.nxt', name: 'Next Header', type: FT.UINT8, strings: IPV6_NEXT_HEADERS },
  hopopts_len: { abbrev: 'ipv6.hopopts.len', name: 'Length', type: FT.UINT8 },
  hopopts_len_oct: { abbrev: 'ipv6.hopopts.len_oct', name: 'Length', type: FT.UINT16, generated: true, unit: ' bytes' },
  dstopts: { abbrev: 'ipv6.dstopts', name: 'Destination Options for IPv6', type: FT.PROTOCOL },
  dstopts_nxt: { abbrev: 'ipv6.dstopts.nxt', name: 'Next Header', type: FT.UINT8, strings: IPV6_NEXT_HEADERS },
  dstopts_len: { abbrev: 'ipv6.dstopts.len', name: 'Length', type: FT.UINT8 },
  dstopts_len_oct: { abbrev: 'ipv6.dstopts.len_oct', name: 'Length', type: FT.UINT16, generated: true, unit: ' bytes' },

  routing: { abbrev: 'ipv6.routing', name: 'Routing Header for IPv6', type: FT.PROTOCOL },
  routing_nxt: { abbrev: 'ipv6.routing.nxt', name: 'Next Header', type: FT.UINT8, strings: IPV6_NEXT_HEADERS },
  routing_len: { abbrev: 'ipv6.routing.len', name: 'Length', type: FT.UINT8 },
  routing_len_oct: { abbrev: 'ipv6.routing.len_oct', name: 'Length', type: FT.UINT16, generated: true, unit: ' bytes' },
  routing_type: { abbrev: 'ipv6.routing.type', name: 'Type', type: FT.UINT8, strings: ROUTING_TYPES },
  routing_segleft: { abbrev: 'ipv6.routing.segleft', name: 'Segments Left', type: FT.UINT8 },
  routing_src_reserved: { abbrev: 'ipv6.routing.src.reserved', name: 'Reserved', type: FT.BYTES },
  routing_src_addr: { abbrev: 'ipv6.routing.src.addr', name: 'Address', type: FT.IPV6 },
  routing_mipv6_reserved: { abbrev: 'ipv6.routing.mipv6.reserved', name: 'Reserved', type: FT.BYTES },
  routing_mipv6_home_address: { abbrev: 'ipv6.routing.mipv6.home_address', name: 'Home Address', type: FT.IPV6 },
  routing_srh_last_entry: { abbrev: 'ipv6.routing.srh.last_entry', name: 'Last Entry', type: FT.UINT8 },
  routing_srh_flags: { abbrev: 'ipv6.routing.srh.flags', name: 'Flags', type: FT.UINT8, base: Base.HEX },
  routing_srh_tag: { abbrev: 'ipv6.routing.srh.tag', name: 'Tag', type: FT.BYTES },
  routing_srh_addr: { abbrev: 'ipv6.routing.srh.addr', name: 'Address', type: FT.IPV6 },
  routing_unknown_data: { abbrev: 'ipv6.routing.unknown_data', name: 'Type-Specific Data', type: FT.BYTES },

  fraghdr: { abbrev: 'ipv6.fraghdr', name: 'Fragment Header for IPv6', type: FT.PROTOCOL },
  fraghdr_nxt: { abbrev: 'ipv6.fraghdr.nxt', name: 'Next header', type: FT.UINT8, strings: IPV6_NEXT_HEADERS },
  fraghdr_reserved_octet: { abbrev: 'ipv6.fraghdr.reserved_octet', name: 'Reserved octet', type: FT.UINT8, base: Base.HEX },
  fraghdr_offset: { abbrev: 'ipv6.fraghdr.offset', name: 'Offset', type: FT.UINT16, bits: 16, mask: 0xfff8 },
  fraghdr_reserved_bits: { abbrev: 'ipv6.fraghdr.reserved_bits', name: 'Reserved bits', type: FT.UINT16, bits: 16, mask: 0x0006 },
  fraghdr_more: { abbrev: 'ipv6.fraghdr.more', name: 'More Fragments', type: FT.BOOLEAN, bits: 16, mask: 0x0001, tf: ['Yes', 'No'] },
  fraghdr_ident: { abbrev: 'ipv6.fraghdr.ident', name: 'Identification', type: FT.UINT32, base: Base.HEX },

  fragments: { abbrev: 'ipv6.fragments', name: 'IPv6 Fragments', type: FT.NONE },
  fragment: { abbrev: 'ipv6.fragment', name: 'IPv6 Fragment', type: FT.FRAMENUM },
  fragment_count: { abbrev: 'ipv6.fragment.count', name: 'Fragment count', type: FT.UINT32 },
  fragment_overlap: { abbrev: 'ipv6.fragment.overlap', name: 'Fragment overlap', type: FT.BOOLEAN },
  fragment_conflict: { abbrev: 'ipv6.fragment.overlap.conflict', name: 'Conflicting data in fragment overlap', type: FT.BOOLEAN },
  reassembled_in: { abbrev: 'ipv6.reassembled.in', name: 'Reassembled IPv6 in frame', type: FT.FRAMENUM, generated: true },
  reassembled_length: { abbrev: 'ipv6.reassembled.length', name: 'Reassembled IPv6 length', type: FT.UINT32, generated: true },
});

/** Wireshark 4.0 adds a hidden `ip.version` to IPv6 headers too (same definition as ip.ts). */
const IP_VERSION = defineField({ abbrev: 'ip.version', name: 'Version', type: FT.UINT8, bits: 8, mask: 0xf0 }).id;

/** Extension header numbers handled here (RFC 8200 4.1). */
const HOPOPTS = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const NONXT = 59;
const DSTOPTS = 60;

/** What the extension-header walk learns and hands on. */
interface Chain {
  /** The IPv6 tree item, and the item IPv6 itself hangs under (-1 at the top; the ICMPv6 item in an error quote). */
  top: number;
  parent: number;
  /** The bytes holding the IPv6 header (the frame, or a reassembly buffer when tunnelled) and its offset. */
  hdr: Uint8Array;
  hdrOff: number;
  /** Offset (in the frame) of the source and of the final destination for the pseudo-header. */
  srcOff: number;
  dstOff: number;
  /** Payload length was 0: a Jumbo Payload option must follow in a hop-by-hop header. */
  plenZero: boolean;
  plenItem: number;
  /** Jumbo payload length found, or -1. */
  jumbo: number;
  /** Headers walked so far (hop-by-hop must be the first). */
  count: number;
}

/**
 * Walk states by nesting depth (an ICMPv6 error or a tunnel dissects IPv6 inside IPv6), reused
 * from packet to packet so the walk allocates nothing.
 */
const chains: Chain[] = [];
let depth = 0;

function chainAt(top: number, parent: number, hdr: Uint8Array, hdrOff: number): Chain {
  let c = chains[depth];
  if (!c) {
    c = { top, parent: -1, hdr, hdrOff, srcOff: 0, dstOff: 0, plenZero: false, plenItem: -1, jumbo: -1, count: 0 };
    chains[depth] = c;
  }
  c.top = top;
  c.parent = parent;
  c.hdr = hdr;
  c.hdrOff = hdrOff;
  c.srcOff = hdrOff + 8;
  c.dstOff = hdrOff + 24;
  c.plenZero = false;
  c.plenItem = -1;
  c.jumbo = -1;
  c.count = 0;
  return c;
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const top = pkt.addProtocol(F.ipv6, 'ipv6', off, Math.min(40, Math.max(0, end - off)), parent);
  pkt.setProtocol('IPv6');
  if (!need(pkt, off, 1, end, rep, top, 'IPv6')) return;
  const version = d[off]! >> 4;
  pkt.add(F.version, off, 1, top, version);
  pkt.hide(pkt.add(IP_VERSION, off, 1, top, version));
  if (version !== 6) {
    pkt.addExpert(top, Severity.Error, 'Malformed', 'ipv6.bogus_ipv6_version', 'Bogus IPv6 version');
    if (pkt.wantColumns) pkt.setInfo(`Bogus IPv6 version (${version}, must be 6)`);
    return;
  }
  if (rep - off < 40) {
    pkt.addExpert(top, Severity.Error, 'Malformed', 'ipv6.invalid_header', 'IPv6 header must be exactly 40 bytes');
    pkt.markMalformed(top, `Malformed Packet (IPv6 header: ${rep - off} bytes on the wire)`);
    if (pkt.wantColumns) pkt.setInfo(`Invalid IPv6 header (${rep - off} bytes, need exactly 40)`);
    return;
  }
  if (!need(pkt, off, 40, end, rep, top, 'IPv6')) return;

  const w0 = u32(d, off);
  const tclass = (w0 >>> 20) & 0xff;
  const tc = pkt.add(F.tclass, off, 4, top, tclass);
  pkt.add(F.dscp, off, 4, tc, tclass >> 2);
  pkt.add(F.ecn, off, 4, tc, tclass & 3);
  const fi = pkt.add(F.flow, off + 1, 3, top, w0 & 0xfffff);
  const plen = u16(d, off + 4);
  const plenItem = pkt.add(F.plen, off + 4, 2, top, plen);
  const nxt = d[off + 6]!;
  pkt.add(F.nxt, off + 6, 1, top, nxt);
  pkt.add(F.hlim, off + 7, 1, top, d[off + 7]!);
  addAddress(pkt, d, off + 8, top, true);
  addAddress(pkt, d, off + 24, top, false);
  if (pkt.wantColumns) {
    const st = formatIPv6(d, off + 8);
    const dt = formatIPv6(d, off + 24);
    // Name resolution (-N n, nd): names in the columns and the tree, as tshark.
    const names = pkt.session.names;
    const sn = names?.host(st);
    const dn = names?.host(dt);
    pkt.setAddresses(sn ?? st, dn ?? dt);
    pkt.setLabel(top, `Internet Protocol Version 6, Src: ${namedAddress(sn, st, names?.flags.network)}, Dst: ${namedAddress(dn, dt, names?.flags.network)}`);
    pkt.setLabel(tc, `.... ${bits8(tclass)} .... .... .... .... .... = Traffic Class: 0x${tclass.toString(16).padStart(2, '0')} (DSCP: ${dscpShort(tclass >> 2)}, ECN: ${ECN_SHORT[tclass & 3]})`);
    pkt.setLabel(fi, `.... ${flowBits(w0 & 0xfffff)} = Flow Label: 0x${(w0 & 0xfffff).toString(16).padStart(5, '0')}`);
    if (plen === 0 && nxt === HOPOPTS) pkt.setLabel(plenItem, 'Payload Length: 0 (Jumbogram)');
  }

  // Payload length: 0 is a jumbogram (hop-by-hop Jumbo Payload option) or TSO; beyond the frame
  // is reported and the frame's bytes are used.
  const pOff = off + 40;
  const avail = rep - pOff;
  const chain = chainAt(top, parent, d, off);
  chain.plenItem = plenItem;
  let pRep = pOff + plen;
  if (plen === 0) {
    if (nxt === HOPOPTS) {
      // A jumbogram: the hop-by-hop Jumbo Payload option gives the length.
      chain.plenZero = true;
      pRep = rep;
    } else if (nxt !== NONXT) {
      // Like tshark 4.0, a payload length of 0 means an empty payload (a TSO capture then shows
      // its upper layer as malformed), with a hint about segmentation offload.
      pkt.addExpert(plenItem, Severity.Chat, 'Protocol', 'ipv6.plen_zero', 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))');
    }
  } else if (plen > avail) {
    pkt.addExpert(plenItem, Severity.Warn, 'Protocol', 'ipv6.plen_exceeds_framing', `IPv6 payload length exceeds framing length (${avail} bytes)`);
    pRep = rep;
  }
  const pEnd = Math.min(end, pRep);
  pkt.setLength(top, 40);
  if (plen !== 0) pkt.setNetEnd(off, pRep);

  pkt.ipVersion = 6;
  pkt.ipHdr = d;
  pkt.ipSrcOff = off + 8;
  pkt.ipDstOff = off + 24;
  pkt.ipHopLimit = d[off + 7]!;
  pkt.ipFragmented = false;
  depth++;
  try {
    walk(pkt, nxt, pOff, pEnd, pRep, chain);
  } finally {
    depth--;
  }
}

/**
 * `ipv6.src` or `ipv6.dst` with Wireshark's children (packet-ipv6.c add_ipv6_address_detail): the
 * hidden either-direction `ipv6.addr`, the host names (the address as text: no name is resolved),
 * and the MAC address inside a SLAAC interface identifier (`..:xxff:fexx:..`, RFC 4291 2.5.1 and
 * appendix A).
 */
function addAddress(pkt: Packet, d: Uint8Array, at: number, parent: number, src: boolean): void {
  const it = pkt.add(src ? F.src : F.dst, at, 16, parent);
  if (it < 0 && !pkt.tree) return;
  pkt.hide(pkt.add(F.addr, at, 16, it));
  const h1 = pkt.add(src ? F.src_host : F.dst_host, at, 16, it);
  const h2 = pkt.add(F.host, at, 16, it);
  const names = pkt.session.names;
  if (h1 >= 0 || h2 >= 0) {
    // With name resolution (-N n) the host's name, as tshark.
    const t = formatIPv6(d, at);
    const text = names?.host(t) ?? t;
    if (h1 >= 0) pkt.ref[h1] = text;
    if (h2 >= 0) pkt.ref[h2] = text;
  }
  if (names?.flags.network && it >= 0 && pkt.wantLabels) {
    const t = formatIPv6(d, at);
    pkt.setLabel(it, `${src ? 'Source Address' : 'Destination Address'}: ${namedAddress(names.host(t), t, true)}`);
  }
  pkt.hide(h1);
  pkt.hide(h2);
  // A modified EUI-64 from a universal MAC: the U/L bit set and ff:fe in the middle (as Wireshark).
  if ((d[at + 8]! & 0x02) !== 0 && d[at + 11] === 0xff && d[at + 12] === 0xfe) {
    const mac = new Uint8Array([d[at + 8]! ^ 0x02, d[at + 9]!, d[at + 10]!, d[at + 13]!, d[at + 14]!, d[at + 15]!]);
    pkt.add(src ? F.src_slaac_mac : F.dst_slaac_mac, at + 8, 8, it, 0, mac);
    pkt.hide(pkt.add(F.slaac_mac, at + 8, 8, it, 0, mac));
  }
}

/**
 * Walks the extension headers from `p` in the current data source, then hands the upper layer to
 * the `ip.proto` table with the network context set.
 */
function walk(pkt: Packet, nxt: number, p: number, end: number, rep: number, c: Chain): void {
  const d = pkt.data;
  for (;;) {
    switch (nxt) {
      case HOPOPTS:
      case DSTOPTS: {
        const hop = nxt === HOPOPTS;
        const it = pkt.addProtocol(hop ? F.hopopts : F.dstopts, hop ? 'ipv6.hopopts' : 'ipv6.dstopts', p, Math.max(0, Math.min(2, end - p)), c.top);
        // Wireshark's text until the upper layer writes its own (it stays when this header is broken).
        pkt.setInfo(hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options');
        if (hop && c.count > 0) {
          pkt.addExpert(it, Severity.Error, 'Protocol', 'ipv6.hopopts.not_first', 'IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header');
        }
        c.count++;
        if (!need(pkt, p, 2, end, rep, it, hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options')) return;
        const next = d[p]!;
        const hl = (d[p + 1]! + 1) * 8;
        pkt.setLength(it, Math.min(hl, end - p));
        pkt.add(hop ? F.hopopts_nxt : F.dstopts_nxt, p, 1, it, next);
        pkt.add(hop ? F.hopopts_len : F.dstopts_len, p + 1, 1, it, d[p + 1]!);
        pkt.add(hop ? F.hopopts_len_oct : F.dstopts_len_oct, p + 1, 0, it, hl);
        if (p + hl > rep) {
          pkt.markMalformed(it, `Malformed Packet (${hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options'}: length ${hl} exceeds the payload (${rep - p} bytes))`);
          return;
        }
        if (!need(pkt, p, hl, end, rep, it, hop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options')) return;
        // An option running past its header stops the dissection, as Wireshark's exception does.
        if (!options(pkt, p + 2, p + hl, it, hop, c)) return;
        if (hop && c.plenZero) {
          if (c.jumbo < 0) {
            pkt.addExpert(c.plenItem, Severity.Error, 'Malformed', 'ipv6.opt.jumbo.missing', 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing');
            pkt.markMalformed(c.plenItem, 'Malformed Packet (IPv6: no payload length and no Jumbo Payload option)');
            pkt.setInfo('Invalid IPv6 payload length , IPv6 hop-by-hop options');
            return;
          }
          // The jumbo length counts from the end of the IPv6 header (RFC 2675 2).
          const start = c.hdrOff + 40;
          const jRep = start + c.jumbo;
          if (jRep > rep) {
            pkt.addExpert(c.plenItem, Severity.Warn, 'Protocol', 'ipv6.plen_exceeds_framing', `IPv6 payload length exceeds framing length (${rep - start} bytes)`);
          } else {
            rep = jRep;
            end = Math.min(end, rep);
          }
          c.plenZero = false;
        }
        nxt = next;
        p += hl;
        break;
      }
      case ROUTING: {
        c.count++;
        const it = pkt.addProtocol(F.routing, 'ipv6.routing', p, Math.max(0, Math.min(4, end - p)), c.top);
        pkt.setInfo('IPv6 routing');
        if (!need(pkt, p, 4, end, rep, it, 'IPv6 routing header')) return;
        const next = d[p]!;
        const len8 = d[p + 1]!;
        const hl = (len8 + 1) * 8;
        const type = d[p + 2]!;
        const segleft = d[p + 3]!;
        pkt.setLength(it, Math.min(hl, end - p));
        pkt.setLabel(it, ROUTING_LABELS[type] ?? `Routing Header for IPv6 (Unknown type ${type})`);
        pkt.add(F.routing_nxt, p, 1, it, next);
        const li = pkt.add(F.routing_len, p + 1, 1, it, len8);
        pkt.add(F.routing_len_oct, p + 1, 0, it, hl);
        const ti = pkt.add(F.routing_type, p + 2, 1, it, type);
        const sl = pkt.add(F.routing_segleft, p + 3, 1, it, segleft);
        if (p + hl > rep) {
          pkt.markMalformed(it, `Malformed Packet (IPv6 routing header: length ${hl} exceeds the payload (${rep - p} bytes))`);
          return;
        }
        if (!need(pkt, p, hl, end, rep, it, 'IPv6 routing header')) return;
        routing(pkt, p, hl, type, segleft, it, li, ti, sl, c);
        nxt = next;
        p += hl;
        break;
      }
      case FRAGMENT: {
        c.count++;
        fragment(pkt, p, end, rep, c);
        return;
      }
      case NONXT:
        pkt.setInfo('IPv6 no next header');
        return;
      default:
        upper(pkt, nxt, p, end, rep, c);
        return;
    }
  }
}

const ROUTING_LABELS: Record<number, string> = {};
for (const [k, v] of Object.entries(ROUTING_TYPES)) ROUTING_LABELS[Number(k)] = `Routing Header for IPv6 (${v})`;

/** Hands the upper-layer protocol on with the pseudo-header context. */
function upper(pkt: Packet, nxt: number, p: number, end: number, rep: number, c: Chain): void {
  pkt.ipVersion = 6;
  pkt.ipHdr = c.hdr;
  pkt.ipSrcOff = c.srcOff;
  pkt.ipDstOff = c.dstOff;
  // The upper layer is a sibling of IPv6 (Wireshark: top level, or inside the ICMPv6 quoting it).
  if (!dispatchIn(IP_PROTO, nxt, pkt, p, end, rep, c.parent) && pkt.wantColumns) {
    pkt.setInfo(`Unknown IP Protocol: ${IP_PROTOS[nxt] ?? 'Unassigned'} (${nxt})`);
  }
}

function options(pkt: Packet, p: number, end: number, parent: number, hop: boolean, c: Chain): boolean {
  const d = pkt.data;
  while (p < end) {
    const t = d[p]!;
    if (t === 0) {
      const o = pkt.add(F.opt, p, 1, parent);
      pkt.setLabel(o, 'Pad1');
      pkt.add(F.opt_type, p, 1, o, 0);
      pkt.add(F.opt_pad1, p, 1, o);
      p++;
      continue;
    }
    const o = pkt.add(F.opt, p, Math.min(2, end - p), parent);
    pkt.setLabel(o, OPT_NAMES[t] ?? `Unknown IPv6 Option (${t})`);
    const ti = pkt.add(F.opt_type, p, 1, o, t);
    pkt.add(F.opt_action, p, 1, ti, t >> 6);
    pkt.add(F.opt_change, p, 1, ti, (t >> 5) & 1);
    pkt.add(F.opt_rest, p, 1, ti, t & 0x1f);
    if (p + 2 > end) {
      pkt.markMalformed(o, 'Malformed Packet (IPv6 option: length field beyond the header)');
      return false;
    }
    const l = d[p + 1]!;
    const lenItem = pkt.add(F.opt_length, p + 1, 1, o, l);
    const body = p + 2;
    if (body + l > end) {
      pkt.setLength(o, end - p);
      pkt.addExpert(lenItem, Severity.Error, 'Malformed', 'ipv6.opt.invalid_len', `${OPT_NAMES[t] ?? `Unknown IPv6 Option (${t})`}: Invalid length (${l} bytes)`);
      pkt.markMalformed(o, `Malformed Packet (IPv6 option: ${l} bytes beyond the end of its header)`);
      return false;
    }
    pkt.setLength(o, 2 + l);
    switch (t) {
      case 0x01:
        pkt.add(F.opt_padn, body, l, o);
        break;
      case 0xc2: {
        if (l !== 4) {
          pkt.addExpert(lenItem, Severity.Error, 'Malformed', 'ipv6.opt.invalid_len', `Jumbo Payload: Invalid length (${l} bytes)`);
          break;
        }
        const jl = u32(d, body);
        const ji = pkt.add(F.opt_jumbo, body, 4, o, jl);
        if (!hop) {
          pkt.addExpert(ti, Severity.Warn, 'Protocol', 'ipv6.opt.header_mismatch', 'Wrong options extension header for type');
        } else if (!c.plenZero) {
          pkt.addExpert(ji, Severity.Warn, 'Protocol', 'ipv6.opt.jumbo.prohibited', 'When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present');
        } else {
          if (jl < 65536) pkt.addExpert(ji, Severity.Warn, 'Protocol', 'ipv6.opt.jumbo.truncated', 'Jumbo Payload option present and jumbo length < 65536');
          c.jumbo = jl;
        }
        break;
      }
      case 0x05:
        if (l !== 2) {
          pkt.addExpert(lenItem, Severity.Error, 'Malformed', 'ipv6.opt.invalid_len', `Router Alert: Invalid Length (${l} bytes)`);
          break;
        }
        pkt.add(F.opt_router_alert, body, 2, o, u16(d, body));
        break;
      case 0x04:
        if (hop) pkt.addExpert(ti, Severity.Warn, 'Protocol', 'ipv6.opt.header_mismatch', 'Tunnel Encapsulation Limit must use a destination options header');
        if (l !== 1) {
          pkt.addExpert(lenItem, Severity.Error, 'Malformed', 'ipv6.opt.invalid_len', `Tunnel Encapsulation Limit: Invalid length (${l} bytes)`);
          break;
        }
        pkt.add(F.opt_tel, body, 1, o, d[body]!);
        break;
      case 0xc9:
        if (l !== 16) {
          pkt.addExpert(lenItem, Severity.Error, 'Malformed', 'ipv6.opt.invalid_len', `Home Address: Invalid length (${l} bytes)`);
          break;
        }
        pkt.add(F.opt_home_address, body, 16, o);
        // RFC 6275 6.3: the home address replaces the source in the pseudo-header.
        if (d === c.hdr) c.srcOff = body;
        break;
      case 0x1e: case 0x3e: case 0x5e: case 0x7e: case 0x9e: case 0xbe: case 0xde: case 0xfe:
        if (l) pkt.add(F.opt_experimental, body, l, o);
        break;
      default:
        if (l) {
          const u = pkt.add(F.opt_unknown, body, l, o);
          pkt.addExpert(u, Severity.Note, 'Undecoded', 'ipv6.opt.unknown_data.expert', 'Unknown Data (not interpreted)');
        }
    }
    p = body + l;
  }
  return true;
}

function routing(pkt: Packet, p: number, hl: number, type: number, segleft: number, it: number, li: number, ti: number, sl: number, c: Chain): void {
  const d = pkt.data;
  const end = p + hl;
  const sameSource = d === c.hdr;
  switch (type) {
    case 0: {
      if ((hl / 8 - 1) & 1) {
        pkt.addExpert(li, Severity.Error, 'Malformed', 'ipv6.routing.invalid_length', 'IPv6 Routing Header extension header length must not be odd');
      }
      pkt.addExpert(ti, Severity.Note, 'Deprecated', 'ipv6.routing.deprecated', 'Routing header type is deprecated');
      const n = ((hl - 8) / 16) | 0;
      if (segleft > n) {
        pkt.addExpert(sl, Severity.Warn, 'Protocol', 'ipv6.routing.invalid_segleft', `IPv6 Type 0 Routing Header segments left field must not exceed address count (${n})`);
      }
      pkt.add(F.routing_src_reserved, p + 4, 4, it);
      for (let i = 0; i < n; i++) pkt.add(F.routing_src_addr, p + 8 + 16 * i, 16, it);
      if (segleft > 0 && n > 0 && sameSource) c.dstOff = p + 8 + 16 * (n - 1);
      return;
    }
    case 2: {
      pkt.add(F.routing_mipv6_reserved, p + 4, 4, it);
      if (end - (p + 8) >= 16) {
        pkt.add(F.routing_mipv6_home_address, p + 8, 16, it);
        if (segleft > 0 && sameSource) c.dstOff = p + 8;
      }
      return;
    }
    case 4: {
      if (hl < 8) return;
      const last = d[p + 4]!;
      pkt.add(F.routing_srh_last_entry, p + 4, 1, it, last);
      pkt.add(F.routing_srh_flags, p + 5, 1, it, d[p + 5]!);
      pkt.add(F.routing_srh_tag, p + 6, 2, it);
      const n = Math.min(last + 1, ((hl - 8) / 16) | 0);
      for (let i = 0; i < n; i++) pkt.add(F.routing_srh_addr, p + 8 + 16 * i, 16, it);
      // RFC 8754 2: segment list[0] is the final segment.
      if (segleft > 0 && n > 0 && sameSource) c.dstOff = p + 8;
      return;
    }
    default: {
      if (hl > 4) {
        const u = pkt.add(F.routing_unknown_data, p + 4, hl - 4, it);
        pkt.addExpert(u, Severity.Note, 'Undecoded', 'ipv6.routing.undecoded', 'Undecoded IPv6 routing header field');
      }
    }
  }
}

function fragment(pkt: Packet, p: number, end: number, rep: number, c: Chain): void {
  const d = pkt.data;
  const it = pkt.addProtocol(F.fraghdr, 'ipv6.fraghdr', p, Math.max(0, Math.min(8, end - p)), c.top);
  if (rep - p < 8) {
    pkt.markMalformed(it, `Malformed Packet (IPv6 fragment header: needs 8 bytes, ${Math.max(0, rep - p)} in the payload)`);
    return;
  }
  if (!need(pkt, p, 8, end, rep, it, 'IPv6 fragment header')) return;
  const nxt = d[p]!;
  const offm = u16(d, p + 2);
  const fragOff = offm >> 3;
  const more = offm & 1;
  const ident = u32(d, p + 4);
  pkt.add(F.fraghdr_nxt, p, 1, it, nxt);
  pkt.add(F.fraghdr_reserved_octet, p + 1, 1, it, d[p + 1]!);
  pkt.add(F.fraghdr_offset, p + 2, 2, it, fragOff);
  pkt.add(F.fraghdr_reserved_bits, p + 2, 2, it, (offm >> 1) & 3);
  pkt.add(F.fraghdr_more, p + 2, 2, it, more);
  pkt.ipFragmented = more === 1 || fragOff !== 0;
  pkt.add(F.fraghdr_ident, p + 4, 4, it, ident);
  const payloadOff = p + 8;

  // An atomic fragment (RFC 6946): offset 0, no more fragments; processed in isolation.
  if (fragOff === 0 && more === 0) {
    walk(pkt, nxt, payloadOff, end, rep, c);
    return;
  }
  if (pkt.fence === 0 && pkt.session.prefs['ipv6.defragment']) {
    const frame = pkt.frame.number;
    // Reassembly key (RFC 8200 4.5): source, destination, identification.
    const key = `${toHex(c.hdr, c.hdrOff + 8, 32)}/${ident}`;
    const res = end === rep ? addFragment(pkt, 'ipv6', key, fragOff * 8, d.subarray(payloadOff, end), more === 1) : undefined;
    if (res) {
      showReassembled(pkt, res, F, 'ipv6.reassembled.in', 'IPv6', 'ipv6', payloadOff, c.top);
      const prev = pkt.pushSource(res.data, 'Reassembled IPv6');
      walk(pkt, nxt, 0, res.data.length, res.data.length, c);
      pkt.popSource(prev);
      return;
    }
    const inFrame = annotation(pkt, frame, 'ipv6.reassembled.in');
    if (inFrame !== undefined) pkt.add(F.reassembled_in, payloadOff, 0, c.top, inFrame);
  } else if (fragOff === 0) {
    // No reassembly (inside an ICMP error, or switched off): the first fragment holds the headers.
    walk(pkt, nxt, payloadOff, end, rep, c);
    return;
  }
  if (pkt.wantColumns) {
    pkt.setInfo(`IPv6 fragment (off=${fragOff * 8} more=${more ? 'y' : 'n'} ident=0x${ident.toString(16).padStart(8, '0')} nxt=${nxt})`);
  }
  dissectData(pkt, payloadOff, end, rep, c.parent);
}

// --- building

/** An extension header for `emit`: options are raw TLV bytes (padded to 8 octets with PadN). */
export type Ipv6ExtSpec =
  | { type: 'hopopts' | 'dstopts'; options?: Uint8Array }
  | { type: 'routing'; routingType?: number; segleft?: number; addresses?: string[] }
  | { type: 'fragment'; offset?: number; more?: boolean; ident?: number };

const EXT_CODES = { hopopts: HOPOPTS, dstopts: DSTOPTS, routing: ROUTING, fragment: FRAGMENT } as const;

function emitExt(e: Ipv6ExtSpec, next: number): Uint8Array {
  switch (e.type) {
    case 'hopopts':
    case 'dstopts': {
      const opts = e.options ?? new Uint8Array(0);
      const total = Math.ceil((opts.length + 2) / 8) * 8;
      const out = new Uint8Array(total);
      out[0] = next;
      out[1] = total / 8 - 1;
      out.set(opts, 2);
      const pad = total - 2 - opts.length;
      if (pad === 1) out[2 + opts.length] = 0;
      else if (pad > 1) {
        out[2 + opts.length] = 1;
        out[3 + opts.length] = pad - 2;
      }
      return out;
    }
    case 'routing': {
      const addrs = e.addresses ?? [];
      const out = new Uint8Array(8 + 16 * addrs.length);
      out[0] = next;
      out[1] = 2 * addrs.length;
      out[2] = e.routingType ?? 0;
      out[3] = e.segleft ?? addrs.length;
      addrs.forEach((a, i) => out.set(parseIPv6(a), 8 + 16 * i));
      return out;
    }
    case 'fragment': {
      const out = new Uint8Array(8);
      const v = new DataView(out.buffer);
      out[0] = next;
      v.setUint16(2, (((e.offset ?? 0) >> 3) << 3) | (e.more ? 1 : 0));
      v.setUint32(4, e.ident ?? 0);
      return out;
    }
  }
}

/**
 * Builds an IPv6 header (and extension headers, `ext`, outermost first) around `payload`.
 * Spec: src, dst, hlim (64), tclass or dscp/ecn, flow, nxt (from the next layer), plen (computed).
 */
/** Offsets in the IPv6 header (RFC 8200 3), for decode and emit. */
export const IPV6 = { VTF: 0, PLEN: 4, NXT: 6, HLIM: 7, SRC: 8, DST: 24, HDR: 40 } as const;

/** `buildPacket`'s IPv6 header and its extension headers. */
export interface Ipv6Spec {
  src?: string;
  dst?: string;
  /** Hop limit (64). */
  hlim?: number;
  /** Traffic class, or its two parts. */
  tclass?: number;
  dscp?: number;
  ecn?: number;
  /** Flow label (20 bits). */
  flow?: number;
  /** Extension headers, in order. */
  ext?: Ipv6ExtSpec[];
  /** Computed unless given: the upper layer's next header, the payload length. */
  nxt?: number;
  plen?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    ipv6: Ipv6Spec;
  }
}

function emit(spec: LayerSpecOf<'ipv6'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const nextLayer = ctx.layers[ctx.index + 1];
  const upperNxt = spec.nxt ?? (nextLayer ? selectorFor('ip.proto', nextLayer.proto) : undefined) ?? NONXT;
  const exts = spec.ext ?? [];
  const built: Uint8Array[] = [];
  let next = upperNxt;
  for (let i = exts.length - 1; i >= 0; i--) {
    const b = emitExt(exts[i]!, next);
    built.unshift(b);
    next = EXT_CODES[exts[i]!.type];
  }
  const extLen = built.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(IPV6.HDR + extLen + payload.length);
  const v = new DataView(out.buffer);
  const tclass = spec.tclass ?? (((spec.dscp ?? 0) << 2) | (spec.ecn ?? 0));
  v.setUint32(IPV6.VTF, ((6 << 28) | ((tclass & 0xff) << 20) | ((spec.flow ?? 0) & 0xfffff)) >>> 0);
  const plen = extLen + payload.length;
  v.setUint16(IPV6.PLEN, spec.plen ?? (plen > 0xffff ? 0 : plen));
  out[IPV6.NXT] = exts.length ? next : upperNxt;
  out[IPV6.HLIM] = spec.hlim ?? 64;
  out.set(parseIPv6(spec.src ?? '::'), IPV6.SRC);
  out.set(parseIPv6(spec.dst ?? '::'), IPV6.DST);
  let p = IPV6.HDR;
  for (const b of built) {
    out.set(b, p);
    p += b.length;
  }
  out.set(payload, p);
  return out;
}

register({
  name: 'ipv6',
  longName: 'Internet Protocol Version 6',
  bind: [
    ['ethertype', 0x86dd],
    ['linktype', 229],
    // BSD loopback AF_INET6: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.
    ['null.family', 24],
    ['null.family', 28],
    ['null.family', 30],
    ['ip.proto', 41],
  ],
  decode,
  emit,
});
