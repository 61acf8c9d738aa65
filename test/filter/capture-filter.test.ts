/**
 * `wirelite capture -Y` on loopback: every packet is dissected in one pass, only the matching ones
 * are printed or written; a bad expression is a usage error before the capture opens. Traffic goes
 * to 127.0.0.1 only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, freshPort, liveEnabled, readFrames, run, send, sleep } from '../capture/live/helpers.js';

let dir: string;

async function captureWhile(args: string[], traffic: () => Promise<unknown>) {
  const c = run(['capture', ...args]);
  await c.ready;
  await traffic();
  await sleep(300);
  c.proc.kill('SIGINT');
  return c.done;
}

describe.runIf(liveEnabled)('wirelite capture -Y on loopback', () => {
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wl-cy-'));
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints and writes only the packets the display filter selects', async () => {
    const [p1, p2] = [freshPort(), freshPort()];
    const file = join(dir, 'y.pcap');
    const bpf = `udp and (dst port ${p1} or dst port ${p2})`;
    const r = await captureWhile(['-i', 'lo', '-f', bpf, '-Y', `udp.dstport == ${p1} && frame.len > 0`, '-w', file, '-P', '-T', 'fields', '-e', 'udp.dstport'], async () => {
      await send({ dst: '127.0.0.1', port: p1, count: 60, rate: 10000 });
      await send({ dst: '127.0.0.1', port: p2, count: 40, rate: 10000 });
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length, r.stderr).toBe(60);
    expect(new Set(lines)).toEqual(new Set([String(p1)]));
    expect((await readFrames(file)).length).toBe(60);
  });

  it('a bad expression: exit 1 with a caret, before anything is opened', async () => {
    const c = run(['capture', '-i', 'lo', '-Y', 'udp.prot == 1']);
    const r = await c.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('wirelite: -Y: udp.prot is neither a field nor a protocol name.\n    udp.prot == 1\n    ^~~~~~~~\ndid you mean udp.port?');
  });
});
