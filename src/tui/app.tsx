/**
 * The terminal UI's shell: the tab line (Packets and the views of ./views, ./probe), the packets
 * screen (list, detail tree, hex, as Wireshark's three panes), the filter bar and the status bar,
 * the help screen, and the keys. It renders what the store holds and what the pipeline dissects
 * again on demand (store/detail.ts); it decodes nothing itself.
 */
import { Box, Text, useInput, type DOMElement, type Key } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { SessionOptions } from '../dissectors/session.js';
import type { TuiView } from './contract.js';
import { KEYS, SHELL_KEYS } from './keys.js';
import { DetailTree } from './panes/detail-tree.js';
import { applyCompletion, checkFilter, FilterBar, filterBarHeight, type FilterEdit } from './panes/filter-bar.js';
import { byteAt, byteLine, HexPane } from './panes/hex-pane.js';
import { PacketList } from './panes/packet-list.js';
import { StatusBar } from './panes/status-bar.js';
import { ancestorKeys, hasChildren, lineAtByte, lineKey, parentLine, visibleLines } from './panes/tree-model.js';
import { packetDetail, type PacketDetail } from './store/detail.js';
import type { PacketStore } from './store/packet-store.js';
import { fit, type Theme } from './theme.js';
import { MouseContext, useMouse, type LocalMouseEvent, type MouseSource } from './mouse.js';
import { fittingTabs, MIN_HEIGHT, MIN_WIDTH, PACKETS_TAB, paneHeights, paneTitle, tabTitle } from './layout.js';

export { MIN_HEIGHT, MIN_WIDTH } from './layout.js';

export interface AppProps {
  store: PacketStore;
  /** The capture file (undefined: a live capture, whose frames the store keeps). */
  file?: string;
  sessionOptions: SessionOptions;
  views: readonly TuiView[];
  theme: Theme;
  width: number;
  height: number;
  /** Applies a display filter to the whole capture ('' clears it). */
  applyFilter(expr: string): void;
  /** Live capture: saves what was captured; resolves with a message for the status bar. */
  save?: () => Promise<string>;
  onQuit(): void;
  /** A message to show at once (why the capture could not start, ...). */
  initialMessage?: string;
  /** Milliseconds the selection must rest before its packet is dissected again (tests: 0). */
  detailDelay?: number;
  /** The terminal's mouse reports (clicks select, the wheel scrolls the pane under the pointer). */
  mouse?: MouseSource;
  /** Called each time a packet's tree is shown (or could not be made). */
  onDetail?: () => void;
  /** The first packet's tree and bytes, already made (by the first screen before Ink). */
  initialDetail?: PacketDetail;
}

/** Rows the wheel scrolls a pane by, a step. */
const WHEEL_ROWS = 3;

type Pane = 'list' | 'tree' | 'hex';

interface UiState {
  view: string | null;
  help: boolean;
  pane: Pane;
  /** Index of the selected row among the shown ones, and of the first row on screen. */
  sel: number;
  top: number;
  /** Follow the end of the list as it grows (live capture, indexing). */
  follow: boolean;
  treeCursor: number;
  treeTop: number;
  expanded: Set<string>;
  hexCursor: { src: number; off: number };
  hexTop: number;
  edit?: FilterEdit;
  applied: string;
  message: string;
  /** A view has the keyboard entirely (its text field). */
  captured: boolean;
}

