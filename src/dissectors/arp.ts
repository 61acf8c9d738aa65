/**
 * ARP (RFC 826), RARP (RFC 903), Inverse ARP (RFC 2390), DRARP and the other IANA opcodes, with
 * RFC 5227 classification: a request whose sender and target protocol addresses are equal is
 * gratuitous (an "ARP Announcement" when the target MAC is zero); a request with a zero sender
 * address and a zero target MAC is an "ARP Probe". Info texts and fields are Wireshark 4.0's
 * (`packet-arp.c`), including its duplicate-IP-address detection (on by default in Wireshark;
 * 4.0 reports it as an expert item and leaves the Info column alone). ATMARP (hardware type 19)
 * and AX.25 ARP have layouts of their own in Wireshark and are decoded here as plain ARP.
 *
 * The packet length is 8 + 2*hln + 2*pln; a frame whose reported length is shorter is malformed
 * (Wireshark's tvb_set_reported_length throws), one cut by the snap length is truncated.
 */
import { defineFields, FT, Base } from './fields.js';
import { formatIPv4At, formatMac, parseIPv4, parseMac, toHex, u16, u32 } from './bytes.js';
import { need, Severity, sessionState, type Packet } from './packet.js';
import { register, type LayerSpecOf } from './registry.js';
import { ETHERTYPES } from './eth.js';

/** ARPHRD_* hardware types (Wireshark's arp_hrd_vals, shared with `sll.hatype`). */
export const ARPHRD: Record<number, string> = {
  0: 'NET/ROM pseudo', 1: 'Ethernet', 2: 'Experimental Ethernet', 3: 'AX.25', 4: 'ProNET', 5: 'Chaos',
  6: 'IEEE 802', 7: 'ARCNET', 8: 'Hyperchannel', 9: 'Lanstar', 10: 'Autonet Short Address', 11: 'Localtalk',
  12: 'LocalNet', 13: 'Ultra link', 14: 'SMDS', 15: 'Frame Relay DLCI', 16: 'ATM', 17: 'HDLC', 18: 'Fibre Channel',
  19: 'ATM (RFC 2225)', 20: 'Serial Line', 21: 'ATM', 22: 'MIL-STD-188-220', 23: 'Metricom STRIP',
  24: 'IEEE 1394.1995', 25: 'MAPOS', 26: 'Twinaxial', 27: 'EUI-64', 28: 'HIPARP', 29: 'IP and ARP over ISO 7816-3',
  30: 'ARPSec', 31: 'IPsec tunnel', 32: 'InfiniBand', 33: 'TIA-102 Project 25 CAI', 34: 'Wiegand Interface',
  35: 'Pure IP', 36: 'Experimental 1', 37: 'HFI', 256: 'Experimental 2', 257: 'AEthernet', 260: 'Notional KISS type',
  264: 'ADAPT', 270: 'ROSE', 271: 'CCITT X.25', 272: 'Boards with X.25 in firmware', 280: 'Controller Area Network',
  512: 'PPP', 513: 'Cisco HDLC', 516: 'LAPB', 517: "Digital's DDCMP protocol", 518: 'Raw HDLC', 519: 'Raw IP',
  768: 'IPIP tunnel', 769: 'IP6IP6 tunnel', 770: 'Frame Relay Access Device', 771: 'SKIP vif', 772: 'Loopback',
  774: 'Fiber Distributed Data Interface', 775: 'AP1000 BIF', 776: 'sit0 device - IPv6-in-IPv4',
  777: 'IP over DDP tunneller', 778: 'GRE over IP', 779: 'PIMSM register interface',
  780: 'High Performance Parallel Interface', 781: 'Nexus 64Mbps Ash', 782: 'Acorn Econet', 783: 'Linux-IrDA',
  784: 'Point to point fibrechannel', 785: 'Fibrechannel arbitrated loop', 786: 'Fibrechannel public loop',
  787: 'Fibrechannel fabric', 800: 'Magic type ident for TR', 801: 'IEEE 802.11', 802: 'IEEE 802.11 + Prism2 header',
  803: 'IEEE 802.11 + radiotap header', 804: 'IEEE 802.15.4', 805: 'IEEE 802.15.4 network monitor',
  820: 'PhoNet media type', 821: 'PhoNet pipe header', 822: 'CAIF media type', 823: 'GRE over IPv6', 824: 'Netlink',
  825: 'IPv6 over LoWPAN', 826: 'Vsock monitor header', 65535: 'Void type, nothing is known',
  65534: 'zero header length',
};

