/**
 * IPv4 (RFC 791; DSCP RFC 2474, ECN RFC 3168; options RFC 791 3.1). Header checksum verified
 * (RFC 1071). Fragments are reassembled (src, dst, protocol, id) and the datagram is dissected in
 * the frame that completes it, as tshark does; other fragments show "Fragmented IP protocol".
 */
import { DSCP, ECN, ECN_SHORT, dscpShort } from './diffserv.js';
import { defineFields, fieldById, FT, Base } from './fields.js';
import { foldChecksum, formatIPv4, parseIPv4, sum16, u16, u32 } from './bytes.js';
import { annotate, annotation, fieldGroup, need, Severity, type Packet } from './packet.js';
import { dissectData, register, selectorFor, type EmitContext, type LayerSpecOf, dispatchIn, dispatchTable } from './registry.js';
import { addFragment, showReassembled } from './ip-reassembly.js';
import { namedAddress } from './names.js';

/** The table of the protocol after this one (looked up once). */
const IP_PROTO = dispatchTable('ip.proto');

export const IP_PROTOS: Record<number, string> = {
  0: 'IPv6 Hop-by-Hop Option',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'IPv6 Routing',
  44: 'IPv6 Fragment',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'IPv6 No Next Header',
  60: 'IPv6 Destination Options',
  89: 'OSPF IGP',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
  136: 'UDPLite',
};

const OPT_TYPES: Record<number, string> = {
  0: 'End of Options List (EOL)', 1: 'No-Operation (NOP)', 7: 'Record Route', 68: 'Time Stamp', 130: 'Security',
  131: 'Loose Source Route', 133: 'Extended Security', 136: 'Stream Identifier', 137: 'Strict Source Route',
  148: 'Router Alert', 82: 'Traceroute', 25: 'Quick-Start', 134: 'Commercial IP Security Option',
};

