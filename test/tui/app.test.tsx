/**
 * The terminal UI's panes, keys in and frames out (ink-testing-library), against what the CLI
 * prints for the same capture: the packet list's rows are `wirelite read`'s lines, the detail tree
 * `read -V`'s, the hex pane `read -x`'s, the filter bar's matches `read -Y`'s. The store is filled
 * by the real indexer (its worker thread, from dist/, which test/global-setup.ts builds).
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Colours on (Ink's colour library decides at load time): the tests read the escapes of
// highlighted bytes, red and green filter text. Texts are compared with the escapes removed.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '3';
});
import { App, type AppProps } from '../../src/tui/app.js';
import type { PacketRow } from '../../src/tui/contract.js';
import { KEYS } from '../../src/tui/keys.js';
import { rowText, listColumns } from '../../src/tui/panes/packet-list.js';
import { packetDetail } from '../../src/tui/store/detail.js';
import { filterFile, indexFile } from '../../src/tui/store/indexer.js';
import { PacketStore } from '../../src/tui/store/packet-store.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const loopback = join(root, 'fixtures/loopback.pcap');
const synthetic = join(root, 'fixtures/synthetic.pcapng');

const KEY = { down: '\x1b[B', up: '\x1b[A', right: '\x1b[C', left: '\x1b[D', tab: '\t', enter: '\r', esc: '\x1b', backspace: '\x7f' };

function wl(args: string[]): string {
  return execFileSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** `read`'s line for a row, laid out as src/render/output.ts summaryLine lays it out. */
function readLine(r: PacketRow): string {
  let line = `${String(r.number).padStart(5)} ${r.time.padStart(10)} `;
  if (r.src || r.dst) line += `${r.src.padStart(12)} → ${r.dst.padEnd(12)} `;
  return line + `${r.protocol} ${r.length} ${r.info}`;
}

async function indexed(file: string): Promise<PacketStore> {
  const store = new PacketStore(file);
  await indexFile(store, file, {}).done;
  expect(store.progress().phase).toBe('done');
  return store;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Waits until the app's frame, without escapes, satisfies `test` (the detail is dissected asynchronously). */
async function until(frame: () => string | undefined, test: (f: string) => boolean, ms = 5000): Promise<string> {
  return untilRaw(() => plain(frame() ?? ''), test, ms);
}

/** The same, on the frame with its escapes. */
async function untilRaw(frame: () => string | undefined, test: (f: string) => boolean, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    if (test(f)) return f;
    if (Date.now() > end) throw new Error(`timed out; last frame:\n${f}`);
    await sleep(20);
  }
}

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function mount(store: PacketStore, file: string, over: Partial<AppProps> = {}) {
  const props: AppProps = {
    store, file, sessionOptions: {}, views: [], theme: { color: false }, width: 120, height: 40,
    applyFilter: () => {}, onQuit: () => {}, detailDelay: 0, ...over,
  };
  mounted = render(<App {...props} />);
  return mounted;
}

describe('the packet store', () => {
  it('holds every frame of the file with the columns `wirelite read` prints (second pass values included)', async () => {
    for (const file of [loopback, synthetic]) {
      const store = await indexed(file);
      const lines = wl(['read', '--no-color', file]).trimEnd().split('\n');
      expect(store.count()).toBe(lines.length);
      const ours = Array.from({ length: store.count() }, (_, k) => readLine(store.row(k + 1)!));
      expect(ours).toEqual(lines);
      // The two-pass values are there: a request names its reply, as read -2 prints.
      if (file === loopback) expect(store.row(1)!.info).toContain('(reply in 2)');
    }
  });

  it('colours rows by the first matching Wireshark rule (as read --color)', async () => {
    const store = await indexed(loopback);
    const colored = wl(['read', '--color', loopback]).split('\n').filter((l) => l.length > 0);
    const { COLOR_RULES } = await import('../../src/render/color.js');
    for (let n = 1; n <= store.count(); n++) {
      const r = store.row(n)!;
      const line = colored[n - 1]!;
      const rule = r.colorRule >= 0 ? COLOR_RULES[r.colorRule]! : undefined;
      if (!rule) expect(line.startsWith('\x1b[38;2;')).toBe(false);
      else expect(line).toContain(`\x1b[48;2;${rule.background.map((v) => v >> 8).join(';')}m`);
    }
  });

  it('dissects a packet again with the tree of read -V and the bytes of read -x', async () => {
    const store = await indexed(loopback);
    const trees = wl(['read', '-V', loopback]).split(/\n(?=Frame \d+: )/);
    const dumps = wl(['read', '-x', loopback]).trimEnd().split('\n\n');
    for (const n of [1, 2, 12, 17, 20, store.count()]) {
      const d = (await packetDetail(store, n, loopback, {}))!;
      const text = d.lines.map((l) => '    '.repeat(l.depth) + l.text).join('\n');
      // read -V puts a data item's hex under it (no -x): the tree pane leaves that to the hex pane.
      const expected = trees[n - 1]!.trimEnd().split('\n').filter((l) => l !== '' && !/^[0-9a-f]{4}  /.test(l)).join('\n');
      expect(text).toBe(expected);
      expect(d.hex.trimEnd()).toBe(dumps[n - 1]);
    }
  });
});

