/**
 * The session options of the command this process runs: what the CLI's `-o`, `-d`,
 * `--disable-heuristic`/`--enable-heuristic` set (src/cli/dissect-options.ts, packet-printer.ts).
 * A read that names no session options (`PipelineOptions.sessionOptions`) nor a session makes its
 * session from these, and every worker of a parallel read (./shards.ts) gets them too, so
 * `stats --threads` dissects as one thread does.
 *
 * This is the one place a command's choices live for the whole process; the dissectors keep none
 * (their settings are in each session: src/dissectors/session.ts). Code that makes several
 * sessions with different options (a UI, tests) passes `sessionOptions` or a session instead.
 */
import type { SessionOptions } from '../dissectors/session.js';

let command: SessionOptions = {};

/** Sets the command's session options (merged into what was set: later values win). */
export function setCommandSessionOptions(o: SessionOptions): void {
  command = { ...command, ...o };
}

/** The command's session options (plain data: a worker thread gets a copy). */
export function commandSessionOptions(): SessionOptions {
  return command;
}
