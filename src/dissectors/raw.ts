/**
 * Raw IP link types: LINKTYPE_RAW (101) and the old DLT_RAW values 12 and 14
 * (https://www.tcpdump.org/linktypes/LINKTYPE_RAW.html). The packet begins with an IPv4 or IPv6
 * header, told apart by the version nibble. Link types 228 (IPv4) and 229 (IPv6) name the
 * version and are bound by ip and ipv6 directly.
 *
 * Wireshark's `packet-raw.c` first looks for leftovers of old Linux/ISDN PPP drivers: an FF 03
 * PPP-in-HDLC header at offset 0, 1 or 6 (no PPP dissector here: data), or 10 zero bytes before
 * the IP header. Its reads at offsets 0..7 make a frame shorter than 8 bytes malformed; we mark
 * such frames the same way (or truncated, when the snap length cut them).
 */
import { defineFields, FT } from './fields.js';
import { need, type Packet } from './packet.js';
import { callDissector, dissectData, dissectorByName, register } from './registry.js';

const PROBE_LEN = 8;
const ZERO_PREFIX = 10;

export const F = defineFields({
  raw: { abbrev: 'raw', name: 'Raw packet data', type: FT.PROTOCOL },
});

function isPppHdlc(d: Uint8Array, at: number): boolean {
  return d[at] === 0xff && d[at + 1] === 0x03;
}

/** Hands [off, end) to the named IP dissector, or to data when it is not registered. */
function ipLayer(name: 'ip' | 'ipv6', pkt: Packet, off: number, end: number, rep: number): void {
  const d = dissectorByName(name);
  if (d) callDissector(d, pkt, off, end, rep, -1);
  else dissectData(pkt, off, end, rep, -1);
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  pkt.setProtocol('N/A');
  pkt.setInfo('Raw packet data');
  const top = pkt.addProtocol(F.raw, 'raw', off, Math.max(0, end - off), parent);
  if (!need(pkt, off, PROBE_LEN, end, rep, top, 'Raw packet data')) return;
  const d = pkt.data;
  if (isPppHdlc(d, off) || isPppHdlc(d, off + 6) || isPppHdlc(d, off + 1)) {
    dissectData(pkt, off, end, rep, -1);
    return;
  }
  if (end - off >= ZERO_PREFIX) {
    let zeros = true;
    for (let i = 0; i < ZERO_PREFIX; i++) if (d[off + i] !== 0) zeros = false;
    if (zeros) {
      ipLayer('ip', pkt, off + ZERO_PREFIX, end, rep);
      return;
    }
  }
  switch (d[off]! >> 4) {
    case 4:
      ipLayer('ip', pkt, off, end, rep);
      break;
    case 6:
      ipLayer('ipv6', pkt, off, end, rep);
      break;
    default:
      dissectData(pkt, off, end, rep, -1);
  }
}

/** The payload is the IP packet itself: nothing to add. */
function emit(_spec: unknown, payload: Uint8Array): Uint8Array {
  return payload;
}

register({
  name: 'raw',
  longName: 'Raw packet data',
  bind: [
    ['linktype', 101],
    ['linktype', 12],
    ['linktype', 14],
  ],
  decode,
  emit,
});
