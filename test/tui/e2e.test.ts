/**
 * The real program in a real terminal: `bin/wirelite tui` in a detached tmux session of a fixed
 * size, keys sent with `tmux send-keys`, the screen read with `tmux capture-pane`. Open a fixture,
 * move, expand a layer, filter with a display filter (only `read -Y`'s rows), quit with q and with
 * SIGTERM (the alternate screen is left and the cursor shown again), open the connection doctor of
 * a connection with a retransmission (its verdict is `stats tcp`'s, its graph drawn), open the
 * conversations table and sort it (the rows of `stats conv tcp`, in the column's order), and a live
 * capture on loopback that shows packets as they arrive. tmux is installed by .ci/run: without it the suite
 * fails in CI and is skipped, saying so, elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, itCorpusMissing } from '../corpus.js';
import { holdTmuxServer, newSession } from './tmux-server.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const loopback = join(root, 'fixtures/loopback.pcap');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const ci = process.env.CI === 'true';
const isRoot = process.getuid?.() === 0;

if (!hasTmux && ci) throw new Error('tmux is missing: .ci/run installs it; the TUI end-to-end tests cannot run');

const sessions: string[] = [];
let counter = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/**
 * Starts `cmd` in a new detached session W x H; the pane stays after it exits (`__EXIT=code`).
 * Always with CI=true in its environment: Ink alone draws nothing in CI until the app exits (the
 * blank screens of an earlier CI run), and wirelite must draw on a terminal whatever CI says.
 */
function start(cmd: string, w = 120, h = 40, cwd = root): string {
  const name = `wl-tui-${process.pid}-${counter++}`;
  sessions.push(name);
  newSession(['-s', name, '-x', String(w), '-y', String(h), `cd ${cwd} && CI=true ${cmd}; echo __EXIT=$?; sleep 60`]);
  return name;
}

