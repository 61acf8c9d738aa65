/**
 * Transport checksums over the IP pseudo-header (RFC 768, RFC 793 3.1, RFC 8200 8.1), for
 * decoding (from the packet's network-layer context) and for building (from the outer layer spec).
 */
import { parseIPv4, parseIPv6, sum16 } from './bytes.js';
import type { Packet } from './packet.js';
import type { EmitContext } from './registry.js';

/** Unfolded pseudo-header sum for the innermost IP header of the packet being dissected. */
export function pseudoHeaderSum(pkt: Packet, proto: number, length: number): number {
  const h = pkt.ipHdr;
  if (pkt.ipVersion === 4) {
    return sum16(h, pkt.ipSrcOff, 4) + sum16(h, pkt.ipDstOff, 4) + proto + length;
  }
  return sum16(h, pkt.ipSrcOff, 16) + sum16(h, pkt.ipDstOff, 16) + proto + Math.floor(length / 0x10000) + (length & 0xffff);
}

/** The same for a packet being built: the nearest outer `ip`/`ipv6` layer; undefined if none. */
export function pseudoHeaderSumFromSpec(ctx: EmitContext, proto: number, length: number): number | undefined {
  for (let i = ctx.index - 1; i >= 0; i--) {
    const l = ctx.layers[i]!;
    if (l.proto === 'ip') {
      const s = parseIPv4(String(l.src ?? '0.0.0.0'));
      const d = parseIPv4(String(l.dst ?? '0.0.0.0'));
      return (s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff) + proto + length;
    }
    if (l.proto === 'ipv6') {
      const s = parseIPv6(String(l.src ?? '::'));
      const d = parseIPv6(String(l.dst ?? '::'));
      return sum16(s, 0, 16) + sum16(d, 0, 16) + proto + Math.floor(length / 0x10000) + (length & 0xffff);
    }
  }
  return undefined;
}
