/**
 * Helpers of the analysis views' component tests: a packet store (the contract's read-only view)
 * filled from tshark's fields for a capture (the views only look frames up in it), the CLI run,
 * and waiting for a frame (the views' rows come from a worker).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { PacketRow, PacketStoreView } from '../../../src/tui/contract.js';

export const root = resolve(import.meta.dirname, '../../..');
export const bin = join(root, 'bin/wirelite');
export const KEY = { down: '\x1b[B', up: '\x1b[A', right: '\x1b[C', left: '\x1b[D', tab: '\t', enter: '\r', backspace: '\x7f' };
export const hasTshark = spawnSync('tshark', ['-v']).status === 0;

export function wl(args: string[]): string {
  return execFileSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
}

export function jsonLines<T>(args: string[]): T[] {
  return wl(args).split('\n').filter((l) => l).map((l) => JSON.parse(l) as T);
}

/** A store of a capture's frames as tshark reads them (number, time, addresses, tcp.stream). */
export function tsharkStore(file: string): PacketStoreView {
  const out = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'tcp.stream', '-E', 'occurrence=f'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const rows: PacketRow[] = out.split('\n').filter((l) => l).map((l) => {
    const [n, t, s4, d4, s6, d6, st] = l.split('\t');
    const [sec, frac = '0'] = t!.split('.');
    return { number: Number(n), tsSec: Number(sec), tsNsec: Number(frac.padEnd(9, '0').slice(0, 9)), time: '', src: s4 || s6 || '', dst: d4 || d6 || '', protocol: '', length: 0, info: '', colorRule: -1, severity: 0, tcpStream: st ? Number(st) : -1 };
  });
  return {
    source: file,
    live: false,
    count: () => rows.length,
    row: (i) => rows[i - 1],
    progress: () => ({ phase: 'done', frames: rows.length }),
    counters: () => undefined,
    subscribe: () => () => {},
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the frame satisfies `test` (the rows come from a worker thread). */
export async function until(frame: () => string | undefined, test: (f: string) => boolean, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    if (test(f)) return f;
    if (Date.now() > end) throw new Error(`timed out; last frame:\n${f}`);
    await sleep(25);
  }
}

/**
 * Lets Ink handle keys and render. ink-testing-library's stdin keeps only the last write until Ink
 * reads it: keys are written one at a time with a pause (several printable keys may go in one
 * string, as a terminal sends a held key: the views count each).
 */
export async function press(stdin: { write(s: string): void }, ...keys: string[]): Promise<void> {
  // Ink registers a newly rendered component's input handler in an effect: let it run first.
  await sleep(60);
  for (const k of keys) {
    stdin.write(k);
    await sleep(80);
  }
}
