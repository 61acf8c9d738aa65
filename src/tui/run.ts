/**
 * `wirelite tui`'s runtime: the terminal (alternate screen, hidden cursor, raw keys) taken and
 * given back on every way out (q, Ctrl-C, SIGTERM, SIGHUP, an error), the store filled by the
 * indexer's worker (a file) or by the live capture (an interface), and the Ink app on top.
 */
import { createElement, useEffect, useState } from 'react';
import { render } from 'ink';
import type { Frame, InterfaceInfo } from '../capture/frame.js';
import { createCaptureWriter } from '../capture/writer.js';
import { LiveCapture } from '../capture/live/capture-session.js';
import { LiveCaptureError } from '../capture/live/live-error.js';
import type { Packet } from '../dissectors/packet.js';
import type { SessionOptions } from '../dissectors/session.js';
import { compile } from '../filter/index.js';
import { LiveSource, runPipeline } from '../pipeline/index.js';
import { App } from './app.js';
import type { CaptureCounters, TuiView } from './contract.js';
import { filterFile, indexFile, type Job } from './store/indexer.js';
import { PacketStore } from './store/packet-store.js';
import { RowBuilder, rowFieldIds } from './store/rows.js';
import { ENTER, LEAVE, previewFirstScreen, type EarlyScreen } from './first-screen.js';
import { openTerminalInput, type TerminalInput } from './input.js';
import { terminalGone } from './terminal.js';
import { traceMark } from './trace.js';
import { themeFromEnv } from './theme.js';
import { ANALYSIS_VIEWS } from './views/index.js';

export interface TuiOptions {
  file?: string;
  /** Live capture: the device, and a capture (BPF) filter. */
  device?: string;
  bpf?: string;
  /** A display filter applied at once. */
  filter?: string;
  sessionOptions: SessionOptions;
  views?: readonly TuiView[];
  /**
   * The terminal's input, opened (raw, read and kept) as early as the command could: the keys
   * typed while the UI loads are given to it. Opened here when not given.
   */
  input?: TerminalInput;
  /** The terminal already taken and the first screen drawn (./first-screen.ts), with its store. */
  early?: EarlyScreen;
}

/**
 * Kernel buffer of the live capture (immediate mode, TPACKET_V2: one slot per packet as large as
 * the link's biggest frame, 64 KiB on loopback), as `capture` in immediate mode: libpcap's 2 MiB
 * holds 32 packets on loopback, and the tui listed 300 datagrams sent in a burst there with 408
 * of the kernel's 600 copies dropped (test/tui/live-counters.test.ts: 0 dropped with 32 MiB).
 */
const LIVE_BUFFER_BYTES = 32 << 20;

/** Frames a live capture keeps in memory (for the tree and `w`) at most, in bytes. */
export const LIVE_KEEP_BYTES = 512 << 20;

