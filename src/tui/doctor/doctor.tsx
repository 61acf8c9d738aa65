/**
 * The connection doctor: for one TCP connection, the card and verdict `wirelite stats FILE tcp`
 * prints (what limited it, with its evidence frames, each a link to the packet), the graphs
 * (./graphs.ts: time-sequence, bytes in flight against the receive window and the estimated
 * congestion window, RTT samples, throughput) drawn in braille, with zoom, pan and a cursor that
 * jumps to its packet, and the follow-stream text. Everything comes from ../views/analysis.ts
 * (src/stats consumers run through the pipeline in a worker); nothing here decodes.
 *
 * Keys: 1-4 graphs, i the card, f the stream text; + - zoom in / out (around the cursor), 0 the
 * whole connection, ← → h l pan, [ ] , . the cursor to the previous / next point, Enter jumps to
 * the cursor's packet (in the card: to the selected evidence frame), n p the next / previous
 * evidence frame, J jumps to it, ↑ ↓ PgUp PgDn scroll the card and the text.
 */
import { Box, Text, useInput } from 'ink';
import { useMemo, useRef, useState } from 'react';
import type { ViewProps } from '../contract.js';
import { Graph } from '../graph/graph.js';
import { fit } from '../theme.js';
import { progressText, useConnection } from '../views/use-analysis.js';
import type { ConnectionDetail } from '../views/analysis.js';
import { Retrans, type TcpSeriesPoint } from '../../stats/tcp-series.js';
import { cursorPoints, GRAPH_KINDS, GRAPH_TITLES, graphSpec, pan, timeSpan, zoom, type GraphKind } from './graphs.js';
import { eachKey } from '../views/each-key.js';

type Mode = GraphKind | 'card' | 'follow';

interface DoctorState {
  mode: Mode;
  /** The time window shown, the cursor (an index into the graph's points), the text's first line, the evidence link. */
  win: [number, number];
  cur: number;
  scroll: number;
  link: number;
}

/** The evidence frames of the verdict and the detectors, in order, each once. */
export function evidenceFrames(d: ConnectionDetail): number[] {
  const s = d.summary;
  if (!s) return [];
  return [...new Set([...s.verdict.frames, ...s.detectors.flatMap((x) => x.frames)])];
}

/** Splits `text` into lines of at most `w` characters, at spaces where it can; a line's indentation is kept on its continuations. */
export function wrap(text: string, w: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const indent = /^ */.exec(para)![0];
    const iw = Math.max(1, w - indent.length);
    let line = '';
    for (const word of para.slice(indent.length).split(' ')) {
      if (line && line.length + 1 + word.length > iw) {
        out.push(indent + line);
        line = '';
      }
      line = line ? `${line} ${word}` : word;
      while (line.length > iw) {
        out.push(indent + line.slice(0, iw));
        line = line.slice(iw);
      }
    }
    out.push(indent + line);
  }
  return out;
}

function describe(p: TcpSeriesPoint, node: string): string {
  const flags = [p.flags & 0x02 ? 'SYN' : '', p.flags & 0x01 ? 'FIN' : '', p.flags & 0x04 ? 'RST' : '', p.flags & 0x10 ? 'ACK' : ''].filter(Boolean).join(',');
  const re = p.retrans === Retrans.Fast ? ' [fast retransmission]' : p.retrans === Retrans.Spurious ? ' [spurious retransmission]' : p.retrans ? ' [retransmission]' : '';
  let s = `frame ${p.frame} t=${p.time.toFixed(6)} s from ${node} [${flags}] seq ${p.seq} len ${p.len}`;
  if (p.ack >= 0) s += ` ack ${p.ack}`;
  s += ` win ${p.win}`;
  if (p.bytesInFlight >= 0) s += ` in flight ${p.bytesInFlight}`;
  if (p.ackRtt >= 0) s += ` rtt ${(p.ackRtt * 1000).toFixed(3)} ms`;
  if (p.sack.length) s += ` sack ${p.sack.map(([a, b]) => `${a}-${b}`).join(' ')}`;
  return s + re;
}