export const ARP_OPCODES: Record<number, string> = {
  1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply', 5: 'drarp request', 6: 'drarp reply',
  7: 'drarp error', 8: 'inverse request', 9: 'inverse reply', 10: 'arp nak', 11: 'mars request', 12: 'mars multi',
  13: 'mars mserv', 14: 'mars join', 15: 'mars leave', 16: 'mars nak', 17: 'mars unserv', 18: 'mars sjoin',
  19: 'mars sleave', 20: 'mars grouplist request', 21: 'mars grouplist reply', 22: 'mars redirect map',
  23: 'mapos unarp', 24: 'experimental 1', 25: 'experimental 2', 0: 'reserved', 65535: 'reserved',
};

/** Opcodes (RFC 826, RFC 903, RFC 2390). */
export const ArpOp = {
  REQUEST: 1,
  REPLY: 2,
  RREQUEST: 3,
  RREPLY: 4,
  DRARP_REQUEST: 5,
  DRARP_REPLY: 6,
  DRARP_ERROR: 7,
  IREQUEST: 8,
  IREPLY: 9,
  NAK: 10,
} as const;

const HRD_ETHER = 1;
const HRD_IEEE802 = 6;
const PRO_IP = 0x0800;
/** AX.25 layer-3 PID for IP: Wireshark accepts it as an IPv4 protocol type too. */
const PRO_AX25_IP = 0xcc;
const HDR_LEN = 8;

const DRARP_STATUS: Record<number, string> = { 1: 'restricted', 2: 'no address', 3: 'serverdown', 4: 'moved', 5: 'failure' };

export const F = defineFields({
  arp: { abbrev: 'arp', name: 'Address Resolution Protocol', type: FT.PROTOCOL },
  hw_type: { abbrev: 'arp.hw.type', name: 'Hardware type', type: FT.UINT16, strings: ARPHRD },
  proto_type: { abbrev: 'arp.proto.type', name: 'Protocol type', type: FT.UINT16, base: Base.HEX, strings: ETHERTYPES },
  hw_size: { abbrev: 'arp.hw.size', name: 'Hardware size', type: FT.UINT8 },
  proto_size: { abbrev: 'arp.proto.size', name: 'Protocol size', type: FT.UINT8 },
  opcode: { abbrev: 'arp.opcode', name: 'Opcode', type: FT.UINT16, strings: ARP_OPCODES },
  isgratuitous: { abbrev: 'arp.isgratuitous', name: 'Is gratuitous', type: FT.BOOLEAN, tf: ['True', 'False'], generated: true },
  isprobe: { abbrev: 'arp.isprobe', name: 'Is probe', type: FT.BOOLEAN, tf: ['True', 'False'], generated: true },
  isannouncement: { abbrev: 'arp.isannouncement', name: 'Is announcement', type: FT.BOOLEAN, tf: ['True', 'False'], generated: true },
  src_hw: { abbrev: 'arp.src.hw', name: 'Sender hardware address', type: FT.BYTES },
  src_hw_mac: { abbrev: 'arp.src.hw_mac', name: 'Sender MAC address', type: FT.ETHER },
  src_proto: { abbrev: 'arp.src.proto', name: 'Sender protocol address', type: FT.BYTES },
  src_proto_ipv4: { abbrev: 'arp.src.proto_ipv4', name: 'Sender IP address', type: FT.IPV4 },
  dst_hw: { abbrev: 'arp.dst.hw', name: 'Target hardware address', type: FT.BYTES },
  dst_hw_mac: { abbrev: 'arp.dst.hw_mac', name: 'Target MAC address', type: FT.ETHER },
  dst_proto: { abbrev: 'arp.dst.proto', name: 'Target protocol address', type: FT.BYTES },
  dst_proto_ipv4: { abbrev: 'arp.dst.proto_ipv4', name: 'Target IP address', type: FT.IPV4 },
  drarp_error_status: { abbrev: 'arp.dst.drarp_error_status', name: 'DRARP error status', type: FT.UINT16, strings: DRARP_STATUS },
  duplicate: { abbrev: 'arp.duplicate-address-detected', name: 'Duplicate IP address detected', type: FT.NONE, generated: true },
  duplicate_frame: { abbrev: 'arp.duplicate-address-frame', name: 'Frame showing earlier use of IP address', type: FT.FRAMENUM, generated: true },
  duplicate_seconds: { abbrev: 'arp.seconds-since-duplicate-address-frame', name: 'Seconds since earlier frame seen', type: FT.UINT32, generated: true },
});

