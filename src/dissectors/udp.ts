/**
 * UDP (RFC 768; over IPv6, RFC 8200 8.1: the checksum is mandatory). Dispatch on `udp.port`
 * (lower port first), then heuristics, then data. Checksum verified only with
 * `-o udp.check_checksum:TRUE`, as in Wireshark.
 */
import { defineFields, FT, Base } from './fields.js';
import { foldChecksum, sum16, u16, u32 } from './bytes.js';
import { need, Severity, type Packet } from './packet.js';
import { claimPorts, dispatchPorts, register, type EmitContext, type LayerSpecOf } from './registry.js';
import { pseudoHeaderSum, pseudoHeaderSumFromSpec } from './checksum.js';
import { labelPortItems } from './names.js';

export const F = defineFields({
  udp: { abbrev: 'udp', name: 'User Datagram Protocol', type: FT.PROTOCOL },
  srcport: { abbrev: 'udp.srcport', name: 'Source Port', type: FT.UINT16 },
  dstport: { abbrev: 'udp.dstport', name: 'Destination Port', type: FT.UINT16 },
  port: { abbrev: 'udp.port', name: 'Source or Destination Port', type: FT.UINT16 },
  length: { abbrev: 'udp.length', name: 'Length', type: FT.UINT16 },
  checksum: { abbrev: 'udp.checksum', name: 'Checksum', type: FT.UINT16, base: Base.HEX },
  checksum_calculated: { abbrev: 'udp.checksum_calculated', name: 'Calculated Checksum', type: FT.UINT16, base: Base.HEX, generated: true },
  checksum_status: { abbrev: 'udp.checksum.status', name: 'Checksum Status', type: FT.UINT8, generated: true, strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } },
  payload: { abbrev: 'udp.payload', name: 'UDP payload', type: FT.BYTES },
});