export const F = defineFields({
  ip: { abbrev: 'ip', name: 'Internet Protocol Version 4', type: FT.PROTOCOL },
  version: { abbrev: 'ip.version', name: 'Version', type: FT.UINT8, bits: 8, mask: 0xf0 },
  hdr_len: { abbrev: 'ip.hdr_len', name: 'Header Length', type: FT.UINT8, bits: 8, mask: 0x0f, unit: ' bytes' },
  dsfield: { abbrev: 'ip.dsfield', name: 'Differentiated Services Field', type: FT.UINT8, base: Base.HEX },
  dscp: { abbrev: 'ip.dsfield.dscp', name: 'Differentiated Services Codepoint', type: FT.UINT8, bits: 8, mask: 0xfc, strings: DSCP },
  ecn: { abbrev: 'ip.dsfield.ecn', name: 'Explicit Congestion Notification', type: FT.UINT8, bits: 8, mask: 0x03, strings: ECN },
  len: { abbrev: 'ip.len', name: 'Total Length', type: FT.UINT16 },
  id: { abbrev: 'ip.id', name: 'Identification', type: FT.UINT16, base: Base.HEX_DEC },
  flags: { abbrev: 'ip.flags', name: 'Flags', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0xe0 },
  rb: { abbrev: 'ip.flags.rb', name: 'Reserved bit', type: FT.BOOLEAN, bits: 8, mask: 0x80 },
  df: { abbrev: 'ip.flags.df', name: "Don't fragment", type: FT.BOOLEAN, bits: 8, mask: 0x40 },
  mf: { abbrev: 'ip.flags.mf', name: 'More fragments', type: FT.BOOLEAN, bits: 8, mask: 0x20 },
  frag_offset: { abbrev: 'ip.frag_offset', name: 'Fragment Offset', type: FT.UINT16, bits: 16, mask: 0x1fff },
  ttl: { abbrev: 'ip.ttl', name: 'Time to Live', type: FT.UINT8 },
  proto: { abbrev: 'ip.proto', name: 'Protocol', type: FT.UINT8, strings: IP_PROTOS },
  checksum: { abbrev: 'ip.checksum', name: 'Header Checksum', type: FT.UINT16, base: Base.HEX },
  checksum_calculated: { abbrev: 'ip.checksum_calculated', name: 'Calculated Checksum', type: FT.UINT16, base: Base.HEX, generated: true },
  checksum_status: { abbrev: 'ip.checksum.status', name: 'Header checksum status', type: FT.UINT8, generated: true, strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } },
  src: { abbrev: 'ip.src', name: 'Source Address', type: FT.IPV4 },
  dst: { abbrev: 'ip.dst', name: 'Destination Address', type: FT.IPV4 },
  cur_rt: { abbrev: 'ip.cur_rt', name: 'Current Route', type: FT.IPV4 },
  addr: { abbrev: 'ip.addr', name: 'Source or Destination Address', type: FT.IPV4 },
  src_host: { abbrev: 'ip.src_host', name: 'Source Host', type: FT.STRING },
  dst_host: { abbrev: 'ip.dst_host', name: 'Destination Host', type: FT.STRING },
  host: { abbrev: 'ip.host', name: 'Source or Destination Host', type: FT.STRING },
  cur_rt_host: { abbrev: 'ip.cur_rt_host', name: 'Current Route Host', type: FT.STRING },
  options: { abbrev: 'ip.options', name: 'Options', type: FT.BYTES },
  opt_type: { abbrev: 'ip.opt.type', name: 'Type', type: FT.UINT8, strings: OPT_TYPES },
  opt_len: { abbrev: 'ip.opt.len', name: 'Length', type: FT.UINT8 },
  opt_value: { abbrev: 'ip.opt.value', name: 'Value', type: FT.BYTES },
  fragments: { abbrev: 'ip.fragments', name: 'IPv4 Fragments', type: FT.BYTES },
  fragment: { abbrev: 'ip.fragment', name: 'Frame', type: FT.FRAMENUM },
  fragment_count: { abbrev: 'ip.fragment.count', name: 'Fragment count', type: FT.UINT32 },
  fragment_overlap: { abbrev: 'ip.fragment.overlap', name: 'Fragment overlap', type: FT.BOOLEAN },
  fragment_conflict: { abbrev: 'ip.fragment.overlap.conflict', name: 'Conflicting data in fragment overlap', type: FT.BOOLEAN },
  reassembled_in: { abbrev: 'ip.reassembled_in', name: 'Reassembled IPv4 in frame', type: FT.FRAMENUM, generated: true },
  reassembled_length: { abbrev: 'ip.reassembled.length', name: 'Reassembled IPv4 length', type: FT.UINT32, generated: true },
});



/** Offsets in the IPv4 header (RFC 791 3.1), for decode and emit. */
export const IP = { VHL: 0, TOS: 1, LEN: 2, ID: 4, FRAG: 6, TTL: 8, PROTO: 9, CSUM: 10, SRC: 12, DST: 16, HDR: 20 } as const;

/** Protocol column name for an IP protocol number when nothing dissects the payload. */
export function ipProtoName(p: number): string {
  return IP_PROTOS[p] ?? `Unknown`;
}

