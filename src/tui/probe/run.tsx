/**
 * The probe views' runtime (`ping --tui`, `traceroute --tui`, `pmtud --tui`): a probe engine of
 * src/probe runs with its event hook feeding a store, and an Ink view renders the store as it
 * changes. q or Ctrl-C stops the engine (its AbortSignal: the round or request in progress ends,
 * the stack is closed); the last frame stays on the screen and the terminal is given back (raw
 * mode off, cursor shown) on every exit, an engine error included.
 */
import { useApp, useInput, render } from 'ink';
import { useEffect, useState, type ReactElement } from 'react';
import { ping, type PingOptions } from '../../probe/ping.js';
import { traceroute, type TraceOptions } from '../../probe/traceroute.js';
import { pmtud, type PmtudOptions } from '../../probe/pmtud.js';
import { ProbeError } from '../../probe/common.js';
import { terminalGone } from '../terminal.js';
import { PingView } from './ping-view.js';
import { TraceView } from './trace-view.js';
import { PmtudView } from './pmtud-view.js';
import { ProbeStore, pingEvent, pingNote, pingState, pmtudEvent, pmtudNote, pmtudState, traceNote, traceRound, traceState } from './store.js';

/** Quits on q and Ctrl-C; re-renders at the terminal's width. */
export function Shell({ view, onQuit }: { view: (width: number) => ReactElement; onQuit: () => void }) {
  const { exit } = useApp();
  const [width, setWidth] = useState(process.stdout.columns || 80);
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      onQuit();
      exit();
    }
  });
  useEffect(() => {
    const on = () => setWidth(process.stdout.columns || 80);
    process.stdout.on('resize', on);
    return () => void process.stdout.off('resize', on);
  }, []);
  return view(width);
}

/** Runs `engine` under `view` until it ends or the user quits; resolves with the engine's exit code. */
async function runView(view: (width: number) => ReactElement, engine: (signal: AbortSignal) => Promise<number>, done: () => void): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) throw new ProbeError('--tui needs a terminal (standard input and output are not one)');
  const stop = new AbortController();
  const quit = () => stop.abort();
  const instance = render(<Shell view={view} onQuit={quit} />, { exitOnCtrlC: false, patchConsole: false });
  const onSignal = () => {
    quit();
    instance.unmount();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // The terminal gone (SIGHUP, then EIO on every read and write): leave at once, as tui does.
  const onStreamError = (e: unknown) => {
    if (terminalGone(e)) process.exit(129);
    throw e;
  };
  for (const s of [process.stdin, process.stdout, process.stderr]) s.on('error', onStreamError);
  try {
    const code = await engine(stop.signal);
    done();
    return code;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    // Let the last state render, then give the terminal back.
    await new Promise((r) => setTimeout(r, 50));
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write('\x1b[?25h');
  }
}

const quiet = { out: () => {} };

export function pingTui(o: PingOptions): Promise<number> {
  const store = new ProbeStore(pingState(o.host));
  return runView(
    (w) => <PingView store={store} width={w} />,
    (signal) => ping({ ...o, quiet: true, json: false, signal, onEvent: (e) => store.update((s) => pingEvent(s, e)) }, { ...quiet, err: (l) => store.update((s) => pingNote(s, l)) }),
    () => store.update((s) => void (s.done = true)),
  );
}

/** mtr's report mode, round after round (`cycles` rounds, or until q when it is Infinity). */
export function traceTui(o: TraceOptions & { report: NonNullable<TraceOptions['report']> }): Promise<number> {
  const store = new ProbeStore(traceState(o.host));
  return runView(
    () => <TraceView store={store} />,
    (signal) => traceroute({ ...o, json: false, signal, onReport: (rows) => store.update((s) => traceRound(s, rows)) }, { ...quiet, err: (l) => store.update((s) => traceNote(s, l)) }),
    () => store.update((s) => void (s.done = true)),
  );
}

export function pmtudTui(o: PmtudOptions): Promise<number> {
  const store = new ProbeStore(pmtudState(o.host));
  return runView(
    (w) => <PmtudView store={store} width={w} />,
    (signal) => pmtud({ ...o, json: false, signal, onEvent: (e) => store.update((s) => pmtudEvent(s, e)) }, { ...quiet, err: (l) => store.update((s) => pmtudNote(s, l)) }),
    () => store.update((s) => void (s.done = true)),
  );
}