/** Protocol column by opcode. */
function protocolColumn(op: number): string {
  if (op === 3 || op === 4) return 'RARP';
  if (op >= 5 && op <= 7) return 'DRARP';
  if (op === 8 || op === 9) return 'Inverse ARP';
  if (op >= 11 && op <= 22) return 'MARS';
  if (op === 23) return 'MAPOS';
  return 'ARP';
}

/** MARS/MAPOS Info prefixes ("... from <hw> at <proto>"), by opcode. */
const FROM_AT: Record<number, string> = {
  11: 'MARS request', 12: 'MARS MULTI request', 13: 'MARS MSERV request', 14: 'MARS JOIN request', 15: 'MARS LEAVE',
  16: 'MARS NAK', 17: 'MARS UNSERV request', 18: 'MARS SJOIN request', 19: 'MARS SLEAVE',
  20: 'MARS grouplist request', 21: 'MARS grouplist reply', 22: 'MARS redirect map', 23: 'MAPOS UNARP request',
};

function isEtherHw(hrd: number, hln: number): boolean {
  return (hrd === HRD_ETHER || hrd === HRD_IEEE802) && hln === 6;
}

function isIPv4Proto(pro: number, pln: number): boolean {
  return (pro === PRO_IP || pro === PRO_AX25_IP) && pln === 4;
}

/** Wireshark's bytes_to_str: plain hex, cut at 36 bytes with an ellipsis. */
function bytesText(b: Uint8Array, off: number, len: number): string {
  return len > 36 ? `${toHex(b, off, 36)}…` : toHex(b, off, len);
}

function hwText(b: Uint8Array, off: number, hln: number, hrd: number): string {
  if (hln === 0) return '<No address>';
  return isEtherHw(hrd, hln) ? formatMac(b, off) : bytesText(b, off, hln);
}

function protoText(b: Uint8Array, off: number, pln: number, pro: number): string {
  if (pln === 0) return '<No address>';
  return isIPv4Proto(pro, pln) ? formatIPv4At(b, off) : bytesText(b, off, pln);
}

function allZero(b: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[off + i] !== 0) return false;
  return true;
}

function sameBytes(b: Uint8Array, a: number, c: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[a + i] !== b[c + i]) return false;
  return true;
}

/** Bound on remembered IP -> MAC bindings for duplicate detection (oldest evicted first). */
export const ARP_DUPLICATE_TABLE_LIMIT = 65536;

interface Binding {
  /** MAC as a 48-bit integer. */
  mac: number;
  frame: number;
  sec: number;
}

interface DuplicateHit {
  ip: number;
  earlier: Binding;
}