/** Offsets in the UDP header, for decode and emit. */
export const UDP = { SPORT: 0, DPORT: 2, LEN: 4, CSUM: 6, HDR: 8 } as const;

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const top = pkt.addProtocol(F.udp, 'udp', off, Math.min(8, end - off), parent);
  pkt.setProtocol('UDP');
  if (!need(pkt, off, UDP.HDR, end, rep, top, 'UDP')) return;
  const sp = u16(d, off + UDP.SPORT);
  const dp = u16(d, off + UDP.DPORT);
  const ulen = u16(d, off + UDP.LEN);
  const ck = u16(d, off + UDP.CSUM);
  const spi = pkt.add(F.srcport, off + UDP.SPORT, 2, top, sp);
  const dpi = pkt.add(F.dstport, off + UDP.DPORT, 2, top, dp);
  // tshark 4.0: ports 33435-33464 (LBL traceroute's base 33434, three probes a hop) are a possible traceroute.
  if (sp > 33434 && sp <= 33464 && pkt.wantExperts) pkt.addExpert(spi, Severity.Chat, 'Sequence', 'udp.possible_traceroute', `Possible traceroute: hop #${(((sp - 33435) / 3) | 0) + 1}, attempt #${((sp - 33435) % 3) + 1}`);
  if (dp > 33434 && dp <= 33464 && pkt.wantExperts) pkt.addExpert(dpi, Severity.Chat, 'Sequence', 'udp.possible_traceroute', `Possible traceroute: hop #${(((dp - 33435) / 3) | 0) + 1}, attempt #${((dp - 33435) % 3) + 1}`);
  pkt.hide(pkt.add(F.port, off + UDP.SPORT, 2, top, sp));
  pkt.hide(pkt.add(F.port, off + UDP.DPORT, 2, top, dp));
  const li = pkt.add(F.length, off + UDP.LEN, 2, top, ulen);
  const ipPayload = rep - off;
  let bad = '';
  // Inside an ICMP error only 8 bytes are quoted: the length cannot be checked against them.
  if (pkt.fence === 0 || ipPayload > 8) {
    if (ulen > ipPayload) {
      bad = ` [BAD UDP LENGTH ${ulen} > IP PAYLOAD LENGTH]`;
      pkt.addExpert(li, Severity.Error, 'Malformed', 'udp.length.bad', `Bad length value ${ulen} > IP payload length`);
    } else if (ulen < 8 && !(ulen === 0 && pkt.ipVersion === 6)) {
      bad = ` [BAD UDP LENGTH ${ulen} < 8]`;
      pkt.addExpert(li, Severity.Error, 'Malformed', 'udp.length.bad', `Bad length value ${ulen} < 8`);
    }
  }
  const cki = pkt.add(F.checksum, off + UDP.CSUM, 2, top, ck);
  const dEnd = bad ? Math.min(end, off + ipPayload) : Math.min(end, off + (ulen || ipPayload));
  const dRep = bad ? rep : off + (ulen || ipPayload);
  if (ck === 0 && pkt.ipVersion === 4) {
    pkt.add(F.checksum_status, off + UDP.CSUM, 0, cki, 3);
  } else if (pkt.session.prefs['udp.check_checksum'] && !bad && dRep <= end && pkt.ipVersion !== 0) {
    const acc = pseudoHeaderSum(pkt, 17, dRep - off) + sum16(pkt.data, off, dRep - off);
    const calc = foldChecksum(acc);
    // tshark 4.0 shows the calculated checksum whenever it verifies one, good or bad.
    if (calc === 0) {
      pkt.add(F.checksum_calculated, off + UDP.CSUM, 0, cki, ck);
      pkt.add(F.checksum_status, off + UDP.CSUM, 0, cki, 1);
    } else {
      pkt.add(F.checksum_calculated, off + UDP.CSUM, 0, cki, foldChecksum(acc - ck));
      pkt.add(F.checksum_status, off + UDP.CSUM, 0, cki, 0);
      pkt.addExpert(cki, Severity.Error, 'Checksum', 'udp.checksum.bad', `Bad checksum [should be 0x${foldChecksum(acc - ck).toString(16).padStart(4, '0')}]`);
    }
  } else {
    pkt.add(F.checksum_status, off + UDP.CSUM, 0, cki, 2);
  }
  // Name resolution (-N t): ports by name in Info and the tree.
  const names = pkt.session.names;
  if (pkt.wantLabels) {
    if (names) labelPortItems(pkt, names, 'udp', F.srcport, F.dstport, top, sp, dp);
    pkt.setLabel(top, `User Datagram Protocol, Src Port: ${names ? names.portLabel('udp', sp) : sp}, Dst Port: ${names ? names.portLabel('udp', dp) : dp}`);
  }
  if (pkt.wantColumns) pkt.setInfo(`${names ? names.portText('udp', sp) : sp} → ${names ? names.portText('udp', dp) : dp}${bad}` + (ulen >= 8 ? ` Len=${ulen - 8}` : ''));
  // Also inside an ICMP error's quote: tshark shows the quoted payload bytes there is.
  if (off + UDP.HDR < dEnd) pkt.add(F.payload, off + UDP.HDR, dEnd - off - UDP.HDR, top);
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  if (off + UDP.HDR <= dEnd) dispatchPorts('udp.port', sp, dp, pkt, off + UDP.HDR, dEnd, dRep, -1);
}

/** `buildPacket`'s UDP header: length and checksum (over the outer IP layer's pseudo-header) computed. */
export interface UdpSpec {
  sport?: number;
  dport?: number;
  length?: number;
  checksum?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    udp: UdpSpec;
  }
}

