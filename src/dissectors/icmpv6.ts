/**
 * ICMPv6 (RFC 4443), Neighbor Discovery (RFC 4861: router/neighbor solicitation and
 * advertisement, redirect, and the options link-layer address, prefix information, redirected
 * header, MTU; route information RFC 4191, RDNSS RFC 8106, advertisement interval RFC 6275),
 * MLD (RFC 2710) and MLDv2 (RFC 3810), multi-part errors (RFC 4884).
 *
 * The checksum covers the IPv6 pseudo-header (RFC 4443 2.3, RFC 8200 8.1) and is verified.
 * Errors dissect the quoted IPv6 packet under a fence. Echo requests and replies are paired
 * like ICMP's (`trackEcho`).
 */
import { defineFields, FT, Base } from './fields.js';
import { concatBytes, foldChecksum, formatIPv6, formatMac, parseIPv6, sum16, toHex, u16, u32 } from './bytes.js';
import { need, Severity, type Packet } from './packet.js';
import { dissectData, register, type EmitContext, type LayerSpecOf } from './registry.js';
import { pseudoHeaderSum, pseudoHeaderSumFromSpec } from './checksum.js';
import { dissectQuoted, icmpExtensions, trackEcho } from './icmp.js';
import { F as IPV6 } from './ipv6.js';

