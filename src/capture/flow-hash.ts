/**
 * Which of N shards a frame belongs to, from its raw bytes, before any dissection: a symmetric
 * hash of the outermost IP address pair, as a NIC's receive-side scaling or AF_PACKET's fanout by
 * hash spread traffic over cores. Every packet between two hosts (both directions, every port,
 * every fragment, every tunnel inside) lands in the same shard, so all the state a dissector keeps
 * per conversation or per datagram (TCP streams and analysis, IP reassembly) stays inside one
 * shard. Frames with no IP header where we look (ARP, MPLS, PPPoE, LLC/SNAP) go to shard 0.
 *
 * Link types read: Ethernet (with 802.1Q/802.1ad/Q-in-Q tags), Linux cooked v1 and v2, raw IP
 * (101, 228, 229), BSD NULL/LOOP.
 */
import { LinkType } from './frame.js';

/** The shard (0..shards-1) of the frame `d[off, off+len)` captured on link type `linkType`. */
export function flowShard(d: Uint8Array, off: number, len: number, linkType: number, shards: number): number {
  if (shards <= 1) return 0;
  const end = off + len;
  let ip = -1;
  switch (linkType) {
    case LinkType.ETHERNET: {
      let p = off + 12;
      if (p + 2 > end) return 0;
      let type = (d[p]! << 8) | d[p + 1]!;
      while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && p + 6 <= end) {
        p += 4;
        type = (d[p]! << 8) | d[p + 1]!;
      }
      if (type !== 0x0800 && type !== 0x86dd) return 0;
      ip = p + 2;
      break;
    }
    case LinkType.LINUX_SLL: {
      if (off + 16 > end) return 0;
      const type = (d[off + 14]! << 8) | d[off + 15]!;
      if (type !== 0x0800 && type !== 0x86dd) return 0;
      ip = off + 16;
      break;
    }
    case LinkType.LINUX_SLL2: {
      if (off + 20 > end) return 0;
      const type = (d[off]! << 8) | d[off + 1]!;
      if (type !== 0x0800 && type !== 0x86dd) return 0;
      ip = off + 20;
      break;
    }
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      ip = off;
      break;
    case LinkType.NULL:
    case LinkType.LOOP:
      // The address family's value differs between systems (AF_INET6 is 10, 24, 28 or 30): the IP
      // version nibble says which it is.
      ip = off + 4;
      break;
    default:
      return 0;
  }
  if (ip >= end) return 0;
  const version = d[ip]! >> 4;
  let h: number;
  if (version === 4) {
    if (ip + 20 > end) return 0;
    h = addrHash(d, ip + 12, 4) + addrHash(d, ip + 16, 4);
  } else if (version === 6) {
    if (ip + 40 > end) return 0;
    h = addrHash(d, ip + 8, 16) + addrHash(d, ip + 24, 16);
  } else return 0;
  // The sum is the same both ways; a final mix spreads it.
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) % shards;
}

/** A 32-bit hash of `n` address bytes (FNV-1a, then a mix). */
function addrHash(d: Uint8Array, p: number, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ d[p + i]!, 0x01000193);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}
