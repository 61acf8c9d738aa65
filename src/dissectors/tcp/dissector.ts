/**
 * TCP (RFC 9293). Options: EOL/NOP, MSS (RFC 9293 3.2), window scale and timestamps (RFC 7323),
 * SACK-permitted and SACK (RFC 2018), TCP Fast Open cookie (RFC 7413); unknown options kept as
 * bytes. Relative sequence numbers, the stream index and the scaled window come from the
 * conversation table (src/dissectors/tcp/conversations.ts), as in Wireshark.
 */
import { defineFields, FT, Base } from '../fields.js';
import { decText, foldChecksum, sum16, u16, u24, u32 } from '../bytes.js';
import { fieldGroup, need, SessionKey, sessionSlot, Severity, type Packet } from '../packet.js';
import { seqGe, seqLe } from './seq.js';
import { dispatchPorts, register, tableConsumes, type EmitContext, type LayerSpecOf } from '../registry.js';
import { pseudoHeaderSum, pseudoHeaderSumFromSpec } from '../checksum.js';
import { labelPortItems } from '../names.js';
import { dissectTcpStream, dissectTruncatedTcpSegment, fillTcpStreamHole, finishTcpStream, streamProtocolsEnabled } from './stream.js';
import { newTcpTapRecord, scanTapOptions, TCP_TAP } from './tap.js';
import { addTcpAnalysisTree, addTcpQuotedTimes, analyseTcp, result as analysis, TcpFlag, tcpAnalysisInfoPrefix } from './analysis.js';
import { effective, findConversation, newConvTable, NotingView, TcpFinals, trackSegment, windowShift, type TcpConvTable, type TcpConversation } from './conversations.js';

const OPT_KINDS: Record<number, string> = {
  0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted',
  5: 'SACK', 8: 'Time Stamp Option', 19: 'MD5 signature', 28: 'User Timeout', 29: 'TCP Authentication Option',
  30: 'Multipath TCP', 34: 'TCP Fast Open Cookie', 253: 'RFC3692-style Experiment 1', 254: 'RFC3692-style Experiment 2',
};

export const F = defineFields({
  tcp: { abbrev: 'tcp', name: 'Transmission Control Protocol', type: FT.PROTOCOL },
  srcport: { abbrev: 'tcp.srcport', name: 'Source Port', type: FT.UINT16 },
  dstport: { abbrev: 'tcp.dstport', name: 'Destination Port', type: FT.UINT16 },
  port: { abbrev: 'tcp.port', name: 'Source or Destination Port', type: FT.UINT16 },
  stream: { abbrev: 'tcp.stream', name: 'Stream index', type: FT.UINT32, generated: true },
  len: { abbrev: 'tcp.len', name: 'TCP Segment Len', type: FT.UINT32, generated: true },
  seq: { abbrev: 'tcp.seq', name: 'Sequence Number', type: FT.UINT32 },
  seq_raw: { abbrev: 'tcp.seq_raw', name: 'Sequence Number (raw)', type: FT.UINT32 },
  nxtseq: { abbrev: 'tcp.nxtseq', name: 'Next Sequence Number', type: FT.UINT32, generated: true },
  ack: { abbrev: 'tcp.ack', name: 'Acknowledgment Number', type: FT.UINT32 },
  ack_raw: { abbrev: 'tcp.ack_raw', name: 'Acknowledgment number (raw)', type: FT.UINT32 },
  hdr_len: { abbrev: 'tcp.hdr_len', name: 'Header Length', type: FT.UINT8, bits: 8, mask: 0xf0, unit: ' bytes' },
  flags: { abbrev: 'tcp.flags', name: 'Flags', type: FT.UINT16, base: Base.HEX, bits: 16, mask: 0x0fff },
  res: { abbrev: 'tcp.flags.res', name: 'Reserved', type: FT.BOOLEAN, bits: 12, mask: 0xe00 },
  ae: { abbrev: 'tcp.flags.ae', name: 'Accurate ECN', type: FT.BOOLEAN, bits: 12, mask: 0x100 },
  cwr: { abbrev: 'tcp.flags.cwr', name: 'Congestion Window Reduced', type: FT.BOOLEAN, bits: 12, mask: 0x080 },
  ece: { abbrev: 'tcp.flags.ece', name: 'ECN-Echo', type: FT.BOOLEAN, bits: 12, mask: 0x040 },
  urg: { abbrev: 'tcp.flags.urg', name: 'Urgent', type: FT.BOOLEAN, bits: 12, mask: 0x020 },
  ackf: { abbrev: 'tcp.flags.ack', name: 'Acknowledgment', type: FT.BOOLEAN, bits: 12, mask: 0x010 },
  push: { abbrev: 'tcp.flags.push', name: 'Push', type: FT.BOOLEAN, bits: 12, mask: 0x008 },
  reset: { abbrev: 'tcp.flags.reset', name: 'Reset', type: FT.BOOLEAN, bits: 12, mask: 0x004 },
  syn: { abbrev: 'tcp.flags.syn', name: 'Syn', type: FT.BOOLEAN, bits: 12, mask: 0x002 },
  fin: { abbrev: 'tcp.flags.fin', name: 'Fin', type: FT.BOOLEAN, bits: 12, mask: 0x001 },
  flags_str: { abbrev: 'tcp.flags.str', name: 'TCP Flags', type: FT.STRING, generated: true },
  window_size_value: { abbrev: 'tcp.window_size_value', name: 'Window', type: FT.UINT16 },
  window_size: { abbrev: 'tcp.window_size', name: 'Calculated window size', type: FT.UINT32, generated: true },
  window_size_scalefactor: { abbrev: 'tcp.window_size_scalefactor', name: 'Window size scaling factor', type: FT.INT32, generated: true },
  checksum: { abbrev: 'tcp.checksum', name: 'Checksum', type: FT.UINT16, base: Base.HEX },
  checksum_calculated: { abbrev: 'tcp.checksum_calculated', name: 'Calculated Checksum', type: FT.UINT16, base: Base.HEX, generated: true },
  checksum_status: { abbrev: 'tcp.checksum.status', name: 'Checksum Status', type: FT.UINT8, generated: true, strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } },
  urgent_pointer: { abbrev: 'tcp.urgent_pointer', name: 'Urgent Pointer', type: FT.UINT16 },
  options: { abbrev: 'tcp.options', name: 'Options', type: FT.BYTES },
  option_kind: { abbrev: 'tcp.option_kind', name: 'Kind', type: FT.UINT8, strings: OPT_KINDS },
  option_len: { abbrev: 'tcp.option_len', name: 'Length', type: FT.UINT8 },
  opt_eol: { abbrev: 'tcp.options.eol', name: 'TCP Option - End of Option List (EOL)', type: FT.NONE, bytesInFields: true },
  opt_nop: { abbrev: 'tcp.options.nop', name: 'TCP Option - No-Operation (NOP)', type: FT.NONE, bytesInFields: true },
  opt_mss: { abbrev: 'tcp.options.mss', name: 'TCP Option - Maximum segment size', type: FT.NONE, bytesInFields: true },
  mss_val: { abbrev: 'tcp.options.mss_val', name: 'MSS Value', type: FT.UINT16 },
  opt_wscale: { abbrev: 'tcp.options.wscale', name: 'TCP Option - Window scale', type: FT.NONE, bytesInFields: true },
  wscale_shift: { abbrev: 'tcp.options.wscale.shift', name: 'Shift count', type: FT.UINT8 },
  wscale_multiplier: { abbrev: 'tcp.options.wscale.multiplier', name: 'Multiplier', type: FT.UINT16, generated: true },
  sack_perm: { abbrev: 'tcp.options.sack_perm', name: 'TCP Option - SACK permitted', type: FT.NONE, bytesInFields: true },
  sack: { abbrev: 'tcp.options.sack', name: 'TCP Option - SACK', type: FT.NONE, bytesInFields: true },
  sack_le: { abbrev: 'tcp.options.sack_le', name: 'left edge', type: FT.UINT32 },
  sack_re: { abbrev: 'tcp.options.sack_re', name: 'right edge', type: FT.UINT32 },
  sack_count: { abbrev: 'tcp.options.sack.count', name: 'TCP SACK Count', type: FT.UINT8, generated: true },
  dsack_le: { abbrev: 'tcp.options.sack.dsack_le', name: 'D-SACK Left Edge', type: FT.UINT32, generated: true },
  dsack_re: { abbrev: 'tcp.options.sack.dsack_re', name: 'D-SACK Right Edge', type: FT.UINT32, generated: true },
  dsack: { abbrev: 'tcp.options.sack.dsack', name: 'D-SACK Sequence', type: FT.NONE },
  mss_absent: { abbrev: 'tcp.options.mss.absent', name: 'The SYN packet does not contain a MSS option', type: FT.NONE },
  mss_present: { abbrev: 'tcp.options.mss.present', name: 'The non-SYN packet does contain a MSS option', type: FT.NONE },
  ack_nonzero: { abbrev: 'tcp.ack.nonzero', name: 'The acknowledgment number field is nonzero while the ACK flag is not set', type: FT.NONE },
  window_size_scalefactor_inferred: { abbrev: 'tcp.window_size_scalefactor_inferred', name: 'Window size scaling factor, at least (inferred from bytes in flight)', type: FT.INT32, generated: true },
  opt_ts: { abbrev: 'tcp.options.timestamp', name: 'TCP Option - Timestamps', type: FT.NONE, bytesInFields: true },
  tsval: { abbrev: 'tcp.options.timestamp.tsval', name: 'Timestamp value', type: FT.UINT32 },
  tsecr: { abbrev: 'tcp.options.timestamp.tsecr', name: 'Timestamp echo reply', type: FT.UINT32 },
  opt_tfo: { abbrev: 'tcp.options.tfo', name: 'TCP Option - TCP Fast Open', type: FT.NONE, bytesInFields: true },
  tfo_request: { abbrev: 'tcp.options.tfo.request', name: 'Fast Open Cookie Request', type: FT.NONE },
  tfo_cookie: { abbrev: 'tcp.options.tfo.cookie', name: 'Fast Open Cookie', type: FT.BYTES },
  opt_qs: { abbrev: 'tcp.options.qs', name: 'TCP Option - Quick-Start', type: FT.NONE, bytesInFields: true },
  qs_rate: { abbrev: 'tcp.options.qs.rate', name: 'Rate', type: FT.UINT8 },
  opt_user_to: { abbrev: 'tcp.options.user_to', name: 'TCP Option - User Timeout', type: FT.NONE, bytesInFields: true },
  user_to_val: { abbrev: 'tcp.options.user_to_val', name: 'User Timeout', type: FT.UINT16 },
  opt_exp: { abbrev: 'tcp.options.experimental', name: 'TCP Option - Experimental', type: FT.NONE, bytesInFields: true },
  exp_exid: { abbrev: 'tcp.options.experimental.exid', name: 'Experiment Identifier', type: FT.UINT16, base: Base.HEX },
  acc_ee0b: { abbrev: 'tcp.options.acc_ecn.ee0b', name: 'Accurate ECN Echo ECT(0) Byte Counter', type: FT.UINT24 },
  acc_eceb: { abbrev: 'tcp.options.acc_ecn.eceb', name: 'Accurate ECN Echo CE Byte Counter', type: FT.UINT24 },
  acc_ee1b: { abbrev: 'tcp.options.acc_ecn.ee1b', name: 'Accurate ECN Echo ECT(1) Byte Counter', type: FT.UINT24 },
  opt_unknown: { abbrev: 'tcp.options.unknown', name: 'TCP Option - Unknown', type: FT.NONE, bytesInFields: true },
  opt_unknown_payload: { abbrev: 'tcp.options.unknown.payload', name: 'Payload', type: FT.BYTES },
  payload: { abbrev: 'tcp.payload', name: 'TCP payload', type: FT.BYTES },
  reused_ports: { abbrev: 'tcp.analysis.reused_ports', name: 'A new tcp session is started with the same ports as an earlier session in this trace', type: FT.NONE },
});