function emit(spec: LayerSpecOf<'udp'>, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const out = new Uint8Array(UDP.HDR + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(UDP.SPORT, spec.sport ?? 0);
  v.setUint16(UDP.DPORT, spec.dport ?? 0);
  v.setUint16(UDP.LEN, spec.length ?? out.length);
  out.set(payload, UDP.HDR);
  let ck = spec.checksum;
  if (ck === undefined) {
    const acc = pseudoHeaderSumFromSpec(ctx, 17, out.length);
    ck = acc === undefined ? 0 : foldChecksum(acc + sum16(out, 0, out.length)) || 0xffff;
  }
  v.setUint16(UDP.CSUM, ck);
  return out;
}

register({ name: 'udp', longName: 'User Datagram Protocol', bind: [['ip.proto', 17]], decode, emit });

/**
 * UDP ports Wireshark 4.0 binds to dissectors wirelite does not have (`tshark -G decodes`, udp.port,
 * but for dns, mdns and llmnr and port 0): no heuristic runs on them (registry claimPorts), so NBNS
 * on 137 or DHCP on 67 stays data instead of the DNS heuristic's guess.
 */
export const WIRESHARK_UDP_PORTS: readonly number[] = [
  7, 13, 19, 37, 49, 67, 68, 69, 88, 111, 123, 137, 138, 161, 162, 173, 177, 213, 269, 319, 320,
  389, 427, 434, 464, 473, 496, 500, 502, 513, 514, 520, 521, 524, 525, 539, 546, 547, 573, 623,
  631, 646, 654, 664, 698, 699, 701, 750, 853, 854, 910, 921, 925, 1001, 1044, 1052, 1069, 1089,
  1090, 1091, 1101, 1113, 1153, 1194, 1293, 1547, 1628, 1629, 1645, 1646, 1700, 1701, 1718, 1719,
  1745, 1755, 1812, 1813, 1900, 1985, 2029, 2048, 2055, 2067, 2099, 2123, 2152, 2157, 2190, 2221,
  2222, 2231, 2246, 2268, 2269, 2313, 2345, 2424, 2427, 2428, 2727, 2887, 2944, 2945, 2948, 2949,
  2960, 3000, 3121, 3130, 3205, 3222, 3250, 3333, 3343, 3357, 3386, 3389, 3452, 3455, 3478, 3483,
  3503, 3540, 3544, 3567, 3622, 3671, 3784, 3785, 3792, 3799, 3804, 3819, 3863, 3956, 4000, 4011,
  4058, 4305, 4306, 4307, 4341, 4342, 4500, 4533, 4534, 4551, 4555, 4556, 4569, 4665, 4672, 4713,
  4729, 4739, 4754, 4784, 4789, 4790, 4791, 4991, 5000, 5001, 5031, 5050, 5060, 5072, 5094, 5246,
  5247, 5264, 5265, 5350, 5351, 5404, 5405, 5436, 5555, 5567, 5678, 5683, 5684, 5868, 6060, 6073,
  6081, 6084, 6087, 6118, 6160, 6343, 6543, 6635, 6666, 6696, 6784, 6970, 7000, 7001, 7002, 7003,
  7004, 7005, 7006, 7007, 7008, 7009, 7010, 7021, 7074, 7075, 7255, 7275, 7784, 8000, 8116, 8161,
  8200, 8211, 8600, 8611, 8612, 8613, 8614, 8755, 8767, 8805, 8848, 9003, 9200, 9201, 9202, 9203,
  9214, 9600, 9875, 9877, 9899, 9901, 9955, 9956, 9996, 9999, 10253, 10500, 11211, 11273, 11898,
  12000, 12001, 12002, 12003, 12004, 12220, 12222, 12223, 13400, 13819, 13907, 13910, 17220, 17500,
  17754, 17755, 17756, 18246, 19132, 19788, 19948, 19999, 20000, 20561, 22222, 23272, 24576, 24577,
  25826, 26000, 27036, 27500, 27910, 27950, 27951, 27952, 27953, 27960, 27961, 27962, 27963, 30030,
  32000, 32512, 34962, 34980, 37008, 41170, 44818, 45564, 47000, 47808, 49999, 54328, 56000, 56001,
  56500, 56501, 57000, 57001, 57032, 57033, 57500, 57501, 57532, 57533, 59000, 59001, 59032, 59033,
  59500, 59501, 59532, 59533, 60001,
];
claimPorts('udp.port', WIRESHARK_UDP_PORTS);
