/**
 * Start-up marks of the terminal UI for bench/tui.mjs: with WIRELITE_TUI_TRACE=FILE set, each
 * mark appends `name wall-ms cpu-ms` (milliseconds since the process started, and the CPU time of
 * the whole process so far, every thread) to FILE. Unset, a mark costs one property read.
 */
import { appendFileSync } from 'node:fs';

export function traceMark(name: string): void {
  const file = process.env.WIRELITE_TUI_TRACE;
  if (!file) return;
  const c = process.cpuUsage();
  try {
    appendFileSync(file, `${name} ${performance.now().toFixed(1)} ${((c.user + c.system) / 1000).toFixed(1)}\n`);
  } catch {
    /* a bench's file: never the UI's problem */
  }
}
