/**
 * The `frame` pseudo-protocol: capture metadata (number, times, lengths, interface, comments) and
 * the dispatch on the link-layer type. Entry point of every dissection: `dissectFrame`.
 */
import { Direction } from '../capture/frame.js';
import { defineFields, FT } from './fields.js';
import type { Packet } from './packet.js';
import { register, dispatchIn, dispatchTable } from './registry.js';

/** The table of the protocol after this one (looked up once). */
const LINKTYPE = dispatchTable('linktype');

export const F = defineFields({
  frame: { abbrev: 'frame', name: 'Frame', type: FT.PROTOCOL },
  interface_id: { abbrev: 'frame.interface_id', name: 'Interface id', type: FT.UINT32 },
  interface_name: { abbrev: 'frame.interface_name', name: 'Interface name', type: FT.STRING },
  direction: { abbrev: 'frame.p2p_dir', name: 'Direction', type: FT.INT32, strings: { 0: 'Sent', 1: 'Received' } },
  encap: { abbrev: 'frame.encap_type', name: 'Encapsulation type', type: FT.INT32 },
  time: { abbrev: 'frame.time', name: 'Arrival Time', type: FT.ABSOLUTE_TIME },
  time_epoch: { abbrev: 'frame.time_epoch', name: 'Epoch Time', type: FT.ABSOLUTE_TIME, unit: ' seconds' },
  time_delta: { abbrev: 'frame.time_delta', name: 'Time delta from previous captured frame', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  time_relative: { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  number: { abbrev: 'frame.number', name: 'Frame Number', type: FT.UINT32 },
  len: { abbrev: 'frame.len', name: 'Frame Length', type: FT.UINT32, unit: ' bytes' },
  cap_len: { abbrev: 'frame.cap_len', name: 'Capture Length', type: FT.UINT32, unit: ' bytes' },
  comment: { abbrev: 'frame.comment', name: 'Comment', type: FT.STRING },
  dropcount: { abbrev: 'frame.drop_count', name: 'Drop Count', type: FT.UINT64 },
  protocols: { abbrev: 'frame.protocols', name: 'Protocols in frame', type: FT.STRING, generated: true },
  malformed: { abbrev: '_ws.malformed', name: 'Malformed Packet', type: FT.PROTOCOL },
});

/** Wireshark's WTAP_ENCAP numbers for frame.encap_type, by pcap link type. */
const WTAP_ENCAP: Record<number, number> = { 0: 15, 1: 1, 101: 7, 108: 15, 113: 25, 228: 129, 229: 130, 253: 158, 276: 210 };

/** Exact seconds difference a - b as a double. */
export function timeDiff(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec - bSec + (aNsec - bNsec) / 1e9;
}

function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** Dissects a whole frame into `pkt` (which must have been `reset` with the frame). */
export function dissectFrame(pkt: Packet): void {
  const f = pkt.frame;
  const len = f.data.length;
  const top = pkt.add(F.frame, 0, len, -1);
  const ts = pkt.session.time;
  if (f.hasTime && !ts.seen) {
    ts.firstSec = ts.prevSec = f.tsSec;
    ts.firstNsec = ts.prevNsec = f.tsNsec;
    ts.seen = true;
  }
  if (pkt.tree) {
    // pcapng: the interface (tshark says "unknown" for one without if_name).
    const ifName = pkt.session.interfaceIds ? (pkt.session.ifNames[f.interfaceId] ?? 'unknown') : undefined;
    if (ifName !== undefined) {
      const id = pkt.add(F.interface_id, 0, 0, top, f.interfaceId);
      pkt.add(F.interface_name, 0, 0, id, 0, ifName);
    }
    if (pkt.wantLabels) {
      pkt.setLabel(
        top,
        `Frame ${f.number}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)` +
          (ifName !== undefined ? ` on interface ${ifName}, id ${f.interfaceId}` : ''),
      );
    }
    if (f.direction !== Direction.Unknown) pkt.add(F.direction, 0, 0, top, f.direction === Direction.Inbound ? 1 : 0);
    pkt.add(F.encap, 0, 0, top, WTAP_ENCAP[f.linkType] ?? -1);
    if (f.hasTime) {
      pkt.add(F.time, 0, 0, top, 0, f);
      pkt.add(F.time_epoch, 0, 0, top, 0, f);
      // The nanoseconds part rides along (ref) so the text stays exact when the double is not.
      pkt.add(F.time_delta, 0, 0, top, timeDiff(f.tsSec, f.tsNsec, ts.prevSec, ts.prevNsec), f.tsNsec - ts.prevNsec);
      pkt.add(F.time_relative, 0, 0, top, timeDiff(f.tsSec, f.tsNsec, ts.firstSec, ts.firstNsec), f.tsNsec - ts.firstNsec);
      ts.prevSec = f.tsSec;
      ts.prevNsec = f.tsNsec;
    }
    pkt.add(F.number, 0, 0, top, f.number);
    pkt.add(F.len, 0, 0, top, f.origLen);
    pkt.add(F.cap_len, 0, 0, top, f.capLen);
    // A comment ends at a NUL for tshark (a C string), whatever the option's length says.
    if (f.comments) for (const c of f.comments) pkt.add(F.comment, 0, 0, top, 0, cString(c));
    if (f.dropCount !== undefined) pkt.add(F.dropcount, 0, 0, top, f.dropCount);
  } else if (f.hasTime) {
    ts.prevSec = f.tsSec;
    ts.prevNsec = f.tsNsec;
  }
  // frame.protocols: the layer list itself, joined only when printed.
  pkt.add(F.protocols, 0, 0, top, 0, pkt.protocols);
  // The reported length of the frame is its original length (bytes beyond the snap length are missing).
  dispatchIn(LINKTYPE, f.linkType, pkt, 0, len, Math.max(len, f.origLen), -1);
  if (pkt.malformed) {
    pkt.add(F.malformed, len, 0, -1);
    if (pkt.wantColumns) pkt.colInfo += '[Malformed Packet]';
    pkt.protocols.push('_ws.malformed');
  }
  // The tap records of this packet: the pipeline delivers them itself, after its display filter.
  if (!pkt.session.taps.hold) pkt.session.taps.deliver();
}

/** Frame timestamps as text, for `-t` formats and the tree. */
export function epochText(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

register({
  name: 'frame',
  longName: 'Frame',
  decode: () => {},
});

