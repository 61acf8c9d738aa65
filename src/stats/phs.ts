/**
 * Protocol hierarchy statistics, as Wireshark's `io,phs` tap (ui/cli/tap-protohierstat.c): per
 * path of protocols, how many frames carried it and the sum of their frame lengths.
 *
 * The path of a packet is the list of its top-level protocol items (the items directly under the
 * tree's root, the `frame` item left out), in tree order: a protocol nested inside another's item
 * (the datagram quoted by an ICMP error, an IPv6 extension header) is not on the path, as in
 * Wireshark, and the same protocol twice on the path (IP in IP, two TLS items) nests twice. A frame
 * comment is the top-level `pkt_comment` item tshark puts first; a malformed packet ends in
 * `_ws.malformed`.
 *
 * A consumer: `add(pkt)` per dissected packet, `result()` the rows. It reads nothing and formats
 * nothing (the text and JSON writers are in src/cli/phs-stats.ts). The packets must keep the
 * protocol items in their tree: dissect with `fields: phsFields()`.
 */
import { allFields, fieldByName, FT } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';

/** One protocol path (a node of the hierarchy), in the order tshark prints them (depth first). */
export interface PhsRow {
  /** The protocol's filter name (tshark's abbreviation: `eth`, `ip`, `tcp`, `data`, `_ws.malformed`). */
  protocol: string;
  /** 0 for the outermost protocol. */
  depth: number;
  /** The protocols from the outermost to this one. */
  path: string[];
  frames: number;
  /** Sum of the frame lengths (on the wire) of those frames. */
  bytes: number;
}

interface Node {
  protocol: string;
  frames: number;
  bytes: number;
  /** Children in order of first appearance. */
  children: Node[];
}

let fieldsCache: { ids: number[]; isTop: Uint8Array; abbrevs: string[] } | undefined;

/** Built on first use: the dissectors register their fields when their modules load. */
function tables() {
  if (fieldsCache) return fieldsCache;
  const all = allFields();
  const ids = all.filter((f) => f.type === FT.PROTOCOL).map((f) => f.id);
  const isTop = new Uint8Array(all.length);
  for (const id of ids) isTop[id] = 1;
  isTop[fieldByName('frame')!.id] = 0;
  return (fieldsCache = { ids, isTop, abbrevs: all.map((f) => f.abbrev) });
}

/** The field ids a packet's tree must keep for `ProtocolHierarchy.add`: every protocol item (`_ws.malformed` is one). */
export function phsFields(): readonly number[] {
  return tables().ids;
}

export class ProtocolHierarchy {
  private root: Node = { protocol: '', frames: 0, bytes: 0, children: [] };
  /** Frames added (every frame, also one without any protocol on its path). */
  frames = 0;
  private readonly frameRoot: boolean;

  /**
   * `frameRoot`: every path starts with `frame`, as tshark's when the tap's filter names the frame
   * protocol or one of its fields (`-z io,phs,frame.len>100`: the filter makes the frame item real).
   */
  constructor(opts: { frameRoot?: boolean } = {}) {
    this.frameRoot = opts.frameRoot === true;
  }

  /** Counts one dissected packet (its tree kept at least phsFields()). */
  add(pkt: Packet): void {
    const bytes = pkt.frame.origLen;
    this.frames++;
    let node = this.root;
    if (pkt.frame.comments?.length) node = this.step(node, 'pkt_comment', bytes);
    if (this.frameRoot) node = this.step(node, 'frame', bytes);
    const { isTop, abbrevs } = tables();
    const fid = pkt.fid;
    const parent = pkt.parent;
    for (let i = 0; i < pkt.n; i++) {
      if (parent[i] !== -1 || isTop[fid[i]!] !== 1) continue;
      node = this.step(node, abbrevs[fid[i]!]!, bytes);
    }
  }

  private step(node: Node, protocol: string, bytes: number): Node {
    let child: Node | undefined;
    for (const c of node.children) if (c.protocol === protocol) child = c;
    if (!child) {
      child = { protocol, frames: 0, bytes: 0, children: [] };
      node.children.push(child);
    }
    child.frames++;
    child.bytes += bytes;
    return child;
  }

  /** The rows, depth first, siblings in order of first appearance. */
  result(): PhsRow[] {
    const rows: PhsRow[] = [];
    const walk = (n: Node, path: string[]) => {
      for (const c of n.children) {
        const p = [...path, c.protocol];
        rows.push({ protocol: c.protocol, depth: path.length, path: p, frames: c.frames, bytes: c.bytes });
        walk(c, p);
      }
    };
    walk(this.root, []);
    return rows;
  }
}