const TYPES: Record<number, string> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem', 100: 'Private experimentation',
  101: 'Private experimentation', 127: 'Reserved for expansion of ICMPv6 error messages', 128: 'Echo (ping) request',
  129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report', 132: 'Multicast Listener Done',
  133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation', 136: 'Neighbor Advertisement',
  137: 'Redirect', 138: 'Router Renumbering', 139: 'Node Information Query', 140: 'Node Information Reply',
  141: 'Inverse Neighbor Discovery Solicitation', 142: 'Inverse Neighbor Discovery Advertisement',
  143: 'Multicast Listener Report Message v2', 144: 'Home Agent Address Discovery Request',
  145: 'Home Agent Address Discovery Reply', 146: 'Mobile Prefix Solicitation', 147: 'Mobile Prefix Advertisement',
  148: 'Certification Path Solicitation', 149: 'Certification Path Advertisement', 150: 'Experimental Mobility',
  151: 'Multicast Router Advertisement', 152: 'Multicast Router Solicitation', 153: 'Multicast Router Termination',
  154: 'FMIPv6', 155: 'RPL Control', 156: 'Locator Update', 157: 'Duplicate Address Request',
  158: 'Duplicate Address Confirmation', 159: 'MPL Control Message', 160: 'Extended Echo request', 161: 'Extended Echo reply',
  200: 'Private experimentation', 201: 'Private experimentation', 255: 'Reserved for expansion of ICMPv6 informational messages',
};
const CODES: Record<number, Record<number, string>> = {
  1: {
    0: 'no route to destination', 1: 'Administratively prohibited', 2: 'Beyond scope of source address', 3: 'Address unreachable',
    4: 'Port unreachable', 5: 'Source address failed ingress/egress policy', 6: 'Reject route to destination', 7: 'Error in Source Routing Header',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: {
    0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered',
    3: 'IPv6 First Fragment has incomplete IPv6 Header Chain',
  },
  138: { 0: 'Command', 1: 'Result', 255: 'Sequence number reset' },
  139: { 0: 'Query subject = IPv6 addresses', 1: 'Query subject = DNS name or empty', 2: 'Query subject = IPv4 addresses' },
  140: { 0: 'Successful', 1: 'Refused', 2: 'Unknown query type' },
  150: {},
  154: {},
  155: {
    0: 'DODAG Information Solicitation', 1: 'DODAG Information Object', 2: 'Destination Advertisement Object',
    3: 'Destination Advertisement Object Acknowledgment', 4: 'P2P Discovery Reply Object', 5: 'P2P Discovery Reply Object Acknowledgement',
    0x80: 'Secure DODAG Information Solicitation', 0x81: 'Secure DODAG Information Object', 0x82: 'Secure Destination Advertisement Object',
    0x83: 'Secure Destination Advertisement Object Acknowledgment', 0x8a: 'Consistency Check',
  },
  160: { 0: 'No error' },
  161: { 0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
};
const OPT_TYPES: Record<number, string> = {
  1: 'Source link-layer address', 2: 'Target link-layer address', 3: 'Prefix information', 4: 'Redirected header', 5: 'MTU',
  6: 'NBMA Shortcut Limit Option', 7: 'Advertisement Interval', 8: 'Home Agent Information', 9: 'Source Address List',
  10: 'Target Address List', 11: 'CGA', 12: 'RSA Signature', 13: 'Timestamp', 14: 'Nonce', 15: 'Trust Anchor', 16: 'Certificate',
  17: 'IP Address/Prefix Option', 18: 'New Router Prefix Information', 19: 'Link-layer Address', 20: 'Neighbor Advertisement Acknowledgment',
  23: 'MAP', 24: 'Route Information', 25: 'Recursive DNS Server', 26: 'RA Flags Extension', 27: 'Handover Key Request',
  28: 'Handover Key Reply', 29: 'Handover Assist Information', 30: 'Mobile Node Identifier Option', 31: 'DNS Search List Option',
  32: 'Proxy Signature (PS)', 33: 'Address Registration Option', 34: '6LoWPAN Context Option', 35: 'Authoritative Border Router',
  36: '6LoWPAN Capability Indication Option', 37: 'DHCP Captive-Portal', 38: 'PREF64 Option', 138: 'CARD Request', 139: 'CARD Reply',
  253: 'RFC3692-style Experiment 1', 254: 'RFC3692-style Experiment 2',
};
const PREFERENCE: Record<number, string> = { 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' };
const MLDR_TYPES: Record<number, string> = {
  1: 'Include', 2: 'Exclude', 3: 'Changed to include', 4: 'Changed to exclude', 5: 'Allow new sources', 6: 'Block old sources',
};
const CHECKSUM_STATUS = { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' };

export const F = defineFields({
  icmpv6: { abbrev: 'icmpv6', name: 'Internet Control Message Protocol v6', type: FT.PROTOCOL },
  type: { abbrev: 'icmpv6.type', name: 'Type', type: FT.UINT8, strings: TYPES },
  code: { abbrev: 'icmpv6.code', name: 'Code', type: FT.UINT8 },
  checksum: { abbrev: 'icmpv6.checksum', name: 'Checksum', type: FT.UINT16, base: Base.HEX },
  checksum_status: { abbrev: 'icmpv6.checksum.status', name: 'Checksum Status', type: FT.UINT8, generated: true, strings: CHECKSUM_STATUS },
  reserved: { abbrev: 'icmpv6.reserved', name: 'Reserved', type: FT.BYTES },
  data: { abbrev: 'icmpv6.data', name: 'Data', type: FT.BYTES },
  length: { abbrev: 'icmpv6.length', name: 'Length of original datagram', type: FT.UINT8 },
  mtu: { abbrev: 'icmpv6.mtu', name: 'MTU', type: FT.UINT32 },
  pointer: { abbrev: 'icmpv6.pointer', name: 'Pointer', type: FT.UINT32 },
  echo_identifier: { abbrev: 'icmpv6.echo.identifier', name: 'Identifier', type: FT.UINT16, base: Base.HEX },
  echo_sequence_number: { abbrev: 'icmpv6.echo.sequence_number', name: 'Sequence', type: FT.UINT16 },
  resp_in: { abbrev: 'icmpv6.resp_in', name: 'Response In', type: FT.FRAMENUM, generated: true },
  no_resp: { abbrev: 'icmpv6.no_resp', name: 'No response seen', type: FT.NONE, generated: true },
  resp_to: { abbrev: 'icmpv6.resp_to', name: 'Response To', type: FT.FRAMENUM, generated: true },
  resptime: { abbrev: 'icmpv6.resptime', name: 'Response Time', type: FT.DOUBLE, generated: true, unit: ' ms' },

  ra_cur_hop_limit: { abbrev: 'icmpv6.nd.ra.cur_hop_limit', name: 'Cur hop limit', type: FT.UINT8 },
  ra_flag: { abbrev: 'icmpv6.nd.ra.flag', name: 'Flags', type: FT.UINT8, base: Base.HEX },
  ra_flag_m: { abbrev: 'icmpv6.nd.ra.flag.m', name: 'Managed address configuration', type: FT.BOOLEAN, bits: 8, mask: 0x80 },
  ra_flag_o: { abbrev: 'icmpv6.nd.ra.flag.o', name: 'Other configuration', type: FT.BOOLEAN, bits: 8, mask: 0x40 },
  ra_flag_h: { abbrev: 'icmpv6.nd.ra.flag.h', name: 'Home Agent', type: FT.BOOLEAN, bits: 8, mask: 0x20 },
  ra_flag_prf: { abbrev: 'icmpv6.nd.ra.flag.prf', name: 'Prf (Default Router Preference)', type: FT.UINT8, bits: 8, mask: 0x18, strings: PREFERENCE },
  ra_flag_p: { abbrev: 'icmpv6.nd.ra.flag.p', name: 'Proxy', type: FT.BOOLEAN, bits: 8, mask: 0x04 },
  ra_flag_rsv: { abbrev: 'icmpv6.nd.ra.flag.rsv', name: 'Reserved', type: FT.UINT8, bits: 8, mask: 0x03 },
  ra_router_lifetime: { abbrev: 'icmpv6.nd.ra.router_lifetime', name: 'Router lifetime (s)', type: FT.UINT16 },
  ra_reachable_time: { abbrev: 'icmpv6.nd.ra.reachable_time', name: 'Reachable time (ms)', type: FT.UINT32 },
  ra_retrans_timer: { abbrev: 'icmpv6.nd.ra.retrans_timer', name: 'Retrans timer (ms)', type: FT.UINT32 },
  ns_target_address: { abbrev: 'icmpv6.nd.ns.target_address', name: 'Target Address', type: FT.IPV6 },
  na_flag: { abbrev: 'icmpv6.nd.na.flag', name: 'Flags', type: FT.UINT32, base: Base.HEX },
  na_flag_r: { abbrev: 'icmpv6.nd.na.flag.r', name: 'Router', type: FT.BOOLEAN, bits: 32, mask: 0x80000000 },
  na_flag_s: { abbrev: 'icmpv6.nd.na.flag.s', name: 'Solicited', type: FT.BOOLEAN, bits: 32, mask: 0x40000000 },
  na_flag_o: { abbrev: 'icmpv6.nd.na.flag.o', name: 'Override', type: FT.BOOLEAN, bits: 32, mask: 0x20000000 },
  na_flag_rsv: { abbrev: 'icmpv6.nd.na.flag.rsv', name: 'Reserved', type: FT.UINT32, bits: 32, mask: 0x1fffffff },
  na_target_address: { abbrev: 'icmpv6.nd.na.target_address', name: 'Target Address', type: FT.IPV6 },
  rd_target_address: { abbrev: 'icmpv6.nd.rd.target_address', name: 'Target Address', type: FT.IPV6 },
  rd_destination_address: { abbrev: 'icmpv6.rd.na.destination_address', name: 'Destination Address', type: FT.IPV6 },

  opt: { abbrev: 'icmpv6.opt', name: 'ICMPv6 Option', type: FT.NONE },
  opt_type: { abbrev: 'icmpv6.opt.type', name: 'Type', type: FT.UINT8, strings: OPT_TYPES },
  opt_length: { abbrev: 'icmpv6.opt.length', name: 'Length', type: FT.UINT8 },
  opt_reserved: { abbrev: 'icmpv6.opt.reserved', name: 'Reserved', type: FT.NONE },
  opt_padding: { abbrev: 'icmpv6.opt.padding', name: 'Padding', type: FT.NONE },
  opt_linkaddr: { abbrev: 'icmpv6.opt.linkaddr', name: 'Link-layer address', type: FT.ETHER },
  opt_src_linkaddr: { abbrev: 'icmpv6.opt.src_linkaddr', name: 'Source Link-layer address', type: FT.ETHER },
  opt_target_linkaddr: { abbrev: 'icmpv6.opt.target_linkaddr', name: 'Target Link-layer address', type: FT.ETHER },
  opt_linkaddr_eui64: { abbrev: 'icmpv6.opt.linkaddr_eui64', name: 'Link-layer address', type: FT.BYTES },
  opt_prefix_length: { abbrev: 'icmpv6.opt.prefix.length', name: 'Prefix Length', type: FT.UINT8 },
  opt_prefix_flag: { abbrev: 'icmpv6.opt.prefix.flag', name: 'Flag', type: FT.UINT8, base: Base.HEX },
  opt_prefix_flag_l: { abbrev: 'icmpv6.opt.prefix.flag.l', name: 'On-link flag(L)', type: FT.BOOLEAN, bits: 8, mask: 0x80 },
  opt_prefix_flag_a: { abbrev: 'icmpv6.opt.prefix.flag.a', name: 'Autonomous address-configuration flag(A)', type: FT.BOOLEAN, bits: 8, mask: 0x40 },
  opt_prefix_flag_r: { abbrev: 'icmpv6.opt.prefix.flag.r', name: 'Router address flag(R)', type: FT.BOOLEAN, bits: 8, mask: 0x20 },
  opt_prefix_flag_reserved: { abbrev: 'icmpv6.opt.prefix.flag.reserved', name: 'Reserved', type: FT.UINT8, bits: 8, mask: 0x1f },
  opt_prefix_valid_lifetime: { abbrev: 'icmpv6.opt.prefix.valid_lifetime', name: 'Valid Lifetime', type: FT.UINT32 },
  opt_prefix_preferred_lifetime: { abbrev: 'icmpv6.opt.prefix.preferred_lifetime', name: 'Preferred Lifetime', type: FT.UINT32 },
  opt_prefix: { abbrev: 'icmpv6.opt.prefix', name: 'Prefix', type: FT.IPV6 },
  opt_redirected_packet: { abbrev: 'icmpv6.opt.redirected_packet', name: 'Redirected Packet', type: FT.NONE },
  opt_mtu: { abbrev: 'icmpv6.opt.mtu', name: 'MTU', type: FT.UINT32 },
  opt_advertisement_interval: { abbrev: 'icmpv6.opt.advertisement_interval', name: 'Advertisement Interval', type: FT.UINT32 },
  opt_route_info_flag: { abbrev: 'icmpv6.opt.route_info.flag', name: 'Flag', type: FT.UINT8, base: Base.HEX },
  opt_route_preference: { abbrev: 'icmpv6.opt.route_info.flag.route_preference', name: 'Route Preference', type: FT.UINT8, bits: 8, mask: 0x18, strings: PREFERENCE },
  opt_route_lifetime: { abbrev: 'icmpv6.opt.route_lifetime', name: 'Route Lifetime', type: FT.UINT32 },
  opt_rdnss_lifetime: { abbrev: 'icmpv6.opt.rdnss.lifetime', name: 'Lifetime', type: FT.UINT32 },
  opt_rdnss: { abbrev: 'icmpv6.opt.rdnss', name: 'Recursive DNS Servers', type: FT.IPV6 },
  opt_home_agent_preference: { abbrev: 'icmpv6.opt.home_agent_preference', name: 'Home Agent Preference', type: FT.UINT16 },
  // Wireshark 4.0 labels the lifetime "Home Agent Preference" too.
  opt_home_agent_lifetime: { abbrev: 'icmpv6.opt.home_agent_lifetime', name: 'Home Agent Preference', type: FT.UINT16 },
  opt_dnssl_lifetime: { abbrev: 'icmpv6.opt.dnssl.lifetime', name: 'Lifetime', type: FT.UINT32 },
  opt_dnssl: { abbrev: 'icmpv6.opt.dnssl', name: 'Domain Names', type: FT.STRING },
  opt_nonce: { abbrev: 'icmpv6.opt.nonce', name: 'Nonce', type: FT.BYTES },

  mld_maximum_response_delay: { abbrev: 'icmpv6.mld.maximum_response_delay', name: 'Maximum Response Delay [ms]', type: FT.UINT16 },
  mld_maximum_response_code: { abbrev: 'icmpv6.mld.maximum_response_code', name: 'Maximum Response Code', type: FT.UINT16 },
  mld_multicast_address: { abbrev: 'icmpv6.mld.multicast_address', name: 'Multicast Address', type: FT.IPV6 },
  mld_flag: { abbrev: 'icmpv6.mld.flag', name: 'Flags', type: FT.UINT8, base: Base.HEX },
  mld_flag_s: { abbrev: 'icmpv6.mld.flag.s', name: 'Suppress Router-Side Processing', type: FT.BOOLEAN, bits: 8, mask: 0x08, tf: ['True', 'False'] },
  mld_flag_qrv: { abbrev: 'icmpv6.mld.flag.qrv', name: "QRV (Querier's Robustness Variable)", type: FT.UINT8, bits: 8, mask: 0x07 },
  mld_flag_reserved: { abbrev: 'icmpv6.mld.flag.reserved', name: 'Reserved', type: FT.UINT8, bits: 8, mask: 0xf0 },
  mld_qqi: { abbrev: 'icmpv6.mld.qqi', name: "QQIC (Querier's Query Interval Code)", type: FT.UINT8 },
  mld_nb_sources: { abbrev: 'icmpv6.mld.nb_sources', name: 'Number of Sources', type: FT.UINT16 },
  mld_source_address: { abbrev: 'icmpv6.mld.source_address', name: 'Source Address', type: FT.IPV6 },
  mldr_nb_mcast_records: { abbrev: 'icmpv6.mldr.nb_mcast_records', name: 'Number of Multicast Address Records', type: FT.UINT16 },
  mldr_mar: { abbrev: 'icmpv6.mldr.mar', name: 'Multicast Address Record', type: FT.NONE },
  mldr_mar_record_type: { abbrev: 'icmpv6.mldr.mar.record_type', name: 'Record Type', type: FT.UINT8, strings: MLDR_TYPES },
  mldr_mar_aux_data_len: { abbrev: 'icmpv6.mldr.mar.aux_data_len', name: 'Aux Data Len', type: FT.UINT8 },
  mldr_mar_nb_sources: { abbrev: 'icmpv6.mldr.mar.nb_sources', name: 'Number of Sources', type: FT.UINT16 },
  mldr_mar_multicast_address: { abbrev: 'icmpv6.mldr.mar.multicast_address', name: 'Multicast Address', type: FT.IPV6 },
  mldr_mar_source_address: { abbrev: 'icmpv6.mldr.mar.source_address', name: 'Source Address', type: FT.IPV6 },
  mldr_mar_auxiliary_data: { abbrev: 'icmpv6.mldr.mar.auxiliary_data', name: 'Auxiliary Data', type: FT.BYTES },
});

function typeName(type: number): string {
  return TYPES[type] ?? `Unknown (${type})`;
}

function codeName(type: number, code: number): string | undefined {
  const t = CODES[type];
  if (!t) return undefined;
  return t[code] ?? (type === 1 ? 'Unknown' : `Unknown (${code})`);
}

/** An IPv6 address as an 8-character string (one char per 16-bit group): a cheap exact map key. */
function addrKey(b: Uint8Array, o: number): string {
  return String.fromCharCode(u16(b, o), u16(b, o + 2), u16(b, o + 4), u16(b, o + 6), u16(b, o + 8), u16(b, o + 10), u16(b, o + 12), u16(b, o + 14));
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const cols = pkt.wantColumns && pkt.fence === 0;
  const top = pkt.addProtocol(F.icmpv6, 'icmpv6', off, Math.max(0, end - off), parent);
  pkt.setProtocol('ICMPv6');
  pkt.setInfo('');
  if (!need(pkt, off, 4, end, rep, top, 'ICMPv6')) return;
  const type = d[off]!;
  const code = d[off + 1]!;
  let info = '';
  const ti = pkt.add(F.type, off, 1, top, type);
  const ci = pkt.add(F.code, off + 1, 1, top, code);
  if (pkt.wantColumns) {
    const c = codeName(type, code);
    if (TYPES[type] === undefined) pkt.setLabel(ti, `Type: Unknown (${type})`);
    if (c !== undefined) pkt.setLabel(ci, `Code: ${code} (${c})`);
    if (cols) {
      info = typeName(type) + (c === undefined ? '' : ` (${c})`);
      pkt.setInfo(info);
    }
  }
  const ck = u16(d, off + 2);
  const cki = pkt.add(F.checksum, off + 2, 2, top, ck);
  const ckText = pkt.wantColumns ? `Checksum: 0x${ck.toString(16).padStart(4, '0')}` : '';
  const fragmented = pkt.ipVersion === 6 && pkt.ipHdr === d && pkt.ipFragmented;
  if (pkt.fence === 0 && end >= rep && pkt.ipVersion === 6 && !fragmented) {
    const sum = pseudoHeaderSum(pkt, 58, rep - off) + sum16(d, off, rep - off);
    if (foldChecksum(sum) === 0) {
      pkt.add(F.checksum_status, off + 2, 0, cki, 1);
      if (pkt.wantColumns) pkt.setLabel(cki, `${ckText} [correct]`);
    } else {
      pkt.add(F.checksum_status, off + 2, 0, cki, 0);
      const should = `0x${foldChecksum(sum - ck).toString(16).padStart(4, '0')}`;
      if (pkt.wantColumns) pkt.setLabel(cki, `${ckText} incorrect, should be ${should}`);
      pkt.addExpert(cki, Severity.Warn, 'Checksum', 'icmpv6.checksum_bad.expert', `Bad checksum [should be ${should}]`);
    }
  } else {
    pkt.add(F.checksum_status, off + 2, 0, cki, 2);
    if (pkt.wantColumns) pkt.setLabel(cki, `${ckText} [unverified] [${pkt.fence > 0 ? 'in ICMP error packet' : fragmented ? 'fragmented datagram' : 'captured length < reported length'}]`);
  }

  const body = off + 4;
  switch (type) {
    case 1:
    case 3: {
      if (!need(pkt, body, 4, end, rep, top, 'ICMPv6')) break;
      const len8 = d[body]!; // RFC 4884: length of the original datagram in 64-bit words
      if (len8 > 0) {
        pkt.add(F.length, body, 1, top, len8);
        pkt.add(F.reserved, body + 1, 3, top);
      } else pkt.add(F.reserved, body, 4, top);
      quote(pkt, off + 8, end, rep, top, len8 * 8);
      break;
    }
    case 2:
      if (!need(pkt, body, 4, end, rep, top, 'ICMPv6')) break;
      pkt.add(F.mtu, body, 4, top, u32(d, body));
      quote(pkt, off + 8, end, rep, top, 0);
      break;
    case 4:
      if (!need(pkt, body, 4, end, rep, top, 'ICMPv6')) break;
      pkt.add(F.pointer, body, 4, top, u32(d, body));
      quote(pkt, off + 8, end, rep, top, 0);
      break;
    case 128:
    case 129: {
      if (!need(pkt, body, 4, end, rep, top, 'ICMPv6 echo')) break;
      const id = u16(d, body);
      const seq = u16(d, body + 2);
      pkt.add(F.echo_identifier, body, 2, top, id);
      pkt.add(F.echo_sequence_number, body + 2, 2, top, seq);
      if (cols) {
        info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}`;
        const hl = pkt.ipHopLimit;
        if (hl >= 0) info += `, hop limit=${hl}`;
      }
      if (pkt.fence === 0 && pkt.ipVersion === 6) {
        const h = pkt.ipHdr;
        const a = addrKey(h, pkt.ipSrcOff);
        const b = addrKey(h, pkt.ipDstOff);
        // The request's checksum adjusted by the type difference (129 - 128 in the first word)
        // equals the reply's when the rest of the message is echoed unchanged.
        const k0 = type === 128 ? foldChecksum((~ck & 0xffff) + 0x0100) : ck === 0xffff ? 0 : ck;
        const key = `${a < b ? a : b}-${a < b ? b : a}-${k0}-${u32(d, body)}`;
        const notUnicast = type === 128 && h[pkt.ipDstOff] === 0xff ? ' (multicast)' : '';
        info += trackEcho(pkt, 'icmpv6', F, top, type === 128, key, notUnicast, `No response seen to ICMPv6 request in frame ${pkt.frame.number}`);
      }
      if (body + 4 < end) dissectData(pkt, body + 4, end, rep, top);
      break;
    }
    case 130:
    case 131:
    case 132: {
      if (!need(pkt, body, 20, end, rep, top, 'MLD')) break;
      const v2 = type === 130 && rep - off >= 28;
      pkt.add(v2 ? F.mld_maximum_response_code : F.mld_maximum_response_delay, body, 2, top, u16(d, body));
      pkt.add(F.reserved, body + 2, 2, top);
      pkt.add(F.mld_multicast_address, body + 4, 16, top);
      if (!v2 || !need(pkt, body + 20, 4, end, rep, top, 'MLDv2 query')) break;
      const fl = d[body + 20]!;
      const fi = pkt.add(F.mld_flag, body + 20, 1, top, fl);
      pkt.add(F.mld_flag_s, body + 20, 1, fi, (fl >> 3) & 1);
      pkt.add(F.mld_flag_qrv, body + 20, 1, fi, fl & 7);
      pkt.add(F.mld_flag_reserved, body + 20, 1, fi, fl >> 4);
      if (pkt.wantColumns) pkt.setLabel(fi, `Flags: 0x${fl.toString(16).padStart(2, '0')}${fl & 8 ? ', Suppress Router-Side Processing' : ''}`);
      pkt.add(F.mld_qqi, body + 21, 1, top, d[body + 21]!);
      const n = u16(d, body + 22);
      pkt.add(F.mld_nb_sources, body + 22, 2, top, n);
      for (let i = 0, p = body + 24; i < n; i++, p += 16) {
        if (!need(pkt, p, 16, end, rep, top, 'MLDv2 query')) break;
        pkt.add(F.mld_source_address, p, 16, top);
      }
      break;
    }
    case 143:
      mldv2Report(pkt, body, end, rep, top);
      break;
    case 133:
      if (!need(pkt, body, 4, end, rep, top, 'ICMPv6 router solicitation')) break;
      pkt.add(F.reserved, body, 4, top);
      info += options(pkt, body + 4, end, rep, top);
      break;
    case 134: {
      if (!need(pkt, body, 12, end, rep, top, 'ICMPv6 router advertisement')) break;
      pkt.add(F.ra_cur_hop_limit, body, 1, top, d[body]!);
      const fl = d[body + 1]!;
      const fi = pkt.add(F.ra_flag, body + 1, 1, top, fl);
      pkt.add(F.ra_flag_m, body + 1, 1, fi, fl >> 7);
      pkt.add(F.ra_flag_o, body + 1, 1, fi, (fl >> 6) & 1);
      pkt.add(F.ra_flag_h, body + 1, 1, fi, (fl >> 5) & 1);
      pkt.add(F.ra_flag_prf, body + 1, 1, fi, (fl >> 3) & 3);
      pkt.add(F.ra_flag_p, body + 1, 1, fi, (fl >> 2) & 1);
      pkt.add(F.ra_flag_rsv, body + 1, 1, fi, fl & 3);
      if (pkt.wantColumns) {
        pkt.setLabel(
          fi,
          `Flags: 0x${fl.toString(16).padStart(2, '0')}${fl & 0x80 ? ', Managed address configuration' : ''}${fl & 0x40 ? ', Other configuration' : ''}` +
            `${fl & 0x20 ? ', Home Agent' : ''}, Prf (Default Router Preference): ${PREFERENCE[(fl >> 3) & 3]}${fl & 4 ? ', Proxy' : ''}`,
        );
      }
      pkt.add(F.ra_router_lifetime, body + 2, 2, top, u16(d, body + 2));
      pkt.add(F.ra_reachable_time, body + 4, 4, top, u32(d, body + 4));
      pkt.add(F.ra_retrans_timer, body + 8, 4, top, u32(d, body + 8));
      info += options(pkt, body + 12, end, rep, top);
      break;
    }
    case 135:
      if (!need(pkt, body, 20, end, rep, top, 'ICMPv6 neighbor solicitation')) break;
      pkt.add(F.reserved, body, 4, top);
      pkt.add(F.ns_target_address, body + 4, 16, top);
      if (cols) info += ` for ${formatIPv6(d, body + 4)}`;
      info += options(pkt, body + 20, end, rep, top);
      break;
    case 136: {
      if (!need(pkt, body, 20, end, rep, top, 'ICMPv6 neighbor advertisement')) break;
      const fl = u32(d, body);
      const fi = pkt.add(F.na_flag, body, 4, top, fl);
      pkt.add(F.na_flag_r, body, 4, fi, fl >>> 31);
      pkt.add(F.na_flag_s, body, 4, fi, (fl >>> 30) & 1);
      pkt.add(F.na_flag_o, body, 4, fi, (fl >>> 29) & 1);
      pkt.add(F.na_flag_rsv, body, 4, fi, fl & 0x1fffffff);
      pkt.add(F.na_target_address, body + 4, 16, top);
      if (pkt.wantColumns) {
        const names = `${fl & 0x80000000 ? 'rtr, ' : ''}${fl & 0x40000000 ? 'sol, ' : ''}${fl & 0x20000000 ? 'ovr, ' : ''}`.slice(0, -2);
        pkt.setLabel(fi, `Flags: 0x${fl.toString(16).padStart(8, '0')}${names ? ', ' : ''}${names.replace('rtr', 'Router').replace('sol', 'Solicited').replace('ovr', 'Override')}`);
        if (cols) info += ` ${formatIPv6(d, body + 4)} (${names || 'none'})`;
      }
      info += options(pkt, body + 20, end, rep, top);
      break;
    }
    case 137:
      if (!need(pkt, body, 36, end, rep, top, 'ICMPv6 redirect')) break;
      pkt.add(F.reserved, body, 4, top);
      pkt.add(F.rd_target_address, body + 4, 16, top);
      pkt.add(F.rd_destination_address, body + 20, 16, top);
      info += options(pkt, body + 36, end, rep, top);
      break;
    default:
      // Not decoded here: kept as bytes. Wireshark says so for types it does not know either.
      if (TYPES[type] === undefined) {
        pkt.addExpert(top, Severity.Note, 'Undecoded', 'icmpv6.undecoded.type', `Dissector for ICMPv6 Type (${type}) code not implemented, Contact Wireshark developers if you want this supported`);
      }
      if (body < end) pkt.add(F.data, body, end - body, top);
  }
  if (cols) pkt.setInfo(info);
}

/** The quoted packet of an error, dissected by the IPv6 dissector under a fence. */
function quote(pkt: Packet, q: number, end: number, rep: number, top: number, origLen: number): void {
  if (q >= end) return;
  const d = pkt.data;
  let qEnd = end;
  let qRep = rep;
  let ext = -1;
  if (origLen > 0 && q + origLen < rep) {
    // RFC 4884: the original datagram, then extension objects.
    qRep = q + origLen;
    qEnd = Math.min(end, qRep);
    ext = qRep;
  }
  // The quote is usually cut short: the inner packet's own length is its reported length.
  if (q + 6 <= qEnd && d[q]! >> 4 === 6) qRep = Math.max(qRep, q + 40 + u16(d, q + 4));
  dissectQuoted(pkt, 'ipv6', q, qEnd, qRep, top);
  if (ext >= 0 && ext < end) icmpExtensions(pkt, ext, end, rep, top);
}

function mldv2Report(pkt: Packet, body: number, end: number, rep: number, top: number): void {
  const d = pkt.data;
  if (!need(pkt, body, 4, end, rep, top, 'MLDv2 report')) return;
  pkt.add(F.reserved, body, 2, top);
  const n = u16(d, body + 2);
  pkt.add(F.mldr_nb_mcast_records, body + 2, 2, top, n);
  let p = body + 4;
  for (let i = 0; i < n; i++) {
    if (!need(pkt, p, 20, end, rep, top, 'MLDv2 multicast address record')) return;
    const rt = d[p]!;
    const aux = d[p + 1]! * 4;
    const ns = u16(d, p + 2);
    const len = 20 + ns * 16 + aux;
    const r = pkt.add(F.mldr_mar, p, Math.min(len, end - p), top);
    if (pkt.wantColumns) pkt.setLabel(r, `Multicast Address Record ${MLDR_TYPES[rt] ?? `Unknown (${rt})`}: ${formatIPv6(d, p + 4)}`);
    pkt.add(F.mldr_mar_record_type, p, 1, r, rt);
    pkt.add(F.mldr_mar_aux_data_len, p + 1, 1, r, d[p + 1]!);
    pkt.add(F.mldr_mar_nb_sources, p + 2, 2, r, ns);
    pkt.add(F.mldr_mar_multicast_address, p + 4, 16, r);
    if (!need(pkt, p, len, end, rep, r, 'MLDv2 multicast address record')) return;
    for (let s = 0; s < ns; s++) pkt.add(F.mldr_mar_source_address, p + 20 + 16 * s, 16, r);
    if (aux) pkt.add(F.mldr_mar_auxiliary_data, p + 20 + 16 * ns, aux, r);
    p += len;
  }
}

/**
 * Neighbor Discovery options (RFC 4861 4.6) from `p` to the end of the message. Returns what the
 * link-layer address options add to the Info column (` from …`, ` is at …`).
 */
function options(pkt: Packet, p: number, end: number, rep: number, parent: number): string {
  const d = pkt.data;
  const cols = pkt.wantColumns;
  let info = '';
  while (p < rep) {
    if (!need(pkt, p, 2, end, rep, parent, 'ICMPv6 option')) return info;
    const t = d[p]!;
    const l8 = d[p + 1]!;
    const l = l8 * 8;
    const o = pkt.add(F.opt, p, Math.min(Math.max(l, 2), end - p), parent);
    const name = OPT_TYPES[t];
    if (cols) pkt.setLabel(o, `ICMPv6 Option (${name ?? `Unknown ${t}`})`);
    pkt.add(F.opt_type, p, 1, o, t);
    const li = pkt.add(F.opt_length, p + 1, 1, o, l8);
    if (cols) pkt.setLabel(li, `Length: ${l8} (${l} bytes)`);
    if (l === 0) {
      pkt.addExpert(li, Severity.Error, 'Malformed', 'icmpv6.invalid_option_length', 'Invalid option length (Zero)');
      return info;
    }
    if (p + l > rep) {
      pkt.markMalformed(o, `Malformed Packet (ICMPv6 option: length ${l} exceeds the message (${rep - p} bytes))`);
      return info;
    }
    if (!need(pkt, p, l, end, rep, o, 'ICMPv6 option')) return info;
    const b = p + 2;
    switch (t) {
      case 1:
      case 2: {
        if (l - 2 === 6) {
          pkt.add(F.opt_linkaddr, b, 6, o);
          pkt.hide(pkt.add(t === 1 ? F.opt_src_linkaddr : F.opt_target_linkaddr, b, 6, o));
          if (cols) {
            const mac = formatMac(d, b);
            pkt.setLabel(o, `ICMPv6 Option (${name} : ${mac})`);
            info += t === 1 ? ` from ${mac}` : ` is at ${mac}`;
          }
        } else if (l - 2 === 14) {
          // 16-byte option: an EUI-64 link-layer address (e.g. IEEE 802.15.4).
          const eui = toHex(d, b, 8, ':');
          pkt.add(F.opt_linkaddr_eui64, b, 8, o, 0, eui);
          if (cols) info += t === 1 ? ` from ${eui}` : ` is at ${eui}`;
        } else pkt.add(F.data, b, l - 2, o);
        break;
      }
      case 3: {
        if (l !== 32) {
          pkt.add(F.data, b, l - 2, o);
          break;
        }
        const plen = d[b]!;
        const fl = d[b + 1]!;
        pkt.add(F.opt_prefix_length, b, 1, o, plen);
        const fi = pkt.add(F.opt_prefix_flag, b + 1, 1, o, fl);
        pkt.add(F.opt_prefix_flag_l, b + 1, 1, fi, fl >> 7);
        pkt.add(F.opt_prefix_flag_a, b + 1, 1, fi, (fl >> 6) & 1);
        pkt.add(F.opt_prefix_flag_r, b + 1, 1, fi, (fl >> 5) & 1);
        pkt.add(F.opt_prefix_flag_reserved, b + 1, 1, fi, fl & 0x1f);
        pkt.add(F.opt_prefix_valid_lifetime, b + 2, 4, o, u32(d, b + 2));
        pkt.add(F.opt_prefix_preferred_lifetime, b + 6, 4, o, u32(d, b + 6));
        pkt.add(F.opt_reserved, b + 10, 4, o);
        pkt.add(F.opt_prefix, b + 14, 16, o);
        if (cols) {
          pkt.setLabel(o, `ICMPv6 Option (Prefix information : ${formatIPv6(d, b + 14)}/${plen})`);
          pkt.setLabel(fi, `Flag: 0x${fl.toString(16).padStart(2, '0')}${fl & 0x80 ? ', On-link flag(L)' : ''}${fl & 0x40 ? ', Autonomous address-configuration flag(A)' : ''}${fl & 0x20 ? ', Router address flag(R)' : ''}`);
        }
        break;
      }
      case 4: {
        pkt.add(F.opt_reserved, b, 6, o);
        const rp = pkt.add(F.opt_redirected_packet, b + 6, l - 8, o);
        if (l > 8) dissectQuoted(pkt, 'ipv6', b + 6, p + l, p + l, rp);
        break;
      }
      case 5:
        if (l !== 8) {
          pkt.add(F.data, b, l - 2, o);
          break;
        }
        pkt.add(F.opt_reserved, b, 2, o);
        pkt.add(F.opt_mtu, b + 2, 4, o, u32(d, b + 2));
        if (cols) pkt.setLabel(o, `ICMPv6 Option (MTU : ${u32(d, b + 2)})`);
        break;
      case 7:
        if (l !== 8) {
          pkt.add(F.data, b, l - 2, o);
          break;
        }
        pkt.add(F.opt_reserved, b, 2, o);
        pkt.add(F.opt_advertisement_interval, b + 2, 4, o, u32(d, b + 2));
        if (cols) pkt.setLabel(o, `ICMPv6 Option (Advertisement Interval : ${u32(d, b + 2)})`);
        break;
      case 14:
        pkt.add(F.opt_nonce, b, l - 2, o);
        break;
      case 24: {
        const plen = d[b]!;
        const fl = d[b + 1]!;
        pkt.add(F.opt_prefix_length, b, 1, o, plen);
        const fi = pkt.add(F.opt_route_info_flag, b + 1, 1, o, fl);
        pkt.add(F.opt_route_preference, b + 1, 1, fi, (fl >> 3) & 3);
        pkt.add(F.opt_route_lifetime, b + 2, 4, o, u32(d, b + 2));
        if (l > 8) {
          pkt.add(F.opt_prefix, b + 6, Math.min(16, l - 8), o, 0, routePrefix(d, b + 6, Math.min(16, l - 8)));
          if (cols) pkt.setLabel(o, `ICMPv6 Option (Route Information : ${PREFERENCE[(fl >> 3) & 3]} ${formatIPv6(routePrefix(d, b + 6, Math.min(16, l - 8)), 0)}/${plen})`);
        }
        break;
      }
      case 25: {
        pkt.add(F.opt_reserved, b, 2, o);
        pkt.add(F.opt_rdnss_lifetime, b + 2, 4, o, u32(d, b + 2));
        let label = 'ICMPv6 Option (Recursive DNS Server';
        for (let a = b + 6; a + 16 <= p + l; a += 16) {
          pkt.add(F.opt_rdnss, a, 16, o);
          if (cols) label += ` ${formatIPv6(d, a)}`;
        }
        if (cols) pkt.setLabel(o, `${label})`);
        break;
      }
      case 8: {
        // Home Agent Information (RFC 6275 7.4): reserved, preference, lifetime.
        if (l !== 8) {
          pkt.add(F.data, b, l - 2, o);
          break;
        }
        pkt.add(F.opt_reserved, b, 2, o);
        pkt.add(F.opt_home_agent_preference, b + 2, 2, o, u16(d, b + 2));
        pkt.add(F.opt_home_agent_lifetime, b + 4, 2, o, u16(d, b + 4));
        break;
      }
      case 31: {
        // DNS Search List (RFC 8106 5.2): names in DNS label form, then zero padding.
        pkt.add(F.opt_reserved, b, 2, o);
        pkt.add(F.opt_dnssl_lifetime, b + 2, 4, o, u32(d, b + 2));
        let label = 'ICMPv6 Option (DNS Search List Option';
        const optEnd = p + l;
        let q = b + 6;
        while (q < optEnd) {
          if (d[q] === 0) {
            pkt.add(F.opt_padding, q, optEnd - q, o);
            break;
          }
          const start = q;
          const parts: string[] = [];
          while (q < optEnd && d[q] !== 0 && q + 1 + d[q]! <= optEnd) {
            parts.push(String.fromCharCode(...d.subarray(q + 1, q + 1 + d[q]!)));
            q += 1 + d[q]!;
          }
          if (q >= optEnd || d[q] !== 0) break;
          q++;
          const nm = parts.join('.');
          pkt.add(F.opt_dnssl, start, q - start, o, 0, nm);
          if (cols) label += ` ${nm}`;
        }
        if (cols) pkt.setLabel(o, `${label})`);
        break;
      }
      default:
        if (name === undefined) {
          pkt.addExpert(o, Severity.Note, 'Undecoded', 'icmpv6.undecoded.option', `Dissector for ICMPv6 Option (${t}) code not implemented, Contact Wireshark developers if you want this supported`);
        }
        if (l > 2) pkt.add(F.data, b, l - 2, o);
    }
    p += l;
  }
  return info;
}

/** A route information prefix of 0, 8 or 16 bytes, as 16 bytes. */
function routePrefix(d: Uint8Array, off: number, len: number): Uint8Array {
  const out = new Uint8Array(16);
  out.set(d.subarray(off, off + len));
  return out;
}

// --- building

function bytesOf(x: Uint8Array | string | undefined): Uint8Array {
  if (x === undefined) return new Uint8Array(0);
  if (typeof x === 'string') return new TextEncoder().encode(x);
  return x;
}

/** Offsets in the ICMPv6 header (RFC 4443 2.1), for decode and emit. */
export const ICMPV6 = { TYPE: 0, CODE: 1, CSUM: 2, BODY: 4, ID: 4, SEQ: 6, MTU: 4, HDR: 8 } as const;

/** `buildPacket`'s ICMPv6 message; the following layers are the echo data or the quoted packet. */
export interface Icmpv6Spec {
  /** Type (128, echo request) and code (0). */
  type?: number;
  code?: number;
  /** Echo: identifier, sequence number, data before the payload. */
  id?: number;
  seq?: number;
  data?: Uint8Array | string;
  /** Packet too big (2): the MTU (1280). */
  mtu?: number;
  /** Parameter problem (4). */
  pointer?: number;
  /** Neighbour discovery: target and (redirect) destination addresses, raw option bytes. */
  target?: string;
  destination?: string;
  options?: Uint8Array | string;
  /** Router advertisement: the flags byte; neighbour advertisement: R, S, O. */
  flags?: number;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  curHopLimit?: number;
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  /** Raw bytes after the 4-byte header, replacing the type-specific part. */
  body?: Uint8Array | string;
  checksum?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    icmpv6: Icmpv6Spec;
  }
}

/**
 * Builds an ICMPv6 message around `payload` (echo data or the packet an error quotes).
 * Spec: type (128), code (0), id/seq (echo), mtu (2), pointer (4), target/destination (ND),
 * flags (RA: byte, NA: R/S/O as router/solicited/override booleans), curHopLimit, routerLifetime,
 * reachableTime, retransTimer (RA), options (raw option bytes), body (raw bytes after the
 * 4-byte header, replacing the type-specific part), checksum (computed over the pseudo-header of
 * the enclosing `ipv6` layer).
 */
function emit(spec: LayerSpecOf<'icmpv6'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const type = spec.type ?? 128;
  const code = spec.code ?? 0;
  let head: Uint8Array;
  if (spec.body !== undefined) head = bytesOf(spec.body);
  else {
    const opts = bytesOf(spec.options);
    const addr = (k: 'target' | 'destination') => parseIPv6(spec[k] ?? '::');
    switch (type) {
      case 1: case 3: head = new Uint8Array(4); break;
      case 2: head = u32b(spec.mtu ?? 1280); break;
      case 4: head = u32b(spec.pointer ?? 0); break;
      case 128:
      case 129:
        head = Uint8Array.of(0, 0, 0, 0);
        new DataView(head.buffer).setUint16(0, spec.id ?? 0);
        new DataView(head.buffer).setUint16(2, spec.seq ?? 0);
        head = concatBytes(head, bytesOf(spec.data));
        break;
      case 133: head = concatBytes(new Uint8Array(4), opts); break;
      case 134: {
        const h = new Uint8Array(12);
        const v = new DataView(h.buffer);
        h[0] = spec.curHopLimit ?? 64;
        h[1] = spec.flags ?? 0;
        v.setUint16(2, spec.routerLifetime ?? 1800);
        v.setUint32(4, spec.reachableTime ?? 0);
        v.setUint32(8, spec.retransTimer ?? 0);
        head = concatBytes(h, opts);
        break;
      }
      case 135: head = concatBytes(new Uint8Array(4), addr('target'), opts); break;
      case 136: {
        const f = (spec.router ? 0x80 : 0) | (spec.solicited ? 0x40 : 0) | (spec.override ? 0x20 : 0);
        head = concatBytes(Uint8Array.of(f, 0, 0, 0), addr('target'), opts);
        break;
      }
      case 137: head = concatBytes(new Uint8Array(4), addr('target'), addr('destination'), opts); break;
      default: head = new Uint8Array(4);
    }
  }
  const out = concatBytes(Uint8Array.of(type, code, 0, 0), head, payload);
  let ck = spec.checksum;
  if (ck === undefined) {
    const acc = pseudoHeaderSumFromSpec(ctx, 58, out.length);
    ck = foldChecksum((acc ?? 0) + sum16(out, 0, out.length));
  }
  out[2] = ck >> 8;
  out[3] = ck & 0xff;
  return out;
}

function u32b(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
}

/** An ND link-layer address option (type 1 source, 2 target) for `options` in a build spec. */
export function linkAddrOption(type: 1 | 2, mac: string): Uint8Array {
  return Uint8Array.of(type, 1, ...mac.split(':').map((h) => parseInt(h, 16)));
}

register({
  name: 'icmpv6',
  longName: 'Internet Control Message Protocol v6',
  bind: [['ip.proto', 58]],
  decode,
  emit,
});
