/**
 * Follow a TCP stream (`wirelite follow`, the connection doctor's stream text): the payload of
 * stream N, both directions in the order it was delivered (FollowAssembler in
 * src/dissectors/tcp/reassembly.ts: out-of-order segments in place, retransmitted bytes once,
 * gaps the receiver acknowledged marked), and tshark's text formats of a chunk.
 *
 * A consumer of two inputs of one read: `segment(r)` per TCP tap record (the segment's numbers),
 * then `add(pkt)` per packet (its payload, tcp.payload kept in the tree); chunks go to `emit`.
 */
import { formatIPv4At, formatIPv6 } from '../dissectors/bytes.js';
import { fieldByName } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';
import type { TcpTapRecord } from '../dissectors/tcp/tap.js';
import { FollowAssembler, type FollowChunk } from '../dissectors/tcp/reassembly.js';

export type { FollowChunk };

const EMPTY = new Uint8Array(0);

/** The follow consumer of one stream. */
export class TcpFollow {
  private readonly payloadFid = fieldByName('tcp.payload')!.id;
  private seg: { frame: number; dir: 0 | 1; seq: number; ack: number; flags: number; len: number; sp: number; dp: number } | undefined;
  private readonly asm: FollowAssembler;
  /** "addr:port" of node 0 (the sender of the stream's first packet) and node 1; '' before it. */
  node0 = '';
  node1 = '';
  started = false;

  constructor(
    readonly stream: number,
    emit: (c: FollowChunk) => void,
    /** Called once, at the stream's first packet (node 0, node 1 known). */
    private readonly onStart?: (node0: string, node1: string) => void,
  ) {
    this.asm = new FollowAssembler(emit);
  }

  /** The field ids `add` reads (the read's tree must keep them). */
  static fieldIds(): number[] {
    return [fieldByName('tcp.payload')!.id];
  }

  /** A TCP tap record (before the packet it came from). */
  segment(r: TcpTapRecord): void {
    if (r.stream !== this.stream) return;
    this.seg = { frame: r.frame, dir: r.dir ? 1 : 0, seq: r.seq, ack: r.ack, flags: r.flags, len: r.len, sp: r.srcPort, dp: r.dstPort };
  }

  /** The packet of the last segment: its payload to the assembler. */
  add(pkt: Packet): void {
    const s = this.seg;
    if (!s || s.frame !== pkt.frame.number) return;
    this.seg = undefined;
    if (!this.started) {
      this.started = true;
      const [src, dst] = packetAddresses(pkt);
      // Node 0 sent the stream's first packet; this one may come from either side.
      this.node0 = s.dir === 0 ? `${src}:${s.sp}` : `${dst}:${s.dp}`;
      this.node1 = s.dir === 0 ? `${dst}:${s.dp}` : `${src}:${s.sp}`;
      this.onStart?.(this.node0, this.node1);
    }
    const i = s.len > 0 ? pkt.find(this.payloadFid) : -1;
    const data = i >= 0 ? pkt.bytesOf(i) : EMPTY;
    this.asm.segment(s.dir, s.frame, s.seq, s.ack, s.flags, data, s.len);
  }
}

/** The IP addresses of a packet's (outer) IP header as text, IPv6 in brackets. */
export function packetAddresses(pkt: Packet): [string, string] {
  const h = pkt.ipHdr;
  if (pkt.ipVersion === 6) return [`[${formatIPv6(h, pkt.ipSrcOff)}]`, `[${formatIPv6(h, pkt.ipDstOff)}]`];
  return [formatIPv4At(h, pkt.ipSrcOff), formatIPv4At(h, pkt.ipDstOff)];
}

/** tshark's marker for bytes the capture lacks: the text and a NUL. */
export function followGapText(n: number): Uint8Array {
  return Buffer.from(`[${n} bytes missing in capture file]\0`, 'latin1');
}

/** tshark's ascii mode: printable bytes, CR and LF as they are, the rest as dots (one byte a char). */
export function followAsciiText(d: Uint8Array): string {
  let s = '';
  for (let i = 0; i < d.length; i++) {
    const b = d[i]!;
    s += b === 0x0d || b === 0x0a || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : '.';
  }
  return s;
}

/** tshark's hex mode: 16 bytes a line, offset in 8 uppercase hex digits, an extra space after 8 bytes. */
export function followHexDump(prefix: string, offset: number, d: Uint8Array): string {
  let s = '';
  for (let i = 0; i < d.length; i += 16) {
    const n = Math.min(16, d.length - i);
    let hex = '';
    let asc = '';
    for (let k = 0; k < n; k++) {
      const b = d[i + k]!;
      hex += b.toString(16).padStart(2, '0') + ' ';
      asc += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      if (k === 7) {
        hex += ' ';
        asc += ' ';
      }
    }
    // tshark drops one trailing space of the ASCII column (the one after byte 8, or a space byte).
    if (asc.endsWith(' ')) asc = asc.slice(0, -1);
    s += `${prefix}${(offset + i).toString(16).toUpperCase().padStart(8, '0')}  ${hex.padEnd(50, ' ')}${asc}\n`;
  }
  return s;
}
