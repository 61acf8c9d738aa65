/**
 * The contract between the terminal UI's shell (src/tui/app.tsx) and the views that plug into it
 * (the analysis views of src/tui/views/, the connection doctor, the probe views). A view is a
 * React component given `ViewProps`; the shell lists views as `TuiView`s, shows the one chosen
 * by its hotkey in the main area, and keeps the status bar and the help screen.
 *
 * Rules for views (issue 16): a view only renders. It reads packets through the read-only
 * `PacketStoreView`, and statistics through src/stats run by the pipeline (src/pipeline), never by
 * decoding anything itself; it never imports src/cli. Long work (a statistic over the whole file)
 * runs off the UI thread or in slices, and a view reports what it is doing with `onStatus`.
 *
 * Keys: the shell keeps `q` (quit), `?` (help), Esc (back to the packets), Ctrl-C, and every view's
 * hotkey; a view gets every other key while `focused` (use Ink's `useInput(fn, { isActive: focused })`).
 * A hotkey must not be one of the packets screen's own keys (SHELL_KEYS in ./keys.ts: j k h l g G E C
 * w / \ [ ] and space), which win there.
 * A view with a text field calls `captureInput(true)` while it is being edited: then the shell passes
 * every key but Ctrl-C to the view (Esc too), until `captureInput(false)`.
 *
 * This file is the stable part: add optional members only, never change or remove one.
 */
import type { FC } from 'react';
import type { SessionOptions } from '../dissectors/session.js';

/** Severity of a packet's most severe expert item (0: none), as Wireshark's: 1 chat ... 4 error. */
export type ExpertSeverity = 0 | 1 | 2 | 3 | 4;

/** One packet's row in the packet list: what `wirelite read` prints for it, in columns. */
export interface PacketRow {
  /** Frame number, 1-based, in the file. */
  number: number;
  /** Arrival time: seconds since the epoch and nanoseconds (no float rounding). */
  tsSec: number;
  tsNsec: number;
  /** The Time column as `read` prints it (`-t r`: seconds since the first frame). */
  time: string;
  src: string;
  dst: string;
  protocol: string;
  /** Bytes on the wire (frame.len). */
  length: number;
  info: string;
  /** Index in COLOR_RULES (src/render/color.ts) of the rule that colours the row, or -1. */
  colorRule: number;
  /** The most severe expert item of the packet. */
  severity: ExpertSeverity;
  /** tcp.stream of the packet, or -1 when it has no TCP layer. */
  tcpStream: number;
}

/** What the store is doing: reading the file, its second pass, a live capture, or done. */
export interface StoreProgress {
  phase: 'indexing' | 'analysing' | 'done' | 'live' | 'failed';
  /** Frames known so far. */
  frames: number;
  /** Fraction of the file read in this phase (0..1), when known. */
  fraction?: number;
  /** Why the read stopped (a damaged file, a capture that failed): shown in the status bar. */
  message?: string;
}

/** A live capture's counters (libpcap's stats): received, dropped by the kernel and the interface. */
export interface CaptureCounters {
  received: number;
  dropped: number;
  ifDropped: number;
}

/**
 * The packet store, read-only: the summary of every frame seen so far. Frames are numbered
 * 1..count. Rows are made on demand from compact arrays: do not keep thousands of them.
 */
export interface PacketStoreView {
  /** The source: the file's path or the capture's device. */
  readonly source: string;
  readonly live: boolean;
  /** Frames indexed so far. */
  count(): number;
  /** The row of frame `number` (1-based), or undefined when it is not (yet) indexed. */
  row(number: number): PacketRow | undefined;
  progress(): StoreProgress;
  /** A live capture's counters (undefined for a file). */
  counters(): CaptureCounters | undefined;
  /**
   * Calls `fn` (at most every ~50 ms) when rows were added or changed, or the progress moved;
   * returns the unsubscription.
   */
  subscribe(fn: () => void): () => void;
}

/** What the shell gives every view. */
export interface ViewProps {
  store: PacketStoreView;
  /** The capture file (undefined for a live capture): views that read it run the pipeline on it. */
  file?: string;
  /** Session options of this run (-o, -d, heuristics): pass them to the sessions a view makes. */
  sessionOptions: SessionOptions;
  /** Size of the area the view may draw in, in cells (the status bar is outside it). */
  width: number;
  height: number;
  /** Whether the view has the keyboard. */
  focused: boolean;
  /** The frame selected in the packet list (undefined: none yet). */
  selectedFrame?: number;
  /** The display filter applied in the packet list ('' for none). */
  displayFilter: string;
  /** Shows the packet list with frame `number` selected (a link from a table or a graph). */
  onJump(number: number): void;
  /** A one-line message in the status bar (what the view is doing, an error). */
  onStatus(message: string): void;
  /** While true, the shell gives every key but Ctrl-C to the view (a text field being edited). */
  captureInput(on: boolean): void;
}

/** A view the shell can show. */
export interface TuiView {
  /** Stable id (`conversations`). */
  id: string;
  /** The hotkey that opens it: one character the shell does not keep (not q, ?, /). */
  key: string;
  /** Shown in the tab line and the help. */
  title: string;
  /** One line for the help screen. */
  help?: string;
  /** Lines for the help screen: `[key, what it does]` inside the view. */
  keys?: readonly (readonly [string, string])[];
  Component: FC<ViewProps>;
}
