/**
 * Shared helpers for the dissector tests: turn hex into frames, dissect them in one or two passes
 * (as `tshark` and `tshark -2` do), and read fields back by their Wireshark names.
 */
import { expect } from 'vitest';
import { dissectFrame, newSession, Packet, secondPass, type SessionOptions } from '../../src/dissectors/index.js';
import type { Session } from '../../src/dissectors/packet.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import { fieldText } from '../../src/dissectors/format.js';
import { formatIPv4, formatIPv6, formatMac } from '../../src/dissectors/bytes.js';

/**
 * Bytes from a hex string, two digits a byte; whitespace anywhere is ignored, so a frame can be
 * written with its headers spaced apart (`'ffffffffffff 001122334455 0806'`).
 */
export function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
}

/** How {@link dissect} frames the bytes; every field has a default. */
export interface DissectOpts {
  /** pcap link type; 1 (Ethernet) by default. */
  linkType?: number;
  /** Length on the wire; the captured length by default (a larger value means a snap length cut it). */
  origLen?: number;
  /** Session to dissect in (conversations, reassembly, pass number); a fresh one by default. */
  session?: Session;
  /** Options of the new session made when `session` is not given (`-o` preferences, limits, ...). */
  options?: SessionOptions;
  /** Frame number; 1 by default. */
  number?: number;
  /** Timestamp seconds; 0 by default. */
  tsSec?: number;
  /** Timestamp nanoseconds; 0 by default. */
  tsNsec?: number;
}

/** Dissects one frame (with a tree) and returns the packet. */
export function dissect(data: Uint8Array, o: DissectOpts = {}): Packet {
  const pkt = new Packet(o.session ?? newSession(o.options), true);
  pkt.reset({
    number: o.number ?? 1, tsSec: o.tsSec ?? 0, tsNsec: o.tsNsec ?? 0, hasTime: true, capLen: data.length,
    origLen: o.origLen ?? data.length, linkType: o.linkType ?? 1, interfaceId: 0, direction: 0, data,
  });
  dissectFrame(pkt);
  return pkt;
}

/** A frame with its capture time, for {@link twoPass} and {@link onePass}. */
export interface Timed {
  data: Uint8Array;
  tsSec: number;
  tsNsec: number;
}

/** Frame i (from 0) as dissect options: a {@link Timed} frame keeps its time, bare bytes get second i. */
function frameOpts(f: Uint8Array | Timed, i: number, session: Session, linkType: number): [Uint8Array, DissectOpts] {
  if (f instanceof Uint8Array) return [f, { session, number: i + 1, linkType, tsSec: i, tsNsec: 0 }];
  return [f.data, { session, number: i + 1, linkType, tsSec: f.tsSec, tsNsec: f.tsNsec }];
}

/**
 * Dissects frames in one session as `tshark -2` does: a first pass that leaves notes, then the
 * pass that is kept (returned). Frames are numbered from 1; bare bytes are timed at second 0, 1, ...
 * `setup` sees the session before the first frame (to add tap listeners: `s.taps.add`).
 */
export function twoPass(frames: readonly (Uint8Array | Timed)[], linkType = 1, options?: SessionOptions, setup?: (s: Session) => void): Packet[] {
  const session = newSession(options);
  setup?.(session);
  session.pass = 1;
  frames.forEach((f, i) => dissect(...frameOpts(f, i, session, linkType)));
  secondPass(session);
  return frames.map((f, i) => dissect(...frameOpts(f, i, session, linkType)));
}

/** Dissects frames in one session in a single pass, as plain `tshark` does (no look-ahead). */
export function onePass(frames: readonly (Uint8Array | Timed)[], linkType = 1, options?: SessionOptions, setup?: (s: Session) => void): Packet[] {
  const session = newSession(options);
  setup?.(session);
  return frames.map((f, i) => dissect(...frameOpts(f, i, session, linkType)));
}

/** The id of the field with this Wireshark name; throws if there is none. */
export function id(name: string): number {
  const f = fieldByName(name);
  if (!f) throw new Error(`no field ${name}`);
  return f.id;
}

/** Every occurrence of a field, as `tshark -T fields -e NAME` prints it. */
export function vals(pkt: Packet, name: string): string[] {
  const f = id(name);
  const out: string[] = [];
  for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === f) out.push(fieldText(pkt, i));
  return out;
}

/** The first occurrence of a field as `tshark -T fields` prints it, or undefined. */
export function val(pkt: Packet, name: string): string | undefined {
  return vals(pkt, name)[0];
}

/** The numeric value of every occurrence of a field. */
export function nums(pkt: Packet, name: string): number[] {
  const out: number[] = [];
  const f = id(name);
  for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === f) out.push(pkt.num[i]!);
  return out;
}

/** The numeric value of a field's first occurrence, or undefined. */
export function num(pkt: Packet, name: string): number | undefined {
  return pkt.value(id(name));
}

/** Every occurrence of an IPv4 address field, dotted. */
export function ipv4s(pkt: Packet, name: string): string[] {
  return nums(pkt, name).map(formatIPv4);
}

/**
 * Every occurrence of an IPv6 address field, formatted: from the item's own bytes when it
 * carries them (a computed address), else from its range in the data source.
 */
export function addrs(pkt: Packet, name: string): string[] {
  const out: string[] = [];
  const f = id(name);
  for (let i = 0; i < pkt.n; i++) {
    if (pkt.fid[i] !== f) continue;
    const r = pkt.ref[i];
    out.push(r instanceof Uint8Array ? formatIPv6(r, 0) : formatIPv6(pkt.sources[pkt.src[i]!]!, pkt.start[i]!));
  }
  return out;
}

/** Every occurrence of a MAC address field, formatted from its range in the data source. */
export function macs(pkt: Packet, name: string): string[] {
  const out: string[] = [];
  const f = id(name);
  for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === f) out.push(formatMac(pkt.sources[pkt.src[i]!]!, pkt.start[i]!));
  return out;
}

/** Whether the packet has the field at all. */
export function has(pkt: Packet, name: string): boolean {
  return pkt.has(id(name));
}

/** The messages of the packet's expert infos, in order. */
export function experts(pkt: Packet): string[] {
  return pkt.expert.map((e) => e.message);
}

/** Asserts no dissector threw: the registry turns a throw into an "Exception occurred" expert. */
export function noException(pkt: Packet): void {
  expect(experts(pkt).filter((m) => m.includes('Exception occurred'))).toEqual([]);
}

/** Asserts every item's byte range lies inside its data source. */
export function rangesInside(pkt: Packet): void {
  for (let i = 0; i < pkt.n; i++) {
    const src = pkt.sources[pkt.src[i]!]!;
    expect(pkt.start[i]! >= 0 && pkt.len[i]! >= 0 && pkt.start[i]! + pkt.len[i]! <= src.length).toBe(true);
  }
}