function macAt(b: Uint8Array, off: number): number {
  return ((b[off]! << 8) | b[off + 1]!) * 0x100000000 + (((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0);
}

function macText(mac: number): string {
  let s = '';
  for (let i = 5; i >= 0; i--) {
    const byte = Math.floor(mac / 2 ** (8 * i)) & 0xff;
    s += (s ? ':' : '') + byte.toString(16).padStart(2, '0');
  }
  return s;
}

function newBindingTable(): Map<number, Binding> {
  return new Map();
}

/**
 * Wireshark's check_for_duplicate_addresses: remembers the MAC seen with each IPv4 address and
 * reports a later frame that binds the same address to another MAC. Deterministic in frame order,
 * so a second pass over fresh session state reaches the same verdicts.
 */
function checkDuplicate(pkt: Packet, mac: number, ip: number): DuplicateHit | undefined {
  const table = sessionState(pkt, 'arp.bindings', newBindingTable);
  const frame = pkt.frame.number;
  const v = table.get(ip);
  if (v === undefined) {
    if (table.size >= ARP_DUPLICATE_TABLE_LIMIT) table.delete(table.keys().next().value as number);
    table.set(ip, { mac, frame, sec: pkt.frame.tsSec });
    return undefined;
  }
  if (frame <= v.frame) return undefined;
  if (v.mac === mac) {
    v.frame = frame;
    v.sec = pkt.frame.tsSec;
    return undefined;
  }
  return { ip, earlier: { mac: v.mac, frame: v.frame, sec: v.sec } };
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  pkt.setProtocol('ARP');
  pkt.setInfo('');
  const top = pkt.addProtocol(F.arp, 'arp', off, Math.min(HDR_LEN, Math.max(0, end - off)), parent);
  if (!need(pkt, off, HDR_LEN, end, rep, top, 'ARP')) return;
  const hrd = u16(d, off);
  const pro = u16(d, off + 2);
  const hln = d[off + 4]!;
  const pln = d[off + 5]!;
  const op = u16(d, off + 6);
  const totLen = HDR_LEN + 2 * hln + 2 * pln;
  pkt.setProtocol(protocolColumn(op));
  pkt.setLength(top, Math.min(totLen, end - off));
  pkt.setNetEnd(off, off + totLen);
  pkt.add(F.hw_type, off, 2, top, hrd);
  pkt.add(F.proto_type, off + 2, 2, top, pro);
  pkt.add(F.hw_size, off + 4, 1, top, hln);
  pkt.add(F.proto_size, off + 5, 1, top, pln);
  const opItem = pkt.add(F.opcode, off + 6, 2, top, op);
  // Wireshark builds the Info text before the tree, so a short packet shows no addresses at all.
  if (!need(pkt, off, totLen, end, rep, opItem, 'ARP addresses')) return;

  const sha = off + HDR_LEN;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;

  // Gratuitous/announcement/probe (RFC 5227), exactly as Wireshark tests them: the 6 bytes at the
  // target hardware address and the 4 at the sender protocol address, whatever hln and pln say.
  // Wireshark's comparisons fail (rather than read on) past the ARP packet or for zero lengths.
  let gratuitous = false;
  let announcement = false;
  let probe = false;
  const limit = off + totLen;
  const zeroTha = tha + 6 <= limit && allZero(d, tha, 6);
  if ((op === ArpOp.REQUEST || op === ArpOp.REPLY) && pln > 0 && sameBytes(d, spa, tpa, pln)) {
    gratuitous = true;
    if (op === ArpOp.REQUEST && zeroTha) announcement = true;
  } else if (op === ArpOp.REQUEST && zeroTha && spa + 4 <= limit && u32(d, spa) === 0) {
    probe = true;
  }

  // Duplicate address detection (Ethernet/IPv4 requests and replies only).
  let dupSender: DuplicateHit | undefined;
  let dupTarget: DuplicateHit | undefined;
  if ((op === ArpOp.REQUEST || op === ArpOp.REPLY) && isEtherHw(hrd, hln) && isIPv4Proto(pro, pln) && pkt.fence === 0) {
    const sip = u32(d, spa);
    if ((d[sha]! & 1) === 0 && !allZero(d, sha, 6) && sip !== 0) dupSender = checkDuplicate(pkt, macAt(d, sha), sip);
    const tip = u32(d, tpa);
    if ((d[tha]! & 1) === 0 && !allZero(d, tha, 6) && tip !== 0 && op !== ArpOp.REQUEST && (dupSender?.ip ?? -1) !== tip) {
      dupTarget = checkDuplicate(pkt, macAt(d, tha), tip);
    }
  }

  if (pkt.wantColumns) {
    pkt.setInfo(infoText(d, op, hrd, pro, hln, pln, sha, spa, tha, tpa, gratuitous, announcement, probe));
    const opName = ARP_OPCODES[op];
    let label: string;
    if (opName === undefined) label = `Address Resolution Protocol (opcode 0x${op.toString(16).padStart(4, '0')})`;
    else {
      let s: string = opName;
      if (gratuitous && op === ArpOp.REQUEST) s = 'request/gratuitous ARP';
      if (gratuitous && op === ArpOp.REPLY) s = 'reply/gratuitous ARP';
      if (probe) s = 'ARP Probe';
      if (announcement) s = 'ARP Announcement';
      label = `Address Resolution Protocol (${s})`;
    }
    pkt.setLabel(top, label);
  }

  if (gratuitous) pkt.add(F.isgratuitous, off, 0, top, 1);
  if (probe) pkt.add(F.isprobe, off, 0, top, 1);
  if (announcement) pkt.add(F.isannouncement, off, 0, top, 1);
  const etherHw = isEtherHw(hrd, hln);
  const ipv4 = isIPv4Proto(pro, pln);
  if (hln !== 0) pkt.add(etherHw ? F.src_hw_mac : F.src_hw, sha, hln, top);
  if (pln !== 0) pkt.add(ipv4 ? F.src_proto_ipv4 : F.src_proto, spa, pln, top, ipv4 ? u32(d, spa) : 0);
  if (hln !== 0) pkt.add(etherHw ? F.dst_hw_mac : F.dst_hw, tha, hln, top);
  if (pln !== 0 && op !== ArpOp.DRARP_ERROR) pkt.add(ipv4 ? F.dst_proto_ipv4 : F.dst_proto, tpa, pln, top, ipv4 ? u32(d, tpa) : 0);
  else if (pln !== 0) pkt.add(F.drarp_error_status, tpa, 1, top, d[tpa]!);

  if (dupSender) addDuplicate(pkt, dupSender, macAt(d, sha), off, top);
  if (dupTarget) addDuplicate(pkt, dupTarget, macAt(d, tha), off, top);
}

/** The "Duplicate IP address detected" subtree and its expert item. */
function addDuplicate(pkt: Packet, hit: DuplicateHit, mac: number, off: number, top: number): void {
  const it = pkt.add(F.duplicate, off, 0, top);
  if (pkt.wantColumns) {
    pkt.setLabel(it, `[Duplicate IP address detected for ${ipText(hit.ip)} (${macText(mac)}) - also in use by ${macText(hit.earlier.mac)} (frame ${hit.earlier.frame})]`);
  }
  const fi = pkt.add(F.duplicate_frame, off, 0, it, hit.earlier.frame);
  pkt.add(F.duplicate_seconds, off, 0, it, Math.max(0, pkt.frame.tsSec - hit.earlier.sec));
  pkt.addExpert(fi, Severity.Warn, 'Sequence', 'arp.duplicate-address-detected', `Duplicate IP address configured (${ipText(hit.ip)})`);
}

function ipText(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

function infoText(
  d: Uint8Array, op: number, hrd: number, pro: number, hln: number, pln: number,
  sha: number, spa: number, tha: number, tpa: number, gratuitous: boolean, announcement: boolean, probe: boolean,
): string {
  switch (op) {
    case ArpOp.REQUEST:
      if (gratuitous) {
        return announcement
          ? `ARP Announcement for ${protoText(d, tpa, pln, pro)}`
          : `Gratuitous ARP for ${protoText(d, tpa, pln, pro)} (Request)`;
      }
      if (probe) return `Who has ${protoText(d, tpa, pln, pro)}? (ARP Probe)`;
      return `Who has ${protoText(d, tpa, pln, pro)}? Tell ${protoText(d, spa, pln, pro)}`;
    case ArpOp.REPLY:
      if (gratuitous) return `Gratuitous ARP for ${protoText(d, spa, pln, pro)} (Reply)`;
      return `${protoText(d, spa, pln, pro)} is at ${hwText(d, sha, hln, hrd)}`;
    case ArpOp.RREQUEST:
    case ArpOp.IREQUEST:
    case ArpOp.DRARP_REQUEST:
      return `Who is ${hwText(d, tha, hln, hrd)}? Tell ${hwText(d, sha, hln, hrd)}`;
    case ArpOp.RREPLY:
    case ArpOp.DRARP_REPLY:
      return `${hwText(d, tha, hln, hrd)} is at ${protoText(d, tpa, pln, pro)}`;
    case ArpOp.DRARP_ERROR:
      return 'DRARP Error';
    case ArpOp.IREPLY:
      return `${hwText(d, sha, hln, hrd)} is at ${protoText(d, spa, pln, pro)}`;
    case ArpOp.NAK:
      return 'ARP NAK';
    case 24:
      return `Experimental 1 ( opcode ${op} )`;
    case 25:
      return `Experimental 2 ( opcode ${op} )`;
    case 0:
    case 65535:
      return `Reserved opcode ${op}`;
    default: {
      const fromAt = FROM_AT[op];
      if (fromAt !== undefined) return `${fromAt} from ${hwText(d, sha, hln, hrd)} at ${protoText(d, spa, pln, pro)}`;
      return `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
    }
  }
}

/**
 * Builds an ARP packet (Ethernet/IPv4 by default). Spec fields, all optional:
 * `op` (number, or 'request' | 'reply' | 'probe' | 'announcement'), `hwType` (1), `protoType`
 * (0x0800), `srcMac`, `srcIp`, `dstMac` (zero for requests), `dstIp`. A probe (RFC 5227 2.1.1)
 * is a request with sender IP 0.0.0.0; an announcement (2.3) a request whose sender and target IP
 * are both `srcIp`. Addresses are text (`aa:bb:..`, dotted quad) or bytes of any length (hln and
 * pln follow them unless `hwSize` / `protoSize` are given).
 */
/** `buildPacket`'s ARP message (Ethernet/IPv4 unless the sizes and types say otherwise). */
export interface ArpSpec {
  /** `probe` (sender IP 0.0.0.0), `announcement` (target IP = sender IP), or an opcode number. */
  op?: 'request' | 'reply' | 'probe' | 'announcement' | number;
  /** Hardware addresses: MAC text or bytes. */
  srcMac?: string | Uint8Array;
  dstMac?: string | Uint8Array;
  /** Protocol addresses: IPv4 text or bytes. */
  srcIp?: string | Uint8Array;
  dstIp?: string | Uint8Array;
  hwType?: number;
  protoType?: number;
  hwSize?: number;
  protoSize?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    arp: ArpSpec;
  }
}

function emit(spec: LayerSpecOf<'arp'>, payload: Uint8Array): Uint8Array {
  let op: number;
  const kind = spec.op ?? 'request';
  let srcIpSpec = spec.srcIp;
  let dstIpSpec = spec.dstIp;
  if (kind === 'request' || kind === 'probe' || kind === 'announcement') op = ArpOp.REQUEST;
  else if (kind === 'reply') op = ArpOp.REPLY;
  else op = Number(kind);
  if (kind === 'probe') srcIpSpec = '0.0.0.0';
  if (kind === 'announcement') dstIpSpec = srcIpSpec;
  const sha = hwBytes(spec.srcMac, '00:00:00:00:00:00');
  const tha = hwBytes(spec.dstMac, '00:00:00:00:00:00');
  const spa = protoBytes(srcIpSpec);
  const tpa = protoBytes(dstIpSpec);
  const hln = sha.length;
  const pln = spa.length;
  const out = new Uint8Array(HDR_LEN + 2 * hln + 2 * pln + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, spec.hwType ?? HRD_ETHER);
  v.setUint16(2, spec.protoType ?? PRO_IP);
  out[4] = spec.hwSize ?? hln;
  out[5] = spec.protoSize ?? pln;
  v.setUint16(6, op);
  let p = HDR_LEN;
  out.set(sha, p);
  p += hln;
  out.set(spa.subarray(0, pln), p);
  p += pln;
  out.set(tha.subarray(0, hln), p);
  p += hln;
  out.set(tpa.subarray(0, pln), p);
  p += pln;
  out.set(payload, p);
  return out;
}

function hwBytes(x: string | Uint8Array | undefined, dflt: string): Uint8Array {
  if (x instanceof Uint8Array) return x;
  return parseMac(x ?? dflt);
}

function protoBytes(x: string | Uint8Array | undefined): Uint8Array {
  if (x instanceof Uint8Array) return x;
  const n = parseIPv4(x ?? '0.0.0.0');
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

register({
  name: 'arp',
  longName: 'Address Resolution Protocol',
  bind: [
    ['ethertype', 0x0806],
    ['ethertype', 0x8035],
  ],
  decode,
  emit,
});