/** tcp.flags and the bits under it (tcp.flags.*): what the flags block adds. */
const FLAG_FIELDS = fieldGroup('tcp.flags');
/** The options' items: tcp.options and everything under it, tcp.option_kind, tcp.option_len. */
const OPTION_FIELDS = fieldGroup('tcp.option');

/** Shared empty list when option names are not collected (no per-packet allocation). */
const NO_NAMES: string[] = [];

const OPT_LIST_NAMES: Record<number, string> = {
  2: 'Maximum segment size', 3: 'Window scale', 4: 'SACK permitted', 5: 'SACK', 8: 'Timestamps', 34: 'TCP Fast Open',
  19: 'MD5 signature', 28: 'User Timeout', 29: 'TCP Authentication Option', 30: 'Multipath TCP',
};

const QS_RATES = ['0 bit/s', '80 kbit/s', '160 kbit/s', '320 kbit/s', '640 kbit/s', '1.28 Mbit/s', '2.56 Mbit/s', '5.12 Mbit/s', '10.24 Mbit/s', '20.48 Mbit/s', '40.96 Mbit/s', '81.92 Mbit/s', '163.84 Mbit/s', '327.68 Mbit/s', '655.36 Mbit/s', '1.31072 Gbit/s'];

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const FLAG_CHARS = 'RRRACEUAPRSF';

/**
 * `[SYN, ACK]` text of the low 9 flag bits. With Accurate ECN negotiated (`ace`), the AE, CWR and
 * ECE bits of non-SYN segments are the ACE counter and shown as `ACE=n`, as Wireshark does.
 */
export function flagsText(flags: number, ace = false): string {
  if (ace) return flagsTextOf(flags, true);
  // The 12 flag bits have 4096 texts: each made once (the Info of every TCP segment has one).
  const i = flags & 0xfff;
  return (FLAGS_TEXT[i] ??= flagsTextOf(i, false));
}

const FLAGS_TEXT: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

function flagsTextOf(flags: number, ace: boolean): string {
  let s = '';
  for (let i = 0; i < (ace ? 6 : 9); i++) {
    if (flags & (1 << i)) s += s ? `, ${FLAG_NAMES[i]}` : FLAG_NAMES[i];
  }
  if (ace) s += `${s ? ', ' : ''}ACE=${((flags >> 6) & 1) | (((flags >> 7) & 1) << 1) | (((flags >> 8) & 1) << 2)}`;
  if (flags & 0xe00) s += s ? ', Reserved' : 'Reserved';
  return s || '<None>';
}

/**
 * The bits under tcp.flags from Reserved to PSH, for a header at `off`, under the flags item `fi`
 * (the caller adds RST, SYN and FIN, whose items the main header's experts point at).
 */
function addHighFlagBits(pkt: Packet, off: number, fi: number, flags: number): void {
  pkt.add(F.res, off + 12, 2, fi, flags & 0xe00 ? 1 : 0);
  pkt.add(F.ae, off + 12, 2, fi, (flags >> 8) & 1);
  pkt.add(F.cwr, off + 12, 2, fi, (flags >> 7) & 1);
  pkt.add(F.ece, off + 12, 2, fi, (flags >> 6) & 1);
  pkt.add(F.urg, off + 12, 2, fi, (flags >> 5) & 1);
  pkt.add(F.ackf, off + 12, 2, fi, (flags >> 4) & 1);
  pkt.add(F.push, off + 12, 2, fi, (flags >> 3) & 1);
}

function flagsStr(flags: number): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += flags & (1 << (11 - i)) ? FLAG_CHARS[i] : '·';
  return s;
}

/** An option's item with its kind and length fields under it (what every option starts with). */
function optionHead(pkt: Packet, field: number, p: number, len: number, parent: number, kind: number, l: number): number {
  const o = pkt.add(field, p, len, parent);
  pkt.add(F.option_kind, p, 1, o, kind);
  pkt.add(F.option_len, p + 1, 1, o, l);
  return o;
}