export function App(props: AppProps) {
  const { store, views, theme, width, height } = props;
  const [, setTick] = useState(0);
  const [st, setSt] = useState<UiState>(() => ({
    view: null, help: false, pane: 'list', sel: 0, top: 0, follow: false, treeCursor: 0, treeTop: 0,
    expanded: new Set(), hexCursor: { src: 0, off: 0 }, hexTop: 0, applied: '', message: props.initialMessage ?? '', captured: false,
  }));
  const ref = useRef(st);
  ref.current = st;
  const [detail, setDetailState] = useState<PacketDetail | undefined>(props.initialDetail);
  // The key handler reads the detail through a ref: keys typed before React has re-registered the
  // handler of the latest render must see the packet already shown.
  const detailRef = useRef(detail);
  detailRef.current = detail;
  const setDetail = (d: PacketDetail | undefined) => {
    detailRef.current = d;
    setDetailState(d);
  };
  const [detailMsg, setDetailMsg] = useState('');

  // Redraw when the store changes (rows added, progress), following the end if asked.
  useEffect(
    () =>
      store.subscribe(() => {
        const s = ref.current;
        if (s.follow && store.shownCount() > 0) update({ ...s, sel: store.shownCount() - 1 });
        setTick((t) => t + 1);
      }),
    [store],
  );

  const tooSmall = width < MIN_WIDTH || height < MIN_HEIGHT;
  const tabs = [PACKETS_TAB, ...views.map((v) => ({ id: v.id as string | null, key: v.key, title: v.title }))];
  const barH = filterBarHeight(st.edit);
  const { body: bodyH, list: listH, tree: treeH, hex: hexH } = paneHeights(height, barH);

  const shown = store.shownCount();
  const selFrame = shown > 0 ? store.shownFrame(Math.min(st.sel, shown - 1)) : undefined;

  // Dissect the selected packet again once the selection rests.
  useEffect(() => {
    if (selFrame === undefined) {
      setDetail(undefined);
      setDetailMsg(store.count() === 0 ? 'no packets yet' : '');
      return;
    }
    if (detail?.number === selFrame) return;
    let cancelled = false;
    setDetailMsg(`dissecting frame ${selFrame}…`);
    const t = setTimeout(() => {
      packetDetail(store, selFrame, props.file, props.sessionOptions).then(
        (d) => {
          if (cancelled) return;
          setDetail(d);
          setDetailMsg(d ? '' : `frame ${selFrame} is not there`);
          props.onDetail?.();
        },
        (e: unknown) => {
          if (cancelled) return;
          setDetail(undefined);
          setDetailMsg(`frame ${selFrame} cannot be dissected again: ${e instanceof Error ? e.message : String(e)}`);
          props.onDetail?.();
        },
      );
    }, props.detailDelay ?? 60);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [selFrame, store, props.file]);

  const visible = detail ? visibleLines(detail.lines, st.expanded) : [];
  const curLine = detail && visible.length ? visible[Math.min(st.treeCursor, visible.length - 1)] : undefined;
  const mark = detail && curLine !== undefined ? { src: detail.lines[curLine]!.src, start: detail.lines[curLine]!.start, len: detail.lines[curLine]!.len } : undefined;

  function update(s: UiState) {
    ref.current = s;
    setSt(s);
  }

  /** Keeps the selection on screen. */
  function scrolled(s: UiState): UiState {
    const n = store.shownCount();
    let sel = Math.max(0, Math.min(s.sel, n - 1));
    if (n === 0) sel = 0;
    let top = s.top;
    if (sel < top) top = sel;
    if (sel >= top + listH) top = sel - listH + 1;
    top = Math.max(0, Math.min(top, Math.max(0, n - listH)));
    return { ...s, sel, top };
  }

  function treeScrolled(s: UiState, vis: number[]): UiState {
    const c = Math.max(0, Math.min(s.treeCursor, vis.length - 1));
    let top = s.treeTop;
    if (c < top) top = c;
    if (c >= top + treeH) top = c - treeH + 1;
    return { ...s, treeCursor: c, treeTop: Math.max(0, top) };
  }

  function hexScrolled(s: UiState): UiState {
    const detail = detailRef.current;
    if (!detail) return s;
    const line = byteLine(detail, s.hexCursor.src, s.hexCursor.off);
    let top = s.hexTop;
    if (line < top) top = line;
    if (line >= top + hexH) top = line - hexH + 1;
    return { ...s, hexTop: Math.max(0, top) };
  }

  /** The hex cursor moved: the tree's cursor goes to the field holding the byte. */
  function selectByte(s: UiState, src: number, off: number): UiState {
    const detail = detailRef.current;
    if (!detail) return s;
    const len = detail.sources[src]?.bytes.length ?? 0;
    off = Math.max(0, Math.min(off, len - 1));
    let next: UiState = { ...s, hexCursor: { src, off } };
    const line = lineAtByte(detail.lines, src, off);
    if (line >= 0) {
      const expanded = new Set(s.expanded);
      for (const k of ancestorKeys(detail.lines, line)) expanded.add(k);
      const vis = visibleLines(detail.lines, expanded);
      next = treeScrolled({ ...next, expanded, treeCursor: Math.max(0, vis.indexOf(line)) }, vis);
    }
    return hexScrolled(next);
  }

  function key(s: UiState, input: string, k: Key): UiState | 'quit' {
    const detail = detailRef.current;
    // ---------------------------------------------------------------- the filter bar
    if (s.edit) {
      const e = s.edit;
      if (k.escape) return { ...s, edit: undefined };
      if (k.return) {
        const chk = checkFilter(e.text);
        if (e.choice >= 0 && chk.completions[e.choice]) return { ...s, edit: { text: applyCompletion(e.text, chk.completions[e.choice]!), choice: -1 } };
        if (!chk.ok) return { ...s, message: `filter: ${chk.message}` };
        props.applyFilter(e.text.trim());
        return scrolled({ ...s, edit: undefined, applied: e.text.trim(), sel: 0, top: 0, message: '' });
      }
      if (k.tab) {
        const chk = checkFilter(e.text);
        const c = chk.completions[Math.max(0, e.choice)];
        return c ? { ...s, edit: { text: applyCompletion(e.text, c), choice: -1 } } : s;
      }
      if (k.downArrow || k.upArrow) {
        const n = checkFilter(e.text).completions.length;
        if (!n) return s;
        const choice = k.downArrow ? Math.min(n - 1, e.choice + 1) : Math.max(-1, e.choice - 1);
        return { ...s, edit: { ...e, choice } };
      }
      if (k.backspace || k.delete) return { ...s, edit: { text: e.text.slice(0, -1), choice: -1 } };
      if (input && !k.ctrl && !k.meta) return { ...s, edit: { text: e.text + input, choice: -1 } };
      return s;
    }
    // ---------------------------------------------------------------- global keys
    if (s.help) return k.escape || input === '?' || input === 'q' ? { ...s, help: false } : s;
    if (input === 'q' && !s.captured) return 'quit';
    if (input === '?' && !s.captured) return { ...s, help: true };
    if (s.view) {
      if (k.escape && !s.captured) return { ...s, view: null };
      const v = views.find((x) => x.key === input);
      if (v && !s.captured) return { ...s, view: v.id };
      return s; // the view's own keys
    }
    const v = views.find((x) => x.key === input && !SHELL_KEYS.has(input));
    if (v) return { ...s, view: v.id };
    if (input === '/') return { ...s, edit: { text: s.applied, choice: -1 } };
    if (input === '\\') {
      if (!s.applied) return s;
      props.applyFilter('');
      const frame = selFrame ?? 1;
      return scrolled({ ...s, applied: '', sel: frame - 1, message: 'filter cleared' });
    }
    if (input === 'w' && props.save) {
      props.save().then(
        (m) => update({ ...ref.current, message: m }),
        (e: unknown) => update({ ...ref.current, message: `cannot save: ${e instanceof Error ? e.message : String(e)}` }),
      );
      return { ...s, message: 'saving…' };
    }
    if (k.tab) {
      const order: Pane[] = ['list', 'tree', 'hex'];
      const i = order.indexOf(s.pane);
      return { ...s, pane: order[(i + (k.shift ? 2 : 1)) % 3]! };
    }
    if (k.escape) return { ...s, pane: 'list' };
    const down = k.downArrow || input === 'j';
    const up = k.upArrow || input === 'k';
    const pgDown = k.pageDown || (k.ctrl && input === 'f');
    const pgUp = k.pageUp || (k.ctrl && input === 'b');
    const first = input === 'g' || k.home;
    const last = input === 'G' || k.end;
    if (s.pane === 'list') {
      const n = store.shownCount();
      let sel = s.sel;
      if (down) sel++;
      else if (up) sel--;
      else if (pgDown) sel += listH;
      else if (pgUp) sel -= listH;
      else if (first) sel = 0;
      else if (last) sel = n - 1;
      else if (k.return) return { ...s, pane: 'tree' };
      else return s;
      const next = scrolled({ ...s, sel });
      return { ...next, follow: next.sel >= n - 1 && (last || down || pgDown) && store.progress().phase === 'live' };
    }
    if (!detail) return s;
    if (s.pane === 'tree') {
      const vis = visibleLines(detail.lines, s.expanded);
      const line = vis[s.treeCursor];
      let c = s.treeCursor;
      if (down) c++;
      else if (up) c--;
      else if (pgDown) c += treeH;
      else if (pgUp) c -= treeH;
      else if (first) c = 0;
      else if (last) c = vis.length - 1;
      else if (input === 'E') {
        const expanded = new Set(s.expanded);
        detail.lines.forEach((l, i) => hasChildren(detail.lines, i) && expanded.add(lineKey(l)));
        return treeScrolled({ ...s, expanded }, visibleLines(detail.lines, expanded));
      } else if (input === 'C') return treeScrolled({ ...s, expanded: new Set(), treeCursor: 0, treeTop: 0 }, visibleLines(detail.lines, new Set()));
      else if (line !== undefined && (k.return || input === ' ' || k.rightArrow || input === 'l' || k.leftArrow || input === 'h')) {
        const l = detail.lines[line]!;
        const kk = lineKey(l);
        const open = s.expanded.has(kk);
        const expanded = new Set(s.expanded);
        const toggle = k.return || input === ' ';
        if (hasChildren(detail.lines, line) && (toggle ? true : k.rightArrow || input === 'l' ? !open : open)) {
          if (open) expanded.delete(kk);
          else expanded.add(kk);
          return treeScrolled({ ...s, expanded }, visibleLines(detail.lines, expanded));
        }
        if (k.leftArrow || input === 'h') {
          const p = parentLine(detail.lines, line);
          if (p >= 0) return treeScrolled({ ...s, treeCursor: vis.indexOf(p) }, vis);
        }
        if (k.rightArrow || input === 'l') c++;
        else return s;
      } else return s;
      const next = treeScrolled({ ...s, treeCursor: c }, vis);
      const nl = vis[next.treeCursor];
      if (nl !== undefined && detail.lines[nl]!.len > 0) {
        const l = detail.lines[nl]!;
        return hexScrolled({ ...next, hexCursor: { src: l.src, off: l.start } });
      }
      return next;
    }
    // hex
    const { src, off } = s.hexCursor;
    if (k.rightArrow || input === 'l') return selectByte(s, src, off + 1);
    if (k.leftArrow || input === 'h') return selectByte(s, src, off - 1);
    if (down) return selectByte(s, src, off + 16);
    if (up) return selectByte(s, src, off - 16);
    if (first) return selectByte(s, src, 0);
    if (last) return selectByte(s, src, (detail.sources[src]?.bytes.length ?? 1) - 1);
    if (k.tab) return s;
    if (input === ']' && src + 1 < detail.sources.length) return selectByte(s, src + 1, 0);
    if (input === '[' && src > 0) return selectByte(s, src - 1, 0);
    return s;
  }

  useInput((input, k) => {
    if (k.ctrl && input === 'c') {
      props.onQuit();
      return;
    }
    let s: UiState = ref.current;
    // Several keys in one read (typed fast, or sent by tmux) come as one string: one at a time.
    const chars = input.length > 1 && !k.ctrl && !k.meta && !s.edit ? [...input] : [input];
    for (const ch of chars) {
      // A control character inside such a string is a key of its own (Tab, Enter, Backspace).
      const kk = chars.length === 1 ? k : { ...k, tab: ch === '\t', return: ch === '\r', backspace: ch === '\x7f' || ch === '\b' };
      const r = key(s, kk.tab || kk.return || kk.backspace ? '' : ch, kk);
      if (r === 'quit') {
        props.onQuit();
        return;
      }
      s = r;
    }
    commit(s);
  });

  /** The new state of a key or a click; a new selection: the tree and hex of its packet start at their tops. */
  function commit(s: UiState): void {
    if (s.sel !== ref.current.sel) s = { ...s, treeCursor: 0, treeTop: 0, hexTop: 0, hexCursor: { src: 0, off: 0 } };
    if (s !== ref.current) update(s);
  }

  // ---------------------------------------------------------------- the mouse
  // A left click selects what it points at (a tab, a packet, a tree line, a byte) and gives its
  // pane the keyboard; a click on a tree line's ▸/▾, or on the line already selected, opens or
  // closes it. The wheel scrolls the pane under the pointer, the selection kept on screen.
  const tabsRef = useRef<DOMElement>(null);
  const listRef = useRef<DOMElement>(null);
  const treeRef = useRef<DOMElement>(null);
  const hexRef = useRef<DOMElement>(null);
  const wheel = (e: LocalMouseEvent) => (e.kind === 'wheelDown' ? WHEEL_ROWS : e.kind === 'wheelUp' ? -WHEEL_ROWS : 0);
  const click = (e: LocalMouseEvent) => e.kind === 'press' && e.button === 0;
  const clampTop = (top: number, rows: number, height: number) => Math.max(0, Math.min(top, rows - height));

  useMouse(tabsRef, (e) => {
    const s = ref.current;
    if (!click(e) || s.captured) return;
    let x = 0;
    for (const t of tabs) {
      const w = tabTitle(t).length;
      if (e.col >= x && e.col < x + w) {
        commit({ ...s, view: t.id, help: false, edit: undefined, pane: 'list' });
        return;
      }
      x += w;
    }
  }, true, props.mouse);

  useMouse(listRef, (e) => {
    const s = ref.current;
    const n = store.shownCount();
    if (click(e)) {
      const i = s.top + e.row - 1; // row 0 is the header
      if (e.row >= 1 && i < n) commit({ ...s, pane: 'list', sel: i, follow: false });
      return;
    }
    const d = wheel(e);
    if (!d || n === 0) return;
    const top = clampTop(s.top + d, n, listH);
    commit({ ...s, top, sel: Math.max(top, Math.min(s.sel, top + listH - 1, n - 1)), follow: false });
  }, true, props.mouse);

  useMouse(treeRef, (e) => {
    const s = ref.current;
    const detail = detailRef.current;
    if (!detail) return;
    const vis = visibleLines(detail.lines, s.expanded);
    if (click(e)) {
      const c = s.treeTop + e.row;
      const line = vis[c];
      if (line === undefined) return;
      const l = detail.lines[line]!;
      const onMarker = e.col >= l.depth * 2 && e.col < l.depth * 2 + 2;
      if (hasChildren(detail.lines, line) && (onMarker || (s.pane === 'tree' && s.treeCursor === c))) {
        const expanded = new Set(s.expanded);
        const kk = lineKey(l);
        if (expanded.has(kk)) expanded.delete(kk);
        else expanded.add(kk);
        commit(treeScrolled({ ...s, pane: 'tree', treeCursor: c, expanded }, visibleLines(detail.lines, expanded)));
        return;
      }
      const next = { ...s, pane: 'tree' as const, treeCursor: c };
      commit(l.len > 0 ? hexScrolled({ ...next, hexCursor: { src: l.src, off: l.start } }) : next);
      return;
    }
    const d = wheel(e);
    if (!d || !vis.length) return;
    const top = clampTop(s.treeTop + d, vis.length, treeH);
    commit({ ...s, treeTop: top, treeCursor: Math.max(top, Math.min(s.treeCursor, top + treeH - 1, vis.length - 1)) });
  }, true, props.mouse);

  useMouse(hexRef, (e) => {
    const s = ref.current;
    const detail = detailRef.current;
    if (!detail) return;
    if (click(e)) {
      const b = byteAt(detail, s.hexTop + e.row, e.col);
      if (b) commit(selectByte({ ...s, pane: 'hex' }, b.src, b.off));
      return;
    }
    const d = wheel(e);
    if (d) commit({ ...s, hexTop: clampTop(s.hexTop + d, detail.hex.replace(/\n$/, '').split('\n').length, hexH) });
  }, true, props.mouse);

  if (tooSmall) {
    return (
      <Box flexDirection="column">
        <Text>{fit(`The terminal is too small (${width}x${height}): wirelite tui needs at least ${MIN_WIDTH}x${MIN_HEIGHT}.`, Math.max(10, width))}</Text>
        <Text>{fit('Enlarge it, or press q to quit.', Math.max(10, width))}</Text>
      </Box>
    );
  }

  const tabLine = (
    <Box ref={tabsRef} width={width} height={1}>
      <Text>
        {fittingTabs(tabs, width).map((t) => (
          <Text key={t.title} inverse={st.view === t.id} bold={st.view === t.id}>{tabTitle(t)}</Text>
        ))}
      </Text>
    </Box>
  );

  let body;
  if (st.help) body = <Help width={width} height={bodyH + barH} views={views} />;
  else if (st.view) {
    const v = views.find((x) => x.id === st.view)!;
    const Comp = v.Component;
    body = (
      <Box width={width} height={bodyH + barH}>
        <Comp
          store={store}
          file={props.file}
          sessionOptions={props.sessionOptions}
          width={width}
          height={bodyH + barH}
          focused={!st.help}
          selectedFrame={selFrame}
          displayFilter={st.applied}
          onJump={(n) => {
            store.clearFilter();
            const s = ref.current;
            if (s.applied) props.applyFilter('');
            update(scrolled({ ...s, view: null, pane: 'list', applied: '', sel: n - 1, captured: false }));
          }}
          onStatus={(m) => update({ ...ref.current, message: m })}
          captureInput={(on) => update({ ...ref.current, captured: on })}
        />
      </Box>
    );
  } else {
    const title = (name: string, pane: Pane, extra = '') => (
      <Text bold={st.pane === pane} color={st.pane === pane && theme.color ? 'cyan' : undefined}>{fit(paneTitle(name, width, extra), width)}</Text>
    );
    const f = store.filtered;
    body = (
      <Box flexDirection="column" width={width}>
        <Box ref={listRef} width={width} height={listH + 1}>
          <PacketList store={store} top={st.top} selected={st.sel} width={width} height={listH} focused={st.pane === 'list'} theme={theme} />
        </Box>
        {title('Packet details', 'tree', detail?.note ? `(${detail.note}) ` : '')}
        <Box ref={treeRef} width={width} height={treeH}>
          <DetailTree detail={detail} message={detailMsg} visible={visible} expanded={st.expanded} cursor={st.treeCursor} top={st.treeTop} width={width} height={treeH} focused={st.pane === 'tree'} />
        </Box>
        {title('Packet bytes', 'hex')}
        <Box ref={hexRef} width={width} height={hexH}>
          <HexPane detail={detail} mark={mark} cursor={st.hexCursor} top={st.hexTop} width={width} height={hexH} focused={st.pane === 'hex'} />
        </Box>
        <FilterBar edit={st.edit} applied={st.applied} running={f && !f.done ? f.fraction : undefined} error={f?.error} width={width} theme={theme} />
      </Box>
    );
  }
  return (
    <MouseContext.Provider value={props.mouse}>
      <Box flexDirection="column" width={width} height={height}>
        {tabLine}
        {body}
        <StatusBar store={store} message={st.message} width={width} />
      </Box>
    </MouseContext.Provider>
  );
}


function Help({ width, height, views }: { width: number; height: number; views: readonly TuiView[] }) {
  const lines: string[] = ['Keys (Esc or ? closes this help)', ''];
  for (const [k, what] of KEYS) lines.push(`  ${k.padEnd(26)} ${what}`);
  for (const v of views) {
    lines.push('', `  ${v.key.padEnd(26)} ${v.title}${v.help ? ': ' + v.help : ''}`);
    for (const [k, what] of v.keys ?? []) lines.push(`      ${k.padEnd(22)} ${what}`);
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i}>{fit(l, width)}</Text>
      ))}
    </Box>
  );
}
