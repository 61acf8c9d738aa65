/**
 * IP fragment reassembly, shared by IPv4 (RFC 791) and the IPv6 Fragment header (RFC 8200 4.5).
 *
 * A datagram is complete when the fragment with More-Fragments clear has been seen and the bytes
 * from 0 to its end are all present (Wireshark's rule; overlapping fragments are allowed, the
 * first copy of a byte wins and an overlap with different data is reported).
 *
 * Memory is bounded by named limits: datagrams in progress, bytes buffered in total, the size of
 * one datagram, and an idle timeout in capture time. Reaching a limit evicts the oldest entries.
 */
import { annotate, sessionState, Severity, type Packet } from './packet.js';
import { fieldById, FT } from './fields.js';
import { defineLimits } from './limits.js';

/** Named limits of IP reassembly (a session's are `session.limits.ipReassembly`). */
export interface IpReassemblyLimits {
  maxDatagrams: number;
  maxBytes: number;
  maxDatagramSize: number;
  timeoutSec: number;
}

declare module './limits.js' {
  interface SessionLimits {
    ipReassembly: IpReassemblyLimits;
  }
}

/** The defaults of `session.limits.ipReassembly`. */
export const REASSEMBLY_LIMITS = defineLimits('ipReassembly', {
  /** Datagrams being reassembled at once. */
  maxDatagrams: 4096,
  /** Bytes held across all datagrams. */
  maxBytes: 64 * 1024 * 1024,
  /** Largest reassembled datagram (IPv4: 65535; IPv6 jumbograms are not reassembled). */
  maxDatagramSize: 65535 + 65535,
  /** A datagram not completed within this many seconds of capture time is dropped. */
  timeoutSec: 60,
});

interface Fragment {
  offset: number;
  data: Uint8Array;
  frame: number;
}

interface Pending {
  key: string;
  frags: Fragment[];
  total: number; // -1 until the last fragment is seen
  bytes: number;
  firstSec: number;
  /** Frames of the fragments (for `ip.fragment` items and annotations). */
  frames: number[];
}

export interface ReassemblyResult {
  /** The reassembled datagram payload. */
  data: Uint8Array;
  /** Frame numbers of every fragment, in offset order. */
  frames: number[];
  overlap: boolean;
  overlapConflict: boolean;
}

interface Table {
  pending: Map<string, Pending>;
  bytes: number;
  evicted: number;
}

function table(pkt: Packet, name: string): Table {
  return sessionState(pkt, `reasm.${name}`, () => ({ pending: new Map(), bytes: 0, evicted: 0 }));
}

function drop(t: Table, p: Pending): void {
  t.pending.delete(p.key);
  t.bytes -= p.bytes;
}

/**
 * Adds a fragment; returns the datagram when this fragment completes it, else undefined.
 * `data` is copied (frame buffers are reused by the reader).
 */
