/**
 * Expert information (as `wirelite stats FILE expert`, the same rows), grouped by severity, most
 * severe first: a heading per severity with its total, then per distinct (group, protocol,
 * summary) how often it occurred. Enter on a row opens its frames (Enter again on a frame jumps to
 * it; Enter on the row closes them), f jumps to the row's first frame.
 */
import { Box, Text, useInput, type DOMElement } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { EXPERT_LIMITS, type ExpertRow } from '../../stats/expert.js';
import type { ViewProps } from '../contract.js';
import { fit } from '../theme.js';
import { progressText, useTables } from './use-analysis.js';
import { eachKey } from './each-key.js';
import { useMouse } from '../mouse.js';

const SEVERITY = ['', 'Chat', 'Note', 'Warning', 'Error'];
const COLOR = ['', 'blue', 'cyan', 'yellow', 'red'];

type Line = { kind: 'severity'; severity: number; total: number } | { kind: 'row'; row: ExpertRow } | { kind: 'frame'; row: ExpertRow; frame: number };

/** The lines of the view: a heading per severity, its rows, the frames of the open rows. */
export function expertLines(rows: readonly ExpertRow[], open: ReadonlySet<ExpertRow>): Line[] {
  const out: Line[] = [];
  for (let sev = 4; sev >= 1; sev--) {
    const block = rows.filter((r) => r.severity === sev);
    if (!block.length) continue;
    out.push({ kind: 'severity', severity: sev, total: block.reduce((n, r) => n + r.count, 0) });
    for (const r of block) {
      out.push({ kind: 'row', row: r });
      if (open.has(r)) for (const f of r.frames) out.push({ kind: 'frame', row: r, frame: f });
    }
  }
  return out;
}

export function ExpertView(props: ViewProps) {
  const { width, height, focused, store } = props;
  const job = useTables(props.file, props.sessionOptions);
  const [open, setOpen] = useState<ReadonlySet<ExpertRow>>(new Set());
  const [sel, setSelState] = useState(0);
  // The key handler reads the selection through a ref: keys that come faster than renders all count.
  const selRef = useRef(0);
  const setSel = (v: number) => {
    selRef.current = v;
    setSelState(v);
  };
  const [top, setTop] = useState(0);
  const rows = job.state === 'done' ? job.result.expert : [];
  const lines = useMemo(() => expertLines(rows, open), [rows, open]);
  const bodyH = Math.max(1, height - 2);
  const selectable = (i: number) => lines[i] !== undefined && lines[i]!.kind !== 'severity';
  // The selection is never a heading: at first, the first row.
  const at = (v: number) => (selectable(v) ? v : Math.max(0, lines.findIndex((_, i) => selectable(i))));
  const cur = at(sel);
  const move = (to: number, step: number, cur = at(selRef.current)) => {
    let s = Math.max(0, Math.min(lines.length - 1, to));
    while (s > 0 && s < lines.length - 1 && !selectable(s)) s += step;
    if (!selectable(s)) s = cur;
    setSel(s);
    if (s < top) setTop(Math.max(0, s - 1));
    else if (s >= top + bodyH) setTop(s - bodyH + 1);
  };
  /** Enter (or f) on line `cur`: a row opens or closes (f: jumps to its first frame), a frame is jumped to. */
  const act = (cur: number, jump: boolean) => {
    const l = lines[cur];
    if (!l || l.kind === 'severity') return;
    if (l.kind === 'frame') props.onJump(l.frame);
    else if (jump) {
      if (l.row.frames[0] !== undefined) props.onJump(l.row.frames[0]);
    } else {
      const next = new Set(open);
      if (next.has(l.row)) next.delete(l.row);
      else next.add(l.row);
      setOpen(next);
    }
  };
  // The mouse: a click selects a row (on the selected one: as Enter), the wheel scrolls.
  const box = useRef<DOMElement>(null);
  useMouse(
    box,
    (e) => {
      if (e.kind === 'wheelUp' || e.kind === 'wheelDown') {
        const t = Math.max(0, Math.min(top + (e.kind === 'wheelDown' ? 3 : -3), lines.length - bodyH));
        setTop(t);
        const c = at(selRef.current);
        if (c < t || c >= t + bodyH) move(c < t ? t : t + bodyH - 1, c < t ? 1 : -1, c);
        return;
      }
      if (e.kind !== 'press' || e.button !== 0 || e.row < 1 || e.row > bodyH) return;
      const i = top + e.row - 1;
      if (!selectable(i)) return;
      if (i === at(selRef.current)) act(i, false);
      else setSel(i);
    },
    focused && job.state === 'done',
  );
  useInput(
    eachKey((input, k) => {
      const cur = at(selRef.current);
      if (k.downArrow || input === 'j') move(cur + 1, 1);
      else if (k.upArrow || input === 'k') move(cur - 1, -1);
      else if (k.pageDown) move(cur + bodyH, 1);
      else if (k.pageUp) move(cur - bodyH, -1);
      else if (input === 'g' || k.home) move(1, 1);
      else if (input === 'G' || k.end) move(lines.length - 1, -1);
      else if (k.return || input === 'f') act(cur, input === 'f');
    }),
    { isActive: focused && job.state === 'done' },
  );
  if (job.state !== 'done') return <Text>{fit(progressText(job, store, 'the expert information'), width)}</Text>;
  const selIdx = cur;
  return (
    <Box ref={box} flexDirection="column" width={width} height={height}>
      <Text bold>{fit(`${'Severity'.padEnd(9)} ${'Group'.padEnd(12)} ${'Protocol'.padEnd(10)} ${'Count'.padStart(7)}  Summary`, width)}</Text>
      {lines.slice(top, top + bodyH).map((l, i) => {
        const at = top + i;
        if (l.kind === 'severity') return <Text key={at} bold color={COLOR[l.severity]}>{fit(`${SEVERITY[l.severity]}s (${l.total.toLocaleString('en-US')})`, width)}</Text>;
        if (l.kind === 'frame') return <Text key={at} inverse={at === selIdx}>{fit(`${''.padEnd(42)}frame ${l.frame}`, width)}</Text>;
        const r = l.row;
        const mark = open.has(r) ? '▾' : '▸';
        return (
          <Text key={at} inverse={at === selIdx} color={COLOR[r.severity]}>
            {fit(`${mark} ${SEVERITY[r.severity]!.padEnd(7)} ${r.group.padEnd(12)} ${r.protocol.padEnd(10)} ${r.count.toLocaleString('en-US').padStart(7)}  ${r.summary}`, width)}
          </Text>
        );
      })}
      {lines.length === 0 ? <Text dimColor>no expert information</Text> : null}
      <Text dimColor>{fit(`Enter: the row's frames (the first ${EXPERT_LIMITS.framesPerRow.toLocaleString('en-US')}) / jump to a frame; f: its first frame`, width)}</Text>
    </Box>
  );
}