/** ip.dsfield with its DSCP and ECN; ip.flags with its bits. */
const DSFIELD_FIELDS = fieldGroup('ip.dsfield');
const FLAG_FIELDS = fieldGroup('ip.flags');

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const top = pkt.addProtocol(F.ip, 'ip', off, Math.min(20, end - off), parent);
  pkt.setProtocol('IPv4');
  if (!need(pkt, off, 1, end, rep, top, 'IPv4')) return;
  const b0 = d[off + IP.VHL]!;
  const version = b0 >> 4;
  pkt.add(F.version, off, 1, top, version);
  const hlen = (b0 & 0x0f) * 4;
  const hl = pkt.add(F.hdr_len, off, 1, top, hlen);
  if (version !== 4) {
    // As tshark 4.0: the IPv4 dissector (Ethernet type 0x0800) says "Bogus IPv4 version" with the
    // number in Info; a quote inside an ICMP error goes through the generic IP dissector, whose
    // expert item is its plain summary.
    if (pkt.fence > 0) pkt.addExpert(top, Severity.Error, 'Protocol', 'ip.bogus_ip_version', 'Bogus IP version');
    else {
      pkt.addExpert(top, Severity.Error, 'Protocol', 'ip.bogus_ip_version', 'Bogus IPv4 version');
      pkt.setInfo(`Bogus IPv4 version (${version}, must be 4)`);
    }
    return;
  }
  if (hlen < 20) {
    pkt.addExpert(hl, Severity.Error, 'Protocol', 'ip.bogus_header_length', `Bogus IP header length (${hlen}, must be at least 20)`);
    pkt.setInfo(`Bogus IP header length (${hlen}, must be at least 20)`);
    return;
  }
  if (!need(pkt, off, IP.HDR, end, rep, top, 'IPv4')) return;
  pkt.setLength(top, Math.min(hlen, end - off));
  const tos = d[off + IP.TOS]!;
  let totalLen = u16(d, off + IP.LEN);
  const id = u16(d, off + IP.ID);
  const ff = u16(d, off + IP.FRAG);
  const df = (ff >> 14) & 1;
  const mf = (ff >> 13) & 1;
  const fragOff = ff & 0x1fff;
  const proto = d[off + IP.PROTO]!;
  const ck = u16(d, off + IP.CSUM);
  // Items only when a tree is kept (as Wireshark's `if (tree)`): without one every add is a no-op.
  const tree = pkt.tree;
  let ds = -1;
  let lenItem = -1;
  let fl = -1;
  let cki = -1;
  let ttli = -1;
  if (tree) {
    // Items of a group only when the tree keeps one of its fields (each add would return -1).
    if (pkt.keepsGroup(DSFIELD_FIELDS)) {
      ds = pkt.add(F.dsfield, off + IP.TOS, 1, top, tos);
      pkt.add(F.dscp, off + IP.TOS, 1, ds, tos >> 2);
      pkt.add(F.ecn, off + IP.TOS, 1, ds, tos & 3);
    }
    lenItem = pkt.add(F.len, off + IP.LEN, 2, top, totalLen);
    pkt.add(F.id, off + IP.ID, 2, top, id);
    if (pkt.keepsGroup(FLAG_FIELDS)) {
      fl = pkt.add(F.flags, off + IP.FRAG, 1, top, ff >> 13);
      pkt.add(F.rb, off + IP.FRAG, 1, fl, (ff >> 15) & 1);
      pkt.add(F.df, off + IP.FRAG, 1, fl, df);
      pkt.add(F.mf, off + IP.FRAG, 1, fl, mf);
    }
    pkt.add(F.frag_offset, off + IP.FRAG, 2, top, fragOff);
    ttli = pkt.add(F.ttl, off + IP.TTL, 1, top, d[off + IP.TTL]!);
    pkt.add(F.proto, off + IP.PROTO, 1, top, proto);
    cki = pkt.add(F.checksum, off + IP.CSUM, 2, top, ck);
  }
  const src = u32(d, off + IP.SRC);
  const dst = u32(d, off + IP.DST);
  if (pkt.wantColumns) {
    // Name resolution (-N n, nd): names in the columns and the tree, as tshark.
    const names = pkt.session.names;
    if (names) {
      const st = formatIPv4(src);
      const dt = formatIPv4(dst);
      pkt.setAddresses(names.host(st) ?? st, names.host(dt) ?? dt);
    } else pkt.setIPv4Addresses(src, dst);
  }
  if (pkt.wantLabels) {
    const names = pkt.session.names;
    const st = formatIPv4(src);
    const dt = formatIPv4(dst);
    pkt.setLabel(top, `Internet Protocol Version 4, Src: ${namedAddress(names?.host(st), st, names?.flags.network)}, Dst: ${namedAddress(names?.host(dt), dt, names?.flags.network)}`);
    pkt.setLabel(fl, `${ff & 0x8000 ? '1' : '0'}${df ? '1' : '0'}${mf ? '1' : '0'}. .... = Flags: 0x${ff >> 13}${df ? ", Don't fragment" : ''}${mf ? ', More fragments' : ''}`);
    pkt.setLabel(ds, `Differentiated Services Field: 0x${tos.toString(16).padStart(2, '0')} (DSCP: ${dscpShort(tos >> 2)}, ECN: ${ECN_SHORT[tos & 3]})`);
  }

  // tshark 4.0: a TTL below 5 on a unicast datagram (not PIM or OSPF) is a note, inside an ICMP
  // error's quote too (where a traceroute's probe shows its TTL of 1).
  const ttl = d[off + IP.TTL]!;
  if (ttl < 5 && pkt.wantExperts && dst >>> 28 !== 0xe && proto !== 103 && proto !== 89) pkt.addExpert(ttli, Severity.Note, 'Sequence', 'ip.ttl.too_small', `"Time To Live" only ${ttl}`);
  // Header checksum (needs the whole header); it feeds only the tree and an expert item.
  if (hlen <= end - off && (tree || pkt.wantExperts)) {
    const good = !pkt.session.prefs['ip.check_checksum'] ? -1 : foldChecksum(sum16(d, off, hlen)) === 0 ? 1 : 0;
    // Verified: the calculated checksum is shown whether it matches or not (as tshark 4.0).
    if (good >= 0 && tree) pkt.add(F.checksum_calculated, off + IP.CSUM, 0, cki, good === 1 ? ck : foldChecksum(sum16(d, off, hlen) - ck));
    if (tree) pkt.add(F.checksum_status, off + IP.CSUM, 0, cki, good < 0 ? 2 : good);
    if (good === 0) pkt.addExpert(cki, Severity.Error, 'Checksum', 'ip.checksum_bad.expert', `Bad checksum [should be 0x${foldChecksum(sum16(d, off, hlen) - ck).toString(16).padStart(4, '0')}]`);
  } else if (tree) {
    pkt.add(F.checksum_status, off + IP.CSUM, 0, cki, 2);
  }
  if (tree) addAddress(pkt, F.src, F.src_host, off + IP.SRC, top, src);
  // With a loose/strict source route, Wireshark's ip.dst is the route's final destination and
  // the header's destination is the current hop (ip.cur_rt, not one of ip.addr).
  const finalOff = hlen > IP.HDR && hlen <= end - off ? sourceRouteFinal(d, off + IP.HDR, off + hlen) : -1;
  if (finalOff >= 0) {
    const di = pkt.add(F.cur_rt, off + IP.DST, 4, top, dst);
    pkt.hide(addHost(pkt, F.cur_rt_host, off + IP.DST, di, dst));
    const fd = u32(d, finalOff);
    pkt.hide(addAddress(pkt, F.dst, F.dst_host, finalOff, top, fd));
    if (pkt.wantColumns) {
      pkt.setAddresses(pkt.colSrc, formatIPv4(fd));
      pkt.setLabel(top, `Internet Protocol Version 4, Src: ${formatIPv4(src)}, Dst: ${formatIPv4(fd)}, Via: ${formatIPv4(dst)}`);
    }
  } else if (tree) {
    addAddress(pkt, F.dst, F.dst_host, off + IP.DST, top, dst);
  }

  if (hlen > IP.HDR) decodeOptions(pkt, off + IP.HDR, Math.min(off + hlen, end), top);
  if (!need(pkt, off, hlen, end, rep, top, 'IPv4 header')) return;

  // Total length: 0 is TSO (use what is there); too short is bogus; beyond the packet is an error.
  const avail = rep - off;
  if (totalLen === 0) totalLen = avail;
  if (totalLen < hlen) {
    pkt.addExpert(lenItem, Severity.Error, 'Protocol', 'ip.bogus_ip_length', 'Bogus IP length'); // tshark's expert text; the numbers are in Info
    pkt.setInfo(`Bogus IP length (${totalLen}, less than header length ${hlen})`);
    return;
  }
  if (totalLen > avail) {
    pkt.addExpert(lenItem, Severity.Error, 'Protocol', 'ip.bogus_ip_length', `IPv4 total length exceeds packet length (${avail} bytes)`);
    totalLen = avail;
  }
  const pEnd = Math.min(end, off + totalLen);
  const pRep = off + totalLen;
  pkt.setNetEnd(off, pRep);

  pkt.ipVersion = 4;
  pkt.ipHopLimit = d[off + IP.TTL]!;
  pkt.ipFragmented = mf === 1 || fragOff !== 0;
  pkt.ipHdr = d;
  pkt.ipSrcOff = off + IP.SRC;
  pkt.ipDstOff = off + IP.DST;

  const payloadOff = off + hlen;
  const isFragment = mf === 1 || fragOff !== 0;
  if (isFragment && pkt.fence === 0 && pkt.session.prefs['ip.defragment']) {
    const frame = pkt.frame.number;
    const key = `${src}>${dst}/${proto}/${id}`;
    const res = pEnd === pRep ? addFragment(pkt, 'ipv4', key, fragOff * 8, d.subarray(payloadOff, pEnd), mf === 1) : undefined;
    if (res) {
      showReassembled(pkt, res, F, 'ip.reassembled_in', 'IPv4', 'ip', payloadOff, top);
      const prev = pkt.pushSource(res.data, 'Reassembled IPv4');
      dispatchIn(IP_PROTO, proto, pkt, 0, res.data.length, res.data.length, -1);
      pkt.popSource(prev);
      return;
    }
    const inFrame = annotation(pkt, frame, 'ip.reassembled_in');
    if (inFrame !== undefined) pkt.add(F.reassembled_in, payloadOff, 0, top, inFrame);
    if (pkt.wantColumns) {
      const s = pkt.session;
      pkt.setInfo(
        `Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${fragOff * 8}, ID=${id.toString(16).padStart(4, '0')})` +
          // A patched read (./patch.ts): the frame that completes the datagram may come later.
          (s.patch ? s.patch.info(() => {
            const n = s.notes.get('ip.reassembled_in')?.get(frame);
            return n !== undefined ? ` [Reassembled in #${n}]` : '';
          }) : inFrame !== undefined ? ` [Reassembled in #${inFrame}]` : ''),
      );
    }
    dissectData(pkt, payloadOff, pEnd, pRep, -1);
    return;
  }
  if (isFragment && fragOff !== 0) {
    // Inside an ICMP error: a non-first fragment has no transport header to show.
    dissectData(pkt, payloadOff, pEnd, pRep, -1);
    return;
  }
  // Top level, except inside an ICMP error where the quoted transport header nests under ICMP (as tshark).
  if (!dispatchIn(IP_PROTO, proto, pkt, payloadOff, pEnd, pRep, pkt.fence > 0 ? parent : -1) && pkt.wantColumns) {
    // Nothing took the payload: Wireshark shows the IP protocol's name and number.
    pkt.setInfo(`${ipProtoName(proto)} (${proto})`);
  }
}


