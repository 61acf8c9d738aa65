/**
 * The first screen of `wirelite tui FILE`, drawn before Ink and React are loaded (their import is
 * most of a second of CPU, more than everything else before the first frame together): the
 * terminal is taken (alternate screen, hidden cursor, mouse reports), the first rows of the file
 * are read and the first one dissected again for its tree and bytes, and the packets screen is
 * written as plain text, laid out as the App lays it out (./layout.ts, the list's, tree's and
 * status bar's text functions), the selected row in inverse video, without the rows' colours and
 * the highlight of the selected field's bytes. When Ink is up it draws the same screen over it, coloured,
 * and takes the keys typed meanwhile (./input.ts keeps them).
 *
 * Until run.ts has its own handlers, a signal here gives the terminal back and ends the program.
 */
import type { SessionOptions } from '../dissectors/session.js';
import { fileSource, runPipeline } from '../pipeline/index.js';
import { MOUSE_OFF, MOUSE_ON, type TerminalInput } from './input.js';
import { FILTER_IDLE, fittingTabs, MIN_HEIGHT, MIN_WIDTH, PACKETS_TAB, paneHeights, paneTitle, tabTitle } from './layout.js';
import { headerText, listColumns, rowText } from './panes/list-text.js';
import { statusText } from './panes/status-text.js';
import { visibleLines, treeLineText } from './panes/tree-model.js';
import { packetDetail, type PacketDetail } from './store/detail.js';
import { PacketStore } from './store/packet-store.js';
import { RowBuilder, rowFieldIds } from './store/rows.js';
import { fit } from './theme.js';
import { traceMark } from './trace.js';
import { VIEW_TABS } from './views/tabs.js';

// The alternate screen, the cursor hidden, mouse reports on; and all of it given back.
export const ENTER = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J' + MOUSE_ON;
export const LEAVE = MOUSE_OFF + '\x1b[0m\x1b[?25h\x1b[?1049l';

/** The terminal taken and the first rows read, before Ink: what run.ts goes on from. */
export interface EarlyScreen {
  store: PacketStore;
  /** Whether the first screen was drawn (Ink then clears it before its own first frame). */
  painted: boolean;
  /** The first packet's tree and bytes, shown on the first screen (the App starts with them). */
  detail?: PacketDetail;
  /** Drops the early signal handlers (run.ts has installed its own). */
  release(): void;
}

/** Reads the first `frames` frames of `file` into the store (its worker's rows replace them). */
export async function previewFirstScreen(store: PacketStore, file: string, sessionOptions: SessionOptions, frames: number): Promise<void> {
  const rows = new RowBuilder(0, frames + 1);
  try {
    await runPipeline(fileSource(file), { columns: true, twoPass: false, count: frames, fields: rowFieldIds(), sessionOptions, onInterface: (i) => store.addInterface(i) }, (pkt, frame) => void rows.add(pkt, frame, -1));
  } catch {
    /* the worker reports a damaged file */
  }
  const b = rows.flush();
  if (b && store.count() === 0) store.preview(b);
}

/**
 * The packets screen of `store` as the App's first frame shows it (frame 1 selected, the list
 * focused, no detail yet), `height` lines of `width` cells; undefined when the terminal is too small.
 */
export function firstScreenLines(store: PacketStore, width: number, height: number, detail?: PacketDetail, tabs: readonly { title: string; key: string }[] = VIEW_TABS): string[] | undefined {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return undefined;
  const h = paneHeights(height, 1);
  const lines: string[] = [];
  lines.push(fittingTabs([PACKETS_TAB, ...tabs], width).map(tabTitle).join(''));
  const cols = listColumns(width, store.count());
  lines.push(headerText(cols, width));
  const shown = store.shownCount();
  for (let k = 0; k < h.list; k++) {
    const row = k < shown ? store.row(store.shownFrame(k)) : undefined;
    const text = row ? rowText(row, cols, width) : ' '.repeat(width);
    lines.push(k === 0 && row ? '\x1b[7;1m>' + text.slice(1) + '\x1b[0m' : text);
  }
  lines.push(paneTitle('Packet details', width, detail?.note ? `(${detail.note}) ` : ''));
  // The tree closed, its first line under the cursor (underlined: the list has the keyboard).
  const tree = detail ? visibleLines(detail.lines, new Set()) : [];
  for (let k = 0; k < h.tree; k++) {
    const i = tree[k];
    lines.push(detail && i !== undefined ? (k === 0 ? '\x1b[4m' : '') + fit(treeLineText(detail, i, new Set()), width) + (k === 0 ? '\x1b[0m' : '') : '');
  }
  lines.push(paneTitle('Packet bytes', width));
  const hex = detail ? detail.hex.replace(/\n$/, '').split('\n') : [];
  for (let k = 0; k < h.hex; k++) lines.push(hex[k] !== undefined ? fit(hex[k]!, width) : '');
  lines.push(fit(FILTER_IDLE, width));
  lines.push('\x1b[7m' + fit(statusText(store, ''), width) + '\x1b[0m');
  return lines.slice(0, height);
}

/**
 * Takes the terminal, reads the first screen's rows of `file` and draws them (nothing is read for a
 * live capture: its screen comes with Ink). Ctrl-C meanwhile is a key (raw mode): kept, it quits
 * when the UI is up; SIGTERM, SIGINT and SIGHUP give the terminal back and end the program.
 */
export async function openFirstScreen(o: { file?: string; device?: string; sessionOptions: SessionOptions; input: TerminalInput }): Promise<EarlyScreen> {
  const out = process.stdout;
  out.write(ENTER);
  let given = false;
  const giveBack = () => {
    if (given) return;
    given = true;
    o.input.close();
    try {
      out.write(LEAVE);
    } catch {
      /* the terminal is gone */
    }
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig !== 'SIGHUP') giveBack();
    process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
  };
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  process.on('exit', giveBack);
  const release = () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('exit', giveBack);
  };
  const store = new PacketStore(o.file ?? o.device ?? 'live', !o.file);
  let painted = false;
  let detail: PacketDetail | undefined;
  if (o.file) {
    // Two screens' worth: the list is about half of the screen (and a resize shows more).
    await previewFirstScreen(store, o.file, o.sessionOptions, (out.rows || 24) * 2);
    traceMark('preview');
    // The list at once, then the first packet's tree and bytes (dissected again: tens of ms).
    const paint = (d?: PacketDetail) => {
      const lines = firstScreenLines(store, out.columns || 80, out.rows || 24, d);
      if (lines) out.write(lines.map((l, i) => `\x1b[${i + 1};1H${l}\x1b[K`).join('') + '\x1b[H');
      return lines !== undefined;
    };
    painted = paint();
    traceMark('painted');
    const first = store.shownCount() > 0 ? store.shownFrame(0) : undefined;
    detail = first === undefined ? undefined : await packetDetail(store, first, o.file, o.sessionOptions).catch(() => undefined);
    if (painted && detail) {
      paint(detail);
      traceMark('tree');
    }
  }
  return { store, painted, detail, release };
}