describe('the packets screen', () => {
  it('shows the list rows, moves with j/k, arrows, g/G, and the tree and bytes follow the selection', async () => {
    const store = await indexed(loopback);
    const app = mount(store, loopback);
    const c = listColumns(120);
    let f = await until(app.lastFrame, (x) => x.includes('Frame 1: 98 bytes'));
    const rows = f.split('\n');
    // The header, then the rows: each is the store's row, and the selected one is marked.
    expect(rows[1]).toMatch(/No\. +Time Source +Destination +Protocol Length Info/);
    expect(rows[2]).toBe('>' + rowText(store.row(1)!, c, 120).slice(1));
    expect(rows[3]).toBe(rowText(store.row(2)!, c, 120));
    app.stdin.write('j');
    f = await until(app.lastFrame, (x) => x.includes('Frame 2: 98 bytes'));
    expect(f.split('\n')[3]!.startsWith('>')).toBe(true);
    app.stdin.write(KEY.down);
    app.stdin.write('k');
    app.stdin.write(KEY.down);
    f = await until(app.lastFrame, (x) => x.includes('Frame 3: 98 bytes'));
    app.stdin.write('G');
    f = await until(app.lastFrame, (x) => x.includes(`Frame ${store.count()}: `));
    app.stdin.write('g');
    await until(app.lastFrame, (x) => x.includes('Frame 1: 98 bytes'));
  });

  it('expands and collapses layers and fields in the tree (Tab, Enter, →, ←, E, C)', async () => {
    const store = await indexed(loopback);
    const app = mount(store, loopback, { height: 70 });
    await until(app.lastFrame, (x) => x.includes('▸ Internet Protocol Version 4'));
    app.stdin.write(KEY.tab);
    app.stdin.write(KEY.down);
    app.stdin.write(KEY.down);
    app.stdin.write(KEY.enter);
    let f = await until(app.lastFrame, (x) => x.includes('▾ Internet Protocol Version 4'));
    expect(f).toContain('= Version: 4');
    expect(f).toContain('    Time to Live: 64');
    app.stdin.write(KEY.left);
    f = await until(app.lastFrame, (x) => x.includes('▸ Internet Protocol Version 4'));
    expect(f).not.toContain('Time to Live: 64');
    app.stdin.write(KEY.right);
    await until(app.lastFrame, (x) => x.includes('Time to Live: 64'));
    app.stdin.write('E');
    f = await until(app.lastFrame, (x) => x.includes('▾ Frame 1'));
    expect(f).toContain('Encapsulation type: 1');
    app.stdin.write('C');
    f = await until(app.lastFrame, (x) => x.includes('▸ Frame 1'));
    expect(f).not.toContain('= Version: 4');
  });

  it('highlights a field\'s bytes, and moving in the bytes selects the field that holds them', async () => {
    const store = await indexed(loopback);
    const app = mount(store, loopback, { theme: { color: true } });
    await until(app.lastFrame, (x) => x.includes('▸ Internet Protocol Version 4'));
    // The IPv4 layer: its 20 bytes (offsets 14..33) are shown in inverse video.
    app.stdin.write(KEY.tab);
    app.stdin.write(KEY.down);
    app.stdin.write(KEY.down);
    let f = await untilRaw(app.lastFrame, (x) => x.includes('\x1b[7m45 00'));
    expect(f).toContain('\x1b[7m00 54 98 27 40 00 40 01 a4 7f 7f 00 00 01 7f 00\x1b[27m');
    // In the hex pane: byte 14 (0x45, Version and Header Length) then one to the right: 0x00, Differentiated Services.
    app.stdin.write(KEY.tab);
    app.stdin.write(KEY.right);
    f = await untilRaw(app.lastFrame, (x) => /Differentiated Services Field/.test(x) && x.includes('▾ Internet Protocol'));
    const tree = f.split('── Packet details')[1]!.split('── Packet bytes')[0]!;
    // The tree's cursor (underlined when the tree has not the keyboard) is on the first deepest field
    // of byte 15, its parents opened.
    expect(tree).toContain('▾ Differentiated Services Field');
    expect(tree).toMatch(/\x1b\[4m +0000 00\.\. = Differentiated Services Codepoint: Default \(0\)/);
  });

  it('the filter bar compiles as you type, completes field names, and Enter applies the filter (read -Y\'s rows)', async () => {
    const store = await indexed(loopback);
    let applied = '';
    const app = mount(store, loopback, { theme: { color: true }, applyFilter: (e) => void (applied = e) });
    await until(app.lastFrame, (x) => x.includes('Frame 1'));
    app.stdin.write('/');
    app.stdin.write('tcp.port == ');
    let f = await untilRaw(app.lastFrame, (x) => x.includes('^ '));
    // Red, with the compiler's message under the place it is about.
    expect(f).toContain('\x1b[31mtcp.port == \x1b[39m');
    expect(plain(f)).toMatch(/^ {14}\^ Unexpected end of filter expression\./m);
    app.stdin.write('80x');
    f = await until(app.lastFrame, (x) => x.includes('80x'));
    expect(f).toMatch(/\^ .*80x/);
    for (let i = 0; i < 'tcp.port == 80x'.length; i++) app.stdin.write(KEY.backspace);
    app.stdin.write('dns.qry.na');
    f = await until(app.lastFrame, (x) => x.includes('dns.qry.name '));
    expect(f).toMatch(/dns\.qry\.name +Name/);
    app.stdin.write(KEY.tab);
    f = await until(app.lastFrame, (x) => /\/ \S*dns\.qry\.name\b/.test(x));
    app.stdin.write(' == "fixture.test"');
    f = await untilRaw(app.lastFrame, (x) => x.includes('\x1b[32mdns.qry.name == "fixture.test"'));
    app.stdin.write(KEY.enter);
    await until(app.lastFrame, (x) => x.includes('Filter: dns.qry.name == "fixture.test"'));
    expect(applied).toBe('dns.qry.name == "fixture.test"');
  });

  it('a filter applied in the background shows exactly the frames read -Y prints', async () => {
    const store = await indexed(loopback);
    for (const expr of ['dns', 'tcp.flags.syn == 1', 'icmp || icmpv6', 'frame.len > 100']) {
      const { job } = filterFile(store, loopback, expr, {});
      await job.done;
      const expected = wl(['read', '--no-color', '-Y', expr, loopback]).trimEnd().split('\n').map((l) => Number(l.trim().split(/\s+/)[0]));
      const shown = Array.from({ length: store.shownCount() }, (_, k) => store.shownFrame(k));
      expect(shown, expr).toEqual(expected);
    }
    // In the list: only those rows.
    const app = mount(store, loopback);
    const f = await until(app.lastFrame, (x) => x.includes('Frame '));
    const rows = f.split('\n').slice(2).filter((l) => /^[> ] *\d+ +\d+\.\d+ /.test(l));
    expect(rows.map((l) => Number(l.slice(1).trim().split(/\s+/)[0]))).toEqual(Array.from({ length: store.shownCount() }, (_, k) => store.shownFrame(k)));
    expect(f).toMatch(/\d+\/30 shown/);
  });

  it('help lists every key; q quits; a too small terminal says so', async () => {
    const store = await indexed(loopback);
    let quit = 0;
    const app = mount(store, loopback, { onQuit: () => void quit++ });
    await until(app.lastFrame, (x) => x.includes('Frame 1'));
    app.stdin.write('?');
    const f = await until(app.lastFrame, (x) => x.includes('Keys ('));
    for (const [k] of KEYS) expect(f).toContain(k);
    app.stdin.write(KEY.esc);
    await until(app.lastFrame, (x) => x.includes('Packet details'));
    app.stdin.write('q');
    await sleep(50);
    expect(quit).toBe(1);
    app.unmount();
    const small = mount(store, loopback, { width: 40, height: 10 });
    expect(small.lastFrame()).toContain('too small (40x10)');
  });

  it('a damaged file: what was read is listed and the status bar says why it stopped', async () => {
    const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'wl-tui-'));
    const cut = join(dir, 'cut.pcap');
    const bytes = readFileSync(loopback);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const store = new PacketStore(cut);
    await indexFile(store, cut, {}).done;
    expect(store.progress().phase).toBe('failed');
    expect(store.count()).toBeGreaterThan(0);
    const app = mount(store, cut);
    const f = await until(app.lastFrame, (x) => x.includes('stopped:'));
    expect(f).toMatch(/stopped: .*truncated/);
  });
});

beforeAll(() => {
  // The worker runs from dist/ (test/global-setup.ts builds it).
  expect(resolve(root, 'dist/tui/store/worker.js')).toBeTruthy();
});
