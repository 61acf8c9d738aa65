/**
 * The TCP tap: what the TCP dissector found for one segment, for statistics and per-connection
 * analysis (`wirelite stats FILE tcp|conv|io`), without building a tree (Wireshark's "tcp" tap,
 * struct tcpheader plus the analysis verdicts).
 *
 * The dissector fills one record per segment (not for headers quoted in ICMP errors), pooled by its
 * session (../taps.ts) and delivered after the packet is dissected (behind the pipeline's display
 * filter); a listener copies what it keeps. No listener: no cost. The record is given in a
 * single-pass read and in the second pass of a two-pass read (then verdicts are final), never in a
 * first pass.
 */
import { TapKind } from '../taps.js';

export interface TcpTapRecord {
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** Bytes on the wire of the whole frame. */
  frameLen: number;
  /** Stream index (tcp.stream) and direction: 0 = sent by the side that sent the stream's first packet. */
  stream: number;
  dir: number;
  srcPort: number;
  dstPort: number;
  /** Raw and relative sequence / acknowledgement numbers; next relative sequence number. */
  seqRaw: number;
  ackRaw: number;
  seq: number;
  ack: number;
  nxtseq: number;
  /** TCP payload length (tcp.len). */
  len: number;
  /** Header flags (12 bits: AE CWR ECE URG ACK PSH RST SYN FIN). */
  flags: number;
  /** Raw window field, the scaled window (tcp.window_size) and the scale factor (-1 unknown, -2 unused, else 2^shift). */
  winRaw: number;
  win: number;
  winScale: number;
  /** Options seen in this segment: MSS (-1 none), window-scale shift (-1 none), SACK permitted, SACK blocks. */
  mss: number;
  wsShift: number;
  sackPerm: boolean;
  sackBlocks: number;
  /** IP ECN codepoint (0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE) and IP version (4/6). */
  ipEcn: number;
  ipVersion: number;
  /** Whether sequence analysis ran for this segment and what it found (TcpFlag bits of tcp-analysis.ts). */
  analysed: boolean;
  analysisFlags: number;
  /** tcp.analysis.bytes_in_flight (-1 when not reported). */
  bytesInFlight: number;
  /** tcp.analysis.ack_rtt in seconds (0: none) and the frame it acknowledges (0: none). */
  ackRtt: number;
  acksFrame: number;
  /** tcp.analysis.duplicate_ack_num (0: not a duplicate ACK). */
  dupackNum: number;
  /** tcp.analysis.initial_rtt in seconds (0: unknown). */
  initialRtt: number;
  /** A new stream on a used 4-tuple (tcp.analysis.reused_ports). */
  reusedPorts: boolean;
  /**
   * The bytes holding this segment's IP header and the offsets of its source and destination
   * addresses (4 bytes each for IPv4, 16 for IPv6): a listener formats them only when it needs
   * them (e.g. once per new stream). A view of the frame: valid only during the call.
   */
  addrBytes: Uint8Array;
  srcAddrOff: number;
  dstAddrOff: number;
}

/** A record with every field at its "none" value (the template of the pooled records). */
export function newTcpTapRecord(): TcpTapRecord {
  return {
    frame: 0, tsSec: 0, tsNsec: 0, frameLen: 0, stream: 0, dir: 0, srcPort: 0, dstPort: 0,
    seqRaw: 0, ackRaw: 0, seq: 0, ack: 0, nxtseq: 0, len: 0, flags: 0, winRaw: 0, win: 0, winScale: -1,
    mss: -1, wsShift: -1, sackPerm: false, sackBlocks: 0, ipEcn: 0, ipVersion: 0,
    analysed: false, analysisFlags: 0, bytesInFlight: -1, ackRtt: 0, acksFrame: 0, dupackNum: 0, initialRtt: 0, reusedPorts: false,
    addrBytes: new Uint8Array(0), srcAddrOff: 0, dstAddrOff: 0,
  };
}

/** A record with every field at its "none" value: copy it (`{ ...tcpTapRecord }`), never write it. */
export const tcpTapRecord: Readonly<TcpTapRecord> = Object.freeze(newTcpTapRecord());

/** The TCP tap's kind: a session's listeners and pooled records (../taps.ts). */
export const TCP_TAP = new TapKind<TcpTapRecord>('tcp', newTcpTapRecord);

/**
 * Options a listener needs, scanned from the option bytes [p, end) in one walk that stops at End of
 * Option List and at an option whose length is short or runs past the end (the first option of each
 * kind counts): MSS, window-scale shift, SACK permitted and the number of SACK blocks (written into
 * the tap record). Returns the kinds 2..5 seen, as bits (1 << kind): whether the walk met a SACK
 * option, for one, tells the analysis whether to look for its blocks.
 */
export function scanTapOptions(d: Uint8Array, p: number, end: number, r: TcpTapRecord): number {
  let mss = -1;
  let ws = -1;
  let sackPerm = false;
  let sackBlocks = 0;
  let seen = 0;
  while (p < end) {
    const k = d[p]!;
    if (k === 0) break;
    if (k === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const l = d[p + 1]!;
    if (l < 2 || p + l > end) break;
    if (k >= 2 && k <= 5 && (seen & (1 << k)) === 0) {
      seen |= 1 << k;
      if (k === 2) mss = l === 4 ? (d[p + 2]! << 8) | d[p + 3]! : -1;
      else if (k === 3) ws = l === 3 ? d[p + 2]! : -1;
      else if (k === 4) sackPerm = l === 2;
      else sackBlocks = (l - 2) >> 3;
    }
    p += l;
  }
  r.mss = mss;
  r.wsShift = ws;
  r.sackPerm = sackPerm;
  r.sackBlocks = sackBlocks;
  return seen;
}