/**
 * A host item (`ip.src_host`, `ip.host`, ...) with its text: the address, or its name with name
 * resolution (-N n), as tshark. `text` is the address as text, made by the caller once for the
 * items that share it.
 */
function addHost(pkt: Packet, fid: number, off: number, parent: number, v: number): number {
  const i = pkt.add(fid, off, 4, parent);
  if (i >= 0) {
    const text = formatIPv4(v);
    pkt.ref[i] = pkt.session.names?.host(text) ?? text;
  }
  return i;
}

/**
 * An address item (`ip.src` or `ip.dst`) with Wireshark's hidden children: the either-direction
 * `ip.addr` (with the address as its value), the direction's host and `ip.host`.
 */
function addAddress(pkt: Packet, fid: number, hostFid: number, off: number, parent: number, v: number): number {
  const it = pkt.add(fid, off, 4, parent, v);
  const names = pkt.session.names;
  if (names?.flags.network && it >= 0 && pkt.wantLabels) {
    const t = formatIPv4(v);
    pkt.setLabel(it, `${fieldById(fid).name}: ${namedAddress(names.host(t), t, true)}`);
  }
  pkt.hide(pkt.add(F.addr, off, 4, it, v));
  pkt.hide(addHost(pkt, hostFid, off, it, v));
  pkt.hide(addHost(pkt, F.host, off, it, v));
  return it;
}