/** Runs the UI until the user quits; resolves with the exit code. */
export async function runTui(o: TuiOptions): Promise<number> {
  traceMark('run');
  const out = process.stdout;
  if (!out.isTTY || !process.stdin.isTTY) {
    o.input?.close();
    process.stderr.write('wirelite: tui needs a terminal (standard input and output are not one)\n');
    return 1;
  }
  const input = o.input ?? openTerminalInput()!;
  const store = o.early?.store ?? new PacketStore(o.file ?? o.device ?? 'live', !o.file);
  const jobs: Job[] = [];
  let filterJob: Job | undefined;
  let live: LiveCapture | undefined;
  let initialMessage = '';
  let restored = false;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));

  if (!o.early) out.write(ENTER);
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      /* already gone */
    }
    for (const j of jobs) j.stop();
    filterJob?.stop();
    live?.stop('now');
    input.close();
    out.write(LEAVE);
  };
  const quit = (code: number) => {
    restore();
    resolveExit(code);
  };
  // The terminal can go away under us (the window closed, tmux kill-session, ssh dropped): the
  // kernel sends SIGHUP and every later read or write fails with EIO. Then nothing more is
  // written (the message about a failed write failed again, in a loop that kept orphaned
  // processes spinning at 10-30% of a core), and the process leaves at once with 129.
  let hungUp = false;
  const hangUp = () => {
    if (hungUp) return;
    hungUp = true;
    restored = true;
    for (const j of jobs) j.stop();
    filterJob?.stop();
    live?.stop('now');
    process.exit(129);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    quit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
    // A hangup with the terminal still there restores it and returns as the others do; if
    // anything keeps the process alive after that, it still leaves.
    if (sig === 'SIGHUP') setTimeout(() => process.exit(129), 1000).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  let fatal = false;
  const onFatal = (e: unknown) => {
    if (terminalGone(e)) return hangUp();
    if (fatal) return;
    fatal = true;
    restore();
    try {
      process.stderr.write(`wirelite: tui stopped: ${e instanceof Error ? e.message : String(e)}\n`);
    } catch {
      /* nowhere to say it */
    }
    resolveExit(3);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  // A failed read or write of the terminal is an 'error' event of its stream: handled here (not
  // as an uncaught exception), and kept until the process ends.
  for (const stream of new Set<NodeJS.EventEmitter>([process.stdin, process.stdout, process.stderr, out])) stream.on('error', onFatal);
  // Whatever happens, the terminal is given back as the process leaves.
  process.on('exit', restore);
  o.early?.release();

  let applyLiveFilter: ((expr: string) => void) | undefined;
  let save: (() => Promise<string>) | undefined;
  if (o.file) {
    // The first screen's rows are read before the UI is drawn, in one pass (by ./first-screen.ts,
    // before Ink was loaded, or here); only then is the indexing worker started (it loads every
    // dissector again: about 0.4 s of CPU that the first frame would share the machine with). The
    // worker's rows replace these.
    if (!o.early) {
      await previewFirstScreen(store, o.file, o.sessionOptions, (out.rows || 24) * 2);
      traceMark('preview');
    }
  } else {
    const started = await startLive(store, o, (f) => (applyLiveFilter = f));
    if ('error' in started) initialMessage = started.error;
    else {
      live = started.capture;
      save = started.save;
    }
  }

  const applyFilter = (expr: string) => {
    filterJob?.stop();
    filterJob = undefined;
    if (!expr) {
      store.clearFilter();
      applyLiveFilter?.('');
      return;
    }
    if (o.file) filterJob = filterFile(store, o.file, expr, o.sessionOptions).job;
    else applyLiveFilter?.(expr);
  };

  let indexing = false;
  const startIndexing = () => {
    if (indexing || !o.file || restored) return;
    traceMark('indexing');
    indexing = true;
    jobs.push(indexFile(store, o.file, o.sessionOptions));
  };

  const Root = () => {
    const [size, setSize] = useState({ w: out.columns || 80, h: out.rows || 24 });
    useEffect(() => {
      const on = () => {
        // Ink redraws from its last frame: clear first, so a smaller terminal leaves nothing behind.
        out.write('\x1b[H\x1b[2J');
        setSize({ w: out.columns || 80, h: out.rows || 24 });
      };
      out.on('resize', on);
      return () => void out.off('resize', on);
    }, []);
    // The indexing worker starts once the first packet's tree is shown (at once when the first
    // screen came with it, or a second after the first frame, whichever comes first): its
    // start-up loads every dissector again, about 0.4 s of CPU that the UI's first tree would
    // share the machine with.
    useEffect(() => {
      if (o.early?.detail) return void startIndexing();
      const t = setTimeout(startIndexing, 1000);
      return () => clearTimeout(t);
    }, []);
    return createElement(App, {
      store,
      file: o.file,
      sessionOptions: o.sessionOptions,
      views: o.views ?? ANALYSIS_VIEWS,
      theme: themeFromEnv(),
      width: size.w,
      height: size.h,
      applyFilter,
      save,
      initialMessage,
      mouse: input,
      onDetail: startIndexing,
      initialDetail: o.early?.detail,
      onQuit: () => quit(0),
    });
  };
  // Ink draws from the top-left over a clear screen (its lines do not erase what is beyond their end).
  if (o.early?.painted) out.write('\x1b[H\x1b[2J');
  const instance = render(createElement(Root), { stdin: input as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: true, maxFps: 30 });
  // Ink's first frame is written by render() itself (a legacy root renders synchronously).
  traceMark('frame');
  if (o.filter) {
    const c = compile(o.filter);
    if (c.ok) applyFilter(o.filter);
  }
  const code = await exited;
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  process.off('SIGINT', onSignal);
  process.off('uncaughtException', onFatal);
  process.off('unhandledRejection', onFatal);
  return code;
}

/**
 * A live capture into the store, in this thread (the capture's own worker reads the device): one
 * pass, as `capture`; rows are sent to the store every 100 ms at most, so a fast capture does not
 * redraw for every packet. The frames are kept (up to LIVE_KEEP_BYTES) for the tree and `w`.
 */
async function startLive(
  store: PacketStore,
  o: TuiOptions,
  setFilter: (f: (expr: string) => void) => void,
): Promise<{ capture: LiveCapture; save: () => Promise<string> } | { error: string }> {
  const device = o.device!;
  const source = new LiveSource();
  let capture: LiveCapture;
  // The counters are libpcap's (about once a second from the capture's worker), shown only once
  // known: before the first statistics, and for a device that gives none, no drop count is shown.
  // They arrive after the open has resolved (on a later turn), when the rows and the flush below exist.
  let counters: CaptureCounters | undefined;
  const onStats = (s: CaptureCounters) => {
    counters = s;
    scheduleFlush();
  };
  try {
    capture = await LiveCapture.open({ device, ...(o.bpf ? { filter: o.bpf } : {}), promisc: true, immediate: true, bufferSize: LIVE_BUFFER_BYTES, timeoutMs: 100, nanoseconds: true }, source.deliver, { onStats });
  } catch (e) {
    const err = LiveCaptureError.from(e);
    const why =
      err.code === 'EPERM' ? `no permission to capture on ${device} (run as root, or grant node CAP_NET_RAW)`
        : err.code === 'ENODEV' ? `no such interface: ${device} (wirelite interfaces lists them)`
          : `cannot capture on ${device}: ${err.message}`;
    store.setProgress({ phase: 'failed', frames: 0, message: why });
    return { error: why };
  }
  const iface: InterfaceInfo = { id: 0, linkType: capture.info.linkType, snapLen: capture.info.snaplen, name: device, fcsLen: 0, tsResol: capture.info.nanoseconds ? 9 : 6 };
  store.addInterface(iface);
  source.attach(capture, iface);
  const rows = new RowBuilder(0, 1024);
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    last = Date.now();
    const b = rows.flush();
    if (b) store.addBatch(b);
    if (counters) store.setCounters({ received: counters.received, dropped: counters.dropped, ifDropped: counters.ifDropped });
  };
  function scheduleFlush(): void {
    if (!timer) timer = setTimeout(flush, Math.max(0, 100 - (Date.now() - last)));
  }
  let filter: ((p: Packet) => boolean) | undefined;
  let filtered: ReturnType<PacketStore['startFilter']> | undefined;
  let lastPkt: Packet | undefined;
  const sink = (pkt: Packet, frame: Frame) => {
    lastPkt = pkt;
    if (store.keptBytes < LIVE_KEEP_BYTES) {
      store.keptFrames.push({ ...frame, data: frame.data.slice() });
      store.keptBytes += frame.capLen + 64;
    }
    const full = rows.add(pkt, frame, -1);
    if (filter && filtered && filter(pkt)) store.addMatches(filtered, [frame.number]);
    if (full) {
      store.addBatch(full);
      last = Date.now();
    } else scheduleFlush();
  };
  const fields = rowFieldIds();
  setFilter((expr) => {
    if (!expr) {
      filter = undefined;
      filtered = undefined;
      return;
    }
    const c = compile(expr);
    if (!c.ok) return;
    // The live pipeline keeps only the rows' fields: the filter's are added for the packets to come
    // (the pipeline's one Packet is reused for every frame); the packets already captured are
    // filtered by dissecting them again from memory, synchronously, so none comes in between.
    lastPkt?.selectFields([...fields, ...c.fields]);
    filtered = store.startFilter(expr);
    const f = filtered;
    const already = store.keptFrames.slice();
    void runPipeline(
      { name: device, rereadable: false, async read(h) { h.onInterface?.(iface); for (const fr of already) if (h.onFrame({ ...fr }) === false) break; } },
      { columns: false, twoPass: false, count: 0, fields: c.fields, displayFilter: { test: c.filter } },
      (_p, fr) => store.addMatches(f, [fr.number]),
    ).then(() => {
      f.done = true;
      f.fraction = 1;
      store.changed();
    });
    filter = c.filter;
  });
  const running = runPipeline(source, { columns: true, twoPass: false, count: 0, fields, sessionOptions: o.sessionOptions }, sink).then(
    () => {
      flush();
      const end = source.end;
      const s = end?.stats;
      // The final statistics; without them the last periodic ones stay (true when they came).
      if (s) store.setCounters({ received: s.received, dropped: s.dropped, ifDropped: s.ifDropped });
      store.setProgress({ phase: end?.error ? 'failed' : 'done', frames: store.count(), ...(end?.error ? { message: `capture on ${device} failed: ${end.error.message}` } : {}) });
    },
    (e: unknown) => store.setProgress({ phase: 'failed', frames: store.count(), message: e instanceof Error ? e.message : String(e) }),
  );
  void running;
  const save = async (): Promise<string> => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = `wirelite-${device}-${stamp}.pcapng`;
    const w = createCaptureWriter(path, 'pcapng', { interfaces: [iface] });
    for (const f of store.keptFrames) w.write(f);
    await w.close();
    const lost = store.count() - store.keptFrames.length;
    return `saved ${store.keptFrames.length} packets to ${path}${lost > 0 ? ` (${lost} beyond the memory limit were not kept)` : ''}`;
  };
  return { capture, save };
}
