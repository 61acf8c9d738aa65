/**
 * The expert items of a capture grouped as `tshark -z expert` groups them: per distinct (severity,
 * group, protocol, message), how often it occurred and the first frames where it did. A consumer:
 * `add(pkt)` per dissected packet (expert items collected), `result()` the rows; the text and JSON
 * writers are in src/cli/commands/stats.ts.
 */
import type { Packet } from '../dissectors/packet.js';
import { protocolTitle } from './protocols.js';

export const EXPERT_LIMITS = {
  /** Frame numbers kept per expert row (the count is always exact). */
  framesPerRow: 10_000,
};

/**
 * Expert items whose protocol is not their name's first component: tshark names the protocol that
 * was dissecting when the item was added (the Ethernet trailer is examined by the ethertype dissector).
 */
const EXPERT_PROTOCOL: Record<string, string> = { 'eth.padding_bad': 'Ethertype' };

export interface ExpertRow {
  severity: number;
  group: string;
  protocol: string;
  summary: string;
  count: number;
  frames: number[];
}

/** Expert rows in order of first occurrence. */
export class ExpertTable {
  private rows = new Map<string, ExpertRow>();

  add(pkt: Packet): void {
    for (const e of pkt.expert) {
      const prefix = e.abbrev.slice(0, e.abbrev.indexOf('.'));
      const protocol = EXPERT_PROTOCOL[e.abbrev] ?? (prefix === '_ws' ? protocolTitle(pkt.protocols.last() ?? 'frame') : protocolTitle(prefix));
      const key = `${e.severity}\u0000${e.group}\u0000${protocol}\u0000${e.message}`;
      let r = this.rows.get(key);
      if (!r) {
        r = { severity: e.severity, group: e.group, protocol, summary: e.message, count: 0, frames: [] };
        this.rows.set(key, r);
      }
      r.count++;
      if (r.frames.length < EXPERT_LIMITS.framesPerRow) r.frames.push(pkt.frame.number);
    }
  }

  /** The rows by severity, most severe first, each in order of first occurrence. */
  result(): ExpertRow[] {
    return [...this.rows.values()].sort((a, b) => b.severity - a.severity);
  }
}