export function addFragment(
  pkt: Packet,
  name: string,
  key: string,
  offset: number,
  data: Uint8Array,
  more: boolean,
): ReassemblyResult | undefined {
  const t = table(pkt, name);
  const now = pkt.frame.tsSec;
  const REASSEMBLY_LIMITS = pkt.session.limits.ipReassembly;
  // Evict timed-out datagrams (Map iteration order = insertion order = oldest first).
  for (const p of t.pending.values()) {
    if (now - p.firstSec <= REASSEMBLY_LIMITS.timeoutSec) break;
    drop(t, p);
    t.evicted++;
  }
  let p = t.pending.get(key);
  if (!p) {
    while (t.pending.size >= REASSEMBLY_LIMITS.maxDatagrams) {
      const oldest = t.pending.values().next().value as Pending;
      drop(t, oldest);
      t.evicted++;
    }
    p = { key, frags: [], total: -1, bytes: 0, firstSec: now, frames: [] };
    t.pending.set(key, p);
  }
  // A fragment past the largest datagram, or a datagram holding more than twice that in
  // (overlapping, duplicated) fragments, is hostile or broken: give it up.
  if (offset + data.length > REASSEMBLY_LIMITS.maxDatagramSize || p.bytes + data.length > 2 * REASSEMBLY_LIMITS.maxDatagramSize) {
    drop(t, p);
    t.evicted++;
    return undefined;
  }
  while (t.bytes + data.length > REASSEMBLY_LIMITS.maxBytes && t.pending.size > 1) {
    const oldest = t.pending.values().next().value as Pending;
    if (oldest === p) break;
    drop(t, oldest);
    t.evicted++;
  }
  p.frags.push({ offset, data: data.slice(), frame: pkt.frame.number });
  p.bytes += data.length;
  t.bytes += data.length;
  if (!more) p.total = offset + data.length;
  if (p.total < 0) return undefined;
  // Complete when [0, total) is covered.
  const sorted = p.frags.slice().sort((a, b) => a.offset - b.offset || a.frame - b.frame);
  let covered = 0;
  for (const f of sorted) {
    if (f.offset > covered) return undefined;
    covered = Math.max(covered, f.offset + f.data.length);
    if (covered >= p.total) break;
  }
  if (covered < p.total) return undefined;
  const out = new Uint8Array(p.total);
  const written = new Uint8Array(p.total);
  let overlap = false;
  let conflict = false;
  for (const f of sorted) {
    for (let i = 0; i < f.data.length && f.offset + i < p.total; i++) {
      const at = f.offset + i;
      if (written[at]) {
        overlap = true;
        if (out[at] !== f.data[i]) conflict = true;
        continue;
      }
      out[at] = f.data[i]!;
      written[at] = 1;
    }
  }
  drop(t, p);
  return { data: out, frames: sorted.map((f) => f.frame), overlap, overlapConflict: conflict };
}

/** The field ids under which a protocol shows its reassembled fragments (ip.* or ipv6.*). */
export interface FragmentFields {
  fragments: number;
  fragment: number;
  fragment_count: number;
  fragment_overlap: number;
  fragment_conflict: number;
  reassembled_length: number;
}

/**
 * After `addFragment` completed a datagram: notes "reassembled in" on every fragment's frame (for a
 * second pass), adds the fragment list under `parent` as Wireshark shows it, and marks the packet's
 * network context whole again. `name` is `IPv4` or `IPv6`, `prefix` the field prefix (`ip`, `ipv6`).
 */
export function showReassembled(pkt: Packet, res: ReassemblyResult, f: FragmentFields, noteKey: string, name: string, prefix: string, at: number, parent: number): void {
  const frame = pkt.frame.number;
  for (const fr of res.frames) annotate(pkt, fr, noteKey, frame);
  const fi = pkt.add(f.fragments, at, 0, parent);
  // Wireshark's ip.fragments is FT_BYTES holding the reassembled payload (ipv6.fragments is FT_NONE).
  if (fi >= 0 && fieldById(f.fragments).type === FT.BYTES) pkt.ref[fi] = res.data;
  if (pkt.wantLabels) pkt.setLabel(fi, `[${res.frames.length} ${name} Fragments (${res.data.length} bytes): ${res.frames.map((n) => `#${n}`).join(', ')}]`);
  for (const n of res.frames) pkt.add(f.fragment, at, 0, fi, n);
  pkt.add(f.fragment_count, at, 0, fi, res.frames.length);
  if (res.overlap) pkt.add(f.fragment_overlap, at, 0, fi, 1);
  if (res.overlapConflict) {
    pkt.add(f.fragment_conflict, at, 0, fi, 1);
    pkt.addExpert(fi, Severity.Error, 'Malformed', `${prefix}.fragment.overlap.conflict`, 'Conflicting data in fragment overlap');
  }
  pkt.add(f.reassembled_length, at, 0, fi, res.data.length);
  pkt.ipFragmented = false; // the whole datagram is here now
}
