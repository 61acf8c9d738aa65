/**
 * The per-packet series of one TCP connection (the terminal UI's connection doctor draws its
 * graphs from it): per packet of the stream its time, direction, sequence and acknowledgement
 * numbers, length, window, SACK blocks, retransmission verdicts, bytes in flight and ACK RTT,
 * read from the fields the dissectors put in the tree (tcp.seq, tcp.ack, tcp.window_size,
 * tcp.options.sack_le/re, tcp.analysis.*), as `tshark -Y "tcp.stream==N" -T fields -e ...` prints them.
 *
 * A consumer: the read keeps `TcpSeries.fieldIds()` in the tree and puts the display filter
 * `tcp.stream == N` in front (two passes, so the analysis values are final); `add(pkt)` per
 * packet that passed, `result()` the points. Bounded by TCP_SERIES_LIMITS (later packets are
 * counted, not kept). Relative sequence numbers, as tshark's default. An ICMP error quoting a
 * segment of the stream (tshark gives the quote its tcp.stream) is not a point: the connection's
 * own segments only.
 */
import { fieldByName } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';
import { formatIPv4At, formatIPv6 } from '../dissectors/bytes.js';

export const TCP_SERIES_LIMITS = {
  /** Packets kept per connection (about 120 bytes each); later ones are counted in `dropped`. */
  maxPoints: 1_000_000,
  /** SACK blocks kept per packet (a TCP header has room for 4). */
  maxSackBlocks: 4,
};

/** Retransmission verdict of a segment (tcp.analysis.*). */
export const enum Retrans {
  None = 0,
  Retransmission = 1,
  Fast = 2,
  Spurious = 3,
}

export interface TcpSeriesPoint {
  frame: number;
  /** frame.time_relative: seconds since the first frame of the file. */
  time: number;
  /** 0: sent by node 0 (the sender of the stream's first packet), 1: by node 1. */
  dir: number;
  /** tcp.seq, tcp.nxtseq (0 when absent), tcp.ack (-1 without ACK), tcp.len, tcp.window_size (scaled). */
  seq: number;
  nxtseq: number;
  ack: number;
  len: number;
  win: number;
  /** tcp.flags (SYN 0x02, FIN 0x01, RST 0x04, ACK 0x10). */
  flags: number;
  /** SACK blocks (tcp.options.sack_le / sack_re, relative), in the order of the option. */
  sack: Array<[number, number]>;
  retrans: Retrans;
  /** tcp.analysis.bytes_in_flight (-1: not reported). */
  bytesInFlight: number;
  /** tcp.analysis.ack_rtt in seconds (-1: none) and tcp.analysis.acks_frame (0: none). */
  ackRtt: number;
  acksFrame: number;
}

export interface TcpSeriesResult {
  stream: number;
  /** "addr:port" of node 0 and node 1 (IPv6 in brackets). */
  node0: string;
  node1: string;
  points: TcpSeriesPoint[];
  /** Packets beyond TCP_SERIES_LIMITS.maxPoints. */
  dropped: number;
}

const FIELD_NAMES = [
  'frame.time_relative', 'tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.nxtseq', 'tcp.ack', 'tcp.len', 'tcp.window_size', 'tcp.flags',
  'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.bytes_in_flight', 'tcp.analysis.ack_rtt', 'tcp.analysis.acks_frame', 'icmp', 'icmpv6',
] as const;

const ids = (): number[] => FIELD_NAMES.map((n) => {
  const f = fieldByName(n);
  if (!f) throw new Error(`tcp-series: no field ${n}`);
  return f.id;
});

/** The series of one stream. */
export class TcpSeries {
  private readonly ids = ids();
  private readonly points: TcpSeriesPoint[] = [];
  private node0 = '';
  private node1 = '';
  private port0 = -1;
  private addr0 = '';
  dropped = 0;

  constructor(readonly stream: number) {}

  /** The field ids `add` reads: the read's tree must keep them. */
  static fieldIds(): number[] {
    return ids();
  }

  /** A packet that passed `tcp.stream == stream`. */
  add(pkt: Packet): void {
    const [fTime, fStream, fSport, fDport, fSeq, fNxt, fAck, fLen, fWin, fFlags, fSle, fSre, fRe, fFast, fSpur, fBif, fRtt, fAcks, fIcmp, fIcmp6] = this.ids as [number, ...number[]] as number[];
    const n = pkt.n;
    const fid = pkt.fid;
    const num = pkt.num;
    // The stream's own TCP header: an ICMP error's quote is not (tcp.stream is not the quote's).
    let s = -1;
    for (let i = 0; i < n; i++) {
      const f = fid[i]!;
      if (f === fIcmp || f === fIcmp6) return;
      if (f === fStream) {
        s = num[i]!;
        break;
      }
    }
    if (s !== this.stream) return;
    if (this.points.length >= TCP_SERIES_LIMITS.maxPoints) {
      this.dropped++;
      return;
    }
    const p: TcpSeriesPoint = { frame: pkt.frame.number, time: 0, dir: 0, seq: 0, nxtseq: 0, ack: -1, len: 0, win: 0, flags: 0, sack: [], retrans: Retrans.None, bytesInFlight: -1, ackRtt: -1, acksFrame: 0 };
    let sport = -1;
    let dport = -1;
    let le = -1;
    for (let k = 0; k < n; k++) {
      const f = fid[k]!;
      const v = num[k]!;
      if (f === fTime) p.time = v;
      else if (f === fSport) sport = v;
      else if (f === fDport) dport = v;
      else if (f === fSeq) p.seq = v;
      else if (f === fNxt) p.nxtseq = v;
      else if (f === fAck) p.ack = v;
      else if (f === fLen) p.len = v;
      else if (f === fWin) p.win = v;
      else if (f === fFlags) p.flags = v;
      else if (f === fSle) le = v;
      else if (f === fSre) {
        if (le >= 0 && p.sack.length < TCP_SERIES_LIMITS.maxSackBlocks) p.sack.push([le, v]);
        le = -1;
      } else if (f === fRe) p.retrans = p.retrans || Retrans.Retransmission;
      else if (f === fFast) p.retrans = Retrans.Fast;
      else if (f === fSpur) p.retrans = Retrans.Spurious;
      else if (f === fBif) p.bytesInFlight = v;
      else if (f === fRtt) p.ackRtt = v;
      else if (f === fAcks) p.acksFrame = v;
    }
    const v6 = pkt.ipVersion === 6;
    const h = pkt.ipHdr;
    const src = pkt.ipVersion === 0 ? '?' : v6 ? `[${formatIPv6(h, pkt.ipSrcOff)}]` : formatIPv4At(h, pkt.ipSrcOff);
    if (this.port0 < 0) {
      const dst = pkt.ipVersion === 0 ? '?' : v6 ? `[${formatIPv6(h, pkt.ipDstOff)}]` : formatIPv4At(h, pkt.ipDstOff);
      this.port0 = sport;
      this.addr0 = src;
      this.node0 = `${src}:${sport}`;
      this.node1 = `${dst}:${dport}`;
    }
    p.dir = sport === this.port0 && src === this.addr0 ? 0 : 1;
    this.points.push(p);
  }

  result(): TcpSeriesResult {
    return { stream: this.stream, node0: this.node0, node1: this.node1, points: this.points, dropped: this.dropped };
  }
}