/** Offset of the final destination of an LSRR/SSRR option, or -1. */
function sourceRouteFinal(d: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const t = d[p]!;
    if (t === 0) break;
    if (t === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const l = d[p + 1]!;
    if (l < 2 || p + l > end) break;
    if ((t === 131 || t === 137) && l >= 7 && (l - 3) % 4 === 0) return p + l - 4;
    p += l;
  }
  return -1;
}

function decodeOptions(pkt: Packet, off: number, end: number, parent: number): void {
  const it = pkt.add(F.options, off, end - off, parent);
  let nops = 0;
  let p = off;
  while (p < end) {
    const t = pkt.data[p]!;
    if (t === 0 || t === 1) {
      // NOPs in a row within one 32-bit word, counted as Wireshark's packet-ip.c does (tcp.nop's rule).
      if (t === 1 && (nops === 0 || (p - off) % 4 !== 0)) {
        if (++nops === 4) pkt.addExpert(it, Severity.Warn, 'Protocol', 'ip.nop', '4 NOP in a row - a router may have removed some options');
      } else if (t === 1) nops = 0;
      pkt.add(F.opt_type, p, 1, it, t);
      p++;
      if (t === 0) break;
      continue;
    }
    if (p + 1 >= end) {
      pkt.markMalformed(it, 'IPv4 option length missing');
      return;
    }
    const l = pkt.data[p + 1]!;
    const ti = pkt.add(F.opt_type, p, Math.max(2, Math.min(l, end - p)), it, t);
    pkt.add(F.opt_len, p + 1, 1, ti, l);
    if (l < 2 || p + l > end) {
      pkt.addExpert(ti, Severity.Warn, 'Protocol', 'ip.opt.len.invalid', `Option length ${l} is invalid`);
      return;
    }
    if (l > 2) pkt.add(F.opt_value, p + 2, l - 2, ti);
    p += l;
  }
}

