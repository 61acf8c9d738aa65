/**
 * Expand and collapse in the detail tree: the lines of a packet's tree (store/detail.ts) with
 * their depths; a line has children when the next one is deeper. What is expanded is remembered
 * by the line's key (its depth and label up to the first ':' or ','), so moving to another packet
 * keeps the same layers and fields open, as Wireshark does.
 */
import type { DetailLine, PacketDetail } from '../store/detail.js';

export function lineKey(l: DetailLine): string {
  const m = /^[^:,(]*/.exec(l.text);
  return `${l.depth}:${l.kind}:${m ? m[0] : l.text}`;
}

export function hasChildren(lines: readonly DetailLine[], i: number): boolean {
  return i + 1 < lines.length && lines[i + 1]!.depth > lines[i]!.depth;
}

/** Indexes of the lines shown: every line whose ancestors are all expanded. */
export function visibleLines(lines: readonly DetailLine[], expanded: ReadonlySet<string>): number[] {
  const out: number[] = [];
  /** Depth below which lines are hidden (a collapsed ancestor's depth), or Infinity. */
  let hideBelow = Infinity;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.depth > hideBelow) continue;
    hideBelow = Infinity;
    out.push(i);
    if (hasChildren(lines, i) && !expanded.has(lineKey(l))) hideBelow = l.depth;
  }
  return out;
}

/** The line of `i`'s parent, or -1. */
export function parentLine(lines: readonly DetailLine[], i: number): number {
  const d = lines[i]!.depth;
  for (let k = i - 1; k >= 0; k--) if (lines[k]!.depth < d) return k;
  return -1;
}

/** Keys of `i`'s ancestors (to open them so that `i` is shown). */
export function ancestorKeys(lines: readonly DetailLine[], i: number): string[] {
  const out: string[] = [];
  for (let p = parentLine(lines, i); p >= 0; p = parentLine(lines, p)) out.push(lineKey(lines[p]!));
  return out;
}

/** The deepest line whose item holds byte `off` of data source `src` (-1: none). */
export function lineAtByte(lines: readonly DetailLine[], src: number, off: number): number {
  let best = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind !== 'item' || l.src !== src || l.len <= 0) continue;
    if (off < l.start || off >= l.start + l.len) continue;
    // The deepest item, then the shortest, then the first: as Wireshark picks the field of a byte.
    const b = best < 0 ? undefined : lines[best]!;
    if (!b || l.depth > b.depth || (l.depth === b.depth && l.len < b.len)) best = i;
  }
  return best;
}

/** The text of tree line `i` as the pane shows it (indent, marker, label). */
export function treeLineText(detail: PacketDetail, i: number, expanded: ReadonlySet<string>): string {
  const l = detail.lines[i]!;
  const marker = hasChildren(detail.lines, i) ? (expanded.has(lineKey(l)) ? '▾ ' : '▸ ') : '  ';
  return '  '.repeat(l.depth) + marker + l.text;
}
