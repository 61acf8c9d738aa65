/**
 * The hex and ASCII pane: `read -x`'s dump of the selected packet (every data source: the frame,
 * then reassembled or decrypted data), with the bytes of the tree's selected field highlighted in
 * both columns and, when the pane has the keyboard, a cursor on one byte (moving it selects the
 * field that holds the byte).
 */
import { Box, Text } from 'ink';
import type { PacketDetail } from '../store/detail.js';
import { fit } from '../theme.js';

/** Where a data source's dump starts: its first line (after its title line when there are several). */
export function sourceFirstLine(d: PacketDetail, src: number): number {
  const titled = d.sources.length > 1 ? 1 : 0;
  let line = 0;
  for (let s = 0; s < src; s++) line += titled + Math.ceil(d.sources[s]!.bytes.length / 16);
  return line + titled;
}

/** The dump line of byte `off` of source `src`. */
export function byteLine(d: PacketDetail, src: number, off: number): number {
  return sourceFirstLine(d, src) + Math.floor(off / 16);
}

const HEX_COL = 6;
const ASCII_COL = 6 + 48 + 2;

/**
 * The byte shown at cell `col` of dump line `line` (a click): its source and offset, in the hex
 * or the ASCII column; undefined between them, on an offset or a title, past the end.
 */
export function byteAt(d: PacketDetail, line: number, col: number): { src: number; off: number } | undefined {
  let i: number;
  if (col >= HEX_COL && col < HEX_COL + 48) i = Math.floor((col - HEX_COL) / 3);
  else if (col >= ASCII_COL && col < ASCII_COL + 16) i = col - ASCII_COL;
  else return undefined;
  for (let src = 0; src < d.sources.length; src++) {
    const first = sourceFirstLine(d, src);
    const off = (line - first) * 16 + i;
    if (line >= first && off < d.sources[src]!.bytes.length) return { src, off };
  }
  return undefined;
}

export interface HexPaneProps {
  detail: PacketDetail | undefined;
  /** Bytes to highlight: source, start, length. */
  mark?: { src: number; start: number; len: number };
  /** The cursor's byte (shown when focused). */
  cursor?: { src: number; off: number };
  top: number;
  width: number;
  height: number;
  focused: boolean;
}

interface Span {
  from: number;
  to: number;
  style: 'mark' | 'cursor';
}

/** Splits `text` into segments styled by `spans` (sorted, not overlapping). */
function styled(text: string, spans: Span[], key: number) {
  const parts = [];
  let at = 0;
  for (const s of spans) {
    if (s.from > at) parts.push(<Text key={at}>{text.slice(at, s.from)}</Text>);
    parts.push(s.style === 'cursor' ? <Text key={s.from} inverse underline>{text.slice(s.from, s.to)}</Text> : <Text key={s.from} inverse>{text.slice(s.from, s.to)}</Text>);
    at = s.to;
  }
  if (at < text.length) parts.push(<Text key={at}>{text.slice(at)}</Text>);
  return <Text key={key}>{parts}</Text>;
}

export function HexPane({ detail, mark, cursor, top, width, height, focused }: HexPaneProps) {
  const out = [];
  if (detail) {
    const lines = detail.hex.replace(/\n$/, '').split('\n');
    for (let k = top; k < Math.min(lines.length, top + height); k++) {
      const text = fit(lines[k]!, width);
      const spans: Span[] = [];
      const add = (src: number, a: number, b: number, style: Span['style']) => {
        // Bytes [a, b) of source src that are on line k.
        const first = sourceFirstLine(detail, src);
        const lineStart = (k - first) * 16;
        if (k < first || lineStart >= detail.sources[src]!.bytes.length) return;
        const from = Math.max(a, lineStart) - lineStart;
        const to = Math.min(b, lineStart + 16) - lineStart;
        if (to <= from) return;
        spans.push({ from: HEX_COL + 3 * from, to: HEX_COL + 3 * to - 1, style });
        spans.push({ from: ASCII_COL + from, to: ASCII_COL + to, style });
      };
      if (mark && mark.len > 0) add(mark.src, mark.start, mark.start + mark.len, 'mark');
      if (focused && cursor) {
        // The cursor replaces the mark on its byte.
        const c: Span[] = [];
        const save = spans.splice(0);
        add(cursor.src, cursor.off, cursor.off + 1, 'cursor');
        c.push(...spans.splice(0));
        for (const s of save) {
          const hit = c.find((x) => x.from < s.to && x.to > s.from);
          if (!hit) spans.push(s);
          else {
            if (hit.from > s.from) spans.push({ ...s, to: hit.from });
            if (hit.to < s.to) spans.push({ ...s, from: hit.to });
          }
        }
        spans.push(...c);
      }
      spans.sort((a, b) => a.from - b.from);
      const clipped = spans.filter((s) => s.from < width).map((s) => ({ ...s, to: Math.min(s.to, width) }));
      out.push(styled(text, clipped, k));
    }
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {out}
    </Box>
  );
}
