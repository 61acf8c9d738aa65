/**
 * A sortable table for the analysis views: a header with the sort column marked (▼ descending,
 * ▲ ascending), the rows that fit, the selected one inverted. Keys (while focused): ↑ ↓ k j
 * select, PgUp PgDn, g G first / last, ← → h l the sort column, s reverses the order, Enter opens
 * the selected row (`onEnter`), f jumps to its frame (`onJumpKey`). The mouse (while focused): a
 * click selects a row, a click on the selected row opens it, a click on a column's title sorts by
 * it (again: the other way), the wheel scrolls.
 */
import { Box, Text, useInput, type DOMElement } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useMouse } from '../mouse.js';
import { fit } from '../theme.js';
import { eachKey } from './each-key.js';

export interface Column<R> {
  title: string;
  width: number;
  /** Right-aligned (numbers). */
  right?: boolean;
  text: (r: R) => string;
  /** The sort key (default: the text). */
  key?: (r: R) => number | string;
  /** Sort descending first (default for numbers). */
  desc?: boolean;
}

export interface TableProps<R> {
  columns: readonly Column<R>[];
  rows: readonly R[];
  width: number;
  height: number;
  focused: boolean;
  /** The column sorted by at first, and whether descending. */
  initialSort?: number;
  initialDesc?: boolean;
  onEnter?: (row: R) => void;
  /** f on the selected row (jump to its frame). */
  onJumpKey?: (row: R) => void;
  /** A row's colour (a marked row: unanswered, an error). */
  color?: (row: R) => string | undefined;
  /** Tells the selected row (a detail line under the table). */
  onSelect?: (row: R | undefined) => void;
}

export function sortRows<R>(rows: readonly R[], col: Column<R>, desc: boolean): R[] {
  const key = col.key ?? col.text;
  const idx = rows.map((r, i) => ({ r, i, k: key(r) }));
  idx.sort((a, b) => {
    const c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
    return (desc ? -c : c) || a.i - b.i;
  });
  return idx.map((x) => x.r);
}

interface TableState {
  sortCol: number;
  desc: boolean;
  sel: number;
  top: number;
}

export function Table<R>(props: TableProps<R>) {
  const { columns, rows, width, height, focused } = props;
  // One state object updated from the previous one: keys that come faster than renders all count.
  const [st, setSt] = useState<TableState>({ sortCol: props.initialSort ?? -1, desc: props.initialDesc ?? true, sel: 0, top: 0 });
  const { sortCol, desc, sel, top } = st;
  const sorted = useMemo(() => (sortCol >= 0 && columns[sortCol] ? sortRows(rows, columns[sortCol]!, desc) : [...rows]), [rows, columns, sortCol, desc]);
  const bodyH = Math.max(1, height - 1);
  const n = sorted.length;
  const moved = (s0: TableState, to: number): TableState => {
    const s = Math.max(0, Math.min(n - 1, to));
    const t = s < s0.top ? s : s >= s0.top + bodyH ? s - bodyH + 1 : s0.top;
    return { ...s0, sel: s, top: t };
  };
  useInput(
    eachKey((input, k) => {
      const onEnter = props.onEnter;
      const onJumpKey = props.onJumpKey;
      setSt((s0) => {
        let s = s0;
        if (k.downArrow || input === 'j') s = moved(s0, s0.sel + 1);
        else if (k.upArrow || input === 'k') s = moved(s0, s0.sel - 1);
        else if (k.pageDown) s = moved(s0, s0.sel + bodyH);
        else if (k.pageUp) s = moved(s0, s0.sel - bodyH);
        else if (input === 'g' || k.home) s = moved(s0, 0);
        else if (input === 'G' || k.end) s = moved(s0, n - 1);
        else if (k.rightArrow || input === 'l' || k.leftArrow || input === 'h') {
          const right = k.rightArrow || input === 'l';
          const next = s0.sortCol < 0 ? (right ? 0 : columns.length - 1) : (s0.sortCol + (right ? 1 : columns.length - 1)) % columns.length;
          s = { sortCol: next, desc: columns[next]!.desc ?? columns[next]!.right ?? false, sel: 0, top: 0 };
        } else if (input === 's') s = { sortCol: Math.max(0, s0.sortCol), desc: !s0.desc, sel: 0, top: 0 };
        return s;
      });
      // Enter and f act on the row shown selected (the last render's).
      if (k.return && sorted[sel]) onEnter?.(sorted[sel]!);
      else if (input === 'f' && sorted[sel]) onJumpKey?.(sorted[sel]!);
    }),
    { isActive: focused },
  );
  const box = useRef<DOMElement>(null);
  useMouse(
    box,
    (e) => {
      if (e.kind === 'wheelUp' || e.kind === 'wheelDown') {
        setSt((s0) => {
          const t = Math.max(0, Math.min(s0.top + (e.kind === 'wheelDown' ? 3 : -3), n - bodyH));
          return { ...s0, top: t, sel: Math.max(t, Math.min(s0.sel, t + bodyH - 1, n - 1)) };
        });
        return;
      }
      if (e.kind !== 'press' || e.button !== 0) return;
      if (e.row === 0) {
        // The title clicked: the column under it (a cell and the space after it).
        let x = 0;
        const c = columns.findIndex((col) => {
          const hit = e.col >= x && e.col < x + col.width + 1;
          x += col.width + 1;
          return hit;
        });
        if (c >= 0) setSt((s0) => ({ sortCol: c, desc: s0.sortCol === c ? !s0.desc : columns[c]!.desc ?? columns[c]!.right ?? false, sel: 0, top: 0 }));
        return;
      }
      const i = top + e.row - 1;
      if (i >= n) return;
      if (i === sel) props.onEnter?.(sorted[i]!);
      else setSt((s0) => ({ ...s0, sel: i }));
    },
    focused,
  );
  const onSelect = props.onSelect;
  const selected = sorted[sel];
  useEffect(() => onSelect?.(selected), [selected, onSelect]);
  const cell = (c: Column<R>, s: string) => (c.right ? (s.length > c.width ? fit(s, c.width) : s.padStart(c.width)) : fit(s, c.width));
  const header = columns.map((c, i) => cell(c, c.title + (i === sortCol ? (desc ? '▼' : '▲') : ''))).join(' ');
  const visible = sorted.slice(top, top + bodyH);
  return (
    <Box ref={box} flexDirection="column" width={width} height={height}>
      <Text bold>{fit(header, width)}</Text>
      {visible.map((r, i) => {
        const line = fit(columns.map((c) => cell(c, c.text(r))).join(' '), width);
        const color = props.color?.(r);
        return (
          <Text key={top + i} inverse={top + i === sel} color={color}>
            {line}
          </Text>
        );
      })}
      {n === 0 ? <Text dimColor>{fit('(none)', width)}</Text> : null}
    </Box>
  );
}
