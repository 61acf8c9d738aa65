/**
 * Reading answers and matching them to probes (as scapy's `answers()`): an echo reply by its
 * identifier and sequence, an ICMP/ICMPv6 error by the original datagram it quotes (addresses,
 * protocol and the quoted transport header), a TCP SYN/ACK or RST by the flow and sequence.
 * Header offsets are the dissectors' (IP, IPV6, ICMP, ICMPV6, UDP). An answer that matches no
 * probe is ignored, never taken for another probe's.
 */
import { ETH } from '../dissectors/eth.js';
import { IP } from '../dissectors/ip.js';
import { IPV6 } from '../dissectors/ipv6.js';
import { ICMP } from '../dissectors/icmp.js';
import { ICMPV6 } from '../dissectors/icmpv6.js';
import { UDP } from '../dissectors/udp.js';
import type { Family } from './route.js';

/** An IP datagram found in a frame (or quoted in an ICMP error). */
export interface IpView {
  family: Family;
  bytes: Uint8Array;
  /** Offset of the IP header in `bytes`. */
  off: number;
  src: bigint;
  dst: bigint;
  /** Upper-layer protocol (IPv6: after the extension headers we skip: none but fragment). */
  proto: number;
  ttl: number;
  /** IPv4 identification (0 for IPv6). */
  id: number;
  /** Total length the header says (IPv4 total length; IPv6 40 + payload length). */
  totalLen: number;
  /** Transport header offset and the end of what is present. */
  l4: number;
  end: number;
}

function big(b: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[off + i]!);
  return v;
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;

/** The IP datagram at `off` (a quoted one may be cut: `end` is what is there). */
export function readIp(bytes: Uint8Array, off: number, end = bytes.length): IpView | undefined {
  if (end - off < 1) return undefined;
  const v = bytes[off]! >> 4;
  if (v === 4) {
    if (end - off < IP.HDR) return undefined;
    const ihl = (bytes[off + IP.VHL]! & 0xf) * 4;
    if (ihl < IP.HDR || end - off < ihl) return undefined;
    const totalLen = u16(bytes, off + IP.LEN);
    return {
      family: 4, bytes, off,
      src: big(bytes, off + IP.SRC, 4), dst: big(bytes, off + IP.DST, 4),
      proto: bytes[off + IP.PROTO]!, ttl: bytes[off + IP.TTL]!, id: u16(bytes, off + IP.ID),
      totalLen, l4: off + ihl, end: Math.min(end, off + Math.max(totalLen, ihl)),
    };
  }
  if (v === 6) {
    if (end - off < IPV6.HDR) return undefined;
    let proto = bytes[off + IPV6.NXT]!;
    let l4 = off + IPV6.HDR;
    // Hop-by-hop, routing, destination options and fragment headers: skip to the upper layer.
    while ((proto === 0 || proto === 43 || proto === 60 || proto === 44) && l4 + 8 <= end) {
      const next = bytes[l4]!;
      l4 += proto === 44 ? 8 : (bytes[l4 + 1]! + 1) * 8;
      proto = next;
    }
    const totalLen = IPV6.HDR + u16(bytes, off + IPV6.PLEN);
    return {
      family: 6, bytes, off,
      src: big(bytes, off + IPV6.SRC, 16), dst: big(bytes, off + IPV6.DST, 16),
      proto, ttl: bytes[off + IPV6.HLIM]!, id: 0, totalLen, l4, end: Math.min(end, off + totalLen),
    };
  }
  return undefined;
}

/** The network layer of a captured frame: Ethernet (with 802.1Q tags) or raw IP. */
export function frameIp(data: Uint8Array, ethernet: boolean): IpView | undefined {
  if (!ethernet) return readIp(data, 0);
  if (data.length < ETH.HDR) return undefined;
  let off = ETH.TYPE;
  let type = u16(data, off);
  while ((type === 0x8100 || type === 0x88a8) && off + 6 <= data.length) {
    off += 4;
    type = u16(data, off);
  }
  if (type !== 0x0800 && type !== 0x86dd) return undefined;
  return readIp(data, off + 2);
}

export const ICMP_PROTO = { 4: 1, 6: 58 } as const;

/** The ICMP (or ICMPv6) header of a datagram. */
export interface IcmpView {
  type: number;
  code: number;
  /** Bytes 4..7: identifier and sequence of an echo; the MTU of a frag-needed / packet-too-big. */
  id: number;
  seq: number;
  mtu: number;
  /** For an error: the datagram it quotes. */
  quoted?: IpView;
}

export function isIcmpError(family: Family, type: number): boolean {
  return family === 4 ? type === 3 || type === 11 || type === 12 || type === 4 || type === 5 : type >= 1 && type <= 4;
}