/** Decodes the options; returns the window-scale shift (or -1) and the Info text. */
function decodeOptions(pkt: Packet, off: number, end: number, parent: number, flags: number, revBase: number | undefined, ackRaw: number): string {
  const d = pkt.data;
  const it = pkt.add(F.options, off, end - off, parent);
  const cols = pkt.wantColumns;
  const labels = pkt.wantLabels;
  const names: string[] = labels ? [] : NO_NAMES;
  let text = '';
  let ws = -1;
  let sawMss = false;
  let nops = 0;
  let p = off;
  while (p < end) {
    const kind = d[p]!;
    if (kind === 0) {
      if (labels) names.push('End of Option List (EOL)');
      const o = pkt.add(F.opt_eol, p, 1, it);
      pkt.add(F.option_kind, p, 1, o, 0);
      // Padding after the EOL: tshark 4.0 shows each zero byte as one more EOL.
      for (p++; p < end && d[p] === 0; p++) {
        if (labels) names.push('End of Option List (EOL)');
        const e = pkt.add(F.opt_eol, p, 1, it);
        pkt.add(F.option_kind, p, 1, e, 0);
      }
      break;
    }
    if (kind === 1) {
      if (labels) names.push('No-Operation (NOP)');
      // Wireshark counts NOPs in a row within one 32-bit word of the header: a NOP on a word
      // boundary after others starts again (and is not counted); the fourth raises tcp.nop.
      if (nops === 0 || (p - off) % 4 !== 0) {
        if (++nops === 4) pkt.addExpert(it, Severity.Warn, 'Protocol', 'tcp.nop', '4 NOP in a row - a router may have removed some options');
      } else nops = 0;
      const o = pkt.add(F.opt_nop, p, 1, it);
      pkt.add(F.option_kind, p, 1, o, 1);
      p++;
      continue;
    }
    if (p + 1 >= end) {
      pkt.markMalformed(it, 'TCP option length missing');
      break;
    }
    const l = d[p + 1]!;
    if (l < 2 || p + l > end) {
      const o = optionHead(pkt, F.opt_unknown, p, end - p, it, kind, l);
      pkt.addExpert(o, Severity.Warn, 'Protocol', 'tcp.option.len.invalid', `The length of option ${kind} is invalid: ${l}`);
      break;
    }
    const body = p + 2;
    switch (kind) {
      case 2: {
        const o = pkt.add(F.opt_mss, p, l, it);
        sawMss = true;
        if (!(flags & 0x02)) {
          pkt.hide(pkt.add(F.mss_present, p, 0, o));
          pkt.addExpert(o, Severity.Warn, 'Protocol', 'tcp.options.mss.present', 'The non-SYN packet does contain a MSS option');
        }
        pkt.add(F.option_kind, p, 1, o, kind);
        pkt.add(F.option_len, p + 1, 1, o, l);
        if (l === 4) {
          const mss = u16(d, body);
          pkt.add(F.mss_val, body, 2, o, mss);
          if (cols) text += ` MSS=${mss}`;
          if (labels) pkt.setLabel(o, `TCP Option - Maximum segment size: ${mss} bytes`);
        }
        break;
      }
      case 3: {
        const o = optionHead(pkt, F.opt_wscale, p, l, it, kind, l);
        if (l === 3) {
          ws = d[body]!;
          pkt.add(F.wscale_shift, body, 1, o, ws);
          const mult = 1 << Math.min(ws, 14);
          pkt.add(F.wscale_multiplier, body, 1, o, mult);
          if (cols) text += ` WS=${mult}`;
          if (labels) pkt.setLabel(o, `TCP Option - Window scale: ${ws} (multiply by ${mult})`);
        }
        break;
      }
      case 4: {
        const o = optionHead(pkt, F.sack_perm, p, l, it, kind, l);
        if (cols) text += ' SACK_PERM';
        break;
      }
      case 5: {
        const o = optionHead(pkt, F.sack, p, l, it, kind, l);
        let n = 0;
        for (let q = body; q + 8 <= p + l; q += 8) {
          const le = u32(d, q);
          const re = u32(d, q + 4);
          const rle = revBase === undefined ? le : (le - revBase) >>> 0;
          const rre = revBase === undefined ? re : (re - revBase) >>> 0;
          pkt.add(F.sack_le, q, 4, o, rle);
          pkt.add(F.sack_re, q + 4, 4, o, rre);
          if (cols) text += ` SLE=${decText(rle)} SRE=${decText(rre)}`;
          n++;
        }
        pkt.add(F.sack_count, p, 0, o, n);
        // D-SACK (RFC 2883): the first block reports bytes received twice: it lies wholly at or
        // below the cumulative ACK (one that straddles it is not, as tshark 4.0), or inside the
        // second block.
        if (n > 0 && flags & 0x10) {
          const le = u32(d, body);
          const re = u32(d, body + 4);
          const below = seqLe(re, ackRaw);
          if (below || (n > 1 && seqGe(le, u32(d, body + 8)) && seqLe(re, u32(d, body + 12)))) {
            pkt.add(F.dsack_le, body, 4, o, revBase === undefined ? le : (le - revBase) >>> 0);
            pkt.add(F.dsack_re, body + 4, 4, o, revBase === undefined ? re : (re - revBase) >>> 0);
            pkt.addExpert(pkt.add(F.dsack, body, 0, o), Severity.Warn, 'Sequence', 'tcp.options.sack.dsack', 'D-SACK Sequence');
          }
        }
        break;
      }
      case 8: {
        const o = optionHead(pkt, F.opt_ts, p, l, it, kind, l);
        if (l === 10) {
          const tsval = u32(d, body);
          const tsecr = u32(d, body + 4);
          pkt.add(F.tsval, body, 4, o, tsval);
          pkt.add(F.tsecr, body + 4, 4, o, tsecr);
          if (cols) text += ` TSval=${decText(tsval)} TSecr=${decText(tsecr)}`;
          if (labels) pkt.setLabel(o, `TCP Option - Timestamps: TSval ${tsval}, TSecr ${tsecr}`);
        }
        break;
      }
      case 34: {
        const o = optionHead(pkt, F.opt_tfo, p, l, it, kind, l);
        if (l === 2) {
          pkt.add(F.tfo_request, p, 2, o);
          if (cols) text += ' TFO=R';
        } else {
          pkt.add(F.tfo_cookie, body, l - 2, o);
          if (cols) text += ' TFO=C';
        }
        break;
      }
      case 253:
      case 254:
      case 172:
      case 174: {
        // RFC 6994 experiments (ExID): TCP Fast Open 0xF989 (RFC 7413), Accurate ECN 0xACC0/0xACC1;
        // IANA kinds 172/174 are AccECN order 0/1 without an ExID.
        const exid = kind >= 253 && l >= 4 ? u16(d, body) : -1;
        const o = optionHead(pkt, F.opt_exp, p, l, it, kind, l);
        if (exid >= 0) pkt.add(F.exp_exid, body, 2, o, exid);
        if (exid === 0xf989) {
          if (l === 4) {
            pkt.add(F.tfo_request, p, l, o);
            if (cols) text += ' TFO=R';
          } else {
            pkt.add(F.tfo_cookie, body + 2, l - 4, o);
            if (cols) text += ' TFO=C';
          }
          if (labels) names.push('Experimental');
        } else if (exid === 0xacc0 || exid === 0xacc1 || kind === 172 || kind === 174) {
          const order1 = exid === 0xacc1 || kind === 174;
          const start = exid >= 0 ? body + 2 : body;
          const names3 = order1 ? ['EE1B', 'ECEB', 'EE0B'] : ['EE0B', 'ECEB', 'EE1B'];
          const fids = order1 ? [F.acc_ee1b, F.acc_eceb, F.acc_ee0b] : [F.acc_ee0b, F.acc_eceb, F.acc_ee1b];
          for (let k = 0; k < 3 && start + 3 * k + 3 <= p + l; k++) {
            const v = u24(d, start + 3 * k);
            pkt.add(fids[k]!, start + 3 * k, 3, o, v);
            if (cols) text += ` ${names3[k]}=${v}`;
          }
          if (labels) names.push(kind >= 253 ? 'Experimental' : 'Accurate ECN');
        } else if (labels) names.push('Experimental');
        p += l;
        continue;
      }
      case 27: {
        // Quick-Start (RFC 4782): function (request 0 / response 8) and rate.
        const o = optionHead(pkt, F.opt_qs, p, l, it, kind, l);
        if (l >= 4) {
          const rate = d[body]! & 0x0f;
          pkt.add(F.qs_rate, body, 1, o, rate);
          // Wireshark 4.0 labels the rate "QSresp" whatever the function.
          if (cols) text += ` QSresp=${QS_RATES[rate]}`;
        }
        break;
      }
      case 28: {
        // TCP User Timeout (RFC 5482): granularity bit and 15-bit timeout.
        const o = optionHead(pkt, F.opt_user_to, p, l, it, kind, l);
        if (l === 4) {
          const v = u16(d, body) & 0x7fff;
          pkt.add(F.user_to_val, body, 2, o, v);
          if (cols) text += ` USER_TO=${v}`;
        }
        break;
      }
      default: {
        const o = optionHead(pkt, F.opt_unknown, p, l, it, kind, l);
        if (l > 2) pkt.add(F.opt_unknown_payload, body, l - 2, o);
      }
    }
    if (labels) names.push(OPT_LIST_NAMES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, '0')})`);
    p += l;
  }
  if (labels) pkt.setLabel(it, `Options: (${end - off} bytes)${names.length ? ', ' + names.join(', ') : ''}`);
  if (flags & 0x02 && !sawMss) {
    pkt.hide(pkt.add(F.mss_absent, off, 0, it));
    pkt.addExpert(it, Severity.Note, 'Protocol', 'tcp.options.mss.absent', 'The SYN packet does not contain a MSS option');
  }
  return text;
}

/**
 * decodeOptions without a tree (`-q`, the one-line summary, statistics): no item can be kept, so
 * only what is seen without one is made, in the same order: the Info text (`cols`) and the expert
 * items (on no item, as decodeOptions's are then). The walk is decodeOptions's; only its items are
 * left out. Its own function: the full one, with every option's items inlined, was compiled again
 * at each deoptimisation (about 100 ms of the compiler's time each on the loaded 2-core machine).
 */
function summariseOptions(pkt: Packet, off: number, end: number, flags: number, revBase: number | undefined, ackRaw: number): void {
  const d = pkt.data;
  const cols = pkt.wantColumns;
  let sawMss = false;
  let nops = 0;
  let p = off;
  while (p < end) {
    const kind = d[p]!;
    if (kind === 0) break;
    if (kind === 1) {
      if (nops === 0 || (p - off) % 4 !== 0) {
        if (++nops === 4) pkt.addExpert(-1, Severity.Warn, 'Protocol', 'tcp.nop', '4 NOP in a row - a router may have removed some options');
      } else nops = 0;
      p++;
      continue;
    }
    if (p + 1 >= end) {
      pkt.markMalformed(-1, 'TCP option length missing');
      break;
    }
    const l = d[p + 1]!;
    if (l < 2 || p + l > end) {
      pkt.addExpert(-1, Severity.Warn, 'Protocol', 'tcp.option.len.invalid', `The length of option ${kind} is invalid: ${l}`);
      break;
    }
    const body = p + 2;
    if (kind === 8) {
      if (l === 10 && cols) {
        pkt.addInfoPart(' TSval=', u32(d, body));
        pkt.addInfoPart(' TSecr=', u32(d, body + 4));
      }
    } else if (kind === 2) {
      sawMss = true;
      if (!(flags & 0x02)) pkt.addExpert(-1, Severity.Warn, 'Protocol', 'tcp.options.mss.present', 'The non-SYN packet does contain a MSS option');
      if (l === 4 && cols) pkt.addInfoPart(' MSS=', u16(d, body));
    } else if (kind === 3) {
      if (l === 3 && cols) pkt.addInfoPart(' WS=', 1 << Math.min(d[body]!, 14));
    } else if (kind === 4) {
      if (cols) pkt.addInfoPart(' SACK_PERM');
    } else if (kind === 5) {
      let n = 0;
      for (let q = body; q + 8 <= p + l; q += 8) {
        if (cols) {
          const le = u32(d, q);
          const re = u32(d, q + 4);
          pkt.addInfoPart(' SLE=', revBase === undefined ? le : (le - revBase) >>> 0);
          pkt.addInfoPart(' SRE=', revBase === undefined ? re : (re - revBase) >>> 0);
        }
        n++;
      }
      // D-SACK, as decodeOptions.
      if (n > 0 && flags & 0x10) {
        const le = u32(d, body);
        const re = u32(d, body + 4);
        if (seqLe(re, ackRaw) || (n > 1 && seqGe(le, u32(d, body + 8)) && seqLe(re, u32(d, body + 12)))) pkt.addExpert(-1, Severity.Warn, 'Sequence', 'tcp.options.sack.dsack', 'D-SACK Sequence');
      }
    } else if (kind === 34) {
      if (cols) pkt.addInfoPart(l === 2 ? ' TFO=R' : ' TFO=C');
    } else if (kind === 253 || kind === 254 || kind === 172 || kind === 174) {
      const exid = kind >= 253 && l >= 4 ? u16(d, body) : -1;
      if (exid === 0xf989) {
        if (cols) pkt.addInfoPart(l === 4 ? ' TFO=R' : ' TFO=C');
      } else if (cols && (exid === 0xacc0 || exid === 0xacc1 || kind === 172 || kind === 174)) {
        const order1 = exid === 0xacc1 || kind === 174;
        const start = exid >= 0 ? body + 2 : body;
        for (let k = 0; k < 3 && start + 3 * k + 3 <= p + l; k++) pkt.addInfoPart(` ${k === 1 ? 'ECEB' : (k === 0) === order1 ? 'EE1B' : 'EE0B'}=`, u24(d, start + 3 * k));
      }
    } else if (kind === 27) {
      if (l >= 4 && cols) pkt.addInfoPart(` QSresp=${QS_RATES[d[body]! & 0x0f]}`);
    } else if (kind === 28) {
      if (l === 4 && cols) pkt.addInfoPart(' USER_TO=', u16(d, body) & 0x7fff);
    }
    p += l;
  }
  if (flags & 0x02 && !sawMss) pkt.addExpert(-1, Severity.Note, 'Protocol', 'tcp.options.mss.absent', 'The SYN packet does not contain a MSS option');
}

/**
 * The canonical conversation key of a segment: both endpoints (address, port) packed into 16-bit
 * char codes, the smaller endpoint first (one key per conversation, one lookup per segment).
 * Sets `t.keyReversed`: whether the segment goes against that order.
 */
function convKey(t: TcpConvTable, pkt: Packet, sp: number, dp: number): string {
  const h = pkt.ipHdr;
  const a = pkt.ipSrcOff;
  const b = pkt.ipDstOff;
  if (pkt.ipVersion === 4) {
    const s1 = u16(h, a);
    const s2 = u16(h, a + 2);
    const d1 = u16(h, b);
    const d2 = u16(h, b + 2);
    const keyReversed = s1 > d1 || (s1 === d1 && (s2 > d2 || (s2 === d2 && sp > dp)));
    t.keyReversed = keyReversed;
    return keyReversed ? String.fromCharCode(d1, d2, dp, s1, s2, sp) : String.fromCharCode(s1, s2, sp, d1, d2, dp);
  }
  let cmp = 0;
  for (let i = 0; i < 16 && cmp === 0; i++) cmp = h[a + i]! - h[b + i]!;
  const keyReversed = cmp > 0 || (cmp === 0 && sp > dp);
  t.keyReversed = keyReversed;
  const first = keyReversed ? b : a;
  const second = keyReversed ? a : b;
  let s = '';
  for (let i = 0; i < 16; i += 2) s += String.fromCharCode(u16(h, first + i));
  s += String.fromCharCode(keyReversed ? dp : sp);
  for (let i = 0; i < 16; i += 2) s += String.fromCharCode(u16(h, second + i));
  return s + String.fromCharCode(keyReversed ? sp : dp);
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const top = pkt.addProtocol(F.tcp, 'tcp', off, Math.min(20, end - off), parent);
  pkt.setProtocol('TCP');
  // Inside an ICMP error (Wireshark: no analysis, absolute numbers, no tcp.seq_raw/tcp.len):
  // often only 8 bytes are quoted, ports and sequence number.
  if (pkt.fence > 0) {
    decodeQuoted(pkt, off, end, top, parent);
    return;
  }
  if (!need(pkt, off, 20, end, rep, top, 'TCP')) return;
  const sp = u16(d, off);
  const dp = u16(d, off + 2);
  const seq = u32(d, off + 4);
  const ackRaw = u32(d, off + 8);
  const hlen = (d[off + 12]! >> 4) * 4;
  const flags = u16(d, off + 12) & 0x0fff;
  const win = u16(d, off + 14);
  const ck = u16(d, off + 16);
  const urp = u16(d, off + 18);
  const segLen = Math.max(0, rep - off - hlen);
  const cols = pkt.wantColumns;
  const tree = pkt.tree;
  // Name resolution (-N t): ports by name in Info and the tree.
  const names = pkt.session.names;
  if (tree) {
    pkt.add(F.srcport, off, 2, top, sp);
    pkt.add(F.dstport, off + 2, 2, top, dp);
    pkt.hide(pkt.add(F.port, off, 2, top, sp));
    pkt.hide(pkt.add(F.port, off + 2, 2, top, dp));
  }

  // Conversation (not inside ICMP error quotes).
  let conv: TcpConversation | undefined;
  let dir = 0;
  let reusedPorts = false;
  let wsOpt = -1;
  let optKinds = 0;
  if (pkt.fence === 0 && pkt.ipVersion !== 0 && hlen >= 20 && pkt.session.options.tcpConversations !== false) {
    // Pre-scan the options the conversation (window scale) and the tap need, before they are shown.
    const o = sessionSlot(pkt, TAP_OPTIONS);
    optKinds = scanTapOptions(d, off + 20, Math.min(off + hlen, end), o);
    wsOpt = o.wsShift;
    const t = convTable(pkt);
    const key = convKey(t, pkt, sp, dp);
    conv = trackSegment(t, key, t.keyReversed, seq, ackRaw, flags, wsOpt, pkt.frame.number);
    dir = t.dir;
    reusedPorts = t.reusedPorts;
  }
  const state = conv ? effective(convTable(pkt), conv) : undefined;
  // Sequence analysis (tcp.analysis.*), as Wireshark: only with a whole header and a known length (none for a read that asks for none: SessionOptions.tcpAnalysis).
  const analysed = conv !== undefined && hlen >= 20 && rep - off >= hlen && !pkt.ipFragmented && pkt.session.options.tcpAnalysis !== false;
  // The analysis reads the SACK blocks: the option bytes only when the scan met a SACK option.
  if (analysed) analyseTcp(pkt, conv!, state!, dir, seq, ackRaw, segLen, flags, win, off + 20, optKinds & (1 << 5) ? Math.min(off + hlen, end) : off + 20, reusedPorts);
  const rseq = state ? (seq - state.base(dir)) >>> 0 : seq;
  const hasAck = (flags & 0x10) !== 0;
  // The other side's base only where something shows it (the acknowledgment, a SACK block, the
  // tree): a patched read (../patch.ts) checks each value read against the stream's final one.
  const revBase = state && (hasAck || tree || optKinds & (1 << 5)) && state.baseSet(1 - dir) ? state.base(1 - dir) : undefined;
  const rack = revBase !== undefined ? (ackRaw - revBase) >>> 0 : ackRaw;
  const nxt = segLen + (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0);
  // Items only when a tree is kept (as Wireshark's `if (tree)`): without one every add is a no-op.
  let acki = -1;
  let hi = -1;
  let fi = -1;
  let rsti = -1;
  let syni = -1;
  let fini = -1;
  if (tree) {
    if (conv) pkt.add(F.stream, off, 0, top, conv.stream);
    pkt.add(F.len, off, 0, top, segLen);
    pkt.add(F.seq, off + 4, 4, top, rseq);
    pkt.add(F.seq_raw, off + 4, 4, top, seq);
    pkt.add(F.nxtseq, off, 0, top, (rseq + nxt) >>> 0);
    // Wireshark 4.0 shows the field without the ACK flag too, then with the raw value.
    acki = pkt.add(F.ack, off + 8, 4, top, hasAck ? rack : ackRaw);
  }
  if (!hasAck && ackRaw !== 0) {
    pkt.hide(pkt.add(F.ack_nonzero, off + 8, 0, acki));
    pkt.addExpert(acki, Severity.Note, 'Protocol', 'tcp.ack.nonzero', 'The acknowledgment number field is nonzero while the ACK flag is not set');
  }
  if (tree) {
    pkt.add(F.ack_raw, off + 8, 4, top, ackRaw);
    hi = pkt.add(F.hdr_len, off + 12, 1, top, hlen);
    // Items of FLAG_FIELDS only (all -1 when none is kept: nothing else to skip).
    if (pkt.keepsGroup(FLAG_FIELDS)) {
      fi = pkt.add(F.flags, off + 12, 2, top, flags);
      addHighFlagBits(pkt, off, fi, flags);
      rsti = pkt.add(F.reset, off + 12, 2, fi, (flags >> 2) & 1);
      syni = pkt.add(F.syn, off + 12, 2, fi, (flags >> 1) & 1);
      fini = pkt.add(F.fin, off + 12, 2, fi, flags & 1);
      // Kept without tcp.flags too (`-e tcp.flags.str` alone, as tshark).
      pkt.add(F.flags_str, off + 12, 2, fi, 0, flagsStr(flags));
    }
  }
  if (pkt.fence === 0 && pkt.wantExperts) {
    if (flags & 0x02) {
      if (flags & 0x10) pkt.addExpert(syni, Severity.Chat, 'Sequence', 'tcp.connection.synack', `Connection establish acknowledge (SYN+ACK): server port ${sp}`);
      else pkt.addExpert(syni, Severity.Chat, 'Sequence', 'tcp.connection.syn', `Connection establish request (SYN): server port ${dp}`);
    }
    if (flags & 0x01) pkt.addExpert(fini, Severity.Chat, 'Sequence', 'tcp.connection.fin', 'Connection finish (FIN)');
    if (flags & 0x04) pkt.addExpert(rsti, Severity.Warn, 'Sequence', 'tcp.connection.rst', 'Connection reset (RST)');
  }
  let wsize = win;
  let factor = -1;
  if (conv && !(flags & 0x02)) {
    factor = windowShift(state!, dir);
    if (factor >= 0) wsize = win * (1 << factor);
  }
  let cki = -1;
  if (tree) {
    pkt.add(F.window_size_value, off + 14, 2, top, win);
    pkt.add(F.window_size, off + 14, 2, top, wsize);
    if (conv && !(flags & 0x02)) pkt.add(F.window_size_scalefactor, off + 14, 2, top, factor >= 0 ? 1 << factor : factor);
    // Handshake not seen: a lower bound of the shift, from the other side's bytes in flight (ours).
    if (factor === -1 && analysed && analysis.inferredShift > 0) pkt.add(F.window_size_scalefactor_inferred, off + 14, 2, top, 1 << analysis.inferredShift);
    cki = pkt.add(F.checksum, off + 16, 2, top, ck);
  }
  const tcpEnd = off + hlen + segLen;
  if (pkt.session.prefs['tcp.check_checksum'] && pkt.ipVersion !== 0 && tcpEnd <= end && pkt.fence === 0) {
    const acc = pseudoHeaderSum(pkt, 6, tcpEnd - off) + sum16(d, off, tcpEnd - off);
    // tshark 4.0 shows the calculated checksum whenever it verifies one, good or bad.
    if (foldChecksum(acc) === 0) {
      pkt.add(F.checksum_calculated, off + 16, 0, cki, ck);
      pkt.add(F.checksum_status, off + 16, 0, cki, 1);
    } else {
      pkt.add(F.checksum_calculated, off + 16, 0, cki, foldChecksum(acc - ck));
      pkt.add(F.checksum_status, off + 16, 0, cki, 0);
      pkt.addExpert(cki, Severity.Error, 'Checksum', 'tcp.checksum_bad.expert', `Bad checksum [should be 0x${foldChecksum(acc - ck).toString(16).padStart(4, '0')}]`);
    }
  } else if (tree) pkt.add(F.checksum_status, off + 16, 0, cki, 2);
  if (tree) pkt.add(F.urgent_pointer, off + 18, 2, top, urp);
  if (analysed && (tree || pkt.wantExperts)) addTcpAnalysisTree(pkt, top, off);
  if (reusedPorts) pkt.addExpert(pkt.add(F.reused_ports, off, 0, top), Severity.Note, 'Sequence', 'tcp.analysis.reused_ports', 'A new tcp session is started with the same ports as an earlier session in this trace');

  if (hlen < 20) {
    pkt.addExpert(hi, Severity.Error, 'Malformed', 'tcp.bogus_header_length', `Bogus TCP header length (${hlen}, must be at least 20)`);
    if (cols) pkt.setInfo(`${sp} → ${dp} [BOGUS TCP HEADER LENGTH ${hlen}, MUST BE AT LEAST 20]`);
    return;
  }
  if (hlen > 20) {
    if (!need(pkt, off + 20, hlen - 20, end, rep, top, 'TCP options')) {
      if (cols) pkt.setInfo(`${sp} → ${dp} [${flagsText(flags)}]`);
      return;
    }
    pkt.setLength(top, hlen);
  }
  if (cols) {
    // The Info as parts, its numbers not made text (see Packet.addInfoPart); the options add theirs.
    const ace = !!conv?.accEcn && !(flags & 0x02);
    pkt.setInfo('');
    if (names) pkt.addInfoPart(`${names.portText('tcp', sp)} → ${names.portText('tcp', dp)}`);
    else {
      pkt.addInfoPart('', sp);
      pkt.addInfoPart(' → ', dp);
    }
    pkt.addInfoPart(' [');
    pkt.addInfoPart(flagsText(flags, ace));
    pkt.addInfoPart('] Seq=', rseq);
    if (hasAck) pkt.addInfoPart(' Ack=', rack);
    pkt.addInfoPart(' Win=', wsize);
    if (flags & 0x20) pkt.addInfoPart(' Urg=', urp);
    pkt.addInfoPart(' Len=', segLen);
  }
  if (hlen > 20) {
    // The options' items, Info text and experts: decodeOptions when the tree keeps an option's
    // field or items for Info and experts may be wanted; without them the walk alone (which still
    // marks a packet whose option length is missing malformed); nothing without tree, columns or experts.
    if (tree && (cols || pkt.wantExperts || pkt.keepsGroup(OPTION_FIELDS))) {
      const optText = decodeOptions(pkt, off + 20, off + hlen, top, flags, revBase, ackRaw);
      if (cols && optText) pkt.addInfoPart(optText);
    } else if (tree || cols || pkt.wantExperts) summariseOptions(pkt, off + 20, off + hlen, flags, revBase, ackRaw);
  }
  if (pkt.wantLabels) {
    if (names) labelPortItems(pkt, names, 'tcp', F.srcport, F.dstport, top, sp, dp);
    pkt.setLabel(top, `Transmission Control Protocol, Src Port: ${names ? names.portLabel('tcp', sp) : sp}, Dst Port: ${names ? names.portLabel('tcp', dp) : dp}, Seq: ${rseq}${hasAck ? `, Ack: ${rack}` : ''}, Len: ${segLen}`);
    pkt.setLabel(fi, `Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagsText(flags)})`);
  }
  // Fenced, as Wireshark: the verdicts stay in front of what DNS/TLS write for this frame.
  if (cols && (analysed || reusedPorts)) pkt.prependInfoFenced(tcpAnalysisInfoPrefix(analysed, reusedPorts));
  if (conv && pkt.session.pass !== 1 && pkt.session.taps.on(TCP_TAP)) tapSegment(pkt, conv.stream, dir, sp, dp, seq, ackRaw, rseq, rack, nxt, segLen, flags, win, wsize, factor, analysed, reusedPorts);
  const pOff = off + hlen;
  const pEnd = Math.min(end, pOff + segLen);
  if (segLen > 0 && pOff < pEnd && (pkt.tree || sessionSlot(pkt, PAYLOAD_CONSUMED))) {
    if (pkt.fence === 0) pkt.add(F.payload, pOff, pEnd - pOff, top);
    // Stream protocols (DNS, TLS) are parsed from reassembled bytes; whole segments only. As
    // Wireshark (tcp.no_subdissector_on_error), a retransmitted or out-of-order segment is parsed
    // by no stream protocol; an out-of-order one still goes into the unfinished PDU it falls in
    // (filling a hole that a gap left), as tshark's reassembly adds it; a retransmission does not.
    const resent = analysed && (analysis.flags & (TcpFlag.RETRANSMISSION | TcpFlag.OUT_OF_ORDER)) !== 0;
    const streamed = conv !== undefined && pkt.fence === 0 && !pkt.ipFragmented && pEnd === pOff + segLen && (resent ? (analysis.flags & TcpFlag.OUT_OF_ORDER) !== 0 && fillTcpStreamHole(pkt, top, conv.stream, dir, seq, sp, dp, pOff, pEnd) : dissectTcpStream(pkt, top, conv.stream, dir, conv.sawSyn(dir) ? conv.base(dir) : -1, seq, sp, dp, pOff, pEnd, (flags & 0x01) !== 0, analysed && (analysis.flags & TcpFlag.SPURIOUS_RETRANSMISSION) !== 0));
    // A segment cut by the snapshot length: HTTP takes what was captured, as in tshark.
    const cut = !streamed && !resent && conv !== undefined && pkt.fence === 0 && !pkt.ipFragmented && pEnd < pOff + segLen && dissectTruncatedTcpSegment(pkt, conv.stream, dir, sp, dp, pOff, pEnd);
    if (!streamed && !cut) dispatchPorts('tcp.port', sp, dp, pkt, pOff, pEnd, pOff + segLen, -1);
  } else if (segLen === 0 && flags & 0x01 && conv !== undefined && pkt.fence === 0) finishTcpStream(pkt, top, conv.stream, dir, sp, dp);
}

/**
 * Whether anything can dissect a TCP payload (a stream protocol, a tcp.port dissector or heuristic,
 * `data`): statistics that disable them all, and keep no tree, skip the payload's dispatch.
 */
const PAYLOAD_CONSUMED = new SessionKey<boolean>((pkt) => streamProtocolsEnabled(pkt.session) || tableConsumes(pkt.session, 'tcp.port'));

/** The options scanned before tracking (what the conversation and the tap need), per session. */
const TAP_OPTIONS = new SessionKey(() => newTcpTapRecord());

/** Fills this segment's tap record (queued by the session: delivered after the packet is dissected). */
function tapSegment(pkt: Packet, stream: number, dir: number, sp: number, dp: number, seq: number, ackRaw: number, rseq: number, rack: number, nxt: number, segLen: number, flags: number, win: number, wsize: number, factor: number, analysed: boolean, reusedPorts: boolean): void {
  const r = pkt.session.taps.record(TCP_TAP);
  const f = pkt.frame;
  r.frame = f.number;
  r.tsSec = f.tsSec;
  r.tsNsec = f.tsNsec;
  r.frameLen = f.origLen;
  r.stream = stream;
  r.dir = dir;
  r.srcPort = sp;
  r.dstPort = dp;
  r.seqRaw = seq;
  r.ackRaw = ackRaw;
  r.seq = rseq;
  r.ack = flags & 0x10 ? rack : 0;
  r.nxtseq = (rseq + nxt) >>> 0;
  r.len = segLen;
  r.flags = flags;
  r.winRaw = win;
  r.win = wsize;
  r.winScale = flags & 0x02 ? -1 : factor >= 0 ? 1 << factor : factor;
  // The options were scanned before tracking.
  const o = sessionSlot(pkt, TAP_OPTIONS);
  r.mss = o.mss;
  r.wsShift = o.wsShift;
  r.sackPerm = o.sackPerm;
  r.sackBlocks = o.sackBlocks;
  const h = pkt.ipHdr;
  r.ipVersion = pkt.ipVersion;
  r.ipEcn = pkt.ipVersion === 4 ? h[pkt.ipSrcOff - 11]! & 3 : pkt.ipVersion === 6 ? (h[pkt.ipSrcOff - 7]! >> 4) & 3 : 0;
  r.analysed = analysed;
  r.analysisFlags = analysed ? analysis.flags : 0;
  r.bytesInFlight = analysed && analysis.present && analysis.bytesInFlight > 0 ? analysis.bytesInFlight : -1;
  r.ackRtt = analysed ? analysis.ackRtt : 0;
  r.acksFrame = analysed ? analysis.acksFrame : 0;
  r.dupackNum = analysed ? analysis.dupackNum : 0;
  r.initialRtt = analysed ? analysis.initialRtt : 0;
  r.reusedPorts = reusedPorts;
  r.addrBytes = h;
  r.srcAddrOff = pkt.ipSrcOff;
  r.dstAddrOff = pkt.ipDstOff;
}

/**
 * The TCP header quoted by an ICMP/ICMPv6 error, as tshark 4.0 (packet-tcp.c in an error packet): no
 * analysis and no segment length, so no tcp.len, nxtseq or relative numbers and the window unscaled,
 * but the flags with their experts, the options, the stream and its times (and scale factor) when the
 * conversation is known, and the payload handed to the port's dissector, under the fence. IPv4 inside
 * ICMP has its sequence number shown first and once (`icmp_ip`), IPv6 as a whole header (with the raw
 * number). With tcp.check_checksum the checksum is verified over the bytes the quote holds, with that
 * length in the pseudo-header, as tshark (whose quoted tvb ends there): a partial quote reads as bad.
 */
function decodeQuoted(pkt: Packet, off: number, end: number, top: number, parent: number): void {
  const d = pkt.data;
  if (end - off < 4) return;
  const sp = u16(d, off);
  const dp = u16(d, off + 2);
  pkt.add(F.srcport, off, 2, top, sp);
  pkt.add(F.dstport, off + 2, 2, top, dp);
  pkt.hide(pkt.add(F.port, off, 2, top, sp));
  pkt.hide(pkt.add(F.port, off + 2, 2, top, dp));
  const names = pkt.session.names;
  if (pkt.wantLabels) {
    if (names) labelPortItems(pkt, names, 'tcp', F.srcport, F.dstport, top, sp, dp);
    pkt.setLabel(top, `Transmission Control Protocol, Src Port: ${names ? names.portLabel('tcp', sp) : sp}, Dst Port: ${names ? names.portLabel('tcp', dp) : dp}`);
  }
  const whole = end - off >= 20;
  const icmpIp = pkt.ipVersion === 4;
  const seq = end - off >= 8 ? u32(d, off + 4) : 0;
  if ((icmpIp || !whole) && end - off >= 8) pkt.add(F.seq, off + 4, 4, top, seq);
  if (!whole) return;
  let conv: TcpConversation | undefined;
  let dir = 0;
  if (pkt.ipVersion !== 0) {
    const t = convTable(pkt);
    conv = findConversation(t, convKey(t, pkt, sp, dp), t.keyReversed);
    dir = t.dir;
    if (conv) {
      pkt.add(F.stream, off, 0, top, conv.stream);
      addTcpQuotedTimes(pkt, conv, top, off);
    }
  }
  if (!icmpIp) {
    pkt.add(F.seq, off + 4, 4, top, seq);
    pkt.add(F.seq_raw, off + 4, 4, top, seq);
  }
  const ackRaw = u32(d, off + 8);
  const flags = u16(d, off + 12) & 0x0fff;
  const hlen = (d[off + 12]! >> 4) * 4;
  if (pkt.wantLabels) pkt.setLabel(top, `${pkt.label[top]}, Seq: ${seq}${hlen >= 20 && flags & 0x10 ? `, Ack: ${ackRaw}` : ''}`);
  if (hlen < 20) {
    const hi = pkt.add(F.hdr_len, off + 12, 1, top, hlen);
    pkt.addExpert(hi, Severity.Error, 'Malformed', 'tcp.bogus_header_length', `Bogus TCP header length (${hlen}, must be at least 20)`);
    return;
  }
  const acki = pkt.add(F.ack, off + 8, 4, top, ackRaw);
  if (!(flags & 0x10) && ackRaw !== 0) {
    pkt.hide(pkt.add(F.ack_nonzero, off + 8, 0, acki));
    pkt.addExpert(acki, Severity.Note, 'Protocol', 'tcp.ack.nonzero', 'The acknowledgment number field is nonzero while the ACK flag is not set');
  }
  pkt.add(F.ack_raw, off + 8, 4, top, ackRaw);
  pkt.add(F.hdr_len, off + 12, 1, top, hlen);
  const fi = pkt.add(F.flags, off + 12, 2, top, flags);
  addHighFlagBits(pkt, off, fi, flags);
  const rsti = pkt.add(F.reset, off + 12, 2, fi, (flags >> 2) & 1);
  const syni = pkt.add(F.syn, off + 12, 2, fi, (flags >> 1) & 1);
  const fini = pkt.add(F.fin, off + 12, 2, fi, flags & 1);
  if (pkt.keepsGroup(FLAG_FIELDS)) pkt.add(F.flags_str, off + 12, 2, fi, 0, flagsStr(flags));
  if (pkt.wantLabels) pkt.setLabel(fi, `Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagsText(flags)})`);
  if (pkt.wantExperts) {
    if (flags & 0x02) {
      if (flags & 0x10) pkt.addExpert(syni, Severity.Chat, 'Sequence', 'tcp.connection.synack', `Connection establish acknowledge (SYN+ACK): server port ${sp}`);
      else pkt.addExpert(syni, Severity.Chat, 'Sequence', 'tcp.connection.syn', `Connection establish request (SYN): server port ${dp}`);
    }
    if (flags & 0x01) pkt.addExpert(fini, Severity.Chat, 'Sequence', 'tcp.connection.fin', 'Connection finish (FIN)');
    if (flags & 0x04) pkt.addExpert(rsti, Severity.Warn, 'Sequence', 'tcp.connection.rst', 'Connection reset (RST)');
  }
  const win = u16(d, off + 14);
  pkt.add(F.window_size_value, off + 14, 2, top, win);
  pkt.add(F.window_size, off + 14, 2, top, win);
  const state = conv ? effective(convTable(pkt), conv) : undefined;
  if (state && !(flags & 0x02)) {
    const factor = windowShift(state, dir);
    pkt.add(F.window_size_scalefactor, off + 14, 2, top, factor >= 0 ? 1 << factor : factor);
  }
  const ck = u16(d, off + 16);
  const cki = pkt.add(F.checksum, off + 16, 2, top, ck);
  // The frame not cut by the snapshot length: the quote's bytes are all tshark's tvb holds.
  if (pkt.session.prefs['tcp.check_checksum'] && pkt.ipVersion !== 0 && pkt.frame.capLen >= pkt.frame.origLen) {
    const acc = pseudoHeaderSum(pkt, 6, end - off) + sum16(d, off, end - off);
    pkt.add(F.checksum_calculated, off + 16, 0, cki, foldChecksum(acc) === 0 ? ck : foldChecksum(acc - ck));
    if (foldChecksum(acc) === 0) pkt.add(F.checksum_status, off + 16, 0, cki, 1);
    else {
      pkt.add(F.checksum_status, off + 16, 0, cki, 0);
      pkt.addExpert(cki, Severity.Error, 'Checksum', 'tcp.checksum_bad.expert', `Bad checksum [should be 0x${foldChecksum(acc - ck).toString(16).padStart(4, '0')}]`);
    }
  } else pkt.add(F.checksum_status, off + 16, 0, cki, 2);
  pkt.add(F.urgent_pointer, off + 18, 2, top, u16(d, off + 18));
  if (hlen > 20) {
    pkt.setLength(top, hlen);
    const revBase = state && state.baseSet(1 - dir) ? state.base(1 - dir) : undefined;
    decodeOptions(pkt, off + 20, Math.min(off + hlen, end), top, flags, revBase, ackRaw);
  }
  const pOff = off + hlen;
  if (pOff < end) {
    pkt.add(F.payload, pOff, end - pOff, top);
    dispatchPorts('tcp.port', sp, dp, pkt, pOff, end, end, parent);
  }
}

/** The session's conversation table; a second pass starts with the first pass's finals. */
const CONV_TABLE = new SessionKey<TcpConvTable>((pkt) => {
  const t = newConvTable(pkt.session.limits.tcp.maxConversations);
  const carried = pkt.session.carry.get('tcp.conv.finals') as TcpFinals | undefined;
  // The second pass reads the final base numbers and window scaling of each stream from the first.
  if (pkt.session.pass === 2 && carried) t.finals = carried;
  const patch = pkt.session.patch;
  if (pkt.session.pass === 1) {
    const record = new TcpFinals();
    t.record = record;
    pkt.session.carry.set('tcp.conv.finals', record);
    if (patch) {
      // A patched read prints from the conversations' values: each checked against the finals.
      const nv = new NotingView((why) => patch.fail(why));
      t.noting = nv;
      patch.check(() => nv.check(record));
    }
  }
  if (pkt.session.pass !== 1 || patch) reportEvictionsAtExit(pkt, t);
  return t;
});

function convTable(pkt: Packet): TcpConvTable {
  return sessionSlot(pkt, CONV_TABLE);
}

/**
 * Tells the user on stderr, when the process ends, how many conversations the session's last table
 * (of a single pass or a second pass) evicted at its limit. The notice is written at exit so that it
 * comes after all the output of a read, whatever the command. Only the count and the limit are kept
 * for it (in the session's carry, which a second pass keeps), not the table (statistics let the
 * dissection's tables go before they print).
 */
function reportEvictionsAtExit(pkt: Packet, t: TcpConvTable): void {
  const carry = pkt.session.carry;
  type Holder = { notice: { count: number; limit: number; first: () => void }; hooked: boolean };
  let holder = carry.get('tcp.evictions') as Holder | undefined;
  if (!holder) {
    const h: Holder = { notice: { count: 0, limit: 0, first: () => {} }, hooked: false };
    holder = h;
    carry.set('tcp.evictions', h);
  }
  const h = holder;
  // The exit hook is set at the session's first eviction: sessions that evict nothing add none.
  const first = (): void => {
    if (h.hooked || typeof process === 'undefined' || !process.once) return;
    h.hooked = true;
    process.once('exit', () => {
      if (h.notice.count > 0) process.stderr.write(`wirelite: ${h.notice.count} TCP conversations evicted (limit ${h.notice.limit}; raise it with -o tcp.max_conversations:N)\n`);
    });
  };
  const notice = { count: 0, limit: t.limit, first };
  h.notice = notice;
  t.evictions = notice;
  // A patched read that goes back to two passes says nothing: the two passes say it.
  pkt.session.patch?.onDiscard.push(() => {
    notice.count = 0;
  });
}

/**
 * Builds a TCP segment. Spec: sport, dport, seq, ack, flags (number or a string like "SA", "PA"),
 * window, urgent, options: Uint8Array (raw) or {mss, wscale, sackPerm, ts: [val, ecr], sack: [[l,r]]}.
 */
/** `buildPacket`'s TCP header: data offset and checksum (over the outer IP layer's pseudo-header) computed. */
export interface TcpSpec {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  /** Flag letters (`'S'`, `'SA'`, `'FPA'`: see parseFlags) or the 12 flag bits. */
  flags?: string | number;
  dataOffset?: number;
  window?: number;
  urgent?: number;
  /** Raw option bytes (padded to 4) or the common options by name. */
  options?: Uint8Array | TcpOptionsSpec;
  checksum?: number;
}

declare module '../registry.js' {
  interface LayerSpecs {
    tcp: TcpSpec;
  }
}

function emit(spec: LayerSpecOf<'tcp'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const opts = buildOptions(spec.options);
  const hlen = 20 + opts.length;
  const out = new Uint8Array(hlen + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, spec.sport ?? 0);
  v.setUint16(2, spec.dport ?? 0);
  v.setUint32(4, (spec.seq ?? 0) >>> 0);
  v.setUint32(8, (spec.ack ?? 0) >>> 0);
  const flags = typeof spec.flags === 'string' ? parseFlags(spec.flags) : (spec.flags ?? 0);
  v.setUint16(12, ((spec.dataOffset ?? hlen / 4) << 12) | (flags & 0x0fff));
  v.setUint16(14, spec.window ?? 65535);
  v.setUint16(18, spec.urgent ?? 0);
  out.set(opts, 20);
  out.set(payload, hlen);
  let ck = spec.checksum;
  if (ck === undefined) {
    const acc = pseudoHeaderSumFromSpec(ctx, 6, out.length);
    ck = acc === undefined ? 0 : foldChecksum(acc + sum16(out, 0, out.length));
  }
  v.setUint16(16, ck);
  return out;
}

/** Flags from tcpdump-style letters: F S R P A U E C (and N for AE). */
export function parseFlags(s: string): number {
  const map: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 0x10, U: 0x20, E: 0x40, C: 0x80, N: 0x100 };
  let f = 0;
  for (const ch of s.toUpperCase()) {
    if (ch === '.') continue;
    const b = map[ch];
    if (b === undefined) throw new Error(`unknown TCP flag letter "${ch}" in "${s}"`);
    f |= b;
  }
  return f;
}

/** TCP options by name, in the order the builder writes them. */
export interface TcpOptionsSpec {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  ts?: [number, number];
  sack?: [number, number][];
  tfoCookie?: Uint8Array | true;
}

function buildOptions(o: Uint8Array | TcpOptionsSpec | undefined): Uint8Array {
  if (!o) return new Uint8Array(0);
  if (o instanceof Uint8Array) {
    const padded = new Uint8Array((o.length + 3) & ~3);
    padded.set(o);
    return padded;
  }
  const s = o;
  const b: number[] = [];
  if (s.mss !== undefined) b.push(2, 4, s.mss >> 8, s.mss & 0xff);
  if (s.sackPerm) b.push(4, 2);
  if (s.ts) {
    const [a, e] = s.ts;
    b.push(8, 10, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, e >>> 24, (e >>> 16) & 0xff, (e >>> 8) & 0xff, e & 0xff);
  }
  if (s.wscale !== undefined) b.push(1, 3, 3, s.wscale);
  if (s.sack?.length) {
    b.push(1, 1, 5, 2 + 8 * s.sack.length);
    for (const [l, r] of s.sack) {
      for (const x of [l >>> 0, r >>> 0]) b.push(x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff);
    }
  }
  if (s.tfoCookie) {
    if (s.tfoCookie === true) b.push(34, 2);
    else b.push(34, 2 + s.tfoCookie.length, ...s.tfoCookie);
  }
  while (b.length % 4) b.push(0);
  return Uint8Array.from(b);
}

register({ name: 'tcp', longName: 'Transmission Control Protocol', bind: [['ip.proto', 6]], decode, emit });
