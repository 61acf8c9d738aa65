/**
 * One tmux server for the TUI tests of a file, kept alive while they run. tmux's server exits when
 * its last session ends, so a test that kills its session while another file's test starts one can
 * meet an exiting server ("server exited unexpectedly", a CI failure): each file holds a session
 * of its own for its whole run, and a new session is retried if the server was going away.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** `tmux new-session -d ARGS`, tried again (up to 5 times) when the server was exiting. */
export function newSession(args: string[]): void {
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('tmux', ['new-session', '-d', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return;
    } catch (e) {
      const msg = String((e as { stderr?: string }).stderr ?? e);
      if (attempt >= 4 || !/server exited unexpectedly|no server running|lost server/.test(msg)) throw e;
      sleepSync(200);
    }
  }
}

/** Keeps a session of this file's own open from beforeAll to afterAll (when `enabled`). */
export function holdTmuxServer(enabled: boolean): void {
  const keeper = `wl-keep-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(() => {
    if (enabled) newSession(['-s', keeper, 'sleep 3600']);
  });
  afterAll(() => {
    if (enabled) spawnSync('tmux', ['kill-session', '-t', keeper]);
  });
}