/** `buildPacket`'s IPv4 header. */
export interface IpSpec {
  src?: string;
  dst?: string;
  /** Time to live (64). */
  ttl?: number;
  /** Identification (0). */
  id?: number;
  /** Don't Fragment, More Fragments, the reserved (evil) bit. */
  df?: boolean;
  mf?: boolean;
  rb?: boolean;
  /** Fragment offset in 8-byte units. */
  fragOffset?: number;
  dscp?: number;
  ecn?: number;
  /** Option bytes (padded to 4 with zeros). */
  options?: Uint8Array;
  /** Computed unless given: header length in words, total length, protocol, checksum. */
  ihl?: number;
  len?: number;
  protocol?: number;
  checksum?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    ip: IpSpec;
  }
}

/** Builds an IPv4 header around `payload`: total length, protocol and checksum computed unless given. */
function emit(spec: LayerSpecOf<'ip'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const opts = spec.options ?? new Uint8Array(0);
  const optLen = (opts.length + 3) & ~3;
  const hlen = IP.HDR + optLen;
  const out = new Uint8Array(hlen + payload.length);
  const v = new DataView(out.buffer);
  out[IP.VHL] = 0x40 | (spec.ihl ?? hlen / 4);
  out[IP.TOS] = (spec.dscp ?? 0) << 2 | (spec.ecn ?? 0);
  v.setUint16(IP.LEN, spec.len ?? hlen + payload.length);
  v.setUint16(IP.ID, spec.id ?? 0);
  const flags = (spec.df ? 0x4000 : 0) | (spec.mf ? 0x2000 : 0) | (spec.rb ? 0x8000 : 0);
  v.setUint16(IP.FRAG, flags | ((spec.fragOffset ?? 0) & 0x1fff));
  out[IP.TTL] = spec.ttl ?? 64;
  const next = ctx.layers[ctx.index + 1];
  out[IP.PROTO] = spec.protocol ?? (next ? selectorFor('ip.proto', next.proto) : undefined) ?? 0;
  v.setUint32(IP.SRC, parseIPv4(spec.src ?? '0.0.0.0'));
  v.setUint32(IP.DST, parseIPv4(spec.dst ?? '0.0.0.0'));
  out.set(opts, IP.HDR);
  v.setUint16(IP.CSUM, spec.checksum ?? foldChecksum(sum16(out, 0, hlen)));
  out.set(payload, hlen);
  return out;
}

register({
  name: 'ip',
  longName: 'Internet Protocol Version 4',
  bind: [
    ['ethertype', 0x0800],
    ['linktype', 228],
    ['null.family', 2],
    ['ip.proto', 4],
  ],
  decode,
  emit,
});
