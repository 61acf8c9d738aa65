/**
 * UDP (RFC 768; over IPv6, RFC 8200 8.1: the checksum is mandatory). Dispatch on `udp.port`
 * (lower port first), then heuristics, then data. Checksum verified only with
 * `-o udp.check_checksum:TRUE`, as in Wireshark.
 */
import { defineFields, FT, Base } from './fields.js';
import { foldChecksum, sum16, u16, u32 } from './bytes.js';
import { need, Severity, type Packet } from './packet.js';
import { dispatchPorts, register, type EmitContext, type LayerSpec } from './registry.js';
import { prefs } from './prefs.js';
import { pseudoHeaderSum, pseudoHeaderSumFromSpec } from './checksum.js';

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

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const top = pkt.addProtocol(F.udp, 'udp', off, Math.min(8, end - off), parent);
  pkt.setProtocol('UDP');
  if (!need(pkt, off, 8, end, rep, top, 'UDP')) return;
  const sp = u16(d, off);
  const dp = u16(d, off + 2);
  const ulen = u16(d, off + 4);
  const ck = u16(d, off + 6);
  pkt.add(F.srcport, off, 2, top, sp);
  pkt.add(F.dstport, off + 2, 2, top, dp);
  pkt.hide(pkt.add(F.port, off, 2, top, sp));
  pkt.hide(pkt.add(F.port, off + 2, 2, top, dp));
  const li = pkt.add(F.length, off + 4, 2, top, ulen);
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
  const cki = pkt.add(F.checksum, off + 6, 2, top, ck);
  const dEnd = bad ? Math.min(end, off + ipPayload) : Math.min(end, off + (ulen || ipPayload));
  const dRep = bad ? rep : off + (ulen || ipPayload);
  if (ck === 0 && pkt.ipVersion === 4) {
    pkt.add(F.checksum_status, off + 6, 0, cki, 3);
  } else if (prefs['udp.check_checksum'] && !bad && dRep <= end && pkt.ipVersion !== 0) {
    const acc = pseudoHeaderSum(pkt, 17, dRep - off) + sum16(pkt.data, off, dRep - off);
    const calc = foldChecksum(acc);
    if (calc === 0) pkt.add(F.checksum_status, off + 6, 0, cki, 1);
    else {
      pkt.add(F.checksum_calculated, off + 6, 0, cki, foldChecksum(acc - ck));
      pkt.add(F.checksum_status, off + 6, 0, cki, 0);
      pkt.addExpert(cki, Severity.Error, 'Checksum', 'udp.checksum_bad.expert', 'Bad checksum');
    }
  } else {
    pkt.add(F.checksum_status, off + 6, 0, cki, 2);
  }
  if (pkt.wantLabels) pkt.setLabel(top, `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`);
  if (pkt.wantColumns) pkt.setInfo(`${sp} → ${dp}${bad}` + (ulen >= 8 ? ` Len=${ulen - 8}` : ''));
  if (off + 8 < dEnd && pkt.fence === 0) pkt.add(F.payload, off + 8, dEnd - off - 8, top);
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  if (off + 8 <= dEnd) dispatchPorts('udp.port', sp, dp, pkt, off + 8, dEnd, dRep, -1);
}

function emit(spec: LayerSpec, payload: Uint8Array, ctx: EmitContext): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, (spec.sport as number | undefined) ?? 0);
  v.setUint16(2, (spec.dport as number | undefined) ?? 0);
  v.setUint16(4, (spec.length as number | undefined) ?? out.length);
  out.set(payload, 8);
  let ck = spec.checksum as number | undefined;
  if (ck === undefined) {
    const acc = pseudoHeaderSumFromSpec(ctx, 17, out.length);
    ck = acc === undefined ? 0 : foldChecksum(acc + sum16(out, 0, out.length)) || 0xffff;
  }
  v.setUint16(6, ck);
  return out;
}

register({ name: 'udp', longName: 'User Datagram Protocol', bind: [['ip.proto', 17]], decode, emit });