export function readIcmp(ip: IpView): IcmpView | undefined {
  if (ip.proto !== ICMP_PROTO[ip.family]) return undefined;
  const b = ip.bytes;
  const o = ip.l4;
  if (ip.end - o < ICMP.HDR) return undefined;
  const type = b[o + ICMP.TYPE]!;
  const view: IcmpView = {
    type,
    code: b[o + ICMP.CODE]!,
    id: u16(b, o + ICMP.ID),
    seq: u16(b, o + ICMP.SEQ),
    mtu: ip.family === 4 ? u16(b, o + ICMP.MTU) : ((b[o + ICMPV6.MTU]! << 24) >>> 0) + (b[o + ICMPV6.MTU + 1]! << 16) + u16(b, o + ICMPV6.MTU + 2),
  };
  if (isIcmpError(ip.family, type)) {
    const q = readIp(b, o + ICMP.HDR, ip.end);
    if (q) view.quoted = q;
  }
  return view;
}

export const ECHO = { 4: { request: 8, reply: 0 }, 6: { request: 128, reply: 129 } } as const;

/** What identifies one probe: its flow and its number. */
export interface ProbeKey {
  family: Family;
  src: bigint;
  dst: bigint;
  proto: number;
  /** ICMP echo: identifier and sequence. UDP/TCP: ports (and the TCP sequence). */
  icmpId?: number;
  icmpSeq?: number;
  sport?: number;
  dport?: number;
  tcpSeq?: number;
  /** IPv4 identification (0 when not used to match). */
  ipId?: number;
  /** UDP: the first two payload bytes (Paris probes over IPv6, which has no identification). */
  udpData?: number;
}

/** True when the (possibly cut) quoted datagram is this probe: same addresses, protocol and transport identity. */
export function quotes(q: IpView, p: ProbeKey): boolean {
  if (q.family !== p.family || q.src !== p.src || q.dst !== p.dst || q.proto !== p.proto) return false;
  const b = q.bytes;
  const o = q.l4;
  if (p.icmpId !== undefined) {
    // A quote holds at least 8 bytes of the original's payload (RFC 792): the echo header is there.
    if (q.end - o < ICMP.HDR) return p.ipId !== undefined && p.ipId !== 0 && q.id === p.ipId;
    return b[o + ICMP.TYPE] === ECHO[p.family].request && u16(b, o + ICMP.ID) === p.icmpId && u16(b, o + ICMP.SEQ) === p.icmpSeq;
  }
  if (p.sport !== undefined) {
    if (q.end - o < 4) return false;
    if (u16(b, o + UDP.SPORT) !== p.sport || u16(b, o + UDP.DPORT) !== p.dport) return false;
    if (p.tcpSeq !== undefined && q.end - o >= 8) {
      const seq = ((b[o + 4]! << 24) >>> 0) + (b[o + 5]! << 16) + u16(b, o + 6);
      if (seq !== p.tcpSeq) return false;
    }
    // UDP probes that share ports (Paris) are told apart by the IPv4 identification (IPv6: the payload).
    if (p.ipId !== undefined && p.ipId !== 0 && q.family === 4 && q.id !== p.ipId) return false;
    if (p.udpData !== undefined && (q.end - o < 10 || u16(b, o + 8) !== p.udpData)) return false;
    return true;
  }
  return true;
}

export type Answer =
  | { kind: 'reply'; ip: IpView; icmp: IcmpView }
  | { kind: 'error'; ip: IpView; icmp: IcmpView }
  | { kind: 'tcp'; ip: IpView; flags: number };

/**
 * What this datagram says about probe `p`, or undefined when it is not an answer to it: an echo
 * reply from the probe's destination with its identifier and sequence, an ICMP error quoting it,
 * or a TCP segment of its flow acknowledging its sequence (SYN/ACK or RST).
 */
export function answers(ip: IpView, p: ProbeKey): Answer | undefined {
  if (ip.family !== p.family || ip.dst !== p.src) return undefined;
  const icmp = readIcmp(ip);
  if (icmp) {
    if (icmp.quoted) return quotes(icmp.quoted, p) ? { kind: 'error', ip, icmp } : undefined;
    if (p.icmpId !== undefined && icmp.type === ECHO[p.family].reply && icmp.id === p.icmpId && icmp.seq === p.icmpSeq && ip.src === p.dst) return { kind: 'reply', ip, icmp };
    return undefined;
  }
  if (ip.proto === 6 && p.proto === 6 && ip.src === p.dst && ip.end - ip.l4 >= 14) {
    const b = ip.bytes;
    const o = ip.l4;
    if (u16(b, o) !== p.dport || u16(b, o + 2) !== p.sport) return undefined;
    const flags = b[o + 13]!;
    const ack = ((b[o + 8]! << 24) >>> 0) + (b[o + 9]! << 16) + u16(b, o + 10);
    // The ACK covers the SYN and whatever data it carried (pmtud's SYNs carry some).
    if (p.tcpSeq !== undefined && (flags & 0x10) && ((ack - p.tcpSeq - 1) >>> 0) > 0xffff) return undefined;
    return { kind: 'tcp', ip, flags };
  }
  return undefined;
}
