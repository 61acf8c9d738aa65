/**
 * Resources: 1,000 open/close cycles of a libpcap handle and 100 of a whole capture (worker
 * thread, transferred buffers) leave descriptors and memory where they were, closed handles fail
 * cleanly, and the process ends on its own when everything is closed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, liveEnabled, root } from './helpers.js';

interface Usage {
  fds: number;
  rss: number;
  ms?: number;
}

describe.runIf(liveEnabled)('capture handles', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('1,000 open/close cycles leak nothing and the process exits by itself', () => {
    const r = spawnSync(process.execPath, [join(root, 'test/capture/live/cycles.mjs'), '1000', '100'], { encoding: 'utf8', timeout: 100_000 });
    expect(r.signal, 'the process did not end by itself').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const u = JSON.parse(r.stdout) as { start: Usage; afterNative: Usage; afterWorkers: Usage; useAfterClose: string };
    expect(u.afterNative.fds).toBe(u.start.fds);
    expect(u.afterWorkers.fds).toBe(u.start.fds);
    expect(u.afterNative.rss - u.start.rss).toBeLessThan(8 << 20);
    expect(u.afterWorkers.rss - u.start.rss).toBeLessThan(48 << 20);
    expect(u.useAfterClose).toBe('ECLOSED');
  }, 120_000);
});
