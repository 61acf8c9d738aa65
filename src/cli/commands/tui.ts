/**
 * `wirelite tui [FILE]` / `wirelite tui -i IFACE [-f BPF]`: the terminal UI (src/tui). This file
 * only checks the options, as the other commands do, and hands them to src/tui/run.ts.
 */
import { statSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';
import { newSession } from '../../dissectors/session.js';
import { commandSessionOptions, setCommandSessionOptions } from '../../pipeline/session-options.js';
import { addDissectOptions, applyDissectOptions } from '../dissect-options.js';
import { collect, EXIT, UsageError } from '../errors.js';
import { compile } from '../../filter/index.js';
import { importInteractive } from '../interactive.js';

export function tuiCommand() {
  const cmd = new Command('tui')
    .description("the terminal UI: Wireshark's packet list, detail tree and hex panes, display filters, analysis views (a file, or a live capture with -i)")
    .argument('[file]', 'capture file to open (or use -r)')
    .option('-r <file>', 'capture file to open')
    .option('-i <interface>', 'capture live on this interface (as root) instead of opening a file')
    .option('-f <filter>', 'capture filter (BPF, as tcpdump) for -i')
    .option('-Y <filter>', 'display filter applied at start (as read -Y); / in the UI changes it')
    .option('-o <pref>', 'set a preference name:value, e.g. tcp.analyze_sequence_numbers:FALSE (repeatable)', collect, [] as string[]);
  return addDissectOptions(cmd).action(async (fileArg, o) => {
    const file = o.r ?? fileArg;
    if (file && o.i) throw new UsageError('tui opens a file or captures live (-i), not both');
    if (!file && !o.i) throw new UsageError('no capture file given (wirelite tui FILE), nor an interface (wirelite tui -i IFACE)');
    if (o.f !== undefined && !o.i) throw new UsageError('-f (capture filter) needs -i IFACE');
    if (file === '-') throw new UsageError('tui reads a file it can read again (not standard input): save the capture first');
    if (file) {
      try {
        if (!statSync(file).isFile()) throw new UsageError(`${file} is not a regular file`);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        process.stderr.write(`wirelite: no such file: ${file}\n`);
        process.exitCode = EXIT.FILE;
        return;
      }
    }
    if (o.Y !== undefined) {
      const c = compile(o.Y);
      if (!c.ok) throw new UsageError(`-Y: ${c.error.message} (at character ${c.error.start + 1} of "${o.Y}")`);
    }
    if (o.o.length) {
      try {
        newSession({ prefs: o.o });
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      setCommandSessionOptions({ prefs: o.o });
    }
    applyDissectOptions(o);
    // The terminal is read from here on (raw, kept for the UI): keys typed while Ink loads reach it.
    const { openTerminalInput } = await import('../../tui/input.js');
    (await import('../../tui/trace.js')).traceMark('action');
    const input = process.stdout.isTTY ? openTerminalInput() : undefined;
    // The first screen is drawn before Ink is loaded (./tui/first-screen.ts): Ink's import is most
    // of a second of CPU on this machine.
    const early = input ? await (await import('../../tui/first-screen.js')).openFirstScreen({ file, device: o.i, sessionOptions: commandSessionOptions(), input }) : undefined;
    // Loaded here, not at the top: Ink, React and yoga's WebAssembly cost every other command about
    // 0.5 s of CPU at start (wirelite read -c 1: 0.85 -> 0.3 s).
    let runTui: typeof import('../../tui/run.js').runTui;
    try {
      ({ runTui } = await importInteractive(() => import('../../tui/run.js')));
    } catch (e) {
      input?.close();
      throw e;
    }
    const code = await runTui({ file, device: o.i, bpf: o.f, filter: o.Y, sessionOptions: commandSessionOptions(), input, early });
    process.exitCode = code;
  });
}