const screen = (s: string) => tmux('capture-pane', '-p', '-t', s);
/** Whether the program has mouse reporting on: SGR coordinates, and clicks. */
const mouseFlags = '#{mouse_sgr_flag} #{mouse_standard_flag}';
const format = (s: string, f: string) => tmux('display-message', '-p', '-t', s, f).trim();
const keys = (s: string, ...k: string[]) => void tmux('send-keys', '-t', s, ...k);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(s: string, test: (screen: string) => boolean, what: string, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = screen(s);
    if (test(text)) return text;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`);
    await sleep(50);
  }
}

/** Frame numbers of the packet list's rows on screen. */
function listedFrames(text: string): number[] {
  const list = text.split('── Packet details')[0]!.split('\n').slice(2);
  return list.filter((l) => /^[> ] *\d+ +\d+\.\d+ /.test(l)).map((l) => Number(l.slice(1).trim().split(/\s+/)[0]));
}

afterEach(() => {
  for (const s of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', s]);
});
holdTmuxServer(hasTmux);

describe.skipIf(!hasTmux)('wirelite tui in tmux (SKIPPED without tmux outside CI)', () => {
  it('opens a fixture, moves, expands a layer, filters with a display filter, and q restores the terminal', async () => {
    const s = start(`${bin} tui ${loopback}`);
    let text = await until(s, (t) => t.includes('30 packets') && t.includes('▸ Frame 1: 98 bytes'), 'the first screen');
    expect(format(s, '#{alternate_on}')).toBe('1');
    expect(text).toMatch(/^> +1 +0\.000000 127\.0\.0\.1 +127\.0\.0\.1 +ICMP +98 Echo \(ping\) request/m);
    keys(s, 'j');
    await until(s, (t) => t.includes('▸ Frame 2: 98 bytes'), 'frame 2 selected');
    keys(s, 'Down', 'Down');
    text = await until(s, (t) => t.includes('▸ Frame 4: 98 bytes'), 'frame 4 selected');
    expect(text).toMatch(/^> +4 +0\.201405 /m);
    keys(s, 'Tab', 'Down', 'Down', 'Enter');
    text = await until(s, (t) => t.includes('▾ Internet Protocol Version 4'), 'the IPv4 layer expanded');
    expect(text).toContain('Header Length: 20 bytes');
    // A display filter: only read -Y's rows.
    keys(s, 'Escape');
    await sleep(100);
    keys(s, '/');
    await until(s, (t) => /^\/( |$)/m.test(t), 'the filter bar');
    keys(s, '-l', 'tcp.flags.syn == 1');
    await until(s, (t) => t.includes('tcp.flags.syn == 1'), 'the filter typed');
    keys(s, 'Enter');
    text = await until(s, (t) => /\d+\/30 shown/.test(t) && !t.includes('filtering'), 'the filter applied');
    const expected = execFileSync(bin, ['read', '--no-color', '-Y', 'tcp.flags.syn == 1', loopback], { encoding: 'utf8' })
      .trimEnd().split('\n').map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(listedFrames(text)).toEqual(expected);
    expect(text).toContain(`${expected.length}/30 shown`);
    keys(s, 'q');
    text = await until(s, (t) => t.includes('__EXIT='), 'the program to exit');
    expect(text).toContain('__EXIT=0');
    expect(format(s, '#{alternate_on}')).toBe('0');
    expect(format(s, '#{cursor_flag}')).toBe('1');
    expect(format(s, mouseFlags)).toBe('0 0');
  });

  it('the mouse: reporting is on while the UI runs; a click selects the row it points at, the wheel scrolls, a click on a tree marker opens it', async () => {
    const s = start(`${bin} tui ${loopback}`);
    let text = await until(s, (t) => t.includes('30 packets') && t.includes('▸ Frame 1: 98 bytes'), 'the first screen');
    // Clicks and the wheel, in SGR coordinates (tmux shows the program asked for both).
    expect(format(s, mouseFlags)).toBe('1 1');
    // Frame 13 is on screen line 14 (the tab line, the header, frames 1..); SGR counts from 1.
    const y13 = text.split('\n').findIndex((l) => /^ +13 +0\.625105 /.test(l));
    expect(y13).toBe(14);
    keys(s, '-l', `\x1b[<0;40;${y13 + 1}M\x1b[<0;40;${y13 + 1}m`);
    text = await until(s, (t) => /^> +13 +0\.625105 /m.test(t) && t.includes('▸ Frame 13: 72 bytes'), 'frame 13 selected by the click');
    expect(text).not.toMatch(/\[<0;/); // nothing of the report was typed (the filter bar, a key)
    // The marker of its DNS layer: opened.
    const yDns = text.split('\n').findIndex((l) => l.startsWith('▸ Domain Name System'));
    keys(s, '-l', `\x1b[<0;1;${yDns + 1}M\x1b[<0;1;${yDns + 1}m`);
    text = await until(s, (t) => t.includes('▾ Domain Name System (query)') && t.includes('Transaction ID: 0x4321'), 'the DNS layer opened by the click');
    // Two steps of the wheel down over the list: 6 rows; the selection stays on screen.
    keys(s, '-l', `\x1b[<65;40;5M\x1b[<65;40;5M`);
    text = await until(s, (t) => listedFrames(t)[0] === 7, 'the list scrolled by the wheel');
    expect(text).toMatch(/^> +13 /m);
    keys(s, 'q');
    await until(s, (t) => t.includes('__EXIT=0'), 'the program to exit');
    expect(format(s, mouseFlags)).toBe('0 0');
  });

  it('keys typed at start-up, before the UI is up, reach it: G, and a display filter with Enter', async () => {
    // Sent as soon as the session exists: the shell has not even started the program.
    let s = start(`${bin} tui ${loopback}`);
    keys(s, 'G');
    let text = await until(s, (t) => /^> +30 +0\.845848 /m.test(t) && t.includes('▸ Frame 30:'), 'G applied: the last frame selected');
    keys(s, 'q');
    await until(s, (t) => t.includes('__EXIT=0'), 'the program to exit');
    s = start(`${bin} tui ${loopback}`);
    // Before the program has the terminal in raw mode, the terminal's line discipline turns Enter into
    // a newline (the old code lost that Enter: the bar stayed open with the filter in it).
    keys(s, '-l', '/tcp.flags.syn == 1');
    keys(s, 'Enter');
    text = await until(s, (t) => /\d+\/30 shown/.test(t) && !t.includes('filtering'), 'the filter typed at start-up applied');
    const expected = execFileSync(bin, ['read', '--no-color', '-Y', 'tcp.flags.syn == 1', loopback], { encoding: 'utf8' })
      .trimEnd().split('\n').map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(listedFrames(text)).toEqual(expected);
    expect(text).toContain('Filter: tcp.flags.syn == 1');
    keys(s, 'q');
    text = await until(s, (t) => t.includes('__EXIT='), 'the program to exit');
    expect(text).toContain('__EXIT=0');
  });

  it('SIGTERM and Ctrl-C restore the terminal too; a missing file is a message, not a screen', async () => {
    for (const how of ['TERM', 'C-c'] as const) {
      const s = start(`${bin} tui ${loopback}`);
      await until(s, (t) => t.includes('30 packets'), 'the first screen');
      if (how === 'C-c') keys(s, 'C-c');
      else {
        const shell = format(s, '#{pane_pid}');
        const node = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0]!;
        process.kill(Number(node), 'SIGTERM');
      }
      const text = await until(s, (t) => t.includes('__EXIT='), 'the program to exit');
      expect(text).toMatch(how === 'TERM' ? /__EXIT=143/ : /__EXIT=0/);
      expect(format(s, '#{alternate_on}')).toBe('0');
      expect(format(s, '#{cursor_flag}')).toBe('1');
      expect(format(s, mouseFlags)).toBe('0 0');
      expect(text).not.toMatch(/at .*\.js:\d+/);
    }
    const s = start(`${bin} tui /nonexistent.pcap`);
    const text = await until(s, (t) => t.includes('__EXIT='), 'the program to exit');
    expect(text).toContain('wirelite: no such file: /nonexistent.pcap');
    expect(text).toContain('__EXIT=2');
  });

  it('the terminal going away (tmux kill-session: SIGHUP, then EIO) ends the program at once, at any moment', async () => {
    // A write error that reported itself on the dead terminal once looped for ever: orphaned
    // `wirelite tui` processes spun at 10-30% of a core after their tmux sessions were killed.
    for (const after of [300, 700, 1500, 0]) {
      const s = start(`${bin} tui ${loopback}`);
      const shell = format(s, '#{pane_pid}');
      let node = '';
      const t0 = Date.now();
      while (!node && Date.now() - t0 < 10_000) {
        node = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim().split('\n')[0]!;
        if (!node) await sleep(20);
      }
      expect(node, 'the program started').not.toBe('');
      if (after) await sleep(after);
      else await until(s, (t) => t.includes('30 packets'), 'the first screen');
      spawnSync('tmux', ['kill-session', '-t', s]);
      const alive = () => spawnSync('kill', ['-0', node]).status === 0;
      const end = Date.now() + 5_000;
      while (alive() && Date.now() < end) await sleep(50);
      const still = alive();
      if (still) process.kill(Number(node), 'SIGKILL');
      expect(still, `wirelite tui (pid ${node}) still running 5 s after its terminal went away (killed ${after || 'after the first screen'} ms in)`).toBe(false);
    }
  });

  it('a too small terminal says so, and a resize redraws', async () => {
    const s = start(`${bin} tui ${loopback}`, 50, 10);
    await until(s, (t) => t.includes('too small (50x10)'), 'the too-small message');
    tmux('resize-window', '-t', s, '-x', '100', '-y', '30');
    await until(s, (t) => t.includes('30 packets') && t.includes('Packet details'), 'the screen after the resize');
    keys(s, 'q');
  });

  // The doctor and conversations tests need the corpus's captures.
  if (!corpusPresent) itCorpusMissing();
  it.runIf(corpusPresent)('the connection doctor of a connection with a retransmission: the verdict of stats tcp, the time-sequence graph', async () => {
    const file = corpusFile('zeek/tcp/retransmit-fast009.pcap');
    const s = start(`${bin} tui ${file}`);
    await until(s, (t) => t.includes('39 packets') && t.includes('▸ Frame 1:'), 'the first screen');
    // Frame 1 (the SYN of stream 0) is selected: o opens its connection's doctor.
    keys(s, 'o');
    // (a row of the plot is 2x4 dots a cell, U+2800 the empty cell).
    const plotRows = (t: string) => t.split('\n').filter((l) => /[│┤][\u2800-\u28ff]{100}/.test(l)).length;
    const text = await until(s, (t) => t.includes('Verdict:') && t.includes('Evidence:') && plotRows(t) > 10 && t.includes('retransmission'), 'the doctor with its verdict and graph');
    const lines = text.split('\n');
    const v = lines.findIndex((l) => l.startsWith('Verdict:'));
    const e = lines.findIndex((l) => l.startsWith('Evidence:'));
    const shown = lines.slice(v, e).map((l) => l.trim()).join(' ');
    const cli = execFileSync(bin, ['stats', file, 'tcp'], { encoding: 'utf8' }).split('\n').find((l) => l.trim().startsWith('Verdict:'))!.trim();
    expect(cli).toContain('fast retransmission');
    expect(shown).toBe(cli);
    expect(lines[v - 1]).toContain('TCP stream 0: 10.0.88.85:50368 -> 192.168.0.27:80  frames 1-39, 39 packets');
    expect(lines[e]).toContain('Evidence: frame 32');
    // The time-sequence graph: braille rows, the axis and the legend with retransmissions.
    expect(plotRows(text)).toBeGreaterThan(10);
    expect([...text].filter((c) => c > '\u2800' && c <= '\u28ff').length).toBeGreaterThan(100);
    expect(text).toContain('1 Time-sequence');
    expect(text).toMatch(/window .*ACK .*SACK .*data .*retransmission/);
    // J jumps to the evidence frame in the packet list.
    keys(s, 'J');
    await until(s, (t) => /^> +32 /m.test(t) && t.includes('▸ Frame 32:'), 'frame 32 selected in the list');
    keys(s, 'q');
    await until(s, (t) => t.includes('__EXIT=0'), 'the program to exit');
  });

  it.runIf(corpusPresent)('the conversations table, sorted by Bytes and reversed: the rows of stats conv tcp in that order', async () => {
    const file = corpusFile('zeek/wikipedia.pcap');
    const s = start(`${bin} tui ${file}`);
    await until(s, (t) => /\d+ packets/.test(t) && t.includes('▸ Frame 1:'), 'the first screen');
    keys(s, 'c');
    interface Conv { stream: number; a: string; aPort: number; b: string; bPort: number; frames: number; bytes: number }
    const cli = execFileSync(bin, ['stats', file, 'conv', 'tcp', '--json'], { encoding: 'utf8' }).trimEnd().split('\n').map((l) => JSON.parse(l) as Conv);
    expect(cli.length).toBe(10);
    const rowsOf = (t: string) =>
      t.split('\n').map((l) => /^ *(\d+) (\S+) +(\d+) (\S+) +(\d+) +(\d+) +([\d,]+) /.exec(l)).filter((m) => m !== null)
        .map((m) => ({ stream: Number(m[1]), a: m[2]!, aPort: Number(m[3]), b: m[4]!, bPort: Number(m[5]), frames: Number(m[6]), bytes: Number(m[7]!.replace(/,/g, '')) }));
    const want = (r: Conv[]) => r.map(({ stream, a, aPort, b, bPort, frames, bytes }) => ({ stream, a, aPort, b, bPort, frames, bytes }));
    let text = await until(s, (t) => t.includes('Address A') && rowsOf(t).length === cli.length, 'the TCP conversations');
    // Unsorted: stats conv tcp's rows in its order.
    expect(rowsOf(text)).toEqual(want(cli));
    // Seven times l: the sort column moves from Stream to Bytes, descending.
    keys(s, '-l', 'lllllll');
    text = await until(s, (t) => t.includes('Bytes▼'), 'sorted by Bytes');
    let rows = rowsOf(text);
    const desc = [...cli].sort((x, y) => y.bytes - x.bytes);
    expect(rows.map((r) => r.bytes)).toEqual([...rows.map((r) => r.bytes)].sort((x, y) => y - x));
    expect(rows).toEqual(want(desc));
    keys(s, 's');
    text = await until(s, (t) => t.includes('Bytes▲'), 'the order reversed');
    rows = rowsOf(text);
    expect(rows.map((r) => r.bytes)).toEqual([...rows.map((r) => r.bytes)].sort((x, y) => x - y));
    expect(rows).toEqual(want([...cli].sort((x, y) => x.bytes - y.bytes)));
    keys(s, 'q');
    await until(s, (t) => t.includes('__EXIT=0'), 'the program to exit');
  });

  it.skipIf(!isRoot && !ci)('live on loopback (as root): packets show as they arrive, and w saves them', async () => {
    const port = 40000 + (process.pid % 20000);
    const dir = mkdtempSync(join(tmpdir(), 'wl-tui-live-'));
    const s = start(`${bin} tui -i lo -f "udp port ${port}"`, 200, 40, dir);
    await until(s, (t) => t.includes('capturing'), 'the capture to start');
    const sock = createSocket('udp4');
    for (let k = 0; k < 3; k++) {
      await new Promise<void>((r) => sock.send(Buffer.from(`wirelite tui ${k}`), port, '127.0.0.1', () => r()));
      await sleep(150);
    }
    let text = await until(s, (t) => listedFrames(t).length >= 3, 'three packets listed');
    expect(text).toMatch(new RegExp(`UDP +\\d+ \\d+ → ${port} Len=14`));
    // More packets: the list grows while it shows.
    for (let k = 3; k < 6; k++) await new Promise<void>((r) => sock.send(Buffer.from(`wirelite tui ${k}`), port, '127.0.0.1', () => r()));
    text = await until(s, (t) => listedFrames(t).length >= 6, 'six packets listed');
    sock.close();
    keys(s, 'w');
    text = await until(s, (t) => /saved \d+ packets to \S+\.pcapng/.test(t), 'the capture saved');
    const saved = /saved (\d+) packets to (\S+\.pcapng)/.exec(text)!;
    const lines = execFileSync(bin, ['read', '--no-color', join(dir, saved[2]!)], { encoding: 'utf8' }).trimEnd().split('\n');
    expect(lines.length).toBe(Number(saved[1]));
    expect(lines.every((l) => l.includes(`→ ${port} Len=14`))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
    keys(s, 'q');
    await until(s, (t) => t.includes('__EXIT=0'), 'the program to exit');
  });
});