export function Doctor(props: ViewProps & { stream?: number }) {
  const { width, height, focused, store } = props;
  const stream = props.stream ?? (props.selectedFrame !== undefined ? store.row(props.selectedFrame)?.tcpStream : undefined);
  const job = useConnection(props.file, stream, props.sessionOptions);
  if (stream === undefined || stream < 0) return <Text>{fit('Connection doctor: select a TCP packet in the packet list (or a TCP conversation), then open the doctor.', width)}</Text>;
  if (!job || job.state !== 'done') return <Text>{fit(job ? progressText(job, store, `TCP stream ${stream}`) : '', width)}</Text>;
  return <DoctorBody {...props} detail={job.result} width={width} height={height} focused={focused} />;
}

function DoctorBody(props: ViewProps & { detail: ConnectionDetail }) {
  const { detail, width, height, focused } = props;
  const points = detail.series.points;
  const full = useMemo(() => timeSpan(points), [points]);
  // One state object, read by the key handler through a ref: keys that come faster than renders all count.
  const [st, setSt] = useState<DoctorState>({ mode: 'time-sequence', win: full, cur: 0, scroll: 0, link: 0 });
  const ref = useRef(st);
  const update = (patch: Partial<DoctorState>) => {
    ref.current = { ...ref.current, ...patch };
    setSt(ref.current);
  };
  const { mode, win, cur, scroll, link } = st;
  const setMode = (m: Mode) => update({ mode: m });
  const setWin = (w: [number, number]) => update({ win: w });
  const setCur = (c: number) => update({ cur: c });
  const setScroll = (v: number) => update({ scroll: v });
  const setLink = (v: number) => update({ link: v });
  const evidence = useMemo(() => evidenceFrames(detail), [detail]);
  const graphKind: GraphKind = mode === 'card' || mode === 'follow' ? 'time-sequence' : mode;
  const cps = useMemo(() => cursorPoints(graphKind, points), [graphKind, points]);
  const cp = cps[Math.min(cur, cps.length - 1)];
  const s = detail.summary;
  const title = s ? `TCP stream ${s.stream}: ${detail.series.node0} -> ${detail.series.node1}  frames ${s.firstFrame}-${s.lastFrame}, ${points.length} packets` : `TCP stream ${detail.stream}: not in the capture`;
  const verdict = wrap(s ? `Verdict: ${s.verdict.text}` : '', width).slice(0, 3);
  const headerH = 1 + verdict.length + 2;
  const bodyH = Math.max(3, height - headerH - 1);
  const textLines = useMemo(() => {
    if (mode === 'card') return detail.card.split('\n').flatMap((l) => wrap(l, width));
    if (mode === 'follow') {
      const f = detail.follow;
      const lines = [`Follow: tcp,ascii  Node 0: ${f.node0}  Node 1: ${f.node1}${f.truncated ? '  (cut at 4 MiB)' : ''}`];
      for (const c of f.chunks) for (const l of c.text.split(/\r?\n/)) lines.push(...wrap((c.dir ? '    ' : '') + l, width));
      return lines;
    }
    return [];
  }, [mode, detail, width]);
  const moveCursor = (to: number) => {
    if (!cps.length) return;
    const win = ref.current.win;
    const i = Math.max(0, Math.min(cps.length - 1, to));
    setCur(i);
    const t = cps[i]!.time;
    if (t < win[0] || t > win[1]) {
      const span = win[1] - win[0];
      const a = Math.max(full[0], Math.min(full[1] - span, t - span / 2));
      setWin([a, a + span]);
    }
  };
  const jumpEvidence = () => {
    const f = evidence[ref.current.link];
    if (f !== undefined) props.onJump(f);
  };
  useInput(
    eachKey((input, k) => {
      const { mode, win, cur, scroll, link } = ref.current;
      const cps = cursorPoints(mode === 'card' || mode === 'follow' ? 'time-sequence' : mode, points);
      const cp = cps[Math.min(cur, cps.length - 1)];
      const d = Number(input);
      if (d >= 1 && d <= GRAPH_KINDS.length) update({ mode: GRAPH_KINDS[d - 1]!, cur: 0 });
      else if (input === 'i') update({ mode: 'card', scroll: 0 });
      else if (input === 'f') update({ mode: 'follow', scroll: 0 }); else if (input === 'n') setLink((link + 1) % Math.max(1, evidence.length));
      else if (input === 'p') setLink((link + Math.max(1, evidence.length) - 1) % Math.max(1, evidence.length));
      else if (input === 'J') jumpEvidence();
      else if (mode === 'card' || mode === 'follow') {
        const max = Math.max(0, textLines.length - bodyH);
        if (k.downArrow || input === 'j') setScroll(Math.min(max, scroll + 1));
        else if (k.upArrow || input === 'k') setScroll(Math.max(0, scroll - 1));
        else if (k.pageDown) setScroll(Math.min(max, scroll + bodyH));
        else if (k.pageUp) setScroll(Math.max(0, scroll - bodyH));
        else if (k.return && mode === 'card') jumpEvidence();
      } else {
        const at = cp?.time ?? (win[0] + win[1]) / 2;
        if (input === '+' || input === '=') setWin(zoom(win, full, 0.5, at));
        else if (input === '-' || input === '_') setWin(zoom(win, full, 2, at));
        else if (input === '0') setWin(full);
        else if (k.rightArrow || input === 'l') setWin(pan(win, full, 0.25));
        else if (k.leftArrow || input === 'h') setWin(pan(win, full, -0.25));
        else if (input === ']' || input === '.') moveCursor(cur + 1);
        else if (input === '[' || input === ',') moveCursor(cur - 1);
        else if (k.return && cp) props.onJump(cp.frame);
      }
    }),
    { isActive: focused },
  );
  const tabs: Array<[string, Mode, string]> = [...GRAPH_KINDS.map((g, i) => [String(i + 1), g, GRAPH_TITLES[g]] as [string, Mode, string]), ['i', 'card', 'Card'], ['f', 'follow', 'Stream']];
  let body;
  if (mode === 'card' || mode === 'follow') {
    body = textLines.slice(scroll, scroll + bodyH).map((l, i) => <Text key={i}>{fit(l, width)}</Text>);
  } else if (!points.length) {
    body = <Text>{fit('no packets of this stream', width)}</Text>;
  } else {
    body = <Graph spec={graphSpec(mode, points, win, width, bodyH, cp?.time)} />;
  }
  const node = (p: TcpSeriesPoint) => (p.dir === 0 ? detail.series.node0 : detail.series.node1);
  const footer = mode === 'card' || mode === 'follow' ? `↑↓ scroll (${textLines.length} lines); n/p evidence, ${mode === 'card' ? 'Enter or J' : 'J'}: jump` : cp ? `cursor: ${describe(cp, node(cp))}` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold>{fit(title, width)}</Text>
      {verdict.map((l, i) => <Text key={i} color={s && s.verdict.limitedBy !== 'none' ? 'yellow' : undefined}>{fit(l, width)}</Text>)}
      <Text wrap="truncate">
        {'Evidence: '}
        {evidence.length ? evidence.slice(0, 20).map((f, i) => (
          <Text key={f} inverse={i === link} underline>{`frame ${f}`}{i < evidence.length - 1 ? ' ' : ''}</Text>
        )) : <Text dimColor>none</Text>}
        {s ? `   ${s.connState} ${s.history}` : ''}
      </Text>
      <Text wrap="truncate">
        {tabs.map(([key, m, t]) => (
          <Text key={key} inverse={mode === m}>{` ${key} ${t} `}</Text>
        ))}
        {mode !== 'card' && mode !== 'follow' ? <Text dimColor>{`  ${win[0].toFixed(3)}-${win[1].toFixed(3)} s  (+ - zoom, ← → pan, [ ] cursor, Enter: packet)`}</Text> : null}
      </Text>
      <Box flexDirection="column" height={bodyH}>{body}</Box>
      <Text dimColor>{fit(footer, width)}</Text>
    </Box>
  );
}
